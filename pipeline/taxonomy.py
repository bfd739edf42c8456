"""The event types Dateline assigns and the roles a place can play: the one home of this vocabulary.

Types are modelled on ACLED's event types for political violence and protest, and widened to what general news
reports (crime, courts, accidents, outbreaks, elections, government, business, aid, culture). Kept free of spaCy so
the dashboard can import it for labels and colours. Order is the display order; `other` is last.
"""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "battle": "armed clash: fighting, assaults, ambushes between armed groups or forces",
    "strike": "shelling, missile, drone or air strike, bombing or other explosion used as a weapon",
    "territory": "capture, recapture, advance into, encirclement, loss of or withdrawal from territory",
    "movement": "movement of troops or armed forces: deployment, regrouping, patrols, reinforcement",
    "displacement": "people leaving their homes or arriving as refugees or migrants: flight, evacuation, camps",
    "violence_civilians": "violence against civilians by armed groups or state forces: massacre, abduction, torture",
    "protest": "peaceful protest: rally, march, demonstration, sit-in, vigil, labour strike",
    "riot": "violent demonstration or mob violence: riot, looting, clashes of protesters with police",
    "crime": "a crime: murder, shooting, robbery, burglary, theft, assault, arson, fraud, hacking",
    "arrest": "police action: arrest, detention, raid, search, seizure, charge brought by police",
    "legal": "courts and law: hearing, trial, plea, verdict, sentence, appeal, ruling, lawsuit, indictment",
    "accident": "accident: crash, collision, derailment, fire, explosion, collapse, spill, drowning",
    "disaster": "natural hazard or severe weather: earthquake, flood, storm, hurricane, wildfire, drought, eruption",
    "outbreak": "disease outbreak: cases, infections, deaths from illness, epidemics, animal disease",
    "election": "elections and votes: polling, ballots, results, recounts, referendums, campaigns",
    "government": "a public body's act: law passed, vote of a council, decree, budget, ban, appointment, resignation",
    "diplomacy": "relations between governments: talks, visits, summits, agreements, treaties, embassies",
    "economic": "business and economy: plant opened or closed, jobs cut, deal, investment, prices, markets, recall",
    "aid": "humanitarian aid and relief: deliveries, distributions, donations, field hospitals, vaccination drives",
    "culture": "cultural, religious or sporting event: festival, ceremony, concert, exhibition, match, parade",
    "other": "an occurrence of none of the types above (science, space, animals, weddings...)",
}

# The role of a place mention in its sentence (roles.py and occurrence.py decide it). Ordered: the dashboard lists
# them in this order.
ROLES: dict[str, str] = {
    "event": "where something reported happened ('troops entered Kupiansk', 'shelling in Izyum')",
    "origin": "where a movement started ('regrouped from Balakliya')",
    "destination": "where a movement went ('to the Donetsk region')",
    "dateline": "the dateline or a caption's place ('KHARKIV, UKRAINE - September 9')",
    "actor": "a government, army, team or office named by its place ('Moscow said', 'Kyiv's hopes')",
    "background": "a place named for context, a past event, or to say where another place is",
    "residence": "where a person lives or comes from, or an organisation is based ('a man from Liverpool')",
    "planned": "a plan, forecast, wish or denial, not an occurrence ('will visit Paris', 'has not been to Mexico')",
    "context": "named with no occurrence there: statements, statistics, descriptions, names of things",
}
MAP_ROLES = ("event", "origin", "destination")
