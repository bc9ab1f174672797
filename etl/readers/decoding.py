"""Bytes to text: BOMs, UTF-8 and UTF-16, the Windows-1252 fallback of legacy files, a CSV stream's
encoding and a web page's declared charset."""
from __future__ import annotations

import codecs
import re

from etl.documents import DocumentError


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
