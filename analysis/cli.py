"""Command-line interface: ``python -m analysis <command> ...`` (documented in docs/cli.md).

Exit codes: 0 = done, 1 = the dataset (or mapping) is unusable, with a one-line message and no
traceback, 2 = usage error (unknown option, missing argument).

To add a command: write ``add_<name>_parser(subparsers)`` that registers its options and sets
``func=cmd_<name>``, call it from :func:`build_parser`, and make ``cmd_<name>(args) -> int``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import DatasetError
from .escaping import terminal_text
from .memory import ordinary_pages_for_this_process

#: Exclusions printed by ``validate`` without ``--json`` (all of them are in the JSON document).
MAX_PRINTED_EXCLUSIONS = 50


def add_dataset_arguments(p: argparse.ArgumentParser) -> None:
    """The options every command that loads a dataset shares."""
    p.add_argument("path", metavar="PATH", help="dataset folder, .zip, or a single CSV/Parquet file")
    p.add_argument("--mapping", metavar="FILE",
                   help="column mapping file: .csv with header source,target, or .json {\"Subject\": \"patient_id\"}")
    p.add_argument("--map", metavar="A=B,...", action="append", default=[],
                   help="column mappings on the command line, e.g. Subject=patient_id,NRS=pain_nrs "
                        "(overrides --mapping; may be repeated)")
    p.add_argument("--drop-identifiers", action="store_true",
                   help="drop columns that look like direct identifiers instead of refusing the dataset")
    p.add_argument("--date-format", choices=("YMD", "DMY", "MDY"), default=None,
                   help="for a clinic export whose dates read two ways (03/04/2024): the order they are written in")
    p.add_argument("--time-zone", metavar="ZONE", default=None,
                   help="for a clinic export: the clinic's time zone (e.g. America/New_York); times written with a "
                        "zone (Z, -05:00, a Qualtrics file's timeZone) are converted to its local time")


def mapping_from_args(args: argparse.Namespace) -> dict[str, str]:
    """The mapping given by ``--mapping`` and ``--map`` (``--map`` wins)."""
    from .mapping import merge, parse_mapping_option, read_mapping_file

    parts = [read_mapping_file(args.mapping)] if args.mapping else []
    parts += [parse_mapping_option(m) for m in args.map]
    return merge(*parts)


def load_from_args(args: argparse.Namespace):
    """Load the dataset named on the command line (raises DatasetError when unusable)."""
    from .io import spec as export_spec
    from .load import load_dataset

    if args.mapping and export_spec.read(args.mapping) is not None:
        # A clinic-export mapping (docs/data-format.md, "Clinic exports"); --map does not apply to it.
        if args.map:
            raise DatasetError("--map cannot be combined with a clinic-export mapping file: put the column roles "
                               "in the mapping file.", file="--map")
        return load_dataset(dataset_path(args.path), mapping=args.mapping, drop_identifiers=args.drop_identifiers,
                            date_format=args.date_format, time_zone=args.time_zone)
    mapping = mapping_from_args(args)
    return load_dataset(dataset_path(args.path), mapping=mapping or None, drop_identifiers=args.drop_identifiers,
                        date_format=args.date_format, time_zone=args.time_zone)


def dataset_path(path: str):
    """``path``, or the installed demo cohort when ``path`` is ``demo`` or ``data/demo`` and no such
    folder exists here (rule: :func:`analysis.resources.demo_alias`; a note on stderr says so, so
    that stdout keeps only the output, e.g. the JSON document)."""
    from .resources import demo_alias

    demo = demo_alias(path)
    if demo is None:
        return path
    print(f"note: there is no {path} in this folder; using the SYNTHETIC demo cohort installed with "
          f"CRPS Outcomes ({demo}).", file=sys.stderr)
    return demo


def _fail(args: argparse.Namespace, error: Exception) -> int:
    """A command's unusable input: one JSON document with --json, else one line on stderr; exit 1."""
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "error": str(error)}, indent=2))
    else:
        print(f"error: {error}", file=sys.stderr)
    return 1


