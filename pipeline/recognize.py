"""Find place-name spans in a parsed article: spaCy's entities, corrected and completed by the gazetteer.

The small English model misses places (all-caps datelines, unfamiliar towns) and mislabels others
("Donbas" as PERSON, "Kyiv's" as ORG). Each rule below adds spans spaCy missed; the gazetteer says
whether a span can be a place at all, the parse and the surrounding words say whether it is one here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from spacy.attrs import IDX, IS_ALPHA, IS_STOP, IS_TITLE, IS_UPPER, LENGTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from .gazetteer import REGION_WORDS, Gazetteer, normalize_name

PLACE_LABELS = {"GPE", "LOC"}
# Labels that spaCy sometimes puts on places; such a span is relabelled only with gazetteer and context support.
RELABEL_LABELS = {"PERSON", "ORG", "FAC", "NORP"}
# Entities that are never places: a token inside them is not scanned against the gazetteer.
NOT_PLACE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "NORP", "WORK_OF_ART",
                    "LAW", "LANGUAGE", "EVENT", "PRODUCT", "PERSON", "ORG"}
LOCATIVE_PREPS = {"in", "into", "to", "from", "near", "around", "across", "at", "outside", "inside", "toward",
                  "towards", "through", "throughout", "within", "over", "off", "between", "via", "of", "on"}
# A settlement this large found by the gazetteer alone is taken as a place; smaller ones need spaCy's word.
SCAN_MIN_POPULATION = 5_000
SHOUTED_MIN_POPULATION = 100_000
BIG_CITY_POPULATION = 500_000
RELABEL_MIN_POPULATION = 100_000
# How alike two names must be (difflib's ratio) to count as spellings of one name.
SPELLING_SIMILARITY = 0.7
MAX_NAME_TOKENS = 4
# Words that are names of places somewhere (Cameroon's "North" region) but, standing alone, are generic
# ("Republic of Armenia" is Armenia, not Republic, Missouri).
GENERIC_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                 "northeast", "northwest", "southeast", "southwest", "midwest", "city", "center", "centre",
                 "street", "island", "airport", "county", "state", "region", "village", "town", "university",
                 "college", "park", "river", "lake", "beach", "hill", "valley", "bay", "port", "capital",
                 "downtown", "metro", "national", "international", "union", "earth", "world", "heaven", "hope",
                 "justice", "liberty", "unity", "victory", "independence", "star", "king", "queen",
                 "republic", "kingdom", "federation", "empire", "commonwealth", "islands", "quarter",
                 "coast", "west coast", "east coast", "gulf", "middle", "mountains", "hills", "heights", "lakes"}

# Endings that make a country's name its people's ("Kenya" -> "Kenyan", "Canada" -> "Canadian", "Italy" -> "Italian").
_DEMONYM_ENDINGS = (("n", ("",)), ("an", ("", "a")), ("ian", ("", "a", "y", "e")), ("ese", ("", "a")), ("i", ("",)))

# "Kharkiv region" and "Laurel County"; words that also name offices ("Police Department") only in lower case.
_CAPITALISED_REGION_WORDS = ("region", "oblast", "province", "state", "governorate", "prefecture", "county", "parish")
_REGION_RE = "|".join([*(w.capitalize() for w in _CAPITALISED_REGION_WORDS), *REGION_WORDS])
REGION_PHRASE = re.compile(
    rf"\b((?:[A-Z][\w'-]+)(?: (?:(?:de|del|la|of) )?[A-Z][\w'-]+){{0,2}}) ({_REGION_RE})\b(?!-)", re.UNICODE
)
# "KHARKIV, UKRAINE - SEPTEMBER 09:" or "LVIV, Ukraine, Oct. 3 (Wire) -": a line that opens with a place.
DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3}),[ \t]+"
    r"(?P<region>[A-Z][A-Za-z'.-]+(?: [A-Z][A-Za-z'.-]+){0,2})[ \t]*(?=[-\u2013\u2014(:,])",
    re.MULTILINE,
)
# "Trinidad and Tobago": up to two capitalised words each side of "and".
JOINED_NAME = re.compile(
    r"\b(?P<left>[A-Z][\w'-]+(?: [A-Z][\w'-]+)?) (?:and|&) (?P<right>[A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")
# "6016 Dublin Road", "Elm Street": a name before a street word is the street's, not a place's ("Otter Tail County
# Road 80" keeps its county).
STREET = re.compile(r" (?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Drive|Dr\.|Boulevard|Blvd\.|Lane|Ln\.)(?!\w)")
# "ROSWELL — The city council..." or "Mayor quits. TORRINGTON - The...": a place in capitals opening a line or
# a sentence, then a dash. Kept only where the gazetteer knows the name ("UPDATE -" is no place); "ST. PAUL -" is
# Saint Paul, not Paul.
BARE_DATELINE = re.compile(
    r"(?:^|(?<=[.!?])[ \t]+)(?P<place>(?:(?:ST|MT|FT)\. )?[A-Z][A-Z'.]*[A-Z](?: [A-Z][A-Z'.]*[A-Z]){0,3})"
    r"(?:,[ \t]+(?P<region>[A-Z][A-Za-z'.]+(?: [A-Z][A-Za-z'.]+)?))?[ \t]*[-\u2013\u2014]+[ \t]",
    re.MULTILINE,
)


@dataclass(frozen=True)
class PlaceSpan:
    """A span that names a place; `how` says which rule found it, `qualifier` is an enclosing place named next to it."""

    start: int
    end: int
    text: str
    how: str
    region_word: str | None = None


def find_place_spans(doc: Doc, gazetteer: Gazetteer) -> list[PlaceSpan]:
    """All place-name spans in the document, non-overlapping, in text order."""
    text = doc.text
    found: list[PlaceSpan] = (_region_phrases(text, gazetteer) + _datelines(text, gazetteer)
                              + _joined_names(text, gazetteer))
    ents = _split_entities(doc.ents)
    trimmed = [_completed(e, gazetteer) for e in map(_trim, ents) if e is not None]
    found += [PlaceSpan(e.start_char, e.end_char, e.text, "ner") for e in trimmed
              if e.label_ in PLACE_LABELS and _plausible_name(e, gazetteer)]
    # Scan twice: towns found in the first pass tell which countries the article is about.
    countries = _countries_named(found, gazetteer)
    nameable = _nameable_tokens(doc)
    for _ in range(2):
        found += _gazetteer_scan(doc, gazetteer, nameable, _covered(found), countries)
        countries |= _countries_named(found, gazetteer)
        taken = _covered(found)
        found += [PlaceSpan(e.start_char, e.end_char, e.text, "ner-relabelled") for e in trimmed
                  if e.label_ in RELABEL_LABELS and e.start_char not in taken
                  and _is_place_here(e, gazetteer, countries)]
    taken = _covered(found)
    found += [s for e in ents if e.label_ in ("ORG", "FAC") and e.start_char not in taken
              for s in _embedded(e, gazetteer, countries)]
    return [s for s in _without_overlaps(found) if s.text.lower() not in GENERIC_WORDS
            and not _is_demonym(s.text, gazetteer) and not (s.how != "region-phrase" and STREET.match(text, s.end))]


def _region_phrases(text: str, gazetteer: Gazetteer) -> list[PlaceSpan]:
    out = []
    for m in REGION_PHRASE.finditer(text):
        words = m.group(1).split(" ")
        # "Ukraine's Kharkiv region": the region's name is the longest tail the gazetteer knows.
        for k in range(len(words)):
            name = " ".join(words[k:])
            if words[k].lower() in STOP_WORDS:
                continue  # "The state", "This county": no name at all
            if "'" not in name and gazetteer.lookup(name):
                start = m.end(1) - len(name)
                out.append(PlaceSpan(start, m.end(), text[start:m.end()], "region-phrase", m.group(2)))
                break
    return out


def _joined_names(text: str, gazetteer: Gazetteer) -> list[PlaceSpan]:
    """"Trinidad and Tobago", "Bosnia and Herzegovina": a country or region whose name joins two with "and",
    which the scans, stopping at "and", would split into two places."""
    out = []
    for m in JOINED_NAME.finditer(text):
        # "Minister Trinidad and Tobago officials": the name may start one word later, or end one word sooner.
        starts = [m.start()] + [m.start() + i + 1 for i, c in enumerate(m.group("left")) if c == " "]
        ends = [m.end()] + [m.start("right") + i for i, c in enumerate(m.group("right")) if c == " "]
        for start, end in ((a, b) for a in starts for b in ends):
            if any(p.precision in ("country", "admin1") and is_main for p, is_main in gazetteer.lookup(text[start:end])):
                out.append(PlaceSpan(start, end, text[start:end], "gazetteer"))
                break
    return out


def _datelines(text: str, gazetteer: Gazetteer) -> list[PlaceSpan]:
    out = []
    for m in DATELINE.finditer(text):
        for group in ("place", "region"):
            out.append(PlaceSpan(m.start(group), m.end(group), m.group(group), "dateline"))
    for m in BARE_DATELINE.finditer(text):
        if gazetteer.lookup(m.group("place")):
            out += [PlaceSpan(m.start(g), m.end(g), m.group(g), "dateline") for g in ("place", "region") if m.group(g)]
    return out


def _split_entities(ents) -> list[Span]:
    """An entity never runs across a line break or a comma: "Dublin, Ohio" is a town and its state."""
    out = []
    for ent in ents:
        start = ent.start
        for t in ent:
            if t.text == ",":
                out.append(Span(ent.doc, start, t.i, label=ent.label_))
                start = t.i + 1
            elif "\n" in t.text_with_ws:
                out.append(Span(ent.doc, start, t.i if t.is_space else t.i + 1, label=ent.label_))
                start = t.i + 1
        out.append(Span(ent.doc, start, ent.end, label=ent.label_))
    return [s for s in out if len(s) and not s[0].is_space]


def _countries_named(spans: list[PlaceSpan], gazetteer: Gazetteer) -> set[str]:
    """Countries the article's recognised places point at: the scan trusts names in those countries more."""
    out = set()
    for s in spans:
        places = [p for p, _ in gazetteer.lookup(s.text)]
        countries = [p for p in places if p.precision == "country"]
        if countries or places:
            out.add((countries or places)[0].country_code)
    return out


