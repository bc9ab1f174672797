"""Input dispatch: files and directories, ``-`` (standard input), URLs (fetched) and the sources of a
sources file, in order, each to its reader."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timezone

from etl.documents import Document, DocumentError
from etl.readers.fields import is_url
from etl.readers.files import read_path
from etl.readers.streams import read_stdin


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
