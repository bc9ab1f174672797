"""Load the lexicon YAML files once, validate them, and compile the named regex fragments.

Errors name the file, the rule and the field, so a broken data file fails loudly at import.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import regex
import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the same data, about 10x faster to parse


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names file, rule and field."""


def read_yaml(name: str):
    """Parse one file of ``etl/lexicon`` and return its data."""
    path = resources.files("etl") / "lexicon" / name
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{name}: not valid YAML: {exc}") from exc


def alternation(phrases) -> str:
    """Regex alternation of literal phrases, longest first, spaces matching any whitespace.

    >>> alternation(["shot", "shot dead"])
    'shot\\\\s+dead|shot'
    """
    unique = sorted({p.strip() for p in phrases if p and p.strip()}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in unique)


def trie_alternation(phrases) -> str:
    """The same alternation as ``alternation`` (same matches, tried in the same order where two can match
    at one place), factored into a character trie so the regex engine tests a shared prefix once.

    Two literal phrases can both match at one position only when one is a prefix of the other; the
    trie tries the longer continuation before ending, as longest-first does.

    >>> print(trie_alternation(["shot", "shot dead", "stabbed"]))
    (?:s(?:hot(?:\\s+dead)?|tabbed))
    """
    root: dict = {}
    for phrase in {p.strip() for p in phrases if p and p.strip()}:
        node = root
        for symbol in _symbols(phrase):
            node = node.setdefault(symbol, {})
        node[""] = {}  # end of a phrase
    return _trie_regex(root) if root else "(?!)"


def _symbols(phrase: str) -> list[str]:
    symbols: list[str] = []
    for i, word in enumerate(phrase.split()):
        if i:
            symbols.append(" ")
        symbols.extend(word)
    return symbols


def _trie_regex(node: dict) -> str:
    return "(?:" + "|".join(_trie_branches(node)[0]) + ")"


def _trie_branches(node: dict) -> tuple[list[str], int]:
    """The branches of ``node`` (the deepest first, as longest-first orders them) and its depth."""
    built = []
    for key, child in node.items():
        if not key:
            continue
        symbol = r"\s+" if key == " " else regex.escape(key)
        rest = {k: v for k, v in child.items() if k}
        if not rest:
            built.append((1, key, symbol))
            continue
        inner, depth = _trie_branches(rest)
        if len(inner) == 1 and "" not in child:
            built.append((depth + 1, key, symbol + inner[0]))  # a chain: no group needed
        else:
            built.append((depth + 1, key, symbol + "(?:" + "|".join(inner) + ")" + ("?" if "" in child else "")))
    built.sort(key=lambda b: (-b[0], b[1]))
    return [b[2] for b in built], max((b[0] for b in built), default=0)


def _require(name: str, rule: dict, key: str, kind):
    value = rule.get(key)
    if not isinstance(value, kind):
        raise LexiconError(f"{name}: rule {rule.get('rule')!r}: field {key!r} must be {kind.__name__}")
    return value


def _norm(phrase) -> str:
    if not isinstance(phrase, str):
        raise LexiconError(f"{phrase!r} is not a string (quote YAML words such as on, no, yes)")
    return " ".join(phrase.lower().split())


@dataclass
class Lexicon:
    """Everything the count engine reads from data, in lookup-ready form."""

    word_values: dict[str, int] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)           # "second" -> 2
    vague: dict[str, tuple[int, str]] = field(default_factory=dict)  # phrase -> (value, rule)
    qualifiers: dict[str, str] = field(default_factory=dict)          # phrase -> rule
    qualifier_suffixes: dict[str, str] = field(default_factory=dict)
    person_plural: dict[str, str] = field(default_factory=dict)       # noun -> category
    person_singular: dict[str, str] = field(default_factory=dict)
    category_parent: dict[str, str | None] = field(default_factory=dict)
    subject_triggers: dict[str, str] = field(default_factory=dict)    # phrase -> outcome
    subject_rules: dict[str, str] = field(default_factory=dict)       # phrase -> name of its outcomes.yaml rule
    active_triggers: dict[str, str] = field(default_factory=dict)
    noun_triggers: dict[str, str] = field(default_factory=dict)
    toll_triggers: dict[str, str] = field(default_factory=dict)
    grammar: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[str, list[dict]] = field(default_factory=dict)        # file -> rules (for example tests)
    subject_phrases: list[tuple[str, str]] = field(default_factory=list)  # (regex source, outcome)
    subject_phrase_heads: set[str] = field(default_factory=set)  # their last words (for the prefilter)

    def outcome_of(self, table: dict[str, str], phrase: str) -> str:
        """Outcome for a matched trigger phrase (whitespace-normalised, case-insensitive); a subject
        phrase built from a ``subject_phrases`` grammar ("suffered a leg injury") gets that rule's outcome."""
        found = table.get(_norm(phrase))
        if found is None and table is self.subject_triggers:
            found = next((outcome for source, outcome in self.subject_phrases
                          if _phrase_regex(source).fullmatch(phrase)), None)
        if found is None:
            raise KeyError(phrase)
        return found

    def subject_phrase_source(self) -> str:
        """One alternation of every ``subject_phrases`` grammar (empty when there is none)."""
        return "|".join(f"(?:{source})" for source, _ in self.subject_phrases)