def _plausible_name(span: Span, gazetteer: Gazetteer) -> bool:
    if len(span.text) < 2 or not span.text[0].isupper():
        return False  # "north-west", "west coast": directions, not names; "D" of "D-Ohio"
    return not (span.root.dep_ == "amod" and not gazetteer.lookup(span.text))  # "Ukrainian troops"


def _trim(ent: Span) -> Span | None:
    """Drop a leading article and a trailing possessive: "the Donetsk" -> "Donetsk", "Kyiv's" -> "Kyiv"."""
    start, end = ent.start, ent.end
    if ent.doc[start].lower_ == "the":
        start += 1
    if end - 1 > start and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    return Span(ent.doc, start, end, label=ent.label_) if end > start else None


def _completed(ent: Span, gazetteer: Gazetteer) -> Span:
    """spaCy often ends a town's name a word early ("Gun" of "Gun Barrel City", "Belle" of "Belle Plaine"): a place
    entity runs on over the capitalised words after it while that makes a name the gazetteer has as a main name."""
    if ent.label_ not in PLACE_LABELS:
        return ent
    doc, end = ent.doc, ent.end
    for extra in range(1, MAX_NAME_TOKENS - len(ent) + 1):
        nxt = doc[ent.end + extra - 1] if ent.end + extra - 1 < len(doc) else None
        if nxt is None or not nxt.is_title or doc[nxt.i - 1].whitespace_ == "":
            break
        if any(is_main for _, is_main in gazetteer.lookup(doc[ent.start:ent.end + extra].text)):
            end = ent.end + extra
    return ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_)


