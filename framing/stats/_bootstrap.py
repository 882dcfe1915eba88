"""Cluster bootstrap of ratio statistics, vectorised with numpy, and its confidence intervals.

Every rate, share and mean in :mod:`framing.stats` is a ratio of two sums over documents,
``theta = sum_d y_d / sum_d x_d`` (mentions over tokens, documents with a mention over documents,
one label over all labels of a referent, valence over valenced labels). Mentions in one article are
not independent, so the unit of resampling is the document: a replicate draws ``n`` documents of a
group with replacement (the group's ``n`` documents, index resampling), and recomputes both sums.
All replicates of a group are one matrix product ``W @ Y`` where ``W[b, d]`` counts how often
replicate ``b`` drew document ``d``.

Random numbers: each group draws from its own stream, seeded by ``(seed, CRC-32 of the group key)``,
so a group's interval does not change when other groups are added or removed, and the same inputs
and seed give identical outputs.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy import sparse
from scipy.special import ndtr, ndtri

from ..errors import FramingError
from ._choices import INTERVALS

__all__ = ["percentile_interval", "bca_interval", "group_rng", "resample_counts", "INTERVALS"]


# Largest number of cells in one block of bootstrap weights or replicates (memory bound).
_BLOCK_CELLS = 4_000_000


def group_rng(seed: int, key) -> np.random.Generator:
    """The random generator of one group: seeded by ``seed`` and the CRC-32 of the group key.

    Parameters
    ----------
    seed : int
        Non-negative seed of the analysis.
    key : object or tuple
        The group key (e.g. ``"fox"`` or ``("fox", Timestamp("2018-05-01"))``).
    """
    parts = key if isinstance(key, tuple) else (key,)
    text = "\x1f".join(str(p) for p in parts)
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(text.encode("utf-8"))]))


def resample_counts(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Bootstrap weights: ``size`` rows, each the number of times each of ``n`` units was drawn.

    Index resampling (``n`` draws with replacement from ``n`` units) turned into counts, so that a
    replicate's sum of a per-unit quantity ``y`` is ``W @ y``. Each row sums to ``n``.
    """
    if n == 0:
        return np.zeros((size, 0))
    idx = rng.integers(0, n, size=(size, n))
    idx += (n * np.arange(size, dtype=np.int64))[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)


