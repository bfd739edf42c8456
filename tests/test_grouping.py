"""Grouping reports of one event (pipeline/grouping.py, storage/writer.py): hand-made article sets through the
real pipeline into a real database of each engine, for merge and do-not-merge cases, re-runs and replaced
articles."""
import json
import sqlite3
from contextlib import closing

import pytest
from stores import raw, rows, value

from pipeline.runner import Runner
from pipeline.storage import SchemaError, UrlState, open_store
from pipeline.storage.schema import SCHEMA_VERSION

PUBLISHED = "2022-09-10"  # a Saturday: "Friday" is 2022-09-09
SAME_STRIKE = [
    ("Harbour Post", "https://harbour.example/1", "Russian missiles struck Kharkiv on Friday, officials said."),
    ("Northern Ledger", "https://ledger.example/1", "Missiles hit Kharkiv on Friday, damaging a power plant."),
    ("Meridian Wire", "https://meridian.example/1", "A Russian missile strike hit Kharkiv on Friday."),
]
APART = [
    # The same city and day, but the text says it is another strike.
    ("Meridian Wire", "https://meridian.example/2", "A second missile strike hit Kharkiv on Friday evening."),
    # The same day and type in a town 30 km from another.
    ("Harbour Post", "https://harbour.example/2", "Shelling hit Izyum in eastern Ukraine on Friday."),
    ("Northern Ledger", "https://ledger.example/2", "Shelling hit Balakliya in eastern Ukraine on Friday."),
    # The same place, another day; the same place and day, another type.
    ("Harbour Post", "https://harbour.example/3", "Missiles struck Kharkiv on Thursday."),
    ("Northern Ledger", "https://ledger.example/3", "Thousands of people protested in Kharkiv on Friday."),
]


def write_articles(folder, articles) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / "articles.jsonl").open("w") as f:
        for source, url, text in articles:
            f.write(json.dumps({"text": text, "source": source, "url": url, "published": PUBLISHED}) + "\n")


def run(extractor, db, folder):
    return Runner(db, extractor=extractor).run([str(folder)])


def groups(db) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(place, first sentence) -> [(source, reason)] for every map event's group."""
    found = rows(db, "SELECT e.group_id, e.source, e.group_reason, e.place_text, e.sentence, e.event_id FROM events e"
                     " WHERE e.role IN ('event', 'origin', 'destination')")
    by_group: dict[str, list] = {}
    for group_id, source, reason, place, sentence, event_id in sorted(found, key=lambda r: (r[0], r[5])):
        by_group.setdefault(group_id, []).append((source, reason, place, sentence, event_id))
    out = {}
    for group_id, members in by_group.items():
        [first] = [m for m in members if m[4] == group_id]
        out[(first[2], first[3])] = sorted((m[0], m[1]) for m in members)
    return out


@pytest.fixture
def db(tmp_path, extractor, db_name):
    write_articles(tmp_path / "wire", SAME_STRIKE + APART)
    run(extractor, db_name, tmp_path / "wire")
    return db_name


def test_grouping_merges_one_strike_told_by_three_sources(db):
    [strike] = [members for (place, _), members in groups(db).items()
                if place == "Kharkiv" and len(members) > 1]
    assert [source for source, _ in strike] == ["Harbour Post", "Meridian Wire", "Northern Ledger"]
    reasons = [reason for _, reason in strike]
    assert reasons.count("first report") == 1
    assert all("same place (Kharkiv)" in r and "same day 2022-09-09" in r for r in reasons if r != "first report")


def test_grouping_keeps_apart_what_differs(db):
    found = groups(db)
    assert len(found) == 6  # the strike, the second strike, Izyum, Balakliya, Thursday's strike, the protest
    assert all(len(members) == 1 for (_, sentence), members in found.items() if "Kharkiv" not in sentence
               or "second" in sentence or "Thursday" in sentence or "protested" in sentence)
    assert {place for place, _ in found} == {"Kharkiv", "Izyum", "Balakliya"}


