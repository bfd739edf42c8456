"""What happened at a place: an event type from taxonomy.EVENT_TYPES and the word it was read from.

The type comes from the word governing the place: an event noun it hangs from ("shelling in Izyum"), else
the clause's verb, read with its arguments ("workers went on strike" is a protest, "missiles struck" a strike).
Light verbs ("held a rally", "took control") hand over to their object; ambiguous verbs ask their subject.
"""
from __future__ import annotations

from spacy.tokens import Token

# Words whose type does not depend on their arguments.
_WORDS = {
    "battle": "attack fight fighting clash battle combat skirmish firefight gunfight ambush assault counterattack "
              "counteroffensive offensive storm besiege siege engage repel repulse overrun",
    "strike": "shell shelling bomb bombing bombard bombardment airstrike strike missile rocket drone artillery "
              "mortar explosion explode blast detonate barrage pound target launch intercept",
    "territory": "capture recapture retake retook liberate seize occupy withdraw withdrawal retreat encircle surround "
                 "advance enter surrender abandon annex takeover liberation pull",
    "movement": "regroup redeploy deploy deployment move relocate patrol evacuate evacuation flee transfer "
                "convoy mobilise mobilize reinforce redeployment return cross sail",
    "violence_civilians": "massacre execute execution abduct abduction kidnap kidnapping torture rape murder "
                          "assassinate assassination lynch behead slaughter kill killing stab shoot shooting",
    "protest": "protest rally demonstrate demonstration picket sit-in walkout boycott march vigil",
    "riot": "riot rioting loot looting vandalise vandalize torch ransack rampage unrest",
    "arrest": "arrest detain detention charge jail imprison sentence convict indict apprehend extradite "
              "prosecute trial raid custody",
    "diplomacy": "meet meeting visit talk talks negotiate negotiation summit sign agreement treaty host "
                 "discuss envoy ceasefire truce accord statement condemn urge",
    "disaster": "flood flooding earthquake quake hurricane typhoon cyclone tornado wildfire blaze landslide "
                "mudslide drought eruption erupt tsunami avalanche heatwave collapse crash derail storm fire",
}
TYPE_OF_WORD = {w: kind for kind, words in _WORDS.items() for w in words.split()}
# Verbs with no type of their own: their object or subject says what happened ("held a rally", "fires broke out").
LIGHT_VERBS = {"take", "carry", "launch", "hold", "stage", "conduct", "make", "continue", "begin", "start", "occur",
               "happen", "break", "resume", "see", "witness", "intensify", "escalate", "spread", "hit", "go",
               "destroy", "damage", "leave", "be", "have", "report", "strike", "kill", "attack", "burn", "clash",
               "march", "gather", "fire", "storm", "erupt", "travel", "arrive", "fly", "head", "shoot", "raid", "leave", "set",
               "say", "announce", "declare", "statement"}
# A statement is diplomatic when an official, a government or a named person makes it, not a company or lab.
_SPEECH = {"say", "announce", "declare", "statement"}
# Who took part, for verbs whose meaning depends on it.
_CROWD = {"protester", "demonstrator", "crowd", "marcher", "activist", "student", "worker", "union", "teacher",
          "nurse", "farmer", "supporter", "thousand", "hundred", "resident", "employee", "driver", "doctor"}
_RIOTER = {"rioter", "looter", "mob", "hooligan", "youth", "fan"}
_WEAPON = {"missile", "rocket", "drone", "shell", "artillery", "airstrike", "strike", "bomb", "shelling",
           "bombardment", "jet", "warplane", "aircraft", "mortar", "munition", "projectile", "explosive", "grenade"}
_CIVILIAN = {"civilian", "villager", "worshipper", "passenger", "child", "woman", "family", "shopper",
             "journalist", "pilgrim", "refugee", "farmer", "resident", "people", "man", "teenager", "boy", "girl"}
_OFFICIAL = {"minister", "president", "chancellor", "leader", "envoy", "delegation", "secretary", "diplomat",
             "ambassador", "pope", "premier", "king", "queen", "prince", "mayor", "governor", "official"}
_STATE = _OFFICIAL | {"government", "ministry", "spokesman", "spokeswoman", "spokesperson", "kremlin", "army",
                      "military", "police", "office", "council"}
_GUNMEN = {"gunman", "militant", "attacker", "assailant", "insurgent", "jihadist", "militia", "bandit", "gang"}
_POLICE = {"police", "officer", "authority", "agent", "court", "prosecutor"}
MAX_CLIMB = 6


def classify(place: Token) -> tuple[str, Token | None]:
    """(event type, trigger token) for the place whose head token is `place`; ('other', None) when nothing says."""
    token = place
    for _ in range(MAX_CLIMB):
        if token.head is token:
            break
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in TYPE_OF_WORD and token.dep_ != "compound":
            return _noun_type(token), token
        if token.pos_ == "VERB":
            found = _verb_type(token, place)
            if found is not None:
                return found
            if token.dep_ in ("ccomp", "parataxis", "advcl", "relcl", "acl"):
                break  # a reported or subordinate clause is its own event: not the reporting verb's
    return "other", None


