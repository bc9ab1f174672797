"""The count engine: attach counted noun phrases to outcome words by grammatical frame.

Frames (frames.py; triggers in lexicon/outcomes.yaml): subject ("Four civilians were killed"), object
("killing two soldiers"), noun ("12 deaths"), toll ("the death toll rose to 40"), plus
coordination ("two soldiers and three militants") and sub-counts ("including two students").
"""
from __future__ import annotations

import regex

from etl.extract.attach import (Attachment, attach_along_with, attach_elliptical, attach_subcounts, coordinate,
                                merge_adjectival, some_fatally)
from etl.extract.counts import Mention
from etl.extract.cues import cue
from etl.extract.frames import find_mentions, noun_frame, object_frame, subject_frame, toll_frame
from etl.extract.guards import negated
from etl.extract.lexicon import load
from etl.extract.named import named_with_ages
from etl.extract.patterns import compiled
from etl.extract.prefilter import mentions_outcome
from etl.facts import Count, Fact

_QUESTION = regex.compile(r"\?(?=[\"'”’)]*(?:\s|\Z))")


def sentence_facts(sent: str, offset: int, before: str = "") -> list[Fact]:
    """Facts of one sentence; spans are offsets into the whole text (``offset`` = sentence start);
    ``before`` is some preceding text, read only to tell whose death a pronoun reports."""
    if not mentions_outcome(sent):
        return []
    mentions, adjectival = merge_adjectival(sent, find_mentions(sent))
    attached: dict[int, Attachment] = {}
    extra_objects = object_frame(sent, mentions, attached)
    subject_frame(sent, mentions, attached)
    toll_frame(sent, mentions, attached)
    noun_frame(sent, mentions, attached)
    for i, (outcome, a, b) in adjectival.items():
        if i not in attached:  # "received 40 wounded people": the adjective gives the outcome
            attached[i] = Attachment(outcome, f"noun:{outcome}", a, b, trigger=sent[a:b])
    attach_along_with(sent, mentions, attached)
    attach_elliptical(sent, mentions, attached)
    attach_subcounts(sent, mentions, attached)
    coordinate(sent, mentions, attached)
    facts = _to_facts(sent, offset, mentions, attached, before)
    facts.extend(_named_with_others(sent, offset, mentions, attached))
    for mt, att in extra_objects:
        facts.append(Fact(outcome=att.outcome, count=mt.count, span_start=offset + att.trig_start,
                          span_end=offset + mt.end, quote=sent[att.trig_start:mt.end], rule=att.rule,
                          victim_category=mt.category, victim_group=mt.noun, extras={"trigger": att.trigger}))
    facts.extend(some_fatally(sent, offset, facts))
    facts.sort(key=lambda f: f.span_start)
    taken = [(f.span_start - offset, f.span_end - offset) for f in facts]
    facts.extend(f for f in _self_inflicted(sent, offset, mentions, attached) + named_with_ages(sent, offset)
                 + _nth_to_die(sent, offset) + _a_body_found(sent, offset)
                 if not any(a < f.span_end - offset and f.span_start - offset < b for a, b in taken))
    facts.sort(key=lambda f: f.span_start)
    asked = max((m.start() for m in _QUESTION.finditer(sent)), default=-1)
    return [f for f in facts if f.span_end - offset > asked]  # a question asserts nothing: "he died from a cold?"


def _nth_to_die(sent: str, offset: int) -> list[Fact]:
    """"..., making her the second person to die in the attack": the event's running toll is that ordinal."""
    facts = []
    for m in cue("nth_to_die").finditer(sent):
        word = m.group("ord").lower()
        n = int(word[:-2]) if word[:-2].isdigit() else load().ordinals.get(word)
        start = m.start() + m.group(0).lower().index("the ")
        if n and not negated(sent, m.start()):
            facts.append(Fact(outcome="killed", count=Count(n, n, n), span_start=offset + start,
                              span_end=offset + m.end(), quote=sent[start:m.end()], rule="toll:killed+ordinal",
                              count_anchor="cumulative", extras={"trigger": m.group(0).split()[-1], "kind": "total"}))
    return facts


def _a_body_found(sent: str, offset: int) -> list[Fact]:
    """"Investigators discovered a body inside the room": one person dead (plural "bodies of 11 men" is a noun frame)."""
    facts = []
    for m in cue("a_body_found").finditer(sent):
        group = "np" if m.group("np") else "np2"
        if negated(sent, m.start()):
            continue
        facts.append(Fact(outcome="killed", count=Count(1, 1, 1), span_start=offset + m.start(), span_end=offset + m.end(),
                          quote=m.group(0), rule="noun:killed+body",
                          extras={"trigger": "body", "np": m.group(group), "kind": "unknown_singular"}))
    return facts


