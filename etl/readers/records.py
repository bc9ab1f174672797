"""Document formats read from bytes: plain text with header lines, JSON Lines (streamed), JSON, and
CSV/TSV (streamed); every bad record becomes a DocumentError naming it."""
from __future__ import annotations

import codecs
import csv
import io
import json
import sys
import zlib
from collections.abc import Iterable, Iterator

from etl.documents import Document, DocumentError
from etl.readers.decoding import _decode, _sniff_encoding
from etl.readers.fields import TEXT_HINT, FieldMap, _norm, dated

MAX_RAW = 2000  # characters of a bad record kept for the quarantine
HEADER_KEYS = {"title", "date", "source", "url", "id"}
CONTAINER_KEYS = ("articles", "items", "documents", "docs", "data", "results", "records", "entries", "rows")


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
