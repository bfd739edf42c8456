"""What happened at a place: an event type from taxonomy.EVENT_TYPES and the word it was read from.

The type comes from the word governing the place: an event noun it hangs from ("shelling in Izyum"), else
the clause's verb, read with its arguments ("workers went on strike" is a protest, "missiles struck" a strike).
Light verbs ("held a rally", "took control", "confirmed twelve cholera cases") hand over to their arguments;
words that serve two types ask who took part (event_words.py holds the vocabulary).
"""
from __future__ import annotations

from spacy.tokens import Token

from .event_words import (AID_GIVER, ARMED, CASE_NOUNS, CIVILIAN, COMPANY, COURT, CRIMINAL, CROWD, DISPLACED,
                          LIGHT_VERBS, OFFICIAL, POLICE, PUBLIC_BODY, RELIEF, RIOTER, STATE, TYPE_OF_WORD,
                          WEAPON)

MAX_CLIMB = 6
_SPEECH = {"say", "announce", "declare", "statement", "tell", "add", "note"}
_VEHICLE = {"car", "truck", "lorry", "train", "bus", "vehicle", "driver", "motorist", "van", "tram", "boat", "ship",
            "motorcycle", "motorcyclist", "suv", "pickup", "tractor", "trailer", "plane", "helicopter"}
_FORCED_OUT = {"drive", "force", "push", "uproot", "chase"}
_ARRIVALS = {"travel", "arrive", "fly", "head", "move", "return", "cross", "land", "reach", "come", "go"}
_BODY_ACTS = {"approve", "pass", "adopt", "reject", "decide", "order", "sign", "declare", "announce", "vote",
              "agree", "choose", "rule"}
# Words whose own argument says what rose or fell ("a sharp rise in influenza cases").
_CHANGE = {"rise", "increase", "surge", "spike", "jump", "drop", "fall", "decline"}
_HARM = {"kill", "shoot", "shooting", "killing", "beat", "torture", "stab"}
_VIOLENT = {"strike", "battle", "accident", "violence_civilians", "territory"}
_MILITARY = {"armoured", "armored", "military", "naval"}
# Event words that name the event even as a modifier ("polling stations", "cholera cases", "court appearance").
_MODIFIER_KINDS = {"election", "outbreak", "legal", "disaster"}
# Prepositions whose object may name the verb's event ("voted in a referendum"); "after the earthquake" names
# another one.
_EVENT_PREPS = {"in", "at", "on", "for", "to", "into", "of", "during", "amid"}
_SENDING = {"send", "ship", "fly", "airlift", "deliver", "distribute", "give", "hand", "provide", "drop"}
_UNRULY = {"youth", "fan", "supporter", "protester", "demonstrator", "crowd", "student"}
_FEAST = {"easter", "christmas", "candlelight", "prayer", "memorial"}


def classify(place: Token) -> tuple[str, Token | None]:
    """(event type, trigger token) for the place whose head token is `place`; ('other', None) when nothing says."""
    token = place
    for _ in range(MAX_CLIMB):
        if token.head.i == token.i:
            break
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound":
            named = token if _lemma(token) in TYPE_OF_WORD else _modifier_event(token)
            if named is not None:
                return _noun_type(named), named
        if token.pos_ == "VERB" or token.pos_ == "AUX" and token.dep_ == "ROOT":
            found = _verb_type(token, place)
            if found is not None:
                return found
            if token.dep_ in ("ccomp", "parataxis", "advcl", "relcl", "acl"):
                break  # a reported or subordinate clause is its own event: not the reporting verb's
    return _nearest_in_sentence(place)


def _nearest_in_sentence(place: Token) -> tuple[str, Token | None]:
    """When nothing above the place names an event, the sentence's event word nearest to it in the tree does
    ("burglaries in the Shankill area were reported", a dateline's lead): news sentences tell of one event."""
    words = [t for t in place.sent if t.i != place.i and t.pos_ in ("NOUN", "VERB", "PROPN", "AUX")
             and _lemma(t) in TYPE_OF_WORD and (t.pos_ != "VERB" or _lemma(t) not in LIGHT_VERBS)
             and t.dep_ != "compound"]
    if not words:
        return "other", None
    word = min(words, key=lambda t: (_distance(place, t), abs(t.i - place.i)))
    if word.pos_ == "VERB":
        found = _verb_type(word, place)
        return found if found is not None else ("other", None)
    return _noun_type(word), word


