"""Turn place and date mentions into rows: each place's role, date, event type, trigger and actors.

Every resolved place becomes a row with its role; only event locations, origins and destinations are map points
by default. The grammar gives a first role (roles.py: actor, dateline, origin...), then the occurrence model
(occurrence.py) decides whether the place is where something reported happened, from cues of the sentence. A
row's date is the temporal expression closest to the place in the dependency tree of the same sentence, else the
publication date; its type and trigger come from event_types.py, its actors from actors.py.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from .actors import find_actors
from .event_types import classify
from .models import Article, DateMention, Event, PlaceMention
from .occurrence import OccurrenceModel, cues
from .roles import final_role, qualifier_places, syntactic_role
from .taxonomy import MAP_ROLES


def build_events(article: Article, doc: Doc, places: list[PlaceMention], dates: list[DateMention],
                 model: OccurrenceModel | None = None) -> tuple[list[PlaceMention], list[Event]]:
    """Every place with its role, and one row per resolved place, role and sentence. Without a model, the
    grammar's role stands (the training script reads the cues that way)."""
    published = article.published
    usable_dates = [d for d in dates if d.day is not None]
    read: list[tuple[PlaceMention, Span | None, DateMention | None]] = []
    for mention in places:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            read.append((mention, None, None))
            continue
        sent = span.sent
        is_country = mention.place is not None and mention.place.precision == "country"
        governing = _governing_date(doc, span, [d for d in usable_dates if sent.start_char <= d.start < sent.end_char])
        read.append((replace(mention, role=syntactic_role(span, mention.how, is_country)), span, governing))
    located = [(n, m.place, span.sent.start) for n, (m, span, _) in enumerate(read) if m.place and span is not None]
    for k in qualifier_places([(place, read[n][0].role, sent) for n, place, sent in located]):
        n = located[k][0]
        read[n] = (replace(read[n][0], role="background"), *read[n][1:])
    # A place named as a place is never an actor, even when spaCy labelled it a person ("take Kyiv").
    not_actors = {t.i for m, span, _ in read if span is not None and m.role != "actor" for t in span}
    events: list[Event] = []
    seen: set[tuple[int, str, str]] = set()
    decided: list[PlaceMention] = []
    named = Counter(m.place.place_id for m, _, _ in read if m.place is not None)
    # A title made from the text's own first words (ingest.headline) says no more than the lead does.
    title = article.title if article.title and not article.text.lstrip().startswith(article.title.rstrip("…")) \
        else None
    for mention, span, governing in read:
        if span is None or mention.place is None:
            decided.append(mention)
            continue
        event_type, trigger = classify(span.root)
        rule_role = final_role(mention.role, governing, published)
        found = cues(span, mention, rule_role, event_type, trigger, governing, published, title, named)
        mention = replace(mention, role=_decide(rule_role, found, model), cues=tuple(sorted(found.items())))
        decided.append(mention)
        key = (span.sent.start, mention.place.place_id, mention.role)
        if key not in seen:
            seen.add(key)
            events.append(_event(article, mention, span, governing, published, event_type, trigger, not_actors))
    return decided, events


def _decide(rule_role: str, found: dict[str, float], model: OccurrenceModel | None) -> str:
    """The grammar's role first (an actor, a dateline, a residence, a plan, background); then the model, which
    weighs the grammar's role among its cues, keeps a map role where something reported happened, makes one of a
    place the grammar took for an actor or a dateline that it takes for the place of what happened, and leaves
    the rest with the grammar's name for them, or 'context' (named, nothing happened there). Background (an old
    date, a region that only says where a named town is) is the date's and the sentence's to say, not the model's;
    so are the ends of a movement ("regrouped from Izyum to the Donetsk region"), read from the movement word
    itself: the labelled news the model was fitted on holds four of them, too few to weigh."""
    if model is None or rule_role in ("background", "origin", "destination"):
        return rule_role
    if model.is_occurrence(found):
        return rule_role if rule_role in MAP_ROLES else "event"
    return "context" if rule_role in MAP_ROLES else rule_role


def _governing_date(doc: Doc, place: Span, candidates: list[DateMention]) -> DateMention | None:
    """The date of the place's own occurrence: among the dates in its clause or in a clause above it ("On
    Saturday officials said troops had entered Izyum"), the one whose tree path to the place is shortest (ties go
    to the nearer in the text). A date in another clause dates another occurrence ("Troops entered Kupiansk, and
    on Saturday Ukraine said it had retaken Izyum": Kupiansk has no date of its own)."""
    best, best_key = None, None
    clause = _clause(place.root)
    above = {clause.i, *(t.i for t in clause.ancestors)}
    for d in candidates:
        span = doc.char_span(d.start, d.end, alignment_mode="expand")
        if span is None or _clause(span.root).i not in above:
            continue
        key = (_tree_distance(place.root, span.root), abs(d.start - place.start_char))
        if best_key is None or key < best_key:
            best, best_key = d, key
    return best


def _clause(token: Token) -> Token:
    """The verb heading the clause a token is in (the sentence's root when there is none)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _tree_distance(a: Token, b: Token) -> int:
    up_a = [a, *a.ancestors]
    depth_a = {t.i: n for n, t in enumerate(up_a)}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in depth_a:
            return depth_a[t.i] + n
    return len(up_a) + 50  # different sentences' roots: far apart


def _event(article: Article, mention: PlaceMention, span: Span, when: DateMention | None, published: date | None,
           event_type: str, trigger: Token | None, not_actors: set[int]) -> Event:
    place = mention.place
    assert place is not None
    if when is not None:
        event_date, precision, text, basis, value = when.day.isoformat(), when.precision, when.text, when.basis, when.value
    elif published is not None:
        event_date, precision, text, basis, value = published.isoformat(), "day", "", "publication", published.isoformat()
    else:  # an undated article's event that its text does not date either: stored, never drawn on a guessed day
        event_date, precision, text, basis, value = None, "none", "", "none", ""
    confidence = mention.confidence * (0.9 if when is not None else 0.7)
    sent = span.sent
    return Event(
        event_id=stable_event_id(article.article_id, mention.start, mention.end),
        article_id=article.article_id, source=article.source, url=article.url, title=article.title,
        published_date=published.isoformat() if published else None,
        published_inferred=article.published_inferred, published_basis=article.published_basis,
        event_date=event_date, date_precision=precision, date_text=text, date_basis=basis, date_value=value,
        place_text=mention.text, place_name=place.name, geonameid=place.geonameid, place_id=place.place_id,
        country_code=place.country_code, admin1=place.admin1, feature_code=place.feature_code,
        geo_precision=place.precision, lat=place.lat, lon=place.lon,
        sentence=article.text[sent.start_char:sent.end_char].strip(),
        start_char=mention.start, end_char=mention.end, event_type=event_type,
        confidence=round(confidence, 3), alternatives=mention.alternatives,
        role=mention.role, trigger=trigger.text if trigger is not None else "", actors=find_actors(trigger, not_actors),
        place_reason=mention.reason,
    )


def stable_event_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{end}".encode()).hexdigest()[:16]
