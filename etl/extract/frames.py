"""The count engine's frames: which outcome word each counted noun phrase of a sentence attaches to.

object  ("killing two soldiers"), subject ("Four civilians were killed"), toll ("the death toll rose to
40") and noun ("12 deaths"). Each frame fills ``attached`` (mention index -> Attachment) for the
mentions it decides and leaves the others to the next frame, in the order ``engine.sentence_facts``
runs them.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from etl.extract.attach import Attachment, dets_only, mention_starts_at, same_form
from etl.extract.counts import Mention, mention_from_match
from etl.extract.cues import cue
from etl.extract.guards import MONTH_DAY_BEFORE, active_object, is_noise, negated
from etl.extract.lexicon import load
from etl.extract.numbers import parse_number
from etl.extract.patterns import compiled
from etl.extract.prefilter import trigger_windows
from etl.extract.starts import candidate_starts
from etl.facts import Count


_DAY_DASH = regex.compile(r"\d{1,2}\s+[–—-]\s")
_YEAR_DASH = regex.compile(r"(?:1[89]|20)\d\d\s+[–—-]\s")
_PARTITIVE_WHOLE = regex.compile(r"(?i)[\w-]+\s+of\s+(?:the|those)\s+(?P<n>\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s")


def find_mentions(sent: str) -> list[Mention]:
    """The counted noun phrases of a sentence, left to right, tried only in its trigger windows."""
    p = compiled()
    mentions = []
    for start, end in trigger_windows(sent):
        taken_to = start
        for pos in candidate_starts(sent, start, end):
            if pos < taken_to or _YEAR_DASH.match(sent, pos) or (
                    _DAY_DASH.match(sent, pos) and MONTH_DAY_BEFORE.search(sent, max(0, pos - 12), pos)):
                continue  # "2005 – Scores of people were killed", "BOGOTA, May 21 - Two police officers": a date, then the figure
            m = p.np.match(sent, pos, end)
            if m is None:
                continue
            taken_to = m.end()
            mt = mention_from_match(m)
            if mt is not None and not is_noise(sent, mt) and (not mentions or mt.start >= mentions[-1].end):
                mentions.append(mt)
    return mentions


def object_frame(sent: str, mentions: list[Mention], attached: dict) -> list[tuple[Mention, Attachment]]:
    """Attach objects of active outcome verbs ("killing two soldiers", "police shot him dead"); return
    the extra (mention, attachment) pairs of a second verb ("beat and abduct a farmer")."""
    p, lex = compiled(), load()
    dets = dets_only()
    extra_objects: list[tuple[Mention, Attachment]] = []
    for m in cue("shot_him_dead").finditer(sent):  # "police shot him dead": the attacker's death
        if not negated(sent, m.start()):
            # "A gunman ... shot him dead": the victim told before, not the attacker
            group = None if cue("attacker_did_it_before").search(sent, 0, m.start()) else "perpetrator"
            extra_objects.append((Mention(m.start("obj"), m.end("obj"), Count(1, 1, 1), None, group, False,
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
                    if (last == "trig2" and outcome == "injured" and same_form(tm.group("trig"), tm.group("trig2"))
                            and lex.outcome_of(lex.active_triggers, tm.group("trig")) == "killed"):
                        break  # "killing and wounding more than 80": casualties of both kinds together, neither figure
                    if cue("to_death").match(sent, mt.end) or (outcome == "injured" and cue("then_killed_her").match(sent, mt.end)):
                        outcome = "killed"  # "shot his parents to death", "stabbed a student ... and killed her"
                    if (outcome in ("abducted", "arrested") or tm.group(last).lower().startswith("execut")) and (
                            mt.kind == "unknown_noun" and mt.category is None):
                        break  # "seized 19 rifles", "captured 3 towns", "executes dozens of variations": things, not people
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

    return extra_objects


def subject_frame(sent: str, mentions: list[Mention], attached: dict) -> None:
    """Attach subjects of outcome verbs ("Four civilians were killed", "16 killed")."""
    p, lex = compiled(), load()
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
        if norm == "in hospital" and not has_aux:
            continue  # "Two doctors in hospital said": being in hospital needs its verb ("were in hospital")
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
        if cue("wrongly_thought").search(sent, mt.end, tail.start("trig")):
            continue  # "a teenage girl who was initially thought to have died": she survived
        if mt.kind == "unknown_singular" and outcome not in ("killed", "injured"):
            continue
        if mt.kind == "bare_singular" and not (has_aux or cue("headline_start").fullmatch(sent, 0, mt.start)
                                               or cue("shared_determiner").search(sent, max(0, mt.start - 40), mt.start)):
            continue  # "Farmer killed in Selea." only as a headline-style sentence opening
        if mt.kind == "pronoun" and not has_aux and norm.split()[0] not in ("died", "perished", "succumbed") and not norm.startswith(
                ("suffered ", "sustained ")):
            continue  # "He died", "she suffered a broken spine"; not "he shot"
        if mt.kind in ("bareplural", "unknown_singular", "name") and not has_aux:
            continue
        if mt.kind == "bareplural" and cue("singular_aux").search(tail.group("aux")):
            continue  # "... security troops was shot dead": the plural is inside another subject
        if tail.group("participle") and not has_aux and not norm.startswith(("suffered ", "sustained ")):
            continue  # (but "A man sitting in a parked car nearby suffered minor burns")
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
        whole = _PARTITIVE_WHOLE.match(sent, mt.start, mt.end)
        if whole and cue("relative_pronoun").search(tail.group("aux")) and (parsed := parse_number(whole.group("n"))):
            # "Ten of the 26 people who were wounded were in critical condition": the clause tells the 26
            mentions[i] = replace(mt, start=whole.start("n"), count=Count(parsed[0], parsed[0], parsed[0]))
        attached[i] = Attachment(outcome, f"subject:{outcome}", tail.start("trig"), tail.end("trig"),
                                 trigger=trig)



def toll_frame(sent: str, mentions: list[Mention], attached: dict) -> None:
    """Attach the figure of a running toll ("the death toll rose to 40"); a "rose from 12 to 19" range
    becomes its last figure (``mentions`` is updated in place)."""
    p, lex = compiled(), load()
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



def noun_frame(sent: str, mentions: list[Mention], attached: dict) -> None:
    """Attach a figure to the outcome noun right after it ("12 deaths", "9 dead", "claimed 7 civilians' lives")."""
    p, lex = compiled(), load()
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
