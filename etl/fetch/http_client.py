"""One polite HTTP GET: timeouts, an overall deadline, a size cap, retries with exponential backoff
(honouring ``Retry-After``), at most ``per_host`` requests to a host at once, conditional requests."""
from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from etl.fetch.state import FetchState, utcnow

DEFAULT_USER_AGENT = "casualty-etl/0.1 (humanitarian casualty recording; +https://github.com/casualty-etl)"
RETRY_STATUS = {429, 500, 502, 503, 504}


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


class HttpClient:
    """The HTTP side of a Fetcher (see there for the arguments): the client, per-host slots and delay,
    GET with retries and limits, and the request counters in ``stats``."""

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
