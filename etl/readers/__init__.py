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

Modules: ``inputs`` (dispatch of inputs and sources), ``files`` (paths, suffixes, archives), ``streams``
(standard input), ``records`` (text, JSON Lines, JSON, CSV), ``fields`` (record keys, dates, URLs),
``html_text`` (article text of web pages), ``decoding`` (bytes to text). Their public names are
importable from ``etl.readers`` itself.
"""
from __future__ import annotations

from etl.readers.decoding import legacy_decode
from etl.readers.fields import (DATE_FIELDS, ID_FIELDS, SOURCE_FIELDS, TEXT_FIELDS, TEXT_HINT, TITLE_FIELDS,
                                URL_FIELDS, FieldMap, dated, is_url, parse_datetime)
from etl.readers.files import (CSV_SUFFIXES, HTML_SUFFIXES, JSONL_SUFFIXES, MAX_BYTES, STREAMED, SUFFIXES,
                               TEXT_SUFFIXES, iter_paths, read_archive, read_file, read_path)
from etl.readers.html_text import MIN_ARTICLE_WORDS, _html_document, html_document, html_fragment_text
from etl.readers.inputs import read_inputs, read_sources
from etl.readers.records import (CONTAINER_KEYS, HEADER_KEYS, MAX_RAW, _text_document, read_csv, read_json,
                                 read_jsonl)
from etl.readers.streams import read_stdin, read_stream

__all__ = [
    "CONTAINER_KEYS", "CSV_SUFFIXES", "DATE_FIELDS", "HEADER_KEYS", "HTML_SUFFIXES", "ID_FIELDS", "JSONL_SUFFIXES",
    "MAX_BYTES", "MAX_RAW", "MIN_ARTICLE_WORDS", "SOURCE_FIELDS", "STREAMED", "SUFFIXES", "TEXT_FIELDS",
    "TEXT_HINT", "TEXT_SUFFIXES", "TITLE_FIELDS", "URL_FIELDS", "FieldMap", "dated", "html_document",
    "html_fragment_text", "is_url", "iter_paths", "legacy_decode", "parse_datetime", "read_archive", "read_csv",
    "read_file", "read_inputs", "read_json", "read_jsonl", "read_path", "read_sources", "read_stdin",
    "read_stream", "_html_document", "_text_document",
]