def _named_with_others(sent: str, offset: int, mentions: list[Mention], attached) -> list[Fact]:
    """"Abu Wahib and three others were killed": the named person is one more."""
    facts = []
    for i, mt in enumerate(mentions):
        att = attached.get(i)
        if att is None or not mt.noun or not (mt.noun.lower() == "others"
                                             or regex.match(r"(?i)(?:his|her|their)\s", sent[mt.start:mt.end])):
            continue
        name = cue("name_and_before").search(sent, 0, mt.start)
        if name and not any(m.start <= name.start() < m.end for j, m in enumerate(mentions) if j in attached):
            facts.append(Fact(outcome=att.outcome, count=Count(1, 1, 1), span_start=offset + name.start("name"),
                              span_end=offset + name.end("name"), quote=name.group("name"),
                              rule=att.rule + "+named", extras={"trigger": att.trigger, "name": name.group("name")}))
    return facts


def _self_inflicted(sent: str, offset: int, mentions: list[Mention], attached) -> list[Fact]:
    """"blew himself up", "turned the gun on himself": the attacker's own death (count 1, or the
    plural subject's count: "two suicide bombers ... killing only themselves"); "before being shot and
    wounded by police": the attacker's injury."""
    facts = []
    for m in compiled().perpetrator_self.finditer(sent):
        if negated(sent, m.start()):
            continue
        count, start = Count(1, 1, 1), m.start()
        plural = regex.search(r"themselves", m.group(0), regex.I)
        if plural:
            subject = next((mt for i, mt in reversed(list(enumerate(mentions)))
                            if mt.end <= m.start() and i not in attached and not mt.singular), None)
            if subject is None:
                continue
            count, start = subject.count, subject.start
        elif m.group(0).lower().startswith(("before", "and", "but")):
            # "Two gunmen opened fire ..., before being shot dead by special forces": the attackers named first
            attackers = next((mt for i, mt in enumerate(mentions) if mt.end <= m.start() and i not in attached
                              and mt.category == "perpetrator" and not mt.singular), None)
            if attackers is not None and attackers.count.best:
                count = attackers.count
        outcome = "injured" if regex.search(r"wounded|injured", m.group("how") or "", regex.I) else "killed"
        facts.append(Fact(outcome=outcome, count=count, span_start=offset + start, span_end=offset + m.end(),
                          quote=sent[start:m.end()], rule=f"self_inflicted:{outcome}", victim_category="perpetrator",
                          victim_group=None))
        victims = next((mt for i, mt in enumerate(mentions) if i not in attached
                        and regex.fullmatch(r"\s+and\s+", sent[m.end():mt.start])), None)
        if victims is not None:  # "killed himself and 10 tourists"
            facts.append(Fact(outcome="killed", count=victims.count, span_start=offset + victims.start,
                              span_end=offset + victims.end, quote=sent[victims.start:victims.end],
                              rule="self_inflicted:killed+coordinated", victim_category=victims.category,
                              victim_group=victims.noun))
    return facts


