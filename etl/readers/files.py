"""Files, directories and archives: which files to read (by suffix, ``.gz`` decompressed on the way),
and the documents of each file, or of each member of a zip or tar archive."""
from __future__ import annotations

import gzip
import os
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from etl.documents import Document, DocumentError
from etl.readers.decoding import _decode, legacy_decode
from etl.readers.html_text import html_document
from etl.readers.records import _text_document, read_csv, read_json, read_jsonl

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | HTML_SUFFIXES | {".json"}
STREAMED = JSONL_SUFFIXES | CSV_SUFFIXES
MAX_BYTES = 50 * 1024 * 1024  # whole-document formats (txt, html, json); streamed formats have no limit


def _suffix(path: Path) -> tuple[str, bool]:
    """(format suffix, gzipped?): ``a.jsonl.gz`` -> (".jsonl", True)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        return (suffixes[-2] if len(suffixes) > 1 else ""), True
    return (suffixes[-1] if suffixes else ""), False


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
