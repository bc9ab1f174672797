"""Turn the text of a number into an int: digits ("1,200"), words ("a hundred and five"),
multipliers ("two dozen") and vague amounts ("dozens" -> 12, per the lexicon)."""
from __future__ import annotations

import regex

from etl.extract.lexicon import load

_SPLIT = regex.compile(r"[\s\-–,]+")
_SCALED = regex.compile(r"(\d+(?:\.\d+)?)\s+(million|thousand)")


def parse_number(text: str) -> tuple[int, bool, str | None] | None:
    """Return (value, vague, vague_rule) for a number phrase, or None if it is not one.

    >>> parse_number("twenty-seven")
    (27, False, None)
    >>> parse_number("1,200")
    (1200, False, None)
    >>> parse_number("two dozen")
    (24, False, None)
    >>> parse_number("half a dozen")
    (6, False, None)
    >>> parse_number("dozens of")
    (12, True, 'dozens')
    """
    lex = load()
    phrase = " ".join(text.lower().split())
    if phrase in lex.vague:
        value, rule = lex.vague[phrase]
        return value, True, rule
    digits = phrase.replace(",", "")
    if digits.isdigit():
        return int(digits), False, None
    scaled = _SCALED.fullmatch(phrase)
    if scaled:
        return int(round(float(scaled.group(1)) * lex.scales[scaled.group(2)])), False, None
    if phrase.startswith(("half a ", "half an ")):  # "half a dozen" = 6
        whole = _parse_words(phrase.split(" ", 1)[1], lex)
        return (whole[0] // 2, False, None) if whole else None
    return _parse_words(phrase, lex)


def _parse_words(phrase: str, lex) -> tuple[int, bool, str | None] | None:
    total = current = 0
    seen = False
    for token in _SPLIT.split(phrase):
        if token in ("and", ""):
            continue
        if token in ("a", "an"):
            current = max(current, 1)
            continue
        if token.replace(",", "").isdigit():
            current += int(token.replace(",", ""))
            seen = True
        elif token in lex.word_values:
            current += lex.word_values[token]
            seen = True
        elif token == "dozen":
            current = max(current, 1) * 12
            seen = True
        elif token == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif token in lex.scales:
            total += max(current, 1) * lex.scales[token]
            current = 0
            seen = True
        else:
            return None
    return (total + current, False, None) if seen else None
