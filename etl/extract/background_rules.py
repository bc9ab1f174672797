"""Background rules (``etl/lexicon/background.yaml``): load, validate and compile them, and date a
matched time expression against the reference date (past, recent or neither)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import regex

from etl.extract.lexicon import LexiconError, read_yaml

FILE = "background.yaml"
_KINDS = ("cue", "time", "mask")
_SCOPES = ("line", "block", "sentence", "before", "lead")
_EFFECTS = ("past", "recent")
_MONTHS = {m: n for n, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
RECENT_DAYS = 7  # a date at most this many days before the reference date is the news window


@dataclass(frozen=True)
class Rule:
    """One background cue as loaded from background.yaml."""

    name: str
    kind: str
    pattern: regex.Pattern
    reason: str
    effect: str = "past"
    scope: str = "sentence"
    reach: int = 120
    stop: regex.Pattern | None = None  # what may not stand between a `before` cue and the figure
    direction: str = "both"
    compare: str | None = None
    unknown: str = "neutral"
    weak: bool = False
    absolute: bool = False  # a calendar month or year: in an undated note's lead it dates the note's own event
    requires: dict = field(default_factory=dict)
    examples: tuple = ()
    counter_examples: tuple = ()


def _expand(name: str, pattern: str, fragments: dict[str, str]) -> str:
    def sub(m):
        key = m.group(1)
        if key not in fragments:
            raise LexiconError(f"{FILE}: rule {name!r}: field 'pattern' uses unknown fragment {{{key}}}")
        return fragments[key]
    return regex.sub(r"\{([A-Z_]+)\}", sub, pattern)


def load_rule(raw: dict, fragments: dict[str, str]) -> Rule:
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise LexiconError(f"{FILE}: a rule has no 'name'")

    def bad(fld, allowed):
        raise LexiconError(f"{FILE}: rule {name!r}: field {fld!r} must be one of {'|'.join(allowed)}")
    kind = raw.get("kind")
    if kind not in _KINDS:
        bad("kind", _KINDS)
    if raw.get("scope", "sentence") not in _SCOPES:
        bad("scope", _SCOPES)
    if raw.get("effect", "past") not in _EFFECTS:
        bad("effect", _EFFECTS)
    if raw.get("compare") not in (None, "year", "date"):
        bad("compare", ("year", "date"))
    if not isinstance(raw.get("pattern"), str) or not isinstance(raw.get("reason"), str):
        raise LexiconError(f"{FILE}: rule {name!r}: fields 'pattern' and 'reason' must be text")
    flags = regex.V0 | (0 if raw.get("case_sensitive") else regex.IGNORECASE)
    if raw.get("scope") in ("line", "block"):
        flags |= regex.MULTILINE
    try:
        pattern = regex.compile(_expand(name, raw["pattern"], fragments), flags)
    except regex.error as exc:
        raise LexiconError(f"{FILE}: rule {name!r}: field 'pattern' is not a valid regex: {exc}") from exc
    needs = {"year": "year", "date": "day"}.get(raw.get("compare"))
    if needs and needs not in pattern.groupindex:
        raise LexiconError(f"{FILE}: rule {name!r}: field 'pattern' needs a (?<{needs}>...) group for compare")
    return Rule(name=name, kind=kind, pattern=pattern, reason=raw["reason"], effect=raw.get("effect", "past"),
                scope=raw.get("scope", "sentence"), reach=int(raw.get("reach", 120)),
                stop=regex.compile(raw.get("stop", "[;]")),
                direction=raw.get("direction", "both"), compare=raw.get("compare"),
                unknown=raw.get("unknown", "neutral"), weak=bool(raw.get("weak")), absolute=bool(raw.get("absolute")),
                requires=dict(raw.get("requires") or {}),
                examples=tuple(raw.get("examples") or ()), counter_examples=tuple(raw.get("counter_examples") or ()))


@functools.cache
def rules() -> tuple[Rule, ...]:
    """The background rules, validated and compiled (once per process)."""
    data = read_yaml(FILE)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise LexiconError(f"{FILE}: needs 'fragments' (mapping) and 'rules' (list)")
    fragments = {k: str(v) for k, v in (data.get("fragments") or {}).items()}
    loaded = tuple(load_rule(raw, fragments) for raw in data["rules"])
    names = [r.name for r in loaded]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise LexiconError(f"{FILE}: rule names must be unique: {dupes}")
    return loaded


@functools.cache
def perfect_pattern() -> regex.Pattern:
    """The has/have perfect of an outcome verb (``requires: {perfect: true}``), from the PERFECT fragment."""
    return regex.compile(read_yaml(FILE)["fragments"]["PERFECT"], regex.IGNORECASE)


@functools.cache
def _full_date() -> regex.Pattern:
    month = read_yaml(FILE)["fragments"]["MONTH"]
    return regex.compile(rf"(?<month>{month})\s+(?<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?<year>(?:19|20)\d\d)\b"
                         rf"|\b(?<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<month>{month}),?\s+(?<year>(?:19|20)\d\d)\b"
                         r"|\b(?<year>(?:19|20)\d\d)-(?<mnum>[01]\d)-(?<day>[0-3]\d)\b")


def _month_number(word: str | None) -> int | None:
    return _MONTHS.get((word or "").strip(". ").lower()[:3]) if word else None


def date_of(m, default_year: int | None) -> date | None:
    groups = m.groupdict()
    month = int(groups["mnum"]) if groups.get("mnum") else _month_number(groups.get("month"))
    year = groups.get("year")
    try:
        return date(int(year) if year else default_year, month, int(m.group("day")))
    except (TypeError, ValueError):
        return None


def reference_date(text: str, published: date | None = None) -> date | None:
    """The publication date, or else the latest full date written in the text (a dateline,
    "Updated July 8, 2016"), or None.

    >>> reference_date("Posted Jan. 21, 2016; updated January 22, 2016.")
    datetime.date(2016, 1, 22)
    """
    if published is not None:
        return published
    found = [d for m in _full_date().finditer(text) if (d := date_of(m, None)) is not None]
    return max(found) if found else None


def time_effect(rule: Rule, m, get_ref, exact: bool, note: bool = False) -> str | None:
    """past / recent / None for one matched time expression; ``exact``: ref is the publication date;
    ``note``: the text is a short event note, whose undated year dates its own event."""
    if note and rule.absolute and get_ref() is None:
        return None  # "The 2016 Brussels bombings ...", "verified that in October, 57 ...": the note's own event
    if rule.compare is None:
        return rule.effect
    ref = get_ref()
    if ref is None:
        return rule.effect if rule.unknown == "past" else None
    if rule.compare == "year":
        year = int(m.groupdict()["year"])
        if year < ref.year:
            return "past"
        # a reference inferred from the text is only a lower bound: later years are still unknown
        return rule.effect if not exact and rule.unknown == "past" else None
    if "day" not in m.groupdict() or not m.group("day"):
        return rule.effect  # a branch without a date (e.g. "9/11")
    when = date_of(m, ref.year)
    if when is None:
        return None
    if not m.groupdict().get("year") and when > ref:
        if not exact:  # a date inferred from the text is only a lower bound of the publication date
            return rule.effect if rule.unknown == "past" else None
        when = date_of(m, ref.year - 1)
        if when is None:  # "Feb. 29" of a year that had none
            return None
    days = (ref - when).days
    if days > RECENT_DAYS:
        return "past"
    return "recent" if days >= -1 else None

