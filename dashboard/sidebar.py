"""The sidebar filters, kept in step with the URL's query parameters.

The URL decides the widgets' values when a session starts (or after the widgets were not drawn for
a while, e.g. while the database was missing); from then on the widgets decide and the URL follows.
A widget left at its default keeps following the data as the pipeline adds events, sources or types.
"""
from __future__ import annotations

import streamlit as st

from pipeline import taxonomy

from . import params
from .labels import ROLE_LABELS
from .params import Defaults
from pipeline.storage import AREA_SEPARATOR, Choices, Filters

FROM, TO, SOURCES, TYPES = "filter_from", "filter_to", "filter_sources", "filter_types"
AREAS, TEXT, ROLES, COUNTRY = "filter_areas", "filter_text", "filter_roles", "filter_country"
UNDATED = "filter_undated"
_DEFAULTS = "filter_defaults"  # the Defaults the widgets were last drawn with


def defaults_for(span: tuple, bounds: tuple, choices: Choices) -> Defaults:
    """The unfiltered view: the days holding most events (`span`), inside the data's first and last (`bounds`)."""
    return Defaults(span[0], span[1], tuple(choices.sources), tuple(choices.event_types), tuple(choices.areas),
                    earliest=bounds[0], latest=bounds[1])


def filters(defaults: Defaults, choices: Choices, country_names: dict[str, str], undated: int = 0
            ) -> tuple[Filters, list[str]]:
    """Draw the filters; return what they select and the warnings about the URL (markdown). `undated`: how many
    events have no date."""
    state = st.session_state
    warnings: list[str] = []
    if FROM not in state:
        warnings = _from_url(defaults)
    elif state.get(_DEFAULTS) not in (None, defaults):
        _follow_new_data(state[_DEFAULTS], defaults)
    state[_DEFAULTS] = defaults
    # A source, type or area may have gone from the data since the widget was drawn.
    state[SOURCES] = [s for s in state[SOURCES] if s in choices.sources]
    state[TYPES] = [t for t in state[TYPES] if t in choices.event_types]
    state[AREAS] = [a for a in state[AREAS] if a in choices.areas]
    role_options = list(dict.fromkeys([*taxonomy.ROLES, *choices.roles]))

    with st.sidebar:
        st.header("Filters")
        low, high = _bounds(defaults, state[FROM])
        start = st.date_input("From", key=FROM, format="YYYY-MM-DD", min_value=low, max_value=high)
        low, high = _bounds(defaults, state[TO])
        end = st.date_input("To", key=TO, format="YYYY-MM-DD", min_value=low, max_value=high)
        text = st.text_input("Search", key=TEXT, max_chars=params.MAX_TEXT, placeholder="Words in sentence, place or title",
                             help="Events whose sentence, place (as written or resolved) or article title contains "
                                  "every word, in any case.")
        sources = st.multiselect("Sources", options=list(defaults.sources), key=SOURCES,
                                 placeholder="No source selected",
                                 format_func=lambda s: f"{s} ({choices.sources[s]:,})")
        event_types = st.multiselect("Event types", options=list(defaults.event_types), key=TYPES,
                                     placeholder="No type selected",
                                     format_func=lambda t: f"{t.replace('_', ' ')} ({choices.event_types[t]:,})",
                                     help="\n".join(f"- **{t.replace('_', ' ')}**: {d}"
                                                    for t, d in taxonomy.EVENT_TYPES.items()))
        roles = st.multiselect("Place roles", options=role_options, key=ROLES, placeholder="No role selected",
                               format_func=lambda r: f"{ROLE_LABELS.get(r, r)} ({choices.roles.get(r, 0):,})",
                               help="What the place is in its sentence. By default only where something happened "
                                    "(and where movements started and went) makes map points.\n"
                                    + "\n".join(f"- **{ROLE_LABELS.get(r, r)}**: {d}" for r, d in taxonomy.ROLES.items()))
        # Typed letters match a name as written ("contains"), and Enter picks the first match, which is a country
        # before its regions: fuzzy matching and a "Select all matches" entry made "Syria" + Enter add every
        # region whose letters follow in that order (Sofia City, Buenos Aires).
        areas = st.multiselect("Countries and regions", options=list(defaults.areas), key=AREAS,
                               placeholder="Anywhere", filter_mode="contains", select_all=False,
                               format_func=lambda a: f"{area_label(a, country_names)} ({choices.areas[a]:,})")
        include_country = st.toggle(
            "Show country-level points", key=COUNTRY,
            help="Events placed only as far as a country (\"in Ukraine\") sit on the country's centre "
                 "point, which says little about where they happened.",
        )
        include_undated = st.toggle(
            f"Show undated events ({undated:,})", key=UNDATED,
            help="Events of articles that carry no publication date and whose text does not date them either "
                 "(\"on Friday\" counts from a day nobody gave). They are shown at their place, whatever the "
                 "dates above; the timeline leaves them out. Give a date with `--published` or a `published` "
                 "field when running the pipeline.",
        )
    # A date box the reader has emptied reads as None: treat it as its default.
    start, end = start or defaults.start, end or defaults.end
    if start > end:
        warnings.append(f"“From” ({start}) is after “To” ({end}): showing {end} to {start}.")
        start, end = end, start
    selected = Filters(start, end, _chosen(sources, defaults.sources), include_country,
                       _chosen(event_types, defaults.event_types), tuple(areas), " ".join(text.split()),
                       tuple(r for r in role_options if r in roles), include_undated)
    _write_url(params.encode(selected, defaults))
    return selected, warnings


