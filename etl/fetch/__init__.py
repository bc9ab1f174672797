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

Modules: ``fetcher`` (the Fetcher: pages and feeds to documents), ``http_client`` (one GET with
retries and limits), ``state`` (the ``fetch_state`` table). Their public names are importable from
``etl.fetch``.
"""
from __future__ import annotations

from etl.fetch.fetcher import FEED_TYPES, HTML_TYPES, Fetcher, log, looks_like_feed
from etl.fetch.http_client import DEFAULT_USER_AGENT, RETRY_STATUS, FetchError, FetchResult, HttpClient
from etl.fetch.state import SCHEMA_SQL, STATE_COLUMNS, FetchState, StateRow, sha256, utcnow

__all__ = [
    "DEFAULT_USER_AGENT", "FEED_TYPES", "HTML_TYPES", "RETRY_STATUS", "SCHEMA_SQL", "STATE_COLUMNS", "FetchError",
    "FetchResult", "FetchState", "Fetcher", "HttpClient", "StateRow", "log", "looks_like_feed", "sha256", "utcnow",
]
