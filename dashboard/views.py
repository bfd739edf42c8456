"""The timeline chart and the events table, as data the app hands to Streamlit.

Both render article text as text (Vega-Lite and Streamlit's data grid never interpret HTML), so
no escaping is needed there; links go through `safe_url` like the popups' do. The details of a selected
event are HTML, so everything in them is escaped.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd

from .labels import EVENT_COLOURS, OTHER_COLOUR, date_how, date_when, place_line, safe_url, what_line
from pipeline.storage import EventRow, Filters, Report, UnresolvedRow
from pipeline.storage.fetch_log import SourceHealth

OTHER_TYPE = "other"
# A timeline longer than this counts events per week: a bar per day would be too thin to read or hover.
WEEKLY_AFTER_DAYS = 120
# Sources stacked one by one in the timeline, the busiest; the rest are one band. Twelve colours can be told apart;
# three hundred cannot, and would make the chart's data a megabyte that the browser draws before the map.
STACKED_SOURCES = 12
TABLE_COLUMNS = ["Date", "Date precision", "Dated by", "Place", "Country", "Place precision", "Role", "Source",
                 "Type", "Trigger", "Actors", "Title", "Sentence", "Link"]
# How sure a date is, in the table: the sentence's own words, or the article's date and where that came from.
_PUBLICATION = {"given": "publication date", "option": "publication date (given at run)",
                "page": "publication date (from the page)", "feed": "publication date (from the feed)",
                "fetched": "publication date (day fetched)",
                "url": "publication date (from URL)", "text": "publication date (inferred from text)"}


def dated_by(row: EventRow) -> str:
    if row.event_date is None:
        return "undated"
    if row.date_basis in ("explicit", "relative") and row.date_text:
        return "sentence" + (" (relative to an inferred date)" if row.date_basis == "relative"
                             and row.published_basis == "text" else "")
    return _PUBLICATION.get(row.published_basis, "publication date")


def weekly(filters: Filters) -> bool:
    """Count per week when the range is too long for a readable bar per day."""
    return (filters.end - filters.start).days > WEEKLY_AFTER_DAYS


def timeline_chart(counts: Sequence[tuple[str, str, int]], by: str, per_week: bool) -> alt.Chart:
    """Events per day (or per week, dated by its Monday), stacked by source (the busiest STACKED_SOURCES, the rest
    together) or by event type."""
    frame = pd.DataFrame(list(counts), columns=["day", "key", "events"])
    if by == "source":
        frame = fold_sources(frame, STACKED_SOURCES)
    frame["day"] = pd.to_datetime(frame["day"], errors="coerce", format="ISO8601")
    title = "Event type" if by == "type" else "Source"
    scale = (alt.Scale(domain=list(EVENT_COLOURS) + [OTHER_TYPE], range=list(EVENT_COLOURS.values()) + [OTHER_COLOUR])
             if by == "type" else alt.Undefined)
    label = "Week of" if per_week else "Day"
    return (
        alt.Chart(frame.dropna(subset=["day"]))
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
            y=alt.Y("sum(events):Q", title=f"Events per {'week' if per_week else 'day'}", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("key:N", title=title, scale=scale, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title=label, format="%Y-%m-%d"),
                alt.Tooltip("key:N", title=title),
                alt.Tooltip("sum(events):Q", title="Events"),
            ],
        )
        .properties(height=240)
    )


def fold_sources(frame: pd.DataFrame, keep: int) -> pd.DataFrame:
    """`frame` (day, key, events) with every source past the `keep` busiest summed per day as "N other sources"."""
    totals = frame.groupby("key")["events"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= keep + 1:
        return frame
    others = f"{len(totals) - keep} other sources"
    key = frame["key"].where(frame["key"].isin(totals.index[:keep]), others)
    return frame.assign(key=key).groupby(["day", "key"], as_index=False, sort=False)["events"].sum()


def events_table(rows: Sequence[EventRow]) -> pd.DataFrame:
    """One line per event, newest first; the grid sorts by any column on click."""
    frame = pd.DataFrame(
        [
            [
                r.event_date, r.date_precision, dated_by(r), r.place_name or r.place_text, r.country_code,
                r.geo_precision,
                r.role, r.source, r.event_type, r.trigger, ", ".join(r.actors), r.title or "", r.sentence,
                safe_url(r.url),
            ]
            for r in rows
        ],
        columns=TABLE_COLUMNS,
    )
    frame["Date"] = pd.to_datetime(frame["Date"], errors="coerce", format="ISO8601")
    return frame


def selected_event(selection, rows: Callable[[], Sequence[EventRow]]) -> EventRow | None:
    """The event of the table row the reader selected (the table's widget state), if it still exists. The
    table's rows are read only then: they come after the map on the page."""
    picked = getattr(getattr(selection, "selection", None), "rows", None) or []
    if picked and 0 <= picked[0] < len(found := rows()):
        return found[picked[0]]
    return None


def highlight(sentence: str, place_text: str) -> str:
    """The sentence as HTML with the first occurrence of the place as written in <mark>.

    The stored offsets point into the article, not the sentence, so the place is found by its text
    (exact case first, then any case); each piece is escaped on its own."""
    if not place_text:
        return html.escape(sentence)
    at = sentence.find(place_text)
    end = at + len(place_text)
    if at < 0:
        found = re.search(re.escape(place_text), sentence, re.IGNORECASE)
        if not found:
            return html.escape(sentence)
        at, end = found.span()
    return f"{html.escape(sentence[:at])}<mark>{html.escape(sentence[at:end])}</mark>{html.escape(sentence[end:])}"


def details_html(row: EventRow, reports: Sequence[Report] = ()) -> str:
    """The selected event in full, every article-derived value escaped (the page shows it as HTML)."""
    e = html.escape
    when, precision = date_when(row)
    also = f"<br><small>Also considered: {e('; '.join(row.alternatives))}</small>" if row.alternatives else ""
    why = f"<br><small>Why this place: {e(row.place_reason)}</small>" if row.place_reason else ""
    tag = f" <small>({e(precision)})</small>" if precision else ""
    sources = sorted({r.source for r in reports} or {row.source})
    listed = "; ".join(f"<b>{e(r.source or 'unknown source')}</b> {_title_link(r.title, r.url)}"
                       for r in reports) or f"<b>{e(row.source or 'unknown source')}</b> {_title_link(row.title, row.url)}"
    return (
        f"<div class='dl-details'><p><b>{e(when)}</b>{tag}<br><small>{e(date_how(row))}</small></p>"
        f"<p><b>{e(place_line(row))}</b> <small>written “{e(row.place_text)}” · {e(row.geo_precision or '?')}"
        f" · {row.lat:.4f}, {row.lon:.4f}</small>{also}{why}</p>"
        f"<p>{e(what_line(row))}</p>"
        f"<blockquote>{highlight(row.sentence, row.place_text)}</blockquote>"
        f"<p>Reported by {len(sources)} source{'s' if len(sources) != 1 else ''}: {listed}</p></div>"
    )


def _title_link(title: str | None, url: str | None) -> str:
    """An article's title, escaped, as a link when its URL is http(s)."""
    text = html.escape(title or "(no title)")
    link = safe_url(url)
    return f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">{text} ↗</a>' if link else text


def unresolved_table(rows: Sequence[UnresolvedRow]) -> pd.DataFrame:
    return pd.DataFrame([[r.place_text, r.mentions, r.articles] for r in rows],
                        columns=["Place as written", "Mentions", "Articles"])


def sources_table(found: Sequence[SourceHealth]) -> pd.DataFrame:
    """One line per live source, a mark first on one that is failing or has gone quiet."""
    def mark(h: SourceHealth) -> str:
        return "⚠️ failing" if h.failing else "⚠️ quiet" if h.quiet else "✓"
    return pd.DataFrame([[mark(h), h.source, h.last_success, h.last_error, h.error or "", h.articles_24h,
                          h.articles_7d] for h in found],
                        columns=["State", "Source", "Last success", "Last error", "Error", "Articles 24 h",
                                 "Articles 7 days"])
