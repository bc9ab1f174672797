"""Place of a fact, as reported, resolved against the offline gazetteer (lexicon/places.yaml).

Mentions are found only in the sentences around facts ("in Aleppo", "near Hama", "the town of Sarmin",
"Idlib province", "northern Syria"); a "Sarmin, Syria" / "X in Y province" / "the Syrian town of X"
phrase carries its own country cue. Ambiguous names are resolved only by a country cue (phrase,
sentence, neighbours, document), else left unresolved: place kept as written, geo fields null.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

import regex

from etl.extract.context import Hit, data_of, nearest, note, scan, words_of
from etl.extract.gazetteer import fold
from etl.extract.lexicon import trie_alternation
from etl.extract.literalscan import REGEX_WHITESPACE, PrefixScan, first_words

FILE = "places.yaml"
DOMINANT_POPULATION = 1_000_000
DOMINANT_RATIO = 20
BIG_CITY = 500_000          # a US city this big wins over a state of the same name ("Washington")
SMALL_CITY = 100_000        # a smaller city (or one known by an alternate name) needs a consistent document


@dataclass(frozen=True)
class Mention:
    frame: str                 # rule name in places.yaml
    place: str                 # as reported
    name: str                  # the proper name looked up
    prec: int                  # where_prec if the name resolves to a city (1 in, 2 near)
    cue: str | None = None     # ISO2 given by the phrase itself (demonym, ", Syria", "Syria's")
    country_only: str | None = None   # the name is a country (ISO2)
    division: tuple | None = None     # the name is a first-order division: (ISO2, admin1 key)
    admin1_of: bool = False    # "X province": the division named after city X
    container: "Mention | None" = None


@dataclass
class Resolved:
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    prec: int | None = None
    extras: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Patterns:
    type_of: regex.Pattern
    named_admin: PrefixScan      # "X province", "Y district": finditer like a pattern's
    admin_any: regex.Pattern     # prefilter: any admin word in the sentence
    prep: re.Pattern
    demonyms: dict
    admin1_words: frozenset
    part_words: frozenset        # "a district of Baghdad": within the city's area, precision 2
    place_words: frozenset       # "Batangafo area", "Gondava village": a named place
    actor_names: frozenset       # "Boko Haram camp" is not a place name
    near_words: frozenset
    not_place: frozenset


# Arabic articles: "al-", "ar-", "ez-" with a hyphen; only al/el/Al/El also with a space (so "at", "as",
# "an" stay prepositions)
_PARTICLES_DASH = ("al", "el", "ad", "ar", "as", "an", "ash", "at", "az", "ez", "es", "Al", "El", "Ad", "Ar", "As", "An",
                   "Ash", "Az")
_PARTICLES_SPACE = ("al", "el", "Al", "El", "de", "del", "da", "di", "la", "le", "bin", "ibn")


def _name_starts() -> list[str]:
    """Literal prefixes every match of ``_name_pattern`` starts with: a capital or a particle."""
    capitals = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return (capitals + [f"{p}-" for p in _PARTICLES_DASH]
            + [p + space for p in _PARTICLES_SPACE for space in REGEX_WHITESPACE])


def _name_pattern(stop: str) -> str:
    token = r"(?:(?:St|Ste|Ft|Mt)\.|[A-Z][\w]*(?:['’](?!s\b)\w+)*(?:-[\w]+)*)"
    particle = rf"(?:(?:{'|'.join(_PARTICLES_DASH)})-|(?:{'|'.join(_PARTICLES_SPACE)})\s)"
    return (rf"(?<![\w'’-])(?!(?:{stop})\b){particle}?{token}"
            rf"(?:(?:\s+|-){particle}?(?!(?:{stop})\b){token}){{0,3}}")


@functools.cache
def _compiled() -> _Patterns:
    data = data_of(FILE)
    stop = trie_alternation(words_of(FILE, "not_place"))
    name = _name_pattern(stop)
    types = trie_alternation(words_of(FILE, "types_of"))
    admin1 = words_of(FILE, "admin1_after")
    admin2 = words_of(FILE, "admin2_after")
    after = words_of(FILE, "place_after")
    near = words_of(FILE, "near")
    at = words_of(FILE, "at")
    dirs = trie_alternation(words_of(FILE, "directions"))
    flags = regex.VERBOSE
    return _Patterns(
        type_of=regex.compile(
            rf"(?P<phrase>\b(?i:the|an?)\s+(?P<adj>(?:[\w'’-]+,?\s+){{0,3}}?)(?P<type>(?i:{types}))\s+of\s+(?P<name>{name}))", flags),
        named_admin=PrefixScan(regex.compile(
            rf"(?P<phrase>(?P<name>{name})\s+(?P<type>(?i:{trie_alternation(admin1 + admin2 + after)}))(?![\w-]))", flags),
            _name_starts()),  # tried only where a name can start: a capital or a particle
        admin_any=regex.compile(rf"(?i:{trie_alternation(admin1 + admin2 + after)})"),
        # stdlib engine: the same matches about 1.5x faster on whole documents (the document pass)
        prep=re.compile(
            rf"(?<![\w-])(?P<prep>(?i:{trie_alternation(near + at)}))\s+"
            rf"(?P<the>the\s+)?(?P<phrase>(?:(?P<dir>{dirs})\s+)?(?P<name>{name}))", re.VERBOSE),
        demonyms={d.lower(): iso for iso, ds in (data.get("demonyms") or {}).items() for d in ds},
        admin1_words=frozenset(w.lower() for w in admin1),
        part_words=frozenset(w.lower() for w in words_of(FILE, "part_of_city")),
        place_words=frozenset(w.lower() for w in after),
        actor_names=frozenset(w.lower() for w in words_of("actors.yaml", "groups")),
        near_words=frozenset(" ".join(w.lower().split()) for w in near),
        not_place=frozenset(words_of(FILE, "not_place")),
    )


def _country_of(name: str) -> str | None:
    from etl.extract.gazetteer import load as gazetteer
    return gazetteer().country(name)


_AFTER = regex.compile(r"\s*(?:,|\s+in)\s+(?:the\s+)?(?:[a-z-]+\s+)?([A-Z][\w.'’ -]{2,40}?)"
                       r"(?=[,.;:()]|\s+(?:on|in|at|and|to)\b|$)")
_BEFORE = regex.compile(r"([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})['’]s\s+\Z")


def _cue_after(sent: str, end: int) -> str | None:
    """", Syria" or " in (northern) Syria" right after a place name (ISO2), or ", South Carolina" (the
    division's admin1 key, "US.SC")."""
    from etl.extract.gazetteer import load as gazetteer
    m = _AFTER.match(sent[end:end + 60])
    if not m:
        return None
    division = gazetteer().division(m.group(1))
    return division[1] if division else _country_of(m.group(1))


_CREDIT_LINE = regex.compile(r"\s*[(\[]?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by\b", regex.I)


def _cue_before(sent: str, start: int) -> str | None:
    """"Syria's Idlib": a possessive country right before the name."""
    m = _BEFORE.search(sent[max(0, start - 40):start])
    return _country_of(m.group(1)) if m else None


def _trim(name: str, not_place: frozenset) -> list[str]:
    """The name, then shorter prefixes ("Aleppo City" -> "Aleppo"), without trailing stop words."""
    words = name.split()
    while words and words[-1] in not_place:
        words.pop()
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


def find(doc, sent: str, offset: int, idx: int) -> list[Hit]:
    """Place mentions of one sentence, with containers linked ("X in Y province")."""
    if _CREDIT_LINE.match(sent):
        return []  # "(Reporting by Karen Brooks in Fort Worth)": where the reporter sits, not the event
    from etl.extract.gazetteer import load as gazetteer
    p = _compiled()
    gaz = None  # the gazetteer is loaded only when a candidate name needs looking up
    found: list[tuple[int, int, Mention]] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return not any(s < te and e > ts for ts, te in taken)

    for m in p.type_of.finditer(sent):
        adj = m.group("adj").lower().replace(",", " ").split()
        cue = next((p.demonyms[w] for w in adj if w in p.demonyms), None)
        cue = cue or next((p.demonyms[" ".join(adj[i:i + 2])] for i in range(len(adj) - 1)
                           if " ".join(adj[i:i + 2]) in p.demonyms), None)
        typ = m.group("type").lower()
        s, e = m.span("phrase")
        prec = 2 if typ in p.part_words else 1
        found.append((s, e, Mention("type_of", m.group("phrase"), m.group("name"), prec, cue or _cue_after(sent, e),
                                    admin1_of=typ in p.admin1_words)))
        taken.append((s, e))
    for m in (p.named_admin.finditer(sent) if p.admin_any.search(sent) else ()):
        s, e = m.span("phrase")
        name_text = m.group("name")
        if not free(s, e) or name_text.split()[0] in p.not_place or name_text.lower() in p.actor_names:
            continue
        typ = " ".join(m.group("type").lower().split())
        cue = _cue_before(sent, s) or _cue_after(sent, e)
        if typ in p.place_words:
            whole = m.group("phrase")  # "New York City", "Sadr City" are gazetteer names themselves
            if typ == "city" and gazetteer().lookup(whole):
                name_text = whole
            mention = Mention("named_place", whole, name_text, 2 if typ in p.part_words else 1, cue)
        else:
            mention = Mention("named_admin1", m.group("phrase"), name_text, 4, cue, admin1_of=typ in p.admin1_words)
        found.append((s, e, mention))
        taken.append((s, e))
    for m in p.prep.finditer(sent):
        s, e = m.span("phrase")
        if not free(s, e):
            continue
        prep = " ".join(m.group("prep").lower().split())
        direction = m.group("dir")
        for cand in _trim(m.group("name"), p.not_place):
            gaz = gaz or gazetteer()
            iso = gaz.country(cand)
            division = None if iso else gaz.division(cand)
            cities = () if iso else gaz.lookup(cand)
            if division and cities and not any(c.country == division[0] and c.population >= BIG_CITY
                                               for c in cities):
                cities = ()  # "in Virginia" is the state, "in Washington" the city
            if m.group("the") and not iso and not division:
                break  # "in the White House": after "the" only a country or a state is a place
            division = None if cities else division
            if division:
                found.append((ns := m.start("name"), ns + len(cand),
                              Mention("in_place", cand, cand, 4, division=division)))
                taken.append((ns, ns + len(cand)))
                break
            if not iso and not cities:
                if prep in p.near_words and not direction and cand == _trim(m.group("name"), p.not_place)[0] \
                        and cand.lower() not in p.actor_names and fold(cand) not in gaz.demonyms:
                    # the object of "near"/"outside" is a place even when the gazetteer does not know it
                    ns = m.start("name")
                    found.append((ns, ns + len(cand), Mention("near_place", cand, cand, 2,
                                                              _cue_before(sent, ns) or _cue_after(sent, ns + len(cand)))))
                    taken.append((ns, ns + len(cand)))
                    break
                continue
            ns = m.start("name")
            ne = ns + len(cand)
            start = s if direction else ns
            near = prep in p.near_words
            if iso:
                mention = Mention("in_place", sent[start:ne], cand, 5 if direction else 6, country_only=iso)
            else:
                mention = Mention("near_place" if near or direction else "in_place", sent[ns:ne], cand,
                                  2 if near or direction else 1, _cue_before(sent, ns) or _cue_after(sent, ne))
            found.append((start, ne, mention))
            taken.append((start, ne))
            break
    found.sort(key=lambda t: t[0])
    hits: list[Hit] = []
    skip = set()
    for i, (s, e, mention) in enumerate(found):
        if i in skip:
            continue
        if i + 1 < len(found):
            ns, ne, nxt = found[i + 1]
            if regex.fullmatch(r"\s*(?:,|in|,\s*in)?\s*(?:the\s+)?", sent[e:ns]) and not nxt.container:
                mention = replace(mention, container=nxt)
                skip.add(i + 1)
        hits.append(Hit(offset + s, offset + e, f"{FILE}:{mention.frame}", mention))
    return hits


@functools.cache
def _country_names() -> PrefixScan:
    """Every country name and alias (needs the gazetteer, so built on first use), tried only where
    a name's first word occurs (same matches, about 3x faster over a document)."""
    from etl.extract.gazetteer import load as gazetteer
    names = list(gazetteer().country_names.values())
    names += [a for v in (data_of(FILE).get("country_aliases") or {}).values() for a in v]
    return PrefixScan(regex.compile(rf"(?<![\w-])(?:{trie_alternation(names)})(?![\w-])"), first_words(names))


def _countries_in(doc, idx: int) -> set[str]:
    """Country names written in sentence ``idx`` (a cue for ambiguous city names)."""
    def finder(doc, sent, offset, i):
        return [Hit(offset + m.start(), offset + m.end(), "country", _country_of(m.group()))
                for m in _country_names().finditer(sent)]
    return {h.value for h in doc.hits("country_names", idx, finder) if h.value}


def _doc_countries(doc) -> set[str]:
    """Countries of the document's place phrases: named countries, phrase cues and unambiguous
    gazetteer cities (memoised). A country named outside a place phrase does not count."""
    if getattr(doc, "_countries", None) is None:
        from etl.extract.gazetteer import load as gazetteer
        p = _compiled()
        found = set()
        for m in p.prep.finditer(doc.text):  # one pass over the document, "in X" / "near X" only
            gaz = gazetteer()
            for cand in _trim(m.group("name"), p.not_place):
                iso = gaz.country(cand)
                if m.group("the") and not iso:
                    break
                cities = () if iso else gaz.lookup(cand)
                countries = {iso} if iso else {c.country for c in cities}
                if countries:
                    if len(countries) == 1 and (iso or not _foreign(doc, cities[0], cand)):
                        found |= countries
                    break
        doc._countries = found
    return doc._countries


def _named_countries(doc) -> set[str]:
    """Countries the document names anywhere (country names, aliases, US states), memoised."""
    if getattr(doc, "_named", None) is None:
        found = {_country_of(m.group()) for m in _country_names().finditer(doc.text)}
        if "US" not in found and _us_states().search(doc.text):
            found.add("US")
        found.discard(None)
        doc._named = found
    return doc._named


@functools.cache
def _us_states() -> PrefixScan:
    from etl.extract.gazetteer import load as gazetteer
    names = [n.title() for n in gazetteer().admin1]
    return PrefixScan(regex.compile(rf"(?<![\w-])(?:{trie_alternation(names)})(?![\w-])"), first_words(names))


def _foreign(doc, city, name: str) -> bool:
    """A small city (or one matched by an alternate name) in a country the document never names,
    while it names others: the name is more likely a place the gazetteer does not hold ("Hurlingham"
    in a Nairobi story is not the Argentine city)."""
    from etl.extract.gazetteer import load as gazetteer
    if city.population >= SMALL_CITY and not gazetteer().by_alternate(name):
        return False
    named = _named_countries(doc)
    return bool(named) and city.country not in named


def _pick_city(cities, scopes):
    """One city, or several of one country, chosen by the first cue scope that matches; else None."""
    if len(cities) == 1:
        return list(cities)
    for scope in scopes:
        chosen = [c for c in cities if c.country in scope]
        if chosen:
            return chosen
    ranked = sorted(cities, key=lambda c: -c.population)
    if ranked[0].population >= DOMINANT_POPULATION and ranked[0].population >= DOMINANT_RATIO * ranked[1].population:
        return ranked[:1]
    return []


def resolve(doc, mention: Mention, idx: int) -> Resolved:
    """Geo fields of one mention; phrase cues are authoritative, wider scopes only choose among cities."""
    from etl.extract.gazetteer import load as gazetteer
    if mention.country_only:
        return Resolved(country=mention.country_only, prec=mention.prec)
    if mention.division:
        return Resolved(country=mention.division[0], admin1=mention.division[1], prec=4)
    container = resolve(doc, mention.container, idx) if mention.container else None
    phrase_cue = mention.cue or (container.country if container else None)
    cities = gazetteer().lookup(mention.name)
    if phrase_cue:
        chosen = [c for c in cities if phrase_cue in (c.country, c.admin1)]
        if container and container.admin1 and len(chosen) > 1:
            chosen = [c for c in chosen if c.admin1 == container.admin1] or chosen
        phrase_cue = phrase_cue.split(".")[0]
    else:
        scopes = [_countries_in(doc, j) for j in (idx, idx - 1, idx + 1) if 0 <= j < len(doc.sents)]
        chosen = _pick_city(cities, scopes) if cities else []
        if len(cities) > 1 and not chosen:
            chosen = _pick_city(cities, [_doc_countries(doc)])
    if len(chosen) == 1 and not phrase_cue and _foreign(doc, chosen[0], mention.name):
        chosen = []
    if len(chosen) == 1:
        c = chosen[0]
        if mention.admin1_of or mention.frame == "named_admin1":
            if mention.admin1_of:
                return Resolved(country=c.country, admin1=c.admin1, prec=4)
            return Resolved(country=c.country, prec=6)
        return Resolved(country=c.country, admin1=c.admin1, lat=c.lat, lon=c.lon, prec=mention.prec)
    if len({c.country for c in chosen}) == 1:
        admins = {c.admin1 for c in chosen}
        if len(admins) == 1:
            return Resolved(country=chosen[0].country, admin1=chosen[0].admin1, prec=4)
        return Resolved(country=chosen[0].country, prec=6)
    if container and container.country:
        return Resolved(country=container.country, admin1=container.admin1, prec=4 if container.admin1 else 6)
    if phrase_cue:
        return Resolved(country=phrase_cue, prec=6)
    return Resolved()


def attach(doc, fact, idx: int) -> None:
    """Set place and geo fields from the nearest mention (sentence, previous, next); the country,
    when that gives none, from the document's single country."""
    hits, j = scan(doc, idx, "place", find)
    if hits:
        hit = nearest(hits, fact.span_start, fact.span_end)
        mention: Mention = hit.value
        geo = resolve(doc, mention, j)
        fact.place = mention.place
        fact.country, fact.admin1, fact.lat, fact.lon, fact.geo_precision = (
            geo.country, geo.admin1, geo.lat, geo.lon, geo.prec)
        note(fact, "place", hit.rule)
        if fact.country is not None or len(doc.hits("place", j, find)) > 1:
            return
    countries = _doc_countries(doc)
    if len(countries) == 1:
        fact.country = next(iter(countries))
        fact.geo_precision = 6
        note(fact, "country", f"{FILE}:document_country")
