"""Read documents from files, directories, standard input, URLs, feeds and a sources file.

Every problem with one document becomes a DocumentError naming it (``file:line``, ``file[i]`` or the
URL), yielded in place of the document so the run goes on and the error is recorded, never dropped.

Formats, chosen by suffix (a trailing ``.gz`` is decompressed first):

- ``.txt`` / ``.md``: one document, optional ``Title:``/``Date:``/``Source:``/``URL:``/``Id:`` header lines;
- ``.jsonl`` / ``.ndjson``: one JSON object per line, streamed (a 1 GB file is never held in memory);
- ``.json``: an array of objects, one object, or an object holding such an array (``articles``, ``items``...);
- ``.csv`` / ``.tsv``: one document per row, text column auto-detected (``text``, ``body``, ``content``,
  ``article``, ``notes``, ``summary``, ``description``...); delimiter, BOM, UTF-16 (media-monitoring
  exports), Excel's ``sep=`` line and quoted multi-line fields are handled; rows are streamed;
- ``.html`` / ``.htm``: the article text and metadata by trafilatura (navigation, related-story lists and
  footers are not the article); a stdlib parser that drops the same furniture is the fallback;
- ``.zip`` / ``.tar``, ``.tar.gz``, ``.tgz``...: every supported member, streamed, named ``archive!member``.

``http://`` and ``https://`` inputs are fetched (see etl.fetch): an HTML page, or an RSS/Atom feed whose
entries' pages are fetched.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import os
import re
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from etl.documents import Document, DocumentError

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | HTML_SUFFIXES | {".json"}
STREAMED = JSONL_SUFFIXES | CSV_SUFFIXES
MAX_BYTES = 50 * 1024 * 1024  # whole-document formats (txt, html, json); streamed formats have no limit
MAX_RAW = 2000  # characters of a bad record kept for the quarantine
HEADER_KEYS = {"title", "date", "source", "url", "id"}
MIN_ARTICLE_WORDS = 5  # an HTML page with fewer words of article text has none

# Column (or JSON key) names, normalised (lower case, non-alphanumerics -> "_"), in order of preference.
TEXT_FIELDS = ("text", "body", "content", "article", "article_text", "full_text", "fulltext", "body_text",
               "main_text", "text_content", "content_text", "story", "message", "notes", "description",
               "summary", "opening_text", "hit_sentence", "snippet", "abstract", "lead")
ID_FIELDS = ("id", "doc_id", "document_id", "article_id", "event_id_cnty", "event_id", "guid", "uuid",
             "record_id", "item_id")
TITLE_FIELDS = ("title", "headline", "heading", "subject", "name")
URL_FIELDS = ("url", "link", "article_url", "source_url", "permalink", "href", "web_url")
DATE_FIELDS = ("published_at", "published", "publication_date", "publish_date", "date_published", "pubdate",
               "pub_date", "date", "event_date", "datetime", "created_at", "timestamp")
SOURCE_FIELDS = ("source", "source_name", "publisher", "outlet", "site", "media", "media_outlet", "feed",
                 "source_domain", "domain")
TEXT_HINT = "text, body, content, article, notes, summary, description"
CONTAINER_KEYS = ("articles", "items", "documents", "docs", "data", "results", "records", "entries", "rows")


# --------------------------------------------------------------------------------------------- dates

_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%a, %d %b %Y %H:%M:%S %z",
                 "%a, %d %b %Y %H:%M:%S %Z", "%d-%b-%Y %I:%M%p", "%d-%b-%Y", "%d %B %Y %H:%M", "%Y-%m-%d %H:%M",
                 "%d.%m.%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y%m%d")  # day first, as most non-US exports


def parse_datetime(value) -> datetime | None:
    """ISO date or datetime (``2024-11-30``, ``2024-11-30T08:00:00Z``), RFC 822, "30 November 2024" or
    an epoch number -> aware datetime (UTC when no zone is given), else None.

    >>> parse_datetime("2024-11-30").isoformat()
    '2024-11-30T00:00:00+00:00'
    >>> parse_datetime("Sat, 30 Nov 2024 08:15:00 +0200").isoformat()
    '2024-11-30T08:15:00+02:00'
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) or re.fullmatch(r"\d{9,10}", str(value).strip()):
        try:
            return datetime.fromtimestamp(int(float(value)), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        raw = str(value).strip()
        text = raw[:-1] + "+00:00" if raw.endswith("Z") else raw
        text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text) if "T" in text else text
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(raw, fmt)
                    break
                except ValueError:
                    continue
            else:
                return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------------------------- inputs

