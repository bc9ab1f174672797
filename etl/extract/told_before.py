"""A later figure that tells again people counted before: the dead of the injured, "among the dead",
the attackers told as a whole, a claim beside a reported figure, a back-reference, "the three" again,
one attacker's death told twice, and "another" of a figure told one by one."""
from __future__ import annotations

import regex

from etl.extract.engine import crossed_backref
from etl.extract.overlaps import ADDITIVE, AMONG_TRIGGER, COUNTED, compatible, group_of
from etl.facts import Fact

DEFINITE = regex.compile(r"(?i)(?:the|these|those|both|all)\b|(?:his|her|their)\s")
_DEFINITE_FIGURE = regex.compile(r"(?i)(?:all\s+)?(?:the|these|those)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten"
                              r"|eleven|twelve)\b(?!\s+(?:other|more|additional)\b)|all\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b")
_OWN_SIDE = regex.compile(r"(?i)\bof\s+(?:its|their|our)\s+own\b")
_CLAIM_BEFORE = regex.compile(r"(?i)\bclaim(?:ed|s|ing)?\s+(?:to\s+have|(?:that\s+)?(?:it|they|its\s+\w+)\s+(?:had|have))\s+\Z"
                           # "JNIM claimed the attack on Telegram, saying its fighters had killed 40 soldiers"
                           r"|\bclaim(?:ed|s)?\b[^.;]{0,80}?\b(?:saying|said)\s+(?:that\s+)?(?:it|they|its\s+\w+)\s+(?:had|have)\s+\Z")
_THE_BEFORE = regex.compile(r"(?i)\b(?:the|these|those)\s+\Z")  # "The two veteran deputies ... died"


def _refers_to_other_outcome(facts: list[Fact], fact: Fact) -> bool:
    """Is "one of them" about the group just before it in its sentence, counted for another outcome (the
    arrested, the abducted, the missing)?"""
    nearest = next((f for f in reversed(facts) if f.sentence_idx == fact.sentence_idx and f.span_end <= fact.span_start),
                   None)
    return nearest is not None and nearest.outcome not in ("killed", "injured")


