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
                 "altogether", "total", "between", "hundred", "thousand", "dozen", "all", "both"}
    singular_heads = {p.split()[-1] for p in lex.person_singular} | {p.split()[-1] for p in lex.person_plural}
    return frozenset(w.lower() for w in starters), frozenset(w.lower() for w in singular_heads)


def candidate_starts(sent: str, start: int, end: int) -> list[int]:
    """Offsets in ``sent[start:end]`` where a counted noun phrase may begin, in order."""
    starters, heads = _vocabulary()
    words = [(m.start(), m.group().lower(), m.group()) for m in _WORD.finditer(sent, start, end)]
    marked = set()
    for i, (pos, low, raw) in enumerate(words):
        if low in starters or low.split("-", 1)[0] in starters or raw[0].isdigit() or raw[0].isupper():
            marked.add(i)
        head = low.rsplit("-", 1)[-1] if low not in heads else low
        if head in heads or low in heads:
            marked.update((i, i - 1, i - 2))  # "kill NISS officer", "former separatist leader"
    return [words[i][0] for i in sorted(marked) if i >= 0]