def _distance(a: Token, b: Token) -> int:
    up = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    return next((up[t.i] + n for n, t in enumerate([b, *b.ancestors]) if t.i in up), 99)


def _lemma(token: Token) -> str:
    """The lower-case lemma; a capitalised plural that spaCy took for a name is singular too ("Bandits")."""
    if token.ent_type_ in ("DATE", "TIME"):
        return ""  # "March 16" is no march
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma.endswith("s") and not lemma.endswith("ss") and not token.ent_type_:
        return lemma[:-1]
    return lemma


def _noun_type(noun: Token) -> str:
    lemma = _lemma(noun)
    modifiers = {_lemma(c) for c in noun.children if c.dep_ in ("amod", "compound", "nmod")}
    if lemma in ("protest", "demonstration", "rally") and modifiers & {"violent", "angry"}:
        return "riot"
    if lemma in ("strike", "walkout") and modifiers & {"general", "labour", "labor", "worker", "national", "hunger"}:
        return "protest"
    if lemma == "fire" and noun.head.lemma_ in ("exchange", "open", "return"):
        return "battle"  # "exchanged fire", "opened fire"
    if lemma == "fire" and noun.head.lemma_ == "set":
        return "crime"  # arson: "set fire to a church"
    if lemma in ("fire", "blaze") and modifiers & {"forest", "wild", "bush", "brush", "grass"}:
        return "disaster"
    if lemma in ("fire", "explosion", "blast", "attack") and (modifiers & WEAPON or modifiers & {"gun", "sniper"}):
        return "strike" if lemma != "fire" or not modifiers & {"gun", "sniper"} else "battle"
    if lemma == "shooting" and modifiers & POLICE:
        return "violence_civilians"  # "a fatal police shooting"
    if lemma == "invasion" and "home" in modifiers:
        return "crime"  # a home invasion
    if lemma == "vigil" and modifiers & _FEAST:
        return "culture"  # the Easter Vigil is a service, not a protest
    if lemma == "strike" and noun.head.lower_ == "on" and noun.head.head.lemma_ == "go":
        return "protest"  # "went on strike"
    if lemma == "attack" and not modifiers & {"military", "rebel", "militant", "army", "insurgent", "terrorist"}:
        return _attack(noun)
    return TYPE_OF_WORD[lemma]


def _attack(noun: Token) -> str:
    """An attack is a battle where armed forces make it, a crime where a person or a mob does."""
    makers = {_lemma(t) for t in noun.head.children if t.dep_ == "nsubj"} | \
             {_lemma(p) for c in noun.children if c.lower_ == "by" for p in c.children}
    return "crime" if makers and not makers & (ARMED | STATE) else "battle"


def _verb_type(verb: Token, place: Token) -> tuple[str, Token] | None:
    lemma = _lemma(verb)
    args = _arguments(verb)
    subjects = _words(args, "subject")
    objects = _words(args, "object")
    people = subjects | objects
    if lemma in TYPE_OF_WORD and lemma not in LIGHT_VERBS:
        kind = TYPE_OF_WORD[lemma]
        if kind in _VIOLENT and subjects & (CRIMINAL | RIOTER):
            kind = "riot" if subjects & RIOTER else "crime"  # "vandals target 4x4s", "looters ransacked shops"
        return _by_kind(kind, lemma, subjects, objects, args), verb
    if subjects & RIOTER:
        return "riot", verb  # whatever rioters did ("set fire to buses", "attacked a mosque")
    if subjects & CRIMINAL:
        # "burglars broke into three homes"; gunmen raiding a village attack its people
        return ("violence_civilians" if objects & {"village", "villager"} else "crime"), verb
    if lemma in _FORCED_OUT and objects & (DISPLACED | ARMED):
        kind = "territory" if objects & ARMED and not objects & DISPLACED else "displacement"
        return kind, verb  # "fighting drove thousands of families out", "drove the militants out of Raqqa"
    extras = [("other", p) for c in verb.children if c.dep_ == "prep" and c.lower_ in _EVENT_PREPS
              for p in c.children if p.dep_ == "pobj" and p.i != place.i]  # "voted in a referendum", "gathered for the hajj"
    for _, arg in args + extras:  # an event noun among the arguments names the event: "protests erupted"
        named = _named_by(arg)
        if named is not None and not (lemma == "take" and arg.lemma_ == "place"):
            kind = _noun_type(named) if _lemma(named) in TYPE_OF_WORD else "outbreak"
            return _by_kind(kind, _lemma(named), subjects, objects, args), named
    if lemma in _SPEECH:
        return None  # a statement is no event type of its own; what it reports is read in its own clause
    if subjects & COURT - {"prosecutor"}:
        return "legal", verb  # "a federal judge halted the rule"
    if subjects & PUBLIC_BODY and lemma not in LIGHT_VERBS - _BODY_ACTS:
        return "government", verb  # "the city council asked the manager to..."
    if lemma in LIGHT_VERBS:
        kind = _by_participants(lemma, subjects, objects, people, args, place.dep_ == "dobj" and place.head.i == verb.i)
        return (kind, verb) if kind else None
    return None


