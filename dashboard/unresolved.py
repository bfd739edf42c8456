"""Place names the pipeline found but could not place on the map, for the analyst to check.

Unresolved mentions have no event date, so the filters apply through their article: its source, and its
publication date within the date range.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .queries import Filters

# Names listed at most, the most frequent first.
LIMIT = 200


@dataclass(frozen=True)
class UnresolvedRow:
    place_text: str
    mentions: int
    articles: int


def unresolved(conn: sqlite3.Connection, filters: Filters, limit: int = LIMIT) -> list[UnresolvedRow]:
    """Unresolved names in the filtered articles, with how often and in how many articles they occur."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unresolved_places'").fetchone():
        return []
    clauses = ["a.status = 'stored'", "a.published_date >= ?", "a.published_date <= ?"]
    params: list = [filters.start.isoformat(), filters.end.isoformat()]
    if filters.sources is not None:
        clauses.append(f"a.source IN ({', '.join('?' for _ in filters.sources)})" if filters.sources else "0")
        params.extend(filters.sources)
    rows = conn.execute(
        "SELECT u.place_text, COUNT(*) AS n, COUNT(DISTINCT u.article_id) FROM unresolved_places u"
        f" JOIN articles a ON a.article_id = u.article_id WHERE {' AND '.join(clauses)}"
        " GROUP BY u.place_text ORDER BY n DESC, u.place_text LIMIT ?",
        [*params, limit],
    )
    return [UnresolvedRow(*r) for r in rows]
