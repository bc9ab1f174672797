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
    kind: str = "count"       # count | unknown_noun | others | bareplural


def _qualified(value: int, qualifier: str | None, vague: bool, lexeme: str | None) -> Count:
    if qualifier in ("at_least", "more_than"):
        return Count(value, value, None, qualifier, vague, lexeme)
    if qualifier in ("up_to", "nearly"):
        return Count(None, value, value, qualifier, vague, lexeme)
    if qualifier == "approx":
        return Count(value, value, value, qualifier, vague, lexeme)
    if vague and lexeme and lexeme.lower() == "both":
        return Count(value, value, value, "exact", False, None)
    if vague:
        return Count(value, value, value, "vague", True, lexeme)
    return Count(value, value, value, "exact", False, None)


def _category(lex, noun: str | None) -> str | None:
    """Category of the longest known person noun at the end of ``noun`` ("Seattle fire fighters")."""
    if not noun:
        return None
    words = noun.lower().split()
    for n in range(min(3, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        for table in (lex.person_plural, lex.person_singular):
            if tail in table:
                return table[tail]
    return None


def _outcome_word(lex, words: str) -> bool:
    phrase = " ".join(words.lower().split())
    return phrase in lex.subject_triggers or phrase in lex.active_triggers or phrase in lex.noun_triggers


def mention_from_match(m) -> Mention | None:
    """Build a Mention from a match of ``patterns.np``; None if the number does not parse."""
    lex = load()
    if m.group("snoun") or m.group("snoun2") or m.group("snoun4"):
        key = next(k for k in ("snoun", "snoun2", "snoun4") if m.group(k))
        noun = m.group(key)
        start = m.start({"snoun": "article", "snoun2": "article2", "snoun4": "article4"}[key])
        return Mention(start, m.end(key), Count(1, 1, 1), noun, _category(lex, noun), False, False, True)
    if m.group("agenoun"):
        return Mention(m.start("agearticle"), m.end("agenoun"), Count(1, 1, 1), m.group("agenoun"), None,
                       False, False, True, kind="age_noun")
    if m.group("name"):
        return Mention(m.start("name"), m.end("name"), Count(1, 1, 1), None, None, False, False, True,
                       kind="name")
    if m.group("bsnoun"):
        start = m.start("bsadjs") if m.group("bsadjs") else m.start("bsnoun")
        return Mention(start, m.end("bsnoun"), Count(1, 1, 1), m.group("bsnoun"), _category(lex, m.group("bsnoun")),
                       False, False, True, kind="bare_singular")
    if m.group("pronoun"):
        return Mention(m.start("pronoun"), m.end("pronoun"), Count(1, 1, 1), None, None, False, False, True,
                       kind="pronoun")
    if m.group("oname"):
        return Mention(m.start("oname"), m.end("oname"), Count(1, 1, 1), None, None, False, False, True,
                       kind="object_name")
    if m.group("unk1"):
        return Mention(m.start("article3"), m.end("unk1"), Count(1, 1, 1), m.group("unk1"),
                       _category(lex, m.group("unk1")), False, False, True, kind="unknown_singular")
    if m.group("another2"):
        return Mention(m.start("another2"), m.end("another2"), Count(1, 1, 1), None, None, False, True, True)
    if m.group("another"):
        return Mention(m.start("another"), m.end("another"), Count(1, 1, 1), None, None, False, True, True)
    if m.group("others"):
        return Mention(m.start("others"), m.end("others"), Count(3, 3, 3, "vague", True, "others"),
                       "others", "unknown", False, False, False, kind="others")
    if m.group("possplural"):
        noun = m.group("possplural")
        return Mention(m.start("poss"), m.end("possplural"), Count(2, 2, 2, "vague", True, noun), noun,
                       _category(lex, noun), False, False, False, kind="possessive_plural")
    if m.group("bareplural"):
        noun = m.group("bareplural")
        return Mention(m.start("bareplural"), m.end("bareplural"), Count(2, 2, 2, "vague", True, noun),
                       noun, _category(lex, noun), False, False, False, kind="bareplural")
    parsed = parse_number(m.group("n1"))
    if parsed is None:
        return None
    value, vague, rule = parsed
    qual_text = m.group("qual")
    qualifier = lex.qualifiers.get(" ".join(qual_text.lower().split())) if qual_text else None
    if m.group("qsuffix"):
        qualifier = lex.qualifier_suffixes.get(" ".join(m.group("qsuffix").lower().split()))
    elif m.group("plus"):
        qualifier = "at_least"  # "60+ wounded"
    lexeme = m.group("n1") if vague else None
    count = _qualified(value, qualifier, vague, lexeme)
    if m.group("n2"):
        high = parse_number(m.group("n2"))
        if high is not None and high[0] > value:
            count = Count(value, value, high[0], "range", vague, lexeme)
    noun = m.group("noun") or m.group("unk")
    end = max(m.end("count"), m.end("noun"), m.end("backref"), m.end("unk"))
    if m.group("unk") and m.group("unk").isupper() and _outcome_word(lex, m.group("unk")):
        noun, end = None, m.end("count")  # "3 WOUNDED": an outcome word in capitals, not the counted noun
    if m.group("noun"):
        end = max(end, m.end())  # "Five members of one family": the complement belongs to the phrase
    bare = noun is None and not m.group("backref")
    kind = "total" if m.group("total") else "unknown_noun" if m.group("unk") else "count"
    phrase = f"{m.group('adjs') or ''} {noun}" if noun else None
    return Mention(m.start("count"), end, count, noun, _category(lex, phrase), bool(m.group("backref")), bare,
                   False, kind=kind)
