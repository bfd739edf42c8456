"""The role a place mention plays in its sentence, read from the dependency parse.

A news story names far more places than it reports events at: "Moscow said" names a government, "the U.K.
Defense Ministry" an office, "KHARKIV, UKRAINE -" the dateline, "after it failed to take Kyiv earlier this
year" an old event. Only event locations, origins and destinations of movements are map points by default.
"""
from __future__ import annotations

from datetime import date, timedelta

from spacy.tokens import Span, Token

from .event_words import TYPE_OF_WORD
from .models import DateMention, Place
from .taxonomy import MAP_ROLES


SPEECH_VERBS = {"say", "announce", "claim", "warn", "accuse", "deny", "state", "report", "tell", "insist",
                "urge", "demand", "vow", "threaten", "respond", "reply", "confirm", "condemn", "call", "add",
                "assess", "suggest", "argue", "declare", "note", "write", "believe", "think", "hope", "want",
                "agree", "decide", "refuse", "plan", "promise", "expect", "recognise", "recognize", "reject",
                "welcome", "criticise", "criticize", "praise", "propose", "ask", "seek", "support", "oppose"}
# A place that is the subject of these is still the place it names ("Kharkiv saw heavy shelling").
EXPERIENCE_VERBS = {"see", "suffer", "experience", "face", "endure", "remain", "be", "lie", "sit", "become",
                    "have", "lose", "fall", "burn", "flood", "shake", "tremble"}
# Objects of these are addressees or targets of policy, not places: "accused Moscow", "sanctioned Russia".
ACTOR_OBJECT_VERBS = {"accuse", "urge", "warn", "blame", "sanction", "support", "back", "criticise", "criticize",
                      "condemn", "thank", "ask", "pressure", "press", "persuade", "call", "tell", "help", "arm",
                      "fund", "recognise", "recognize", "punish", "trust", "defeat", "beat", "join"}
# Nouns whose "with/against/on/for/to" argument is a party: "talks with Moscow", "sanctions on Russia".
RELATION_NOUNS = {"talks", "talk", "relations", "relation", "ties", "sanctions", "sanction", "deal", "agreement",
                  "war", "support", "aid", "pressure", "negotiations", "dialogue", "tension", "tensions", "dispute",
                  "treaty", "alliance", "cooperation", "trade", "match", "game", "contract", "partnership",
                  "conflict", "rivalry", "help", "loan", "loans", "exports", "imports", "ambassador", "envoy",
                  "delegation", "demands", "call", "calls", "message", "letter", "accession", "membership"}
# Institutions named by their country: "the government of Ukraine", "the President of Russia".
INSTITUTION_NOUNS = {"government", "president", "ministry", "minister", "army", "military", "forces", "navy",
                     "embassy", "ambassador", "officials", "leader", "leaders", "parliament", "king", "queen",
                     "prime", "administration", "people", "team", "squad", "coach", "federation", "bank",
                     "university", "service", "council", "republic", "union", "department", "office", "state"}
# Nouns a place may modify and still be the place ("Kharkiv region", "the Kyiv suburbs").
PLACE_NOUNS = {"region", "oblast", "province", "state", "county", "district", "area", "areas", "city", "town",
               "village", "villages", "border", "outskirts", "suburbs", "coast", "port", "capital", "front",
               "centre", "center", "airport", "streets", "street", "territory", "countryside", "neighborhood",
               "neighbourhood", "downtown", "area", "station", "river", "bridge", "highway", "road", "metro"}
MOVEMENT_WORDS = {"move", "regroup", "redeploy", "withdraw", "retreat", "flee", "pull", "evacuate", "travel",
                  "march", "advance", "head", "send", "deploy", "transfer", "relocate", "return", "go", "come",
                  "fly", "drive", "sail", "escape", "push", "shift", "bring", "carry", "ship", "deport", "leave",
                  "withdrawal", "retreat", "evacuation", "flight", "journey", "exodus", "transfer", "march",
                  "migrate", "migration", "convoy", "depart", "arrive", "bus", "transport", "roll"}
SETTLEMENT_NOUNS = {"town", "city", "village", "port", "capital", "settlement"}
# People named with where they live or come from: "a Gainesville man", "Evans, 26, of Paris".
PERSON_NOUNS = {"man", "woman", "boy", "girl", "resident", "native", "student", "teen", "teenager", "mother",
                "father", "son", "daughter", "couple", "family", "driver", "lawmaker", "attorney", "surgeon",
                "doctor", "businessman", "worker", "citizen", "voter", "fan", "senator", "representative",
                "chef", "artist", "musician", "singer", "writer", "author", "actor", "actress"}
# A town's or county's own bodies act where they are: "the Athens Police Department arrested a man", "an Olmsted
# County jury acquitted", "Paris firefighters put out a fire" happened there; a country's ministry is an actor.
LOCAL_BODIES = {"police", "court", "jury", "council", "sheriff", "firefighter", "fire", "detective", "deputy",
                "coroner", "prosecutor", "officer", "trooper", "commission", "board", "mayor", "school", "department"}
