"""The timeline chart and the events table, as data the app hands to Streamlit.

Both render article text as text (Vega-Lite and Streamlit's data grid never interpret HTML), so
no escaping is needed here; links go through `safe_url` like the popups' do.
"""
from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from .map import safe_url
from .queries import EventRow
from .unresolved import UnresolvedRow

TABLE_COLUMNS = ["Date", "Date precision", "Place", "Country", "Place precision", "Source", "Type",
                 "Title", "Sentence", "Link"]


def timeline_chart(daily: Sequence[tuple[str, str, int]]) -> alt.Chart:
    """Events per day, stacked by source."""
    frame = pd.DataFrame(list(daily), columns=["day", "source", "events"])
    frame["day"] = pd.to_datetime(frame["day"], errors="coerce")
    return (
        alt.Chart(frame.dropna(subset=["day"]))
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
            y=alt.Y("sum(events):Q", title="Events", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("source:N", title="Source", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("sum(events):Q", title="Events"),
            ],
        )
        .properties(height=240)
    )


def events_table(rows: Sequence[EventRow]) -> pd.DataFrame:
    """One line per event, newest first; the grid sorts by any column on click."""
    return pd.DataFrame(
        [
            [
                pd.to_datetime(r.event_date, errors="coerce"), r.date_precision,
                r.place_name or r.place_text, r.country_code, r.geo_precision, r.source, r.event_type,
                r.title or "", r.sentence, safe_url(r.url),
            ]
            for r in rows
        ],
        columns=TABLE_COLUMNS,
    )


def unresolved_table(rows: Sequence[UnresolvedRow]) -> pd.DataFrame:
    return pd.DataFrame([[r.place_text, r.mentions, r.articles] for r in rows],
                        columns=["Place as written", "Mentions", "Articles"])
