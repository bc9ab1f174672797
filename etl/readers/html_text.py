"""The article of an HTML page: its text and metadata, without navigation, related stories or footers
(trafilatura, with a stdlib parser as the fallback)."""
from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

from etl.documents import Document, DocumentError
from etl.readers.decoding import _decode_html
from etl.readers.fields import is_url, parse_datetime

MIN_ARTICLE_WORDS = 5  # an HTML page with fewer words of article text has none

_FURNITURE = re.compile(r"(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|related|recommended|more-stories|"
                        r"most-read|popular|trending|sidebar|footer|header|masthead|promo|advert|ads?|share|"
                        r"social|newsletter|comments?|cookie|subscribe|tags)($|[\s_-])", re.I)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextOfHtml(HTMLParser):
    """Fallback article text: drops script/style, nav/header/footer/aside and any element whose class,
    id or role names page furniture (related stories, menus, share bars...)."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "figure", "template",
            "svg", "iframe", "button", "select"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr",
             "blockquote", "ul", "ol", "table", "main"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_tag: str | None = None
        self.skip_level = 0
        self.meta: dict[str, str] = {}
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_level += 1
            return
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"])
        elif tag == "link" and attrs.get("rel", "").lower() == "canonical" and attrs.get("href"):
            self.meta.setdefault("canonical", attrs["href"])
        elif tag not in _VOID and (tag in self.SKIP or attrs.get("role", "").lower() in
                                   ("navigation", "banner", "contentinfo", "complementary") or
                                   _FURNITURE.search(f"{attrs.get('class', '')} {attrs.get('id', '')}")):
            if tag not in ("body", "html", "main", "article"):
                self.skip_tag, self.skip_level = tag, 1
                return
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if self.skip_tag is None:
            if tag == "meta":
                self.handle_starttag(tag, attrs)
            elif tag == "br":
                self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_level -= 1
                if self.skip_level == 0:
                    self.skip_tag = None
            return
        if tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.skip_tag is None:
            self.parts.append(data)


def _stdlib_html(html: str) -> tuple[str, dict]:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    paragraphs = [" ".join(p.split()) for p in "".join(parser.parts).split("\n\n")]
    meta = dict(parser.meta)
    meta["_title"] = parser.title.strip()
    return "\n\n".join(p for p in paragraphs if p), meta


def html_fragment_text(html: str) -> str:
    """Text of an HTML fragment known to be article body (a feed entry's content), paragraphs kept."""
    return _stdlib_html(html)[0]


def _trafilatura():
    try:
        import trafilatura
        for name in ("trafilatura", "htmldate", "courlan"):  # their parse warnings are not for operators:
            logger = logging.getLogger(name)  # keep --log-format json clean
            if not logger.handlers:
                logger.addHandler(logging.NullHandler())
        return trafilatura
    except ImportError:  # not installed, or installed without lxml_html_clean (see docs/pitfalls)
        return None


def html_document(html: str | bytes, ref: str, url: str | None = None) -> Document | DocumentError:
    """The article of an HTML page: text and metadata (title, site name, publication time, canonical
    URL) by trafilatura in precision mode, which leaves out navigation, related-story lists, comments
    and footers, and finds no article in a page that is only lists of links; the stdlib parser
    (dropping the same furniture by tag, class, id and role) when trafilatura is missing or fails."""
    decoded = _decode_html(html) if isinstance(html, bytes) else html
    text = title = site = published = canonical = None
    extractor = "stdlib"
    traf, traf_ok = _trafilatura(), False
    if traf is not None:
        try:
            result = traf.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          favor_precision=True,  # a page of links yields no "article"
                                          include_tables=True, include_images=False, include_links=False,
                                          date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z",
                                                                  "original_date": True,
                                                                  "extensive_search": False})
            traf_ok = True
        except Exception as exc:  # lxml raises on truly broken markup; fall back rather than lose the page
            result = None
            extractor = f"stdlib (trafilatura failed: {type(exc).__name__})"
        if result is not None and (result.text or "").strip():
            text, extractor = result.text.strip(), "trafilatura"
            title, site, published = result.title, result.sitename, result.date
            canonical = result.url if result.url and result.url != url else None
    try:
        fb_text, meta = _stdlib_html(decoded)
    except Exception as exc:  # html.parser is lenient; anything raised here is truly malformed
        if text is None:
            return DocumentError(ref, f"malformed HTML: {exc}")
        fb_text, meta = "", {}
    if text is None:  # when trafilatura ran and found no article, the page has none: no fallback then
        text = "" if traf_ok else fb_text
    if len(text.split()) < MIN_ARTICLE_WORDS:  # "Home", a section name: what is left of a page of links
        return DocumentError(ref, "HTML page has no article text")
    meta_published = (meta.get("article:published_time") or meta.get("datepublished")
                      or meta.get("date") or meta.get("pubdate") or meta.get("dc.date"))
    page_url = url or next((u for u in (canonical, meta.get("og:url"), meta.get("canonical"))
                            if u and is_url(u)), None)
    return Document(text=text, title=title or meta.get("og:title") or meta.get("_title") or None,
                    url=page_url,
                    source=site or meta.get("og:site_name"),
                    published_at=parse_datetime(meta_published) or parse_datetime(published), ref=ref,
                    meta={"extractor": extractor})


def _html_document(html: str, ref: str) -> Document | DocumentError:  # kept for older callers
    return html_document(html, ref)
