"""The sidebar filters, kept in step with the URL's query parameters.

The URL decides the widgets' values when a session starts (or after the widgets were not drawn for
a while, e.g. while the database was missing); from then on the widgets decide and the URL follows.
A widget left at its default keeps following the data as the pipeline adds events or sources.
"""
from __future__ import annotations

import streamlit as st

from . import params
from .params import Defaults
from .queries import Filters

FROM, TO, SOURCES, COUNTRY = "filter_from", "filter_to", "filter_sources", "filter_country"
_DEFAULTS = "filter_defaults"  # the Defaults the widgets were last drawn with


def filters(defaults: Defaults, source_counts: dict[str, int]) -> tuple[Filters, list[str]]:
    """Draw the filters; return what they select and the warnings about the URL (markdown)."""
    state = st.session_state
    warnings: list[str] = []
    if FROM not in state:
        wanted, warnings = params.parse({k: st.query_params.get_all(k) for k in params.KEYS}, defaults)
        state[FROM], state[TO], state[COUNTRY] = wanted.start, wanted.end, wanted.include_country
        state[SOURCES] = list(defaults.sources if wanted.sources is None else wanted.sources)
    elif state.get(_DEFAULTS) not in (None, defaults):
        _follow_new_data(state[_DEFAULTS], defaults)
    state[_DEFAULTS] = defaults
    state[SOURCES] = [s for s in state[SOURCES] if s in source_counts]  # a source may have gone

    with st.sidebar:
        st.header("Filters")
        # Bounds stretch to a URL's dates outside the data, which Streamlit would otherwise reject.
        start = st.date_input("From", key=FROM, format="YYYY-MM-DD",
                              min_value=min(defaults.start, state[FROM]), max_value=max(defaults.end, state[FROM]))
        end = st.date_input("To", key=TO, format="YYYY-MM-DD",
                            min_value=min(defaults.start, state[TO]), max_value=max(defaults.end, state[TO]))
        sources = st.multiselect(
            "Sources", options=list(defaults.sources), key=SOURCES, placeholder="No source selected",
            format_func=lambda s: f"{s} ({source_counts[s]:,})",
        )
        include_country = st.toggle(
            "Show country-level points", key=COUNTRY,
            help="Events placed only as far as a country (\"in Ukraine\") sit on the country's centre "
                 "point, which says little about where they happened.",
        )
    # A date box the reader has emptied reads as None: treat it as its default.
    start, end = start or defaults.start, end or defaults.end
    if start > end:
        warnings.append(f"“From” ({start}) is after “To” ({end}): showing {end} to {start}.")
        start, end = end, start
    chosen = None if set(sources) == set(defaults.sources) else tuple(sources)
    selected = Filters(start, end, chosen, include_country)
    _write_url(params.encode(selected, defaults))
    return selected, warnings


def _follow_new_data(old: Defaults, new: Defaults) -> None:
    """Widgets still at the old data's defaults move to the new data's (new days, new sources)."""
    state = st.session_state
    if state[FROM] == old.start:
        state[FROM] = new.start
    if state[TO] == old.end:
        state[TO] = new.end
    if set(state[SOURCES]) == set(old.sources):
        state[SOURCES] = list(new.sources)


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