def _noun_type(noun: Token) -> str:
    lemma = noun.lemma_.lower()
    modifiers = {c.lemma_.lower() for c in noun.children if c.dep_ in ("amod", "compound")}
    if lemma in ("protest", "demonstration", "rally") and modifiers & {"violent", "angry"}:
        return "riot"
    if lemma in ("strike", "walkout") and modifiers & {"general", "labour", "labor", "worker", "national", "hunger"}:
        return "protest"
    if lemma in ("fire", "blaze", "explosion") and modifiers & {"forest", "wild", "bush", "gas", "factory", "house"}:
        return "disaster"
    if lemma == "fire" and modifiers & {"artillery", "rocket", "mortar", "gun", "sniper"}:
        return "strike"
    if lemma == "attack" and modifiers & _WEAPON:
        return "strike"  # "a drone attack"
    if lemma == "fire" and noun.head.lemma_ in ("exchange", "open"):
        return "battle"  # "exchanged fire"
    if lemma == "strike" and noun.head.lower_ == "on" and noun.head.head.lemma_ == "go":
        return "protest"  # "went on strike"
    return TYPE_OF_WORD[lemma]


def _verb_type(verb: Token, place: Token) -> tuple[str, Token] | None:
    lemma = verb.lemma_.lower()
    args = _arguments(verb)
    subjects = {t.lemma_.lower() for part, t in args if part == "subject"}
    objects = {t.lemma_.lower() for part, t in args if part == "object"}
    if lemma in TYPE_OF_WORD and lemma not in LIGHT_VERBS:
        kind = TYPE_OF_WORD[lemma]
        if kind == "movement" and (subjects & _OFFICIAL or any(t.ent_type_ == "PERSON" for p, t in args if p == "subject")):
            kind = "diplomacy"  # "the minister moved on to Beijing"
        return kind, verb
    if subjects & _RIOTER:
        return "riot", verb  # whatever rioters did ("set fire to buses", "attacked a mosque")
    for _, arg in args:  # an event noun among the arguments names the event: "protests erupted", "held talks"
        if arg.lemma_.lower() in TYPE_OF_WORD and not (lemma == "take" and arg.lemma_ == "place"):
            return _noun_type(arg), arg
    if lemma in _SPEECH:
        official = subjects & _STATE or any(t.ent_type_ in ("PERSON", "GPE", "NORP") for p, t in args if p == "subject")
        return ("diplomacy", verb) if official else None
    if lemma in LIGHT_VERBS:
        kind = _by_participants(lemma, subjects, objects, place.dep_ == "dobj" and place.head is verb)
        return (kind, verb) if kind else None
    return None


def _arguments(verb: Token) -> list[tuple[str, Token]]:
    """("subject" | "object", noun) pairs: a passive's agent is its subject, its subject its object."""
    out = []
    for child in verb.children:
        if child.dep_ in ("nsubj", "attr"):
            out.append(("subject", child))
        elif child.dep_ in ("nsubjpass", "dobj"):
            out.append(("object", child))
        elif child.dep_ == "agent":
            out += [("subject", p) for p in child.children if p.dep_ == "pobj"]
        elif child.dep_ == "prep" and child.lower_ in ("on", "in") and verb.lemma_ in ("go", "take"):
            out += [("object", p) for p in child.children if p.dep_ == "pobj"]  # "went on strike", "took part in a rally"
    return out


def _by_participants(lemma: str, subjects: set[str], objects: set[str], place_is_object: bool) -> str | None:
    """Ambiguous verbs by who did what to whom; None when the verb alone says nothing."""
    people = subjects | objects
    if lemma in ("take", "leave"):
        if place_is_object or objects & {"control", "over"}:
            return "territory"  # "failed to take Kyiv", "soldiers have left Izyum"
        return None
    if people & _WEAPON:
        return "strike"
    if lemma == "burn" and objects & _CIVILIAN:
        return "violence_civilians"  # "burned villagers alive"
    if lemma in ("clash", "storm", "burn", "gather", "march"):
        if subjects & _RIOTER or (lemma in ("clash", "storm", "burn") and people & (_CROWD | _POLICE)):
            return "riot"
        if subjects & _CROWD:
            return "protest"
        if subjects & _OFFICIAL:
            return "diplomacy"
        return {"clash": "battle", "storm": "battle", "burn": "disaster", "gather": "protest", "march": "protest"}[lemma]
    if lemma in ("kill", "shoot", "attack", "raid"):
        if lemma == "raid" and subjects & _POLICE:
            return "arrest"
        if subjects & _GUNMEN or objects & _CIVILIAN:
            return "violence_civilians"
        return "battle" if lemma in ("attack", "raid") else "violence_civilians"
    if lemma in ("travel", "arrive", "fly", "head"):
        return "diplomacy" if subjects & _OFFICIAL else "movement"
    if lemma in ("strike", "hit", "fire"):
        if subjects & _CROWD:
            return "protest"
        return "strike"
    if lemma == "erupt":
        return "disaster"
    return None
