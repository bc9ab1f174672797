"""File formats (txt, md, jsonl, json, csv/tsv incl. other tools' exports, html, gzip of each), stdin,
streaming and per-record error references."""
from __future__ import annotations

import gzip
import io
import json
import shutil
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from etl.documents import Document, DocumentError
from etl.errors import UsageError
from etl.readers import html_document, parse_datetime, read_file, read_inputs

FILES = Path(__file__).parent / "fixtures" / "files"
WEB = Path(__file__).parent / "fixtures" / "web"


def docs_and_errors(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, DocumentError)]


def read(path, **kw):
    return docs_and_errors(read_file(Path(path), **kw))


# ---------------------------------------------------------------------------------------------- txt / md

def test_txt_with_header():
    docs, errors = read(FILES / "field-report.txt")
    assert errors == []
    (doc,) = docs
    assert doc.id == "fr-2024-11-28"
    assert doc.title == "Night shelling in Ostrava district"
    assert doc.source == "Field team North"
    assert doc.url == "https://reports.test/field/2024-11-28"
    assert doc.published_at == datetime(2024, 11, 28, tzinfo=timezone.utc)
    assert doc.text.startswith("Three people were killed")
    assert "Title:" not in doc.text


def test_markdown_is_one_document():
    docs, errors = read(FILES / "weekly-notes.md")
    assert errors == [] and len(docs) == 1
    assert "Two fishermen were reported missing" in docs[0].text


# ---------------------------------------------------------------------------------------------- jsonl

def test_jsonl_documents_and_per_line_errors():
    docs, errors = read(FILES / "articles.jsonl")
    assert [d.id for d in docs] == ["j1", "j2", "j6"]
    assert docs[0].source == "Tavor Daily" and docs[0].url == "https://news.test/j1"
    assert docs[0].published_at == datetime(2024, 11, 25, 10, tzinfo=timezone.utc)
    assert docs[1].text.startswith("Nine people were injured")  # "body" key
    assert docs[2].url == "https://news.test/j6"  # "link" key
    refs = {e.ref.rsplit("/", 1)[1]: e.reason for e in errors}
    assert set(refs) == {"articles.jsonl:4", "articles.jsonl:5", "articles.jsonl:6"}
    assert refs["articles.jsonl:4"].startswith("malformed JSON")
    assert refs["articles.jsonl:5"] == "each line must be a JSON object"
    assert "empty" in refs["articles.jsonl:6"]
    assert all(e.stage == "read" and e.raw for e in errors)


def test_jsonl_is_streamed_not_loaded(tmp_path):
    """A large JSONL is read line by line: peak memory stays far below the file size."""
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Two people were killed in a strike. " + "x" * 900}) + "\n"
    with open(path, "w") as fh:
        for _ in range(20_000):  # ~19 MB
            fh.write(line)
    size = path.stat().st_size
    tracemalloc.start()
    n = 0
    for item in read_file(path):
        assert isinstance(item, Document)
        n += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == 20_000
    assert peak < size / 10, f"peak {peak} bytes for a {size} byte file"


# ---------------------------------------------------------------------------------------------- json

def test_json_array_items_named_by_index():
    docs, errors = read(FILES / "articles.json")
    assert [d.id for d in docs] == ["a1", "a2"]
    assert docs[0].title == "Strike on fuel depot"  # "headline" when "title" is absent
    assert docs[0].published_at == datetime(2024, 11, 24, tzinfo=timezone.utc)
    assert docs[1].text.startswith("Twelve passengers")  # "article" key
    assert sorted(e.ref.rsplit("/", 1)[1] for e in errors) == ["articles.json[2]", "articles.json[3]"]
    assert "no text field" in errors[0].reason


def test_json_object_holding_an_array():
    docs, errors = read(FILES / "bundle.json")
    assert errors == []
    assert [(d.id, d.title) for d in docs] == [("b-1", "Clashes in Harun"), ("b-2", "Hospital hit")]
    assert docs[1].published_at == datetime(2024, 11, 29, tzinfo=timezone.utc)
    assert docs[0].ref.endswith("bundle.json:articles[0]")


