"""Writing tables chunk by chunk (CSV or Parquet) so that scoring never holds all mentions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import FramingWarning

__all__ = ["ChunkWriter"]


class ChunkWriter:
    """Append DataFrame chunks to ``path`` as CSV or Parquet (``pyarrow``), header/schema once.

    Object columns are written as strings (missing values stay missing), so every chunk has the same
    Parquet schema even when a column is empty in the first chunk.
    """

    def __init__(self, path: str | Path, format: str = "csv", first: pd.DataFrame | None = None):
        """``first``: a table (of no rows, say) whose columns and dtypes stand for the first chunk of a
        table written elsewhere, which these chunks continue (a piece of a file on a dask worker):
        its columns, and its Parquet schema, are kept as the first chunk's would be."""
        if format not in ("csv", "parquet"):
            raise ValueError(f"unknown output format {format!r}; use csv or parquet")
        self.path = Path(path).with_suffix("." + format)
        self.format = format
        self._first = True
        self._writer = None
        self._schema = None if first is None or format != "parquet" else _schema_of(first)
        self._columns: list | None = None if first is None else list(first.columns)

    def write(self, df: pd.DataFrame) -> None:
        if self._columns is None:
            self._columns = list(df.columns)
        elif list(df.columns) != self._columns:
            extra = [c for c in df.columns if c not in self._columns]
            if extra:
                warnings.warn(FramingWarning(f"{self.path.name}: column(s) {', '.join(map(str, extra))} first appear "
                                             "after the first chunk and are left out; put them in the first rows of "
                                             "the corpus or read it with a larger chunk"), stacklevel=2)
            df = df.reindex(columns=self._columns)
        if self.format == "csv":
            # (a date format only where a column holds dates: given one, pandas calls a Python function
            # on every value of every object column, which was a third of writing 504,517 mentions)
            dates = {"date_format": "%Y-%m-%d %H:%M:%S"} if _has_dates(df) else {}
            df.to_csv(self.path, mode="w" if self._first else "a", header=self._first, index=False,
                      lineterminator="\n", **dates)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._schema is None:
                self._schema = _schema_of(df)
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, self._schema)
            cols = {}
            for f in self._schema:
                s = df[f.name]
                fast = None
                if f.type == pa.string() and _only_strings(s):  # (Arrow converts them in C)
                    try:
                        fast = pa.array(s.to_numpy(dtype=object), type=f.type, from_pandas=True)
                    except (pa.ArrowTypeError, pa.ArrowInvalid):  # (a NumPy float32 NaN, a complex NaN ...,
                        pass  # which infer_dtype skips as missing: value by value, as before; helper-45)
                if fast is not None:
                    cols[f.name] = fast
                elif f.type == pa.string():
                    values = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
                              for v in s.tolist()]
                    cols[f.name] = pa.array(values, type=f.type)
                else:
                    cols[f.name] = pa.array(s, type=f.type)
            self._writer.write_table(pa.table(cols, schema=self._schema))
        self._first = False

    def close(self) -> None:
        if self._first and self.format == "csv":
            self.path.write_text("", encoding="utf-8")
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> "ChunkWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _schema_of(df: pd.DataFrame):
    """The Parquet schema a :class:`ChunkWriter` writes ``df``'s columns with: integers as int64,
    floats, flags, dates in their own unit, and everything else as text."""
    import pyarrow as pa

    fields = []
    for col in df.columns:
        dtype = df[col].dtype
        if dtype.kind == "M":  # (dates in their own unit: a metadata column of microseconds
            # holding the year 2500 could not be cast to nanoseconds; helper-45)
            unit = getattr(dtype, "unit", None) or np.datetime_data(dtype)[0]
            typ = pa.timestamp(unit if unit in ("s", "ms", "us", "ns") else "ns")
        else:
            typ = {"i": pa.int64(), "u": pa.int64(), "f": pa.float64(), "b": pa.bool_()}.get(dtype.kind, pa.string())
        fields.append(pa.field(str(col), typ))
    return pa.schema(fields)


def _only_strings(s: pd.Series) -> bool:
    """Whether a column holds only strings and missing values (None, NaN, NA), read in C."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def _has_dates(df: pd.DataFrame) -> bool:
    """Whether a table may have dates for the date format: any column other than numbers, flags and
    strings (a datetime dtype, categories of dates, objects that may be ``datetime`` values, which
    pandas formats with the date format too), or a label other than a string (labels are formatted
    too)."""
    if not all(isinstance(c, str) for c in df.columns):
        return True
    for i in range(df.shape[1]):
        s = df.iloc[:, i]  # (by position: a label may repeat)
        if isinstance(s.dtype, pd.StringDtype) or s.dtype.kind in "iufb":
            continue
        if not _only_strings(s):
            return True
    return False
