"""spaCy loading and batched parsing.

The text spaCy sees has no-break spaces and curly quotes replaced one character for one:
the small model finds more places that way (FACTS.md), and offsets stay valid for the original.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .config import BATCH_SIZE, SPACY_MODEL

_SAME_LENGTH = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
})


class ModelMissing(RuntimeError):
    """Raised when the spaCy model package is not installed; the CLI shows the install hint."""


def prepare(text: str) -> str:
    """Text as spaCy should see it; same length, so every offset maps back unchanged."""
    return text.translate(_SAME_LENGTH)


_SENTENCE_END = {".", "!", "?", '"', "'", ")", ":"}


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, and after a line that ends a sentence or shouts a headline.

    Without this the parser glues photo captions, headlines and the next paragraph into one sentence,
    and a date in one dates places in the others."""
    for tok in doc[:-1]:
        if not (tok.is_space and "\n" in tok.text) and "\n" not in tok.whitespace_:
            continue
        nxt = doc[tok.i + 1]
        prev = tok if not tok.is_space else doc[tok.i - 1] if tok.i else tok
        line_start = prev.i
        while line_start > 0 and "\n" not in doc[line_start - 1].text_with_ws:
            line_start -= 1
        shouted = doc[line_start:prev.i + 1].text.isupper()
        if "\n\n" in tok.text_with_ws or prev.text in _SENTENCE_END or shouted:
            nxt.is_sent_start = True
    return doc


def load(model: str = SPACY_MODEL) -> Language:
    """Load the English model with our line-break rule before the parser; the lemmatizer is kept
    because event types read verb lemmas."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelMissing(f"spaCy model {model!r} is not installed; run `pip install -r requirements.txt`") from exc
    nlp.add_pipe("line_breaks", before="parser")
    return nlp


def parse(nlp: Language, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Parse texts in batches, in order."""
    return nlp.pipe((prepare(t) for t in texts), batch_size=batch_size)


_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
MAX_HEAD_STEPS = 6


def clause_tense(doc: Doc) -> Callable[[int], str | None]:
    """Tense of the clause governing the token at a character offset: "past" (told, had gone), "future"
    (will meet) or None (present, or no verb found). Dates without a year read it ("in December")."""
    starts = [t.idx for t in doc]

    def tense(offset: int) -> str | None:
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return None
        token = doc[i]
        for _ in range(MAX_HEAD_STEPS):
            if token.pos_ in ("VERB", "AUX"):
                return _verb_tense(token)
            if token.head.i == token.i:
                return None
            token = token.head
        return None

    return tense


def _verb_tense(verb) -> str | None:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_AUX for a in auxes):
        return "future"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"  # "has retaken": done by now
    return None
