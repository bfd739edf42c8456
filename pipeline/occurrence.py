"""Is this place mention an occurrence at that place? Cues from the parse, weighed by a fitted logistic model.

A news story names far more places than it reports events at: where a man lives ("Scott Berrey, 31, of Paris"),
what a team is called ("Notre Dame's guard"), what will or would happen ("will visit Paris next week"), numbers
("In China, growth was 7 %"), quotes. roles.py reads what the grammar says (an actor, a dateline, an origin);
this module turns the sentence around a place into cues (numbers) and a logistic model, fitted by
bench/train_occurrence.py on hand-labelled news (bench/data/event_labels.jsonl), gives the chance that the place
is where something reported happened. The weights live in data/occurrence.json, rebuilt by that script.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from spacy.tokens import Span, Token

from .models import DateMention, PlaceMention
from .roles import SPEECH_VERBS, based, clause_verb, local_body, modal, person_noun, person_of

MODEL_PATH = Path(__file__).parent / "data" / "occurrence.json"
Cues = dict[str, float]

# Words of an organisation's name: "University of Virginia", "Bank of England", "Stronghold Storage of Richmond".
_ORG_WORDS = {"university", "college", "school", "bank", "society", "association", "bureau", "service", "club",
              "institute", "foundation", "company", "corporation", "center", "centre", "hospital", "museum",
              "church", "times", "post", "journal", "news", "herald", "tribune", "press", "party", "union",
              "chamber", "department", "office", "agency", "commission", "council", "authority", "league"}
_HARD_NEWS = {"battle", "strike", "territory", "violence_civilians", "riot", "crime", "arrest", "legal", "accident",
              "disaster", "outbreak", "displacement", "protest"}
_LOCATIVE = {"in", "at", "near", "on", "outside", "inside", "across", "throughout", "around", "within", "into",
             "onto", "over", "through", "along", "off"}
_GENERIC_WORDS = re.compile(r"%|\bpercent\b|\bper cent\b|\brate\b|\baverage\b|\bmillion\b|\bbillion\b|\bmost\b|"
                            r"\blargest\b|\bknown\b|\busually\b|\boften\b|\bevery\b|\beach year\b|\bper\b", re.I)
_QUOTES = {'"', "“", "”", "``", "''"}
_RECENT_DAYS = 8
_OLD_DAYS = 31


def cues(span: Span, mention: PlaceMention, rule_role: str, event_type: str, trigger: Token | None,
         when: DateMention | None, published: date | None, title: str | None, named: dict[str, int]) -> Cues:
    """The numbers the model weighs for one place mention; each is 0/1 unless said otherwise. `named` counts the
    article's mentions of each place: the place a story is about is named again and again."""
    root = span.root
    sent = span.sent
    verb = clause_verb(root)
    place = mention.place
    out: Cues = {
        "role_" + rule_role: 1.0,
        "typed": float(event_type != "other"),
        "typed_noun": float(trigger is not None and trigger.pos_ in ("NOUN", "PROPN")),
        "trigger_near": float(trigger is not None and _distance(root, trigger) <= 2),
        "precision_" + (place.precision if place else "none"): 1.0,
        "how_" + mention.how.replace("-", "_"): 1.0,
        "dep_" + _dep_group(root): 1.0,
        "prep_" + _prep_group(root): 1.0,
        "person_of": float(person_of(root)),
        "person_noun": float(person_noun(root)),
        "local_body": float(local_body(root)),
        "in_name": float(_in_name(span)),
        "hard_news": float(event_type in _HARD_NEWS),
        "based": float(based(span)),
        "org_entity": float(any(t.ent_type_ in ("ORG", "PERSON", "FAC", "WORK_OF_ART", "EVENT") for t in span)
                            or root.head.ent_type_ == "ORG" and root.dep_ == "compound"),
        "modal": float(verb is not None and modal(verb)),
        "negated": float(verb is not None and any(c.dep_ == "neg" for c in verb.children)),
        "speech": float(verb is not None and verb.lemma_.lower() in SPEECH_VERBS),
        "present": float(verb is not None and verb.tag_ in ("VBZ", "VBP")),
        "past": float(verb is not None and (verb.tag_ in ("VBD", "VBN"))),
        "quoted": float(sum(t.text in _QUOTES for t in span.doc[sent.start:span.start]) % 2 == 1),
        "generic_words": float(bool(_GENERIC_WORDS.search(sent.text))),
        "listed": float(_list_size(root) >= 3),
        "in_title": float(bool(title) and mention.text.lower() in title.lower()),
        "lead": float(sent.start_char < 400),
        "short_sentence": float(len(sent) <= 8),
        "confidence": mention.confidence,
        "repeated": float(place is not None and named.get(place.place_id, 0) >= 2),
        "most_named": float(place is not None and named.get(place.place_id, 0) == max(named.values(), default=0)),
    }
    out.update(_date_cues(when, published))
    return out


def _in_name(span: Span) -> bool:
    """The place is a word of an organisation's name: "University of Virginia", "Notre Dame's", "Birmingham City"."""
    doc = span.doc
    before = doc[span.start - 2:span.start] if span.start >= 2 else None
    if before is not None and before[1].lower_ == "of" and before[0].lemma_.lower() in _ORG_WORDS and \
            before[0].is_title:
        return True
    if span.start >= 1 and doc[span.start - 1].is_title and doc[span.start - 1].pos_ in ("PROPN", "ADP") and \
            doc[span.start - 1].ent_type_ not in ("GPE", "LOC") and not doc[span.start - 1].is_sent_start:
        return True  # "Six Flags Over Texas", "Washington Latin School"
    after = doc[span.end] if span.end < len(doc) else None
    return after is not None and after.is_title and after.pos_ == "PROPN" and after.ent_type_ not in ("GPE", "LOC") \
        or after is not None and after.lemma_.lower() in _ORG_WORDS and after.is_title


def _date_cues(when: DateMention | None, published: date | None) -> Cues:
    if when is None or when.day is None:
        return {"date_none": 1.0}
    out = {"date_" + ("day" if when.precision == "day" else "coarse"): 1.0, "date_" + when.basis: 1.0}
    if published is not None:
        age = (published - when.day).days
        out["date_" + ("future" if age < 0 else "recent" if age < _RECENT_DAYS else "weeks" if age < _OLD_DAYS
                       else "old")] = 1.0
    return out


def _dep_group(root: Token) -> str:
    dep = root.dep_
    if dep in ("nsubj", "nsubjpass", "dobj", "pobj", "compound", "poss", "appos", "conj", "npadvmod", "ROOT"):
        return dep
    return "other"


def _prep_group(root: Token) -> str:
    token = root
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ != "pobj":
        return "none"
    prep = token.head.lower_
    if prep in _LOCATIVE:
        return "locative"
    return prep if prep in ("of", "from", "to", "for", "with", "by", "against", "between") else "other"


def _list_size(root: Token) -> int:
    """How many names the list holding this one has ("Ohio, Indiana and Kentucky": 3)."""
    head = root
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    return 1 + sum(1 for t in head.subtree if t.dep_ == "conj" and t.pos_ == "PROPN")


def _distance(a: Token, b: Token) -> int:
    up = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in up:
            return up[t.i] + n
    return 99


@dataclass(frozen=True)
class OccurrenceModel:
    """Logistic weights over cues, a bias and the threshold above which a mention is an occurrence."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> OccurrenceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["threshold"])

    def probability(self, found: Cues) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in found.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def is_occurrence(self, found: Cues) -> bool:
        return self.probability(found) >= self.threshold
