"""An open dashboard while `watch` stores articles: in a real browser, the page says new articles arrived and shows
them on a click, without redrawing by itself."""
from __future__ import annotations

import json
import re

from browser_support import MAP_FRAME, local_page, streamlit_app

from dashboard.data import NEWS_CHECK_S
from pipeline.runner import Runner

TOWNS = ["Dhaka", "Sylhet", "Khulna"]


def _article(folder, town: str, day: int):
    path = folder / f"{town}.jsonl"
    path.write_text(json.dumps({"text": f"Floods reached {town} on Monday, officials said, cutting roads across the "
                                        "district.", "source": "Delta Daily", "published": f"2022-09-{day:02d}"}))
    return str(path)


def _counted(page) -> int:
    caption = page.get_by_text(re.compile(r"\d+ events from \d+ reports")).inner_text()
    return int(re.search(r"([\d,]+) events", caption).group(1).replace(",", ""))


def test_new_articles_are_announced_on_an_open_page_and_shown_on_a_click(browser, tmp_path, extractor):
    db = tmp_path / "live.db"
    runner = Runner(db, extractor=extractor)
    assert runner.run([_article(tmp_path, TOWNS[0], 12)]).stored == 1
    with streamlit_app(db) as url:
        page = local_page(browser, url)
        page.frame_locator(MAP_FRAME).locator(".dl-place, .dl-cluster").first.wait_for(timeout=60_000)
        before = _counted(page)
        assert runner.run([_article(tmp_path, town, 13 + i) for i, town in enumerate(TOWNS[1:])]).stored == 2
        notice = page.get_by_text("New articles have been stored since this view was drawn.")
        notice.wait_for(timeout=(NEWS_CHECK_S + 30) * 1000)
        assert _counted(page) == before  # announced, not redrawn under the analyst's hands
        page.get_by_role("button", name="Show them").click()
        page.wait_for_function("() => !document.body.innerText.includes('New articles have been stored')",
                               timeout=60_000)
        page.wait_for_timeout(1000)
        assert _counted(page) > before
        page.context.close()
