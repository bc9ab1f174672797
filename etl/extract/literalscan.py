"""Faster ``finditer`` for a `regex` pattern whose every match begins with one of a known set of literal
prefixes (an alternation of names: countries, states).

`regex` tries such a pattern at every position of the text; ``PrefixScan`` first finds, with one
stdlib pass, the positions where a prefix occurs (overlapping occurrences included), and tries the
pattern only there, resuming after each match exactly as ``finditer`` does. The matches are the same
as ``pattern.finditer`` whenever the prefixes are complete (every match starts with one of them,
case as written): callers derive them from the same word list the pattern is built from.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# the `regex` module's \s (Unicode White_Space): a prefix ending in \s needs one variant per character
REGEX_WHITESPACE = ("\t", "\n", "\x0b", "\x0c", "\r", " ", "\x85", "\xa0", "\u1680", *map(chr, range(0x2000, 0x200B)),
                    "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")


class PrefixScan:
    """``finditer``/``search`` of ``pattern``, tried only where one of ``prefixes`` occurs.

    >>> import regex
    >>> scan = PrefixScan(regex.compile(r"(?<![\\w-])(?:Niger|Nigeria)(?![\\w-])"), ["Ni"])
    >>> [m.group() for m in scan.finditer("Nigeria and Niger, not Nigerien")]
    ['Nigeria', 'Niger']
    """

    def __init__(self, pattern, prefixes: Iterable[str]):
        self.pattern = pattern
        by_first: dict[str, set[str]] = {}
        for p in prefixes:
            if not p:
                raise ValueError("an empty prefix would match everywhere")
            by_first.setdefault(p[0], set()).add(p[1:])
        branches = []
        for first, rests in sorted(by_first.items()):
            if "" in rests:  # a one-character prefix: the first character alone is enough
                branches.append(re.escape(first))
            else:
                alts = "|".join(re.escape(r) for r in sorted(rests, key=lambda r: (-len(r), r)))
                branches.append(f"{re.escape(first)}(?=(?:{alts}))")
        # zero-width after the first character is not needed: a branch consumes one character only,
        # so the next occurrence (even one starting inside this prefix) is still found
        self._candidates = re.compile("|".join(branches)) if branches else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator:
        """The matches ``pattern.finditer(text, pos, endpos)`` would give, in order."""
        if self._candidates is None:
            return
        endpos = len(text) if endpos is None else endpos
        match = self.pattern.match
        cur = pos
        for cand in self._candidates.finditer(text, pos, endpos):
            q = cand.start()
            if q < cur:
                continue
            m = match(text, q, endpos)
            if m is not None:
                yield m
                cur = m.end() if m.end() > q else q + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        """The first match, as ``pattern.search`` would give it, or None."""
        return next(self.finditer(text, pos, endpos), None)


def first_words(phrases: Iterable[str]) -> set[str]:
    """The first word of each phrase: the longest prefix every match of the phrase starts with when
    words are joined by ``\\s+`` (longer prefixes mean fewer candidate positions)."""
    return {p.split()[0] for p in phrases if p and p.split()}