def _named_by(arg: Token) -> Token | None:
    """The event noun an argument is or holds: itself, a disease in '12 new cholera cases', or the thing in 'a
    convoy of medical supplies'."""
    if _lemma(arg) in TYPE_OF_WORD:
        return arg
    preps = ("of", "in") if _lemma(arg) in _CHANGE else ("of",)
    inner = [c for c in arg.children if c.dep_ in ("compound", "amod", "nmod")]
    inner += [p for c in arg.children if c.dep_ == "prep" and c.lower_ in preps for p in c.children if p.dep_ == "pobj"]
    for token in inner:
        kind = TYPE_OF_WORD.get(_lemma(token))
        if kind == "outbreak" and _lemma(arg) in CASE_NOUNS or kind in _MODIFIER_KINDS and token.dep_ == "compound":
            return token
        if kind is not None and token.dep_ == "pobj" or _lemma(arg) in _CHANGE and token.dep_ == "pobj":
            return _named_by(token) if kind is None else token
    return None


def _modifier_event(noun: Token) -> Token | None:
    """An event word that names the event as the noun's modifier ("his Durban court appearance")."""
    return next((c for c in noun.children if c.dep_ == "compound" and
                 TYPE_OF_WORD.get(_lemma(c)) in _MODIFIER_KINDS), None)


def _words(args, part: str) -> set[str]:
    """The lemmas of one part's arguments and their compounds ("school board members"), with 'armed' for armed
    groups ("armed men"; one armed man is a robber)."""
    heads = [t for p, t in args if p == part]
    words = {_lemma(t) for t in heads} | {_lemma(c) for t in heads for c in t.children if c.dep_ == "compound"}
    words |= {_lemma(p) for t in heads for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
              for p in c.children if p.dep_ == "pobj"}  # "columns of armoured vehicles"
    armed = {"armed"} if any(c.lower_ in _MILITARY or c.lower_ == "armed" and t.tag_ == "NNS"
                             for t in heads for c in t.children) else set()
    return words | armed


def _by_kind(kind: str, lemma: str, subjects: set[str], objects: set[str], args) -> str:
    """A word's own type, corrected by who took part where one word serves two types."""
    if kind == "movement" and subjects & DISPLACED and not subjects & ARMED:
        return "displacement"  # "families relocated"
    if kind == "movement" and (subjects & OFFICIAL or _has_person(args, "subject")):
        return "diplomacy"  # "the minister moved on to Beijing"
    if kind == "displacement" and subjects & ARMED:
        return "territory" if lemma in ("flee", "abandon") else "movement"  # "troops fled the city"
    if kind == "crime" and (subjects & ARMED - {"gunman"} or subjects & POLICE and lemma in _HARM):
        return "violence_civilians"  # "jihadists kidnapped traders", "police shot a man"
    if kind == "arrest" and subjects & COURT:
        return "legal"  # "prosecutors charged two men"
    if kind == "diplomacy" and subjects & COMPANY:
        return "economic"  # "the two firms signed a deal"
    if kind == "election" and subjects & PUBLIC_BODY:
        return "government"  # "the council voted to raise taxes"
    if kind == "accident" and lemma in ("explosion", "explode", "blast") and (subjects | objects) & WEAPON:
        return "strike"
    if kind in ("battle", "strike") and subjects & _UNRULY and _opponents(args) & POLICE:
        return "riot"  # "youths threw petrol bombs at police", "fans fought running battles with police"
    return kind


def _opponents(args) -> set[str]:
    """Whom the verb's subjects acted against: its objects and what follows 'with', 'at' or 'against'."""
    verbs = {t.head for _, t in args}
    out = {_lemma(t) for p, t in args if p == "object"}
    return out | {_lemma(p) for v in verbs for c in v.children if c.dep_ == "prep" and c.lower_ in ("with", "at", "against")
                  for p in c.children if p.dep_ == "pobj"}


def _has_person(args, part: str) -> bool:
    return any(t.ent_type_ == "PERSON" for p, t in args if p == part)


