"""Guards of the count engine: figures that are ages, dates, times, years, money or units, and
clauses that are negated, hypothetical or infinitive ("could have killed", "tried to kill")."""
from __future__ import annotations

import functools

import regex

from etl.extract.counts import Mention
from etl.extract.cues import cue
from etl.extract.lexicon import load
from etl.extract.patterns import compiled

_YEAR = regex.compile(r"(?:19|20)\d\d")
_NO_BEFORE = regex.compile(r"\bno\s+\Z|\bnone\s+of\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?\Z"
                           r"|\bnone\s+of\s+the\s+[^.;]{0,40}?\b(?:and|or|nor)\s+\Z", regex.I)  # "None of the 152 passengers and 7 crew"
MONTH_DAY_BEFORE = regex.compile(r"(?i)(?<!\d\s)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\Z")
_TIME_LIKE = regex.compile(r"0\d{3}\b")
_MONEY_BEFORE = regex.compile(r"[$€£¥₹₦₱৳₨]\s*\Z|\b(?:US|USD|EUR|GBP|INR|PKR|Rs\.?|Tk\.?|KSh|Sh|Rp|N)\s*\Z")
_MONTH_AFTER = regex.compile(r"\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
                             regex.I)
_AGE_AFTER = regex.compile(r"\s*-?\s*years?[\s-]+old|-year", regex.I)
_NAME_COMMA_BEFORE = regex.compile(r"\p{L}[\p{L}\p{M}.'’-]*['’]?\s*,\s*\Z")  # "Buddy Holly, 22,", "The executive, 61,"
_COMMA_AFTER = regex.compile(r"\s*,")
_KIN_OF_BEFORE = regex.compile(r"\b(?:father|mother|parent|grandfather|grandmother|dad|mum|mom)\s+of\s+\Z", regex.I)
_FRONTED_OF_BEFORE = regex.compile(r"(?:\A|[,;:(]|\b(?:and|but)\b)\s*(?:out\s+)?of\s+(?:all\s+)?(?:the|its|his|her|their)?\s*\Z",
                                   regex.I)
_ADJECTIVE_NOUN_AFTER = regex.compile(r"\s+(?:injured|wounded|dead|killed|hurt|slaughtered)\s+(?P<noun>[\w-]+)", regex.I)
_RATE_AFTER = regex.compile(r"[^.;,]{0,30}?\bevery\s+(?:\d+\s+|few\s+|other\s+|\w+\s+)?(?:seconds?|minutes?|hours?|days?|weeks?)\b", regex.I)
_BODY_WOUNDS = regex.compile(r"(?i)(?:multiple|many|several|numerous)\s+(?:gunshot|stab|bullet|knife)\s+(?:wounds|injuries)\b")
_HOW_BEFORE = regex.compile(r"(?i)\bhow\s+\Z")
_PROPORTION_BEFORE = regex.compile(r"\b(?:one|two|three|\d+)\s+(?:in|out\s+of\s+every)\s+\Z", regex.I)
_OWNER_BEFORE = regex.compile(r"\b(?:belonging\s+to|owned\s+by)\s+(?:[\w-]+\s+){0,3}\Z", regex.I)
_ALL_BUT_BEFORE = regex.compile(r"\ball\s+(?:but|except)\s+\Z", regex.I)
_CLAUSE_COMMA_AFTER = regex.compile(r"[^,;.()]{0,40},")
_COPULA_BEFORE = regex.compile(r"\b(?:were|are|was|is|been|be)\s+(?:all\s+|mostly\s+|mainly\s+)?\Z", regex.I)
_TO_BEFORE = regex.compile(r"\bto\s+\Z")
_GOING_ON_TO = regex.compile(r"(?i)\b(?:proceeded|went\s+on|began|started|continued|managed)\s+to\s+\Z")
_CLAUSE_BREAK = regex.compile(r"[,;:()]|\band\b|\bbut\b")
_OBJECT_START = regex.compile(r"\s+(?:\d|an?\s|the\s|his\s|her\s|their\s|another\s|at\s+least|several|dozens|scores|hundreds|"
                              r"one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|ten\b|some\b|many\b|"
                              r"civilians|soldiers|people|policemen|villagers|"
                              r"(?:him|her|them|you|me|us|everyone|everybody|each\s+other)\b"
                              # "A second officer shot Noble": a name (not a day or month) is an object too
                              r"|(?-i:\p{Lu}\p{Ll}+)\b(?<!\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                              r"January|February|March|April|May|June|July|August|September|October|November|December)))", regex.I)


@functools.cache
def _ordinal_the() -> regex.Pattern:
    """"the second officer", "the 10th journalist": an ordinal after "the" (numbers.yaml ordinals)."""
    words = "|".join(sorted(load().ordinals, key=len, reverse=True))
    return regex.compile(rf"(?i)the\s+(?:only\s+)?(?:{words}|first|last|latest|\d+(?:st|nd|rd|th))\s")