def _bounds(defaults: Defaults, value):
    """A date box's bounds, stretched to hold its value (a URL's date may lie outside the data, and Streamlit
    rejects a value out of bounds); an emptied box holds None."""
    value = value or defaults.start
    return min(defaults.earliest or defaults.start, value), max(defaults.latest or defaults.end, value)


def area_label(area: str, country_names: dict[str, str]) -> str:
    """"Ukraine" for "UA"; "Kharkivska, Ukraine" for "UA/Kharkivska"."""
    country, _, region = area.partition(AREA_SEPARATOR)
    name = country_names.get(country, country)
    return f"{region}, {name}" if region else name


def _chosen(selected: list[str], every: tuple[str, ...]) -> tuple[str, ...] | None:
    """None when everything is selected (no condition at all), else the selection."""
    return None if set(selected) == set(every) else tuple(selected)


def _from_url(defaults: Defaults) -> list[str]:
    """Set every widget from the URL; return the warnings about values that could not be used."""
    state = st.session_state
    wanted, warnings = params.parse({k: st.query_params.get_all(k) for k in params.KEYS}, defaults)
    state[FROM], state[TO], state[COUNTRY] = wanted.start, wanted.end, wanted.include_country
    state[UNDATED] = wanted.include_undated
    state[SOURCES] = list(defaults.sources if wanted.sources is None else wanted.sources)
    state[TYPES] = list(defaults.event_types if wanted.event_types is None else wanted.event_types)
    state[AREAS], state[TEXT], state[ROLES] = list(wanted.areas), wanted.text, list(wanted.roles)
    return warnings


def _follow_new_data(old: Defaults, new: Defaults) -> None:
    """Widgets still at the old data's defaults move to the new data's (new days, sources, types)."""
    state = st.session_state
    if state[FROM] == old.start:
        state[FROM] = new.start
    if state[TO] == old.end:
        state[TO] = new.end
    if set(state[SOURCES]) == set(old.sources):
        state[SOURCES] = list(new.sources)
    if set(state[TYPES]) == set(old.event_types):
        state[TYPES] = list(new.event_types)


def _write_url(wanted: dict[str, str | list[str]]) -> None:
    """Set our keys in the URL (leaving any others alone), touching only what changed."""
    for key in params.KEYS:
        current = st.query_params.get_all(key)
        if key in wanted:
            value = wanted[key]
            if current != (value if isinstance(value, list) else [value]):
                st.query_params[key] = value
        elif current:
            del st.query_params[key]
