"""Throughput benchmark (`make bench`): casualty-etl extraction vs the single-pass regex floor.

Reads the shared news corpus (../shared/corpus/news/news_2016_articles.csv), then measures in one run:
  floor   - one pass of a 30-word casualty-trigger alternation with `regex` over every text;
  extract - the full extraction core (`etl.extract.extract`) over every text, one core.
Prints MB/s, docs/s and the ratio extract/floor (goal: >= 1.0) plus peak RSS. Not collected by pytest.
"""
from __future__ import annotations

import csv
import os
import resource
import sys
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
