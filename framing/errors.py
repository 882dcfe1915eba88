"""Errors raised by ``framing``. Every message says where the problem is and what to do about it.

The command line turns any :class:`FramingError` into a one-line reason on standard error and exit
code 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["FramingError", "CorpusError", "LexiconError", "FramingWarning", "UnreadableDateWarning", "closest"]


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


class FramingWarning(UserWarning):
    """Input that ``framing`` read, but not all of it as given: the message says where and what to do.

    The command line prints each as ``framing: warning: ...`` on standard error.
    """


class UnreadableDateWarning(FramingWarning):
    """Documents were kept (and scored) whose date could not be read: their ``date`` is missing (NaT).

    Attributes
    ----------
    count : int
        How many documents have such a date.
    examples : list of (str, str)
        The location and the date as written of the first few of them, in input order.
    """

    def __init__(self, count: int, examples: list[tuple[str, str]]):
        self.count = int(count)
        self.examples = list(examples)
        shown = ", ".join(f"{loc} {value!r}" for loc, value in self.examples)
        more = f" and {self.count - len(self.examples):,} more" if self.count > len(self.examples) else ""
        super().__init__(
            f"{self.count:,} document{'s' if self.count != 1 else ''} kept with no date: the date could not be read, "
            f"or lies outside the years 1677-2262 that pandas can hold ({shown}{more}); to keep them, give dates "
            "in ISO 8601 (2018-05-16 or 2018-05-16T09:30:00Z) within those years")

    def __reduce__(self):  # (copied and pickled, as a process pool does with an error: helper-46;
        # with its __dict__, which holds notes added to it: helper-47)
        return type(self), (self.count, self.examples), self.__dict__


def closest(name: str, choices: Iterable[str]) -> str:
    """A ``"; did you mean 'x'?"`` suffix naming the closest choice, or an empty string."""
    choices = [str(c) for c in choices]
    lowered = {c.lower(): c for c in choices}
    hit = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    return f"; did you mean '{lowered[hit[0]]}'?" if hit else ""