def test_grouping_two_strikes_in_one_article_stay_two(tmp_path, extractor, db_name):
    text = "Missiles struck Kharkiv on Friday morning. Another strike hit Kharkiv on Friday evening."
    write_articles(tmp_path / "one", [("Harbour Post", "https://harbour.example/9", text)])
    run(extractor, db_name, tmp_path / "one")
    assert len(groups(db_name)) == 2


def test_grouping_rerun_is_idempotent_and_equals_a_full_regroup(db, tmp_path, extractor):
    before = groups(db)
    summary = run(extractor, db, tmp_path / "wire")
    assert summary.stored == 0 and summary.duplicates == len(SAME_STRIKE + APART)
    assert groups(db) == before
    writer = open_store(db).writer()
    with writer.db.transaction():
        writer.regroup_all()
    writer.close()
    assert groups(db) == before


def test_rows_a_killed_run_left_pending_are_grouped_by_the_next_run(db, tmp_path, extractor):
    """A run groups its articles a batch at a time; rows stored but not yet grouped when it was killed are pending
    (no group), and the next run over the same inputs, which stores nothing new, groups them as they would have been."""
    before = groups(db)
    with raw(db) as conn, conn.transaction():
        conn.execute("UPDATE events SET group_id = NULL, group_reason = NULL")
    assert value(db, "SELECT COUNT(*) FROM events WHERE group_id IS NOT NULL") == 0
    summary = run(extractor, db, tmp_path / "wire")
    assert summary.stored == 0 and summary.duplicates == len(SAME_STRIKE + APART)
    assert groups(db) == before
    assert value(db, "SELECT COUNT(*) FROM events WHERE group_id IS NULL") == 0


def test_a_run_groups_its_articles_a_batch_at_a_time_as_one_at_a_time(tmp_path, extractor, db_name, monkeypatch):
    """Grouping every stored article at once (the runner's batches) gives the groups of grouping each as it is
    stored (save_article's own transaction), reasons included."""
    import pipeline.runner

    write_articles(tmp_path / "wire", SAME_STRIKE + APART)
    monkeypatch.setattr(pipeline.runner, "GROUPING_BATCH", 1)
    run(extractor, db_name, tmp_path / "wire")
    one_at_a_time = rows(db_name, "SELECT event_id, group_id, group_reason FROM events ORDER BY event_id")
    with raw(db_name) as conn, conn.transaction():
        conn.execute("DELETE FROM events")
        conn.execute("DELETE FROM articles")
    monkeypatch.setattr(pipeline.runner, "GROUPING_BATCH", 100)
    assert run(extractor, db_name, tmp_path / "wire").stored == len(SAME_STRIKE + APART)
    assert rows(db_name, "SELECT event_id, group_id, group_reason FROM events ORDER BY event_id") == one_at_a_time
    assert len({group for _, group, _ in one_at_a_time}) < len(one_at_a_time)  # some reports did group


def test_grouping_replacing_an_article_leaves_no_stale_group(db, tmp_path, extractor):
    [strike] = [members for (place, _), members in groups(db).items() if place == "Kharkiv" and len(members) > 1]
    [first_source] = [source for source, reason in strike if reason == "first report"]  # its event id names the group
    [(_, url, _)] = [a for a in SAME_STRIKE if a[0] == first_source]
    write_articles(tmp_path / "update", [(first_source, url, "Missiles hit Odesa on Friday, officials said.")])
    run(extractor, db, tmp_path / "update")
    found = groups(db)
    [strike] = [members for (place, _), members in found.items() if place == "Kharkiv" and len(members) > 1]
    assert sorted(source for source, _ in strike) == sorted(a[0] for a in SAME_STRIKE if a[0] != first_source)
    assert [reason for _, reason in strike].count("first report") == 1
    assert [members for (place, _), members in found.items() if place == "Odesa"] == [[(first_source, "first report")]]
    assert value(db, "SELECT COUNT(*) FROM events WHERE group_id IS NULL OR group_id NOT IN"
                     " (SELECT event_id FROM events)") == 0