def test_json_single_object():
    docs, errors = read(FILES / "single.json")
    assert errors == [] and [d.id for d in docs] == ["s1"]


def test_json_lines_saved_as_json(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('{"text": "One man was killed."}\n{"text": "Two women were injured."}\n')
    docs, errors = read(path)
    assert errors == [] and [d.text for d in docs] == ["One man was killed.", "Two women were injured."]


def test_malformed_json_is_one_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"text": "x"},')
    docs, errors = read(path)
    assert docs == [] and len(errors) == 1 and "malformed JSON" in errors[0].reason


# ---------------------------------------------------------------------------------------------- csv

def test_csv_event_export_with_bom_crlf_and_multiline_quoted_fields():
    """A conflict-event dataset export: BOM, CRLF, ``notes`` text column, quoted multi-line fields with
    commas and doubled quotes; rows are named by the line they start on."""
    docs, errors = read(FILES / "events-export.csv")
    assert [d.id for d in docs] == ["XYZ1001", "XYZ1002", "XYZ1004"]
    first = docs[0]
    assert first.text == ('On 28 November 2024, shelling hit a market in Karvan.\nSeven civilians were killed '
                          'and 19 were injured, the "district health office" said.')
    assert first.source == "Valley Courier"
    assert first.published_at == datetime(2024, 11, 28, tzinfo=timezone.utc)
    assert not first.id.startswith("\ufeff")
    assert [d.ref.rsplit(":", 1)[1] for d in docs] == ["2", "4", "6"]
    (err,) = errors  # the row with empty notes
    assert err.ref.endswith("events-export.csv:5") and "notes" in err.reason


def test_csv_semicolon_spreadsheet_with_sep_line():
    docs, errors = read(FILES / "spreadsheet-semicolon.csv")
    (doc,) = docs
    assert doc.text == "A guard was killed at a checkpoint in Rimsa; two others were hurt."
    assert doc.title == "Checkpoint shooting" and doc.url == "https://news.test/c1"
    assert doc.published_at == datetime(2024, 11, 30, tzinfo=timezone.utc)  # day first
    assert len(errors) == 1 and errors[0].ref.endswith(":4")


def test_utf16_tsv_media_monitoring_export(tmp_path):
    """Media-monitoring tools export UTF-16 tab-separated files; "Opening Text" is the text column."""
    path = tmp_path / "export.csv"  # such tools name it .csv although it is tab-separated
    path.write_bytes((FILES / "monitoring-export.tsv").read_text().encode("utf-16"))
    docs, errors = read(path)
    assert errors == []
    assert [d.title for d in docs] == ["Two killed in Pell", "Quiet day in Mera"]
    assert docs[0].text.startswith("Two shepherds were killed")
    assert docs[0].source == "Pell Post" and docs[0].url == "https://mon.test/1"
    assert docs[0].published_at == datetime(2024, 11, 30, 8, 15, tzinfo=timezone.utc)


