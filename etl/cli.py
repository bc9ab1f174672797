"""The casualty-etl command line: run, extract, explain, report, export, reprocess, quarantine.

Each command parses its options, calls one library function and maps errors to exit codes:
0 completed, 1 fatal error (the failing batch rolled back), 2 usage error, 75 warehouse busy.
Heavy libraries (duckdb, polars, pandera) are imported only by the commands that need them.
"""
from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 75
DEFAULT_WAREHOUSE = "warehouse/casualties.duckdb"
REPORT_BY = ("outcome", "day", "week", "month", "place", "category", "cause", "source")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 with the usage line
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add(sub, name: str, help_: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_, description=help_,
                          epilog=f"Example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only events on or after this date")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only events on or before this date")
    p.add_argument("--place", help="only facts whose place matches (case-insensitive substring)")
    p.add_argument("--outcome", help="only this outcome (killed, injured, ...)")
    p.add_argument("--grade", help="only incidents of this grade (single_source, corroborated)")


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree of every command (used by --help and by the README check)."""
    parser = _Parser(prog="casualty-etl", description="Casualty facts from news text into a DuckDB warehouse.",
                     epilog="Example:\n  casualty-etl run etl/samples && casualty-etl report --by place",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = _add(sub, "run", "Ingest files, folders or URLs; extract; validate; load into the warehouse.",
             "casualty-etl run etl/samples news.jsonl --warehouse warehouse/casualties.duckdb")
    p.add_argument("inputs", nargs="*", metavar="PATH_OR_URL", help="files, directories, URLs, or - for stdin")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, help=f"DuckDB file (default {DEFAULT_WAREHOUSE})")
    p.add_argument("--sources", metavar="TOML", help="a sources file listing feeds, URLs and folders")
    p.add_argument("--workers", type=int, default=0, help="extraction processes (default: all cores)")
    p.add_argument("--batch-size", type=int, default=500, help="documents per load transaction")
    p.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format on stderr")
    p.add_argument("--quiet", action="store_true", help="no progress output")

    p = _add(sub, "extract", "Extract facts without a database: one JSON line per fact (or per document).",
             "casualty-etl extract articles.jsonl --summary")
    p.add_argument("input", nargs="?", default="-", help="JSONL or text file, or - for stdin (default)")
    p.add_argument("--summary", action="store_true", help="one JSON line per document with killed/injured totals")
    p.add_argument("--explain", action="store_true", help="print each fact's class and why, per document")
    p.add_argument("--workers", type=int, default=0, help="extraction processes (default: all cores; 1 = this process only)")

    p = _add(sub, "explain", "Show the facts behind a document or an incident, with classes and quotes.",
             "casualty-etl explain 3f2a9c1e0b7d4a55")
    p.add_argument("ref", metavar="DOC_OR_INCIDENT_ID")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)

    p = _add(sub, "report", "Casualty totals from the warehouse, grouped as asked.",
             "casualty-etl report --by month --outcome killed --format csv")
    p.add_argument("--by", choices=REPORT_BY, default="outcome")
    p.add_argument("--unit", choices=("fact", "incident"), default="incident",
                   help="count incidents (one event once) or raw facts")
    p.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    _filters(p)

    p = _add(sub, "export", "Write facts or incidents as CSV (optionally HXL-tagged) or Parquet for partners.",
             "casualty-etl export out.csv --hxl")
    p.add_argument("out", metavar="OUT", nargs="?", help="output file")
    p.add_argument("--hxl", action="store_true", help="add the HXL hashtag row under the header")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--unit", choices=("fact", "incident"), default="fact")
    p.add_argument("--dictionary", action="store_true", help="write the data dictionary instead of data")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    _filters(p)

    p = _add(sub, "reprocess", "Re-derive facts from stored documents with the current extractor.",
             "casualty-etl reprocess --warehouse warehouse/casualties.duckdb")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    p.add_argument("--all", action="store_true", help="also documents already at the current extractor version")

    p = _add(sub, "quality", "Data quality: facts without date or place, quarantined rows, outlying figures.",
             "casualty-etl quality --format markdown")
    p.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)

    p = _add(sub, "runs", "List recent ETL runs with their status and counts.",
             "casualty-etl runs --limit 5 --format json")
    p.add_argument("--limit", type=int, default=20, help="how many runs, newest first (default 20)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)

    p = _add(sub, "quarantine", "List quarantined inputs and rows with the reason they failed.",
             "casualty-etl quarantine --run latest")
    p.add_argument("--run", default=None, help="a run id, or 'latest'")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    return parser


def cmd_extract(args) -> int:
    """Facts (or per-document summaries) as JSON lines on stdout; bad documents are named on stderr."""
    from etl.batch import extract_stream
    from etl.documents import DocumentError
    from etl.readers import read_inputs

    if args.workers < 0:
        print("casualty-etl extract: --workers must be 0 (all cores) or more", file=sys.stderr)
        return EXIT_USAGE
    skipped = 0

    def documents():
        nonlocal skipped
        for item in read_inputs([args.input], stdin=sys.stdin):
            if isinstance(item, DocumentError):
                skipped += 1
                print(f"casualty-etl: skipped {item}", file=sys.stderr)
            else:
                yield item

    mode = "explain" if args.explain else "summary" if args.summary else "facts"
    for block in extract_stream(documents(), mode, workers=args.workers):
        sys.stdout.write(block)
    if skipped:
        print(f"casualty-etl: {skipped} input(s) skipped (see messages above)", file=sys.stderr)
    return EXIT_OK


def cmd_run(args) -> int:
    from etl.pipeline import run_pipeline
    if not args.inputs and not args.sources:
        print("casualty-etl run: give at least one PATH_OR_URL or --sources FILE", file=sys.stderr)
        return EXIT_USAGE
    result = run_pipeline(args.inputs, warehouse=args.warehouse, sources=args.sources, workers=args.workers,
                          batch_size=args.batch_size, log_format=args.log_format, quiet=args.quiet,
                          stdin=sys.stdin)
    print(result.summary_line())
    return EXIT_OK


def cmd_report(args) -> int:
    from etl.reporting import report
    sys.stdout.write(report(args.warehouse, by=args.by, fmt=args.format, unit=args.unit, filters=_filter_dict(args)))
    return EXIT_OK


def cmd_export(args) -> int:
    from etl.export import export
    if not args.out:
        print("casualty-etl export: give OUT (the file to write)", file=sys.stderr)
        return EXIT_USAGE
    rows = export(args.warehouse, args.out, hxl=args.hxl, fmt=args.format, unit=args.unit,
                  dictionary=args.dictionary, filters=_filter_dict(args))
    print(f"wrote {rows} rows to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_explain(args) -> int:
    from etl.reporting import explain
    sys.stdout.write(explain(args.warehouse, args.ref))
    return EXIT_OK


def cmd_reprocess(args) -> int:
    from etl.pipeline import reprocess
    print(reprocess(args.warehouse, everything=args.all).summary_line())
    return EXIT_OK


def cmd_quality(args) -> int:
    from etl.reporting import quality
    sys.stdout.write(quality(args.warehouse, fmt=args.format))
    return EXIT_OK


def cmd_runs(args) -> int:
    """Recent runs, newest first."""
    from etl.runs import list_runs
    if args.limit < 1:
        print("casualty-etl runs: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    rows = list_runs(args.warehouse, limit=args.limit)
    if args.format == "json":
        for row in rows:
            sys.stdout.write(json.dumps(row, default=str) + "\n")
        return EXIT_OK
    columns = ("run_id", "started_at", "status", "docs_seen", "docs_new", "docs_skipped", "docs_quarantined",
               "facts_loaded")
    table = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(columns)]
    for line in [list(columns)] + table:
        sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() + "\n")
    return EXIT_OK


def cmd_quarantine(args) -> int:
    from etl.reporting import quarantine_listing
    sys.stdout.write(quarantine_listing(args.warehouse, run=args.run, fmt=args.format))
    return EXIT_OK


def _filter_dict(args) -> dict:
    return {k: getattr(args, k) for k in ("date_from", "date_to", "place", "outcome", "grade")
            if getattr(args, k, None) is not None}


COMMANDS = {"run": cmd_run, "extract": cmd_extract, "report": cmd_report, "export": cmd_export,
            "explain": cmd_explain, "reprocess": cmd_reprocess, "quality": cmd_quality, "runs": cmd_runs, "quarantine": cmd_quarantine}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``casualty-etl``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    from etl.errors import exit_code_for
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("casualty-etl: interrupted", file=sys.stderr)
        return EXIT_FATAL
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # mapped to a documented exit code with one clear message
        code, message = exit_code_for(exc)
        print(f"casualty-etl {args.command}: {message}", file=sys.stderr)
        return code