def _arguments(verb: Token) -> list[tuple[str, Token]]:
    """("subject" | "object", noun) pairs: a passive's agent is its subject, its subject its object."""
    out: list[tuple[str, Token]] = []
    for child in verb.children:
        if child.dep_ in ("nsubj", "attr"):
            out.append(("subject", child))
        elif child.dep_ in ("nsubjpass", "dobj"):
            out.append(("object", child))
        elif child.dep_ == "agent":
            out += [("subject", p) for p in child.children if p.dep_ == "pobj"]
        elif child.dep_ == "prep" and child.lower_ in ("on", "in") and verb.lemma_ in ("go", "take"):
            out += [("object", p) for p in child.children if p.dep_ == "pobj"]  # "went on strike", "took part in a rally"
    return out + [(part, c) for part, t in out for c in t.children if c.dep_ == "conj"]  # "generators and blankets"


def _by_participants(lemma: str, subjects: set[str], objects: set[str], people: set[str], args,
                     place_is_object: bool) -> str | None:
    """Ambiguous verbs by who did what to whom; None when the verb alone says nothing."""
    if lemma in ("take", "leave"):
        if place_is_object or objects & {"control", "over"}:
            return "territory"  # "failed to take Kyiv", "soldiers have left Izyum"
        return None
    if subjects & COMPANY:
        return "economic"  # "the airline ordered fifty jets", "the bank moved its headquarters"
    if people & RELIEF and (subjects & AID_GIVER or lemma in _SENDING) or people & {"aid", "relief", "humanitarian"}:
        return "aid"
    if subjects & AID_GIVER:
        return "aid"  # "a charity opened a field hospital"
    if lemma in ("host", "meet", "receive") and people & OFFICIAL:
        return "diplomacy"
    if people & WEAPON:
        return "strike"
    if lemma == "burn":
        return "violence_civilians" if objects & CIVILIAN else "accident"  # "burned villagers alive"
    if lemma in ("clash", "storm", "gather", "march"):
        if subjects & RIOTER or (lemma in ("clash", "storm") and people & (CROWD | POLICE)):
            return "riot"
        if subjects & CROWD:
            return "protest"
        if subjects & OFFICIAL:
            return "diplomacy"
        return {"clash": "battle", "storm": "battle", "gather": "protest", "march": "protest"}[lemma]
    if lemma == "raid":
        return "arrest" if subjects & POLICE or not subjects else "battle"
    if lemma in ("kill", "shoot", "attack"):
        if subjects & POLICE:
            return "violence_civilians"
        if subjects & ARMED - {"gunman"}:
            return "battle" if objects & ARMED or lemma == "attack" and not objects & CIVILIAN else "violence_civilians"
        return "crime"
    if lemma in _ARRIVALS | _SENDING and people & ARMED and not subjects & DISPLACED:
        return "movement"  # "moved additional battalions to Belgorod", "sent 3,000 more soldiers"
    if lemma in _ARRIVALS:
        if subjects & OFFICIAL or _has_person(args, "subject") and not subjects & DISPLACED:
            return "diplomacy"
        if subjects & DISPLACED:
            return "displacement"
        return "movement" if subjects & ARMED else None
    if lemma in ("strike", "hit"):
        if subjects & CROWD:
            return "protest"
        return "accident" if people & _VEHICLE else None
    if lemma in ("vote", "choose"):
        return "government" if subjects & PUBLIC_BODY else "election"
    if lemma in _BODY_ACTS and subjects & (PUBLIC_BODY | COURT):
        return "legal" if subjects & COURT - {"court"} or lemma == "rule" else "government"
    if lemma in ("open", "close", "cut", "announce", "unveil", "rise", "fall", "jump", "climb", "drop") \
            and people & COMPANY:
        return "economic"
    if lemma in ("win", "beat"):
        return "culture" if _has_entity(args, ("ORG", "PERSON", "NORP", "GPE")) or objects & {"title", "prize", "medal"} \
            else None
    if subjects & _VEHICLE and lemma in ("go", "leave", "hit", "strike", "roll", "skid", "plunge", "veer", "run"):
        return "accident"  # "his motorcycle went off the road"
    if lemma in ("explode", "blast") or people & _VEHICLE and lemma in ("die", "injure", "hurt"):
        return "accident"  # an explosion with no weapon named, "a driver was injured"
    return None


def _has_entity(args, labels: tuple[str, ...]) -> bool:
    return any(t.ent_type_ in labels for _, t in args)