def test_grouping_rows_that_are_no_events_are_their_own_group(db):
    found = rows(db, "SELECT role, group_id, event_id, group_reason FROM events"
                     " WHERE role NOT IN ('event', 'origin', 'destination')")
    assert found and all(g == e and reason == f"not grouped: role {role}" for role, g, e, reason in found)


def test_migrate_brings_a_database_of_the_first_version_up_to_date(tmp_path):
    """A database written before roles and groups existed gets the columns, and its events get groups."""
    from pipeline.storage.schema import _ADDED
    from pipeline.storage.writer import EVENT_COLUMNS

    path = tmp_path / "old.db"
    old_columns = [c for c in EVENT_COLUMNS if c not in _ADDED["events"]]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE articles (article_id TEXT PRIMARY KEY, origin TEXT NOT NULL, status TEXT NOT NULL,"
                     " reason TEXT, source TEXT, url TEXT, title TEXT, published_date TEXT, published_inferred INTEGER,"
                     " text_hash TEXT, flags TEXT, n_events INTEGER NOT NULL DEFAULT 0, text TEXT, ingested_at TEXT)")
        conn.execute("CREATE TABLE input_log (run_id TEXT, origin TEXT, status TEXT, reason TEXT, article_id TEXT,"
                     " at TEXT)")
        conn.execute(f"CREATE TABLE events ({', '.join(old_columns)})")
        conn.execute("INSERT INTO articles (article_id, origin, status, ingested_at) VALUES ('a', 'a.txt', 'stored', 'x')")
        values = {c: None for c in old_columns} | {
            "event_id": "e1", "article_id": "a", "event_date": "2022-09-09", "date_precision": "day",
            "date_basis": "relative", "place_id": "geonames:1", "place_name": "Kharkiv", "geo_precision": "settlement",
            "country_code": "UA", "lat": 49.98, "lon": 36.25, "event_type": "strike", "sentence": "s", "start_char": 0}
        conn.execute(f"INSERT INTO events ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                     list(values.values()))
    assert open_store(path).migrate() == f"migrated schema version 0 to {SCHEMA_VERSION} and grouped its events"
    with raw(str(path)) as db:
        cursor = db.execute("SELECT * FROM events")
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    assert set(_ADDED["events"]) <= set(row)
    assert (row["role"], row["trigger"], row["actors"], row["group_id"], row["group_reason"]) == (
        "event", "", "[]", "e1", "first report")


def test_migrate_from_version_2_swaps_the_place_and_region_indexes_and_the_app_asks_for_it_first(db_name):
    store = open_store(db_name)
    store.migrate()
    with raw(db_name) as db:  # as version 2 left them
        db.execute("DROP INDEX events_place_date")
        db.execute("DROP INDEX events_region_date")
        db.execute("CREATE INDEX events_place ON events(place_id)")
        db.execute("CREATE INDEX events_region ON events(admin1)")
        db.execute("UPDATE dateline_meta SET value = 2 WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="schema version 2, older than this Dateline's 5: run `python -m pipeline"):
        store.writer()
    assert store.migrate() == "migrated schema version 2 to 5"
    with raw(db_name) as db:
        assert _has_index(db, "events_place_date") and _has_index(db, "events_region_date")
        assert not _has_index(db, "events_place") and not _has_index(db, "events_region")
    store.writer().close()


def _has_index(db, name: str) -> bool:
    if db.kind == "postgresql":
        return db.one("SELECT 1 FROM pg_indexes WHERE indexname = ?", (name,)) is not None
    return db.one("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)) is not None


def _report(n: int, sentence: str, event_type: str, trigger: str = "", actors: tuple[str, ...] = (),
            source: str = "s"):
    from pipeline import grouping

    return grouping.Report(
        event_id=f"e{n}", article_id=f"a{n}", source=f"{source}{n}", published_date="2016-12-19",
        event_date="2016-12-18", date_precision="day", date_basis="relative", role="event", place_id="geonames:1",
        place_name="South Pacific", geo_precision="other", admin1=None, country_code="", lat=-20.0, lon=-150.0,
        event_type=event_type, actors=actors, sentence=sentence, start_char=0, trigger=trigger)


def test_grouping_place_and_date_alone_join_nothing():
    from pipeline.grouping import group

    unrelated = [
        _report(1, "The musical set in the South Pacific won three awards at the ceremony.", "other"),
        _report(2, "Researchers tagged whales migrating through the South Pacific.", "other"),
        _report(3, "A yacht race through the South Pacific drew crews from nine countries.", "other"),
    ]
    assert {g for g, _ in group(unrelated).values()} == {"e1", "e2", "e3"}


def test_grouping_joins_on_a_shared_word_actor_or_wording_when_a_type_is_missing():
    from pipeline.grouping import group

    same_word = [_report(1, "Divers searched the wreck in the South Pacific.", "other", trigger="searched"),
                 _report(2, "Navy teams searched the South Pacific for survivors.", "other", trigger="searched")]
    assert group(same_word)["e2"][0] == "e1" and "same word 'searched'" in group(same_word)["e2"][1]
    shared_actor = [_report(1, "Greenpeace boarded a trawler in the South Pacific.", "other", actors=("Greenpeace",)),
                    _report(2, "Activists of Greenpeace held the ship.", "crime", actors=("Greenpeace",))]
    assert group(shared_actor)["e2"][0] == "e1"
    shared_words = [_report(1, "The cargo ship Rena spilled heavy fuel oil near the reef.", "accident"),
                    _report(2, "Heavy fuel oil from the cargo ship washed ashore.", "other")]
    assert "shared words (cargo, fuel, heavy" in group(shared_words)["e2"][1]


def test_grouping_different_specific_types_stay_apart():
    from pipeline.grouping import group

    apart = [_report(1, "A storm flooded islands in the South Pacific.", "disaster"),
             _report(2, "Voters in the South Pacific islands chose a new parliament.", "election")]
    assert {g for g, _ in group(apart).values()} == {"e1", "e2"}


def test_migrate_from_version_3_adds_the_fetch_tables(db_name):
    store = open_store(db_name)
    store.migrate()
    with raw(db_name) as db:  # as version 3 left it
        db.execute("DROP TABLE fetches")
        db.execute("DROP TABLE fetched_urls")
        db.execute("UPDATE dateline_meta SET value = 3 WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="schema version 3, older"):
        store.writer()
    assert store.migrate() == "migrated schema version 3 to 5"
    with raw(db_name) as db:
        assert db.table_exists("fetches") and db.table_exists("fetched_urls")


def test_migrate_from_version_4_adds_the_listing_fingerprint_and_keeps_what_was_fetched(db_name):
    store = open_store(db_name)
    store.migrate()
    with raw(db_name) as db:  # as version 4 left it: fetched_urls without `listed`, one URL done with
        db.execute("DROP TABLE fetched_urls")
        db.execute("CREATE TABLE fetched_urls (url TEXT PRIMARY KEY, source TEXT NOT NULL, etag TEXT,"
                   " last_modified TEXT, done INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL)")
        db.execute("INSERT INTO fetched_urls VALUES ('https://wire.example/a', 'Wire', '\"e1\"', NULL, 1, '2026-12-01')")
        db.execute("UPDATE dateline_meta SET value = 4 WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="schema version 4, older"):
        store.writer()
    assert store.migrate() == "migrated schema version 4 to 5"
    with store.reading() as reader:
        assert reader.url_states(["https://wire.example/a"]) == {
            "https://wire.example/a": UrlState('"e1"', None, True, None, "Wire")}
