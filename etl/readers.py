"""Read documents from files, directories and standard input.

Every problem with one document becomes a DocumentError naming it (file and line), yielded in
place of the document so the run goes on and the error is recorded, never dropped.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

from etl.documents import Document, DocumentError

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".html", ".htm"}
MAX_BYTES = 50 * 1024 * 1024
HEADER_KEYS = {"title", "date", "source", "url", "id"}


def parse_datetime(value) -> datetime | None:
    """ISO date or datetime (``2024-11-30``, ``2024-11-30T08:00:00Z``) -> aware datetime, else None.

    >>> parse_datetime("2024-11-30").isoformat()
    '2024-11-30T00:00:00+00:00'
    """
    if value in (None, ""):
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%a, %d %b %Y %H:%M:%S %z"):
            try:
                parsed = datetime.strptime(str(value).strip(), fmt)
                break
            except ValueError:
                continue
        else:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def iter_paths(inputs: list[str]) -> Iterator[Path]:
    """Expand files and directories (recursively, sorted) into the files to read."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    p = Path(root) / name
                    if p.suffix.lower() in SUFFIXES:
                        yield p
        else:
            yield path


def read_inputs(inputs: list[str], stdin=None) -> Iterator[Document | DocumentError]:
    """Documents (or DocumentErrors) from every input; ``-`` reads standard input as JSONL or text."""
    for item in inputs:
        if item == "-":
            yield from read_stream(stdin.read() if stdin else "", "<stdin>")
            continue
        paths = list(iter_paths([item]))
        if not paths and not Path(item).exists():
            yield DocumentError(item, "no such file or directory")
        for path in paths:
            yield from read_file(path)


def read_file(path: Path) -> Iterator[Document | DocumentError]:
    """Documents of one file, chosen by suffix."""
    ref = str(path)
    try:
        if path.stat().st_size > MAX_BYTES and path.suffix.lower() != ".jsonl":
            yield DocumentError(ref, f"file larger than {MAX_BYTES // (1024 * 1024)} MB; split it or use JSONL")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield DocumentError(ref, f"cannot read: {exc.strerror or exc}")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from read_jsonl(data, ref)
        return
    text = _decode(data, ref)
    if isinstance(text, DocumentError):
        yield text
        return
    if suffix in (".html", ".htm"):
        yield _html_document(text, ref)
    elif suffix in TEXT_SUFFIXES:
        yield _text_document(text, ref)
    else:
        yield DocumentError(ref, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .jsonl or .html")


def read_stream(data: str, ref: str) -> Iterator[Document | DocumentError]:
    """Standard input: JSONL when the first non-blank character is ``{``, else one plain-text document."""
    if data.lstrip().startswith("{"):
        yield from read_jsonl(data.encode("utf-8"), ref)
    else:
        yield _text_document(data, ref)


def _decode(data: bytes, ref: str) -> str | DocumentError:
    if b"\x00" in data[:8192]:
        return DocumentError(ref, "binary content (NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DocumentError(ref, f"invalid UTF-8 at byte {exc.start}")


def read_jsonl(data: bytes, ref: str) -> Iterator[Document | DocumentError]:
    """One document per line: ``text`` required; ``id``, ``title``, ``url``, ``source``, ``published_at`` optional."""
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        line_ref = f"{ref}:{lineno}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield DocumentError(line_ref, f"invalid UTF-8 at byte {exc.start}", raw[:2000].decode("utf-8", "replace"))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield DocumentError(line_ref, f"malformed JSON: {exc.msg} at column {exc.colno}", line[:2000])
            continue
        if not isinstance(obj, dict):
            yield DocumentError(line_ref, "each line must be a JSON object", line[:2000])
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield DocumentError(line_ref, "missing or empty 'text' field", line[:2000])
            continue
        published = obj.get("published_at") or obj.get("date") or obj.get("published")
        yield Document(text=text, id=_str_or_none(obj.get("id")), title=_str_or_none(obj.get("title")),
                       url=_str_or_none(obj.get("url")), source=_str_or_none(obj.get("source")),
                       published_at=parse_datetime(published), ref=line_ref)


def _str_or_none(value) -> str | None:
    return None if value is None else str(value)


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
                    source=header.get("source"), published_at=parse_datetime(header.get("date")), ref=ref)


class _TextOfHtml(HTMLParser):
    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "figure"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "section", "article", "tr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.meta: dict[str, str] = {}
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key and attrs.get("content"):
                self.meta[key] = attrs["content"]
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip_depth:
            self.parts.append(data)


def _html_document(html: str, ref: str) -> Document | DocumentError:
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything raised here is truly malformed
        return DocumentError(ref, f"malformed HTML: {exc}")
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return DocumentError(ref, "HTML page has no article text")
    meta = parser.meta
    published = meta.get("article:published_time") or meta.get("date") or meta.get("pubdate")
    return Document(text=text, title=(meta.get("og:title") or parser.title.strip() or None),
                    url=meta.get("og:url"), source=meta.get("og:site_name"),
                    published_at=parse_datetime(published), ref=ref)
