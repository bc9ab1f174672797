"""The sources file: feeds, URLs, folders and files to ingest, each with a name and a reliability note.

``casualty-etl run --sources sources.toml`` reads it, so a cron line is one short command::

    [fetch]                      # optional; every key optional
    timeout = 15                 # seconds to connect / wait for data
    deadline = 60                # seconds for a whole response
    retries = 2                  # extra attempts after a timeout, 429 or 5xx
    workers = 4                  # entry pages fetched at once
    per_host = 2                 # at most this many at once from one site
    delay = 0                    # seconds between two requests to one site
    max_entries = 50             # newest entries read per feed
    user_agent = "casualty-etl/0.1 (contact: data@example.org)"

    [[source]]
    name = "OCHA oPt flash updates"
    feed = "https://example.org/updates/rss.xml"
    reliability = "UN-compiled; figures attributed to the health ministry"

    [[source]]
    name = "Ministry statement"
    url = "https://example.org/news/statement-30-november"

    [[source]]
    name = "Field reports"
    folder = "inbox/field"       # relative to this file's folder
    reliability = "partner NGO staff; first-hand but partial"
    text_column = "narrative"    # CSV/JSON files: the column holding the text, when not auto-detected

Each ``[[source]]`` has a ``name`` and exactly one of ``feed``, ``url``, ``folder`` or ``file`` (or a
list under ``feeds``, ``urls``, ``folders``, ``files``); ``reliability`` is a free note kept with every
document; ``content = "feed"`` takes a feed's entries from the feed's own content instead of fetching
their pages. Mistakes (unknown keys, missing names, bad URLs) are reported with the file and the source,
as a usage error (exit 2), before anything is fetched.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import UsageError

KINDS = {"feed": "feed", "feeds": "feed", "url": "url", "urls": "url", "folder": "folder", "folders": "folder",
         "file": "file", "files": "file"}
OPTION_KEYS = {"text_column", "content"}
FETCH_KEYS = {"timeout": float, "deadline": float, "retries": int, "backoff": float, "max_wait": float,
              "max_bytes": int, "workers": int, "max_entries": int, "per_host": int, "delay": float,
              "user_agent": str}


@dataclass(frozen=True)
class Source:
    name: str
    kind: str  # feed | url | folder | file
    location: str  # URL, or an absolute path
    reliability: str | None = None
    options: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class SourcesConfig:
    sources: list[Source]
    fetch: dict = field(default_factory=dict)
    path: str | None = None


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and check a sources file; raise UsageError naming the file and the source on any mistake."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"sources file {path}: not found") from None
    except OSError as exc:
        raise UsageError(f"sources file {path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"sources file {path}: invalid TOML: {exc}") from None
    return parse_sources(data, path)


def parse_sources(data: dict, path: Path) -> SourcesConfig:
    base = path.resolve().parent
    unknown = set(data) - {"fetch", "source", "sources"}
    if unknown:
        raise UsageError(f"sources file {path}: unknown table(s) {', '.join(sorted(unknown))}; "
                         "use [fetch] and [[source]]")
    fetch = {}
    for key, value in (data.get("fetch") or {}).items():
        if key not in FETCH_KEYS:
            raise UsageError(f"sources file {path}: [fetch] has unknown key '{key}' "
                             f"(known: {', '.join(sorted(FETCH_KEYS))})")
        try:
            fetch[key] = FETCH_KEYS[key](value)
        except (TypeError, ValueError):
            raise UsageError(f"sources file {path}: [fetch] {key} = {value!r} is not a {FETCH_KEYS[key].__name__}") from None
    entries = []
    for key in ("source", "sources"):
        value = data.get(key) or []
        entries.extend([value] if isinstance(value, dict) else value if isinstance(value, list) else [value])
    if not entries:
        raise UsageError(f"sources file {path}: no [[source]] entries")
    sources: list[Source] = []
    for i, entry in enumerate(entries, 1):
        where = f"sources file {path}, source {i}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: must be a table ([[source]])")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"{where}: missing 'name'")
        where = f"sources file {path}, source {i} ({name})"
        bad = set(entry) - set(KINDS) - OPTION_KEYS - {"name", "reliability"}
        if bad:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
        locations = [(KINDS[k], entry[k]) for k in entry if k in KINDS]
        if not locations:
            raise UsageError(f"{where}: needs one of feed, url, folder or file")
        reliability = entry.get("reliability")
        if reliability is not None and not isinstance(reliability, str):
            raise UsageError(f"{where}: 'reliability' must be text")
        if entry.get("content") not in (None, "page", "feed"):
            raise UsageError(f"{where}: content must be \"page\" or \"feed\"")
        options = {k: entry[k] for k in OPTION_KEYS if k in entry}
        for kind, value in locations:
            for loc in (value if isinstance(value, list) else [value]):
                if not isinstance(loc, str) or not loc.strip():
                    raise UsageError(f"{where}: {kind} must be a non-empty string")
                loc = loc.strip()
                if kind in ("feed", "url"):
                    if not loc.lower().startswith(("http://", "https://")):
                        raise UsageError(f"{where}: {kind} {loc!r} is not an http(s) URL")
                else:
                    p = Path(loc).expanduser()
                    loc = str(p if p.is_absolute() else base / p)
                sources.append(Source(name=name.strip(), kind=kind, location=loc, reliability=reliability,
                                      options=options))
    return SourcesConfig(sources=sources, fetch=fetch, path=str(path))
