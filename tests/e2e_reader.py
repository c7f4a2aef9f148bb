"""What a reader does with a hall's pages, in Debian's headless Chromium
(tests/browser/features.mjs, one browser run for all): search the
handbook with a Chinese query, an English one, a query written in
full-width letters and one that is not in the text as written; follow a
result to its heading; tap a phone number; filter the list of halls;
print a page and find the hall, the edition and the page number on every
sheet. Without chromium or tests/node_modules these fail: `scripts/deps
test` installs both."""
import json
import os
import re
import subprocess
import tempfile

import harness
from harness import run, write

ROOT = harness.ROOT
CHROMIUM = os.environ.get("MANUALGEN_CHROMIUM", "/usr/bin/chromium")
NODE_MODULES = os.path.join(ROOT, "tests", "node_modules")

ENGLISH = """---
id: greeting
title: Greeting customers
---
### At the door

Greet every customer within ten seconds of their entering the hall, and
ask what they came for before they take a ticket.

Complaints hotline: {{ contacts/contact[@key='complaints-hotline']/@phone }}.
"""

_run = {}


def build(ws):
    r = run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    assert r.code == 0, r


def english_workspace():
    ws = harness.workspace()
    write(ws, "sections/greeting.md", ENGLISH)
    p = os.path.join(ws, "content", "manual.xml")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    text = text.replace('lang="zh-CN"', 'lang="en"').replace(
        '<section href="sections/rounds.md"/>',
        '<section href="sections/rounds.md"/>\n'
        '    <section href="sections/greeting.md"/>')
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    build(ws)
    return ws


def results():
    """Every task's result, from one browser run (per program tested)."""
    if harness.BINARY in _run:
        return _run[harness.BINARY]
    assert os.access(CHROMIUM, os.X_OK), \
        f"no browser at {CHROMIUM}: run scripts/deps test"
    assert os.path.isdir(os.path.join(NODE_MODULES, "playwright-core")), \
        "tests/node_modules has no playwright-core: run scripts/deps test"
    zh = harness.workspace()
    build(zh)
    en = english_workspace()
    flag = os.path.join(zh, "out/draft/stores/a-flag")
    tmp = tempfile.mkdtemp(prefix="mgtest-reader-")
    tasks = [
        # Chinese: a passage, its match marked, its heading's page
        {"name": "search_zh", "kind": "search",
         "page": flag + "/handbook.html", "query": "叫号机",
         "want": "开门前调试叫号机", "mark": "叫号机"},
        # a hall's value is found as the pages print it
        {"name": "search_value", "kind": "search",
         "page": flag + "/handbook.html", "query": "8660",
         "want": "投诉电话", "mark": "8660"},
        # full-width letters and digits find half-width ones
        {"name": "search_fullwidth", "kind": "search",
         "page": flag + "/handbook.html", "query": "ＬＭ－０１",
         "want": "维持大堂秩序", "mark": "LM-01"},
        # not in the text as written: the passage sharing most of its
        # character pairs
        {"name": "search_bigrams", "kind": "search",
         "page": flag + "/handbook.html", "query": "叫号机调试",
         "want": "调试叫号机", "mark": "叫号"},
        # English, any case
        {"name": "search_en", "kind": "search",
         "page": os.path.join(en, "out/draft/stores/a-std/handbook.html"),
         "query": "GREET every", "want": "ten seconds", "mark": "greet"},
        {"name": "tel", "kind": "tel", "page": flag + "/patrol.html",
         "href": "tel:025-8660-1000"},
        {"name": "tel_en", "kind": "tel",
         "page": os.path.join(en, "out/draft/stores/a-std/patrol.html"),
         "href": "tel:025-8660-1000"},
        {"name": "filter_type", "kind": "filter",
         "page": os.path.join(zh, "out/draft/index.html"), "type": "county",
         "ids": ["b-county"]},
        {"name": "filter_city", "kind": "filter",
         "page": os.path.join(zh, "out/draft/index.html"), "city": "alpha",
         "ids": ["a-flag", "a-std"]},
        {"name": "filter_name", "kind": "filter",
         "page": os.path.join(zh, "out/draft/index.html"), "text": "旗舰",
         "ids": ["a-flag"]},
        {"name": "print", "kind": "print", "page": flag + "/handbook.html",
         "out": os.path.join(tmp, "handbook.pdf")},
    ]
    tf = os.path.join(tmp, "tasks.json")
    rf = os.path.join(tmp, "results.json")
    with open(tf, "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    p = subprocess.run(["node", os.path.join(ROOT, "tests/browser/features.mjs"),
                        tf, rf], capture_output=True, text=True, cwd=ROOT,
                       timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(rf, encoding="utf-8") as f:
        got = {r["name"]: r for r in json.load(f)}
    assert sorted(got) == sorted(t["name"] for t in tasks), got.keys()
    _run[harness.BINARY] = got
    return got


def check(name):
    r = results()[name]
    assert r["ok"], r


def test_reader_search_finds_a_chinese_passage_and_leads_to_its_heading():
    check("search_zh")
    assert results()["search_zh"]["href"].startswith("duties.html#lobby")


def test_reader_search_finds_the_halls_own_values():
    check("search_value")
    assert results()["search_value"]["href"].startswith("patrol.html#rounds")


def test_reader_search_folds_full_width_letters():
    check("search_fullwidth")


def test_reader_search_ranks_by_character_pairs_when_nothing_matches_as_written():
    check("search_bigrams")


def test_reader_search_finds_an_english_passage_in_any_case():
    check("search_en")


def test_reader_phone_numbers_are_links_on_a_phone():
    check("tel")
    check("tel_en")


def test_reader_filters_the_list_of_halls():
    for name in ("filter_type", "filter_city", "filter_name"):
        check(name)


def test_reader_printed_pages_name_the_hall_edition_and_page():
    check("print")
    pdf = results()["print"]["out"]
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
    assert n >= 2, n
    for k in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(k), "-l",
                               str(k), pdf, "-"], capture_output=True,
                              text=True).stdout
        assert "甲市旗舰厅 · 测试手册" in text, (k, text[:300])
        assert "版本：草稿 2026-01-01" in text, (k, text[:300])
        assert re.search(rf"\b{k}\s*/\s*{n}\b", text), (k, text[-300:])
