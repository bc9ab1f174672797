"""Compile the count engine's regexes once, from named fragments built out of the lexicon.

Fragments: NUM (a number), COUNT (qualifier + number or range), PERSON (person noun),
NP (a counted noun phrase), and one trigger alternation per frame.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from etl.extract.lexicon import load, trie_alternation

FLAGS = regex.IGNORECASE | regex.VERBOSE | regex.UNICODE


@dataclass(frozen=True)
class Patterns:
    np: regex.Pattern            # a counted noun phrase anywhere
    subject_tail: regex.Pattern  # what follows a subject NP: [gap] [aux] TRIGGER
    active: regex.Pattern        # active trigger followed by a determiner slot
    noun_after: regex.Pattern    # NOUN trigger right after a bare count: "12 deaths"
    toll: regex.Pattern          # toll phrase + verb, count follows
    conj: regex.Pattern          # coordination between two NPs
    part_cue_before: regex.Pattern
    perpetrator_self: regex.Pattern
    trigger_any: regex.Pattern   # prefilter: does a sentence mention any outcome?
    negation_before: regex.Pattern
    unit_after: regex.Pattern
    unit_word: regex.Pattern
    animal_before: regex.Pattern  # an animal noun earlier in the clause: "one dog ... three others"
    of_animals_after: regex.Pattern  # "one of her dogs"
    age_before: regex.Pattern
    month_near: regex.Pattern


def _words(words) -> str:
    return trie_alternation(words)


@functools.cache
def compiled() -> Patterns:
    """Build and cache every pattern of the engine."""
    lex = load()
    g = lex.grammar
    word_num = r"(?:" + _words(list(lex.word_values) ) + r")"
    # "twenty-seven", "a hundred and five", "two dozen", "one thousand two hundred"
    small = rf"(?:(?:{_words([w for w in lex.word_values if lex.word_values[w] >= 20])})(?:[\s-]+{word_num})?|{word_num})"
    tens_words = _words([w for w in lex.word_values if lex.word_values[w] >= 20])
    # "Forty 6 people": a source's half-converted number (tens word, digit)
    group = rf"(?:(?:a|{small})[\s-]+hundred(?:[\s-]+(?:and[\s-]+)?{small})?|(?:{tens_words})\s+[1-9](?![\d,.])|{small})"
    word_number = rf"""
        (?:half\s+an?\s+(?:dozen|hundred|thousand|million)
          |(?:a|{group})[\s-]+(?:thousand|million)(?:,?[\s-]+(?:and[\s-]+)?{group})?
          |{word_num}[\s-]+dozen
          |a\s+dozen
          |{group})"""
    digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]\d|:\d|\s*(?:%|per\s*cent|percent))"
    vague = _words(lex.vague)
    num = rf"(?:\d{{1,2}}\s+dozen|\d+(?:\.\d+)?\s+(?:million|thousand)|{digits}|{word_number}|{vague})"
    quals = _words(p for p, rule in lex.qualifiers.items() if rule != "range")
    suffixes = _words(lex.qualifier_suffixes)
    count = rf"""
        (?P<total>(?:a\s+|the\s+)?total\s+of\s+|in\s+total\s+|altogether\s+)?
        (?:an?\s+family\s+of\s+)?
        (?:(?P<qual>{quals})\s+)?
        (?:either\s+(?=\S+\s+or\s))?  # "either four or five"
        (?:between\s+(?P<n1>{num})\s+and\s+(?P<n2>{num})
          |(?P<n1>{num})(?P<plus>\+(?!\d))?(?:['’"”](?=\s))?(?:\s*\(\d[\d,]*\))?(?:\s*(?:-|–|\bto\b|\bor\b)\s*(?P<n2>{num}))?)
        (?:\s+(?P<qsuffix>{suffixes}))?"""
    stops = _words(g["noun_phrase_stops"] + g["auxiliaries"] + list(lex.subject_triggers)
                   + list(lex.active_triggers) + list(lex.noun_triggers) + g["months"])
    # An adjective or unknown noun: any word but a (lower-case) function word, trigger or number.
    # "State of Sinai" style names may carry an inner "of".
    # single number words (cheap to test at every word, unlike the full NUM grammar)
    number_words = _words(list(lex.word_values) + ["hundred", "thousand", "million", "dozen", "dozens", "scores",
                                                   "hundreds", "thousands", "tens", "several", "few", "multiple",
                                                   "many", "numerous", "couple"])
    word = rf"""(?-i:(?!(?:{stops})\b))(?!(?:{number_words})(?![\w-]))(?![\w]+-(?:man|member|person|strong)\b)
                (?-i:\p{{Lu}}[\p{{L}}\p{{M}}'’-]*(?:\s+of\s+\p{{Lu}}[\p{{L}}\p{{M}}'’-]*)?|\p{{Ll}}[\p{{L}}\p{{M}}'’-]*)"""
    unk_word = rf"(?!(?-i:\p{{Ll}}+ed)\b){word}"  # "Flight 370 crashed": a verb is not the counted noun
    age = r"(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)[\s-]+(?:years?|months?)[\s-]+old"
    adj = rf"(?:{age}|{word})"
    plural = _words(lex.person_plural)
    singular = _words(lex.person_singular)
    backref = _words(g["back_reference"])
    noun_part = rf"""
        (?:\s+(?:of\s+(?:the|his|her|their|its|our|your)\s+(?:(?:{num})\s+)?|of\s+)?(?P<adjs>(?:{adj}\s+){{0,3}})(?P<noun>{plural}|{singular})\b(?!\s+of\s+the\b)(?:\s+of\s+(?:a|an|one|his|her|their|the\s+same)\s+(?:family|household|clan|tribe|village|unit|patrol|group|team|crew))?
          |\s+of\s+(?P<backref>{backref})\b(?:\s+(?:{adj}\s+){{0,2}}?(?:{plural})\b)?
          |\s+of\s+(?P<backref>(?:the|his|her|their|its|our)\s+(?:\d[\d,]*|{word_num}))(?![\w-])(?!\s+(?:{_words(lex.noun_triggers)})\b)
             (?:\s+(?:{plural})\b)?  # "44 of the 45 on board" (but "11 of the 36 wounded" keeps its 36 wounded)
          |-(?:man|member|person|strong)\s+(?P<noun>crew|team|family|patrol|unit|group)\b  # "a two-man crew"
          |\s+(?P<unk>(?:{word}\s+){{0,3}}{unk_word}))?"""
    name_stops = _words(g["not_names"] + g["months"] + [m.capitalize() for m in g["months"]])
    # Cheap first-word test so the full count grammar runs only where a count can start.
    first_words = {p.split()[0] for p in list(lex.qualifiers) + list(lex.vague) + list(lex.word_values)}
    first_words |= {"a", "an", "the", "in", "altogether", "total", "between", "hundred", "thousand", "dozen", "half", "either"}
    count_start = rf"\d|(?:{_words(first_words)})\b"
    its_people = _words(g["its_people"])
    ordinals = _words(w for w in lex.ordinals if w != "second")  # "a second" is the `another` alternative
    np_alternatives = [
        # "a boy", "the gunman", "his wife"
        rf"(?P<article>an?|one|a\s+single|the|a\s+further|his|her|their|another|its(?=\s+(?:{its_people})\b)"
        rf"|(?:the\s+)?\p{{L}}[\p{{L}}.-]*['’]s(?!\s+(?:oldest|youngest|richest|longest|best|most|first|last)\b)"
        rf"(?=\s+(?:{adj}\s+){{0,2}}(?:{singular})\b))\s+(?P<sadjs>(?:{adj}\s+){{0,2}})(?P<snoun>{singular})\b",
        # "a militiamen killed" (a plural after "a": one person, as written)
        rf"(?P<article4>an?)\s+(?P<snoun4>{plural})\b(?=\s+(?:{_words(lex.subject_triggers)})\b)",
        # "a 14-year-old"
        rf"(?P<agearticle>an?)\s+(?P<agenoun>{age})(?![\s-]+(?:{adj}\s+){{0,2}}(?:{singular}))",
        # "at least 27 people", "dozens of villagers", "16"
        rf"(?={count_start})(?P<count>{count}){noun_part}",
        rf"(?P<another>another|one\s+other|a\s+second|the\s+other)(?!\s+(?:{num}))(?!\s+\p{{L}}+\s+(?:was|were)\b)",
        # "a fourth died later", "wounding a third,": one more person
        rf"(?P<another2>a\s+(?:{ordinals}))(?=\s+(?:person\s+|man\s+|woman\s+|victim\s+)?(?:died|was|were|succumbed|wounded|injured|hurt|killed|later|escaped|suffered|sustained)|\s*[,.;](?!\d))",
        r"(?P<others>others)",
        # "his sisters", "their parents" (no figure: counts 2)
        rf"(?P<poss>his|her|their|its(?=\s+(?:{its_people})\b))\s+(?P<possplural>{plural})\b",
        # "militants were killed" (no figure: counts 2)
        rf"(?<!\b(?:the|these|those|their|his|her|its|our|of|other)\s+)(?P<bareplural>{plural})",
        # "a Konkomba"
        # ("a Syrian interior ministry statement": an adjective, not a person)
        r"(?P<article2>an?)\s+(?P<snoun2>(?-i:\p{Lu}\p{Ll}+))(?!\s+(?-i:\p{Lu}))"
        r"(?=\s*(?:[,.;:)]|$)|\s+(?:and|or|was|were|is|had|has|have|who|died|killed|in|on|at|from|by|with|also)\b)",
        r"(?P<pronoun>(?-i:He|She|he|she))(?=\s+(?:was|had|has|later|then|died|suffered|sustained|succumbed))",
        # "Farmer killed", "kill NISS officer"
        rf"(?=(?:[\p{{L}}'’-]+\s+){{0,2}}(?:{singular})\b)(?P<bsadjs>(?:{adj}\s+){{0,2}})(?P<bsnoun>{singular})\b(?!\s+of\b)"
        # "The captain, first officer and flight engineer": a list member may precede "and"
        r"(?:(?<=,\s+(?:[\p{L}'’-]+\s+){0,2}[\p{L}'’-]+)(?=\s+and\s)|(?!\s+and\b))",
        # "Artan was killed"
        rf"(?<!\b(?:in|at|from|near|of|to|into|on|by)\s)(?<!['’]s\s)(?P<name>(?-i:(?!(?:{name_stops})\b)\p{{Lu}}\p{{Ll}}+(?:\s+(?!(?i:{number_words})\b)\p{{Lu}}\p{{Ll}}+){{0,2}}))(?=(?:\s*,\s*\d{{1,3}}\s*,)?\s+(?:was|has\s+been|had\s+been)\s)",
        # "a police sub inspector", "the van operator" (only before "was killed/injured")
        rf"(?P<article3>an?|one)\s+(?P<unk1>{word}(?:\s+{word}){{0,3}})",
        # "fatally shot Christina Grimmie" (only as the object of a verb)
        rf"(?P<oname>(?-i:(?!(?:{name_stops})\b)\p{{Lu}}\p{{Ll}}+(?:\s+(?!(?i:{number_words})\b)\p{{Lu}}\p{{Ll}}+){{1,2}}))",
    ]
    np_body = "(?:" + "\n|".join(np_alternatives) + ")"
    aux = _words(g["auxiliaries"])
    subject = _words(lex.subject_triggers)
    if lex.subject_phrases:  # "suffered a severe foot wound", "arrested with a gunshot wound": a grammar, tried first
        subject = rf"{lex.subject_phrase_source()}|{subject}"
    # the prefilter finds a phrase grammar's sentence by its last word ("suffered a severe foot wound")
    subject_any = _words(list(lex.subject_triggers) + sorted(lex.subject_phrase_heads))
    active = _words(lex.active_triggers)
    np = rf"(?<![\w,.:/-])(?:{np_body})(?![\w-])"
    trigger_words = _words(list(lex.subject_triggers) + list(lex.active_triggers))
    gap = rf"""(?:\s*\([^()]{{0,120}}\)
               |\s*\[[^\[\]]{{0,40}}\]
               |\s*,\s*(?:{_words(g['part_cues'])})\b[^;.,]{{0,100}},  # "Eight people, including an officer who was shot, were ..."
               |\s*,?\s*(?:{_words(g['part_cues'])})\b[^;.]{{0,100}}?,?
               |\s*,[^,;.()]{{1,70}},
               |\s*,\s*(?-i:\p{{Lu}}[\p{{L}}'’-]*)(?:\s+(?-i:\p{{Lu}}[\p{{L}}'’-]*)){{0,3}}\s*\(\d{{1,3}}\)\s*,  # "A neighbour, Pasang Sherpa (41), was injured"
               |\s*,\s*(?:aged|ages|mostly|mainly|all|both|most\s+of\s+them)\b[^,;.]{{0,60}},
               |\s+(?:aged|ages)\s+(?:between\s+)?\d{{1,3}}(?:\s*(?:-|–|to|and)\s*\d{{1,3}})?
               |\s+(?:on\s+board|aboard|inside)(?:\s+the\s+[\w-]+(?:\s+[\w-]+)?)?(?:\s*\([^()]{{1,120}}\)|\s+[—–-]\s+[^—–;.]{{1,100}}?\s+[—–-])?
               |(?:\s+(?:on\s+board|aboard)|(?<=on\s+board|aboard))\s+(?:the|a|an)\s+[^,;.()\d]{{1,80}}?(?=\s+(?:were|was|had\s+been|have\s+been)\b)
               |\s+(?:on|aboard|in|inside)\s+(?:the|a|an|their|his|her)\s+(?-i:\p{{Ll}}[\p{{Ll}}-]*(?:\s+\p{{Ll}}[\p{{Ll}}-]*)?)(?=\s+(?:{aux}|{subject})\b)
               |\s+of\s+the\s+[\p{{L}}-]+(?:\s+[\p{{L}}-]+)?
               |\s+of\s+(?:a|an|one|his|her|their|the\s+same)\s+[\p{{L}}-]+
               |(?<=(?:father|mother|parent|dad|mum|mom))\s+of\s+(?:{number_words}|\d{{1,2}})(?:\s+(?:young\s+)?(?:children|kids|sons|daughters|boys|girls))?
               |\s+(?:from|on)\s+(?:his|her|their|its|our|the\s+other)\s+(?:own\s+)?side
               |\s+(?:in|at|from|near|of|on|from\s+among)\s+(?:the\s+)?(?:so-called\s+)?(?-i:\p{{Lu}}[\p{{L}}\d'-]*(?:\s+\p{{Lu}}[\p{{L}}\d'-]*){{0,3}}(?:\s*\([^()]{{1,20}}\))?(?:\s+\p{{Ll}}[\p{{L}}'-]*){{0,2}}(?:\s+of\s+\p{{Lu}}[\p{{L}}'-]*)?)(?:\s*\([^()]{{1,20}}\))?
               |\s*,(?=\s+who\b)
               |\s+who\s+(?:were|was)\s+(?:not\s+)?(?-i:\p{{Ll}}+ing)\b[^,;.()\d]{{0,50}}?(?=\s+(?:were|was)\b)  # "passengers who were not wearing seat belts were injured"
               |\s+who\s+(?!(?:was|were|had|has|have|is|are)\b)(?:(?!(?<!\bto\s)\b(?:{trigger_words})\b|\b(?:and|but|which|who|whose|whom|that)\b)[^,;.()\d]){{1,60}}?(?:\s+(?:also|later|then)(?=\s))?(?=\s+(?:was|were|died|perished|succumbed|drowned|suffered|sustained)\b)
               |\s*[—–]\s*[^—–;.]{{1,80}}?\s*[—–]
               |\s+-\s+[^—–;.-]{{1,80}}?\s+-(?=\s)  # "Nine people - six soldiers and three civilians - were killed"
               |\s+survived\b[^.;]{{0,80}}?\s+but(?=\s+(?:later\s+)?(?:died|succumbed|perished)\b)
               |\s+(?!(?:and|or|but|{trigger_words})\b)(?-i:\p{{Ll}}+)\b[^.;,]{{0,50}}?\s+and(?=\s+(?:later\s+)?(?:died|succumbed|perished|did\s+not\s+survive)\b)
               |\s+(?-i:\p{{Ll}}+ed)\s+(?:himself|herself|themselves)\b[^,;.()]{{0,50}},(?=\s+(?:was|were)\b)
               |(?P<participle>\s+(?!(?:{trigger_words})\b)(?-i:\p{{Ll}}+ing)\b(?:(?!\b(?:and|but|nobody|no|not|none|which|who|whom|where|{number_words})\b)[^,;.\d]){{0,60}}?
                  |\s+(?!(?:{trigger_words})\b)(?-i:\p{{Ll}}+ed)\s+(?:of|in|on|at|by|from|with|to|for|near|during|after|as)\b
                   (?:(?!\b(?:but|nobody|no|not|none|which|whom|where)\b|\band\s+(?:\d|(?:{number_words})\b))[^,;.()]){{0,90}}?
                   (?=\s+(?:was|were|had\s+been|have\s+been|has\s+been)\b)))?"""
    tail_rest = rf"""(?P<aux>(?:\s+(?:{aux})\b)*?)(?:\s+(?P<first>(?-i:[a-z]+ed))(?:\s+(?:in|with|by|on|from|into)\s+(?:(?:a|an|the|his|her|their)\s+)?[\p{{L}}-]+)?\s+and(?:\s+(?:{aux})\b)*?)?
                        (?:(?<=reported|confirmed)(?:\s+(?-i:\p{{Lu}}[\p{{L}}-]*)){{1,3}}(?=\s+(?:dead|killed)\b))?
                        \s+(?P<trig>{subject})\b"""
    subject_tail = rf"(?P<gap>{gap}){tail_rest}"
    nouns = _words(lex.noun_triggers)
    # "death toll" may take a bare "of"/"at"/"is"; "deaths", "dead", "number" need a verb of change.
    weak_toll = {"dead", "deaths", "fatalities", "number", "death", "total", "figure", "tally"}
    toll = _words(t for t in lex.toll_triggers if t not in weak_toll)
    weak = _words(t for t in lex.toll_triggers if t in weak_toll)
    adverbs = r"""(?:\s+(?:has|had|have|was|were|is|been|now|later|then|reportedly|officially|further|also
                          |eventually|subsequently|since|finally|initially|already))*"""
    change = r"""(?:rose|risen|rises|climbed|climbs|jumped|increased|reached|reaches|stood\s+at|stands\s+at
                   |went\s+up\s+to|raised|revised|updated|put|stood|stands|hit)(?:\s+(?:down|downward|downwards|up|upward|upwards))?(?:,?\s+to|\s+at|\s+from)?"""
    toll_verb = rf"""{adverbs}\s+(?:{change}|(?:was|is|of|at|to)(?:\s+to|\s+at)?)"""
    weak_verb = rf"""{adverbs}\s+{change}"""
    # after "the death toll from the bombing ...", a bare "at"/"of" belongs to the phrase, not the verb
    phrase_verb = rf"""{adverbs}\s+(?:{change}|(?:was|is)(?:\s+to|\s+at)?|at(?=\s+(?:about\s+|around\s+|least\s+)?\d))"""
    return Patterns(
        np=regex.compile(np, FLAGS),
        subject_tail=regex.compile(subject_tail, FLAGS),
        active=regex.compile(rf"\b(?P<trig>{active})\b(?:\s+and\s+(?P<trig2>{active})\b)?\s+", FLAGS),
        noun_after=regex.compile(rf"\s+(?:(?:more|other|additional|further|confirmed|reported|civilian|people|unidentified|"
                                 rf"mutilated|decomposed|charred|burned|burnt|bullet-riddled|decapitated)\s+)?(?P<trig>{nouns})\b", FLAGS),
        toll=regex.compile(rf"""\b(?:(?P<trig>{toll})\b(?:\s+(?:from|in|of|after|for)\s+(?:[^,.;]|\.(?=\d)|,(?!\s+(?:which|who|where|while|but|and)\b)){{1,100}}?{phrase_verb}|{toll_verb})
                                  |(?P<trig>{weak})\b(?:\s+(?:from|in|of|after|for|who)\s+(?:(?!since\b)[^,.;]|\.(?=\d)){{1,120}}?)?{weak_verb}
                                  |(?:raising|bringing|pushing|taking|lifting|revised|revising|lowered|lowering|raised
                                     |updated|updating|corrected|correcting|cut|cutting)\s+(?:the\s+)?(?:overall\s+|total\s+)?
                                   (?P<trig>{toll})\b(?:\s+[^,.;\d]{{1,80}}?)?(?:\s+(?:down|up)(?:wards?)?)?\s+to)\s+""", FLAGS),
        conj=regex.compile(r"""\A(?:\s*,\s*\d{1,3}(?=\s*,))?  # "The executive, 61, and his pilot": an age aside
                               (?:\s+(?-i:\p{Ll}+ing)\b[^,;.()]{1,60}?(?=\s*,))?  # "a candidate running for a seat, his driver"
                               (?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+(?:and|as\s+well\s+as|plus|&)\s+)
                               (?:(?:the|all|all\s+the|all\s+of\s+the|his|her|their)\s+)?\Z""", FLAGS),
        part_cue_before=regex.compile(rf"(?:{_words(g['part_cues'])})\s*:?\s*(?:were\s+|are\s+)?(?:at\s+least\s+)?\Z", FLAGS),
        perpetrator_self=regex.compile(
            r"""\b(?:(?:blew|blows|blow|blowing)\s+(?:himself|herself|themselves)\s+up
                 |(?:detonated|detonates|detonate|detonating)\s+(?:himself|herself|themselves)
                 |(?:turned|turns|turning|turn)\s+the\s+(?:gun|weapon)\s+on\s+(?:himself|herself|themselves)
                 |(?:shot|killed|stabbed|shooting|stabbing|hanged|hanging|hung)\s+(?:himself|herself|themselves)|committed\s+suicide|took\s+(?:his|her)\s+own\s+life
                 |(?:died|dead)\s+(?:of|from)\s+(?:an?\s+)?(?:apparent(?:ly)?\s+)?self-inflicted\s+(?:gunshot\s+)?wounds?
                 |killing\s+(?:only\s+)?(?:himself|herself|themselves)|committing\s+suicide|killed\s+themselves
                 |exploded\s+(?:himself|herself|themselves)
                 |(?:\band|\bbut)\s+(?:was\s+|is\s+)?(?:later\s+|then\s+)?
                  (?:shot\s+dead|shot\s+and\s+killed|killed|gunned\s+down)\s+by\s+(?:the\s+)?
                  (?:police|security\s+forces|officers|police\s+officers|troops|soldiers|guards|special\s+forces|commandos|the\s+army|army)
                 |(?:before\s+being|before\s+(?:he|she)\s+(?:was|is))\s+(?:later\s+|then\s+)?
                  (?P<how>shot\s+dead|shot\s+and\s+killed|killed|gunned\s+down|shot\s+and\s+wounded|shot\s+and\s+injured|wounded)
                  (?:\s+by\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,2}?  # "before being shot dead (by a security guard)"
                  (?:police|security\s+forces|officers?|policem[ae]n|troops|soldiers?|guards?|special\s+forces|commandos|army|marksm[ae]n|snipers?))?)\b""", FLAGS),
        trigger_any=regex.compile(rf"\b(?:{subject_any}|{active}|{nouns}|{toll}|casualt\w*|to\s+(?:the\s+)?hospitals?)\b", FLAGS),
        # case-sensitive: "May" and "Will" open dates and names; only negations take a capital here
        negation_before=regex.compile(rf"\b(?:{_words(g['negations'] + [n.capitalize() for n in g['negations'] if n in ('no', 'not', 'never', 'nobody', 'none', 'without', 'if')])})\b|n['’]t\b", FLAGS & ~regex.IGNORECASE),
        unit_after=regex.compile(rf"\A\s*-?\s*(?:{_words(g['unit_words'])})(?!\w)|\A-(?:year|month|week|day)", FLAGS),
        unit_word=regex.compile(rf"(?:{_words(g['unit_words'] + g['animal_nouns'])})", FLAGS),
        animal_before=regex.compile(rf"\b(?:{_words(g['animal_nouns'])})\b"
                                    r"(?=\s+(?:was|were|is|are|has|had|and|died|killed|injured|wounded)\b|\s*,)[^;.]*\Z", FLAGS),
        of_animals_after=regex.compile(rf"\s+of\s+(?:the|his|her|their|its|our)\s+(?:[\w-]+\s+)?(?:{_words(g['animal_nouns'])})\b",
                                       FLAGS),
        age_before=regex.compile(rf"\b(?:{_words(g['age_cues'])})\s+(?:of\s+)?(?:between\s+)?(?:\d{{1,3}}\s*(?:,\s*|-|–|\s(?:and|to|or)\s+))*\Z",
                                 FLAGS),  # "aged 19 and 22", "aged 17 to 25": every figure is an age
        month_near=regex.compile(rf"\b(?:{_words(g['months'])})\.?\s*\Z", FLAGS),
    )
