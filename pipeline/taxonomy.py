"""The event types Dateline assigns, modelled on ACLED's event types and sub-event types.

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
