"""Standard input, streamed (gzip detected, JSON Lines or one text document), and strings read
elsewhere."""
from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable, Iterator

from etl.documents import Document, DocumentError
from etl.readers.decoding import _decode
from etl.readers.records import _text_document, read_jsonl


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
