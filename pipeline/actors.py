"""Who did it and to whom: named people, organisations and groups that are the event word's subject or object.

Read from the parse around the trigger: "Ukrainian troops entered Kupiansk" gives "Ukrainian"; a pronoun
subject ("they had entered") borrows the reporting clause's subject ("Ukrainian forces said they ...").
A country or city acting ("Russia launched missiles") counts too: it stands for its government or army.
"""
from __future__ import annotations

from spacy.tokens import Token

ACTOR_LABELS = {"PERSON", "ORG", "NORP"}
PLACE_LABELS = {"GPE"}
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "agent", "poss", "pobj"}
MAX_ACTORS = 6


def find_actors(trigger: Token | None, not_actors: set[int]) -> tuple[str, ...]:
    """Names of the actors of the event that `trigger` names, in text order, without repeats; tokens in
    `not_actors` (places named as places) are never actors, whatever spaCy labelled them."""
    if trigger is None:
        return ()
    heads = _argument_heads(trigger)
    if not heads or all(h.pos_ == "PRON" for h in heads):
        reporting = trigger.head
        if reporting is not trigger and reporting.pos_ == "VERB":
            heads += [c for c in reporting.children if c.dep_ == "nsubj"]
    names: list[str] = []
    for head in sorted(heads, key=lambda t: t.i):
        for name in _names_in(head, not_actors):
            if name not in names:
                names.append(name)
    return tuple(names[:MAX_ACTORS])


def _argument_heads(trigger: Token) -> list[Token]:
    heads = []
    for child in trigger.children:
        if child.dep_ in ("agent",) or (child.dep_ == "prep" and child.lower_ in ("by", "between", "of", "against")):
            heads += [p for p in child.children if p.dep_ == "pobj"]
        elif child.dep_ in ARGUMENT_DEPS - {"pobj", "agent"}:
            heads.append(child)
    return heads + [c for h in heads for c in h.children if c.dep_ == "conj"]


def _names_in(head: Token, not_actors: set[int]) -> list[str]:
    """Entities in the noun phrase of `head`: the head itself and its modifiers ("Ukrainian" in "Ukrainian troops")."""
    tokens = [head] + [c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
    tokens += [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
    out = []
    for token in tokens:
        label = token.ent_type_
        if token.i not in not_actors and (label in ACTOR_LABELS or label in PLACE_LABELS and token.dep_ in ("nsubj", "poss")):
            out.append(_entity_text(token))
    return out


def _entity_text(token: Token) -> str:
    """The whole entity the token is part of ("Volodymyr Zelenskyy" from either word)."""
    doc = token.doc
    start, end = token.i, token.i + 1
    while doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end].text.strip()
