"""Errors raised by ``framing``. Every message says where the problem is and what to do about it.

The command line turns any :class:`FramingError` into a one-line reason on standard error and exit
code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["FramingError", "CorpusError", "LexiconError", "closest"]


class FramingError(ValueError):
    """Bad input given to ``framing``: the message names the file, row or line and the fix."""


class CorpusError(FramingError):
    """A corpus file cannot be read as asked."""


class LexiconError(FramingError):
    """A lexicon file is invalid.

    Attributes
    ----------
    problems : list of str
        Every problem found, each starting with ``file:line:``.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = self.problems[0] if self.problems else "invalid lexicon"
        more = f" (and {len(self.problems) - 1} more problem(s); run `framing lexicon validate`)" if len(
            self.problems
        ) > 1 else ""
        super().__init__(head + more)


def closest(name: str, choices: Iterable[str]) -> str:
    """A ``"; did you mean 'x'?"`` suffix naming the closest choice, or an empty string."""
    choices = [str(c) for c in choices]
    lowered = {c.lower(): c for c in choices}
    hit = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    return f"; did you mean '{lowered[hit[0]]}'?" if hit else ""
