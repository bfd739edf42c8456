"""The words that name events and their participants: the vocabulary event_types.py reads the parse with.

Lemmas, lower-cased. A word's type here is what it names on its own; event_types.py then lets the participants
change it where one word serves two types ("killed" by militants or by a robber, "voted" by citizens or by a
council, an "explosion" of a bomb or of a gas main).
"""
from __future__ import annotations

_WORDS = {
    "battle": "attack fight fighting clash battle combat skirmish firefight gunfight ambush assault counterattack "
              "counteroffensive offensive besiege siege engage repel repulse",
    "strike": "shell shelling bomb bombing bombard bombardment airstrike strike missile rocket drone artillery mortar "
              "barrage pound target intercept",
    "territory": "capture recapture retake retook liberate seize occupy withdraw withdrawal retreat encircle surround "
                 "advance enter surrender abandon annex takeover liberation invasion invade overrun",
    "movement": "regroup redeploy deploy deployment relocate patrol transfer mobilise mobilize reinforce "
                "redeployment sail rotate",
    "displacement": "flee evacuate evacuation refugee exodus displace displacement deport deportation asylum "
                    "resettle",
    "violence_civilians": "massacre execute execution abduct abduction torture behead slaughter lynch lynching "
                          "atrocity",
    "protest": "protest rally demonstrate demonstration picket sit-in walkout boycott vigil march",
    "riot": "riot rioting loot looting ransack rampage unrest",
    "crime": "murder homicide rob robbery burglary burgle burglarize steal theft stab stabbing shooting arson "
             "fraud smuggle smuggling hijack carjack carjacking vandalise vandalize vandalism kidnap kidnapping rape "
             "embezzle embezzlement bribery scam trafficking hack heist mug mugging poison poisoning break-in "
             "killing kill shoot slay manslaughter smash escape shot gunshot",
    "arrest": "arrest detain detention custody apprehend extradite extradition raid manhunt crackdown seizure "
              "confiscate charge",
    "legal": "trial sentence convict conviction indict indictment acquit acquittal verdict plead plea hearing "
             "lawsuit sue arraign arraignment testify prosecute prosecution jury injunction bail appeal ruling "
             "overturn uphold court",
    "accident": "crash collide collision derail derailment overturn capsize drown collapse topple leak spill "
                "explosion explode blast fire blaze accident wreck rollover plunge overflow rockslide",
    "disaster": "flood flooding earthquake quake hurricane typhoon cyclone tornado wildfire bushfire landslide "
                "mudslide drought eruption erupt tsunami avalanche heatwave storm snowstorm blizzard tremor "
                "aftershock downpour hailstorm rain rainfall snow snowfall monsoon temperature",
    "outbreak": "outbreak epidemic pandemic infection infect cholera measles ebola virus coronavirus covid flu "
                "influenza dengue malaria polio salmonella listeria tuberculosis mpox nipah zika anthrax rabies "
                "plague sicken disease fever measle",
    "election": "election vote ballot poll polling referendum recount caucus turnout elect reelect re-elect "
                "runoff primary voting campaign",
    "government": "legislation law decree ban budget resign resignation appoint appointment veto impeach "
                  "impeachment reshuffle ordinance regulation zoning levy",
    "diplomacy": "meet meeting visit talk talks negotiate negotiation summit agreement treaty discuss envoy "
                 "ceasefire truce accord embassy deal",
    "economic": "layoff invest investment acquire acquisition merger bankruptcy bankrupt recall shares stock "
                "inflation tariff export import price job unionize unionise unionization",
    "aid": "aid relief donate donation humanitarian supplies supply airlift fundraiser",
    "culture": "festival ceremony concert exhibition parade match tournament marathon championship celebrate "
               "celebration mass pilgrimage hajj premiere premier gala carnival concerto opera performance perform "
               "headline fair game games olympics final race cup rehearse rehearsal telethon banquet pageant funeral memorial",
}
TYPE_OF_WORD = {w: kind for kind, words in _WORDS.items() for w in words.split()}

