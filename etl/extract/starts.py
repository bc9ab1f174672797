"""Where a counted noun phrase can begin: a cheap token test so the full NP pattern is tried only there.

The NP grammar (patterns.np) can only start at a digit, a number/qualifier/vague word, an article or
possessive, a person noun (or up to two words before a singular one), a pronoun or a capitalised word.
Trying it only at those words gives the same matches as scanning every position, several times faster.
"""
from __future__ import annotations

import functools

import regex

from etl.extract.lexicon import load

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")


@functools.cache
def _vocabulary() -> tuple[frozenset, frozenset]:
    lex = load()
    starters = {p.split()[0] for p in list(lex.qualifiers) + list(lex.vague) + list(lex.word_values)}
    starters |= {p.split()[0] for p in lex.person_plural}
    starters |= {"a", "an", "one", "the", "his", "her", "their", "another", "others", "he", "she", "in",
                 "altogether", "total", "between", "hundred", "thousand", "dozen", "all", "both", "half", "either"}
    singular_heads = {p.split()[-1] for p in lex.person_singular} | {p.split()[-1] for p in lex.person_plural}
    return frozenset(w.lower() for w in starters), frozenset(w.lower() for w in singular_heads)


_MARKS: dict[str, int] = {}  # word -> START | HEAD bits, memoised (news vocabulary is small)
START, HEAD = 1, 2


def _marks(raw: str) -> int:
    found = _MARKS.get(raw)
    if found is None:
        starters, heads = _vocabulary()
        low = raw.lower()
        found = 0
        if low in starters or low.split("-", 1)[0] in starters or raw[0].isdigit() or raw[0].isupper():
            found |= START
        if low in heads or low.rsplit("-", 1)[-1] in heads:
            found |= HEAD  # "kill NISS officer", "former separatist leader"
        if len(_MARKS) >= 500_000:
            _MARKS.clear()
        _MARKS[raw] = found
    return found


def candidate_starts(sent: str, start: int, end: int) -> list[int]:
    """Offsets in ``sent[start:end]`` where a counted noun phrase may begin, in order: a starter word,
    a digit or capital, or a person noun and the two words before it.

    >>> candidate_starts("militants killed the local police officer", 0, 41)
    [0, 17, 21, 27, 34]
    """
    positions: list[int] = []
    marked: set[int] = set()
    for i, m in enumerate(_WORD.finditer(sent, start, end)):
        positions.append(m.start())
        bits = _marks(m.group())
        if bits & START:
            marked.add(i)
        if bits & HEAD:
            marked.update((i, i - 1, i - 2))
    return [positions[i] for i in sorted(marked) if i >= 0]
