"""The ``framing`` command line: nouns and verbs mirror the Python API.

One module per noun registers its sub-commands (``score``, ``compare``, ``lexicon`` ...). Exit codes:
0 success, 1 a check failed (``lexicon validate`` found problems), 2 bad input (a one-line reason on
standard error).
"""

from __future__ import annotations

import argparse
import gc
import sys
import warnings

from .. import __version__
from .._parallel import WorkerError
from ..errors import FramingError, FramingWarning
from . import compare, lexicon, report, score, study
from . import classify, datasets

#: Modules that register sub-commands, in the order they appear in ``framing --help``.
COMMAND_MODULES = [score, compare, lexicon, report, study, classify, datasets]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Measure how news outlets label actors and events.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # The objects that exist now (modules: numpy, pandas, scikit-learn) live as long as the command:
    # frozen, the collector does not walk them again at every full collection (25 ms each with the
    # 75,000 objects of `framing count`; one landed in the third of eight runs over 20 MB in one
    # process). Thawed at the end, for callers of main() in a longer-lived process (unless they had
    # frozen objects themselves).
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _one_line(warnings.showwarning)
            return args.func(args)
    except (FramingError, FramingWarning) as err:  # (a warning made an error: python -W error)
        print(f"framing: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    except WorkerError as err:  # a --jobs worker killed (out of memory): no traceback of ours helps
        print(f"framing: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `framing kwic ... | head`
        return 0
    finally:
        if thaw:
            gc.unfreeze()


def _one_line(show):
    """``warnings.showwarning`` that prints framing's own warnings (input read, but not all of it as
    given) as ``framing: warning: ...`` on standard error, and passes others to ``show``."""
    def shown(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, FramingWarning):
            print(f"framing: warning: {message}", file=sys.stderr if file is None else file)
        else:
            show(message, category, filename, lineno, file, line)
    return shown


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