def is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def _suffix(path: Path) -> tuple[str, bool]:
    """(format suffix, gzipped?): ``a.jsonl.gz`` -> (".jsonl", True)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        return (suffixes[-2] if len(suffixes) > 1 else ""), True
    return (suffixes[-1] if suffixes else ""), False


def dated(raw) -> dict:
    """``published_at`` for a Document, plus a reader issue when a date was given but cannot be read
    (the document still loads; the issue becomes a quarantine row naming the value).

    >>> dated("2024-11-30")["published_at"].isoformat()
    '2024-11-30T00:00:00+00:00'
    >>> dated("next Tuesday-ish")["meta"]["issues"][0]["check"]
    'unparseable_date'
    """
    parsed = parse_datetime(raw)
    if parsed is not None or raw in (None, "") or not str(raw).strip():
        return {"published_at": parsed}
    issue = {"check": "unparseable_date", "column": "published_at", "value": str(raw)[:200],
             "reason": f"publication date {str(raw)[:60]!r} is not a date this reader understands; "
                       "relative dates in the text stay unresolved"}
    return {"published_at": None, "meta": {"issues": [issue]}}


def iter_paths(inputs: list[str]) -> Iterator[Path]:
    """Expand files and directories (recursively, sorted; hidden files skipped) into the files to read."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    p = Path(root) / name
                    if not name.startswith(".") and (_suffix(p)[0] in SUFFIXES or _archive_kind(name)):
                        yield p
        else:
            yield path


def read_inputs(inputs: list[str], stdin=None, *, sources=None, con=None,
                fetcher=None) -> Iterator[Document | DocumentError]:
    """Documents (or DocumentErrors) from every input, then from every source of a sources file.

    ``inputs``: files, directories, ``http(s)://`` URLs (page or feed), or ``-`` for standard input.
    ``sources``: a sources TOML path (or a loaded etl.sources.SourcesConfig); it is read and checked
    here, before any document, so a bad sources file fails at once (UsageError, exit 2).
    ``con``: an open DuckDB connection of the warehouse, where fetch state (ETag, Last-Modified, content
    hash) is kept so that a second run fetches nothing already ingested; without one, the state lives
    only as long as this call. ``fetcher``: an etl.fetch.Fetcher to use instead of a new one.
    """
    config = None
    if sources is not None:
        from etl.sources import SourcesConfig, load_sources
        config = sources if isinstance(sources, SourcesConfig) else load_sources(sources)
    return _iter_inputs(list(inputs or []), stdin, config, con, fetcher)


def read_sources(sources, con=None, fetcher=None) -> Iterator[Document | DocumentError]:
    """Documents of every source of a sources file (see etl.sources); ``con`` keeps fetch state."""
    return read_inputs([], sources=sources, con=con, fetcher=fetcher)


def _iter_inputs(inputs, stdin, config, con, fetcher) -> Iterator[Document | DocumentError]:
    own_fetcher = None

    def get_fetcher():
        nonlocal own_fetcher, fetcher
        if fetcher is None:
            from etl.fetch import Fetcher, FetchState
            own_fetcher = fetcher = Fetcher(FetchState(con), **(config.fetch if config else {}))
        return fetcher

    def stamped(items):  # local documents: retrieved when read
        for doc in items:
            if isinstance(doc, Document) and doc.retrieved_at is None:
                doc.retrieved_at = datetime.now(timezone.utc)
            yield doc

    try:
        for item in inputs:
            if item == "-":
                yield from stamped(read_stdin(stdin))
            elif is_url(item):
                try:
                    f = get_fetcher()
                except ImportError as exc:
                    yield DocumentError(item, f"cannot fetch URLs: {exc} (pip install httpx feedparser)",
                                        stage="fetch")
                    continue
                yield from f.read_url(item)
            else:
                yield from stamped(read_path(item))
        for source in (config.sources if config else ()):
            if source.kind in ("folder", "file"):
                for item in stamped(read_path(source.location, options=source.options)):
                    yield _with_source(item, source)
            else:
                try:
                    f = get_fetcher()
                except ImportError as exc:
                    yield DocumentError(source.location, f"cannot fetch URLs: {exc}", stage="fetch")
                    continue
                yield from f.read_url(source.location, source=source, kind=source.kind)
    finally:
        if fetcher is not None:
            logging.getLogger("etl.fetch").info("fetch summary: %s", dict(fetcher.stats),
                                                extra={"fetch_stats": dict(fetcher.stats)})
        if own_fetcher is not None:
            own_fetcher.close()


