"""Who may see the dashboard behind its shared link.

Two ways to close it, checked before anything else on the page is drawn:
- OIDC single sign-on through Streamlit's `st.login`, when the secrets have an `[auth]` section
  (redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url);
- one shared password for small teams, stored only as a salted PBKDF2 hash, from the environment
  (`DATELINE_PASSWORD_HASH`) or the secrets (`password_hash`). Make one with
  `python -m dashboard.access hash-password`.
With neither, the app is open to anyone who can reach it: it says so at start-up and on the page.
The map's static files (Leaflet, the basemap) hold no article data, so they need no gate.
"""
from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass

import streamlit as st

HASH_ENV = "DATELINE_PASSWORD_HASH"
SCHEME = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
FAILED_LOGIN_DELAY_S = 1.0  # slows guessing; one session waits, others are not held up
_AUTHENTICATED = "access_password_ok"
_log = logging.getLogger("dateline.access")


@dataclass(frozen=True)
class Mode:
    """How the app is closed: "oidc", "password" or "open", and the password hash for "password"."""

    kind: str
    password_hash: str = ""


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hash>`, salt and hash in URL-safe base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash; a malformed hash matches nothing."""
    try:
        scheme, iterations, salt, digest = stored.strip().split("$")
        if scheme != SCHEME:
            return False
        actual = hashlib.pbkdf2_hmac("sha256", password.encode(), _unb64(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def mode() -> Mode:
    """OIDC when the secrets configure it, else the shared password when one is set, else open."""
    if _secret("auth") is not None:
        return Mode("oidc")
    stored = os.environ.get(HASH_ENV, "").strip() or str(_secret("password_hash") or "").strip()
    return Mode("password", stored) if stored else Mode("open")


def gate() -> None:
    """Draw a login prompt and stop the script unless the reader is let in."""
    current = mode()
    if current.kind == "open":
        _warn_open_once()
        st.sidebar.caption("Open to anyone who can reach this address: no login is configured "
                           "(see the README's *Access* section).")
        return
    if current.kind == "oidc":
        if not st.user.get("is_logged_in", False):  # a test harness user has no such key
            st.title("Dateline")
            st.info("Sign in with your organisation's account to see the dashboard.", icon="🔒")
            st.button("Log in", on_click=st.login, type="primary")
            st.stop()
        st.sidebar.button("Log out", on_click=st.logout)
        return
    if not st.session_state.get(_AUTHENTICATED):
        _password_prompt(current.password_hash)
        st.stop()


def _password_prompt(stored: str) -> None:
    st.title("Dateline")
    with st.form("login"):
        password = st.text_input("Team password", type="password")
        entered = st.form_submit_button("Enter", type="primary")
    if entered:
        if check_password(password, stored):
            st.session_state[_AUTHENTICATED] = True
            st.rerun()
        time.sleep(FAILED_LOGIN_DELAY_S)
        st.error("Wrong password.", icon="🚫")


@st.cache_resource(show_spinner=False)
def _warn_open_once() -> bool:
    """Once per server process, in its log: the first page load of an open app."""
    _log.warning("Dateline is open to anyone who can reach it: set %s or an [auth] section in the "
                 "secrets to require a login.", HASH_ENV)
    return True


def _secret(key: str):
    """A top-level secret, or None when there is none (or no secrets file at all)."""
    try:
        return st.secrets.get(key)
    except FileNotFoundError:  # Streamlit's "no secrets file" error is one
        return None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main(argv: list[str]) -> int:
    if argv != ["hash-password"]:
        print("usage: python -m dashboard.access hash-password   (reads the password, prints its hash)",
              file=sys.stderr)
        return 2
    password = getpass.getpass("Team password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not password:
        print("dashboard.access: empty password", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
