"""The count engine: attach counted noun phrases to outcome words by grammatical frame.

Frames (see lexicon/outcomes.yaml): subject ("Four civilians were killed"), object
("killing two soldiers"), noun ("12 deaths"), toll ("the death toll rose to 40"), plus
coordination ("two soldiers and three militants") and sub-counts ("including two students").
"""
from __future__ import annotations

from dataclasses import replace

import regex

from etl.extract.attach import (Attachment, attach_along_with, attach_elliptical, attach_subcounts, coordinate,
                                dets_only, mention_starts_at, merge_adjectival, same_form, some_fatally)
from etl.extract.counts import Mention, mention_from_match
from etl.extract.cues import cue
from etl.extract.guards import active_object, is_noise, negated
from etl.extract.lexicon import load
from etl.extract.named import named_with_ages
from etl.extract.patterns import compiled
from etl.extract.prefilter import mentions_outcome, trigger_windows
from etl.extract.starts import candidate_starts
from etl.facts import Count, Fact

def sentence_facts(sent: str, offset: int, before: str = "") -> list[Fact]:
    """Facts of one sentence; spans are offsets into the whole text (``offset`` = sentence start);
    ``before`` is some preceding text, read only to tell whose death a pronoun reports."""
    p = compiled()
    lex = load()
    if not mentions_outcome(sent):
        return []
    mentions = []
    for start, end in trigger_windows(sent):
        taken_to = start
        for pos in candidate_starts(sent, start, end):
            if pos < taken_to:
                continue
            m = p.np.match(sent, pos, end)
            if m is None:
                continue
            taken_to = m.end()
            mt = mention_from_match(m)
            if mt is not None and not is_noise(sent, mt) and (not mentions or mt.start >= mentions[-1].end):
                mentions.append(mt)
    mentions, adjectival = merge_adjectival(sent, mentions)
    attached: dict[int, Attachment] = {}

    dets = dets_only()
    extra_objects: list[tuple[Mention, Attachment]] = []
    for m in cue("shot_him_dead").finditer(sent):  # "police shot him dead": the attacker's death
        if not negated(sent, m.start()):
            extra_objects.append((Mention(m.start("obj"), m.end("obj"), Count(1, 1, 1), None, "perpetrator", False,
                                          False, True, kind="object_pronoun"),
                                  Attachment("killed", "object:killed", m.start(), m.end("verb"), trigger=m.group("verb"))))
    for hm in cue("sent_to_hospital_verb").finditer(sent):  # "sent three firefighters to the hospital"
        det_end = dets.match(sent, hm.end("verb")).end()
        for i, mt in enumerate(mentions):
            if mt.start == det_end and i not in attached and not mt.bare and mt.kind in ("count", "unknown_noun") \
                    and cue("to_hospital").match(sent, mt.end) and not negated(sent, hm.start()):
                attached[i] = Attachment("injured", "object:injured", hm.start("verb"), hm.end("verb"),
                                         trigger=hm.group("verb"))
                break
    for tm in p.active.finditer(sent):
        word = tm.group("trig")
        if negated(sent, tm.start()) or (
                word.lower().endswith(("ed", "ing")) and " " not in word
                and cue("adjectival_before").search(sent, max(0, tm.start() - 8), tm.start())):
            continue  # "The wounded soldier", "the shooting suspect": an adjective, not a verb
        if word[:1].isupper() and sent[:tm.start()].strip():
            continue  # "Beats 1" radio: a capitalised name, not a verb
        if word.lower() in lex.grammar["death_only_verbs"] and not cue("to_death").match(sent, tm.end("trig")):
            continue  # "burning 8 people to death" counts; "burning two due" does not
        if word.lower() in ("shot", "shoot", "shoots", "shooting") and cue("shot_at").match(sent, tm.end("trig")):
            continue  # "shot at people": fired at, nobody hit
        if cue("killed_or_before").search(sent, max(0, tm.start() - 15), tm.start()):
            continue  # "killed or wounded 30 people": casualties of unknown kind
        last = "trig2" if tm.group("trig2") else "trig"
        det_end = dets.match(sent, tm.end(last)).end()
        for i, mt in enumerate(mentions):
            if mt.start in (det_end, tm.end(last) + 1) or (tm.end(last) < mt.start <= det_end):
                if i not in attached and mentions[i].kind not in ("pronoun", "unknown_singular", "name",
                                                                  "object_pronoun"):
                    outcome = lex.outcome_of(lex.active_triggers, tm.group(last))
                    if cue("to_death").match(sent, mt.end) or (outcome == "injured" and cue("then_killed_her").match(sent, mt.end)):
                        outcome = "killed"  # "shot his parents to death", "stabbed a student ... and killed her"
                    if outcome in ("abducted", "arrested") and mt.kind == "unknown_noun" and mt.category is None:
                        break  # "seized 19 rifles", "captured 3 towns": things, not people
                    if mt.kind == "bareplural" and (outcome != "killed" or negated(sent, tm.start())
                                                    or not tm.group(last).lower().endswith("ed")
                                                    or mt.category in (None, "unknown")):
                        break  # "beat protesters", "to kill soldiers", "killed people": only "killed militants" counts (2)
                    attached[i] = Attachment(outcome, f"object:{outcome}", tm.start(last), tm.end(last),
                                             trigger=tm.group(last))
                    first = lex.outcome_of(lex.active_triggers, tm.group("trig"))
                    if (last == "trig2" and first != outcome and same_form(tm.group("trig"), tm.group("trig2"))
                            and {first, outcome} != {"killed", "injured"}):
                        # "beat and abduct a farmer": both happened to the farmer
                        extra_objects.append((mt, Attachment(first, f"object:{first}", tm.start("trig"),
                                                             tm.end("trig"), trigger=tm.group("trig"))))
                break

    for i, mt in enumerate(mentions):
        if i in attached:
            continue
        tail = p.subject_tail.match(sent, mt.end)
        if not tail:
            continue
        if tail.start("trig") > mt.end + 1 and cue("share_of_before").search(sent, max(0, mt.start - 30), mt.start):
            continue  # "Most of the 300 passengers were killed": an unknown share of the 300
        trig = tail.group("trig")
        outcome = lex.outcome_of(lex.subject_triggers, trig)
        norm = " ".join(trig.lower().split())
        aux_words = tail.group("aux").lower().split()
        perfect = bool(aux_words) and aux_words[-1] in ("have", "has", "had")
        if ((not aux_words and norm in lex.active_triggers) or perfect) and (
                active_object(sent, tail.end()) or mention_starts_at(sent, mentions, tail.end())):
            continue  # "five gunmen killed 3 people", "one of them is believed to have shot and killed the other",
            # "a gunman who had slain five officers"
        has_aux = bool(cue("real_aux").search(tail.group("aux")))
        if not has_aux and i > 0 and p.conj.fullmatch(sent[mentions[i - 1].end:mt.start]) and p.part_cue_before.search(
                sent, max(0, mentions[i - 1].start - 40), mentions[i - 1].start):
            continue  # "killing 15 people, including 13 policemen and 1 soldier killed": the last member of the list
        if not has_aux and norm in lex.active_triggers and cue("relative_pronoun").search(tail.group("aux")):
            continue  # "a bomber who killed ...": a relative clause with an active verb
        if not has_aux and mt.bare and norm in ("shot", "stabbed", "beaten", "hit"):
            continue  # "one shot every three seconds": a bare figure needs a noun or an auxiliary here
        if norm in ("shot", "shooting") and cue("shot_at").match(sent, tail.end()):
            continue
        if mt.kind in ("object_name",):
            continue
        if mt.kind == "unknown_singular" and outcome not in ("killed", "injured"):
            continue
        if mt.kind == "bare_singular" and not (has_aux or cue("headline_start").fullmatch(sent, 0, mt.start)
                                               or cue("shared_determiner").search(sent, max(0, mt.start - 40), mt.start)):
            continue  # "Farmer killed in Selea." only as a headline-style sentence opening
        if mt.kind == "pronoun" and not has_aux and norm not in ("died", "perished") and not norm.startswith(
                ("suffered ", "sustained ")):
            continue  # "He died", "she suffered a broken spine"; not "he shot"
        if mt.kind in ("bareplural", "unknown_singular", "name") and not has_aux:
            continue
        if mt.kind == "bareplural" and cue("singular_aux").search(tail.group("aux")):
            continue  # "... security troops was shot dead": the plural is inside another subject
        if tail.group("participle") and not has_aux:
            continue
        if norm == "hurt" and cue("feelings").search(sent, max(0, tail.start("trig") - 30), tail.end("trig") + 30):
            continue  # "people are disappointed and hurt and angry": feelings, not injuries
        if cue("or_outcome").match(sent, tail.end()):
            continue  # "killed or wounded": casualties of unknown kind
        if mt.kind == "name" and outcome != "killed":
            continue
        if outcome == "injured" and (cue("later_died").match(sent, tail.end()) or (
                cue("relative_pronoun").search(tail.group("aux")) and cue("relative_then_died").match(sent, tail.end()))):
            outcome = "killed"  # "was shot and later died", "A policeman who was shot ... succumbed to his wounds"
        first = (tail.group("first") or "").lower()
        if first in ("killed", "wounded", "injured") and outcome not in ("killed", "injured"):
            outcome = lex.subject_triggers[first]  # "A third assailant was wounded and captured": the casualty is the wound
        attached[i] = Attachment(outcome, f"subject:{outcome}", tail.start("trig"), tail.end("trig"),
                                 trigger=trig)

    for tm in p.toll.finditer(sent):
        for i, mt in enumerate(mentions):
            if mt.singular or mt.kind not in ("count", "unknown_noun", "total"):
                continue  # "announced the death toll at a news conference": a toll is a figure
            if mt.start == tm.end() or (tm.end() <= mt.start <= tm.end() + 12 and
                                        cue("toll_gap").match(sent, tm.end(), mt.start)):
                outcome = lex.outcome_of(lex.toll_triggers, tm.group("trig"))
                if tm.group(0).rstrip().lower().endswith("from"):
                    if mt.count.qualifier != "range":
                        break  # "the toll from the blast": not a figure
                    high = mt.count.high  # "rose from 12 to 19": the toll is now 19
                    mentions[i] = replace(mt, count=Count(high, high, high))
                attached[i] = Attachment(outcome, f"toll:{outcome}", tm.start("trig"), tm.end(), "cumulative")
                nxt = i + 1
                if nxt < len(mentions) and not mentions[nxt].singular and cue("toll_revised").match(
                        sent, mt.end, mentions[nxt].start):  # "initially put at 40, then revised to 47"
                    gap = sent[mt.end:mentions[nxt].start]
                    start = mt.end + len(gap) - len(gap.lstrip(" ,"))
                    attached[nxt] = Attachment(outcome, f"toll:{outcome}", start, mentions[nxt].start, "cumulative")
                break

    for i, mt in enumerate(mentions):
        if i in attached:
            continue
        if not (mt.bare or mt.kind == "unknown_noun"):
            if cue("lives_after").match(sent, mt.end) and cue("claimed_before").search(sent, 0, mt.start):
                attached[i] = Attachment("killed", "noun:killed", mt.end, cue("lives_after").match(sent, mt.end).end(),
                                         trigger="lives")  # "claimed 7 civilians' lives"
            continue
        nm = p.noun_after.match(sent, mt.end)
        if nm and mt.kind == "unknown_noun" and nm.group("trig").lower().endswith("ed"):
            nm = None  # "Two separate explosions killed ...": a verb after a noun, not "16 killed"
        if nm and nm.group("trig").lower() in ("wounds", "injuries") and cue("wounds_described_before").search(
                sent, max(0, mt.start - 20), mt.start):
            nm = None  # "with multiple gunshot wounds": how a person is hurt, not how many people
        if nm:
            outcome = lex.outcome_of(lex.noun_triggers, nm.group("trig"))
            attached[i] = Attachment(outcome, f"noun:{outcome}", nm.start("trig"), nm.end("trig"))

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
                 if not any(a < f.span_end - offset and f.span_start - offset < b for a, b in taken))
    facts.sort(key=lambda f: f.span_start)
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
        elif parent is not None and ((mt.backref and not crossed_backref(sent[mt.start:mt.end], att.outcome)) or (
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