def add_inspect_parser(sub) -> None:
    p = sub.add_parser("inspect", help="say what an export is and propose the mapping to read it",
                       description="Detect what the files are (REDCap raw or labels export with its data dictionary, "
                                   "EHR flowsheet and administration record, spreadsheet), how they are written "
                                   "(encoding, delimiter, header row, date format) and propose a role for every "
                                   "column. --write-mapping saves the proposal as a mapping file to review and pass "
                                   "to validate/summarize/export with --mapping.")
    p.add_argument("path", metavar="PATH", help="export folder, .zip, or a single CSV file")
    p.add_argument("--write-mapping", metavar="FILE", help="save the proposed mapping (JSON) to FILE")
    p.add_argument("--date-format", choices=("YMD", "DMY", "MDY"), default=None,
                   help="the order of dates that read two ways (03/04/2024)")
    p.add_argument("--time-zone", metavar="ZONE", default=None,
                   help="the clinic's time zone (e.g. America/New_York), written into the mapping as \"time_zone\"")
    p.add_argument("--json", action="store_true", help="write the findings as one JSON document")
    p.set_defaults(func=cmd_inspect)


def read_path_files(path: str) -> tuple[dict[str, bytes], list[str]]:
    """Every file of a folder (hidden files left out), or the one file given; workbooks as the CSV
    files of their sheets and SPSS/Stata/SAS files as CSV files, with notes saying how each was read."""
    from pathlib import Path

    p = Path(path)
    if not p.exists():
        raise DatasetError(f"{p} does not exist. Give the path of an export folder, a .zip or a CSV file.", file=str(p))
    try:
        if p.is_dir():
            files = {f.name: f.read_bytes() for f in sorted(p.iterdir()) if f.is_file() and not f.name.startswith(".")}
        else:
            files = {p.name: p.read_bytes()}
    except OSError as e:
        raise DatasetError(f"Cannot read {p}: {e.strerror or e}.", file=str(p)) from None
    from .io.stat_files import expand_file_formats

    # study.dta: study.csv, its value labels and dates written out; a workbook: the CSV files of its sheets
    return expand_file_formats(files)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .io.propose import inspect

    try:
        files, sheets = read_path_files(args.path)
        proposal = inspect(files, date_format=args.date_format)
        if args.time_zone:
            from dataclasses import replace
            from .io.spec import check_time_zone
            proposal.spec = replace(proposal.spec, time_zone=check_time_zone(args.time_zone, "--time-zone"))
    except DatasetError as e:
        return _fail(args, e)
    if args.write_mapping:
        try:
            with open(args.write_mapping, "w", encoding="utf-8") as fh:
                fh.write(proposal.spec.dumps())
        except OSError as e:
            print(f"error: cannot write {args.write_mapping}: {e.strerror or e}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps({"ok": True, **proposal.to_dict(), "workbook_sheets": sheets}, indent=2, ensure_ascii=False))
    else:
        print("".join(f"{note}\n" for note in sheets) + ("\n" if sheets else "") + proposal.to_text())
        if args.write_mapping:
            print(f"\nThe proposed mapping was written to {args.write_mapping}: review it, then load with "
                  f"--mapping {args.write_mapping}.")
        elif proposal.review:
            print("\nSave the proposal with --write-mapping FILE, settle the points above in it, then load with "
                  "--mapping FILE.")
    return 0


def add_validate_parser(sub) -> None:
    p = sub.add_parser("validate", help="load a dataset and print its load report",
                       description="Load and validate a dataset; print how many rows of each file were used and "
                                   "every excluded row with its reason. Exit 0 when the dataset loaded, 1 when "
                                   "it is unusable.")
    add_dataset_arguments(p)
    p.add_argument("--json", action="store_true", help="write the report as one JSON document (see docs/cli.md)")
    p.set_defaults(func=cmd_validate)


def _split_list(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def add_definition_arguments(p: argparse.ArgumentParser) -> None:
    """Options mirroring the fields of analysis.definitions.Definitions (see docs/methods.md)."""
    from .definitions import CLUSTER_METHODS, CONF_TYPES, Definitions

    d = Definitions()
    p.add_argument("--by", metavar="COLUMN", action="append", default=[],
                   help="also group by this patient covariate (repeat or comma-separate for several); "
                        "groups are always split by treatment, unless --by none pools all episodes")
    p.add_argument("--filter", metavar="COLUMN=V1,V2", action="append", default=[],
                   help="keep only episodes whose COLUMN is one of the values, or within LOW..HIGH for a "
                        "numeric covariate (may be repeated)")
    p.add_argument("--measure", default=d.measure, help=f"outcome measure (default {d.measure})")
    p.add_argument("--threshold", type=float, default=d.threshold,
                   help=f"responder threshold in %% relief (default {d.threshold:g})")
    p.add_argument("--baseline-window", type=float, default=d.baseline_window_days, metavar="DAYS",
                   help=f"baseline = last score up to this many days before the start (default {d.baseline_window_days:g})")
    p.add_argument("--immediate-window", type=float, default=d.immediate_window_days, metavar="DAYS",
                   help=f"immediate = first score within this many days after the start (default {d.immediate_window_days:g})")
    p.add_argument("--max-followup", type=float, default=d.max_followup_days, metavar="DAYS",
                   help=f"follow-up ends this many days after the start (default {d.max_followup_days:g})")
    p.add_argument("--conf-level", type=float, default=d.conf_level, help=f"confidence level (default {d.conf_level})")
    p.add_argument("--conf-type", choices=CONF_TYPES, default=d.km_conf_type,
                   help=f"scale of the Kaplan-Meier intervals (default {d.km_conf_type})")
    p.add_argument("--cluster-method", choices=CLUSTER_METHODS, default=d.cluster_method,
                   help="intervals when patients contribute several episodes to a group (default cluster-robust)")
    p.add_argument("--first-episode-only", action="store_true",
                   help="analyse only each patient's first course of each treatment")
    p.add_argument("--retreatment-is-event", action="store_true",
                   help="count the next treatment start as loss of relief (time to re-treatment)")
    p.add_argument("--min-cell-size", type=int, default=d.min_cell_size,
                   help=f"groups with fewer patients are flagged / suppressed (default {d.min_cell_size})")


def definitions_from_args(args: argparse.Namespace):
    from .definitions import Definitions

    return Definitions(
        measure=args.measure,
        baseline_window_days=args.baseline_window, immediate_window_days=args.immediate_window,
        max_followup_days=args.max_followup, conf_level=args.conf_level, km_conf_type=args.conf_type,
        cluster_method=args.cluster_method, first_episode_only=args.first_episode_only,
        retreatment_is_event=args.retreatment_is_event, min_cell_size=args.min_cell_size,
    ).with_threshold(args.threshold)


def filters_from_args(args: argparse.Namespace) -> dict | None:
    from .errors import AnalysisError

    filters: dict = {}
    for item in args.filter:
        if "=" not in item:
            raise AnalysisError(f"--filter {item!r}: write COLUMN=VALUE1,VALUE2 or COLUMN=LOW..HIGH")
        col, _, vals = item.partition("=")
        if ".." in vals:
            lo, _, hi = vals.partition("..")
            try:
                filters[col.strip()] = (float(lo), float(hi))
            except ValueError:
                raise AnalysisError(f"--filter {item!r}: LOW..HIGH must be numbers, e.g. age=18..65") from None
        else:
            filters[col.strip()] = [v.strip() for v in vals.split(",") if v.strip()]
    return filters or None


def grouping_from_args(args: argparse.Namespace) -> list[str]:
    """Groups: treatment plus the ``--by`` covariates; ``--by none`` pools all episodes."""
    extra = _split_list(args.by)
    if [c.lower() for c in extra] in (["none"], ["all"]):
        return []
    return ["treatment", *[c for c in extra if c != "treatment"]]


def add_summarize_parser(sub) -> None:
    p = sub.add_parser("summarize", help="print the headline results per treatment (and covariate) group",
                       description="Headline results per group: patients, episodes, immediate relief and "
                                   "responders, responder rates at weeks 4/8/12, relief duration (Kaplan-Meier) "
                                   "and the log-rank test. Definitions: docs/methods.md.")
    add_dataset_arguments(p)
    add_definition_arguments(p)
    p.add_argument("--json", action="store_true", help="write one JSON document (see docs/cli.md)")
    p.add_argument("--no-models", action="store_true",
                   help="leave out the treatment-comparison models (Cox, GEE, competing risks): the rest in seconds "
                        "at registry scale; \"models\" is then null")
    p.set_defaults(func=cmd_summarize)


def unknown_measure_message(measure: str, measures) -> str:
    """Why ``--measure`` names no measure of the dataset, and what to do: where labels are other words for it
    (``NRS``, ``Pain`` for ``pain_nrs``), the ``--map`` that reads all of them as it; ``--measure NRS`` would
    analyse only the rows written ``NRS``."""
    from .io.measure_spellings import map_advice, other_words

    has = f"Unknown measure {measure!r}: this dataset has {', '.join(measures) or 'none'}."
    words = other_words(measure, measures)
    if not words:
        return f"{has} Choose one with --measure."
    return (f"{has} {', '.join(repr(w) for w in words)} look like {measure!r}: if they are that scale, read them all "
            f"as it with {map_advice(measure, measures)} (or a mapping file). --measure with one of them would analyse "
            "only the scores under that label.")


def cmd_summarize(args: argparse.Namespace) -> int:
    from .errors import AnalysisError
    from .summary import summarize

    try:
        definitions = definitions_from_args(args)
        ds = load_from_args(args)
        if definitions.measure not in ds.measures:
            raise AnalysisError(unknown_measure_message(definitions.measure, ds.measures))
        result = summarize(ds, definitions, by=grouping_from_args(args), filters=filters_from_args(args),
                           models=not args.no_models)
    except (DatasetError, AnalysisError, ValueError) as e:
        return _fail(args, e)
    if args.json:
        # The load's warnings in the document too: a script reading only stdout would not see them on stderr.
        print(json.dumps({**result.to_dict(), "load_warnings": list(ds.report.warnings)}, indent=2))
    else:
        print(result.to_text())
    if result.note:  # the threshold asked for was replaced by the measure's own response rule
        print(f"note: {result.note}", file=sys.stderr)
    say_load_doubts(ds.report, args.path)
    return 0


def say_load_doubts(report, path: str) -> None:
    """The load's plausibility warnings and the number of values left out, on stderr (stdout keeps only the
    results): a reviewer who runs only ``summarize`` still sees that a reading is doubtful."""
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if len(report.exclusions):
        print(f"note: {len(report.exclusions)} value(s) of the files were left out on loading; "
              f"`validate {path}` (with the same options) lists each with its file, line, column and reason.",
              file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    # The console command `crps-outcomes` (pyproject.toml) runs main() too: usage lines name the one typed.
    prog = "crps-outcomes" if Path(sys.argv[0]).name == "crps-outcomes" else "python -m analysis"
    parser = argparse.ArgumentParser(prog=prog,
                                     description="CRPS Outcomes: validate and analyse a clinic's outcome data.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_validate_parser(sub)
    add_inspect_parser(sub)
    add_summarize_parser(sub)
    add_export_parser(sub)
    return parser


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``python -m analysis export`` (documented in docs/export.md).

    The dataset and definition options are those of ``summarize``, so the same command line gives
    the same numbers in both.
    """
    add_dataset_arguments(parser)
    add_definition_arguments(parser)
    parser.add_argument("--out", metavar="DIR", required=True, help="folder to write the bundle into")
    parser.add_argument("--format", default="png,svg,pdf", metavar="LIST",
                        help="image formats, comma-separated from png,svg,pdf, or 'none' (default png,svg,pdf)")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="PNG pixel multiplier: pixels = figure size x scale (default 2)")
    parser.add_argument("--width", type=int, default=None, help="figure width in px (default 640)")
    parser.add_argument("--height", type=int, default=None, help="figure height in px (default: per figure)")
    parser.add_argument("--episode-table", action="store_true",
                        help="also write the patient-level derived episode table (pseudonymous ids)")
    parser.set_defaults(func=cmd_export)


def add_export_parser(sub) -> None:
    p = sub.add_parser("export", help="write figures, tables, a methods text and an HTML report",
                       description="Export publication figures (PNG/SVG/PDF), tidy tables (CSV), a methods text "
                                   "and a self-contained HTML report, plus a zip of all of them. Exit 0 when "
                                   "done, 1 when the dataset is unusable or Chromium is missing for images.")
    add_export_arguments(p)


class TerminalSafeStream:
    """The CLI's output stream: everything printed goes through :func:`terminal_text`.

    File names, column headers and values reach messages, notes, warnings and report tables; a
    control character among them (``exp\\x1b]0;TITLE\\x07ort.csv`` sets the terminal's title) or a
    right-to-left override is shown as an escape. :func:`main` puts one on stdout and stderr for
    the command's run, so no print of the CLI can bypass it; the analysis layer's messages keep
    the text as it is.
    """

    def __init__(self, raw):
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(terminal_text(text))

    def __getattr__(self, name):  # flush, fileno, isatty, encoding, ... of the real stream
        return getattr(self.raw, name)


class TerminalProgress:
    """A one-line progress bar on a terminal; plain lines (every 10%) when stderr is not a TTY."""

    def __init__(self, stream=None, width: int = 28):
        self.stream = stream or sys.stderr
        # the bar's own carriage returns redraw the line: past the escaping stream, message escaped
        self.stream = getattr(self.stream, "raw", self.stream)
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self._last = -1

    def __call__(self, fraction: float, message: str) -> None:
        message = terminal_text(message)
        f = min(max(float(fraction), 0.0), 1.0)
        pct = int(round(100 * f))
        if self.tty:
            filled = int(round(self.width * f))
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {pct:3d}% {message[:50]:<50}")
            if f >= 1.0:
                self.stream.write("\n")
        elif pct // 10 != self._last // 10 or f >= 1.0 and self._last < 100:
            self.stream.write(f"export: {pct:3d}% {message}\n")
            self._last = pct
        self.stream.flush()


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``python -m analysis export``; returns the exit code (0 ok, 1 unusable input / no Chromium)."""
    # Imported here: the export pulls in Plotly, which no other command needs.
    from .errors import AnalysisError
    from .export import (ChromiumMissingError, parse_formats, check_chromium, check_image_options,
                         export_bundle)

    err = sys.stderr
    try:
        fmts = parse_formats(args.format)
        check_image_options(args.scale, getattr(args, "width", None), getattr(args, "height", None))
        filters = filters_from_args(args)
        d = definitions_from_args(args)
        by = grouping_from_args(args)
    except ValueError as e:
        print(f"error: {e}", file=err)
        return 2
    if fmts:
        try:
            check_chromium()
        except ChromiumMissingError as e:
            print(f"note: {e}. Writing the tables, methods and HTML report without images.", file=err)
    try:
        ds = load_from_args(args)
        res = export_bundle(ds, args.out, definitions=d, by=by, filters=filters, formats=fmts,
                            scale=args.scale, width=getattr(args, "width", None),
                            height=getattr(args, "height", None),
                            include_episode_table=bool(getattr(args, "episode_table", False)),
                            progress=TerminalProgress(err))
    except (DatasetError, AnalysisError) as e:
        print(f"error: {e}", file=err)
        return 1
    except ValueError as e:
        print(f"error: {e}", file=err)
        return 1
    except OSError as e:
        print(f"error: cannot write to {args.out}: {e.strerror or e}", file=err)
        return 1
    for w in res.warnings:
        if not w.startswith("Images skipped"):
            print(f"note: {w}", file=err)
    print(f"Wrote {len(res.files)} files to {res.out_dir} in {res.seconds:.1f} s (bundle: {res.zip_path}).")
    if res.images_skipped:
        print(f"error: {res.images_skipped}. Everything else was written to {res.out_dir}.", file=err)
        return 1
    return 0


def _error_document(message: str, report=None) -> dict:
    doc = {"ok": False, "error": message, "files": {}, "exclusions": [], "dropped_identifier_columns": [],
           "notes": [], "warnings": [], "fingerprint": ""}
    if report is not None:
        doc.update({k: v for k, v in report.to_dict().items() if k not in ("ok", "error")})
    return doc


def format_report(ds) -> str:
    """The load report as plain text."""
    r = ds.report
    out = [f"Loaded {ds.source}"]
    width = max([len("file")] + [len(n) for n in r.files])
    out.append(f"  {'file':<{width}}  {'rows read':>9}  {'used':>9}  {'excluded':>9}")
    for name, c in r.files.items():
        out.append(f"  {name:<{width}}  {c.rows_read:>9}  {c.rows_used:>9}  {c.rows_excluded:>9}")
    out.append(f"Patients: {len(ds.patients)}; assessments: {ds.n_scores} "
               f"({', '.join(ds.measures)}); treatment courses: {len(ds.treatments)}")
    ex = r.exclusions
    if len(ex):
        out.append(f"{r.exclusions_heading()}:")
        for row in ex.head(MAX_PRINTED_EXCLUSIONS).itertuples(index=False):
            val = f" = {row.value!r}" if str(row.value) != "" else ""
            out.append(f"  {row.file} line {row.line}, column {row.column}{val}: {row.reason}")
        if len(ex) > MAX_PRINTED_EXCLUSIONS:
            out.append(f"  ... and {len(ex) - MAX_PRINTED_EXCLUSIONS} more (use --json to see them all)")
    else:
        out.append("Excluded rows: none")
    for f, c, why in r.dropped_identifier_columns:
        out.append(f"Dropped identifier column: {f} {c!r} ({why})")
    for n in r.notes:
        out.append(f"Note: {n}")
    for w in getattr(r, "warnings", []):
        out.append(f"WARNING: {w}")
    out.append(f"Fingerprint (SHA-256 of the input files): {r.fingerprint}")
    return "\n".join(out)


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        ds = load_from_args(args)
    except DatasetError as e:
        if args.json:
            print(json.dumps(_error_document(str(e), getattr(e, "report", None)), indent=2))
        else:
            print(f"error: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(ds.report.to_dict(), indent=2))
    else:
        print(format_report(ds))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 unusable dataset, 2 usage error).

    What it prints goes through :class:`TerminalSafeStream` (no control character from data)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafeStream(out), TerminalSafeStream(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2)
        return int(e.code or 0)
    if not getattr(args, "func", None):
        parser.print_usage(sys.stderr)
        print("error: give a command, e.g. python -m analysis validate PATH", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # never a traceback: one line, exit 1
        message = f"unexpected problem ({type(e).__name__}: {' '.join(str(e).split())}). Please report this."
        if getattr(args, "json", False):
            print(json.dumps(_error_document(message), indent=2))
        else:
            print(f"error: {message}", file=sys.stderr)
        return 1


def run() -> None:
    """The process entry point (``python -m analysis``, the ``crps-outcomes`` command): :func:`main`,
    then the exit without the interpreter's teardown.

    Arrow's native thread pools, torn down with the interpreter, now and then abort a finished process
    ("terminate called without an active exception", exit code -6; apache/arrow#34314), turning a
    correct run into a failed one. Everything the commands write is closed by then (files in ``with``
    blocks, the image session's Chromium stopped), so the output is flushed and the process leaves at
    once with the command's own exit code.
    """
    # One command, then exit: large arrays on ordinary pages for the whole process (analysis/memory.py).
    ordinary_pages_for_this_process()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # output piped into `head` and closed
        pass
    os._exit(code)