def _is_place_here(span: Span, gazetteer: Gazetteer, countries: set[str]) -> bool:
    """A mislabelled span is a place when the gazetteer knows it well and it is used the way places are."""
    if len(span) > MAX_NAME_TOKENS:
        return False
    prev = span.doc[span.start - 1].lower_ if span.start > 0 else ""
    dep, head = span.root.dep_, span.root.head
    # Where places go: after "in"/"around"/..., as an object ("took Kyiv"), an owner ("Kyiv's"), a modifier
    # of a common noun ("an Alexandria man"); never an agent ("by Pravda").
    if not (prev in LOCATIVE_PREPS or dep in ("dobj", "poss", "appos") or (dep == "pobj" and head.lower_ != "by")
            or (dep == "compound" and head.pos_ == "NOUN")):
        return False
    for place, is_main in gazetteer.lookup(span.text):
        # A big city by its name or a spelling of it (Zaporizhzhia / Zaporizhia); not by a translation of it:
        # "White House" is also Casablanca's (Dar el Beida).
        if place.precision in ("country", "admin1", "other") or (
                place.population >= RELABEL_MIN_POPULATION and (is_main or _spelled_like(span.text, place.name))):
            return True
        # A town by its own name in a country the article is about.
        if is_main and place.country_code in countries and place.population >= SCAN_MIN_POPULATION:
            return True
    return False


def _spelled_like(name: str, other: str) -> bool:
    return SequenceMatcher(None, normalize_name(name), normalize_name(other)).ratio() >= SPELLING_SIMILARITY


