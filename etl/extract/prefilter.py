"""Fast trigger prefilter: does a text (or sentence) mention any outcome word at all?

The detailed `regex` rules run only where this fires. google-re2 scans a large literal alternation
several times faster than `regex`; when its wheel is missing the same pattern runs on `regex`.
"""
from __future__ import annotations

import functools

from etl.extract.patterns import compiled

try:  # optional accelerator
    import re2 as _re2
except ImportError:  # pragma: no cover - depends on the platform's wheels
    _re2 = None


@functools.cache
def _pattern():
    source = compiled().trigger_any.pattern
    self_kill = compiled().perpetrator_self.pattern
    if _re2 is not None:
        try:
            options = _re2.Options()
            options.case_sensitive = False
            options.max_mem = 64 << 20
            return _re2.compile("|".join(_strip_verbose(p) for p in (source, self_kill)), options)
        except Exception:  # a construct re2 does not support: fall back to regex
            pass
    import regex
    return regex.compile(f"{source}|{self_kill}", compiled().trigger_any.flags)


def _strip_verbose(pattern: str) -> str:
    """re2 has no VERBOSE mode: drop the layout whitespace (the patterns use \\s for real spaces)."""
    return "".join(pattern.split())


def mentions_outcome(text: str) -> bool:
    """True when ``text`` contains an outcome word (killed, wounded, death toll...) or a self-inflicted death.

    >>> mentions_outcome("Two soldiers were killed."), mentions_outcome("Markets rose on Friday.")
    (True, False)
    """
    return _pattern().search(text) is not None


def backend() -> str:
    """Which engine the prefilter uses: ``re2`` or ``regex``."""
    return "re2" if _re2 is not None and type(_pattern()).__module__.startswith("re2") else "regex"


# How far from an outcome word a counted phrase may sit: a subject with a parenthetical or place
# before its verb ("Four civilians, including two students, were killed"), a coordinated object, or the
# figure after a long toll phrase ("the death toll from the fire that engulfed a ferry off ... has climbed to 33").
WINDOW_BEFORE, WINDOW_AFTER = 130, 140


def trigger_windows(sentence: str) -> list[tuple[int, int]]:
    """Merged (start, end) character windows around each outcome word of a sentence.

    >>> trigger_windows("Two soldiers were killed.")
    [(0, 25)]
    """
    windows: list[tuple[int, int]] = []
    for m in _pattern().finditer(sentence):
        start, end = max(0, m.start() - WINDOW_BEFORE), min(len(sentence), m.end() + WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def trigger_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each prefilter match in ``text``, left to right, not overlapping.

    A sentence (whose neighbouring characters in ``text`` are whitespace, as ``split_sentences``
    makes them) that overlaps none of these spans has no match of its own, so ``mentions_outcome``
    is False for it: a match inside the sentence would also match, at the same place, in the whole
    text, and the left-to-right scan returns either it or an earlier match overlapping its start.

    >>> trigger_spans("Markets rose. Two soldiers were killed.")
    [(32, 38)]
    """
    return [m.span() for m in _pattern().finditer(text)]
