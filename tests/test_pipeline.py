"""The run: bad inputs quarantined by name while the run goes on, workers, logs, crash safety."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import pipeline
from etl.pipeline import run_pipeline

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "etl" / "samples"


@pytest.fixture(autouse=True)
def no_incidents(monkeypatch):
    monkeypatch.setattr(pipeline, "_rebuild_incidents", lambda con: False)


def q(wh, sql, params=None):
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """Each bad-input kind beside good documents; returns ref -> words its reason must contain."""
    folder.mkdir()
    (folder / "good.txt").write_text("Title: Good\nDate: 2024-05-01\n\nThree civilians were killed on Monday.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    (folder / "latin.txt").write_bytes("Caf\xe9 owner: two people were killed.".encode("latin-1"))
    lines = [json.dumps({"id": "ok1", "text": "Four people were injured."}),
             '{"id": "broken", "text": "unterminated',
             json.dumps({"id": "wrongtype", "text": 12345}),
             json.dumps({"id": "ok2", "text": "Two soldiers were killed.", "published_at": "not a date"})]
    (folder / "mixed.jsonl").write_text("\n".join(lines) + "\n")
    return {str(folder / "empty.txt"): ("empty", "empty_document"),
            str(folder / "binary.txt"): ("binary", "binary_content"),
            str(folder / "mixed.jsonl") + ":2": ("JSON", "malformed_json"),
            str(folder / "mixed.jsonl") + ":3": ("text", "missing_text"),
            str(folder / "missing.txt"): ("no such file", "missing_input")}


def test_bad_inputs_are_quarantined_by_name_and_good_ones_load(tmp_path):
    wh = tmp_path / "w.duckdb"
    expected = make_bad_inputs(tmp_path / "in")
    result = run_pipeline([str(tmp_path / "in"), str(tmp_path / "in" / "missing.txt")], warehouse=str(wh),
                          quiet=True, workers=1)
    quarantined = {ref: (reason, check) for ref, reason, check in
                   q(wh, "select input_ref, reason, failed_check from quarantine")}
    for ref, (word, check) in expected.items():
        assert ref in quarantined, (ref, quarantined)
        assert word.lower() in quarantined[ref][0].lower(), (ref, quarantined[ref])
        assert quarantined[ref][1] == check, (ref, quarantined[ref])
    loaded = {r[0] for r in q(wh, "select input_ref from documents")}
    assert {str(tmp_path / "in" / "good.txt"), str(tmp_path / "in" / "mixed.jsonl") + ":1",
            str(tmp_path / "in" / "mixed.jsonl") + ":4"} <= loaded
    assert q(wh, "select status, docs_quarantined from runs") == [("completed", result.counts.quarantined)]
    assert result.counts.quarantined >= len(expected)
    assert f"{result.counts.quarantined} quarantined" in result.summary_line()
    # every quarantine row names its run, stage and a failed check
    assert q(wh, "select count(*) from quarantine where run_id = ? and stage = 'read' and failed_check <> ''",
             [result.run_id])[0][0] == result.counts.rows_quarantined


def test_summary_line_format(tmp_path):
    result = run_pipeline([str(SAMPLES)], warehouse=str(tmp_path / "w.duckdb"), quiet=True, workers=1)
    c = result.counts
    assert result.summary_line().startswith(
        f"run {result.run_id}: {c.seen} documents seen, {c.new} new, {c.skipped} skipped, "
        f"{c.quarantined} quarantined, {c.facts} facts loaded")
    assert c.seen >= 12 and c.facts > 0


def test_workers_give_identical_results(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_MIN_DOCS", 2)
    src = tmp_path / "many.jsonl"
    texts = [f"At least {n} civilians, including two children, were killed by shelling in Town{n} on Friday. "
             f"Another {n + 3} people were wounded." for n in range(3, 40)]
    src.write_text("".join(json.dumps({"text": t, "published_at": "2024-11-30"}) + "\n" for t in texts))
    sql = "select * exclude (run_id) from facts order by fact_id"
    run_pipeline([str(src)], warehouse=str(tmp_path / "one.duckdb"), workers=1, quiet=True)
    run_pipeline([str(src)], warehouse=str(tmp_path / "two.duckdb"), workers=2, quiet=True, batch_size=10)
    one, two = q(tmp_path / "one.duckdb", sql), q(tmp_path / "two.duckdb", sql)
    assert len(one) >= len(texts) and one == two


def test_json_log_lines_on_stderr(tmp_path, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    result = run_pipeline([str(SAMPLES)], warehouse=str(tmp_path / "w.duckdb"), log_format="json", workers=1)
    events = [json.loads(line) for line in err.getvalue().splitlines()]
    names = [e["event"] for e in events]
    assert names[0] == "run_started" and names[-1] == "run_completed" and "batch_loaded" in names
    assert events[-1]["run_id"] == result.run_id and events[-1]["facts"] == result.counts.facts


def test_quiet_and_non_tty_print_nothing(tmp_path, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    run_pipeline([str(SAMPLES)], warehouse=str(tmp_path / "w.duckdb"), workers=1)
    assert err.getvalue() == ""


def test_progress_goes_to_a_tty():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    out = Tty()
    log = pipeline.Log("text", quiet=False, stream=out)
    from etl.plan import Counts
    log.progress(Counts(seen=5, new=4, facts=9), 1.0)
    log.done()
    assert "5 documents, 4 new, 9 facts" in out.getvalue() and out.getvalue().endswith("\n")


def _child_run(src: Path, wh: Path) -> subprocess.Popen:
    code = ("import sys; from etl import pipeline; pipeline._rebuild_incidents = lambda con: False; "
            "pipeline.run_pipeline([sys.argv[1]], warehouse=sys.argv[2], batch_size=40, workers=1, "
            "log_format='json')")
    return subprocess.Popen([sys.executable, "-c", code, str(src), str(wh)], cwd=REPO,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def test_sigkill_mid_run_then_rerun_matches_a_clean_run(tmp_path):
    src = tmp_path / "big.jsonl"
    texts = [f"Report {n}: {n % 50 + 1} civilians were killed and {n % 7 + 2} people were wounded in Place{n}."
             for n in range(600)]
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    wh = tmp_path / "killed.duckdb"
    child = _child_run(src, wh)
    loaded, seen = 0, []
    for line in child.stderr:  # the JSON log says when batches have committed
        seen.append(line)
        try:
            loaded += json.loads(line).get("event") == "batch_loaded"
        except ValueError:  # a warning or traceback, not a log event
            continue
        if loaded == 2:
            break
    assert loaded == 2, "the child run ended early:\n" + "".join(seen)[-3000:]
    os.kill(child.pid, signal.SIGKILL)  # while it extracts or loads the third batch
    child.wait()
    assert child.returncode == -signal.SIGKILL
    partial = q(wh, "select count(*) from documents")[0][0]
    assert partial % 40 == 0 and 80 <= partial < len(texts)  # whole batches only
    facts_per_doc = q(wh, "select count(*) from documents d where (select count(*) from facts f "
                          "where f.doc_id = d.doc_id) <> 2")
    assert facts_per_doc == [(0,)]
    rerun = run_pipeline([str(src)], warehouse=str(wh), batch_size=40, workers=1, quiet=True)
    assert rerun.counts.skipped == partial and rerun.counts.new == len(texts) - partial
    clean = tmp_path / "clean.duckdb"
    run_pipeline([str(src)], warehouse=str(clean), batch_size=500, workers=1, quiet=True)
    sql = "select count(*), sum(best), count(distinct doc_id) from facts"
    assert q(wh, sql) == q(clean, sql)
    assert q(wh, "select count(*) from documents") == q(clean, "select count(*) from documents")
    statuses = [r[0] for r in q(wh, "select status from runs order by started_at")]
    assert statuses == ["failed", "completed"]  # the killed run is marked, not left 'running'


def test_json_log_has_one_event_per_quarantine_row(tmp_path, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    make_bad_inputs(tmp_path / "in")
    result = run_pipeline([str(tmp_path / "in")], warehouse=str(tmp_path / "w.duckdb"), log_format="json",
                          workers=1)
    events = [json.loads(line) for line in err.getvalue().splitlines()]
    quarantined = [e for e in events if e["event"] == "quarantined"]
    assert len(quarantined) == result.counts.rows_quarantined >= 4
    assert {e["check"] for e in quarantined} >= {"empty_document", "binary_content", "malformed_json"}
    assert all(e["input"] and e["reason"] for e in quarantined)
