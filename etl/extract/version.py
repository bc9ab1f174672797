"""The extractor version: package version plus a digest of the rules, so any lexicon or engine
change gives a new version and `reprocess` knows which stored documents to re-derive."""
from __future__ import annotations

import functools
import hashlib
from importlib import resources

PACKAGE_VERSION = "0.1.0"


@functools.cache
def extractor_version() -> str:
    """``0.1.0+<12 hex>`` where the digest covers etl/lexicon/*.yaml and etl/extract/*.py."""
    digest = hashlib.sha256()
    root = resources.files("etl")
    for folder, suffix in (("lexicon", ".yaml"), ("extract", ".py")):
        for entry in sorted((e for e in (root / folder).iterdir() if e.name.endswith(suffix)), key=lambda e: e.name):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return f"{PACKAGE_VERSION}+{digest.hexdigest()[:12]}"
