"""Counted noun phrases -> Count(low, best, high, qualifier) plus victim category."""
from __future__ import annotations

from dataclasses import dataclass

from etl.extract.lexicon import load
from etl.extract.numbers import parse_number
from etl.facts import Count


@dataclass(frozen=True, slots=True)
class Mention:
    """A counted noun phrase in a sentence: where it is, its figure, and whose figure it is."""

    start: int
    end: int
    count: Count
    noun: str | None          # the person noun as written, None for a bare figure
    category: str | None
    backref: bool             # "two of them": refers back to an earlier group
    bare: bool                # a figure without a noun ("16 killed")
    singular: bool            # "a boy", "the gunman"


def _qualified(value: int, qualifier: str | None, vague: bool, lexeme: str | None) -> Count:
    if qualifier in ("at_least", "more_than"):
        return Count(value, value, None, qualifier, vague, lexeme)
    if qualifier in ("up_to", "nearly"):
        return Count(None, value, value, qualifier, vague, lexeme)
    if qualifier == "approx":
        return Count(value, value, value, qualifier, vague, lexeme)
    if vague:
        return Count(value, value, value, "vague", True, lexeme)
    return Count(value, value, value, "exact", False, None)


def mention_from_match(m) -> Mention | None:
    """Build a Mention from a match of ``patterns.np``/``np_at``; None if the number does not parse."""
    lex = load()
    if m.group("snoun"):
        noun = m.group("snoun")
        category = lex.person_singular.get(" ".join(noun.lower().split()))
        return Mention(m.start("article"), m.end("snoun"), Count(1, 1, 1), noun, category,
                       False, False, True)
    parsed = parse_number(m.group("n1"))
    if parsed is None:
        return None
    value, vague, rule = parsed
    qual_text = m.group("qual")
    qualifier = lex.qualifiers.get(" ".join(qual_text.lower().split())) if qual_text else None
    if m.group("qsuffix"):
        qualifier = lex.qualifier_suffixes.get(" ".join(m.group("qsuffix").lower().split()))
    lexeme = m.group("n1") if vague else None
    count = _qualified(value, qualifier, vague, lexeme)
    if m.group("n2"):
        high = parse_number(m.group("n2"))
        if high is not None and high[0] > value:
            count = Count(value, value, high[0], "range", vague, lexeme)
    noun = m.group("noun")
    category = lex.person_plural.get(" ".join(noun.lower().split())) if noun else None
    end = max(m.end("count"), m.end("noun"), m.end("backref"))
    return Mention(m.start("count"), end, count, noun, category,
                   bool(m.group("backref")), noun is None and not m.group("backref"), False)
