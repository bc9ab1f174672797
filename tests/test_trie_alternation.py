"""`trie_alternation` must match exactly what `alternation` (longest first) matches, on the real lexicons."""
from __future__ import annotations

import regex

from etl.extract.lexicon import alternation, load, trie_alternation


def _lists():
    lex = load()
    return {"plural": list(lex.person_plural), "singular": list(lex.person_singular),
            "subject": list(lex.subject_triggers), "active": list(lex.active_triggers),
            "numbers": list(lex.word_values), "vague": list(lex.vague)}


def _probes(words: list[str]) -> list[str]:
    probes = []
    for w in words:
        probes += [w, w.upper(), w + "s", w + " dead", w + "ly", w[:-1], w.replace(" ", "\n ")]
    return probes


def test_trie_matches_the_same_text_as_the_flat_alternation():
    for name, words in _lists().items():
        flat = regex.compile(f"(?:{alternation(words)})", regex.I)
        trie = regex.compile(trie_alternation(words), regex.I)
        for probe in _probes(words):
            a, b = flat.match(probe), trie.match(probe)
            assert (a and a.group()) == (b and b.group()), (name, probe)


def test_trie_tries_the_longer_phrase_first_and_handles_no_phrase():
    assert regex.match(trie_alternation(["shot", "shot dead"]), "shot dead").group() == "shot dead"
    assert regex.match(trie_alternation(["seven", "seventeen"]), "seventeen").group() == "seventeen"
    assert regex.match(trie_alternation([]), "anything") is None