def _to_facts(sent, offset, mentions, attached, context: str = "") -> list[Fact]:
    p = compiled()
    facts: list[Fact] = []
    last_by_outcome: dict[str, Fact] = {}
    nearest: Fact | None = None
    covered = []
    for i, mt in enumerate(mentions):
        att = attached.get(i)
        if att is None:
            continue
        if not att.rule.startswith("part") and any(a <= mt.start < b for a, b in covered):
            if mt.bare or mt.kind in ("bareplural", "others") or not p.part_cue_before.search(sent[:mt.start][-40:]):
                continue  # "9 people including civilians and policemen were killed": inside the subject
            att = Attachment(att.outcome, f"part:{att.outcome}", att.trig_start, att.trig_end, att.anchor, att.trigger)
        if att.trig_end > att.trig_start and att.trig_start > mt.start and negated(sent, mt.start):
            continue
        start = min(mt.start, att.trig_start) if att.trig_end > att.trig_start else mt.start
        end = max(mt.end, att.trig_end)
        if att.rule.startswith("subject") or att.rule.startswith("noun"):
            start = mt.start
        if att.rule.startswith("subject"):
            covered.append((start, end))
        category = mt.category
        if cue("suspected_of").match(sent, mt.end):
            category = "perpetrator"  # "killed 4 people suspected of carrying out the attack"
        the_one = mt.singular and sent[mt.start:mt.start + 4].lower() == "the " and cue("police_fate").match(sent, mt.end)
        pronoun_fate = mt.kind == "pronoun" and cue("attacker_fate").search(sent, mt.end)
        if ((pronoun_fate or the_one) and att.outcome == "killed"
                and cue("attacker_context").search(context + " " + sent[:mt.start])):
            category = "perpetrator"  # "... opened fire ... He was later found dead", "The driver ... was shot dead by police"
        if category is None and sent[mt.start:mt.end].lower() == "the other":  # "One of the assailants ..., the other"
            category = next((m.category for m in reversed(mentions[:i]) if m.category), None)
        elif category in (None, "unknown") and (mt.noun or "").lower() == "others":
            # "killing 14 villagers and wounding nine others": the others are of the victims' kind
            category = next((m.category for m in reversed(mentions[:i])
                             if m.category not in (None, "unknown", "perpetrator") and m.kind != "object_pronoun"),
                            category)
        fact = Fact(outcome=att.outcome, count=mt.count, span_start=offset + start, span_end=offset + end,
                    quote=sent[start:end], rule=att.rule, victim_category=category, victim_group=mt.noun,
                    count_anchor="cumulative" if mt.kind == "total" else att.anchor)
        fact.extras["trigger"] = att.trigger
        fact.extras["np"] = sent[mt.start:mt.end]
        fact.extras["kind"] = mt.kind
        if mt.kind == "name":
            fact.extras["name"] = sent[mt.start:mt.end]
        if att.trigger[:5].lower() == "among" or _AMONG_BEFORE.search(sent, max(0, mt.start - 40), mt.start):
            fact.extras["among"] = True  # "X was among those killed", "Among the wounded were X": part of an earlier figure
        before = sent[:mt.start]
        parent = last_by_outcome.get(att.outcome)
        if parent is not None and (p.part_cue_before.search(before[-40:]) or _inside_parens(sent, mt.start, parent)
                                   or (att.rule.startswith("part:") and not _orphan_part(parent))):
            fact.extras["part_of"] = parent
            fact.fact_class = "part"
            fact.class_reason = "sub-count of an earlier figure in the sentence"
        elif parent is not None and ((mt.backref and not crossed_backref(sent[mt.start:mt.end], att.outcome)
                                      and (nearest is parent or nearest is None)) or (
                mt.bare and mt.count.vague and _COMMA_ONLY.fullmatch(sent, parent.span_end - offset, mt.start))):
            # "74 people were hurt, many with severe burns": a vague part right after its figure
            # "Four people were stabbed, one of whom was critically wounded"
            fact.extras["part_of"] = parent
            fact.fact_class = "part"
            fact.class_reason = "refers back to an earlier figure in the sentence"
        elif mt.backref or (mt.kind == "count" and _POSSESSIVE_PARTITIVE.match(sent, mt.start, mt.end)):
            fact.extras["backref"] = True  # "two of its students": a group named by whose they are
            fact.extras["backref_text"] = sent[mt.start:mt.end]
        if fact.fact_class != "part":
            last_by_outcome[att.outcome] = fact
            nearest = fact  # "32 died and 28 were injured, three of whom later died": "whom" is the nearest figure
        facts.append(fact)
    return facts


_AMONG_BEFORE = regex.compile(r"(?i)\bamong\s+(?:the|those)\s+(?:\w+\s+){0,2}?(?:were|are|was|is)\s+(?:at\s+least\s+)?\Z")
_COMMA_ONLY = regex.compile(r"\s*,(?:[^,;.()]{1,60},)?\s*")  # ", many", ", the ministry said, many"
_POSSESSIVE_PARTITIVE = regex.compile(r"\S+(?:\s+\S+)?\s+of\s+(?:its|his|her|their|our)\s", regex.I)


def _orphan_part(fact: Fact) -> bool:
    """"Fatalities included 3 police officers and a civilian": a listed group with no figure before it
    is counted itself, and so are the members coordinated with it."""
    return fact.rule.startswith("part:") and fact.fact_class != "part"


def crossed_backref(phrase: str, outcome: str) -> bool:
    """"two of the wounded died": the group referred to had another outcome, so this is not a part."""
    return outcome == "killed" and bool(regex.search(r"(?i)wounded|injured", phrase))


def _inside_parens(sent: str, pos: int, parent: Fact) -> bool:
    opening = sent.rfind("(", 0, pos)
    return opening != -1 and sent.find(")", opening) > pos and ")" not in sent[opening:pos]
