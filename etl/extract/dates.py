"""Event date and UCDP date precision of a fact (lexicon/dates.yaml), resolved against ``published``.

Hand-written resolution of the few phrases news uses (no dateparser: it is slow and would need the
clock). A fact takes the date phrase nearest to it in its sentence, then the sentence before, then the
one after; a running toll (``count_anchor == "cumulative"``) only its own sentence, because a toll
covers a period, not the day a neighbouring sentence talks about. A phrase that cannot be resolved
(relative, or without a year, and no publication date) still ends the search: event_date stays null.
"""
from __future__ import annotations

import functools
from datetime import date, timedelta

import regex

from etl.extract.context import Hit, data_of, note, pick, rules_of
from etl.extract.lexicon import LexiconError

FILE = "dates.yaml"
MONTHS = {m: i for i, ms in enumerate(
    [(), ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")]) for m in ms}
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10}
KINDS = {"slash", "ymd", "dmy", "range", "month", "year", "weekday", "offset", "overnight", "days_ago", "weekend",
         "week", "month_rel", "month_no_year", "year_rel"}
_NOT_AFTER = r"(?!\s+(?:Street|St\.|Square|Avenue|Road|Bridge|Movement|Revolution|Brigade|Stadium|Hospital|University|Times))"


@functools.cache
def _compiled() -> tuple[regex.Pattern, dict[str, dict]]:
    pieces = data_of(FILE).get("pieces") or {}
    branches, groups = [], {}
    for n, rule in enumerate(rules_of(FILE, "rules")):
        name, kind, pattern = rule["rule"], rule.get("kind"), rule.get("pattern")
        if kind not in KINDS or not isinstance(pattern, str):
            raise LexiconError(f"{FILE}: rule {name!r}: 'kind' must be one of {sorted(KINDS)} and 'pattern' a string")
        for key, value in pieces.items():
            pattern = pattern.replace("{" + key + "}", value)
        # each rule's named groups get a rule prefix so one alternation can hold them all
        pattern = regex.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<r{n}_{m.group(1)}>", pattern)
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise LexiconError(f"{FILE}: rule {name!r}: bad pattern: {exc}") from exc
        groups[f"r{n}"] = rule
        branches.append(f"(?P<r{n}>{pattern})")
    return regex.compile(r"(?<![\w-])(?:" + "|".join(branches) + r")(?![\w-])" + _NOT_AFTER), groups


def _parts(m: regex.Match, prefix: str) -> dict[str, str]:
    return {k[len(prefix) + 1:]: v for k, v in m.groupdict().items() if v is not None and k.startswith(prefix + "_")}


def _day(text: str) -> int:
    return int(regex.match(r"\d+", text).group())


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _with_year(month: int, day: int, year: str | None, published: date | None) -> date | None:
    if year:
        return _safe(int(year), month, day)
    if published is None:
        return None
    found = _safe(published.year, month, day)
    if found is not None and found > published:
        found = _safe(published.year - 1, month, day)
    return found


def _mid(start: date, end: date, published: date | None) -> date:
    if published is not None and end > published and start <= published:
        end = published
    return start + timedelta(days=(end - start).days // 2)


def resolve(rule: dict, parts: dict[str, str], published: date | None) -> tuple[date | None, int | None, date | None]:
    """(event_date, date_precision, last day of a range) for one matched phrase."""
    kind = rule["kind"]
    month = MONTHS.get(parts.get("month", "").rstrip(".").lower()) if "month" in parts else None
    if kind == "slash":
        a, b = int(parts["a"]), int(parts["b"])
        if a == b or (a > 12) != (b > 12):
            day, mon = (a, b) if a > 12 or a == b else (b, a)
            if 1 <= mon <= 12:
                year = parts.get("year")
                if year and len(year) == 2:
                    year = "20" + year
                d = _with_year(mon, day, year, published)
                return d, 1 if d else None, None
        return None, None, None
    if kind == "ymd":
        d = _safe(int(parts["year"]), int(parts["month_num"]), int(parts["day"]))
        return d, 1 if d else None, None
    if kind == "dmy":
        d = _with_year(month, _day(parts["day"]), parts.get("year"), published)
        return d, 1 if d else None, None
    if kind == "range":
        start = _with_year(month, _day(parts["day"]), parts.get("year"), published)
        end = _safe(start.year, month, _day(parts["day2"])) if start else None
        if start is None or end is None or end < start:
            return None, None, None
        return start, 1 if start == end else (2 if (end - start).days < 7 else 3), end
    if kind == "month":
        return date(int(parts["year"]), month, 15), 4, None
    if kind == "year":
        return date(int(parts["year"]), 7, 1), 5, None
    if published is None:
        return None, None, None
    if kind == "month_no_year":
        year = published.year if month <= published.month else published.year - 1
        if parts.get("_text", "").lower().startswith("last") and month == published.month:
            year -= 1
        mid = date(year, month, 15)
        return (mid if mid <= published else _mid(date(year, month, 1), published, published)), 4, None
    if kind == "year_rel":
        year = published.year - (1 if parts["which"].lower() == "last" else 0)
        mid = date(year, 7, 1)
        return (mid if mid <= published else _mid(date(year, 1, 1), published, published)), 5, None
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[parts["weekday"].lower()]) % 7
        if parts.get("last") and back == 0:
            back = 7
        return published - timedelta(days=back), 1, None
    if kind == "offset":
        days = int(rule.get("days", 0))
        if "day before" in parts.get("_text", "").lower():
            days = -2
        return published + timedelta(days=days), 1, None
    if kind == "overnight":
        return published - timedelta(days=1), 2, published
    if kind == "days_ago":
        n = int(parts["n"]) if parts["n"].isdigit() else SMALL[parts["n"].lower()]
        weeks = parts["unit"].lower().startswith("week")
        return published - timedelta(days=7 * n if weeks else n), 3 if weeks else 1, None
    if kind == "weekend":
        back = (published.weekday() - 5) % 7
        saturday = published - timedelta(days=back)
        return saturday, 2, saturday + timedelta(days=1)
    if kind == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=int(rule.get("offset", 0)))
        return _mid(monday, monday + timedelta(days=6), published), 3, None
    if kind == "month_rel":
        first = published.replace(day=1)
        if int(rule.get("offset", 0)) < 0:
            first = (first - timedelta(days=1)).replace(day=1)
        mid = first.replace(day=15)
        return (mid if mid <= published else _mid(first, published, published)), 4, None
    return None, None, None


# Every date phrase holds one of these words; the full pattern is only tried at the few word starts
# just before each anchor (a big alternation tried at every position is ~20x slower).
_ANCHOR = regex.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|(?:19|20)\d\d|[0-3]?\d/[0-3]?\d|(?i:yesterday|today|tonight|overnight|weekend|week|weeks|month|ago|earlier|night|morning"
    r"|afternoon|evening|year))\b")
_WORD_STARTS = regex.compile(r"(?<![\w'’.-])[\w]")
LOOKBACK = 32


def _matches(sent: str):
    pattern, _ = _compiled()
    end = 0
    for a in _ANCHOR.finditer(sent):
        if a.start() < end:
            continue
        starts = [w.start() for w in _WORD_STARTS.finditer(sent, max(end, a.start() - LOOKBACK), a.start() + 1)]
        for s in starts:
            m = pattern.match(sent, s)
            if m and m.end() > a.start():
                end = m.end()
                yield m
                break


def find(doc, sent: str, offset: int, idx: int) -> list[Hit]:
    """Date phrases of one sentence, each resolved: value = (date, precision, end, rule name)."""
    _, groups = _compiled()
    hits = []
    for m in _matches(sent):
        key = next(k for k in groups if m.group(k) is not None)
        rule = groups[key]
        parts = _parts(m, key)
        parts["_text"] = m.group()
        hits.append(Hit(offset + m.start(), offset + m.end(), f"{FILE}:{rule['rule']}",
                        resolve(rule, parts, doc.published)))
    return hits


def _DAY_OR_WEEK(hit) -> bool:
    return hit.value[1] is None or hit.value[1] <= 3


def attach(doc, fact, idx: int) -> None:
    """Set ``event_date``/``date_precision`` from the nearest date phrase (see module doc)."""
    hit, _ = pick(doc, fact, idx, "date", find, (0,))
    if hit is None and fact.count_anchor != "cumulative":
        # a neighbouring sentence lends its date only when it names a day or a week: "reopened in 2019"
        # beside "Nineteen students were injured" is context, not the event's date
        hit, _ = pick(doc, fact, idx, "date", find, (-1, 1), where=_DAY_OR_WEEK)
    if hit is None:
        return
    fact.extras["date_text"] = doc.text[hit.start:hit.end]
    when, prec, end = hit.value
    if when is None:
        return
    fact.event_date, fact.date_precision = when, prec
    if end is not None:
        fact.extras["date_end"] = end.isoformat()
    note(fact, "event_date", hit.rule)
