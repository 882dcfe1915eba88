"""``framing lexicon ...``: lexicon tools."""

from __future__ import annotations

from ..lexicon import check_lexicon


def register(sub) -> None:
    p = sub.add_parser("lexicon", help="lexicon tools: validate", description="Lexicon tools.")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True
    v = lsub.add_parser("validate", help="check lexicon files; print every problem with file:line",
                        description="Check lexicon files. Exit 0 when valid, 1 when problems were found.")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=cmd_lexicon_validate)


def cmd_lexicon_validate(args) -> int:
    bad = 0
    for f in args.files:
        problems = check_lexicon(f)
        if problems:
            bad += 1
            for p in problems:
                print(p)
        else:
            print(f"{f}: ok")
    return 1 if bad else 0
