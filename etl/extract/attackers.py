"""Which facts are the attackers' own: a named person the text calls the suspect or who shot someone,
"he" or "she" right after the gunman, and "seven of them" right after the attackers. Run before the
overlap rules, which treat attackers apart."""
from __future__ import annotations

import regex

from etl.extract.overlaps import COUNTED, group_of, single_name
from etl.facts import Fact


def _named_attacker(text: str, facts: list[Fact]) -> None:
    """"The suspect Corey Henderson shot Barney ... Henderson was shot and killed": a named person the text
    earlier calls the suspect or gunman, or who shot or stabbed someone, is the attacker."""
    for fact in facts:
        surname = single_name(fact) if fact.outcome == "killed" and fact.fact_class in COUNTED else None
        if surname is None or group_of(fact) == "perpetrator":
            continue
        name = regex.escape(surname)
        if regex.search(rf"(?i:suspect|gunman|shooter|attacker|assailant|killer|bomber),?\s+(?:\p{{Lu}}[\p{{L}}.'’-]*\s+){{0,3}}{name}\b"
                        rf"|\b{name},?\s+(?:then\s+|allegedly\s+|later\s+|also\s+|first\s+)?(?:opened\s+fire|fired\s+at"
                        rf"|(?:shot|stabbed|killed)\s+(?:and\s+killed\s+)?(?:his|her|a|an|the|him|(?-i:\p{{Lu}})))\b",
                        text[:fact.span_start]):
            fact.fact_class, fact.victim_category = "perpetrator", "perpetrator"
            fact.class_reason = f"{surname} is the attacker named earlier"


_ATTACKER_WORD = regex.compile(r"(?i)\b(?:gunm[ae]n|suspects?|attackers?|assailants?|shooters?|bombers?|killers?|perpetrators?"
                               r"|robbers?|hijackers?|stabbers?)\b(?!['’])")  # not "the suspect's vehicle"
_PERSON_WORD = regex.compile(r"(?i)\b(?:victims?|wom[ae]n|m[ae]n|boys?|girls?|child(?:ren)?|officers?|policem[ae]n|guards?"
                             r"|drivers?|passengers?|patrons?|customers?|residents?|students?|wife|husband|sons?|daughters?"
                             r"|mother|father|teenagers?|teens?|people|persons?|bouncers?|worshippers?|neighbou?rs?|\d{1,3}-year-olds?)\b")


def _attacker_last(before: str) -> bool:
    """Is the last person named in ``before`` an attacker ("the gunman", not "the suspect's car")?"""
    attacker = [m.end() for m in _ATTACKER_WORD.finditer(before)]
    other = [m.end() for m in _PERSON_WORD.finditer(before)]
    return bool(attacker) and attacker[-1] > max(other, default=-1)


def _pronoun_attacker(text: str, facts: list[Fact]) -> None:
    """"Bouncers tackled and disarmed the gunman. He suffered minor injuries": "he" or "she" whose nearest
    person before is the attacker is the attacker."""
    for fact in facts:
        if fact.extras.get("kind") != "pronoun" or fact.fact_class not in COUNTED or group_of(fact) == "perpetrator":
            continue
        if _attacker_last(text[max(0, fact.span_start - 200):fact.span_start]):
            fact.fact_class, fact.victim_category = "perpetrator", "perpetrator"
            fact.class_reason = "'he' or 'she' is the attacker named just before"


def _attackers_of_them(text: str, facts: list[Fact]) -> None:
    """"Soldiers who pursued the attackers killed seven of them": "of them" whose nearest group before
    it in the sentence is the attackers counts the attackers."""
    for fact in facts:
        if (not fact.extras.get("backref") or fact.fact_class not in COUNTED or group_of(fact) == "perpetrator"
                or not regex.match(r"(?i)\S+\s+of\s+them\b", fact.extras.get("backref_text", ""))):
            continue
        np_start = fact.span_start + max(0, fact.quote.find(fact.extras.get("np", "")))
        if _attacker_last(regex.split(r"[.;!?]\s", text[max(0, np_start - 120):np_start])[-1]):
            fact.fact_class, fact.victim_category = "perpetrator", "perpetrator"
            fact.class_reason = "'of them' counts the attackers named just before"


def mark_attackers(text: str, facts: list[Fact]) -> None:
    """Mark the facts about the attackers themselves (class perpetrator), in place."""
    _named_attacker(text, facts)
    _pronoun_attacker(text, facts)
    _attackers_of_them(text, facts)