# Auxiliaries and verbs of what is not (yet) so: "will visit", "would go", "plans to build", "wants recounts".
MODALS = {"will", "would", "could", "may", "might", "should", "shall", "can", "must", "wo", "'ll", "'d"}
WISH_VERBS = {"plan", "expect", "hope", "want", "seek", "propose", "intend", "schedule", "aim", "wish", "try",
              "promise", "threaten", "urge", "ask", "consider", "prepare", "need", "vow"}
PICTURE_NOUNS = {"photo", "photograph", "picture", "image", "footage", "video", "snapshot"}
FROM_PREPS = {"from", "out"}
TO_PREPS = {"to", "into", "toward", "towards", "for"}
COARSE_DATES = {"quarter", "season", "year", "decade", "century"}
BACKGROUND_AFTER_DAYS = 30  # a dated event this long before publication is history, not news
MAX_CLIMB = 5


def syntactic_role(span: Span, how: str, is_country: bool) -> str:
    """The role from the sentence alone (every role but background, which needs the date)."""
    root = _through_lists(span.root)
    if how == "dateline" or _is_caption(span) or _is_photo_place(root):
        return "dateline"
    if how == "embedded" and (is_country or not local_body(span.root)):
        return "actor"  # a name inside an organisation's ("Security Service of Ukraine")
    if _qualifies_a_place(root):
        return "background"  # "Izyum in the Kharkiv region", "Kharkiv, Ukraine": where the place named is
    if is_residence(span):
        return "residence"
    if _is_actor(root, is_country):
        return "actor"
    role = _movement_end(root) or "event"
    return "planned" if is_planned(span.root) else role


def is_residence(span: Span) -> bool:
    """Where a person lives or an organisation is based: 'Evans, 26, of Paris', 'a Gainesville man',
    'the Pittsburgh-based company'."""
    return person_of(span.root) or person_noun(span.root) or based(span)


def based(span: Span) -> bool:
    """'the Pittsburgh-based company': read from the tokens (Doc.text is rebuilt on every call)."""
    after = span.doc[span.end:span.end + 2]
    return bool(after) and (after[0].lower_ == "based" or after[0].text == "-" and len(after) > 1
                            and after[1].lower_ == "based")


def person_of(root: Token) -> bool:
    """'Chiquita Henry, 19, of Alexandria', 'a father of two from West Allis', 'Evans, 26, of Paris'."""
    token = root
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ != "pobj" or token.head.lower_ not in ("of", "from"):
        return False
    owner = token.head.head
    if owner.dep_ == "appos" or owner.like_num:
        return True  # "Daniel Hufstetler, 29, of Roswell", "Patrick O'Keeffe (19) of Tipperary"
    return owner.ent_type_ == "PERSON" or owner.lemma_.lower() in PERSON_NOUNS or \
        owner.pos_ == "PROPN" and owner.is_title and owner.ent_type_ not in ("GPE", "LOC", "ORG", "FAC")


def local_body(root: Token) -> bool:
    """'Athens Police Department', 'an Olmsted County jury': the place names a body of its own."""
    if root.dep_ not in ("compound", "poss", "nmod"):
        return False
    head = root.head
    return head.lemma_.lower() in LOCAL_BODIES or any(
        c.dep_ == "compound" and c.lemma_.lower() in LOCAL_BODIES for c in head.children)


def person_noun(root: Token) -> bool:
    """'A Coral Gables man was arrested': the town qualifies the person, not what happened."""
    return root.dep_ in ("compound", "amod", "nmod") and root.head.lemma_.lower() in PERSON_NOUNS


def is_planned(root: Token) -> bool:
    """A clause of what is not (yet) so: a plan, forecast or wish, or a denial ("has not travelled to Mexico")."""
    verb = clause_verb(root)
    return verb is not None and (modal(verb) or any(c.dep_ == "neg" for c in verb.children))


def clause_verb(token: Token) -> Token | None:
    for _ in range(MAX_CLIMB + 1):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def modal(verb: Token) -> bool:
    """'will visit', 'would go', 'plans to build', 'wants recounts in Michigan'."""
    reported = verb.dep_ == "ccomp" and verb.head.lemma_.lower() in SPEECH_VERBS and verb.head.tag_ == "VBD"
    for c in verb.children:
        # In reported speech "would" is the "will" of what was said ("said troops would be regrouped"): a plan
        # told as done or under way, not a hypothetical.
        if c.dep_ == "aux" and c.lower_ in MODALS and not (reported and c.lower_ in ("would", "'d")):
            return True
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in WISH_VERBS:
        return True
    return verb.lemma_.lower() in WISH_VERBS and verb.dep_ == "ROOT"


def qualifier_places(places: list[tuple[Place, str, int]]) -> set[int]:
    """Indexes of coarse places that only say where a finer one in the same sentence lies ("shelling hit Izyum in
    eastern Ukraine"): `places` holds (place, role, sentence start) per mention."""
    out = set()
    for n, (outer, role, sent) in enumerate(places):
        if role in MAP_ROLES and outer.precision in ("country", "admin1") and any(
                other_role in MAP_ROLES and other_sent == sent and _inside(inner, outer)
                for inner, other_role, other_sent in places):
            out.add(n)
    return out


