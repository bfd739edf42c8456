"""Same event, many reports: which event rows, across articles and sources, tell of one event.

Two reports join when everything they say agrees and what happened is shown to be the same: the same place (or
one inside the other, or two gazetteer entries a few hundred metres apart), date ranges that overlap at day, week
or month precision, no word saying it was another one ("a second strike"), and positive evidence of the same
occurrence: the same specific type, the same event word, a shared actor, or enough shared words. Place and date
alone join nothing: three stories naming the South Pacific in one week are three stories. A group is complete-linked: a report
joins only a group whose every member it agrees with, so a vague "Kharkiv region" report cannot chain two strikes
in different towns into one. Each report keeps a one-line reason for joining. Pure functions; store.py runs them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta

from . import distance
from .taxonomy import MAP_ROLES

GROUPABLE_PRECISIONS = ("day", "week", "month")
# Two settlements this close are one place under two gazetteer entries (a town and its district); neighbouring
# towns are farther apart, and rounding coordinates to merge them is the failure this avoids.
SAME_SETTLEMENT_KM = 2.0
# Types one event can get from differently worded reports ("Russian troops withdrew" / "Ukraine retook").
RELATED_TYPES = {frozenset(p) for p in [("battle", "territory"), ("territory", "movement"), ("protest", "riot"),
                                        ("strike", "violence_civilians"), ("battle", "strike")]}
# A report saying it tells of another event than one already told.
DISTINCT_CUE = re.compile(r"\b(another|second|third|fourth|separate|fresh|renewed|again)\b", re.I)
# Shared content words that show two differently typed reports tell of one occurrence.
SHARED_WORDS = 3
STOPWORDS = frozenset("""that this with from have been were they their there which when where what will would said
says about after before also into over than then them these those while could should other more most some such
only very just like even because during against between under through officials official people told
according reported report reports monday tuesday wednesday thursday friday saturday sunday january february march
april june july august september october november december year years week weeks month months today yesterday
""".split())


@dataclass(frozen=True)
class Report:
    """The fields of an event row that grouping reads."""

    event_id: str
    article_id: str
    source: str
    published_date: str | None
    event_date: str | None
    date_precision: str
    date_basis: str
    role: str
    place_id: str
    place_name: str
    geo_precision: str
    admin1: str | None
    country_code: str
    lat: float
    lon: float
    event_type: str
    actors: tuple[str, ...]
    sentence: str
    start_char: int
    trigger: str = ""

    @property
    def groupable(self) -> bool:
        return self.role in MAP_ROLES and self.date_precision in GROUPABLE_PRECISIONS and self.event_date is not None

    @cached_property
    def span(self) -> tuple[date, date]:
        return date_span(self.event_date, self.date_precision, self.date_basis)

    @cached_property
    def distinct(self) -> bool:
        return bool(DISTINCT_CUE.search(self.sentence))

    @cached_property
    def words(self) -> frozenset[str]:
        """The sentence's content words, less the place's own name and date words: what it says happened."""
        own = {w.lower() for w in re.findall(r"[A-Za-z]+", self.place_name)}
        return frozenset(w for w in (m.lower() for m in re.findall(r"[A-Za-z]{4,}", self.sentence))
                         if w not in STOPWORDS and w not in own)

    @cached_property
    def profile(self) -> tuple:
        """Every field `agreement` reads but the row's identity: two reports with one profile agree with the
        same reports, so a group keeps one member per profile, and a regrouping asks once per pair of them."""
        return (self.place_id, self.place_name, self.geo_precision, self.admin1, self.country_code, self.lat,
                self.lon, self.span, self.event_type, self.actors, self.distinct,
                self.article_id if self.distinct else "", self.trigger.lower(), self.words)


def date_span(event_date: str, precision: str, basis: str) -> tuple[date, date]:
    """The days a date covers; an undated report (dated by its publication) may tell of the day before."""
    day = date.fromisoformat(event_date)
    if basis == "publication":
        return day - timedelta(days=1), day
    if precision == "week":
        return day, day + timedelta(days=6)
    if precision == "month":
        return day, date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
    return day, day


def not_grouped_reason(report: Report) -> str:
    """Why a row is its own group."""
    if report.role not in MAP_ROLES:
        return f"not grouped: role {report.role}"
    return f"not grouped: date precision {report.date_precision}"


def group(reports: list[Report]) -> dict[str, tuple[str, str]]:
    """event_id -> (group_id, reason) for groupable reports; the group's id is its first report's event_id.

    Deterministic: reports are read in date, publication and text order, so the same rows give the same groups.
    Only groups sharing a place or admin-1 region with a report, and still open on its first day, are compared."""
    ordered = sorted((r for r in reports if r.groupable),
                     key=lambda r: (r.span[0], r.published_date or "", r.article_id, r.start_char, r.event_id))
    by_key: dict[tuple, list[_Group]] = {}
    out: dict[str, tuple[str, str]] = {}
    evidence: dict[tuple, bool] = {}  # (profile, profile) -> agree: a story told by fifty outlets is asked once

    def agrees(a: Report, b: Report) -> bool:
        pair = (a.profile, b.profile)
        if pair not in evidence:
            evidence[pair] = _evidence(a, b) is not None
        return evidence[pair]

    for report in ordered:
        start = report.span[0]
        candidates = {}
        for key in _keys(report):
            # Reports come in start order: a group that ended before this one starts can join nothing again.
            still_open = [g for g in by_key.get(key, ()) if g.last_day >= start]
            by_key[key] = still_open
            candidates.update((id(g), g) for g in still_open)
        best, best_key = None, None
        for members in candidates.values():
            if all(agrees(report, m) for m in members.profiles.values()):
                key = (_km(report, members.reports[0]), members.order)
                if best_key is None or key < best_key:
                    best, best_key = members, key
        if best is None:
            best = _Group([], len(out), start)
            out[report.event_id] = (report.event_id, "first report")
        else:
            first = best.reports[0]
            out[report.event_id] = (first.event_id, agreement(report, first) or "")
        best.reports.append(report)
        best.profiles.setdefault(report.profile, report)
        best.last_day = max(best.last_day, report.span[1])
        for key in _keys(report):
            if all(g is not best for g in by_key[key]):
                by_key[key].append(best)
    return out


@dataclass(eq=False)  # one group is itself only: comparing two by their members' fields would be slow
class _Group:
    """A group being built; `profiles` keeps one member per distinct set of the fields `agreement` reads, so a
    story copied by fifty outlets costs one comparison, not fifty."""

    reports: list[Report]
    order: int
    last_day: date
    profiles: dict[tuple, Report] = field(default_factory=dict)


def _keys(report: Report) -> list[tuple]:
    """Where a report can meet others: its place, and its admin-1 region (a town meets its region's reports,
    and a town a couple of kilometres away nearly always shares its region)."""
    keys: list[tuple] = [("place", report.place_id)]
    if report.admin1:
        keys.append(("admin1", report.country_code, report.admin1))
    return keys


def agreement(a: Report, b: Report) -> str | None:
    """Why two reports tell of one event, or None when something they say differs."""
    evidence = _evidence(a, b)
    return None if evidence is None else f"{evidence}; joins {b.source} report {b.event_id}"


def _evidence(a: Report, b: Report) -> str | None:
    """What agrees between two reports, read from their profiles' fields only."""
    if a.article_id == b.article_id and (a.distinct or b.distinct) or a.distinct != b.distinct:
        return None  # "a second strike hit the city": the text says it is another event
    place = _same_place(a, b)
    when = _same_time(a, b)
    what = _same_occurrence(a, b)
    if None in (place, when, what) or _actors_differ(a, b):
        return None
    return "; ".join([place, when, what])


