"""Dateline dashboard: `streamlit run app.py`, reading the database named by DATELINE_DB.

Layout and widgets only: every read goes through the storage package (pipeline/storage), cached in
dashboard/data.py; the map is dashboard/map.py, the downloads dashboard/export.py.
"""
from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from dashboard import access, assets, clusters, data, sidebar, views
from dashboard import map as place_maps
from dashboard.map import FIT_MAX_ZOOM, FOCUS_ZOOM, base_map, events_layer, tile_layer
from pipeline.storage import SchemaError, StoreError, fetch_log

TABLE_KEY = "events_table"
PANEL_KEY = "panel"  # the open tab under the map: Timeline, Events or Unresolved places
MAP_KEY = "map"  # what the map last reported: its zoom and bounds
FITTED_KEY = "map_fitted"  # the filters and selected event the map was last moved to

st.set_page_config(page_title="Dateline", page_icon="🗺️", layout="wide")
access.gate()
st.title("Dateline")
st.caption("Events that news articles report, placed on the map and dated from the articles themselves.")


@st.fragment
def place_map(name: str, token: int, filters, selected, snap, vendor_url: str) -> None:
    """The map, in a fragment of its own: a pan or zoom that needs markers of another area reruns only this.
    The map moves by itself only when the filters or the selected event change."""
    places = data.load_places(name, token, filters, snap)
    if not places:  # no event matches: said below the counts
        return
    reported = clusters.Viewport.reported(st.session_state.get(MAP_KEY))
    size = reported.size if reported else clusters.DEFAULT_SIZE
    focus = (selected.lat, selected.lon) if selected else None
    where = None
    if reported is None or st.session_state.get(FITTED_KEY) != (filters, focus):
        st.session_state[FITTED_KEY] = (filters, focus)
        where = {"center": focus, "zoom": FOCUS_ZOOM} if focus else {"bounds": place_maps.bounds(places), "zoom": FIT_MAX_ZOOM}
        reported = (clusters.centred(*focus, FOCUS_ZOOM, size) if focus
                    else clusters.fitted(where["bounds"], size, FIT_MAX_ZOOM))
    view = data.load_map(name, token, filters, reported.area(), snap)
    st_folium(base_map(vendor_url), key=MAP_KEY, feature_group_to_add=events_layer(view, where), height=560,
              use_container_width=True, returned_objects=["zoom", "bounds"])
    centred = f" Centred on the selected event at {selected.place_name or selected.place_text}." if selected else ""
    st.caption(f"{len(places):,} places: a disc is a town or city, a ring a region, a dashed square a whole country; "
               f"a dark disc groups places close together at this zoom (click it to zoom in). A place's popup lists "
               f"its newest {view.popup_events or 1} event{'s' if view.popup_events > 1 else ''}. Layers (top right): "
               f"heat map{', tiles' if tile_layer() else ''}.{centred}")


@st.fragment(run_every=data.NEWS_CHECK_S)
def news_since(token: int) -> None:
    """While `watch` stores articles, an open page says so and offers them; it does not redraw under the analyst's
    hands. A check is one read of the change token."""
    try:
        with data.store().reading() as reader:
            stored = reader.change_token() != token
    except StoreError:  # the page already shows what it can; the next check tries again
        return
    if stored:
        st.info("New articles have been stored since this view was drawn.", icon="🆕")
        if st.button("Show them", key="show_news"):
            st.rerun()


store = data.store()
shown = store.location.shown
if not store.exists:
    st.info(
        f"**No events database yet** (looked for `{shown}`).\n\n"
        "Run `make demo` to set up and load the sample articles, or "
        "`python -m pipeline run data/articles` to build it from articles, then reload this page. "
        "Set `DATELINE_DB` to read another database.",
        icon="📭",
    )
    st.stop()
try:
    snap = data.snapshot(store)  # every view of this page reads this one state of the data
    token, name = snap.token, store.location.target
    overview = data.load_overview(name, token, snap)
    choices = data.load_choices(name, token, snap) if overview.n_events else None
except SchemaError as error:
    st.error(f"**The database needs a migration.** {error}", icon="🚫")
    st.stop()
except StoreError as error:
    st.error(f"Could not read the database: {error}. Is it a Dateline events database?", icon="🚫")
    st.stop()

if not overview.n_events:
    st.info(
        f"**The database has no events yet** (`{shown}`).\n\n"
        "Run `python -m pipeline run data/articles` (or give it your own files and folders) "
        "and the events appear here on the next interaction.",
        icon="📭",
    )
    st.stop()

today = date.today()
bounds = (overview.first_date or today, overview.last_date or today)
defaults = sidebar.defaults_for(overview.span or bounds, bounds, choices)
filters, warnings = sidebar.filters(defaults, choices, data.country_names(), overview.n_undated)
st.sidebar.caption(f"{overview.n_events:,} events from {overview.n_reports:,} reports in `{store.location.label}`, dated "
                   f"{bounds[0]} to {bounds[1]}; most fall between {defaults.start} and {defaults.end}, the range "
                   f"shown unless you change it." + (f" {overview.n_undated:,} reports are undated." if
                                                     overview.n_undated else ""))
