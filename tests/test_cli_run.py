"""The CLI contract of `run` and `reprocess`: exit codes 0, 2 and 75, messages that name the problem."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import pipeline
from etl.cli import main
from etl.runs import RunLock

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "etl" / "samples"


def test_run_samples_end_to_end_exit_0(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    assert main(["run", str(SAMPLES), "--warehouse", str(wh), "--quiet", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("run r-") and "documents seen" in out and "0 quarantined" in out
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("select count(*) from facts").fetchone()[0] > 20
    assert con.execute("select status from runs").fetchall() == [("completed",)]


def test_lock_held_exits_75_naming_the_holder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "_rebuild_incidents", lambda con: False)
    wh = tmp_path / "w.duckdb"
    with RunLock(wh) as lock:
        lock.describe("r-holder-1")
        code = main(["run", str(SAMPLES), "--warehouse", str(wh), "--quiet"])
    err = capsys.readouterr().err
    assert code == 75
    assert "r-holder-1" in err and "busy" in err
    assert not wh.exists()  # refused before touching the warehouse
    assert main(["run", str(SAMPLES), "--warehouse", str(wh), "--quiet", "--workers", "1"]) == 0  # released


def test_second_process_gets_75_while_a_run_holds_the_warehouse(tmp_path):
    wh = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from etl.runs import RunLock\n"
         "with RunLock(sys.argv[1]) as l:\n    l.describe('r-other'); print('held', flush=True); time.sleep(30)",
         str(wh)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run([sys.executable, "-m", "etl", "run", str(SAMPLES), "--warehouse", str(wh)],
                              cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 75, done.stderr
        assert "r-other" in done.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("argv, words", [
    (["run"], "give at least one"),
    (["run", "x.txt", "--batch-size", "0"], "batch-size"),
    (["run", "x.txt", "--workers", "-2"], "workers"),
    (["run", "x.txt", "--batch-size", "many"], "invalid int"),
    (["run", "x.txt", "--log-format", "xml"], "invalid choice"),
])
def test_usage_errors_exit_2(argv, words, tmp_path, capsys):
    argv = [*argv, "--warehouse", str(tmp_path / "w.duckdb")]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors exit from inside parse_args
        code = exc.code
    assert code == 2
    assert words in capsys.readouterr().err


def test_reprocess_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "_rebuild_incidents", lambda con: False)
    wh = tmp_path / "w.duckdb"
    assert main(["run", str(SAMPLES), "--warehouse", str(wh), "--quiet", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["reprocess", "--warehouse", str(wh), "--all"]) == 0
    out = capsys.readouterr().out
    con = duckdb.connect(str(wh), read_only=True)
    current = con.execute("select count(*) from documents where superseded_by is null").fetchone()[0]
    assert out.startswith("reprocess r-") and f"{current} documents re-derived" in out
    inputs = con.execute("select inputs from runs order by started_at").fetchall()
    assert json.loads(inputs[-1][0]) == ["reprocess --all"]


def test_warehouse_open_in_another_process_exits_75(tmp_path):
    wh = tmp_path / "w.duckdb"
    from etl.warehouse import connect
    connect(wh).close()
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True); time.sleep(30)", str(wh)],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        done = subprocess.run([sys.executable, "-m", "etl", "run", str(SAMPLES), "--warehouse", str(wh)],
                              cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 75, done.stderr
        assert "open in another process" in done.stderr
    finally:
        reader.kill()
        reader.wait()


def test_a_warehouse_that_is_not_a_database_exits_1(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    wh.write_bytes(b"this is not a DuckDB file" * 100)
    assert main(["run", str(SAMPLES), "--warehouse", str(wh), "--quiet", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "casualty-etl run:" in err and str(wh) in err


def test_reprocess_while_a_run_holds_the_lock_exits_75(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    with RunLock(wh) as lock:
        lock.describe("r-busy")
        assert main(["reprocess", "--warehouse", str(wh)]) == 75
    assert "r-busy" in capsys.readouterr().err
