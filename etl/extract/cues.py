"""Context cues of the count engine, read from ``lexicon/cues.yaml`` and compiled once.

Each cue decides one small thing around an outcome word or a counted phrase ("and later died",
"shot at", "killed or wounded"); the data file gives every cue its reason and examples.
"""
from __future__ import annotations

import functools

import regex

from etl.extract.lexicon import LexiconError, read_yaml

TESTS = ("match", "search", "end")


@functools.cache
def _all() -> dict[str, tuple[regex.Pattern, dict]]:
    compiled = {}
    for entry in read_yaml("cues.yaml"):
        name = entry.get("name")
        if not isinstance(name, str) or not isinstance(entry.get("pattern"), str) or entry.get("test") not in TESTS:
            raise LexiconError(f"cues.yaml: cue {name!r} needs a name, a pattern and test: match|search|end")
        try:
            compiled[name] = (regex.compile(entry["pattern"], regex.IGNORECASE), entry)
        except regex.error as exc:
            raise LexiconError(f"cues.yaml: cue {name!r}: bad pattern: {exc}") from exc
    return compiled


def cue(name: str) -> regex.Pattern:
    """The compiled pattern of one cue (KeyError names a cue missing from cues.yaml)."""
    return _all()[name][0]


def entries() -> list[dict]:
    """Every cue as written in the data file (for the example tests)."""
    return [entry for _, entry in _all().values()]


def fires(name: str, text: str) -> bool:
    """Does the cue fire on ``text`` the way the engine uses it (at its start, anywhere, or at its end)?"""
    pattern, entry = _all()[name]
    if entry["test"] == "match":
        return pattern.match(text) is not None
    return pattern.search(text) is not None
