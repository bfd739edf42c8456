"""What `pipeline watch` keeps of its fetches, through the storage package, on both engines."""
from __future__ import annotations

from pipeline import config
from pipeline.storage import FetchRecord, UrlState, open_store
from stores import raw

FEED = "https://wire.example/rss"


def test_every_fetch_is_recorded_and_its_url_remembers_validators_and_done(db_name):
    store = open_store(db_name)
    store.migrate()
    writer = store.writer()
    writer.record_fetch(FetchRecord("Wire", FEED, "ok", 200, 5120), etag='"v1"', last_modified="Fri, 04 Dec 2026")
    writer.record_fetch(FetchRecord("Wire", FEED, "unchanged", 304, 120))  # a 304 has no validators: keep them
    writer.record_fetch(FetchRecord("Wire", FEED, "failed", None, 0, "no answer within 20 s"), failed=True)
    item = "https://wire.example/story-1"
    writer.record_fetch(FetchRecord("Wire", item, "ok", 200, 30_000, article_id="a1"), done=True, listed="f1")
    writer.record_fetch(FetchRecord("Wire", item, "failed", 503, 0, "HTTP 503"), failed=True)  # done stays done
    writer.close()
    with store.reading() as reader:
        states = reader.url_states([FEED, item, "https://wire.example/never"])
    assert states == {FEED: UrlState('"v1"', "Fri, 04 Dec 2026", False, None, "Wire", 1),
                      item: UrlState(None, None, True, "f1", "Wire", 1)}
    writer = store.writer()
    writer.record_fetch(FetchRecord("Wire", FEED, "ok", 200, 10), etag="", last_modified="")  # forgotten
    writer.close()
    with store.reading() as reader:
        assert reader.url_states([FEED])[FEED] == UrlState(None, None, False, None, "Wire", 1)
    with raw(db_name) as db:
        rows = db.all("SELECT url, status, bytes, outcome, error, article_id FROM fetches ORDER BY at, outcome")
        assert len(rows) == 6 and sum(r[2] for r in rows) == 5120 + 120 + 30_000 + 10
        assert ("https://wire.example/story-1", 200, 30_000, "ok", None, "a1") in [tuple(r) for r in rows]
        assert db.one("SELECT value FROM dateline_meta WHERE key = 'revision'")[0] == 1  # fetches are not events


def test_the_sources_panel_marks_a_failing_source_and_a_quiet_one(fresh_events_db, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from streamlit.testing.v1 import AppTest

    from pipeline.storage import fetch_log

    writer = open_store(fresh_events_db).writer()
    for _ in range(3):
        writer.record_fetch(FetchRecord("Broken Wire", "https://broken.example/rss", "failed", 503, 0, "HTTP 503"))
    writer.record_fetch(FetchRecord("Harbour Post", "https://harbour.example/rss", "ok", 200, 900))
    writer.close()
    now = datetime.now(timezone.utc)
    with open_store(fresh_events_db).reading() as reader:
        found = {h.source: h for h in fetch_log.health(reader, now)}
        assert fetch_log.last_update(reader) is not None
    assert found["Broken Wire"].failing and found["Broken Wire"].error == "HTTP 503"
    assert not found["Harbour Post"].failing and found["Harbour Post"].last_success is not None
    every_hour = [(now - timedelta(days=2, hours=i)).isoformat(timespec="seconds") for i in range(5)]
    assert fetch_log._quiet(every_hour, now)  # two days without, after one an hour
    assert not fetch_log._quiet(every_hour, now - timedelta(days=2) + timedelta(hours=1))

    monkeypatch.setenv("DATELINE_DB", str(fresh_events_db))
    app = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60).run()
    assert any("Last article stored" in c.value for c in app.sidebar.caption)
    app.session_state["panel"] = "Sources"
    app.run()
    table = app.dataframe[0].value
    assert list(table["Source"]) == ["Broken Wire", "Harbour Post"]
    assert list(table["State"]) == ["⚠️ failing", "✓"] and table["Error"][0] == "HTTP 503"
