"""Throughput benchmark (`make bench`): casualty-etl extraction vs the single-pass regex floor.

Reads the shared news corpus (../shared/corpus/news/news_2016_articles.csv), then measures in one run:
  floor   - one pass of a 30-word casualty-trigger alternation with `regex` over every text;
  extract - the full extraction core (`etl.extract.extract`) over every text, one core.
  workers - the same in-process through etl.batch (every core), and the `casualty-etl extract` command
            over the corpus as JSONL with --workers 1 and --workers 2 (wall time, identical output);
  start-up - `casualty-etl extract` of one short document, with the start-up cache warm and with it off.
Prints MB/s, docs/s and the ratio extract/floor (goal: >= 1.0) plus peak RSS. Not collected by pytest.
"""
from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regex

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "news" / "news_2016_articles.csv"
TRIGGERS = ("killed|kills|killing|dead|died|death|deaths|toll|wounded|wounding|injured|injuring|hurt|"
            "casualties|fatalities|bodies|slain|shot|stabbed|executed|massacre|missing|abducted|kidnapped|"
            "arrested|detained|displaced|perished|drowned")


def load_texts() -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with open(CORPUS, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        column = next(c for c in reader.fieldnames if c.lower() in ("text", "content", "body", "article"))
        return [row[column] for row in reader if row.get(column)]


def timed(fn, texts) -> float:
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


def floor(texts):
    pattern = regex.compile(rf"\b(?:{TRIGGERS})\b", regex.IGNORECASE)
    return sum(1 for t in texts for _ in pattern.finditer(t))


def run_extract(texts):
    from etl.extract import extract
    return sum(len(extract(t)) for t in texts)


def run_workers(texts):
    from etl.batch import extract_stream
    from etl.documents import Document
    return sum(1 for _ in extract_stream((Document(text=t, id=str(i)) for i, t in enumerate(texts)), "summary", 0))


def load_rows() -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with open(CORPUS, newline="", encoding="utf-8") as f:
        return [{"id": r.get("id"), "text": r["text"], "published": r.get("date")} for r in csv.DictReader(f)
                if r.get("text")]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(args: list[str], stdin: str | None = None, env: dict | None = None) -> tuple[float, bytes]:
    """Wall time and stdout of one `casualty-etl` command (the venv's, next to this interpreter)."""
    return cli_cpu(args, stdin, env)[:2]


def cli_cpu(args: list[str], stdin: str | None = None, env: dict | None = None) -> tuple[float, bytes, float]:
    """Wall time, stdout and CPU seconds (the command and its workers) of one `casualty-etl` command."""
    exe = Path(sys.executable).with_name("casualty-etl")
    cpu, start = _children_cpu(), time.perf_counter()
    out = subprocess.run([str(exe), *args], input=stdin.encode() if stdin else None, capture_output=True,
                         check=True, env={**os.environ, **(env or {})}).stdout
    return time.perf_counter() - start, out, _children_cpu() - cpu


def cli_workers(rows: list[dict], repeat: int = 3) -> tuple[float, float, bool, float, float]:
    """Best-of-``repeat`` wall times of `extract --workers 1` and `--workers 2`, whether outputs match,
    and the CPU seconds of those two best runs (CPU / wall of the 2-worker run shows how many cores it
    really had: on a shared machine it can be well under 2)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "news.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        best = {1: (float("inf"), 0.0), 2: (float("inf"), 0.0)}
        outputs = {}
        for _ in range(repeat):
            for w in (1, 2):  # paired, so load from other work hits both alike
                t, outputs[w], cpu = cli_cpu(["extract", str(path), "--workers", str(w)])
                best[w] = min(best[w], (t, cpu))
        return best[1][0], best[2][0], outputs[1] == outputs[2], best[1][1], best[2][1]


def start_up(repeat: int = 3) -> tuple[float, float]:
    """Best wall time of `extract` of one document: start-up cache warm, and cache off."""
    doc = json.dumps({"id": "a", "text": "Two soldiers were killed in Aleppo on Friday."}) + "\n"
    cli(["extract", "-"], doc)  # fills the cache
    warm = min(cli(["extract", "-"], doc)[0] for _ in range(repeat))
    cold = min(cli(["extract", "-"], doc, {"CASUALTY_ETL_CACHE": "off"})[0] for _ in range(repeat))
    return warm, cold


def main() -> int:
    if not CORPUS.exists():
        print(f"benchmark corpus not found: {CORPUS}")
        return 0
    texts = load_texts()
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    from etl.extract import extract
    extract("Two soldiers were killed.")  # compile patterns outside the timing
    t_floor = timed(floor, texts)
    t_extract = timed(run_extract, texts)
    t_workers = timed(run_workers, texts)
    scale = [(n, timed(run_extract, texts[: len(texts) * n // 16])) for n in (1, 4, 16)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(texts)} docs, {megabytes:.1f} MB")
    print(f"floor   (one regex pass): {megabytes / t_floor:7.1f} MB/s  {len(texts) / t_floor:8.0f} docs/s")
    print(f"extract (full core)     : {megabytes / t_extract:7.1f} MB/s  {len(texts) / t_extract:8.0f} docs/s")
    print(f"extract, all cores      : {megabytes / t_workers:7.1f} MB/s  speed-up {t_extract / t_workers:.2f}x "
          f"on {os.cpu_count()} cores (goal >= 1.8x on 2)")
    print(f"ratio extract/floor speed: {t_floor / t_extract:.2f} (goal >= 1.0); peak RSS {rss:.0f} MB")
    base = scale[0][1]
    print("scaling (1/16, 4/16, 16/16 of the corpus): " + ", ".join(
        f"{n}x {t:.1f}s ({t / base / n:.2f} of linear)" for n, t in scale))
    one, two, same, cpu1, cpu2 = cli_workers(load_rows())
    print(f"CLI extract --workers 1 / 2: {one:.1f}s / {two:.1f}s = {one / two:.2f}x (goal >= 1.8x), "
          f"output {'identical' if same else 'DIFFERENT'}; one core {megabytes / one:.1f} MB/s; "
          f"CPU {cpu1:.1f}s / {cpu2:.1f}s, cores used by 2 workers {cpu2 / two:.2f}")
    warm, cold = start_up()
    print(f"start-up, extract of one document: {warm:.2f}s (cache warm), {cold:.2f}s (cache off) (goal < 1 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
