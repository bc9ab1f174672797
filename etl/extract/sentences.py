"""Sentence split that keeps character offsets into the original text."""
from __future__ import annotations

import regex

_BOUNDARY = regex.compile(
    r"""(?:(?<=[.!?][\"'”’)]?)(?<!\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Capt|Sgt|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|[A-Z])\.)
          \s+(?=[\"'“‘(]?[A-Z0-9])
        |\s*\n\s*\n\s*|\s*\n(?=\s*[A-Z\"“(\-•*]))""",
    regex.VERBOSE,
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence; whitespace between sentences is dropped.

    >>> split_sentences("Two died. Three were hurt.")
    [(0, 9), (10, 26)]
    """
    spans = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        end = len(text.rstrip())
        spans.append((start, end))
    return spans