def _with_source(item, source):
    """Stamp a local document with its sources-file name and reliability note (a file's own Source: wins)."""
    if isinstance(item, Document):
        item.meta.setdefault("source_name", source.name)
        if source.reliability:
            item.meta.setdefault("reliability", source.reliability)
        if not item.source:
            item.source = source.name
    return item


def read_path(item: str, options: dict | None = None) -> Iterator[Document | DocumentError]:
    """Documents of a file or (recursively) a directory."""
    if not Path(item).exists():
        yield DocumentError(item, "no such file or directory")
        return
    for path in iter_paths([item]):
        yield from read_file(path, options)


def read_file(path: Path, options: dict | None = None) -> Iterator[Document | DocumentError]:
    """Documents of one file, chosen by suffix; ``.gz`` files are decompressed as they are read and
    ``.zip`` / ``.tar(.gz|.bz2|.xz)`` archives are read member by member."""
    path = Path(path)
    ref = str(path)
    options = options or {}
    archive = _archive_kind(path.name)
    if archive:
        yield from read_archive(path, archive, options)
        return
    suffix, gz = _suffix(path)
    if suffix not in SUFFIXES:
        yield DocumentError(ref, f"unsupported file type {''.join(path.suffixes) or '(none)'}; use .txt, .md, "
                                 ".jsonl, .json, .csv, .tsv or .html, optionally gzipped (.gz), or a "
                                 ".zip/.tar.gz of them")
        return
    if gz:
        try:
            with open(path, "rb") as fh:
                magic = fh.read(2)
        except OSError as exc:
            yield DocumentError(ref, f"cannot read: {exc.strerror or exc}")
            return
        if magic != b"\x1f\x8b":
            yield DocumentError(ref, "not a gzip file (the name ends in .gz)")
            return
    yield from _read_opened(lambda: gzip.open(path, "rb") if gz else open(path, "rb"), suffix, ref, options)


_READ_ERRORS = (OSError, EOFError, zlib.error, RuntimeError, NotImplementedError, zipfile.BadZipFile,
                tarfile.TarError)  # missing file, bad/truncated gzip, encrypted or broken archive member


