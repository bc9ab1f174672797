"""URLs and feeds served from a local HTTP server on 127.0.0.1: article text without page furniture,
provenance, incremental fetching (fetch state, 304s), failures recorded while the others load, and the
whole run through ``casualty-etl run --sources``."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from etl.documents import Document, DocumentError
from etl.extract import extract
from etl.fetch import Fetcher, FetchState
from etl.readers import read_inputs

WEB = Path(__file__).parent / "fixtures" / "web"
ARTICLES = {"/news/market-strike": "market-strike.html", "/news/convoy-attack": "convoy-attack.html",
            "/news/clinic-blast": "clinic-blast.html"}
ARTICLE_FACTS = {("killed", 7), ("injured", 19), ("killed", 2), ("injured", 4), ("killed", 1), ("injured", 5)}
# words and figures that only occur in the navigation, related-story lists, "most read" boxes and footers
FURNITURE = ("50 killed", "dam collapse", "12 dead", "214 dead", "Earthquake", "8 killed", "3,000 families",
             "40 killed", "Related", "Recommended", "Most read", "All rights reserved", "24 hours", "5 top stories",
             "100 staff", "12 countries")
FURNITURE_NUMBERS = {50, 12, 30, 3, 214, 40, 8, 3000, 24, 100, 6}


class Site:
    """Routes of the test server and what it was asked."""

    def __init__(self):
        self.routes: dict[str, dict] = {}
        self.hits: Counter = Counter()
        self.not_modified: Counter = Counter()
        self.conditional: Counter = Counter()
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0

    def add(self, path, body: bytes | str = b"", status=200, ctype="text/html; charset=utf-8", etag=None,
            last_modified=None, delay=0.0, fail_first=0, headers=None):
        self.routes[path] = dict(body=body.encode() if isinstance(body, str) else body, status=status,
                                 ctype=ctype, etag=etag, last_modified=last_modified, delay=delay,
                                 fail_first=fail_first, headers=headers)

    def add_articles(self, etag=True):
        for path, name in ARTICLES.items():
            self.add(path, (WEB / name).read_bytes(), etag=f'"{name}-v1"' if etag else None)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        site: Site = self.server.site
        path = self.path.split("?")[0]
        site.hits[path] += 1
        route = site.routes.get(path)
        if route is None:
            return self._send(404, b"not found", "text/plain")
        if route["delay"]:
            with site.lock:
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            time.sleep(route["delay"])
            with site.lock:
                site.in_flight -= 1
        if route["fail_first"] and site.hits[path] <= route["fail_first"]:
            return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
        if route["status"] != 200:
            return self._send(route["status"], b"server error", "text/plain")
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if inm or ims:
            site.conditional[path] += 1
        if (route["etag"] and inm == route["etag"]) or (route["last_modified"] and ims == route["last_modified"]):
            site.not_modified[path] += 1
            return self._send(304, b"", None)
        headers = {}
        if route["etag"]:
            headers["ETag"] = route["etag"]
        if route["last_modified"]:
            headers["Last-Modified"] = route["last_modified"]
        self._send(200, route["body"], route["ctype"], headers)

    def _send(self, status, body, ctype, headers=None):
        headers = dict(headers or {})
        route = self.server.site.routes.get(self.path.split("?")[0]) or {}
        headers.update(route.get("headers") or {})
        try:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in headers.items():
                self.send_header(k, v)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.site = Site()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield base, httpd.site
    httpd.shutdown()
    httpd.server_close()


def feed_xml(base: str, paths=tuple(ARTICLES), title="The Valley Courier - Region") -> str:
    """The fixture RSS feed with its links pointed at ``paths`` (relative links, as many sites write)."""
    text = (WEB / "feed.xml").read_text().replace("The Valley Courier - Region", title)
    head, *items = text.split("  <item>")
    items[-1], tail = items[-1].split("</channel>")
    out = []
    for item, old, new in zip(items, ARTICLES, paths):
        out.append(item.replace(f"<link>{old}</link>", f"<link>{new}</link>"))
    return head + "".join("  <item>" + i for i in out) + "</channel>" + tail


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, DocumentError)]


def fetcher_for(con=None, **kw):
    kw.setdefault("backoff", 0)
    kw.setdefault("timeout", 5)
    return Fetcher(FetchState(con), **kw)


def facts_of(docs):
    return {(f.outcome, f.best) for d in docs for f in extract(d.text, d.published_date)}


# ---------------------------------------------------------------------------------------------- content

def test_feed_entries_fetched_without_furniture_and_with_provenance(server):
    base, site = server
    site.add("/region/feed.xml", feed_xml(base), ctype="application/rss+xml", etag='"feed-v1"')
    site.add_articles()
    before = datetime.now(timezone.utc)
    with fetcher_for() as f:
        docs, errors = split(read_inputs([f"{base}/region/feed.xml"], fetcher=f))
    assert errors == []
    assert [d.url for d in docs] == [base + p for p in ARTICLES]
    for doc in docs:
        for furniture in FURNITURE:
            assert furniture not in doc.text, (doc.url, furniture)
    assert docs[0].text.startswith("Shelling hits Karvan market")
    assert "Seven civilians were killed and 19 others were injured" in docs[0].text
    # provenance: feed pubDate, retrieval time, feed title as source (no sources file), entry id
    assert docs[0].published_at == datetime(2024, 11, 29, 17, 40, tzinfo=timezone.utc)
    assert docs[2].published_at == datetime(2024, 11, 30, 14, 20, tzinfo=timezone.utc)
    assert all(before <= d.retrieved_at <= datetime.now(timezone.utc) for d in docs)
    assert {d.source for d in docs} == {"The Valley Courier - Region"}
    assert docs[1].meta["entry_id"] == "courier-2024-11-30-convoy"
    assert docs[1].meta["feed"] == f"{base}/region/feed.xml"
    assert docs[1].meta["site_name"] == "The Valley Courier"
    assert docs[1].title == "Aid convoy attacked near Dorel"
    # the articles' facts come out, the furniture's do not
    facts = facts_of(docs)
    assert facts == ARTICLE_FACTS
    assert not {n for _, n in facts} & FURNITURE_NUMBERS


def test_page_url_metadata_from_the_page(server):
    base, site = server
    site.add("/news/market-strike", (WEB / "market-strike.html").read_bytes())
    with fetcher_for() as f:
        docs, errors = split(read_inputs([f"{base}/news/market-strike"], fetcher=f))
    (doc,) = docs
    assert errors == [] and doc.url == f"{base}/news/market-strike"
    assert doc.published_at == datetime(2024, 11, 29, 17, 40, tzinfo=timezone.utc)  # article:published_time
    assert doc.source == "The Valley Courier" and doc.title == "Shelling hits Karvan market"
    assert doc.meta["extractor"] == "trafilatura"


def test_index_page_of_headline_links_yields_no_document(server):
    """A section front (only headline links with casualty numbers) is not an article."""
    base, site = server
    links = "".join(f'<li><a href="/n{i}">{t}</a></li>' for i, t in enumerate(
        ["50 killed in dam collapse upriver", "Bus crash leaves 12 dead and 30 injured", "Earthquake toll rises to 214 dead"]))
    site.add("/region", f"<html><body><nav><a href='/'>Home</a></nav><h1>Region</h1><ul>{links}</ul>"
                        "<footer>(c) 2024</footer></body></html>")
    with fetcher_for() as f:
        docs, errors = split(read_inputs([f"{base}/region"], fetcher=f))
    assert docs == [] and errors[0].reason == "HTML page has no article text"


def test_feed_labelled_text_html_is_read_as_a_feed(server):
    base, site = server
    site.add("/feed", feed_xml(base, paths=["/news/clinic-blast"]), ctype="text/html")
    site.add_articles()
    docs, errors = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for()))
    assert errors == [] and [d.url for d in docs] == [f"{base}/news/clinic-blast"]


def test_latin1_page_with_charset_in_the_header_only(server):
    base, site = server
    page = (WEB / "clinic-blast.html").read_text().replace('<meta charset="utf-8">', "").replace(
        "in\nSemra on Saturday", "in\nSémra on Saturday")
    site.add("/news/latin1", page.encode("latin-1"), ctype="text/html; charset=ISO-8859-1")
    docs, errors = split(read_inputs([f"{base}/news/latin1"], fetcher=fetcher_for()))
    assert errors == [] and "clinic in Sémra on Saturday" in docs[0].text


# ---------------------------------------------------------------------------------------------- incremental

def test_second_run_fetches_nothing_new(server):
    base, site = server
    site.add("/region/feed.xml", feed_xml(base), ctype="application/rss+xml", etag='"feed-v1"')
    site.add_articles()
    con = duckdb.connect()
    docs, _ = split(read_inputs([f"{base}/region/feed.xml"], fetcher=fetcher_for(con)))
    assert len(docs) == 3 and sum(site.hits[p] for p in ARTICLES) == 3
    rows = con.execute("select kind, status, count(*) from fetch_state group by all order by 1").fetchall()
    assert rows == [("entry", "ok", 3), ("feed", "ok", 1)]

    f2 = fetcher_for(con)
    docs, errors = split(read_inputs([f"{base}/region/feed.xml"], fetcher=f2))
    assert docs == [] and errors == []
    assert site.not_modified["/region/feed.xml"] == 1  # conditional request answered 304
    assert sum(site.hits[p] for p in ARTICLES) == 3  # no page fetched again
    assert f2.stats["not_modified"] == 1 and f2.stats["requests"] == 1


def test_feed_without_validators_skips_ingested_entries_and_fetches_only_the_new_one(server):
    base, site = server
    site.add_articles()
    site.add("/feed", feed_xml(base, paths=list(ARTICLES)[:2]), ctype="application/xml")  # no ETag
    con = duckdb.connect()
    docs, _ = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for(con)))
    assert len(docs) == 2
    site.add("/feed", feed_xml(base), ctype="application/xml")  # a third entry appears
    f2 = fetcher_for(con)
    docs, errors = split(read_inputs([f"{base}/feed"], fetcher=f2))
    assert errors == [] and [d.url for d in docs] == [f"{base}/news/clinic-blast"]
    assert site.hits["/news/market-strike"] == 1 and site.hits["/news/convoy-attack"] == 1
    assert f2.stats["skipped_ingested"] == 2


def test_page_with_last_modified_answers_304_the_second_time(server):
    base, site = server
    stamp = "Sat, 30 Nov 2024 10:00:00 GMT"
    site.add("/news/convoy-attack", (WEB / "convoy-attack.html").read_bytes(), last_modified=stamp)
    con = duckdb.connect()
    assert len(split(read_inputs([f"{base}/news/convoy-attack"], fetcher=fetcher_for(con)))[0]) == 1
    docs, errors = split(read_inputs([f"{base}/news/convoy-attack"], fetcher=fetcher_for(con)))
    assert docs == [] and errors == [] and site.not_modified["/news/convoy-attack"] == 1


def test_entry_fetched_but_never_loaded_is_fetched_again(server):
    """State says fetched, but the warehouse has no document with that text (its batch rolled back):
    the entry is fetched again even though the feed answers 304."""
    base, site = server
    site.add("/feed", feed_xml(base), ctype="application/rss+xml", etag='"f1"')
    site.add_articles()
    con = duckdb.connect()
    con.execute("create table documents (doc_id varchar, content_hash varchar)")
    docs, _ = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for(con)))
    for d in docs[:2]:  # only two of the three were loaded
        con.execute("insert into documents values (?, ?)", [d.doc_id, d.content_hash])
    docs2, errors = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for(con)))
    assert errors == [] and [d.url for d in docs2] == [docs[2].url]
    assert site.not_modified["/feed"] == 1 and site.hits["/news/clinic-blast"] == 2
    assert site.hits["/news/market-strike"] == 1


def test_entry_updated_in_the_feed_is_asked_again_conditionally(server):
    """Tolls rise: an entry the feed marks as updated since our fetch is requested again (with its
    ETag); unchanged pages answer 304, a changed page becomes a new document."""
    base, site = server
    atom = (WEB / "atom.xml").read_text()
    site.add("/atom", atom, ctype="application/atom+xml")
    site.add_articles()
    con = duckdb.connect()
    assert len(split(read_inputs([f"{base}/atom"], fetcher=fetcher_for(con)))[0]) == 1
    assert split(read_inputs([f"{base}/atom"], fetcher=fetcher_for(con))) == ([], [])
    assert site.hits["/news/convoy-attack"] == 1  # not updated: not asked again

    site.add("/atom", atom.replace("<updated>2024-11-30T12:00:00Z</updated>", "<updated>2099-01-01T00:00:00Z</updated>"),
             ctype="application/atom+xml")
    assert split(read_inputs([f"{base}/atom"], fetcher=fetcher_for(con))) == ([], [])
    assert site.not_modified["/news/convoy-attack"] == 1

    page = (WEB / "convoy-attack.html").read_text().replace("Two aid workers were killed", "Three aid workers were killed")
    site.add("/news/convoy-attack", page, etag='"convoy-v2"')
    docs, errors = split(read_inputs([f"{base}/atom"], fetcher=fetcher_for(con)))
    assert errors == [] and len(docs) == 1 and "Three aid workers were killed" in docs[0].text


# ---------------------------------------------------------------------------------------------- failures

def test_server_error_and_timeout_are_recorded_while_others_load(server):
    base, site = server
    site.add_articles()
    site.add("/news/broken", status=500)
    site.add("/news/slow", (WEB / "clinic-blast.html").read_bytes(), delay=1.5)
    site.add("/feed", feed_xml(base, paths=["/news/market-strike", "/news/broken", "/news/slow"]),
             ctype="application/rss+xml", etag='"f1"')
    con = duckdb.connect()
    f = fetcher_for(con, timeout=0.3, retries=1)
    started = time.monotonic()
    docs, errors = split(read_inputs([f"{base}/feed", f"{base}/news/convoy-attack"], fetcher=f))
    elapsed = time.monotonic() - started
    assert [d.url for d in docs] == [f"{base}/news/market-strike", f"{base}/news/convoy-attack"]
    assert {e.ref: e.stage for e in errors} == {f"{base}/news/broken": "fetch", f"{base}/news/slow": "fetch"}
    reasons = {e.ref.rsplit("/", 1)[1]: e.reason for e in errors}
    assert reasons["broken"] == "HTTP 500 Internal Server Error (after 2 attempts)"
    assert reasons["slow"].startswith("timed out after 0.3 s")
    assert site.hits["/news/broken"] == 2  # retried once
    assert elapsed < 5
    state = dict(con.execute("select url, status from fetch_state").fetchall())
    assert state[f"{base}/news/broken"] == "error" and state[f"{base}/news/slow"] == "error"

    # next run: the feed is unchanged (304) but the failed entries are tried again; now they work
    site.add("/news/broken", (WEB / "convoy-attack.html").read_bytes())
    site.add("/news/slow", (WEB / "clinic-blast.html").read_bytes())
    docs, errors = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for(con)))
    assert errors == [] and sorted(d.url for d in docs) == [f"{base}/news/broken", f"{base}/news/slow"]
    assert site.not_modified["/feed"] == 1 and site.hits["/news/market-strike"] == 1


def test_retry_after_503_then_success(server):
    base, site = server
    site.add("/news/market-strike", (WEB / "market-strike.html").read_bytes(), fail_first=1)
    f = fetcher_for(retries=2)
    docs, errors = split(read_inputs([f"{base}/news/market-strike"], fetcher=f))
    assert errors == [] and len(docs) == 1
    assert site.hits["/news/market-strike"] == 2 and f.stats["retries"] == 1


def test_404_not_retried_and_wrong_content_type_and_refused_connection(server):
    base, site = server
    site.add("/report.pdf", b"%PDF-1.4", ctype="application/pdf")
    import socket
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    f = fetcher_for(retries=2)
    docs, errors = split(read_inputs([f"{base}/gone", f"{base}/report.pdf", f"http://127.0.0.1:{closed}/x"],
                                     fetcher=f))
    assert docs == []
    assert [e.reason.split(" (")[0] for e in errors] == [
        "HTTP 404 Not Found", "not an HTML page", errors[2].reason.split(" (")[0]]
    assert "ConnectError" in errors[2].reason and all(e.stage == "fetch" for e in errors)
    assert site.hits["/gone"] == 1


def test_broken_encoding_and_unknown_charset_do_not_stop_the_run(server):
    base, site = server
    site.add("/bad-gzip", b"this is not gzip", headers={"Content-Encoding": "gzip"})
    site.add("/odd-charset", (WEB / "clinic-blast.html").read_bytes(), ctype="text/html; charset=x-no-such")
    site.add("/plain", "Title: Note\n\nThree men were injured in Pell.\n", ctype="text/plain; charset=x-no-such")
    site.add_articles()
    docs, errors = split(read_inputs([f"{base}/bad-gzip", f"{base}/odd-charset", f"{base}/plain",
                                      f"{base}/news/market-strike"], fetcher=fetcher_for()))
    assert [e.ref for e in errors] == [f"{base}/bad-gzip"] and errors[0].stage == "fetch"
    assert "DecodingError" in errors[0].reason
    assert [d.url for d in docs] == [f"{base}/odd-charset", f"{base}/plain", f"{base}/news/market-strike"]
    assert "A woman was killed" in docs[0].text and docs[1].title == "Note"


def test_oversized_response_is_refused(server):
    base, site = server
    site.add("/huge", b"<html><body><p>" + b"word " * 50_000 + b"</p></body></html>")
    docs, errors = split(read_inputs([f"{base}/huge"], fetcher=fetcher_for(max_bytes=100_000)))
    assert docs == [] and "larger than 100000 bytes" in errors[0].reason


@pytest.mark.parametrize("per_host, expected", [(1, 1), (3, 3)])
def test_at_most_per_host_requests_at_once(server, per_host, expected):
    base, site = server
    paths = [f"/p{i}" for i in range(6)]
    for p in paths:
        site.add(p, (WEB / "clinic-blast.html").read_bytes(), delay=0.1)
    items = "".join(f"<item><title>{p}</title><link>{p}</link></item>" for p in paths)
    site.add("/feed", f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>',
             ctype="application/rss+xml")
    docs, errors = split(read_inputs([f"{base}/feed"], fetcher=fetcher_for(workers=4, per_host=per_host)))
    assert errors == [] and len(docs) == 6
    assert site.max_in_flight == expected


# ---------------------------------------------------------------------------------------------- sources

def test_sources_file_feeds_urls_and_folders(server, tmp_path):
    base, site = server
    site.add("/feed", feed_xml(base, paths=["/news/market-strike"]), ctype="application/rss+xml")
    site.add("/atom", (WEB / "atom.xml").read_bytes(), ctype="application/atom+xml")
    site.add_articles()
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "note.txt").write_text("Four shepherds were injured by a mine near Tavor.\n")
    toml = tmp_path / "sources.toml"
    toml.write_text(f'''
[fetch]
timeout = 5
retries = 0
workers = 2

[[source]]
name = "Valley Courier"
feed = "{base}/feed"
reliability = "regional daily; cites district officials"

[[source]]
name = "Relief Agency updates"
feed = "{base}/atom"
content = "feed"
reliability = "operational partner; own staff"

[[source]]
name = "Courier page"
url = "{base}/news/clinic-blast"

[[source]]
name = "Field inbox"
folder = "inbox"
''')
    docs, errors = split(read_inputs([], sources=str(toml)))
    assert errors == []
    by_source = {d.source: d for d in docs}
    assert set(by_source) == {"Valley Courier", "Relief Agency updates", "Courier page", "Field inbox"}
    assert by_source["Valley Courier"].meta["reliability"] == "regional daily; cites district officials"
    atom = by_source["Relief Agency updates"]
    assert atom.text == ("Two aid workers were killed and four were wounded when gunmen opened fire on our "
                         "convoy north of Dorel.")
    assert atom.published_at == datetime(2024, 11, 30, 11, 30, tzinfo=timezone.utc)
    assert site.hits["/news/convoy-attack"] == 0  # content = "feed": the page was not fetched
    assert by_source["Courier page"].url == f"{base}/news/clinic-blast"
    assert by_source["Field inbox"].text.startswith("Four shepherds")


# ---------------------------------------------------------------------------------------------- end to end

def test_run_end_to_end_facts_load_furniture_does_not_second_run_fetches_nothing(server, tmp_path, capsys):
    pytest.importorskip("etl.pipeline")
    from etl.cli import main

    base, site = server
    site.add_articles()
    site.add("/news/broken", status=503)
    site.add("/feed", feed_xml(base, paths=list(ARTICLES)[:2] + ["/news/broken"]), ctype="application/rss+xml",
             etag='"f1"')
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[fetch]\nretries = 0\ntimeout = 5\n\n[[source]]\nname = "Valley Courier"\nfeed = "{base}/feed"\n'
                    f'reliability = "regional daily"\n\n[[source]]\nname = "Courier page"\n'
                    f'url = "{base}/news/clinic-blast"\n')
    wh = str(tmp_path / "wh.duckdb")
    assert main(["run", "--sources", str(toml), "--warehouse", wh, "--quiet", "--workers", "1"]) == 0
    con = duckdb.connect(wh, read_only=True)
    docs = con.execute("select url, source, published_at, retrieved_at from documents order by url").fetchall()
    assert [d[0] for d in docs] == [f"{base}/news/clinic-blast", f"{base}/news/convoy-attack",
                                    f"{base}/news/market-strike"]
    assert {d[1] for d in docs} == {"Valley Courier", "Courier page"}
    assert all(d[3] is not None for d in docs)
    facts = set(con.execute("select outcome, best from facts").fetchall())
    assert facts == ARTICLE_FACTS
    assert not {n for _, n in facts} & FURNITURE_NUMBERS
    quarantined = con.execute("select input_ref, stage from quarantine").fetchall()
    assert quarantined == [(f"{base}/news/broken", "fetch")]
    con.close()
    page_hits = sum(site.hits[p] for p in ARTICLES)

    # second run: nothing new is fetched, nothing new loaded
    assert main(["run", "--sources", str(toml), "--warehouse", wh, "--quiet", "--workers", "1"]) == 0
    assert sum(site.hits[p] for p in ARTICLES) - page_hits == 1  # only the clinic page, conditionally...
    assert site.not_modified["/feed"] == 1
    con = duckdb.connect(wh, read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 3
    con.close()
