"""The event types Dateline assigns, modelled on ACLED's event types and sub-event types, and the roles a place can play.

Kept free of spaCy so the dashboard can import it for labels and colours. Order is the display order.
"""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "battle": "armed clash: fighting, assaults, ambushes between armed groups or forces",
    "strike": "shelling, missile, drone or air strike, bombing or other explosion used as a weapon",
    "territory": "capture, recapture, advance into, loss of or withdrawal from territory",
    "movement": "movement of troops or people: deployment, regrouping, patrols, evacuation, flight",
    "violence_civilians": "violence against civilians: killing, abduction, torture or attack on unarmed people",
    "protest": "peaceful protest: rally, march, demonstration, sit-in, labour strike",
    "riot": "violent demonstration or mob violence: riot, looting, clashes of protesters with police",
    "arrest": "arrest, detention, charge, trial or sentence by police or courts",
    "diplomacy": "diplomatic statement or meeting: talks, visits, summits, agreements, official statements",
    "disaster": "natural or accidental disaster: flood, earthquake, storm, wildfire, collapse, crash",
    "other": "anything else reported at a place (sport, business, culture, elections...)",
}

# The role of a place mention in its sentence (roles.py decides it). Ordered: the dashboard lists them in this order.
ROLES: dict[str, str] = {
    "event": "where something reported happened ('troops entered Kupiansk', 'shelling in Izyum')",
    "origin": "where a movement started ('regrouped from Balakliya')",
    "destination": "where a movement went ('to the Donetsk region')",
    "dateline": "the dateline or a caption's place ('KHARKIV, UKRAINE - September 9')",
    "actor": "a government, army or office named by its place ('Moscow said', 'Kyiv's hopes', 'U.K. Defense Ministry')",
    "background": "a place named for context or a past event ('failed to take Kyiv earlier this year')",
}
MAP_ROLES = ("event", "origin", "destination")