# Verbs with no type of their own: their object or subject says what happened ("held a rally", "fires broke out").
LIGHT_VERBS = {"take", "carry", "launch", "hold", "stage", "conduct", "make", "continue", "begin", "start", "occur",
               "happen", "break", "resume", "see", "witness", "intensify", "escalate", "spread", "hit", "go",
               "destroy", "damage", "leave", "be", "have", "report", "strike", "attack", "burn", "clash",
               "march", "gather", "storm", "travel", "arrive", "fly", "head", "raid", "set", "move",
               "return", "cross", "confirm", "record", "register", "detect", "find", "discover", "vote", "approve",
               "pass", "sign", "decide", "adopt", "reject", "order", "open", "close", "win", "beat", "host",
               "cut", "deliver", "distribute", "send", "reach", "receive", "affect", "kill", "shoot", "explode",
               "fire", "blast", "die", "injure", "wound", "hurt", "declare", "announce", "lead", "draw",
               "push", "drive", "bring", "unveil", "end", "fall", "rise", "jump", "climb", "drop", "choose",
               "give", "hand", "provide", "raise", "buy", "sell", "order", "break", "lift", "attend", "ship",
               "land", "come", "pour", "treat", "airlift"}

# Who took part, for words whose meaning depends on it.
CROWD = {"protester", "demonstrator", "crowd", "marcher", "activist", "student", "worker", "union", "teacher",
         "nurse", "farmer", "supporter", "thousand", "hundred", "resident", "employee", "driver", "doctor"}
RIOTER = {"rioter", "looter", "mob", "hooligan"}
WEAPON = {"missile", "rocket", "drone", "shell", "artillery", "airstrike", "strike", "bomb", "shelling",
          "bombardment", "jet", "warplane", "aircraft", "mortar", "munition", "projectile", "explosive", "grenade",
          "mine", "ied", "device", "suicide", "car-bomb", "bomber"}
CIVILIAN = {"civilian", "villager", "inhabitant", "trader", "worshipper", "passenger", "child", "woman", "family", "shopper",
            "journalist", "pilgrim", "farmer", "resident", "people", "man", "teenager", "boy", "girl"}
DISPLACED = {"civilian", "villager", "family", "resident", "refugee", "migrant", "people", "thousand", "hundred",
             "asylum", "seeker", "household", "inhabitant", "child", "woman", "tourist", "student", "patient"}
OFFICIAL = {"minister", "president", "chancellor", "leader", "envoy", "delegation", "secretary", "diplomat",
            "ambassador", "pope", "premier", "king", "queen", "prince", "governor", "official"}
STATE = OFFICIAL | {"government", "ministry", "kremlin", "army", "military", "office", "council"}
# Bodies whose votes and decisions are acts of government, not elections.
PUBLIC_BODY = {"council", "board", "parliament", "senate", "congress", "assembly", "legislature", "lawmaker",
               "legislator", "commission", "commissioner", "councillor", "councilor", "cabinet", "committee",
               "government", "house", "court", "authority", "mayor", "governor", "city", "county", "state",
               "ministry", "minister", "administration", "agency", "department", "regulator", "trustee"}
ARMED = {"militant", "insurgent", "jihadist", "militia", "rebel", "soldier", "troop", "force", "army", "fighter",
         "terrorist", "gunman", "paramilitary", "extremist", "guerrilla", "armed", "bandit", "settler", "battalion",
         "brigade", "unit", "division", "regiment", "reinforcement", "tank", "warship", "frigate", "navy"}
# Whatever these did is a crime ("burglars broke into three homes").
CRIMINAL = {"gunman", "shooter", "burglar", "robber", "thief", "fraudster", "hacker", "arsonist", "vandal", "mugger", "smuggler",
            "trafficker", "scammer", "carjacker", "shoplifter", "poacher"}
AID_GIVER = {"charity", "ngo", "volunteer", "donor", "unicef", "unhcr", "wfp", "agency", "red", "relief"}
POLICE = {"police", "officer", "authority", "agent", "detective", "deputy", "sheriff", "trooper", "investigator"}
COURT = {"court", "judge", "jury", "magistrate", "prosecutor", "tribunal"}
COMPANY = {"company", "firm", "maker", "carmaker", "automaker", "chipmaker", "bank", "retailer", "airline",
           "manufacturer", "startup", "corporation", "business", "investor", "shares", "stock", "plant",
           "factory", "mill", "store", "chain", "brand", "label", "producer", "supplier", "giant", "share",
           "price", "market", "chipmaker", "exchange"}
# A disease named next to these is an outbreak ("twelve new cholera cases").
CASE_NOUNS = {"case", "infection", "death", "patient", "illness", "outbreak"}
RELIEF = {"aid", "food", "medicine", "water", "tent", "blanket", "supply", "relief", "meal", "vaccine", "shelter"}
