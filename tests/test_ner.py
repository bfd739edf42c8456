"""spaCy loading, sentence starts at line breaks, and clause tense from the parse."""
from pipeline.ner import clause_tense, prepare


def test_ner_prepare_keeps_offsets():
    text = "Kyiv\u2019s hopes\u00a0remain"
    assert len(prepare(text)) == len(text) and prepare(text) == "Kyiv's hopes remain"


def test_ner_blank_lines_and_headlines_start_sentences(nlp):
    doc = nlp(prepare("Photo by AFP)\n\nUKRAINIAN SOLDIERS ADVANCE IN KHARKIV\n\nKonashenkov said it."))
    starts = [s.text.split()[0] for s in doc.sents]
    assert starts == ["Photo", "UKRAINIAN", "Konashenkov"]


def test_ner_clause_tense_from_the_parse(nlp):
    doc = nlp("The monarch met Bush on Monday. He will meet the king on Thursday.")
    tense = clause_tense(doc)
    assert tense(doc.text.index("Monday")) == "past"
    assert tense(doc.text.index("Thursday")) == "future"