def _column_quantiles(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantile ``q[k]`` of column ``k`` ignoring NaN (linear interpolation, numpy's default).

    ``values`` is (B, K) and ``q`` is (K,) or (M, K); the result has the shape of ``q``.
    """
    s = np.sort(values, axis=0)  # NaN sorts last
    m = np.sum(~np.isnan(values), axis=0)
    q = np.asarray(q, dtype=float)
    squeeze = q.ndim == 1
    q = np.atleast_2d(q)
    out = np.full(q.shape, np.nan)
    cols = np.arange(values.shape[1])
    ok = m > 0
    for r in range(q.shape[0]):
        pos = q[r] * (np.maximum(m, 1) - 1)
        lo = np.floor(np.nan_to_num(pos)).astype(np.int64)
        lo = np.clip(lo, 0, np.maximum(m - 1, 0))
        hi = np.minimum(lo + 1, np.maximum(m - 1, 0))
        frac = pos - lo
        a = s[lo, cols]
        b = s[hi, cols]
        val = a + frac * (b - a)
        val = np.where(np.isnan(pos), np.nan, val)
        out[r] = np.where(ok, val, np.nan)
    return out[0] if squeeze else out


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of each column of ``replicates``.

    Parameters
    ----------
    replicates : ndarray, shape (B,) or (B, K)
        Bootstrap replicates of K statistics; NaN replicates (undefined statistic, e.g. a zero
        denominator) are left out.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    low, high : ndarray, shape (K,) (or scalars for 1-d input)

    Notes
    -----
    ``low`` and ``high`` are the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the
    replicates, with numpy's linear interpolation between order statistics
    (Efron & Tibshirani 1993, ch. 13).
    """
    r = np.asarray(replicates, dtype=float)
    one = r.ndim == 1
    r = r.reshape(len(r), -1)
    k = r.shape[1]
    qs = np.vstack([np.full(k, (1 - level) / 2), np.full(k, (1 + level) / 2)])
    low, high = _column_quantiles(r, qs)
    return (low[0], high[0]) if one else (low, high)


def bca_interval(replicates: np.ndarray, estimate: np.ndarray, acceleration: np.ndarray,
                 level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected and accelerated (BCa) bootstrap interval of each column.

    Parameters
    ----------
    replicates : ndarray, shape (B,) or (B, K)
        Bootstrap replicates (NaN left out).
    estimate : ndarray, shape (K,)
        The statistic on the original sample.
    acceleration : ndarray, shape (K,)
        ``a``, from the jackknife (:func:`jackknife_acceleration`).
    level : float, default 0.95

    Returns
    -------
    low, high : ndarray, shape (K,)

    Notes
    -----
    Efron (1987); Efron & Tibshirani (1993), ch. 14. With ``z0 = Phi^-1(p0)``, where ``p0`` is the
    share of replicates below the estimate (ties counted one half, as in
    :func:`scipy.stats.bootstrap`), and ``z = Phi^-1((1 -+ level) / 2)``, the interval ends are the
    quantiles ``Phi(z0 + (z0 + z) / (1 - a (z0 + z)))`` of the replicates. ``p0`` is kept within
    ``[1 / (2B), 1 - 1 / (2B)]`` so that an estimate outside all replicates gives the extreme
    replicate instead of an infinite ``z0``. Where every replicate equals the estimate, the
    interval is that value.
    """
    r = np.asarray(replicates, dtype=float)
    one = r.ndim == 1
    r = r.reshape(len(r), -1)
    est = np.atleast_1d(np.asarray(estimate, dtype=float))
    a = np.nan_to_num(np.atleast_1d(np.asarray(acceleration, dtype=float)))
    valid = ~np.isnan(r)
    m = valid.sum(axis=0)
    below = np.sum(np.where(valid, r < est, False), axis=0)
    ties = np.sum(np.where(valid, r == est, False), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p0 = (below + 0.5 * ties) / m
        p0 = np.clip(p0, 0.5 / np.maximum(m, 1), 1 - 0.5 / np.maximum(m, 1))
        z0 = ndtri(p0)
        qs = []
        for z in (ndtri((1 - level) / 2), ndtri((1 + level) / 2)):
            qs.append(ndtr(z0 + (z0 + z) / (1 - a * (z0 + z))))
    q = np.vstack(qs)
    low, high = _column_quantiles(r, q)
    bad = (m == 0) | np.isnan(est)
    low = np.where(bad, np.nan, low)
    high = np.where(bad, np.nan, high)
    return (low[0], high[0]) if one else (low, high)


def jackknife_acceleration(loo: np.ndarray) -> np.ndarray:
    """BCa acceleration from leave-one-out estimates ``loo`` (n, K), NaN rows left out per column.

    ``a = sum(d^3) / (6 * sum(d^2)^1.5)`` with ``d = mean(loo) - loo`` (Efron & Tibshirani 1993,
    eq. 14.15); 0 where the jackknife values do not vary.
    """
    loo = np.asarray(loo, dtype=float).reshape(len(loo), -1)
    valid = ~np.isnan(loo)
    n = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(loo, axis=0) / np.maximum(n, 1), 0.0)
        d = np.where(valid, mean - loo, 0.0)
        s2 = np.sum(d ** 2, axis=0)
        s3 = np.sum(d ** 3, axis=0)
        a = np.where(s2 > 0, s3 / (6.0 * s2 ** 1.5), 0.0)
    return a


class RatioBootstrap:
    """Cluster-bootstrap every column of a ratio statistic, one group at a time.

    ``theta[k] = scale * sum_d Y[d, k] / sum_d D[d, den[k]]`` over the documents ``d`` of a group.

    Parameters
    ----------
    Y : sparse matrix or ndarray, shape (n_docs, K)
        Numerators per document.
    D : ndarray, shape (n_docs, J)
        Denominator bases per document (e.g. tokens, ones).
    den : ndarray of int, shape (K,)
        Column of ``D`` that is the denominator of each statistic.
    scale : ndarray or float
        Multiplier per statistic (1,000 for rates per 1,000 tokens).
    """

    def __init__(self, Y, D: np.ndarray, den: np.ndarray, scale=1.0):
        self.Y = sparse.csr_matrix(Y, dtype=np.float64)
        self.D = np.asarray(D, dtype=np.float64).reshape(self.Y.shape[0], -1)
        self.den = np.asarray(den, dtype=np.int64)
        self.scale = np.broadcast_to(np.asarray(scale, dtype=float), (self.Y.shape[1],)).copy()

    def run(self, rows: np.ndarray, rng_factory, *, replicates: int, level: float, interval: str,
            ) -> dict[str, np.ndarray]:
        """Estimates, sums and interval ends for the documents ``rows`` of one group.

        ``rng_factory()`` returns a fresh generator of the group's stream (called once per block of
        columns, so that every block sees the same resampled documents).
        """
        if interval not in INTERVALS:
            raise FramingError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
        Yg = self.Y[rows]
        Dg = self.D[rows]
        n, K = Yg.shape
        num = np.asarray(Yg.sum(axis=0)).ravel()
        den_all = Dg.sum(axis=0)
        den = den_all[self.den] if K else np.zeros(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            est = np.where(den > 0, self.scale * num / np.where(den > 0, den, 1), np.nan)
        low = np.full(K, np.nan)
        high = np.full(K, np.nan)
        if n == 0 or K == 0 or replicates <= 0:
            return {"estimate": est, "num": num, "den": den, "low": low, "high": high}
        YgT = Yg.T.tocsr()
        col_block = max(1, _BLOCK_CELLS // max(replicates, 1))
        row_block = max(1, _BLOCK_CELLS // max(n, 1))
        for c0 in range(0, K, col_block):
            cols = slice(c0, min(K, c0 + col_block))
            rng = rng_factory()
            reps = np.empty((replicates, cols.stop - c0))
            dcols = self.den[cols]
            for b0 in range(0, replicates, row_block):
                b = min(replicates, b0 + row_block) - b0
                W = resample_counts(rng, n, b)
                nb = np.asarray(YgT[cols] @ W.T).T
                db = (W @ Dg)[:, dcols]
                with np.errstate(invalid="ignore", divide="ignore"):
                    reps[b0:b0 + b] = np.where(db > 0, self.scale[cols] * nb / np.where(db > 0, db, 1), np.nan)
            if interval == "percentile":
                lo, hi = percentile_interval(reps, level)
            else:
                a = self._acceleration(Yg, Dg, cols, num[cols], den_all)
                lo, hi = bca_interval(reps, est[cols], a, level)
            low[cols], high[cols] = lo, hi
        return {"estimate": est, "num": num, "den": den, "low": low, "high": high}

    def _acceleration(self, Yg, Dg, cols: slice, num: np.ndarray, den_all: np.ndarray) -> np.ndarray:
        """Jackknife acceleration of the ratio: leave one document out, in blocks of documents."""
        n = Yg.shape[0]
        dcols = self.den[cols]
        k = cols.stop - cols.start
        block = max(1, _BLOCK_CELLS // max(k, 1))
        # leave-one-out ratios are computed block by block; moments of u = loo - est accumulate
        with np.errstate(invalid="ignore", divide="ignore"):
            est = np.where(den_all[dcols] > 0, num / np.where(den_all[dcols] > 0, den_all[dcols], 1), np.nan)
        s1 = np.zeros(k)
        s2 = np.zeros(k)
        s3 = np.zeros(k)
        cnt = np.zeros(k)
        for r0 in range(0, n, block):
            y = Yg[r0:r0 + block][:, cols].toarray()
            x = Dg[r0:r0 + block][:, dcols]
            with np.errstate(invalid="ignore", divide="ignore"):
                dd = den_all[dcols] - x
                loo = np.where(dd > 0, (num - y) / np.where(dd > 0, dd, 1), np.nan)
            u = loo - est
            ok = ~np.isnan(u)
            u = np.where(ok, u, 0.0)
            s1 += u.sum(axis=0)
            s2 += (u ** 2).sum(axis=0)
            s3 += (u ** 3).sum(axis=0)
            cnt += ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ub = np.where(cnt > 0, s1 / np.maximum(cnt, 1), 0.0)
            # d = ub - u; sum d^2 and sum d^3 from the raw moments of u
            sd2 = s2 - cnt * ub ** 2
            sd3 = cnt * ub ** 3 - 3 * ub ** 2 * s1 + 3 * ub * s2 - s3
            a = np.where(sd2 > 1e-300, sd3 / (6.0 * np.abs(sd2) ** 1.5), 0.0)
        return np.nan_to_num(a)


def check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise FramingError(f"level must be between 0 and 1 (e.g. 0.95), not {level}")
    return level


def check_replicates(replicates: int) -> int:
    if int(replicates) != replicates or replicates < 0:
        raise FramingError(f"replicates must be a non-negative integer, not {replicates}")
    return int(replicates)
