"""Turn place and date mentions into event rows: where something happened, and when.

A place becomes an event location unless the parse says it is an actor ("Moscow said", "Russia will
withdraw", "claims made by Moscow") or a modifier ("the U.K. Defense Ministry", "Kyiv's hopes"). Its date is the temporal
expression closest to it in the dependency tree of the same sentence, else the publication date.
"""
from __future__ import annotations

import hashlib
from datetime import date

from spacy.tokens import Doc, Span, Token

from .models import Article, DateMention, Event, PlaceMention

SPEECH_VERBS = {"say", "announce", "claim", "warn", "accuse", "deny", "state", "report", "tell", "insist",
                "urge", "demand", "vow", "threaten", "respond", "reply", "confirm", "condemn", "call", "add",
                "assess", "suggest", "argue", "declare", "note", "write", "believe", "think", "hope", "want"}
# Nouns that a place may modify and still be the place ("Kharkiv region", "the Kyiv suburbs").
PLACE_NOUNS = {"region", "oblast", "province", "state", "county", "district", "area", "areas", "city", "town",
               "village", "border", "outskirts", "suburbs", "coast", "port", "capital", "front", "centre",
               "center", "airport", "streets", "street", "territory", "countryside"}
# Coarse event types from the governing verb's lemma; a later issue refines this into a full taxonomy.
EVENT_TYPES = {
    "battle": {"fight", "clash", "battle", "attack", "assault", "storm", "ambush", "advance", "counterattack"},
    "strike": {"shell", "bomb", "strike", "hit", "fire", "launch", "explode", "shoot", "target", "pound"},
    "territory": {"capture", "retake", "recapture", "liberate", "seize", "take", "enter", "control",
                  "withdraw", "retreat", "occupy", "surround", "lose", "regroup", "pull", "flee"},
    "movement": {"move", "deploy", "send", "arrive", "travel", "cross", "march", "evacuate", "return", "leave",
                 "patrol"},
    "protest": {"protest", "rally", "march", "demonstrate", "gather", "strike"},
    "arrest": {"arrest", "detain", "charge", "jail", "sentence"},
    "diplomacy": {"meet", "visit", "talk", "sign", "negotiate", "host", "agree"},
    "statement": SPEECH_VERBS,
    "disaster": {"flood", "burn", "collapse", "destroy", "damage", "kill", "die", "injure", "hurt", "rescue",
                 "sweep", "erupt", "shake"},
}
_TYPE_OF_LEMMA = {lemma: kind for kind, lemmas in EVENT_TYPES.items() for lemma in lemmas}
MAX_HEAD_STEPS = 4


def build_events(article: Article, doc: Doc, places: list[PlaceMention], dates: list[DateMention]) -> list[Event]:
    """One event per place reported as a location in a sentence, dated by its governing date."""
    published = article.published
    usable_dates = [d for d in dates if d.day is not None]
    events: list[Event] = []
    seen: set[tuple[int, str]] = set()
    for mention in places:
        if mention.place is None:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or mention.how == "embedded" or _is_actor_or_modifier(span, mention.place.precision == "country"):
            continue
        sent = span.sent
        if (sent.start, mention.place.place_id) in seen:
            continue
        seen.add((sent.start, mention.place.place_id))
        governing = _governing_date(doc, span, [d for d in usable_dates if sent.start_char <= d.start < sent.end_char])
        events.append(_event(article, mention, sent, governing, published, _event_type(span)))
    return events


def _is_actor_or_modifier(span: Span, is_country: bool) -> bool:
    root = span.root
    head = root.head
    if root.dep_ in ("compound", "poss", "nmod", "amod") and head.lower_ not in PLACE_NOUNS and head.pos_ in ("NOUN", "PROPN"):
        return True
    if root.dep_ == "pobj" and head.dep_ == "agent":
        return True  # "claims made by Moscow": the doer, not the place
    if root.dep_ in ("nsubj", "nsubjpass"):
        if head.lemma_ in SPEECH_VERBS:
            return True
        # A country as the subject of a clause is nearly always its government or army acting.
        return is_country
    return False


def _governing_date(doc: Doc, place: Span, candidates: list[DateMention]) -> DateMention | None:
    """The date whose tree path to the place is shortest; ties go to the nearer one in the text."""
    best, best_key = None, None
    for d in candidates:
        span = doc.char_span(d.start, d.end, alignment_mode="expand")
        if span is None:
            continue
        key = (_tree_distance(place.root, span.root), abs(d.start - place.start_char))
        if best_key is None or key < best_key:
            best, best_key = d, key
    return best


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a, *a.ancestors]
    depth_a = {t.i: n for n, t in enumerate(up_a)}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in depth_a:
            return depth_a[t.i] + n
    return len(up_a) + 50  # different sentences' roots: far apart


def _event_type(span: Span) -> str:
    token = span.root
    for _ in range(MAX_HEAD_STEPS):
        if token.pos_ in ("VERB", "NOUN") and token.lemma_ in _TYPE_OF_LEMMA:
            return _TYPE_OF_LEMMA[token.lemma_]
        if token.head is token:
            break
        token = token.head
    return "other"


def _event(article: Article, mention: PlaceMention, sent: Span, when: DateMention | None,
           published: date | None, event_type: str) -> Event:
    place = mention.place
    assert place is not None
    if when is not None:
        event_date, precision, text, basis, value = when.day.isoformat(), when.precision, when.text, when.basis, when.value
    else:
        day = published.isoformat() if published else None
        event_date, precision, text, basis, value = day, "day", "", "publication", day or ""
    confidence = mention.confidence * (0.9 if when is not None else 0.7)
    return Event(
        event_id=stable_event_id(article.article_id, mention.start, mention.end),
        article_id=article.article_id, source=article.source, url=article.url, title=article.title,
        published_date=published.isoformat() if published else None,
        published_inferred=article.published_inferred,
        event_date=event_date, date_precision=precision, date_text=text, date_basis=basis, date_value=value,
        place_text=mention.text, place_name=place.name, geonameid=place.geonameid, place_id=place.place_id,
        country_code=place.country_code, admin1=place.admin1, feature_code=place.feature_code,
        geo_precision=place.precision, lat=place.lat, lon=place.lon,
        sentence=article.text[sent.start_char:sent.end_char].strip(),
        start_char=mention.start, end_char=mention.end, event_type=event_type,
        confidence=round(confidence, 3), alternatives=mention.alternatives,
    )


def stable_event_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{end}".encode()).hexdigest()[:16]