def _inside(inner: Place, outer: Place) -> bool:
    if inner.precision in ("country", "other") or inner.place_id == outer.place_id:
        return False
    if outer.precision == "country":
        return inner.country_code == outer.country_code
    return inner.precision in ("settlement", "admin2") and inner.country_code == outer.country_code \
        and inner.admin1_code is not None and inner.admin1_code == outer.admin1_code


def final_role(role: str, when: DateMention | None, published: date | None) -> str:
    """An event location dated long before publication, or only to a year or coarser, is background."""
    if role not in MAP_ROLES or when is None or when.day is None:
        return role
    if when.precision in COARSE_DATES:
        return "background"
    if published is not None and _last_day(when) < published - timedelta(days=BACKGROUND_AFTER_DAYS):
        return "background"
    return role


def _through_lists(token: Token) -> Token:
    """'Balakliya and Izyum', 'Ukraine's Kharkiv region': a listed place, or one named with the region it is
    in, plays its head's part ("Kharkiv, Ukraine" is different: see _qualifies_a_place)."""
    for _ in range(MAX_CLIMB):
        head = token.head
        if head.i == token.i:
            break
        if token.dep_ == "conj" and head.pos_ == "PROPN" or \
                token.dep_ in ("poss", "compound", "nmod") and (head.lower_ in PLACE_NOUNS or head.ent_type_ in ("GPE", "LOC")):
            token = head
        else:
            break
    return token


def _is_caption(span: Span) -> bool:
    """A slug or caption line that is little more than a place name ('Kharkiv', 'Kharkiv ukrainian soldier')."""
    sent = span.sent
    return len(sent) <= 4 and not any(t.pos_ in ("VERB", "AUX") for t in sent)


def _qualifies_a_place(root: Token) -> bool:
    """A region or country named only to say where another place is."""
    if root.dep_ == "appos":
        return _names_a_place(root.head)
    if root.dep_ == "pobj" and root.head.lower_ == "in":
        return _names_a_place(root.head.head)
    return False


def _names_a_place(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.ent_type_ in ("GPE", "LOC") or token.lower_ in SETTLEMENT_NOUNS


def _is_photo_place(root: Token) -> bool:
    """'This photograph taken in Balakliya': where a picture was taken is a caption's place."""
    if root.dep_ != "pobj" or root.head.head.lemma_ not in ("take", "shoot"):
        return False
    verb = root.head.head
    return verb.head.lemma_ in PICTURE_NOUNS or any(c.lemma_ in PICTURE_NOUNS for c in verb.children)


def _is_actor(root: Token, is_country: bool) -> bool:
    head = root.head
    dep = root.dep_
    if dep in ("compound", "poss", "nmod", "amod") and head.pos_ in ("NOUN", "PROPN") \
            and head.lower_ not in PLACE_NOUNS and head.ent_type_ not in ("GPE", "LOC") \
            and (dep == "poss" or head.lemma_.lower() not in TYPE_OF_WORD) \
            and (is_country or not local_body(root)):
        return True  # "the U.K. Defense Ministry", "Kyiv's hopes", "Russia's offensive"; not "the Izyum offensive"
    if dep == "pobj" and head.dep_ == "agent":
        return True  # "claims made by Moscow": the doer
    if dep == "nsubjpass":
        return head.lemma_ in SPEECH_VERBS
    if dep == "nsubj" and head.pos_ in ("VERB", "AUX"):
        if head.lemma_ in SPEECH_VERBS:
            return True
        if head.lemma_ in EXPERIENCE_VERBS:
            return False
        # A country acting is its government or army; a city with a direct object acts too ("Moscow sent troops").
        return is_country or any(c.dep_ == "dobj" for c in head.children)
    if dep == "dobj" and head.lemma_ in ACTOR_OBJECT_VERBS:
        return True
    if dep == "pobj":
        word = head.head  # the word the preposition hangs from
        if head.lower_ in ("with", "against", "on", "for", "to", "between") and word.lower_ in RELATION_NOUNS:
            return True
        if head.lower_ in ("of", "for", "to") and word.lower_ in INSTITUTION_NOUNS:
            return True
    return False


def _movement_end(root: Token) -> str | None:
    """'regrouped from Balakliya to the Donetsk region': origin and destination of a movement word."""
    token = root
    for _ in range(MAX_CLIMB):
        if token.dep_ != "pobj":
            if token.dep_ == "dobj" and token.head.lemma_ == "leave":
                return "origin"
            return None
        prep = token.head
        word = prep.head
        if prep.lower_ in ("around", "near", "of", "in") and word.pos_ == "NOUN":
            token = word  # "from areas around Balakliya": climb to "areas"
            continue
        if word.lemma_ in MOVEMENT_WORDS or word.lower_ in MOVEMENT_WORDS:
            if prep.lower_ in FROM_PREPS:
                return "origin"
            if prep.lower_ in TO_PREPS:
                return "destination"
        return None
    return None


def _last_day(when: DateMention) -> date:
    day = when.day
    assert day is not None
    if when.precision == "week":
        return day + timedelta(days=6)
    if when.precision == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return day
