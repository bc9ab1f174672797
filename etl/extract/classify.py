"""Classify each fact: news, part, background, repeat, perpetrator, cumulative.

Background cues are data (``etl/lexicon/background.yaml``): link lines, the killing a protest or
trial is about, and time expressions. For time expressions the one nearest to the figure in its
sentence decides, so "Gunmen opened fire on Friday, killing four" stays news even when the same
sentence recalls "a similar attack last month". Only sentences that carry facts are looked at, and
every pattern is compiled once.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date

import regex

from etl.extract.background_rules import Rule, perfect_pattern, reference_date, rules, time_effect
from etl.extract.overlaps import SHORT_REPORT
from etl.extract.sentences import split_sentences
from etl.facts import Fact

# a sentence without figures passes its date on only when it tells of a violent event
_EVENT_WORD = regex.compile(r"\b(?:attack|bomb|shoot|shot|kill|clash|raid|explo|blast|crash|massacr|ambush|storm"
                            r"|struck|fight|violen|fire[ds]?\b|gunm|assault|stab|siege|war\b|earthquake|flood|smash|collid|collision|capsiz|sank|derail|collaps|plung|overturn|rammed|gave\s+way)", regex.I)
_FINITE = regex.compile(r"\b(?:was|were|is|are|has|have|had|happened|occurred|took)\b|\b\w{3,}ed\b", regex.I)
_COMMA = regex.compile(r",(?!\d{3})")  # not the comma inside "3,000"
_SENTENCE_END = regex.compile(r"[.!?][\"”’')]*\Z")
# a past time expression AFTER the figure dates it only within its clause: not across another verb
# ("accused of killing one ... had served in the military in the late 1990s")
_OTHER_CLAUSE = regex.compile(r"[;]|\b(?:had|has|have|was|were|is|are|said|says|told|will|would|ruled|rules|announced|"
                           r"declared|decided|ordered|confirmed|reported|stated|wrote|warned|urged)\b", regex.I)
AFTER_REACH = 120
# a sentence that tells a new occurrence does not continue the background of the one before
_NEW_EVENT = regex.compile(r"\b(?:again|another|meanwhile|separately|in\s+a\s+separate)\b", regex.I)




@dataclass
class _Cue:
    rule: Rule
    start: int
    end: int
    effect: str | None  # past | recent | None (neutral: dates nothing)
    masked_from: int | None = None  # inside a comparison starting here: dates nothing before it
    note: str = ""  # what a date or year was compared with, for the audit trail


def _time_cues(sent: str, spans: list[tuple[int, int]], get_ref, exact: bool, note: bool = False) -> list[_Cue]:
    cues: list[_Cue] = []
    masks: list[tuple[int, int]] = []
    for rule in rules():
        if rule.kind == "mask":
            masks.extend(m.span() for m in rule.pattern.finditer(sent))
        elif rule.kind == "time":
            for m in rule.pattern.finditer(sent):
                cue = _Cue(rule, m.start(), m.end(), time_effect(rule, m, get_ref, exact, note))
                if rule.compare and m.groupdict().get("year" if rule.compare == "year" else "day"):
                    ref = get_ref()
                    cue.note = (f"compared with {ref.isoformat()}, "
                                f"{'the publication date' if exact else 'the latest date in the text'}"
                                if ref else "no publication date or full date in the text")
                cues.append(cue)
    for c in cues:
        c.masked_from = min((a for a, b in masks if a <= c.start and c.end <= b), default=None)
    dates = [(c.start, c.end) for c in cues if c.rule.compare == "date"]
    # a year inside a full date, or one that is itself a figure, is not a separate cue
    return [c for c in cues if not (c.rule.compare == "year" and any(
        a < c.end and c.start < b for a, b in dates + spans))]


def _requires_ok(rule: Rule, fact: Fact, sent: str, s: int, e: int) -> bool:
    req = rule.requires
    if not req:
        return True
    if req.get("perfect"):
        window = sent[max(0, s - 60):min(len(sent), e + 40)]
        if not perfect_pattern().search(window):
            return False
    if "min_best" in req:
        lexeme = regex.sub(r"\s+of\Z", "", " ".join((fact.count.lexeme or "").lower().split()))
        if fact.best < int(req["min_best"]) and lexeme not in [str(x).lower() for x in req.get("or_lexeme", [])]:
            return False
    return True


_PLACE_COMMAS = regex.compile(r",\s*(?-i:\p{Lu}[\p{L}.'’-]*)(?:\s+(?-i:\p{Lu}[\p{L}.'’-]*)){0,2}\s*,")
_PLACE_APPOSITION = regex.compile(r"\s*(?-i:\p{Lu}[\p{L}.'’-]*)(?:\s+(?-i:\p{Lu}[\p{L}.'’-]*)){0,2}\s+(?:in|on|during|at)?\s*")


def _aside(sent: str, c: _Cue, s: int, e: int) -> bool:
    """Is the cue inside a comma-enclosed aside that does not hold the figure?
    ("Last night, a year after a similar raid, gunmen killed five guards")"""
    if c.end > s:  # only an aside before the figure ("a place, South Carolina, last June" dates it)
        return False
    commas = [m.start() for m in _COMMA.finditer(sent)]
    left = max((i for i in commas if i < c.start), default=-1)
    right = min((i for i in commas if i >= c.end), default=-1)
    if left == -1 or right == -1 or left < s < right or left < e <= right:
        return False
    if _PLACE_APPOSITION.fullmatch(sent, left + 1, c.start):
        return False  # "over Lockerbie, Scotland in 1988, killing 270": a place's country, then the clause's date
    if _PLACE_COMMAS.match(sent, right):
        return False  # "the 2012 Newtown, Connecticut, school massacre that killed": the commas hold a state's name
    inside = sent[left:c.start] + " " + sent[c.end:right]
    # a verbless aside only: "in 1998, when three bears killed" is a clause, not an aside
    return (right - left <= 80 and not regex.search(r"[;:()\u2013\u2014]", sent[left:right])
            and not _FINITE.search(inside))


def _other_clause(sent: str, e: int, start: int, spans: list[tuple[int, int]]) -> bool:
    """Does another verb stand between the figure and a later cue? Words inside other figures
    ("... died and another 7,457 were injured last year") do not count."""
    gap = list(sent[e:start])
    for a, b in spans:
        for i in range(max(a, e), min(b, start)):
            gap[i - e] = " "
    return bool(_OTHER_CLAUSE.search("".join(gap)))


_THE_EVENT_WHICH = regex.compile(
    r"(?i)\bthe\s+(?:[\w-]+\s+){0,2}?(?P<ev>attack|bombing|shooting|massacre|crash|blast|explosion|stabbing|rampage|siege|raid)s?"
    r"\s+(?:in\s+which|that\s+killed|which\s+killed|that\s+left|which\s+left)\b[^.;]{0,60}\Z")


def _earlier_event_named(text: str, start: int, sent: str, pos: int, get_ref, exact: bool) -> str | None:
    """"... fugitive from November's Paris attacks ... the attacks in which 130 people were killed": a figure in
    a clause about "the <event>" that an earlier sentence dated before the news window. Returns the event word."""
    m = _THE_EVENT_WHICH.search(sent, max(0, pos - 120), pos)
    if m is None:
        return None
    event = m.group("ev").lower()
    for earlier in regex.finditer(rf"(?i)[^.\n]*\b{event}s?\b[^.\n]*", text[:start]):
        words = [w.start() for w in regex.finditer(rf"(?i)\b{event}s?\b", earlier.group())]
        for cue in _time_cues(earlier.group(), [], get_ref, exact):  # "November's Paris attacks"
            if cue.effect == "past" and any(0 <= w - cue.end <= 40 for w in words):
                return event
    return None


def _nearest_time(fact: Fact, sent: str, s: int, e: int, cues: list[_Cue],
                  spans: list[tuple[int, int]] = ()) -> _Cue | None:
    has_recent = any(c.effect == "recent" for c in cues)
    best, best_key = None, None
    for c in cues:
        if c.effect is None or (c.rule.direction == "after" and c.start >= s):
            continue
        if c.rule.direction == "after" and _COMMA.search(sent, c.end, s):
            continue  # "Two days after bombs killed 31, a guard was murdered": the guard is news
        if c.masked_from is not None and s < c.masked_from:
            continue  # "killed on Friday in the deadliest attack since 2015" (but not "since 2017, when 30 were killed")
        if c.effect == "past" and (c.rule.weak and has_recent or not _requires_ok(c.rule, fact, sent, s, e)):
            continue
        gap = 0 if c.start < e and s < c.end else (s - c.end if c.end <= s else c.start - e)
        if c.start >= e and ((c.effect == "past" and gap > AFTER_REACH) or _other_clause(sent, e, c.start, spans)):
            continue  # (a time after another verb belongs to that clause: "... 6 adults dead, a judge ruled on Thursday")
        if c.effect == "past" and gap and _aside(sent, c, s, e):
            continue
        # a weak cue only when nothing else dates the figure; on a tie the news reading wins
        key = (c.rule.weak, gap, 0 if c.effect == "recent" else 1)
        if best_key is None or key < best_key:
            best, best_key = c, key
    return best


def _cue(fact: Fact, text: str, sent: str, s: int, lead: str) -> tuple[Rule, str] | None:
    """A decisive (kind: cue) rule that fires for this fact, with the words that fired it (``lead``: the
    document's first sentence, for rules of scope lead)."""
    for rule in rules():
        if rule.kind != "cue":
            continue
        if rule.scope == "line":
            a = text.rfind("\n", 0, fact.span_start) + 1
            b = text.find("\n", fact.span_start)
            m = rule.pattern.search(text[a:b if b != -1 else len(text)])
        elif rule.scope == "block":
            m = _link_block(rule, text, fact.span_start)
        elif rule.scope == "sentence":
            m = rule.pattern.search(sent)
        elif rule.scope == "lead":
            m = rule.pattern.search(lead)
        else:
            m = None
            for cand in rule.pattern.finditer(sent, max(0, s - rule.reach - 200), min(len(sent), s + 40)):
                if cand.start() < s:  # the cue may end inside the figure ("protested over the deaths of 12")
                    m = cand
            if m is not None and (s - m.end() > rule.reach or rule.stop.search(sent, m.end(), max(s, m.end()))):
                m = None
        if m is not None:
            return rule, m.group(0)
    return None


def _lead(text: str, bounds: list[tuple[int, int]]) -> str:
    """The document's first sentence (with the next, when the first is a headline or dateline: no full stop)."""
    if not bounds:
        return text[:400]
    first = text[bounds[0][0]:bounds[0][1]]
    end = bounds[1][1] if len(bounds) > 1 and not _SENTENCE_END.search(first.rstrip()) else bounds[0][1]
    return text[bounds[0][0]:end]


def _link_block(rule: Rule, text: str, pos: int):
    """The header line above a run of link-like lines (short, no sentence stop) holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start:end if end != -1 else len(text)].strip()
    for _ in range(8):
        if not line or len(line) > 160 or _SENTENCE_END.search(line) or start == 0:
            return None
        end = start - 1
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        m = rule.pattern.search(line)
        if m is not None:
            return m
    return None


def _why(rule: Rule, words: str, note: str = "") -> str:
    words = " ".join(words.split())
    return f"{rule.name}: {words!r} - {rule.reason}" + (f"; {note}" if note else "")


# A toll of 5,000 killed (50,000 injured) or more is almost always a war, famine or historical total; as
# news it needs a time of
# its own ("on Friday", "this week") in its sentence ("six million Jews who perished" is not news).
LARGE_TOTAL = 5_000
_PERFECT_BEFORE = regex.compile(r"\b(?:has|have|had)\s+(?:now\s+|already\s+|so\s+far\s+)?(?:killed|left|claimed|cost)\b", regex.I)


def classify(text: str, facts: list[Fact], published: date | None = None,
             sentences: list[tuple[int, int]] | None = None) -> None:
    """Set ``fact_class`` and ``class_reason`` on each fact (in place); parts are left alone.

    >>> from etl.extract import extract
    >>> [(f.best, f.fact_class) for f in extract("Four people were killed on Friday. "
    ...  "A similar attack last month killed 12 people.")]
    [(4, 'news'), (12, 'background')]
    """
    for fact in facts:
        if fact.fact_class == "part":
            continue
        if fact.victim_category == "perpetrator":
            fact.fact_class = "perpetrator"
            fact.class_reason = "the attacker's own death or injury"
        elif fact.count_anchor == "cumulative":
            fact.fact_class = "cumulative"
            fact.class_reason = "a running toll that replaces earlier figures"
    todo = [f for f in facts if f.fact_class != "part"]
    if not todo:
        return
    bounds = sentences if sentences is not None else split_sentences(text)
    starts = [a for a, _ in bounds]
    ref_cache: list[date | None] = []

    def get_ref() -> date | None:  # only read the whole text when a date or year needs comparing
        if not ref_cache:
            ref_cache.append(reference_date(text, published))
        return ref_cache[0]
    by_sentence: dict[int, list[Fact]] = {}
    for fact in todo:
        idx = max(0, bisect.bisect_right(starts, fact.span_start) - 1)
        by_sentence.setdefault(idx, []).append(fact)
    exact = published is not None
    lead = _lead(text, bounds)
    # "The 2016 Brussels bombings ... killed 32": in an undated event note, a year up to the first figure's
    # sentence dates the note's own event (a year after it still marks an earlier one)
    first = min(f.span_start for f in todo)
    # (a note with a day date of its own, "on 25 June ... January's bombing", keeps its months apart)
    note = len(text) < SHORT_REPORT and not any(r.compare == "date" and r.pattern.search(text) for r in rules())
    dated: dict[int, bool] = {}  # sentence -> all its figures are dated before the news window

    def previous_dated(idx: int, hops: int = 2) -> bool:
        """Is the sentence before ``idx``, in the same paragraph, about an earlier event? A sentence with no
        figure, event word or time of its own is passed over (at most ``hops`` of them)."""
        p = idx - 1
        if p < 0 or "\n" in text[bounds[p][1]:bounds[idx][0]]:
            return False
        if p in by_sentence:
            return dated.get(p, False)
        prev = text[bounds[p][0]:bounds[p][1]]
        effects = {c.effect for c in _time_cues(prev, [], get_ref, exact, note and bounds[p][0] <= first)
                   if c.effect and not c.rule.requires and c.masked_from is None}
        if not _EVENT_WORD.search(prev):  # "... was expecting a baby girl in July." dates no event
            # "Survivors had told investigators the staircase was blocked." between the dated toll and "Some 20
            # others were injured" tells no event of its own
            return not effects and hops > 0 and previous_dated(p, hops - 1)
        return effects == {"past"}  # "Al-Shabab attacked Kenyan peacekeepers last week."

    for idx in sorted(by_sentence):
        group = by_sentence[idx]
        a, b = bounds[idx] if bounds else (0, len(text))
        sent = text[a:b]
        spans = [(f.span_start - a, f.span_end - a) for f in facts if a <= f.span_start < b]
        cues = _time_cues(sent, spans, get_ref, exact, note and a <= first)
        inherit = (bounds and not any(c.effect and not c.rule.requires and c.masked_from is None for c in cues)
                   and not _NEW_EVENT.search(sent) and previous_dated(idx))
        all_dated = True
        for fact in group:
            s, e = fact.span_start - a, fact.span_end - a
            hit = _cue(fact, text, sent, s, lead)
            if hit is not None:
                fact.fact_class, fact.class_reason = "background", _why(*hit)
                all_dated = False
                continue
            near = _nearest_time(fact, sent, s, e, cues, spans)
            if near is not None and near.effect == "past":
                fact.fact_class = "background"
                fact.class_reason = _why(near.rule, sent[near.start:near.end], near.note)
            elif inherit:
                fact.fact_class = "background"
                fact.class_reason = (f"same_paragraph: follows sentence {idx - 1} about an earlier event, "
                                     "with no time of its own")
            elif near is None and (dated_event := _earlier_event_named(text, a, sent, s, get_ref, exact)):
                fact.fact_class = "background"
                fact.class_reason = f"earlier_event_ref: 'the {dated_event}' named earlier with a past date"
            elif fact.best >= LARGE_TOTAL * (1 if fact.outcome == "killed" else 10) and fact.outcome in ("killed", "injured") and (
                    near is None or _PERFECT_BEFORE.search(sent, max(0, s - 30), e)):
                fact.fact_class = "background"
                fact.class_reason = (f"scale: {fact.best:,} {fact.outcome} without a time of the news of its own "
                                     "is a long-period total (war, famine, history), not one event")
            else:
                all_dated = False
        dated[idx] = all_dated
