"""What `pipeline watch` keeps of its fetches, through the storage package, on both engines."""
from __future__ import annotations

from pipeline.storage import FetchRecord, UrlState, open_store
from stores import raw

FEED = "https://wire.example/rss"


def test_every_fetch_is_recorded_and_its_url_remembers_validators_and_done(db_name):
    store = open_store(db_name)
    store.migrate()
    writer = store.writer()
    writer.record_fetch(FetchRecord("Wire", FEED, "ok", 200, 5120), etag='"v1"', last_modified="Fri, 04 Dec 2026")
    writer.record_fetch(FetchRecord("Wire", FEED, "unchanged", 304, 120))  # a 304 has no validators: keep them
    writer.record_fetch(FetchRecord("Wire", FEED, "failed", None, 0, "no answer within 20 s"))
    item = "https://wire.example/story-1"
    writer.record_fetch(FetchRecord("Wire", item, "ok", 200, 30_000, article_id="a1"), done=True)
    writer.record_fetch(FetchRecord("Wire", item, "failed", 503, 0, "HTTP 503"))  # done stays done
    writer.close()
    with store.reading() as reader:
        states = reader.url_states([FEED, item, "https://wire.example/never"])
    assert states == {FEED: UrlState('"v1"', "Fri, 04 Dec 2026", False), item: UrlState(None, None, True)}
    with raw(db_name) as db:
        rows = db.all("SELECT url, status, bytes, outcome, error, article_id FROM fetches ORDER BY at, outcome")
        assert len(rows) == 5 and sum(r[2] for r in rows) == 5120 + 120 + 30_000
        assert ("https://wire.example/story-1", 200, 30_000, "ok", None, "a1") in [tuple(r) for r in rows]
        assert db.one("SELECT value FROM dateline_meta WHERE key = 'revision'")[0] == 1  # fetches are not events
