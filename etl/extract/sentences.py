"""Sentence split that keeps character offsets into the original text.

The boundary grammar is ``_BOUNDARY``. Scanning a whole document with it tries every position
(about 10 MB/s); instead ``split_sentences`` tries it only where a boundary can start, found with
cheap stdlib scans, and gets exactly the boundaries ``_BOUNDARY.finditer`` would find:

- a boundary after ``.``/``!``/``?`` (first alternative) starts at the whitespace right after the
  mark, or after the mark and a closing quote/bracket, and that run of whitespace is followed by a
  capital or digit (maybe after an opening quote); when it does not match there, the other
  alternatives are tried at the same place, which covers any newline in that run;
- a line-break boundary (second and third alternatives) can start anywhere in a run of whitespace
  holding a newline, and if it matches at some point of the run it matches at the run's first
  character too (``\\s*`` takes up the difference), so the run's start is tried - or, when a match
  ended inside that run, the position where it ended (as ``finditer`` resumes there).
"""
from __future__ import annotations

import re

import regex

_BOUNDARY = regex.compile(
    r"""(?:(?<=[.!?][\"'”’)]?)(?<!\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Capt|Sgt|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|[A-Z])\.)
          \s+(?=[\"'“‘(]?[A-Z0-9])
        |\s*\n\s*\n\s*|\s*\n(?=\s*[A-Z\"“(\-•*]))""",
    regex.VERBOSE,
)
# the `regex` module's \s (Unicode White_Space), so runs of whitespace are the same runs here
_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACES = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
                    + "".join(chr(c) for c in range(0x2000, 0x200B)))
# where a boundary may start: a sentence mark (maybe closed by a quote) then whitespace and a capital or
# digit, or a newline
_CANDIDATE = re.compile(f"[.!?][\"'”’)]?[{_SPACE}]+[\"'“‘(]?[A-Z0-9]|\n")


def _boundaries(text: str):
    """The matches of ``_BOUNDARY.finditer(text)``, trying the pattern only where one can start."""
    cur = 0
    match = _BOUNDARY.match
    for cand in _CANDIDATE.finditer(text):
        q = cand.start()
        if text[q] == "\n":
            while q > cur and text[q - 1] in _SPACES:  # back to the start of the whitespace run
                q -= 1
        else:  # the first whitespace character after the mark (and its quote)
            q += 1 if text[q + 1] in _SPACES else 2
        if q < cur:
            continue
        m = match(text, q)
        if m is not None:
            yield m
            cur = m.end()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence; whitespace between sentences is dropped.

    >>> split_sentences("Two died. Three were hurt.")
    [(0, 9), (10, 26)]
    """
    spans = []
    start = 0
    for m in _boundaries(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        end = len(text.rstrip())
        spans.append((start, end))
    return spans