def _embedded(ent: Span, gazetteer: Gazetteer, countries: set[str]) -> list[PlaceSpan]:
    """Places named inside an organisation: "the Ohio Department of Transportation", "Security Service of Ukraine"."""
    ent = _trim(ent)
    if ent is None or len(ent) < 2:
        return []
    tokens = list(ent)
    spans = []
    for n in range(min(MAX_NAME_TOKENS, len(tokens) - 1), 0, -1):
        head = ent[:n]
        if all(t.is_title for t in head) and _known_well(head, gazetteer, countries):
            spans.append(head)
            break
    of = [t.i for t in tokens if t.lower_ == "of"]
    if of and of[-1] + 1 < ent.end:
        tail = ent.doc[of[-1] + 1:ent.end]
        if len(tail) <= MAX_NAME_TOKENS and all(t.is_title for t in tail) and _known_well(tail, gazetteer, countries):
            spans.append(tail)
    return [PlaceSpan(s.start_char, s.end_char, s.text, "embedded") for s in spans]


def _covered(spans: list[PlaceSpan]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


def _nameable_tokens(doc: Doc) -> list[int | None]:
    """Each token's character offset where it may be part of a name, else None; decided once per document
    (slicing spans per position, or walking the document per scan, is slow)."""
    flags = doc.to_array([IS_ALPHA, IS_TITLE, IS_UPPER, IS_STOP, LENGTH, IDX])  # one C pass, not a Token per word
    alpha, title, upper, stop, length, idx = flags.T
    ok = (alpha == 1) & ((title == 1) | ((upper == 1) & (length > 2))) & (stop == 0)
    for ent in doc.ents:
        if ent.label_ in NOT_PLACE_LABELS:
            ok[ent.start:ent.end] = False
    return [i if good else None for good, i in zip(ok.tolist(), idx.tolist())]


def _gazetteer_scan(doc: Doc, gazetteer: Gazetteer, nameable: list[int | None], taken: set[int],
                    countries: set[str]) -> list[PlaceSpan]:
    """Capitalised proper-noun runs that spaCy did not label but the gazetteer knows well: a country or
    region by its main name, a large city, or a town in a country the article is already about."""
    ok = [idx is not None and idx not in taken for idx in nameable]
    out = []
    i = 0
    while i < len(doc):
        run = 0
        while run < MAX_NAME_TOKENS and i + run < len(doc) and ok[i + run]:
            run += 1
        match = None
        if run and (doc[i].pos_ == "PROPN" or doc[i].is_upper):
            for n in range(run, 0, -1):
                span = doc[i:i + n]
                if _known_well(span, gazetteer, countries):
                    match = span
                    break
        if match is not None:
            out.append(PlaceSpan(match.start_char, match.end_char, match.text, "gazetteer"))
            i = match.end
        else:
            i += 1
    return out


def _known_well(span: Span, gazetteer: Gazetteer, countries: set[str]) -> bool:
    shouted = all(t.is_upper for t in span)
    if len(span.text) < 4 and not shouted:
        return False  # "La", "Lee": abbreviations and short words match too much
    for place, is_main in gazetteer.lookup(span.text):
        if place.precision in ("country", "admin1", "other"):
            if is_main:
                return True
        elif place.population >= (SHOUTED_MIN_POPULATION if shouted else BIG_CITY_POPULATION):
            return True
        elif (not shouted and place.country_code in countries and place.population >= SCAN_MIN_POPULATION
              and (is_main or _spelled_like(span.text, place.name))):
            return True  # by its own name: "Harbor" is also an alternate name of Gloucester
    return False


def _is_demonym(name: str, gazetteer: Gazetteer) -> bool:
    """"Sri Lankan", "Canadian", "Russian": a people or an adjective, not a place, even where spaCy tags
    it GPE or a village lists it as an alternate name. The name, less a demonym ending, is a country's."""
    if any(p.precision == "country" for p, _ in gazetteer.lookup(name)):
        return False
    stems = [name[:-len(end)] + add for end, adds in _DEMONYM_ENDINGS if name.endswith(end) for add in adds]
    return any(p.precision == "country" for stem in stems if len(stem) >= 4 for p, _ in gazetteer.lookup(stem))


def _without_overlaps(spans: list[PlaceSpan]) -> list[PlaceSpan]:
    """Keep the longest of overlapping spans (a region phrase beats the bare name inside it)."""
    chosen: list[PlaceSpan] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda s: s.start)
