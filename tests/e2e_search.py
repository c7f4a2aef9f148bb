"""Each hall's site has a search page that carries its own index: every
passage of the hall's handbook with its values, linked to a heading or
section that exists. (The browser suite runs the queries.)"""
import html
import os
import re

import harness
from harness import run, write
from e2e import Page
from e2e_splice import both_ways

STORE = "out/draft/stores/"


def read(ws, rel):
    with open(os.path.join(ws, rel), encoding="utf-8") as f:
        return f.read()


def build(ws):
    r = run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    assert r.code == 0, r
    return r


def index_of(text):
    """The search page's index: [(href, [(tag, data-id, text)])]."""
    data = text[text.index('<template id="search-data">'):
                text.index("</template>")]
    out = []
    for m in re.finditer(r'<div data-href="([^"]*)">(.*?)</div>', data, re.S):
        parts = [(t, i, html.unescape(re.sub(r"<[^>]+>", "", x)))
                 for t, i, x in re.findall(
                     r'<(h2|h3|h4|p)(?: data-id="([^"]*)")?>(.*?)</\1>',
                     m.group(2), re.S)]
        out.append((html.unescape(m.group(1)), parts))
    return out


def test_every_site_page_has_a_search_box_and_each_hall_a_search_page():
    ws = harness.workspace()
    build(ws)
    for s in ("a-flag", "a-std", "b-county"):
        d = os.path.join(ws, STORE, s)
        assert os.path.exists(os.path.join(d, "search.js")), s
        with open(os.path.join(harness.ROOT, "templates", "js",
                               "search.js"), encoding="utf-8") as f:
            assert read(ws, STORE + s + "/search.js") == f.read(), s
        for f in sorted(os.listdir(d)):
            if not f.endswith(".html") or f == "handbook.html":
                continue
            p = Page(read(ws, STORE + s + "/" + f))
            forms = p.find("form", role="search")
            assert len(forms) == 1 and forms[0]["action"] == "search.html", \
                (s, f, forms)
            assert p.find("input", type="search", name="q"), (s, f)
        hb = Page(read(ws, STORE + s + "/handbook.html"))
        assert not hb.find("form", role="search"), s
        sp = Page(read(ws, STORE + s + "/search.html"))
        assert sp.find("script", src="search.js"), s
        status = sp.find("p", id="search-status")[0]
        assert "{1}" in status["data-count"] and "{1}" in status["data-none"]


def test_search_index_holds_every_passage_with_the_halls_values():
    ws = harness.workspace()
    build(ws)
    for s in ("a-flag", "b-county"):
        text = read(ws, STORE + s + "/search.html")
        idx = index_of(text)
        hrefs = [h for h, _ in idx]
        handbook = Page(read(ws, STORE + s + "/handbook.html"))
        # the sections of this hall, in the handbook's order
        sections = [a["id"] for t, a in handbook.elements
                    if t == "section" and "section" in a.get("class", "")
                    .split()]
        assert [h.split("#")[1] for h in hrefs] == sections, (s, hrefs)
        for href, parts in idx:
            page, anchor = href.split("#")
            target = Page(read(ws, STORE + s + "/" + page))
            assert anchor in target.ids, (s, href)
            for tag, hid, _ in parts:
                if tag == "h4":
                    assert hid in target.ids, (s, page, hid)
        text_of = " ".join(x for _, parts in idx for _, _, x in parts)
        assert "大堂经理共" in text_of or s == "b-county", s
        assert "投诉电话：025-8660-1000" in text_of, s
        assert "@count" not in text_of and "{{ posts" not in text_of, s
        # a section the hall does not have is not in its index
        assert ("县级厅由店长兼任巡视" in text_of) == (s == "b-county"), s
        # duty items lead with their number and title; a table row's
        # cells are apart
        if s == "a-flag":
            assert re.search(r"LM-01 \S+ 维持大堂秩序", text_of), text_of


def test_search_index_values_are_escaped_and_spliced_as_the_reference():
    ws = harness.workspace()
    src = os.path.join(ws, "content", "stores", "a-std.xml")
    text = open(src, encoding="utf-8").read()
    with open(src, "w", encoding="utf-8") as f:
        f.write(text.replace("<manager>李二</manager>",
                             "<manager>李&lt;b&gt;二 &amp; 张</manager>"))
    write(ws, "sections/manager.md", read(ws, "content/sections/manager.md")
          + "\n店长：{{ manager }}。\n")
    both_ways(ws)
    page = read(ws, "out-splice/draft/stores/a-std/search.html")
    assert "店长：李&lt;b&gt;二 &amp; 张。" in page, page[-3000:]
    assert "<b>" not in page.split('<template id="search-data">')[1]
