"""Fetch web pages and RSS/Atom feeds politely and incrementally.

- httpx with connect/read timeouts, an overall deadline per request, a size cap, and retries with
  exponential backoff (honouring ``Retry-After``) on timeouts, connection errors, 429 and 5xx;
- conditional requests: the ETag and Last-Modified of every URL are kept in the ``fetch_state`` table
  and sent back, so an unchanged feed or page answers 304 and costs nothing;
- a feed entry whose page was already ingested (its text's hash is in ``documents``) is not fetched
  again, not even conditionally; entries that failed are retried on the next run;
- every failure (DNS, refused, timeout, 4xx, 5xx after retries, oversize, not HTML) is yielded as a
  DocumentError(stage="fetch") naming the URL, so it is quarantined while the other URLs load;
- provenance: each Document carries its URL, source name, retrieval time and publication time (the
  feed entry's, else the page's metadata), plus the feed, entry id and reliability note in ``meta``.

A feed's own state (its ETag) is written only after all its entries were handed on, so a run that dies
half-way through a feed re-reads the whole feed next time instead of skipping the entries it never saw.
"""
from __future__ import annotations

import calendar
import hashlib
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from etl.documents import Document, DocumentError
from etl.readers.html_text import html_document, html_fragment_text
from etl.readers.records import _text_document

log = logging.getLogger("etl.fetch")
log.addHandler(logging.NullHandler())  # a library: silent unless the application configures logging

DEFAULT_USER_AGENT = "casualty-etl/0.1 (humanitarian casualty recording; +https://github.com/casualty-etl)"
RETRY_STATUS = {429, 500, 502, 503, 504}
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("rss", "atom", "rdf", "xml")
SCHEMA_SQL = Path(__file__).resolve().parent.parent / "sql" / "schema" / "070_fetch_state.sql"
STATE_COLUMNS = ("url", "kind", "feed_url", "entry_id", "source", "etag", "last_modified", "content_hash",
                 "status", "http_status", "error", "attempts", "fetched_at")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# --------------------------------------------------------------------------------------------- state

@dataclass
class StateRow:
    url: str
    kind: str
    feed_url: str | None = None
    entry_id: str | None = None
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    status: str = "ok"
    http_status: int | None = None
    error: str | None = None
    attempts: int = 0
    fetched_at: datetime = field(default_factory=utcnow)


class FetchState:
    """What was fetched, with its validators and content hash: in the warehouse's ``fetch_state`` table
    when given a DuckDB connection (so it lasts between runs), else in memory (one run).

    Only the thread that created it should call it (DuckDB connections are not shared across threads);
    the Fetcher does all state reads and writes on the calling thread.
    """

    def __init__(self, con=None):
        self.con = con
        self._rows: dict[str, StateRow] = {}
        self._has_documents: bool | None = None
        if con is not None:
            con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))

    def get(self, url: str) -> StateRow | None:
        if self.con is None:
            return self._rows.get(url)
        row = self.con.execute(f"select {', '.join(STATE_COLUMNS)} from fetch_state where url = ?",
                               [url]).fetchone()
        return StateRow(*row) if row else None

    def put(self, row: StateRow) -> None:
        if self.con is None:
            self._rows[row.url] = row
            return
        values = [getattr(row, c) for c in STATE_COLUMNS]
        values[-1] = row.fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
        self.con.execute(f"insert or replace into fetch_state ({', '.join(STATE_COLUMNS)}) "
                         f"values ({', '.join('?' * len(STATE_COLUMNS))})", values)

    def failed(self, url: str, kind: str, reason: str, http_status: int | None = None, **extra) -> None:
        old = self.get(url)
        row = StateRow(url=url, kind=kind, status="error", error=reason, http_status=http_status,
                       attempts=(old.attempts if old else 0) + 1, **extra)
        if old is not None:  # keep the validators and hash of the last good fetch
            row.etag, row.last_modified, row.content_hash = old.etag, old.last_modified, old.content_hash
            row.entry_id = row.entry_id or old.entry_id
        self.put(row)

    def ingested(self, content_hash: str | None) -> bool:
        """Is a document with this text in the warehouse? Without a ``documents`` table (no warehouse,
        or fetching on its own), the state's word is taken for it."""
        if not content_hash:
            return False
        if self.con is None:
            return True
        if not self._documents_table():
            return True
        return self.con.execute("select count(*) from documents where content_hash = ?",
                                [content_hash]).fetchone()[0] > 0

    def _documents_table(self) -> bool:
        if self._has_documents is None:  # the warehouse is migrated before reading starts: ask once
            self._has_documents = bool(self.con.execute(
                "select count(*) from information_schema.tables where table_name = 'documents'").fetchone()[0])
        return self._has_documents

    def pending_entries(self, feed_url: str) -> list[StateRow]:
        """Entries of a feed to try again: those that failed, or were fetched but never loaded."""
        if self.con is None:
            return [r for r in self._rows.values() if r.feed_url == feed_url and r.status == "error"]
        not_loaded = ("or (s.status = 'ok' and not exists (select 1 from documents d "
                      "where d.content_hash = s.content_hash))") if self._documents_table() else ""
        return [StateRow(*r) for r in self.con.execute(
            f"select {', '.join('s.' + c for c in STATE_COLUMNS)} from fetch_state s "
            f"where s.feed_url = ? and (s.status = 'error' {not_loaded}) order by s.url", [feed_url]).fetchall()]


