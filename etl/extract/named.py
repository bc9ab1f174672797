"""Named victims listed with their ages: "Ritchie Valens, 17, Buddy Holly, 22, and the pilot were
killed", "Playwright, Larry Shue, 39, killed." Each name followed by an age is one person; the ages
themselves are never counts (guards.is_noise rejects them)."""
from __future__ import annotations

import functools

import regex

from etl.extract.counts import mention_from_match
from etl.extract.cues import cue
from etl.extract.guards import active_object, negated
from etl.extract.lexicon import load, trie_alternation
from etl.extract.patterns import compiled
from etl.facts import Count, Fact

_OUTCOMES = ("killed", "injured")
_PLAIN_DEATH = {"died", "perished", "dead"}


@functools.cache
def _pattern() -> regex.Pattern:
    lex = load()
    triggers = [t for t, outcome in lex.subject_triggers.items() if outcome in _OUTCOMES]
    word = r"\p{Lu}[\p{L}\p{M}.'’-]*"
    nickname = r"['‘\"“][^'’\"”,]{1,30}['’\"”]"
    name = rf"(?-i:{word}(?:\s+(?:(?:al|bin|ibn|de|van|von|da|el)[\s-]+)?(?:{nickname}|{word})){{0,4}})"
    item = rf"{name}\s*,\s*(?P<age>\d{{1,3}})"
    return regex.compile(
        rf"""(?<![\w,])(?P<list>{item}(?:\s*,\s*(?:and\s+)?{item}|\s+and\s+{item})*)\s*,?
             (?:\s+(?:a|an|the|who|whose)\s[^;.()"“”]{{1,100}}?,)?
             (?:\s+(?:and|as\s+well\s+as|along\s+with)\s+(?P<also>[^,;.]{{1,40}}?)\s*,?)?
             (?P<aux>(?:\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been|all|both|also|later|reportedly))*)
             # (a narrower set than grammar.yaml's auxiliaries: "said", "to", "the" there would let a list run on)
             \s+(?P<trig>{trie_alternation(triggers)})\b""",
        regex.IGNORECASE | regex.VERBOSE)


def named_with_ages(sent: str, offset: int) -> list[Fact]:
    """One fact per list of "Name, age" items that is the subject of a killed/injured word."""
    facts = []
    lex = load()
    for m in _pattern().finditer(sent):
        ages = m.captures("age")
        if any(int(a) > 120 for a in ages) or negated(sent, m.start("trig")):
            continue
        if m.group("trig").lower() in _PLAIN_DEATH and not cue("violence").search(sent):
            continue  # "Wiesel, 87, died": an obituary, not a casualty
        if not m.group("aux").strip() and active_object(sent, m.end("trig")):
            continue  # "John Smith, 34, killed his wife": the named man is the killer
        outcome = lex.outcome_of(lex.subject_triggers, m.group("trig"))
        if outcome == "injured" and cue("later_died").match(sent, m.end("trig")):
            outcome = "killed"  # "Shaver, 24, was shot five times ... and was pronounced dead"
        n = len(ages)
        facts.append(Fact(outcome=outcome, count=Count(n, n, n), span_start=offset + m.start("list"),
                          span_end=offset + m.end("list"), quote=m.group("list"), rule=f"subject:{outcome}+named_ages",
                          extras={"trigger": m.group("trig"), "kind": "name", "np": m.group("list")}))
        also = m.group("also") and compiled().np.fullmatch(m.group("also"))
        mention = also and mention_from_match(also)
        if mention:  # "..., as well as the pilot, were killed"
            start, end = m.start("also") + mention.start, m.start("also") + mention.end
            facts.append(Fact(outcome=outcome, count=mention.count, span_start=offset + start,
                              span_end=offset + end, quote=sent[start:end],
                              rule=f"subject:{outcome}+named_ages+coordinated", victim_category=mention.category,
                              victim_group=mention.noun, extras={"trigger": m.group("trig"), "np": m.group("also")}))
    return facts