def _read_opened(opener, suffix: str, ref: str, options: dict) -> Iterator[Document | DocumentError]:
    """Documents of one binary stream of a known format (a file, a gzip stream, an archive member)."""
    try:
        with opener() as fh:
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl(fh, ref)
                return
            if suffix in CSV_SUFFIXES:
                yield from read_csv(fh, ref, delimiter="\t" if suffix == ".tsv" else None,
                                    text_column=options.get("text_column"))
                return
            data = fh.read(MAX_BYTES + 1)
    except _READ_ERRORS as exc:
        yield DocumentError(ref, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    if len(data) > MAX_BYTES:
        yield DocumentError(ref, f"file larger than {MAX_BYTES // (1024 * 1024)} MB; split it or use JSONL")
        return
    if suffix == ".json":
        yield from read_json(data, ref, text_column=options.get("text_column"))
        return
    text = _decode(data, ref)
    issue = None
    if isinstance(text, DocumentError) and text.reason.startswith("invalid UTF-8"):
        legacy = legacy_decode(data)
        if legacy is not None:  # a Windows-1252 / Latin-1 file: decode it, and record that we did
            issue = {"check": "legacy_encoding", "column": "text", "value": None,
                     "reason": f"{text.reason}; decoded as Windows-1252 (check accented names)"}
            text = legacy
    if isinstance(text, DocumentError):
        yield text
        return
    doc = html_document(text, ref) if suffix in HTML_SUFFIXES else _text_document(text, ref)
    if issue is not None and isinstance(doc, Document):
        doc.meta.setdefault("issues", []).append(issue)
    yield doc


def _archive_kind(name: str) -> str | None:
    name = name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar", ".tgz", ".tbz2", ".txz", ".tar.gz", ".tar.bz2", ".tar.xz")):
        return "tar"
    return None


def _member_wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (bool(parts) and not any(p.startswith(".") or p == "__MACOSX" for p in parts)
            and _suffix(PurePosixPath(name))[0] in SUFFIXES)


def read_archive(path: Path, kind: str, options: dict | None = None) -> Iterator[Document | DocumentError]:
    """Documents of every supported file in a zip or tar archive (members named ``archive!member``);
    other members are skipped, as in a directory. Members are streamed, never extracted to disk."""
    ref = str(path)
    options = options or {}
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as zf:
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or not _member_wanted(info.filename):
                        continue
                    suffix, gz = _suffix(PurePosixPath(info.filename))
                    yield from _read_opened(
                        lambda info=info, gz=gz: gzip.GzipFile(fileobj=zf.open(info)) if gz else zf.open(info),
                        suffix, f"{ref}!{info.filename}", options)
        else:
            with tarfile.open(path, mode="r:*") as tf:
                for member in tf:  # archive order: a compressed tar is read once, front to back
                    if not member.isfile() or not _member_wanted(member.name):
                        continue
                    suffix, gz = _suffix(PurePosixPath(member.name))
                    yield from _read_opened(
                        lambda member=member, gz=gz: (gzip.GzipFile(fileobj=tf.extractfile(member)) if gz
                                                      else tf.extractfile(member)),
                        suffix, f"{ref}!{member.name}", options)
    except _READ_ERRORS as exc:
        yield DocumentError(ref, f"cannot read archive: {getattr(exc, 'strerror', None) or exc}")


# --------------------------------------------------------------------------------------------- stdin

def read_stdin(stdin) -> Iterator[Document | DocumentError]:
    """Standard input, streamed: gzip is detected by its magic bytes; JSONL when the first non-blank
    character is ``{``, else one plain-text document (with optional header lines)."""
    ref = "<stdin>"
    if stdin is None:
        yield DocumentError(ref, "no standard input")
        return
    binary = getattr(stdin, "buffer", None)
    if binary is not None:
        stream = io.BufferedReader(binary) if not hasattr(binary, "peek") else binary
        if stream.peek(2)[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=stream, mode="rb")
        lines: Iterable[bytes] = stream
    else:
        lines = (line.encode("utf-8") for line in stdin)
    it = iter(lines)
    head: list[bytes] = []
    try:
        for line in it:
            head.append(line)
            if line.strip():
                break
        first = b"".join(head).lstrip()
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        if first.startswith(b"{"):
            yield from read_jsonl(_chain(head, it), ref)
            return
        data = b"".join(head) + b"".join(it)
    except (OSError, EOFError, zlib.error) as exc:
        yield DocumentError(ref, f"cannot read standard input: {exc}")
        return
    text = _decode(data, ref)
    yield text if isinstance(text, DocumentError) else _text_document(text, ref)


def _chain(head: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


def read_stream(data: str, ref: str) -> Iterator[Document | DocumentError]:
    """A string read elsewhere: JSONL when the first non-blank character is ``{``, else one text document."""
    if data.lstrip().startswith("{"):
        yield from read_jsonl(data.encode("utf-8"), ref)
    else:
        yield _text_document(data, ref)


def legacy_decode(data: bytes) -> str | None:
    """Windows-1252 text (the usual legacy encoding of Western newsrooms), or None when the bytes do not
    look like text in it (undefined bytes, control characters, or mostly non-ASCII).

    >>> legacy_decode("café".encode("cp1252"))
    'café'
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return text if non_ascii <= max(3, len(text) // 10) else None


def _decode(data: bytes, ref: str) -> str | DocumentError:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return DocumentError(ref, f"invalid UTF-16 at byte {exc.start}")
    if b"\x00" in data[:8192]:
        return DocumentError(ref, "binary content (NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DocumentError(ref, f"invalid UTF-8 at byte {exc.start}")


# --------------------------------------------------------------------------------------------- records

def _norm(key) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(key).strip().lower()).strip("_")


class FieldMap:
    """Which record keys hold the text, id, title, url, date and source (by normalised name)."""

    def __init__(self, keys: Iterable, text_column: str | None = None):
        by_norm: dict[str, object] = {}
        for key in keys:
            by_norm.setdefault(_norm(key), key)
        self.keys = list(by_norm.values())
        if text_column:
            self.text = [by_norm[_norm(text_column)]] if _norm(text_column) in by_norm else []
        else:
            self.text = [by_norm[n] for n in TEXT_FIELDS if n in by_norm]
        used = set(self.text)

        def pick(names):
            for n in names:
                if n in by_norm and by_norm[n] not in used:
                    return by_norm[n]
            return None

        self.id, self.title, self.url = pick(ID_FIELDS), pick(TITLE_FIELDS), pick(URL_FIELDS)
        self.date, self.source = pick(DATE_FIELDS), pick(SOURCE_FIELDS)

    def document(self, record: dict, ref: str, raw: str) -> Document | DocumentError:
        text = None
        for key in self.text:
            value = record.get(key)
            if isinstance(value, str) and value.strip():
                text = value.strip().replace("\r\n", "\n").replace("\r", "\n")
                break
        if text is None:
            if not self.text:
                return DocumentError(ref, f"no text field (expected one of {TEXT_HINT}...; found "
                                          f"{', '.join(map(str, self.keys)) or 'none'})", raw)
            return DocumentError(ref, f"missing or empty '{self.text[0]}' field", raw)
        return Document(text=text, id=_field(record, self.id), title=_field(record, self.title),
                        url=_field(record, self.url), source=_field(record, self.source),
                        **dated(record.get(self.date) if self.date else None), ref=ref)


def _field(record: dict, key) -> str | None:
    if key is None:
        return None
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()


def read_jsonl(data: bytes | Iterable[bytes], ref: str) -> Iterator[Document | DocumentError]:
    """One document per line, streamed from bytes or any iterable of byte lines (an open binary file).

    ``text`` (or ``body``, ``content``... see TEXT_FIELDS) required; ``id``, ``title``, ``url``,
    ``source``, ``published_at`` optional. Errors name ``file:line``.
    """
    lines = data.split(b"\n") if isinstance(data, (bytes, bytearray)) else data
    lineno = 0
    maps: dict[tuple, FieldMap] = {}  # one per key layout: lines of one file nearly always share it
    try:
        for lineno, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            line_ref = f"{ref}:{lineno}"
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield DocumentError(line_ref, f"invalid UTF-8 at byte {exc.start}",
                                    raw[:MAX_RAW].decode("utf-8", "replace"))
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield DocumentError(line_ref, f"malformed JSON: {exc.msg} at column {exc.colno}", line[:MAX_RAW])
                continue
            if not isinstance(obj, dict):
                yield DocumentError(line_ref, "each line must be a JSON object", line[:MAX_RAW])
                continue
            keys = tuple(obj)
            fields = maps.get(keys)
            if fields is None:
                if len(maps) > 64:
                    maps.clear()
                fields = maps[keys] = FieldMap(keys)
            yield fields.document(obj, line_ref, line[:MAX_RAW])
    except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip in the middle of the stream
        yield DocumentError(f"{ref}:{lineno + 1}", f"cannot read further: {exc}")


def read_json(data: bytes, ref: str, text_column: str | None = None) -> Iterator[Document | DocumentError]:
    """A JSON array of objects, one object, or an object holding such an array under ``articles``,
    ``items``, ``documents``, ``data``... Items are named ``file[i]``. JSON Lines saved as ``.json`` is
    read as JSONL."""
    text = _decode(data, ref)
    if isinstance(text, DocumentError):
        yield text
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            yield from read_jsonl(text.encode("utf-8"), ref)
        else:
            yield DocumentError(ref, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                                text[:MAX_RAW])
        return
    items, item_ref = None, ref
    if isinstance(obj, list):
        items = obj
    elif isinstance(obj, dict):
        fields = FieldMap(obj.keys(), text_column)
        if any(isinstance(obj.get(k), str) for k in fields.text):
            yield fields.document(obj, ref, text[:MAX_RAW])
            return
        for key in obj:
            if _norm(key) in CONTAINER_KEYS and isinstance(obj[key], list):
                items, item_ref = obj[key], f"{ref}:{key}"
                break
        if items is None:
            yield fields.document(obj, ref, text[:MAX_RAW])
            return
    else:
        yield DocumentError(ref, "JSON must be an object or an array of objects", text[:MAX_RAW])
        return
    for i, item in enumerate(items):
        iref = f"{item_ref}[{i}]"
        raw = json.dumps(item, ensure_ascii=False)[:MAX_RAW]
        if not isinstance(item, dict):
            yield DocumentError(iref, "each item must be a JSON object", raw)
            continue
        yield FieldMap(item.keys(), text_column).document(item, iref, raw)


def _sniff_encoding(stream) -> tuple[str, bytes]:
    """Encoding of a CSV byte stream: UTF-16 by BOM (media-monitoring exports), else UTF-8 if the first
    64 KB decode, else Windows-1252 (legacy spreadsheet exports)."""
    head = stream.peek(65536)[:65536] if hasattr(stream, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", head
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig", head
    except UnicodeDecodeError:
        return "cp1252", head


def read_csv(stream, ref: str, delimiter: str | None = None,
             text_column: str | None = None) -> Iterator[Document | DocumentError]:
    """One document per row of a CSV/TSV byte stream, streamed; rows are named ``file:line`` (the line
    the row starts on, so multi-line quoted fields count right)."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)
    encoding, _ = _sniff_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    lineno = start = 1
    try:
        first = text.readline()
        if first.lower().startswith("sep=") and len(first.strip()) == 5:  # Excel's delimiter hint line
            delimiter = first.strip()[4]
            first = text.readline()
            lineno = 2
        if not first.strip():
            yield DocumentError(ref, "empty CSV (no header row)")
            return
        if delimiter is None:
            counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
            delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
        header = next(csv.reader([first], delimiter=delimiter))
        fields = FieldMap(header, text_column)
        if not fields.text:
            want = f"'{text_column}'" if text_column else f"one of {TEXT_HINT}..."
            yield DocumentError(ref, f"no text column (expected {want}; header has {', '.join(header)})",
                                first[:MAX_RAW])
            return
        _raise_field_limit()
        reader = csv.reader(text, delimiter=delimiter)
        start = lineno + 1
        for row in reader:
            row_ref = f"{ref}:{start}"
            end = lineno + reader.line_num
            raw_line = delimiter.join(row)[:MAX_RAW]
            if not any(cell.strip() for cell in row):
                start = end + 1
                continue
            if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
                yield DocumentError(row_ref, f"{len(row)} fields where the header has {len(header)}", raw_line)
            else:
                yield fields.document(dict(zip(header, row)), row_ref, raw_line)
            start = end + 1
    except UnicodeDecodeError as exc:
        yield DocumentError(f"{ref}:{start}",
                            f"invalid {encoding} text ({exc.reason}); save the file as UTF-8")
    except csv.Error as exc:
        yield DocumentError(f"{ref}:{start}", f"malformed CSV: {exc}")
    except (OSError, EOFError, zlib.error) as exc:
        yield DocumentError(ref, f"cannot read further: {exc}")
    finally:
        text.detach()


def _raise_field_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


def _text_document(text: str, ref: str) -> Document | DocumentError:
    """Plain text with optional ``Title:``/``Date:``/``Source:``/``URL:``/``Id:`` header lines."""
    header: dict[str, str] = {}
    lines = text.split("\n")
    body_start = 0
    for i, line in enumerate(lines):
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in HEADER_KEYS and not line.startswith(" "):
            header[key.strip().lower()] = value.strip()
            body_start = i + 1
        else:
            break
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "\n".join(lines[body_start:]).strip()
    if not body:
        return DocumentError(ref, "empty document (no text after the header)")
    return Document(text=body, id=header.get("id"), title=header.get("title"), url=header.get("url"),
                    source=header.get("source"), **dated(header.get("date")), ref=ref)


# --------------------------------------------------------------------------------------------- HTML

_FURNITURE = re.compile(r"(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|related|recommended|more-stories|"
                        r"most-read|popular|trending|sidebar|footer|header|masthead|promo|advert|ads?|share|"
                        r"social|newsletter|comments?|cookie|subscribe|tags)($|[\s_-])", re.I)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextOfHtml(HTMLParser):
    """Fallback article text: drops script/style, nav/header/footer/aside and any element whose class,
    id or role names page furniture (related stories, menus, share bars...)."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "figure", "template",
            "svg", "iframe", "button", "select"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr",
             "blockquote", "ul", "ol", "table", "main"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_tag: str | None = None
        self.skip_level = 0
        self.meta: dict[str, str] = {}
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_level += 1
            return
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"])
        elif tag == "link" and attrs.get("rel", "").lower() == "canonical" and attrs.get("href"):
            self.meta.setdefault("canonical", attrs["href"])
        elif tag not in _VOID and (tag in self.SKIP or attrs.get("role", "").lower() in
                                   ("navigation", "banner", "contentinfo", "complementary") or
                                   _FURNITURE.search(f"{attrs.get('class', '')} {attrs.get('id', '')}")):
            if tag not in ("body", "html", "main", "article"):
                self.skip_tag, self.skip_level = tag, 1
                return
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if self.skip_tag is None:
            if tag == "meta":
                self.handle_starttag(tag, attrs)
            elif tag == "br":
                self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_level -= 1
                if self.skip_level == 0:
                    self.skip_tag = None
            return
        if tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.skip_tag is None:
            self.parts.append(data)


def _stdlib_html(html: str) -> tuple[str, dict]:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    meta = dict(parser.meta)
    meta["_title"] = parser.title.strip()
    return "\n\n".join(p for p in paragraphs if p), meta


_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(data: bytes) -> str:
    """Bytes of a page -> text: BOM, else the ``<meta charset>``, else UTF-8, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    match = _CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def html_fragment_text(html: str) -> str:
    """Text of an HTML fragment known to be article body (a feed entry's content), paragraphs kept."""
    return _stdlib_html(html)[0]


def _trafilatura():
    try:
        import trafilatura
        for name in ("trafilatura", "htmldate", "courlan"):  # their parse warnings are not for operators:
            logger = logging.getLogger(name)  # keep --log-format json clean
            if not logger.handlers:
                logger.addHandler(logging.NullHandler())
        return trafilatura
    except ImportError:  # not installed, or installed without lxml_html_clean (see docs/pitfalls)
        return None


def html_document(html: str | bytes, ref: str, url: str | None = None) -> Document | DocumentError:
    """The article of an HTML page: text and metadata (title, site name, publication time, canonical
    URL) by trafilatura in precision mode, which leaves out navigation, related-story lists, comments
    and footers, and finds no article in a page that is only lists of links; the stdlib parser
    (dropping the same furniture by tag, class, id and role) when trafilatura is missing or fails."""
    decoded = _decode_html(html) if isinstance(html, bytes) else html
    text = title = site = published = canonical = None
    extractor = "stdlib"
    traf, traf_ok = _trafilatura(), False
    if traf is not None:
        try:
            result = traf.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          favor_precision=True,  # a page of links yields no "article"
                                          include_tables=True, include_images=False, include_links=False,
                                          date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z",
                                                                  "original_date": True,
                                                                  "extensive_search": False})
            traf_ok = True
        except Exception as exc:  # lxml raises on truly broken markup; fall back rather than lose the page
            result = None
            extractor = f"stdlib (trafilatura failed: {type(exc).__name__})"
        if result is not None and (result.text or "").strip():
            text, extractor = result.text.strip(), "trafilatura"
            title, site, published = result.title, result.sitename, result.date
            canonical = result.url if result.url and result.url != url else None
    try:
        fb_text, meta = _stdlib_html(decoded)
    except Exception as exc:  # html.parser is lenient; anything raised here is truly malformed
        if text is None:
            return DocumentError(ref, f"malformed HTML: {exc}")
        fb_text, meta = "", {}
    if text is None:  # when trafilatura ran and found no article, the page has none: no fallback then
        text = "" if traf_ok else fb_text
    if len(text.split()) < MIN_ARTICLE_WORDS:  # "Home", a section name: what is left of a page of links
        return DocumentError(ref, "HTML page has no article text")
    meta_published = (meta.get("article:published_time") or meta.get("datepublished")
                      or meta.get("date") or meta.get("pubdate") or meta.get("dc.date"))
    page_url = url or next((u for u in (canonical, meta.get("og:url"), meta.get("canonical"))
                            if u and is_url(u)), None)
    return Document(text=text, title=title or meta.get("og:title") or meta.get("_title") or None,
                    url=page_url,
                    source=site or meta.get("og:site_name"),
                    published_at=parse_datetime(meta_published) or parse_datetime(published), ref=ref,
                    meta={"extractor": extractor})


def _html_document(html: str, ref: str) -> Document | DocumentError:  # kept for older callers
    return html_document(html, ref)
