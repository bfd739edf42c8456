"""spaCy loading and batched parsing.

The text spaCy sees has no-break spaces and curly quotes replaced one character for one:
the small model finds more places that way (FACTS.md), and offsets stay valid for the original.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

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


def load(model: str = SPACY_MODEL) -> Language:
    """Load the English model; the lemmatizer is kept because event types read verb lemmas."""
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelMissing(f"spaCy model {model!r} is not installed; run `pip install -r requirements.txt`") from exc


def parse(nlp: Language, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Parse texts in batches, in order."""
    return nlp.pipe((prepare(t) for t in texts), batch_size=batch_size)