last_stored = data.load_last_update(name, token)
if last_stored:
    st.sidebar.caption(f"Last article stored {last_stored.replace('T', ' ').removesuffix('+00:00')} UTC.")
with st.sidebar:
    news_since(token)
for warning in warnings:
    st.warning(warning, icon="⚠️")

metrics = st.container()  # above the map, filled after it: the map's data goes out first
selected = views.selected_event(st.session_state.get(TABLE_KEY), lambda: data.load_events(name, token, filters, snap))

if assets.missing():
    st.error(
        "The map's scripts are missing from `static/vendor/` (the set-up was not run). "
        "Run `make assets` (`npm ci` then `python -m dashboard.assets`) and reload.",
        icon="🗺️",
    )
else:
    base_url = st.get_option("server.baseUrlPath")
    assets.use_local_assets(base_url)
    place_map(name, token, filters, selected, snap, assets.vendor_url(base_url))

totals = data.load_totals(name, token, filters, snap)
for column, (label, value, help_text) in zip(metrics.columns(5), [
    ("Events", totals.events, "Reports of the same event (same place, date, type and actors) count once."),
    ("Reports", totals.reports, "Place mentions in articles that report an event."),
    ("Articles", totals.articles, None), ("Places", totals.places, None), ("Sources", totals.sources, None),
]):
    column.metric(label, f"{value:,}", border=True, help=help_text)

if not totals.events:
    if filters.sources == ():
        st.info("**No source is selected.** Pick at least one under *Sources* in the sidebar.", icon="🔎")
    elif filters.event_types == ():
        st.info("**No event type is selected.** Pick at least one under *Event types* in the sidebar.", icon="🔎")
    elif not filters.roles:
        st.info("**No place role is selected.** Pick at least one under *Place roles* in the sidebar.", icon="🔎")
    else:
        country = "" if filters.include_country else ", or turn on *Show country-level points*"
        st.info(f"**No events match these filters.** Widen the dates, select more sources or types, clear the "
                f"search or the countries{country} in the sidebar.", icon="🔎")
    st.stop()

download_csv, download_geojson = st.columns(2)
download_csv.download_button(
    f"Download {totals.reports:,} reports as CSV", key="download_csv", on_click="ignore", icon="⬇️",
    data=lambda: data.export_csv(name, filters), file_name="dateline-events.csv", mime="text/csv",
)
download_geojson.download_button(
    f"Download {totals.reports:,} reports as GeoJSON", key="download_geojson", on_click="ignore", icon="⬇️",
    data=lambda: data.export_geojson(name, filters), file_name="dateline-events.geojson",
    mime="application/geo+json",
)

# Only the open tab runs and is sent: the chart's and the table's scripts then load after the map, not with it.
timeline_tab, events_tab, unresolved_tab, sources_tab = st.tabs(["Timeline", "Events", "Unresolved places", "Sources"],
                                                                key=PANEL_KEY,
                                                   on_change="rerun")
if timeline_tab.open:
    with timeline_tab:
        stack_by = st.radio("Stack by", ["source", "type"], horizontal=True, key="timeline_stack",
                            format_func=lambda v: "event type" if v == "type" else v)
        per_week = views.weekly(filters)
        counts = data.load_timeline(name, token, filters, stack_by, per_week, snap)
        st.altair_chart(views.timeline_chart(counts, stack_by, per_week), width="stretch")
        if filters.include_undated and overview.n_undated:
            st.caption("Undated events have no day to stand on: the timeline leaves them out.")

if events_tab.open:
    with events_tab:
        rows = data.load_events(name, token, filters, snap)
        if totals.reports > len(rows):
            st.caption(f"The table shows the newest {len(rows):,} of {totals.reports:,} matching reports; "
                       "the map, the timeline, the counts and the downloads cover them all.")
        st.caption("Select a row to see the event in full and centre the map on it.")
        st.dataframe(
            views.events_table(rows),
            hide_index=True,
            key=TABLE_KEY,
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "Date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "Link": st.column_config.LinkColumn(display_text="open ↗"),
                "Sentence": st.column_config.TextColumn(width="large"),
                "Title": st.column_config.TextColumn(width="medium"),
            },
        )
        if selected:
            with st.container(border=True):
                st.markdown("**Selected event**")
                st.html(views.details_html(selected, data.load_reports(name, token, selected.group_id)))

if unresolved_tab.open:
    with unresolved_tab:
        unresolved = data.load_unresolved(name, token, filters)
        st.caption(f"{len(unresolved):,} place names found in the matching sources' articles published in the "
                   "date range that the gazetteer could not place on the map.")
        st.dataframe(views.unresolved_table(unresolved), hide_index=True)

if sources_tab.open:
    with sources_tab:
        health = data.load_sources(name)
        if not health:
            st.caption("No live sources yet: `python -m pipeline watch` polls the feeds, sitemaps and pages named in "
                       "`data/sources.toml` (see the README).")
        else:
            st.caption(f"Sources that `pipeline watch` polls (times in UTC). A source is marked when its last "
                       f"{fetch_log.FAILING_FETCHES} fetches failed, or when it has gone quiet for longer than "
                       f"{fetch_log.QUIET_FACTOR}× its usual gap between articles.")
            st.dataframe(views.sources_table(health), hide_index=True)