def is_noise(sent: str, mt: Mention) -> bool:
    """Guards: ages, dates, years, units and negated figures are not casualty counts."""
    p = compiled()
    before = sent[max(0, mt.start - 40):mt.start]
    after = sent[mt.end:mt.end + 20]
    figure = sent[mt.start:mt.end]
    if p.age_before.search(before) or _NO_BEFORE.search(before):
        return True
    if mt.bare and _KIN_OF_BEFORE.search(before):
        return True  # "a father of three was stabbed": his children, not the dead
    if _ALL_BUT_BEFORE.search(before):
        return True  # "all but three died": the three lived
    if _FRONTED_OF_BEFORE.search(before) and _CLAUSE_COMMA_AFTER.match(sent, mt.end):
        return True  # "Of the 112 people on board, 14 were killed": the whole the part is taken from
    if mt.kind == "bareplural" and _COPULA_BEFORE.search(before):
        return True  # "All four killed were adults": a predicate, not a group of people
    if figure[:1].isdigit() and MONTH_DAY_BEFORE.search(before):
        return True  # "June 8 the soldiers ...": a day of the month
    if _TIME_LIKE.match(figure):
        return True  # "0300 GMT": a time
    if _MONEY_BEFORE.search(before):
        return True  # "$81 million": money
    if mt.kind in ("count", "unknown_noun") and mt.category is None and _YEAR.fullmatch(
            figure.split()[0]) and mt.count.qualifier == "exact":
        return True  # "2015 Model S", "as early as 2003": a year
    if mt.bare:
        if _YEAR.fullmatch(figure.strip()):
            return True
        if (figure.isdigit() and int(figure) <= 120 and _NAME_COMMA_BEFORE.search(before)
                and _COMMA_AFTER.match(after)):
            return True  # "Buddy Holly, 22, and the pilot", "The executive, 61, and his pilot": an age
        if p.month_near.search(before) or _MONTH_AFTER.match(after):
            return True
        if p.unit_after.match(after):
            return True
        adj_noun = _ADJECTIVE_NOUN_AFTER.match(sent, mt.end)
        if adj_noun and p.unit_word.fullmatch(adj_noun.group("noun")):
            return True  # "Seventeen injured animals", "40 dead cattle": not people
    elif _AGE_AFTER.match(after):
        return True
    if mt.kind == "unknown_noun" and mt.noun and (p.unit_word.fullmatch(mt.noun.split()[-1])
                                                 or p.month_near.match(mt.noun.split()[0])):
        return True
    if mt.kind == "unknown_singular" and mt.noun and any(p.unit_word.fullmatch(w) for w in mt.noun.split()):
        return True  # "A dog belonging to ...", "a sport utility vehicle ... when it was struck": not a person
    if mt.bare and p.of_animals_after.match(sent, mt.end):
        return True  # "One of her dogs sustained injuries"
    if (mt.noun or "").lower() == "others" and p.animal_before.search(sent, max(0, mt.start - 60), mt.start):
        return True  # "One dog was killed and three others were injured": the others are dogs
    if mt.singular and _ordinal_the().match(figure) and cue("ranking_after").match(sent, mt.end):
        return True  # "the second officer killed in the line of duty since 1871": a record, not a count
    if mt.count.vague and _BODY_WOUNDS.match(sent, mt.start):
        return True  # "multiple gunshot wounds to the chest and back": one body's wounds, not people
    if mt.count.vague and _HOW_BEFORE.search(before):
        return True  # "to estimate how many deaths could be attributed to heat": a question, not a quantity
    if _RATE_AFTER.match(sent, mt.end):
        return True  # "One Syrian wounded every 13 minutes": a rate, not a count
    if _PROPORTION_BEFORE.search(before):
        return True  # "one in four drivers killed": a proportion, not a count
    if _OWNER_BEFORE.search(before):
        return True  # "A dog belonging to champion Jeff King was killed": the owner is not the victim
    return False


def negated(sent: str, pos: int) -> bool:
    """A negation or modal among the few words before ``pos`` (same clause), or an infinitive."""
    window = sent[max(0, pos - 45):pos]
    if _TO_BEFORE.search(window) and not _GOING_ON_TO.search(window):
        return True
    window = _CLAUSE_BREAK.split(window)[-1]
    window = " ".join(window.split()[-4:])
    return bool(compiled().negation_before.search(window))


def active_object(sent: str, pos: int) -> bool:
    """True when an object follows ``pos`` (so a trigger there is an active verb)."""
    return bool(_OBJECT_START.match(sent, pos))
