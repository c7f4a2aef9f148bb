"""End-to-end tests of rule `named` (issue 8, check 6) and of the links
from a form's name to the form.

A post title or zone name (as any parameter file gives it) that a hall
does not have, found in the text that hall shows, is an error at the
Markdown line, unless the section's front matter `posts:` lists the post
or the passage is conditioned on the key (an elif or else: any condition
of its if). In the fixture only a-flag has a lobby manager (大堂经理).
The exact messages are pinned by tests/errors/named-*.case."""
import os
import shutil
import time

import harness
from harness import run, write
from e2e import build, page, read

STORE = "out/draft/stores/"
LOBBY = "posts/post[@key='lobby-manager']"


def named_errors(r):
    return [l for l in r.err.splitlines() if "[named]" in l]


def check(ws):
    return run(["check", "--content", "content"], ws)


def rounds(ws, body, front=""):
    """Replaces the body (and adds front matter lines) of rounds.md, a
    section every hall shows; the body starts on line 5 (+ front)."""
    write(ws, "sections/rounds.md",
          "---\nid: rounds\ntitle: 巡视时间\n" + front + "---\n" + body)


def test_named_front_matter_posts_exempts_the_section():
    ws = harness.workspace()
    try:
        text = "交接时由大堂经理签字。\n"
        rounds(ws, text)
        r = check(ws)
        assert r.code == 1 and len(named_errors(r)) == 1, r
        assert named_errors(r)[0].startswith(
            "content/sections/rounds.md:5:5: error: this hall has no 大堂经理 "
            "(post lobby-manager)"), r
        rounds(ws, text, "posts: [store-manager, lobby-manager]\n")
        r = check(ws)
        assert r.code == 0 and not named_errors(r), r
        # posts: exempts posts, not zones
        rounds(ws, "交接时由大堂经理签字，并巡视贵宾室。\n",
               "posts: [lobby-manager]\n")
        write(ws, "stores/a-flag.xml", read(ws, "content/stores/a-flag.xml")
              .replace("</posts>", "</posts>\n  <zones><zone key=\"vip-room\" "
                       "name=\"贵宾室\"/></zones>"))
        r = check(ws)
        errs = named_errors(r)
        assert r.code == 1 and len(errs) == 1 and "(zone vip-room)" in errs[0] \
            and "(stores a-std, b-county)" in errs[0], r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_named_conditioned_passage_and_its_elif_and_else_are_exempt():
    ws = harness.workspace()
    try:
        rounds(ws, "<!-- if: %s -->\n大堂经理巡视。\n"
               "<!-- elif: type = 'county' -->\n县级厅没有大堂经理，店长巡视。\n"
               "<!-- else -->\n没有大堂经理时由店长巡视。\n"
               "<!-- endif -->\n" % LOBBY)
        r = check(ws)
        assert r.code == 0 and not named_errors(r), r
        build(ws)
        assert "没有大堂经理时由店长巡视。" in \
            page(ws, STORE + "a-std/patrol.html").text
        assert "县级厅没有大堂经理，店长巡视。" in \
            page(ws, STORE + "b-county/patrol.html").text
        # the key named in a later condition (elif) exempts the else, not
        # the if: its own condition does not name it
        rounds(ws, "<!-- if: type = 'county' -->\n县级厅没有大堂经理。\n"
               "<!-- elif: %s -->\n大堂经理巡视。\n"
               "<!-- else -->\n没有大堂经理时由店长巡视。\n"
               "<!-- endif -->\n" % LOBBY)
        r = check(ws)
        errs = named_errors(r)
        assert r.code == 1 and len(errs) == 1, r
        assert errs[0].startswith("content/sections/rounds.md:6:6: error: "
                                  "this hall has no 大堂经理"), r
        assert errs[0].endswith("[named] (store b-county)"), r
        # a condition on something else exempts nothing
        rounds(ws, "<!-- if: type = 'standard' -->\n大堂经理巡视。\n"
               "<!-- endif -->\n")
        r = check(ws)
        errs = named_errors(r)
        assert r.code == 1 and len(errs) == 1 and \
            errs[0].startswith("content/sections/rounds.md:6:1: ") and \
            errs[0].endswith("(store a-std)"), r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_named_zone_condition_and_the_longest_name_first():
    ws = harness.workspace()
    try:
        # a-flag has the device-zone post, a-std only the zone
        write(ws, "stores/a-flag.xml", read(ws, "content/stores/a-flag.xml")
              .replace("</posts>", "  <post key=\"device-zone\" count=\"1\" "
                       "title=\"终端体验区专员\"/>\n  </posts>"))
        write(ws, "stores/a-std.xml", read(ws, "content/stores/a-std.xml")
              .replace("</store>", "  <zones><zone key=\"device-experience\" "
                       "name=\"终端体验区\"/></zones>\n</store>"))
        rounds(ws, "<!-- if: zones/zone[@key='device-experience'] -->\n"
               "终端体验区每日巡视。\n<!-- endif -->\n\n"
               "样机由终端体验区专员保管。\n")
        r = check(ws)
        errs = named_errors(r)
        # the post's title, not the zone's name inside it; a-std has the
        # zone but not the post; b-county neither; a-flag the post
        assert len(errs) == 1, r
        assert errs[0].startswith(
            "content/sections/rounds.md:9:4: error: this hall has no "
            "终端体验区专员 (post device-zone)"), r
        assert errs[0].endswith("(stores a-std, b-county)"), r
        # the zone's condition exempts its name only where it is shown
        rounds(ws, "<!-- if: zones/zone[@key='device-experience'] -->\n"
               "终端体验区每日巡视。\n<!-- endif -->\n\n终端体验区每周盘点。\n")
        r = check(ws)
        errs = named_errors(r)
        assert len(errs) == 1 and errs[0].startswith(
            "content/sections/rounds.md:9:1: error: this hall has no 终端体验区 "
            "(zone device-experience)") and \
            errs[0].endswith("(stores a-flag, b-county)"), r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_named_copied_duty_items_are_checked_where_written():
    """A reassigned duty's item is shown on the new owner's page: its own
    text is checked, at its own line, by the section it is shown in (the
    store manager's), while the generated "from" note is not."""
    ws = harness.workspace()
    try:
        src = read(ws, "content/sections/lobby.md")
        write(ws, "sections/lobby.md", src.replace(
            "- [LM-01] 维持大堂秩序，引导客户取号。",
            "- [LM-01] 大堂经理维持大堂秩序，引导客户取号。"))
        r = check(ws)
        errs = named_errors(r)
        assert len(errs) == 1, r
        assert errs[0].startswith(
            "content/sections/lobby.md:11:11: error: this hall has no 大堂经理"
            " (post lobby-manager)"), r
        assert errs[0].endswith("(stores a-std, b-county)"), r
        # the fixture as it is: "（原属大堂经理）" is shown, and no error
        write(ws, "sections/lobby.md", src)
        r = build(ws)
        assert not named_errors(r), r
        assert "（原属大堂经理）" in read(ws, STORE + "a-std/duties.html")
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_named_checks_the_draft_never_a_release():
    ws = harness.workspace()
    try:
        # publish refuses a text that names a post a hall lacks ...
        src = read(ws, "content/sections/rounds.md")
        rounds(ws, "交接时由大堂主管签字。\n")
        flag = read(ws, "content/stores/a-flag.xml")
        write(ws, "stores/a-flag.xml",
              flag.replace('title="大堂经理"', 'title="大堂主管"'))
        r = run(["publish", "1.0", "--notes", "首次发布。", "--date",
                 "2026-01-05", "--content", "content"], ws)
        assert r.code == 1 and named_errors(r), r
        # ... but not one that names what is no post's title at the time
        rounds(ws, "交接时由大堂经理签字。\n")
        r = run(["publish", "1.0", "--notes", "首次发布。", "--date",
                 "2026-01-05", "--content", "content"], ws)
        assert r.code == 0 and not named_errors(r), r
        # the post is called 大堂经理 from now on: the frozen text of 1.0
        # names it in halls that lack it, and stays as it was published
        write(ws, "stores/a-flag.xml", flag)
        rounds(ws, "交接时由大堂经理签字。\n")
        assert named_errors(check(ws)), "the draft is checked"
        write(ws, "sections/rounds.md", src)  # the draft is mended
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0 and not named_errors(r), r
        assert "交接时由大堂经理签字。" in \
            page(ws, "out/1.0/stores/a-std/patrol.html").text
        r = run(["handbook", "a-std", "--version", "1.0", "--content",
                 "content", "-o", "h.html"], ws)
        assert r.code == 0 and not named_errors(r), r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_form_names_link_to_the_form():
    ws = harness.workspace()
    try:
        rounds(ws, "巡视结果记入《班次日志》，贵宾到店记入《贵宾登记簿》。\n\n"
               "见[《班次日志》的填法](manager.md)；《三字经》不是表单。\n")
        build(ws)
        for store in ("a-flag", "a-std", "b-county"):
            p = page(ws, STORE + store + "/patrol.html")
            t = read(ws, STORE + store + "/patrol.html")
            assert "forms.html#form.shift-log" in p.hrefs(), store
            assert "forms.html#form.vip-register" in p.hrefs(), store
            assert '《<a href="forms.html#form.shift-log">班次日志</a>》' in t
            # the name inside a link stays that link's text: no <a> in <a>
            assert '《班次日志》的填法</a>' in t, t
            assert "三字经" in p.text and "#form.三字经" not in t
            forms = page(ws, STORE + store + "/forms.html")
            assert "form.shift-log" in forms.ids, store
            # the handbook points inside itself
            h = page(ws, STORE + store + "/handbook.html")
            assert "#form.shift-log" in h.hrefs(), store
            assert "form.shift-log" in h.ids, store
            assert not [x for x in h.hrefs() if x.startswith("forms.html")]
        # a duty item's form name too
        t = read(ws, STORE + "a-flag/duties.html")
        assert '《<a href="forms.html#form.shift-log">班次日志</a>》' in t
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_named_scans_each_text_once():
    """300,000 names in one paragraph, let stand by the section's posts,
    and a hall that lacks them: the scan does not start over at each."""
    ws = harness.workspace()
    try:
        rounds(ws, "大堂经理、" * 300000 + "\n", "posts: [lobby-manager]\n")
        t = time.monotonic()
        r = check(ws)
        assert r.code == 0 and not named_errors(r), r
        assert time.monotonic() - t < 10, "not linear"
    finally:
        shutil.rmtree(ws, ignore_errors=True)