def _load_numbers(lex: Lexicon) -> None:
    data = read_yaml("numbers.yaml")
    for key in ("units", "teens", "tens"):
        if not isinstance(data.get(key), dict):
            raise LexiconError(f"numbers.yaml: field {key!r} must be a mapping")
        lex.word_values.update({k.lower(): int(v) for k, v in data[key].items()})
    lex.scales = {k.lower(): int(v) for k, v in data["scales"].items()}
    lex.ordinals = {k.lower(): int(v) for k, v in (data.get("ordinals") or {}).items()}
    for rule in data["vague"]:
        value = _require("numbers.yaml", rule, "value", int)
        for phrase in _require("numbers.yaml", rule, "phrases", list):
            lex.vague[_norm(phrase)] = (value, rule["rule"])
    lex.rules["numbers.yaml"] = data["vague"]


def _load_qualifiers(lex: Lexicon) -> None:
    data = read_yaml("qualifiers.yaml")
    for rule in data:
        name = _require("qualifiers.yaml", rule, "rule", str)
        sets = _require("qualifiers.yaml", rule, "sets", dict)
        for key in ("low", "best", "high"):
            if sets.get(key) not in ("n", "a", "b", None):
                raise LexiconError(f"qualifiers.yaml: rule {name!r}: 'sets.{key}' must be n|a|b|null")
        for phrase in _require("qualifiers.yaml", rule, "phrases", list):
            lex.qualifiers[_norm(phrase)] = name
        for phrase in rule.get("suffixes") or []:
            lex.qualifier_suffixes[_norm(phrase)] = name
    lex.rules["qualifiers.yaml"] = data


def _load_victims(lex: Lexicon) -> None:
    data = read_yaml("victims.yaml")
    for rule in data:
        name = _require("victims.yaml", rule, "rule", str)
        lex.category_parent[name] = rule.get("parent")
        for noun in _require("victims.yaml", rule, "plural", list):
            lex.person_plural.setdefault(_norm(noun), name)
        for noun in _require("victims.yaml", rule, "singular", list):
            lex.person_singular.setdefault(_norm(noun), name)
    for name, parent in lex.category_parent.items():
        if parent is not None and parent not in lex.category_parent:
            raise LexiconError(f"victims.yaml: rule {name!r}: parent {parent!r} is not a category")
    lex.rules["victims.yaml"] = data


def _load_outcomes(lex: Lexicon) -> None:
    data = read_yaml("outcomes.yaml")
    tables = {"subject": lex.subject_triggers, "active": lex.active_triggers,
              "nouns": lex.noun_triggers, "toll": lex.toll_triggers}
    for rule in data:
        outcome = _require("outcomes.yaml", rule, "outcome", str)
        for key, table in tables.items():
            for phrase in _require("outcomes.yaml", rule, key, list):
                table.setdefault(_norm(phrase), outcome)
        for phrase in rule["subject"]:
            lex.subject_rules.setdefault(_norm(phrase), rule["rule"])
        for grammar in rule.get("subject_phrases") or ():
            lex.subject_phrases.append((_subject_phrase(rule["rule"], grammar), outcome))
            lex.subject_phrase_heads.update(_norm(h) for h in grammar["heads"])
    lex.rules["outcomes.yaml"] = data


def _subject_phrase(rule: str, grammar: dict) -> str:
    """Regex source of one ``subject_phrases`` grammar: VERB [up to N free words] [REQUIRED word
    [up to N free words]] HEAD, where no free word is one of ``not``. "suffered a severe foot wound",
    "treated for hypothermia and other injuries"; with ``not: [no]``, never "suffered no injuries"."""
    where = f"outcomes.yaml: rule {rule!r}: subject_phrases"
    if not isinstance(grammar, dict) or not all(isinstance(grammar.get(k), list) for k in ("verbs", "heads")):
        raise LexiconError(f"{where}: each grammar needs 'verbs' and 'heads' lists")
    most = grammar.get("max_words", 3)
    if not isinstance(most, int) or not 0 <= most <= 5:
        raise LexiconError(f"{where}: 'max_words' must be a whole number from 0 to 5")
    blocked = [_norm(w) for w in grammar.get("not") or ()]
    free = r"[\p{L}'’.-]+\s+"  # "St. Jude": an abbreviation's point stays inside a sentence
    if blocked:
        free = rf"(?!(?:{trie_alternation(blocked)})\b){free}"
    words = rf"(?:{free}){{0,{most}}}?"
    required = [_norm(w) for w in grammar.get("required") or ()]
    middle = rf"{words}(?:{trie_alternation(required)})\s+{words}" if required else words
    verbs = trie_alternation([_norm(v) for v in grammar["verbs"]])
    heads = trie_alternation([_norm(h) for h in grammar["heads"]])
    return rf"(?:{verbs})\s+{middle}(?:{heads})(?![\w-])"


@functools.cache
def _phrase_regex(source: str) -> regex.Pattern:
    return regex.compile(source, regex.IGNORECASE)


@functools.cache
def load() -> Lexicon:
    """Load and validate every lexicon file (cached: once per process)."""
    lex = Lexicon()
    _load_numbers(lex)
    _load_qualifiers(lex)
    _load_victims(lex)
    _load_outcomes(lex)
    grammar = read_yaml("grammar.yaml")
    for key, value in grammar.items():
        if not isinstance(value, list):
            raise LexiconError(f"grammar.yaml: field {key!r} must be a list")
        bad = [v for v in value if not isinstance(v, str)]
        if bad:  # YAML reads bare on/no/yes as booleans: quote them
            raise LexiconError(f"grammar.yaml: field {key!r}: {bad!r} are not strings (quote them)")
    lex.grammar = {k: [str(x) for x in v] for k, v in grammar.items()}
    return lex
