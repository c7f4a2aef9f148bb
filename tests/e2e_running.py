"""A hall's pages printed from the browser carry the hall, the edition
and the page number on every sheet: <html> sets the running heads that
manual.css's @page margin boxes show. (The browser suite prints one.)"""
import os
import re

import harness
from harness import run
from e2e import Page

STORE = "out/draft/stores/"


def test_every_hall_page_sets_its_running_heads():
    ws = harness.workspace()
    r = run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    assert r.code == 0, r
    for s, name in (("a-flag", "甲市旗舰厅"), ("b-county", "乙县营业厅")):
        d = os.path.join(ws, STORE, s)
        pages = [f for f in os.listdir(d) if f.endswith(".html")]
        assert len(pages) >= 6, pages
        for f in pages:
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                text = fh.read()
            html = Page(text).find("html")[0]
            style = html.get("style", "")
            assert f'--mg-running-hall:"{name} · 测试手册"' in style, (f, style)
            assert re.search(r'--mg-running-edition:"版本：草稿 2026-01-01"',
                             style), (f, style)
    css = open(os.path.join(harness.ROOT, "templates", "css", "manual.css"),
               encoding="utf-8").read()
    page = css[css.index("@page {"):css.index("@media print")]
    assert "var(--mg-running-hall)" in page and \
        "var(--mg-running-edition)" in page and "counter(page)" in page
