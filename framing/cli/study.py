"""``framing study init|run|verify``: a whole analysis in one YAML file, and proof that it reproduces."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("study", help="run a study file; verify that its outputs reproduce",
                       description="A study file (YAML) describes a whole analysis: corpus and column mapping, "
                                   "filters, lexicons, voices, statistics with their seed, outputs. `init` writes a "
                                   "commented template, `run` runs it, `verify` re-runs it from the manifest and "
                                   "compares every output byte for byte.")
    ssub = p.add_subparsers(dest="study_command", metavar="ACTION")
    ssub.required = True

    i = ssub.add_parser("init", help="write a commented study template",
                        description="Write a study file with every key, its default and what it means.")
    i.add_argument("path", nargs="?", default="study.yaml", help="where to write it (default study.yaml)")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    i.set_defaults(func=cmd_study_init)

    r = ssub.add_parser("run", help="run a study file",
                        description="Run the study: read and filter the corpus, score it, write the report, tables, "
                                    "figures and manifest.json to the study's output folder.")
    r.add_argument("study", metavar="STUDY", help="the study file (YAML)")
    r.add_argument("--out", "-o", metavar="DIR", help="output folder (default: outputs.dir of the study)")
    r.set_defaults(func=cmd_study_run)

    v = ssub.add_parser("verify", help="re-run a study from its manifest and compare outputs file by file",
                        description="Read DIR/manifest.json, check the recorded inputs, re-run the study (or "
                                    "report command) into a temporary folder and compare every output's SHA-256. "
                                    "Exit 0 when every output reproduces byte for byte and every input is "
                                    "unchanged, 1 otherwise.")
    v.add_argument("dir", metavar="DIR", help="a folder written by `framing study run` or `framing report`")
    v.add_argument("--keep", metavar="DIR2", help="keep the re-run in DIR2 (to diff it)")
    v.add_argument("--quiet", "-q", action="store_true", help="print only what differs and the summary")
    v.set_defaults(func=cmd_study_verify)


def cmd_study_init(args) -> int:
    from ..study import init_study

    path = init_study(args.path, force=args.force)
    print(f"wrote {path}; edit it, then run `framing study run {path}`")
    return 0


def cmd_study_run(args) -> int:
    from ..study import load_study, run_study

    study = load_study(args.study)
    rep = run_study(study, out=args.out)
    res = rep.result
    out = Path(args.out) if args.out else study.out_dir()
    print(f"study {study.name or Path(args.study).name}: {len(res.documents)} documents scored, "
          f"{len(res.skipped)} skipped, {len(res.mentions)} mentions")
    print(f"wrote {len(rep.files)} files to {out}/ and {out / 'manifest.json'}; check it with "
          f"`framing study verify {out}`")
    return 0


def cmd_study_verify(args) -> int:
    from ..study import verify

    result = verify(args.dir, keep=args.keep)
    for line in result.lines():
        if args.quiet and line.startswith("identical"):
            continue
        print(line)
    print(result.summary())
    return 0 if result.ok else 1
