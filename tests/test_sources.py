"""The sources file that `pipeline watch` polls (pipeline/sources.py)."""
from __future__ import annotations

from pipeline import config
from pipeline.sources import DEFAULT_CONTACT, MIN_EVERY_S, Settings, Source, duration, load


def test_durations():
    assert [duration(t) for t in ("90s", "15m", "1h", "1h30m", "1d", " 2 h ")] == [90, 900, 3600, 5400, 86400, 7200]
    assert [duration(t) for t in ("", "15", "m", "15x", "1h-5m", 15, None, "15m!")] == [None] * 8


def test_the_four_keys_alone_make_a_source_and_settings_have_defaults(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[sources]]\nname = "Wire"\nkind = "feed"\nurl = "https://wire.example/rss"\nevery = "15m"\n')
    settings, sources, problems = load(path)
    assert problems == []
    assert sources == [Source("Wire", "feed", ("https://wire.example/rss",), 900)]
    assert settings == Settings() and DEFAULT_CONTACT in settings.user_agent and "Dateline" in settings.user_agent


def test_each_bad_source_gets_one_line_and_the_rest_are_kept(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("""
[settings]
contact = "desk@example.org"
per_host = "10s"

[[sources]]
name = "Good feed"
kind = "feed"
url = "https://good.example/atom.xml"
every = "1h"
region = "UA"

[[sources]]
name = "Local paper"
kind = "feed"
url = "https://paper.example/rss"
every = "1h"
region = "us.va"

[[sources]]
name = "Bad region"
kind = "feed"
url = "https://paper.example/rss2"
every = "1h"
region = "Ukraine"

[[sources]]
name = "No kind"
url = "https://x.example/"
every = "1h"

[[sources]]
name = "Local file"
kind = "feed"
url = "file:///etc/passwd"
every = "1h"

[[sources]]
name = "Pages"
kind = "pages"
urls = ["https://a.example/1", "http://b.example/2"]
every = "30s"
full_pages = false

[[sources]]
name = "Good feed"
kind = "sitemap"
url = "https://other.example/news-sitemap.xml"
every = "1h"

[[sources]]
kind = "feed"
url = "https://nameless.example/"
every = "1h"

[[sources]]
name = "Bad every"
kind = "sitemap"
url = "https://s.example/sitemap.xml"
every = "often"
""")
    settings, sources, problems = load(path)
    assert settings.contact == "desk@example.org" and settings.per_host_s == 10.0
    assert "desk@example.org" in settings.user_agent
    assert [s.name for s in sources] == ["Good feed", "Local paper", "Pages"]
    assert sources[0].region == ("UA", "") and sources[0].full_pages and sources[1].region == ("US", "VA")
    sources = [s for s in sources if s.name != "Local paper"]
    assert sources[1].urls == ("https://a.example/1", "http://b.example/2") and not sources[1].full_pages
    assert sources[1].every_s == MIN_EVERY_S  # asked for 30 s: polled every minute, and said so
    assert len(problems) == 7
    for fragment in ("'Bad region'", "'No kind'", "'Local file'", "'Pages'", "name is taken", "needs a `name`", "'Bad every'"):
        assert sum(fragment in line for line in problems) == 1, (fragment, problems)
    assert all(line.startswith(f"{path}: ") for line in problems)


def test_a_file_that_cannot_be_read_is_one_line(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]\nname = ")
    _, sources, problems = load(path)
    assert sources == [] and len(problems) == 1 and problems[0].startswith(f"{path}: not read (")
    _, sources, problems = load(tmp_path / "missing.toml")
    assert sources == [] and len(problems) == 1 and "missing.toml: not read" in problems[0]
    path.write_text('sources = "not tables"\n')
    assert load(path)[2] == [f"{path}: `sources` must be [[sources]] tables"]


def test_the_bundled_example_is_valid():
    settings, sources, problems = load(config.SOURCES)
    assert problems == [] and sources and {s.kind for s in sources} == {"feed", "sitemap", "pages"}
