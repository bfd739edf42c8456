"""One outlet, one source, under a name a reader knows: "northern-ledger" (a folder), "Northern Ledger" (the page's
own name) and, once the settings map it, "northernledger.example" (a URL's host) are the same source.

Names are compared by a key that ignores case, spacing and punctuation; a folder's or file's slug is written out
in words ("meridian-wire" -> "Meridian Wire"); the settings file (config.SOURCE_NAMES, TOML: `"host or folder" =
"Name"`) names what no rule can ("apnews.com" = "Associated Press"). A bad settings file gets one line and is
ignored: sources keep the names they came with.
"""
from __future__ import annotations

import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

from . import config

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)+$")


def key(name: str) -> str:
    """What two spellings of one outlet share: "Northern Ledger", "northern-ledger" -> "northernledger"."""
    name = name.lower()
    name = name[4:] if name.startswith("www.") else name
    return re.sub(r"[^0-9a-z\u00c0-\uffff]", "", name)


def readable(name: str, path: Path | None = None) -> str:
    """The source's name as readers know it: the settings' name for it, else a slug in words, else as given."""
    named = _settings(path or config.SOURCE_NAMES).get(key(name))
    if named:
        return named
    if _SLUG.match(name):
        return " ".join(w.capitalize() for w in re.split(r"[-_]", name))
    return name


@lru_cache(maxsize=4)
def _settings(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"warning: {path}: source names not read ({exc}); sources keep the names they came with",
              file=sys.stderr)
        return {}
    return {key(k): str(v).strip() for k, v in table.items() if isinstance(v, str) and v.strip()}
