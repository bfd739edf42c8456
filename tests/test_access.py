"""Access control: the shared password's hashing, and what the app serves in each mode (AppTest)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# Few iterations keep the tests quick; the app's own hashes use access.ITERATIONS.
TEAM_HASH = access.hash_password("correct horse", iterations=1000)


def start(db, monkeypatch, password_hash: str | None = None, secrets: dict | None = None) -> AppTest:
    monkeypatch.setenv("DATELINE_DB", str(db))
    if password_hash:
        monkeypatch.setenv(access.HASH_ENV, password_hash)
    else:
        monkeypatch.delenv(access.HASH_ENV, raising=False)
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (secrets or {}).items():
        app.secrets[key] = value
    return app.run()


def test_password_hash_round_trip():
    stored = access.hash_password("s3cret pass")
    assert stored.startswith(f"pbkdf2_sha256${access.ITERATIONS}$") and "s3cret" not in stored
    assert access.check_password("s3cret pass", stored)
    assert not access.check_password("s3cret pas", stored)
    assert access.hash_password("same") != access.hash_password("same")  # salted
    for broken in ("", "plain-text-password", "md5$1$a$b", "pbkdf2_sha256$x$a$b"):
        assert not access.check_password("plain-text-password", broken)


def test_password_mode_serves_only_the_prompt(events_db, monkeypatch):
    app = start(events_db, monkeypatch, TEAM_HASH)
    assert not app.exception
    assert [t.label for t in app.text_input] == ["Team password"]
    assert not app.metric and not app.dataframe and not app.sidebar.multiselect
    app.text_input[0].input("wrong guess")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["Wrong password."] and not app.metric
    app.text_input[0].input("correct horse")
    app.button[0].click().run()
    assert not app.exception and app.metric[0].value == "6"  # in: the dashboard itself
    assert not app.text_input(key="filter_text").value


def test_oidc_mode_serves_only_a_login_button(events_db, monkeypatch):
    auth = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
            "client_id": "dateline", "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known"}
    app = start(events_db, monkeypatch, TEAM_HASH, secrets={"auth": auth})  # OIDC wins over the password
    assert not app.exception
    assert [b.label for b in app.button] == ["Log in"]
    assert not app.metric and not app.dataframe and not app.text_input


def test_open_mode_says_so(events_db, monkeypatch):
    app = start(events_db, monkeypatch)
    assert not app.exception and app.metric[0].value == "6"
    assert any("Open to anyone" in c.value for c in app.sidebar.caption)


@pytest.mark.parametrize("argv, code", [(["hash-password"], 0), ([], 2), (["nonsense"], 2)])
def test_hash_password_command(argv, code, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("team pass\n"))
    assert access.main(argv) == code
    if code == 0:
        assert access.check_password("team pass", capsys.readouterr().out.strip())
