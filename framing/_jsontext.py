"""Texts left in the bytes of their JSON Lines file until a character of them is needed.

``framing count`` only needs each text's one-byte match form, its length and a few checks, and
making a Python ``str`` of every text cost more than anything else it does (parsing 20 MB of news
with orjson: 18.8 ms with the texts, 0.8 ms without). So, for ``count``, the C kernel
``json_literals`` cuts the longest string value out of each line of a block (the line keeps
``"key": ""``), orjson parses the rest of the line, and a :class:`JsonText` stands for the value:
the string literal's place in the block's bytes, its number of characters, whether it holds a NUL
and whether it holds a character that is not whitespace. The kernel checks a literal's escapes but
not its UTF-8, which is checked where it is decoded: by ``forms`` for the texts matched, by
:func:`literal_text` for the others (``framing/corpus.py`` decodes the texts of skipped rows);
either raises :class:`InvalidLiteral`, and the block is read again as a whole, so that a file
that is not valid UTF-8 fails as it always has, naming the line. ``framing._ckernels.forms`` reads the
match form straight from the literal; the few texts that need a ``str`` (the exact match form, a
document hash, a skipped row's message) decode theirs when asked, as orjson decodes it.
"""

from __future__ import annotations

import json

try:
    import orjson
except ImportError:  # (framing count cuts no literal without it: see framing/corpus.py)
    orjson = None

class InvalidLiteral(ValueError):
    """A literal left in its bytes is not valid UTF-8 (found when it is read): the caller reads its
    block again as a whole, which raises the error that names the line."""


MIN_LITERAL = 256  # bytes: shorter values are parsed with the line (cutting them gains nothing)
NUL, SOLID = 1, 2  # the kernel's flags (JT_NUL, JT_SOLID in framing/_ckernels.c)


def literal_text(literal: tuple) -> str:
    """The ``str`` of ``(data, start, end, ...)``: the JSON string literal ``data[start:end]``
    (between its quotes)."""
    data, start, end = literal[0], literal[1], literal[2]
    quoted = memoryview(data)[start - 1:end + 1]
    try:
        return orjson.loads(quoted) if orjson is not None else json.loads(bytes(quoted))
    except ValueError:  # (orjson.JSONDecodeError, json.JSONDecodeError, UnicodeDecodeError)
        raise InvalidLiteral(f"bytes {start}:{end} of the block are not a valid JSON string") from None


class JsonText:
    """A text still in its block's bytes, which reads like a ``str`` where the standardiser and the
    matcher read one.

    Parameters
    ----------
    literal : tuple
        ``(data, start, end, n_chars, flags, ...)`` from ``json_literals``: the block's bytes, the
        literal's bytes between its quotes (``data[start:end]``), its characters (code points,
        ``len`` of its ``str``), and flags (1: it holds a NUL; 2: it holds a character that is not
        whitespace).
    """

    __slots__ = ("literal", "_text")

    def __init__(self, literal: tuple):
        self.literal = literal  # (what framing._ckernels.forms reads)
        self._text: str | None = None

    @property
    def n_chars(self) -> int:
        return self.literal[3]

    def __len__(self) -> int:
        return self.literal[3]

    def __str__(self) -> str:
        """The text (decoded once, then kept)."""
        if self._text is None:
            self._text = literal_text(self.literal)
        return self._text

    def __getitem__(self, key) -> str:
        return str(self)[key]

    def __contains__(self, sub: str) -> bool:
        if sub == "\x00":
            return bool(self.literal[4] & NUL)
        return sub in str(self)

    def index(self, sub: str) -> int:
        return str(self).index(sub)

    def isspace(self) -> bool:
        """``str.isspace`` (decoded only when every character may be whitespace)."""
        return self.literal[3] > 0 and not self.literal[4] & SOLID and str(self).isspace()

    def __repr__(self) -> str:
        return f"JsonText({self.literal[3]} characters at bytes {self.literal[1]}:{self.literal[2]})"


def as_str(text) -> str:
    """``text`` as a ``str`` (a :class:`JsonText` decoded)."""
    return text if type(text) is str else str(text)
