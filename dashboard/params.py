"""The filters as URL query parameters, so that a copied URL reproduces the view.

`?from=2022-09-01&to=2022-09-30&source=Harbour%20Post&source=Northern%20Ledger&type=strike&area=UA&q=dam&role=event&country=1&undated=1`;
a parameter left out means its default (the days holding most events, every source and type, anywhere, no
search, the roles that make map points, no country-level points, no undated events), so
the default view has a clean URL that follows new data. A bad value never raises: it falls back to the
default and yields a warning for the page to show.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.taxonomy import MAP_ROLES, ROLES

from pipeline.storage import Filters

FROM, TO, SOURCE, TYPE, AREA, TEXT, ROLE, COUNTRY = "from", "to", "source", "type", "area", "q", "role", "country"
UNDATED = "undated"
KEYS = (FROM, TO, SOURCE, TYPE, AREA, TEXT, ROLE, COUNTRY, UNDATED)
# `source=` (one empty value) means "no source selected", which differs from leaving `source` out (all);
# the same for `type=`.
NO_SOURCE = ""
MAX_TEXT = 200
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Defaults:
    """The unfiltered view of the current data."""

    start: date
    end: date
    sources: tuple[str, ...]
    event_types: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # every area key a URL may name
    earliest: date | None = None  # the data's first and last days: how far the date boxes reach
    latest: date | None = None


def parse(params: Mapping[str, Sequence[str]], defaults: Defaults) -> tuple[Filters, list[str]]:
    """Filters from query parameters (each key to all its values), and one warning per bad value."""
    warnings: list[str] = []
    start = _date(params, FROM, defaults.start, warnings)
    end = _date(params, TO, defaults.end, warnings)
    if start > end:
        warnings.append(f"Ignored the date range in the URL: {start} is after {end}. Showing every date.")
        start, end = defaults.start, defaults.end
    sources = _choice(params, SOURCE, defaults.sources, "source", warnings)
    event_types = _choice(params, TYPE, defaults.event_types, "event type", warnings)
    areas = _areas(params, defaults, warnings)
    text = " ".join((_last(params, TEXT) or "").split())[:MAX_TEXT]
    return Filters(start, end, sources, _flag(params, COUNTRY, warnings), event_types, areas, text,
                   _roles(params, warnings), _flag(params, UNDATED, warnings)), warnings


def encode(filters: Filters, defaults: Defaults) -> dict[str, str | list[str]]:
    """Query parameters for `filters`: only those that differ from the defaults."""
    params: dict[str, str | list[str]] = {}
    if filters.start != defaults.start:
        params[FROM] = filters.start.isoformat()
    if filters.end != defaults.end:
        params[TO] = filters.end.isoformat()
    if filters.sources is not None and set(filters.sources) != set(defaults.sources):
        params[SOURCE] = list(filters.sources) or NO_SOURCE
    if filters.event_types is not None and set(filters.event_types) != set(defaults.event_types):
        params[TYPE] = list(filters.event_types) or NO_SOURCE
    if filters.areas:
        params[AREA] = list(filters.areas)
    if filters.text:
        params[TEXT] = filters.text
    if set(filters.roles) != set(MAP_ROLES):
        params[ROLE] = list(filters.roles) or NO_SOURCE
    if filters.include_country:
        params[COUNTRY] = "1"
    if filters.include_undated:
        params[UNDATED] = "1"
    return params


def _last(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    """The last value given for `key`, as `st.query_params[key]` would read it."""
    values = params.get(key) or []
    return values[-1] if values else None


def _date(params, key: str, default: date, warnings: list[str]) -> date:
    raw = _last(params, key)
    if raw is None:
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        shown = f"from {default}" if key == FROM else f"up to {default}"
        warnings.append(f"Ignored {key}={quote(raw)} in the URL: not a date like 2022-09-30. Showing {shown}.")
        return default


def _choice(params, key: str, options: tuple[str, ...], noun: str, warnings: list[str]) -> tuple[str, ...] | None:
    """The known values of a multiple choice (sources, types): None for all, () for none."""
    values = list(params.get(key) or [])
    if not values:
        return None
    if values == [NO_SOURCE]:
        return ()
    known = set(options)
    unknown = [v for v in values if v not in known]
    chosen = tuple(dict.fromkeys(v for v in values if v in known))
    if unknown:
        listed = ", ".join(quote(v) for v in unknown)
        fallback = "" if chosen else f" Showing every {noun}."
        warnings.append(f"Ignored unknown {noun}{'s' if len(unknown) > 1 else ''} in the URL: {listed}.{fallback}")
    if not chosen or set(chosen) == known:
        return None
    return chosen


def _roles(params, warnings: list[str]) -> tuple[str, ...]:
    """The roles asked for, in the taxonomy's order; the map roles when none (or none known) is given."""
    values = list(params.get(ROLE) or [])
    if not values:
        return MAP_ROLES
    if values == [NO_SOURCE]:
        return ()
    unknown = [v for v in values if v not in ROLES]
    chosen = tuple(r for r in ROLES if r in values)
    if unknown:
        listed = ", ".join(quote(v) for v in unknown)
        fallback = "" if chosen else " Showing where events happened."
        warnings.append(f"Ignored unknown role{'s' if len(unknown) > 1 else ''} in the URL: {listed}.{fallback}")
    return chosen or MAP_ROLES


def _areas(params, defaults: Defaults, warnings: list[str]) -> tuple[str, ...]:
    values = [v for v in params.get(AREA) or [] if v]
    known = set(defaults.areas)
    unknown = [v for v in values if v not in known]
    if unknown:
        listed = ", ".join(quote(v) for v in unknown)
        warnings.append(f"Ignored unknown area{'s' if len(unknown) > 1 else ''} in the URL: {listed}.")
    return tuple(dict.fromkeys(v for v in values if v in known))


_HIDDEN = {COUNTRY: "Country-level points are hidden.", UNDATED: "Undated events are hidden."}


def _flag(params, key: str, warnings: list[str]) -> bool:
    raw = _last(params, key)
    if raw is None or raw.strip().lower() in _FALSE:
        return False
    if raw.strip().lower() in _TRUE:
        return True
    warnings.append(f"Ignored {key}={quote(raw)} in the URL: use 1 or 0. {_HIDDEN[key]}")
    return False


def quote(value: str, limit: int = 60) -> str:
    """A URL value made inert for Streamlit markdown (the warnings are markdown): cut short, quoted, and
    every ASCII punctuation character backslash-escaped, so no link, image, code, HTML, LaTeX or colour
    directive can come out of it."""
    value = "".join(c if c.isprintable() else " " for c in value[:limit]) + ("…" if len(value) > limit else "")
    return "“" + "".join("\\" + c if c.isascii() and not c.isalnum() and c != " " else c for c in value) + "”"
