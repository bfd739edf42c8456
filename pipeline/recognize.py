"""Find place-name spans in a parsed article: spaCy's entities, corrected and completed by the gazetteer.

The small English model misses places (all-caps datelines, unfamiliar towns) and mislabels others
("Donbas" as PERSON, "Kyiv's" as ORG). Each rule below adds spans spaCy missed; the gazetteer says
whether a span can be a place at all, the parse and the surrounding words say whether it is one here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .gazetteer import REGION_WORDS, Gazetteer

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
RELABEL_MIN_POPULATION = 100_000
MAX_NAME_TOKENS = 4

_REGION_RE = "|".join(REGION_WORDS)
REGION_PHRASE = re.compile(
    rf"\b((?:[A-Z][\w'-]+)(?: [A-Z][\w'-]+){{0,2}}) ({_REGION_RE})\b(?!-)", re.UNICODE
)
# "KHARKIV, UKRAINE - SEPTEMBER 09:" or "LVIV, Ukraine, Oct. 3 (Wire) -": a line that opens with a place.
DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3}),[ \t]+"
    r"(?P<region>[A-Z][A-Za-z'.-]+(?: [A-Z][A-Za-z'.-]+){0,2})[ \t]*(?=[-\u2013\u2014(:,])",
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
    found: list[PlaceSpan] = []
    found += _region_phrases(text, gazetteer)
    found += _datelines(text)
    for ent in doc.ents:
        span = _from_entity(ent, gazetteer)
        if span:
            found.append(span)
    taken = _covered(found)
    found += _gazetteer_scan(doc, gazetteer, taken)
    return _without_overlaps(found)


def _region_phrases(text: str, gazetteer: Gazetteer) -> list[PlaceSpan]:
    out = []
    for m in REGION_PHRASE.finditer(text):
        words = m.group(1).split(" ")
        # "Ukraine's Kharkiv region": the region's name is the longest tail the gazetteer knows.
        for k in range(len(words)):
            name = " ".join(words[k:])
            if "'" not in name and gazetteer.lookup(name):
                start = m.end(1) - len(name)
                out.append(PlaceSpan(start, m.end(), text[start:m.end()], "region-phrase", m.group(2).lower()))
                break
    return out


def _datelines(text: str) -> list[PlaceSpan]:
    out = []
    for m in DATELINE.finditer(text):
        for group in ("place", "region"):
            out.append(PlaceSpan(m.start(group), m.end(group), m.group(group), "dateline"))
    return out


def _from_entity(ent: Span, gazetteer: Gazetteer) -> PlaceSpan | None:
    span = _trim(ent)
    if span is None:
        return None
    if ent.label_ in PLACE_LABELS:
        if span.root.dep_ == "amod" and not gazetteer.lookup(span.text):
            return None  # a demonym such as "Ukrainian troops" labelled GPE
        return PlaceSpan(span.start_char, span.end_char, span.text, "ner")
    if ent.label_ in RELABEL_LABELS and _is_place_here(span, gazetteer):
        return PlaceSpan(span.start_char, span.end_char, span.text, "ner-relabelled")
    return None


def _trim(ent: Span) -> Span | None:
    """Drop a leading article and a trailing possessive: "the Donetsk" -> "Donetsk", "Kyiv's" -> "Kyiv"."""
    start, end = ent.start, ent.end
    if ent.doc[start].lower_ == "the":
        start += 1
    if end - 1 > start and ent.doc[end - 1].tag_ == "POS":
        end -= 1
    return ent.doc[start:end] if end > start else None


def _is_place_here(span: Span, gazetteer: Gazetteer) -> bool:
    """A mislabelled span is a place when it is a strong gazetteer match used the way places are used."""
    places = [p for p, _ in gazetteer.lookup(span.text)]
    if not places:
        return False
    strong = any(p.precision in ("country", "admin1", "other") or p.population >= RELABEL_MIN_POPULATION
                 for p in places)
    prev = span.doc[span.start - 1].lower_ if span.start > 0 else ""
    placelike_use = prev in LOCATIVE_PREPS or span.root.dep_ in ("dobj", "pobj", "poss", "appos")
    return strong and placelike_use and len(span) <= MAX_NAME_TOKENS


def _covered(spans: list[PlaceSpan]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


def _gazetteer_scan(doc: Doc, gazetteer: Gazetteer, taken: set[int]) -> list[PlaceSpan]:
    """Capitalised proper-noun runs that spaCy did not label but the gazetteer knows well."""
    blocked = {t.i for ent in doc.ents if ent.label_ in NOT_PLACE_LABELS for t in ent}
    out = []
    i = 0
    while i < len(doc):
        match = None
        for n in range(MAX_NAME_TOKENS, 0, -1):
            span = doc[i:i + n]
            if len(span) == n and _scannable(span, blocked, taken) and _known_well(span, gazetteer):
                match = span
                break
        if match is not None:
            out.append(PlaceSpan(match.start_char, match.end_char, match.text, "gazetteer"))
            i = match.end
        else:
            i += 1
    return out


def _scannable(span: Span, blocked: set[int], taken: set[int]) -> bool:
    for t in span:
        if t.i in blocked or t.idx in taken or t.is_stop or not t.is_alpha:
            return False
        if not (t.is_title or (t.is_upper and len(t) > 2)):
            return False
    return span[0].pos_ == "PROPN" or span[0].is_upper


def _known_well(span: Span, gazetteer: Gazetteer) -> bool:
    shouted = all(t.is_upper for t in span)
    floor = SHOUTED_MIN_POPULATION if shouted else SCAN_MIN_POPULATION
    for place, is_main in gazetteer.lookup(span.text):
        if place.precision in ("country", "admin1", "other") and (is_main or not shouted):
            return True
        if place.precision == "settlement" and place.population >= floor:
            return True
    return False


def _without_overlaps(spans: list[PlaceSpan]) -> list[PlaceSpan]:
    """Keep the longest of overlapping spans (a region phrase beats the bare name inside it)."""
    chosen: list[PlaceSpan] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda s: s.start)
