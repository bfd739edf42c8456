"""Access control in a real browser: each mode served by `streamlit run`, seen through chromium.

Password mode: the page holds a password prompt and no article data until the password is given.
OIDC mode: the page holds a "Log in" button only; pressing it sends the browser to the identity
provider named in the secrets (a small discovery server run by the test on 127.0.0.1).
Open mode: the page says it is open, and the server's log warned at the first page load.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import MAP_FRAME, MARKERS, free_port, local_page, streamlit_app

from dashboard import access

FIXTURE_TEXT = ("Kharkiv", "Dadu", "Harbour Post")  # things only the dashboard itself shows


def _page_text(page) -> str:
    return page.locator("body").inner_text()


def test_password_mode_shows_nothing_but_the_prompt_until_the_password(browser, events_db):
    stored = access.hash_password("correct horse", iterations=1000)
    with streamlit_app(events_db, env={access.HASH_ENV: stored}) as url:
        page = local_page(browser, url)
        try:
            field = page.locator("input[type='password']")
            field.wait_for(timeout=60_000)
            assert page.locator(MAP_FRAME).count() == 0 and page.locator("[data-testid='stMetric']").count() == 0
            assert not any(word in _page_text(page) for word in FIXTURE_TEXT)
            field.fill("wrong")
            page.get_by_role("button", name="Enter").click()
            page.get_by_text("Wrong password.").wait_for(timeout=30_000)
            assert page.locator(MAP_FRAME).count() == 0
            page.locator("input[type='password']").fill("correct horse")
            page.get_by_role("button", name="Enter").click()
            page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
            assert "Harbour Post" in _page_text(page)
        finally:
            page.context.close()


class _Provider(BaseHTTPRequestHandler):
    """An OIDC discovery document pointing at this server; /authorize records the redirect it got."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        base = f"http://127.0.0.1:{self.server.server_port}"
        if self.path.startswith("/.well-known/openid-configuration"):
            body = json.dumps({"issuer": base, "authorization_endpoint": f"{base}/authorize",
                               "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
                               "response_types_supported": ["code"], "subject_types_supported": ["public"],
                               "id_token_signing_alg_values_supported": ["RS256"]}).encode()
        else:
            _Provider.seen.append(self.path)
            body = b"<html><body>Identity provider sign-in page</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if body.startswith(b"{") else "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Provider.seen = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_oidc_mode_shows_only_a_login_button_that_goes_to_the_provider(browser, events_db, provider, tmp_path):
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"k" * 32}"\n'
        'client_id = "dateline-test"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    with streamlit_app(events_db, args=("--secrets.files", str(secrets)), port=port) as url:
        page = local_page(browser, url)
        try:
            login = page.get_by_role("button", name="Log in")
            login.wait_for(timeout=60_000)
            assert page.locator(MAP_FRAME).count() == 0
            assert not any(word in _page_text(page) for word in FIXTURE_TEXT)
            login.click()
            page.get_by_text("Identity provider sign-in page").wait_for(timeout=30_000)
            [request] = [p for p in _Provider.seen if p.startswith("/authorize")]
            query = parse_qs(urlsplit(request).query)
            assert query["client_id"] == ["dateline-test"]
            assert query["redirect_uri"] == [f"http://127.0.0.1:{port}/oauth2callback"]
        finally:
            page.context.close()


def test_open_mode_says_it_is_open(browser, events_db):
    with streamlit_app(events_db) as url:
        page = local_page(browser, url)
        try:
            page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
            assert "Open to anyone who can reach this address" in _page_text(page)
        finally:
            page.context.close()
