"""Load benchmark (issue 5): our validated load vs DuckDB's bare Arrow insert of the same frame, and
peak memory of a whole run for 1x and 8x the input. Run with `python bench/bench_load.py [rows]`."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from etl import frames, load, validation, warehouse  # noqa: E402
from schemas.facts import FactModel  # noqa: E402


def synthetic_facts(n: int) -> pl.DataFrame:
    quote = "12 civilians were killed"
    rows = {"fact_id": [f"d{i // 4}#{i % 4 + 1}" for i in range(n)], "doc_id": [f"d{i // 4}" for i in range(n)],
            "outcome": ["killed", "injured"] * (n // 2) + ["killed"] * (n % 2), "low": [12] * n, "best": [12] * n,
            "high": [None] * n, "qualifier": ["at_least"] * n, "vague": [False] * n, "count_anchor": ["incremental"] * n,
            "fact_class": ["news"] * n, "victim_category": ["civilian"] * n, "place": ["Aleppo"] * n,
            "sentence_idx": [0] * n, "span_start": [0] * n, "span_end": [len(quote)] * n, "quote": [quote] * n,
            "rule": ["object:killed"] * n, "extractor_version": ["bench"] * n, "run_id": ["r-bench"] * n}
    schema = frames.fact_schema()
    return pl.DataFrame({c: rows.get(c, [None] * n) for c in schema}, schema=schema)


def _timed(fn, repeat: int = 3) -> float:
    """Best of ``repeat`` runs, each on a fresh in-memory warehouse (so no run pays for another's index)."""
    best = float("inf")
    for _ in range(repeat):
        con = warehouse.connect(":memory:")
        t0 = time.perf_counter()
        fn(con)
        best = min(best, time.perf_counter() - t0)
        con.close()
    return best


def bench_load(n: int) -> dict:
    """Rows/s of (a) DuckDB's bare Arrow insert of a frame, (b) ours: Pandera validation + Arrow insert in a
    transaction, (c) ours from fact records: typing, FactCheckModel (with document text), insert."""
    frame = synthetic_facts(n)
    records = frame.to_dicts()
    context = {d: (None, "12 civilians were killed in the market.") for d in frame["doc_id"].unique()}

    def bare(con):
        con.register("bare", frame.to_arrow())
        con.execute("insert into facts by name select * from bare")

    def ours(con):
        assert not validation.validate(FactModel, frame)
        con.execute("begin transaction")
        load._insert_facts(con, frame)
        con.execute("commit")

    def from_records(con):
        checked, quarantined = validation.check_facts(records, context, {}, "r-bench")
        assert not quarantined and checked.height == n
        con.execute("begin transaction")
        load._insert_facts(con, checked)
        con.execute("commit")

    t_bare, t_ours, t_records = _timed(bare), _timed(ours), _timed(from_records)
    return {"rows": n, "bare_arrow_rows_per_s": round(n / t_bare), "validated_rows_per_s": round(n / t_ours),
            "from_records_rows_per_s": round(n / t_records), "bare_s": round(t_bare, 3),
            "validated_s": round(t_ours, 3), "from_records_s": round(t_records, 3)}


def peak_memory(docs: int, tmp: Path) -> dict:
    src = tmp / f"in_{docs}.jsonl"
    with src.open("w") as fh:
        for n in range(docs):
            fh.write(json.dumps({"text": f"Report {n}: at least {n % 40 + 2} civilians were killed and "
                                         f"{n % 9 + 1} people were wounded by shelling on Friday.",
                                 "published_at": "2024-11-30"}) + "\n")
    code = ("import resource, sys, time; from etl import pipeline; pipeline._rebuild_incidents = lambda c: False; "
            "t = time.perf_counter(); r = pipeline.run_pipeline([sys.argv[1]], warehouse=sys.argv[2], workers=1, "
            "quiet=True); print(r.counts.facts, time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(src), str(tmp / f"w_{docs}.duckdb")], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.split()
    facts, secs, rss_kb = int(out[0]), float(out[1]), int(out[2])
    return {"documents": docs, "input_mb": round(src.stat().st_size / 1e6, 1), "facts": facts,
            "seconds": round(secs, 1), "docs_per_s": round(docs / secs), "peak_rss_mb": round(rss_kb / 1024)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps({"load": bench_load(n)}))
    base = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 8):
            print(json.dumps({"run": peak_memory(base * factor, Path(tmp)), "factor": factor}))


if __name__ == "__main__":
    main()
