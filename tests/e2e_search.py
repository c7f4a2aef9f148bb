"""Search: every page's search box sends its query to the hall's
single-page handbook, which holds every passage of it; its script
(templates/js/search.js, inline) lists the ones that match, linked to their headings on the
chapters' pages. Here: the form, the region, the script, and that every
place a result can link to exists. (tests/browser runs the queries.)"""
import os
import re

import harness
from harness import run
from e2e import Page

STORE = "out/draft/stores/"


def read(ws, rel):
    with open(os.path.join(ws, rel), encoding="utf-8") as f:
        return f.read()


def build(ws):
    r = run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    assert r.code == 0, r
    return r


def test_every_page_has_a_search_box_and_the_handbook_searches():
    ws = harness.workspace()
    build(ws)
    with open(os.path.join(harness.ROOT, "templates", "js", "search.js"),
              encoding="utf-8") as f:
        js = f.read()
    for s in ("a-flag", "a-std", "b-county"):
        d = os.path.join(ws, STORE, s)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".html"):
                continue
            p = Page(read(ws, STORE + s + "/" + f))
            forms = p.find("form", role="search")
            assert len(forms) == 1 and forms[0]["action"] == "handbook.html", \
                (s, f, forms)
            field = p.find("input", type="search", name="q")
            assert field and p.find("label", **{"for": field[0]["id"]}), (s, f)
        text = read(ws, STORE + s + "/handbook.html")
        hb = Page(text)
        region = hb.find("section", id="search")
        assert region and "hidden" in region[0], s
        status = hb.find("p", id="search-status")[0]
        assert "{1}" in status["data-count"] and "{1}" in status["data-none"]
        assert hb.find("ol", id="search-list"), s
        # the region comes first in main, the script last
        main = text[text.index('<main id="main">'):text.index("</main>")]
        assert main.startswith('<main id="main"><section id="search"'), \
            main[:200]
        assert main.endswith(f"<script>{js}</script>"), main[-200:]


def test_every_place_a_result_links_to_exists():
    """search.js links a passage of article#chapter.X to X.html#<the id
    of its section or heading>, and the duties and forms parts to
    duty-matrix.html and forms.html: those ids are on those pages."""
    ws = harness.workspace()
    build(ws)
    for s in ("a-flag", "b-county"):
        text = read(ws, STORE + s + "/handbook.html")
        checked = 0
        for m in re.finditer(r'<article class="chapter( [a-z-]+)?"'
                             r'(?: id="chapter\.([^"]+)")?>(.*?)</article>',
                             text, re.S):
            part, cid, body = m.group(1), m.group(2), m.group(3)
            page = (cid + ".html" if cid else
                    {" duties-part": "duty-matrix.html",
                     " forms-part": "forms.html"}.get(part))
            assert page, m.group(0)[:200]
            target = Page(read(ws, STORE + s + "/" + page))
            for tag, a in Page(body).elements:
                if tag in ("section", "h2", "h3", "h4", "h5") and "id" in a:
                    assert a["id"] in target.ids, (s, page, a["id"])
                    checked += 1
        assert checked >= 5, (s, checked)