def _same_place(a: Report, b: Report) -> str | None:
    if a.place_id == b.place_id:
        return f"same place ({a.place_name})"
    if a.geo_precision == b.geo_precision == "settlement":
        km = _km(a, b)
        return f"{a.place_name} and {b.place_name} {km:.1f} km apart" if km <= SAME_SETTLEMENT_KM else None
    for inner, outer in ((a, b), (b, a)):
        if inner.geo_precision == "settlement" and outer.geo_precision == "admin1" and inner.admin1 \
                and inner.country_code == outer.country_code and inner.admin1 == outer.admin1:
            return f"{inner.place_name} lies in {outer.place_name}"
    return None


def _same_time(a: Report, b: Report) -> str | None:
    (a0, a1), (b0, b1) = a.span, b.span
    if a0 > b1 or b0 > a1:
        return None
    if a.span == b.span and a0 == a1:
        return f"same day {a0.isoformat()}"
    return f"dates overlap ({a.event_date} {a.date_precision}, {b.event_date} {b.date_precision})"


def _same_occurrence(a: Report, b: Report) -> str | None:
    """Positive evidence that two reports tell of one occurrence; None when nothing but place and date agree, or
    their types differ and are not related ("battle" and "territory" can be one event told two ways)."""
    if a.event_type == b.event_type != "other":
        return f"type {a.event_type}"
    typed = "other" not in (a.event_type, b.event_type)
    if typed and frozenset((a.event_type, b.event_type)) not in RELATED_TYPES:
        return None
    if a.trigger and a.trigger.lower() == b.trigger.lower():
        return f"same word '{a.trigger.lower()}'"
    shared = _stems(a.actors) & _stems(b.actors)
    if shared:
        return f"actors agree ({', '.join(sorted(shared))})"
    words = a.words & b.words
    if len(words) >= SHARED_WORDS:
        return f"shared words ({', '.join(sorted(words)[:5])})"
    return f"types {b.event_type} and {a.event_type} related" if typed else None


def _actors_differ(a: Report, b: Report) -> bool:
    """Both reports name who took part, and no one is in both."""
    return bool(a.actors and b.actors and not _stems(a.actors) & _stems(b.actors))


def _stems(actors: tuple[str, ...]) -> set[str]:
    return {w.lower()[:5] for name in actors for w in re.findall(r"[A-Za-z]{3,}", name)} - {"the"}


def _km(a: Report, b: Report) -> float:
    return distance.km(a.lat, a.lon, b.lat, b.lon)