def test_csv_legacy_windows_1252(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes("title,text\r\nCaf\xe9 attack,\"Three men were killed outside the caf\xe9.\"\r\n".encode("cp1252"))
    docs, errors = read(path)
    assert errors == [] and docs[0].text == "Three men were killed outside the café."


def test_csv_without_text_column_names_the_header():
    docs, errors = read(FILES / "no-text-column.csv")
    assert docs == []
    (err,) = errors
    assert "no text column" in err.reason and "id, date, count" in err.reason


def test_csv_text_column_option(tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text("ref,narrative\nn1,Five villagers were abducted from Tell Kar.\n")
    assert read(path)[0] == []  # "narrative" is not a known text column...
    docs, errors = read(path, options={"text_column": "Narrative"})  # ...unless the source names it
    assert errors == [] and docs[0].text == "Five villagers were abducted from Tell Kar."


def test_csv_row_with_extra_fields_is_an_error(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,text\n1,Two were killed\n2,Three were killed,extra\n")
    docs, errors = read(path)
    assert [d.id for d in docs] == ["1"]
    assert errors[0].ref.endswith("ragged.csv:3") and "3 fields" in errors[0].reason


def test_csv_huge_field(tmp_path):
    path = tmp_path / "long.csv"
    body = "One man was killed. " + "word " * 60_000  # above csv's default 128 KB field limit
    path.write_text(f'id,text\nx,"{body}"\n')
    docs, errors = read(path)
    assert errors == [] and len(docs[0].text) > 131072


# ---------------------------------------------------------------------------------------------- gzip

@pytest.mark.parametrize("name", ["field-report.txt", "weekly-notes.md", "articles.jsonl", "articles.json",
                                  "bundle.json", "events-export.csv", "spreadsheet-semicolon.csv",
                                  "monitoring-export.tsv"])
def test_gzip_of_each_format_reads_the_same(tmp_path, name):
    plain = tmp_path / name
    shutil.copy(FILES / name, plain)
    gz = tmp_path / (name + ".gz")
    gz.write_bytes(gzip.compress((FILES / name).read_bytes()))
    expected = [(type(i).__name__, getattr(i, "text", None), i.ref.replace(str(plain), "F")) for i in read_file(plain)]
    got = [(type(i).__name__, getattr(i, "text", None), i.ref.replace(str(gz), "F")) for i in read_file(gz)]
    assert got == expected and any(kind == "Document" for kind, _, _ in got)


def test_gzip_html(tmp_path):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((WEB / "market-strike.html").read_bytes()))
    docs, errors = read(gz)
    assert errors == [] and docs[0].text.startswith("Shelling hits Karvan market")


def test_truncated_and_fake_gzip_are_errors(tmp_path):
    data = gzip.compress((FILES / "articles.jsonl").read_bytes() * 50)
    trunc = tmp_path / "cut.jsonl.gz"
    trunc.write_bytes(data[: len(data) // 2])
    docs, errors = read(trunc)
    assert docs, "lines before the cut are read"
    assert "cannot read further" in errors[-1].reason
    fake = tmp_path / "fake.txt.gz"
    fake.write_text("not gzip at all")
    assert [e.reason for e in read(fake)[1]] == ["not a gzip file (the name ends in .gz)"]


# ---------------------------------------------------------------------------------------------- archives

def test_zip_archive_members_streamed_and_named(tmp_path):
    import zipfile
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(FILES / "events-export.csv", "2024-11/events-export.csv")
        zf.write(FILES / "field-report.txt", "2024-11/field-report.txt")
        zf.writestr("2024-11/extra.jsonl.gz", gzip.compress(b'{"id": "z1", "text": "One guard was killed."}\n'))
        zf.writestr("__MACOSX/2024-11/._field-report.txt", b"\x00\x05junk")
        zf.writestr("2024-11/readme.pdf", b"%PDF")
    docs, errors = docs_and_errors(read_inputs([str(archive)]))
    assert [d.id for d in docs] == ["XYZ1001", "XYZ1002", "XYZ1004", "z1", "fr-2024-11-28"]
    assert docs[0].ref == f"{archive}!2024-11/events-export.csv:2"
    assert docs[3].ref == f"{archive}!2024-11/extra.jsonl.gz:1"
    assert [e.ref for e in errors] == [f"{archive}!2024-11/events-export.csv:5"]  # the row without notes


def test_tar_gz_archive_and_archives_inside_folders(tmp_path):
    import tarfile
    (tmp_path / "in").mkdir()
    with tarfile.open(tmp_path / "in" / "batch.tar.gz", "w:gz") as tf:
        tf.add(FILES / "bundle.json", "batch/bundle.json")
        tf.add(FILES / "articles.jsonl", "batch/articles.jsonl")
    docs, errors = docs_and_errors(read_inputs([str(tmp_path / "in")]))
    assert [d.id for d in docs] == ["b-1", "b-2", "j1", "j2", "j6"]
    assert docs[2].ref.endswith("batch.tar.gz!batch/articles.jsonl:1")
    assert len(errors) == 3 and all("batch.tar.gz!batch/articles.jsonl:" in e.ref for e in errors)


def test_broken_archive_is_one_error(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    docs, errors = docs_and_errors(read_inputs([str(bad)]))
    assert docs == [] and errors[0].ref == str(bad) and "cannot read archive" in errors[0].reason


# ---------------------------------------------------------------------------------------------- html

def test_html_file_article_without_furniture():
    docs, errors = read(WEB / "market-strike.html")
    (doc,) = docs
    assert "Seven civilians were killed" in doc.text
    for furniture in ("50 killed", "12 dead", "214 dead", "Related stories", "All rights reserved", "World"):
        assert furniture not in doc.text
    assert doc.title == "Shelling hits Karvan market"
    assert doc.source == "The Valley Courier"
    assert doc.published_at == datetime(2024, 11, 29, 17, 40, tzinfo=timezone.utc)


def test_html_fallback_parser_drops_furniture_too(monkeypatch):
    import etl.readers.html_text as html_text
    monkeypatch.setattr(html_text, "_trafilatura", lambda: None)
    for name, kept in (("market-strike.html", "Seven civilians were killed"),
                       ("convoy-attack.html", "Two aid workers were killed")):
        doc = html_document((WEB / name).read_bytes(), name)
        assert doc.meta["extractor"] == "stdlib"
        assert kept in doc.text
        for furniture in ("50 killed", "12 dead", "214 dead", "8 killed", "3,000 families", "Recommended",
                          "5 top stories", "Home"):
            assert furniture not in doc.text


def test_html_without_text_is_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav>Home</nav><footer>(c) 2024</footer></body></html>")
    docs, errors = read(path)
    assert docs == [] and errors[0].reason == "HTML page has no article text"


# ---------------------------------------------------------------------------------------------- inputs

def test_directory_recursive_includes_gz_skips_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(FILES / "field-report.txt", tmp_path / "a.txt")
    (tmp_path / "sub" / "b.jsonl.gz").write_bytes(gzip.compress(b'{"id": "b", "text": "Two were killed."}\n'))
    (tmp_path / "sub" / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("Five were killed.")
    docs, errors = docs_and_errors(read_inputs([str(tmp_path)]))
    assert errors == [] and [d.id for d in docs] == ["fr-2024-11-28", "b"]


def test_missing_and_unsupported_inputs_are_errors(tmp_path):
    other = tmp_path / "doc.pdf"
    other.write_bytes(b"%PDF-1.4")
    docs, errors = docs_and_errors(read_inputs([str(tmp_path / "nope.txt"), str(other)]))
    assert docs == []
    assert [e.reason.split(";")[0] for e in errors] == ["no such file or directory", "unsupported file type .pdf"]


def test_stdin_jsonl_streamed_and_text():
    docs, errors = docs_and_errors(read_inputs(["-"], stdin=io.StringIO('{"text": "One killed."}\n{oops\n')))
    assert [d.text for d in docs] == ["One killed."] and errors[0].ref == "<stdin>:2"
    docs, errors = docs_and_errors(read_inputs(["-"], stdin=io.StringIO("Title: T\n\nFour were injured.\n")))
    assert errors == [] and docs[0].title == "T" and docs[0].text == "Four were injured."


def test_stdin_binary_gzip():
    class Stdin:  # like sys.stdin: a text wrapper with a binary .buffer
        buffer = io.BufferedReader(io.BytesIO(gzip.compress(b'{"id": "g", "text": "Two were killed."}\n')))
    docs, errors = docs_and_errors(read_inputs(["-"], stdin=Stdin()))
    assert errors == [] and [d.id for d in docs] == ["g"]


def test_read_inputs_keeps_old_positional_signature_and_stamps_retrieval_time():
    before = datetime.now(timezone.utc)
    docs, _ = docs_and_errors(read_inputs([str(FILES / "single.json")], None))
    assert [d.id for d in docs] == ["s1"]
    assert before <= docs[0].retrieved_at <= datetime.now(timezone.utc)


def test_sources_file_folders_with_name_and_reliability(tmp_path):
    shutil.copy(FILES / "weekly-notes.md", tmp_path / "notes.md")
    shutil.copy(FILES / "field-report.txt", tmp_path / "report.txt")
    toml = tmp_path / "sources.toml"
    toml.write_text('[[source]]\nname = "Partner notes"\nfolder = "."\nreliability = "first-hand, partial"\n')
    docs, errors = docs_and_errors(read_inputs([], sources=str(toml)))
    assert errors == [] and len(docs) == 2
    by_file = {Path(d.ref).name: d for d in docs}
    assert by_file["notes.md"].source == "Partner notes"  # no Source: header -> the source's name
    assert by_file["report.txt"].source == "Field team North"  # the file's own Source: header wins
    assert all(d.meta["source_name"] == "Partner notes" and d.meta["reliability"] == "first-hand, partial"
               for d in docs)


@pytest.mark.parametrize("text, message", [
    ('[[source]]\nfolder = "x"\n', "missing 'name'"),
    ('[[source]]\nname = "a"\n', "needs one of feed, url, folder or file"),
    ('[[source]]\nname = "a"\nfeed = "ftp://x"\n', "is not an http(s) URL"),
    ('[[source]]\nname = "a"\nurl = "http://x"\nreliabilty = "typo"\n', "unknown key(s) reliabilty"),
    ('[fetch]\ntimeout = "soon"\n[[source]]\nname = "a"\nurl = "http://x"\n', "is not a float"),
    ('[[source]\n', "invalid TOML"),
    ('[defaults]\n', "unknown table(s) defaults"),
])
def test_bad_sources_file_is_a_usage_error_before_reading(tmp_path, text, message):
    toml = tmp_path / "s.toml"
    toml.write_text(text)
    with pytest.raises(UsageError, match=r"sources file .*s\.toml") as info:
        read_inputs([], sources=str(toml))  # raised by the call itself, not at the first document
    assert message in str(info.value)


def test_parse_datetime_formats():
    assert parse_datetime("Sat, 30 Nov 2024 08:15:00 +0200").isoformat() == "2024-11-30T08:15:00+02:00"
    assert parse_datetime("2024-11-30T08:15:00+0200").isoformat() == "2024-11-30T08:15:00+02:00"
    assert parse_datetime("30 November 2024") == datetime(2024, 11, 30, tzinfo=timezone.utc)
    assert parse_datetime("1732954500") == datetime(2024, 11, 30, 8, 15, tzinfo=timezone.utc)
    assert parse_datetime("sometime") is None


def test_unreadable_date_is_quarantined_and_the_document_still_loads(tmp_path):
    import duckdb

    from etl.cli import main

    src = tmp_path / "a.txt"
    src.write_text("Title: t\nDate: sometime soon\n\nTwo soldiers were killed on Friday.\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert main(["run", str(src), "--warehouse", str(warehouse), "--quiet"]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*), max(published_at) from documents").fetchone() == (1, None)
        rows = con.execute("select failed_check, column_name, offending_value from quarantine").fetchall()
        assert rows == [("unparseable_date", "published_at", "sometime soon")]
        # no publication date to resolve "on Friday" against: the event date stays empty
        assert con.execute("select best, event_date from facts").fetchall() == [(2, None)]
    finally:
        con.close()


def test_legacy_encoded_text_is_decoded_and_noted(tmp_path):
    from etl.readers import read_inputs

    src = tmp_path / "latin.txt"
    src.write_bytes("Title: Rapport\n\nDeux soldats tués à Gao; three soldiers were killed near Ménaka.\n".encode("cp1252"))
    (doc,) = list(read_inputs([str(src)]))
    assert "Ménaka" in doc.text
    (issue,) = doc.meta["issues"]
    assert issue["check"] == "legacy_encoding" and "invalid UTF-8" in issue["reason"]


def test_binary_junk_is_still_rejected_with_its_name(tmp_path):
    from etl.documents import DocumentError
    from etl.readers import read_inputs

    src = tmp_path / "junk.txt"
    src.write_bytes(bytes(range(128, 256)) * 20)
    (err,) = list(read_inputs([str(src)]))
    assert isinstance(err, DocumentError) and str(src) in str(err) and "UTF-8" in err.reason