# --------------------------------------------------------------------------------------------- HTTP

class FetchError(Exception):
    def __init__(self, reason: str, http_status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    retrieved_at: datetime
    elapsed: float


class Fetcher:
    """An HTTP client for pages and feeds, with fetch state.

    ``timeout``: seconds to connect / wait for data; ``deadline``: seconds for a whole response;
    ``retries``: extra attempts after a timeout, connection error, 429 or 5xx, waiting ``backoff``,
    2×``backoff``... seconds (or the server's Retry-After, up to ``max_wait``); ``max_bytes``: largest
    body read; ``workers``: feed entry pages fetched at once; ``per_host``: at most this many requests
    to one host at a time; ``delay``: seconds between two requests to one host; ``max_entries``: newest
    entries read per feed.
    """

    def __init__(self, state: FetchState | None = None, *, timeout: float = 15.0, deadline: float = 60.0,
                 retries: int = 2, backoff: float = 1.0, max_wait: float = 30.0,
                 max_bytes: int = 10 * 1024 * 1024, workers: int = 4, max_entries: int | None = None,
                 per_host: int = 2, delay: float = 0.0, user_agent: str = DEFAULT_USER_AGENT, client=None):
        import httpx  # imported here: only runs that fetch need it

        self.httpx = httpx
        self.state = state if state is not None else FetchState()
        self.timeout, self.deadline, self.retries = float(timeout), float(deadline), int(retries)
        self.backoff, self.max_wait, self.max_bytes = float(backoff), float(max_wait), int(max_bytes)
        self.workers, self.max_entries = max(1, int(workers)), max_entries
        self.per_host, self.delay = max(1, int(per_host)), max(0.0, float(delay))
        self._hosts: dict[str, tuple[threading.Semaphore, list[float]]] = {}
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)), follow_redirects=True,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=self.workers * 2, max_keepalive_connections=self.workers))
        self._own_client = client is None
        self.stats: Counter = Counter()
        self._lock = threading.Lock()

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:  # worker threads count too
            self.stats[key] += n

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- one request -------------------------------------------------------------------------------

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET with retries; a 304 comes back as a FetchResult with status 304; failures raise FetchError.
        At most ``per_host`` requests run against one host at once, ``delay`` seconds apart."""
        host = urlsplit(url).netloc.lower()
        with self._lock:
            slot, last = self._hosts.setdefault(host, (threading.Semaphore(self.per_host), [0.0]))
        with slot:
            if self.delay:
                with self._lock:
                    start = max(time.monotonic(), last[0] + self.delay)
                    last[0] = start
                time.sleep(max(0.0, start - time.monotonic()))
            try:
                return self._get(url, etag, last_modified)
            except FetchError:
                raise
            except Exception as exc:  # whatever else goes wrong with one URL must not stop the run
                raise FetchError(f"{type(exc).__name__}: {exc}") from None

    def _get(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        last_reason = "not attempted"
        for attempt in range(self.retries + 1):
            if attempt:
                self._count("retries")
            started = time.monotonic()
            self._count("requests")
            try:
                with self.client.stream("GET", url, headers=headers) as resp:
                    code = resp.status_code
                    if code in RETRY_STATUS:
                        last_reason = f"HTTP {code} {resp.reason_phrase}".strip()
                        if attempt < self.retries:
                            self._wait(attempt, resp.headers.get("retry-after"))
                            continue
                        raise FetchError(last_reason + f" (after {attempt + 1} attempts)", code)
                    if code >= 400:
                        raise FetchError(f"HTTP {code} {resp.reason_phrase}".strip(), code)
                    body = b""
                    if code != 304:
                        chunks, size = [], 0
                        for chunk in resp.iter_bytes():
                            size += len(chunk)
                            if size > self.max_bytes:
                                raise FetchError(f"response larger than {self.max_bytes} bytes", code)
                            if time.monotonic() - started > self.deadline:
                                raise FetchError(f"response took longer than {self.deadline:g} s", code)
                            chunks.append(chunk)
                        body = b"".join(chunks)
                    self._count("bytes", len(body))
                    return FetchResult(url=url, final_url=str(resp.url), status=code, content=body,
                                       content_type=resp.headers.get("content-type", "").lower(),
                                       etag=resp.headers.get("etag"),
                                       last_modified=resp.headers.get("last-modified"),
                                       retrieved_at=utcnow(), elapsed=time.monotonic() - started)
            except self.httpx.TimeoutException as exc:
                last_reason = f"timed out after {self.timeout:g} s ({type(exc).__name__})"
            except self.httpx.TooManyRedirects:
                raise FetchError("too many redirects") from None
            except (self.httpx.UnsupportedProtocol, self.httpx.InvalidURL) as exc:
                raise FetchError(f"invalid URL: {exc}") from None
            except self.httpx.TransportError as exc:
                last_reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            except self.httpx.HTTPError as exc:  # e.g. a body that does not decode as its Content-Encoding
                raise FetchError(f"{type(exc).__name__}: {exc}") from None
            if attempt < self.retries:
                self._wait(attempt, None)
        raise FetchError(last_reason + (f" (after {self.retries + 1} attempts)" if self.retries else ""))

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        wait = self.backoff * (2 ** attempt)
        if retry_after:
            try:
                wait = float(retry_after)
            except ValueError:
                try:
                    wait = (parsedate_to_datetime(retry_after) - utcnow()).total_seconds()
                except (TypeError, ValueError):
                    pass
        time.sleep(max(0.0, min(wait, self.max_wait)))

    # -- documents ---------------------------------------------------------------------------------

    def read_url(self, url: str, source=None, kind: str | None = None):
        """Documents of one URL: a feed (its entries' pages) or a page. ``kind`` "feed" forces a feed,
        "page" a page; else ("url", None) the response decides (first bytes, then content type)."""
        state = self.state.get(url)
        conditional = state is not None and state.status != "error" and (
            state.kind == "feed" or state.status == "empty" or self.state.ingested(state.content_hash))
        try:
            res = self.get(url, state.etag if conditional else None,
                           state.last_modified if conditional else None)
        except FetchError as exc:
            self._count("errors")
            log.warning("fetch failed: %s: %s", url, exc.reason)
            self.state.failed(url, kind="feed" if kind == "feed" else "page", reason=exc.reason,
                              http_status=exc.http_status, source=_name(source))
            yield DocumentError(url, exc.reason, stage="fetch")
            return
        if res.status == 304:
            self._count("not_modified")
            log.info("not modified: %s", url)
            if state is not None and state.kind == "feed":
                yield from self._entries([(r.url, None, r, False) for r in self.state.pending_entries(url)],
                                         url, source, None)
            return
        if kind == "feed" or (kind != "page" and looks_like_feed(res)):
            yield from self._feed(url, res, source)
            return
        try:
            item, row = self._page(res, url, source, kind="page", old=state)
        except Exception as exc:  # one page that breaks the extractor must not stop the run
            reason = f"cannot read the page: {type(exc).__name__}: {exc}"
            self.state.failed(url, kind="page", reason=reason, http_status=res.status, source=_name(source))
            yield DocumentError(url, reason, stage="fetch")
            return
        if row is not None:
            self.state.put(row)
        if item is not None:
            yield item

    def _feed(self, url: str, res: FetchResult, source):
        import feedparser

        parsed = feedparser.parse(res.content, response_headers={"content-type": res.content_type,
                                                                 "content-location": res.final_url})
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            reason = f"not a readable RSS/Atom feed: {parsed.get('bozo_exception') or 'no entries'}"
            self.state.failed(url, kind="feed", reason=reason, http_status=res.status, source=_name(source))
            yield DocumentError(url, reason, stage="fetch")
            return
        feed_title = parsed.feed.get("title")
        entries = parsed.entries[: self.max_entries] if self.max_entries else parsed.entries
        todo, seen = [], set()
        for i, entry in enumerate(entries, 1):
            link = entry.get("link")
            if not link:
                yield DocumentError(f"{url}#entry-{i}", "feed entry has no link", stage="fetch",
                                    raw=str(entry.get("title") or entry.get("id") or ""))
                continue
            link = urljoin(res.final_url, link)
            if link in seen:
                continue
            seen.add(link)
            old = self.state.get(link)
            if old is not None and old.status == "ok" and self.state.ingested(old.content_hash):
                updated = _entry_time(entry, ("updated_parsed",))
                if updated is None or updated <= _aware(old.fetched_at):
                    self._count("skipped_ingested")
                    continue
                todo.append((link, entry, old, True))  # updated since: ask again, conditionally
                continue
            todo.append((link, entry, old, old is not None and old.status == "empty"))
        yield from self._entries(todo, url, source, feed_title)
        self.state.put(StateRow(url=url, kind="feed", source=_name(source), etag=res.etag,
                                last_modified=res.last_modified, content_hash=sha256(res.content),
                                status="ok", http_status=res.status, fetched_at=res.retrieved_at))
        log.info("feed %s: %d entries, %d to fetch", url, len(entries), len(todo))

    def _entries(self, todo, feed_url, source, feed_title):
        """Fetch entry pages on worker threads; build documents there; write state here, in order."""
        if not todo:
            return
        use_feed_content = bool(source is not None and source.options.get("content") == "feed")

        def work(job):
            link, entry, old, conditional = job
            if use_feed_content and entry is not None:
                return self._entry_from_feed(link, entry, feed_url, source, feed_title)
            try:
                res = self.get(link, old.etag if conditional else None,
                               old.last_modified if conditional else None)
            except FetchError as exc:
                return exc, None
            if res.status == 304:
                return None, None
            try:
                return self._page(res, link, source, kind="entry", old=old, entry=entry, feed_url=feed_url,
                                  feed_title=feed_title)
            except Exception as exc:  # one page that breaks the extractor must not stop the others
                return FetchError(f"cannot read the page: {type(exc).__name__}: {exc}", res.status), None

        def results():  # a few pages ahead of the consumer, not a whole feed's pages in memory
            step = self.workers * 4
            with ThreadPoolExecutor(max_workers=min(self.workers, len(todo))) as pool:
                for i in range(0, len(todo), step):
                    chunk = todo[i:i + step]
                    yield from zip(chunk, pool.map(work, chunk))

        for (link, entry, old, _), (item, row) in results():
            if isinstance(item, FetchError):
                self._count("errors")
                log.warning("fetch failed: %s: %s", link, item.reason)
                self.state.failed(link, kind="entry", reason=item.reason, http_status=item.http_status,
                                  feed_url=feed_url, source=_name(source),
                                  entry_id=entry.get("id") if entry is not None else None)
                yield DocumentError(link, item.reason, stage="fetch")
                continue
            if row is not None:
                self.state.put(row)
            if item is None:
                if row is None:
                    self._count("not_modified")
                continue
            yield item

    def _page(self, res: FetchResult, url: str, source, *, kind: str, old: StateRow | None = None,
              entry=None, feed_url=None, feed_title=None):
        """(Document or DocumentError or None when unchanged, state row to write)."""
        ctype = res.content_type.split(";")[0].strip()
        row = StateRow(url=url, kind=kind, feed_url=feed_url, source=_name(source), etag=res.etag,
                       last_modified=res.last_modified, http_status=res.status, fetched_at=res.retrieved_at,
                       entry_id=(entry.get("id") if entry is not None else (old.entry_id if old else None)))
        if ctype == "text/plain":
            text = _decode_body(res.content, _charset(res.content_type))
            doc = _text_document(text if isinstance(text, str) else text.decode("utf-8", "replace"), url)
        elif ctype and ctype not in HTML_TYPES:
            self._count("errors")
            row.status, row.error = "error", f"not an HTML page (Content-Type {ctype})"
            return DocumentError(url, row.error, stage="fetch"), row
        else:
            charset = _charset(res.content_type, None)
            # the server said which encoding: trust it over the page's guesswork
            body = _decode_body(res.content, charset) if charset else res.content
            doc = html_document(body, url, url=url)
        if isinstance(doc, DocumentError):
            row.status, row.error = "empty", doc.reason
            self._count("empty")
            return doc, row
        row.content_hash, row.status = doc.content_hash, "ok"
        if old is not None and old.content_hash == doc.content_hash and self.state.ingested(doc.content_hash):
            self._count("unchanged")
            return None, row
        self._count("fetched")
        doc.url = url
        doc.retrieved_at = res.retrieved_at
        published = _entry_time(entry) if entry is not None else None
        if published is not None:
            doc.published_at = published
        if entry is not None and entry.get("title"):
            doc.title = entry.get("title")
        site = doc.source
        doc.source = _name(source) or feed_title or site
        doc.meta.update({k: v for k, v in {
            "final_url": res.final_url if res.final_url != url else None, "http_status": res.status,
            "feed": feed_url, "feed_title": feed_title, "entry_id": row.entry_id, "site_name": site,
            "source_name": _name(source), "reliability": getattr(source, "reliability", None),
        }.items() if v is not None})
        return doc, row

    def _entry_from_feed(self, link, entry, feed_url, source, feed_title):
        """A document from the feed's own content (``content = "feed"`` sources), no page fetched."""
        body = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        row = StateRow(url=link, kind="entry", feed_url=feed_url, source=_name(source),
                       entry_id=entry.get("id"), fetched_at=utcnow())
        try:  # a feed's content is the article body itself: no furniture to find, just the text of it
            text = html_fragment_text(body)
        except Exception as exc:  # html.parser is lenient; anything raised here is truly malformed
            text, reason = "", f"malformed HTML in the feed entry: {exc}"
        else:
            reason = "feed entry has no content"
        if not text:
            row.status, row.error = "empty", reason
            return DocumentError(link, reason), row
        doc = Document(text=text, url=link, ref=link, meta={})
        row.content_hash = doc.content_hash
        doc.retrieved_at, doc.title = row.fetched_at, entry.get("title") or doc.title
        doc.published_at = _entry_time(entry) or doc.published_at
        doc.source = _name(source) or feed_title
        doc.meta.update({"feed": feed_url, "entry_id": entry.get("id"), "source_name": _name(source),
                         "reliability": getattr(source, "reliability", None), "extractor": "feed content"})
        self._count("fetched")
        return doc, row


def looks_like_feed(res: FetchResult) -> bool:
    """A feed by its first bytes (servers often label feeds text/html or text/plain), else by type."""
    head = res.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return True
    if head.startswith(b"<?xml"):
        return any(t in head for t in (b"<rss", b"<feed", b"<rdf:rdf"))
    ctype = res.content_type.split(";")[0].strip()
    return ctype not in HTML_TYPES and any(t in ctype for t in FEED_TYPES) and not head.startswith(b"<!doctype html")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _entry_time(entry, keys=("published_parsed", "updated_parsed", "created_parsed")) -> datetime | None:
    for key in keys:
        value = dict.get(entry, key)  # raw: feedparser's own updated->published fallback warns
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    return None


def _charset(content_type: str, default: str | None = "utf-8") -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "charset" and value:
            return value.strip('"')
    return default


def _decode_body(data: bytes, charset: str | None) -> str | bytes:
    """Text in the declared charset; the bytes themselves (left to the extractor) if it is unknown."""
    try:
        return data.decode(charset or "utf-8", "replace")
    except LookupError:
        return data if charset else data.decode("utf-8", "replace")


def _name(source) -> str | None:
    return getattr(source, "name", None)