def told_before(text: str, facts: list[Fact], fact: Fact, prior: list[Fact], earlier: list[Fact], window: str,
                by_id: dict) -> bool:
    """Decide ``fact`` when it tells again people of ``prior`` (earlier counted figures of its outcome);
    True when decided (``earlier`` gets what still counts)."""
    crossed = crossed_backref(fact.extras.get("backref_text", ""), fact.outcome)
    referents = [f for f in prior if compatible(group_of(f), group_of(fact))]
    if fact.extras.get("died_of_injured"):  # "22 were treated, 3 of whom later died": dead not counted before
        earlier.append(fact)
        return True
    larger = [f for f in prior if f.best >= fact.best and group_of(f) != "perpetrator"]
    if AMONG_TRIGGER.match(fact.extras.get("trigger", "")) and larger and not ADDITIVE.search(window):
        # "leaving 87 people dead. Eight of the attackers were among the dead"
        parent = max(larger, key=lambda f: f.best)
        fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
        fact.class_reason = f"among the {fact.outcome} of {parent.fact_id}"
        return True
    attackers = [f for f in prior if group_of(f) == "perpetrator"]
    if (group_of(fact) == "perpetrator" and attackers and fact.best >= 2
            and DEFINITE.match(fact.extras.get("np", fact.quote)) and sum(f.best for f in attackers) <= fact.best):
        for f in attackers:  # "A bomber blew herself up ... A second bomber struck ... Both bombers died"
            f.fact_class, f.parent_fact_id = "part", fact.fact_id
            f.class_reason = f"one of the attackers of {fact.fact_id}, told again as a whole"
        earlier[:] = [f for f in earlier if f not in attackers] + [fact]
        return True
    if _CLAIM_BEFORE.search(text, max(0, fact.span_start - 140), fact.span_start) and any(
            compatible(group_of(f), group_of(fact)) for f in prior):
        fact.fact_class = "repeat"  # "killing five soldiers. Al Shabaab claimed to have killed 20"
        fact.class_reason = "a claim beside a reported figure; the reported figure stays best"
        return True
    if fact.extras.get("backref") and _OWN_SIDE.search(text, fact.span_start, fact.span_end):
        earlier.append(fact)  # "killing 40 junta soldiers ... six of its own fighters were killed": the other side's dead
        return True
    if fact.extras.get("backref") and _refers_to_other_outcome(facts, fact):
        earlier.append(fact)  # "Two gang members were arrested, one of them wounded": one of the arrested
        return True
    if (fact.extras.get("backref") or fact.extras.get("among")) and not crossed and referents:
        victims = [f for f in referents if group_of(f) != "perpetrator"] or referents
        parent = max(victims, key=lambda f: f.best)
        fact.fact_class, fact.parent_fact_id = "part", parent.fact_id
        fact.class_reason = f"refers back to {parent.fact_id}"
        return True
    same_figure = next((f for f in prior if f.best == fact.best and fact.best > 1), None)
    if same_figure is not None and (_DEFINITE_FIGURE.search(fact.quote) or (
            _THE_BEFORE.search(text, max(0, fact.span_start - 8), fact.span_start)
            and _DEFINITE_FIGURE.match("the " + fact.quote))):
        # "Three suspected drug pushers were killed ... killing the three suspects": the same people
        fact.fact_class, fact.class_reason = "repeat", f"the same {fact.best} as {same_figure.fact_id}"
        return True
    if fact.rule == "self_inflicted:killed" and fact.best == 1 and any(
            f.rule == "self_inflicted:killed" and f.best == 1 for f in prior):
        fact.fact_class, fact.class_reason = "repeat", "the same attacker's death told again"
        return True
    if (group_of(fact) == "perpetrator" and fact.best == 1 and fact.count.qualifier == "exact"
            and not ADDITIVE.search(sentence_head(text, fact.span_start) + fact.quote)
            and "other" not in fact.extras.get("np", "").lower()
            and sum(f.best for f in prior if group_of(f) == "perpetrator") == 1
            and any(group_of(f) == "perpetrator" and (fact.sentence_idx - f.sentence_idx <= 2
                                                      or fact.extras.get("kind") == "pronoun"
                                                      or DEFINITE.match(fact.extras.get("np", fact.quote)))
                    for f in prior)):
        # "The suspect is also dead. He turned the gun on himself": one attacker, told twice
        fact.fact_class, fact.class_reason = "repeat", "the same attacker's death told again"
        return True
    member = _another_member(facts, fact, by_id)
    if member is not None:
        fact.fact_class, fact.parent_fact_id = "part", member.fact_id
        fact.class_reason = f"another of the {member.best} of {member.fact_id}, told one by one"
        return True
    return False


_ANOTHER = regex.compile(r"(?i)(?:another|one\s+other|the\s+other|a\s+second|a\s+third)\b")


def _another_member(facts: list[Fact], fact: Fact, by_id: dict) -> Fact | None:
    """"wounded three others ... one deputy was left critically wounded. Another police officer and one
    other deputy suffered less severe wounds": after a part of a figure, "another" is one more of that
    figure, while the parts told so far stay within it. The figure, or None."""
    if not _ANOTHER.match(fact.extras.get("np", fact.quote)) and not _ANOTHER.match(fact.quote) and not (
            fact.rule.endswith("+coordinated") and _ANOTHER.search(fact.quote)):
        return None
    before = [f for f in facts if f.outcome == fact.outcome and f.span_end <= fact.span_start
              and f.fact_class in (*COUNTED, "part")]
    last = before[-1] if before else None
    parent = by_id.get(last.parent_fact_id) if last is not None and last.fact_class == "part" else None
    if parent is None or parent.outcome != fact.outcome:
        return None
    told = sum(f.best for f in facts if f.parent_fact_id == parent.fact_id and f.fact_class == "part")
    return parent if told + fact.best <= parent.best else None


def sentence_head(text: str, pos: int) -> str:
    """The start of the sentence holding ``pos`` (at most 200 characters back)."""
    head = text[max(0, pos - 200):pos]
    cut = max(head.rfind(". "), head.rfind("\n"), head.rfind("? "), head.rfind("! "))
    return head[cut + 1:] if cut >= 0 else head


