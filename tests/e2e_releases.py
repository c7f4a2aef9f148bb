"""End-to-end tests of releases (issue 7): publish numbered releases from
the fixture, with field feedback accepted and resolved in between, and
check what each hall sees: the diffs, the change pages and their marks,
the versions page, the feeds, immutability, the refusals, an interrupted
publish, and a release made again byte for byte without its Markdown.

The fixture's halls: a-flag and a-std in city alpha, b-county in beta.
a-flag has a lobby manager (section `lobby` applies to it alone); a-std
overrides alpha's appraisal weights; b-county takes HQ's."""
import glob
import html
import os
import re
import shutil
import signal
import subprocess
import time

import harness
from harness import run, write
from e2e import Page, exists, page, read

OUT = "out/"


def mg(ws, *args, code=0, **env):
    r = run(list(args) + ["--content", "content"], ws, **env)
    assert r.code == code, r
    return r


def build(ws, code=0):
    r = run(["build", "--content", "content", "--out", "out"], ws)
    assert r.code == code, r
    return r


def edit(ws, rel, old, new):
    text = read(ws, "content/" + rel)
    assert old in text, (rel, old)
    write(ws, rel, text.replace(old, new, 1))


def tree(ws, top):
    """Every file below top: path -> bytes."""
    root = os.path.join(ws, top)
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            out[os.path.relpath(p, root)] = open(p, "rb").read()
    return out


def three_releases():
    """1.0; a field report, accepted; 1.1 changes the rounds section for
    it, a store parameter (a-std) and a city value (alpha); 1.2 changes
    the lobby section, which a-flag alone has."""
    ws = harness.workspace()
    mg(ws, "publish", "1.0", "--notes", "首次发布。", "--date", "2026-01-05")
    r = mg(ws, "feedback", "add", "--store", "a-std", "--section", "rounds",
           "--text", "开门巡视时间太早，员工还没有到齐。",
           SOURCE_DATE_EPOCH="1767830400")   # 2026-01-08
    assert r.out.strip() == "FB-0001", r
    mg(ws, "feedback", "accept", "FB-0001", "--answer", "改为开门前二十分钟。",
       SOURCE_DATE_EPOCH="1767916800")
    edit(ws, "sections/rounds.md", "开始巡视", "开始第一次巡视")
    edit(ws, "stores/a-std.xml", "李二", "李三")
    edit(ws, "cities/alpha.xml", 'percent="60"', 'percent="65"')
    edit(ws, "cities/alpha.xml", 'percent="40"', 'percent="35"')  # sum 100
    mg(ws, "publish", "1.1", "--notes", "根据营业厅反馈调整巡视。",
       "--date", "2026-02-01", "--resolves", "FB-0001")
    edit(ws, "sections/lobby.md", "检查叫号机", "检查叫号机和排队显示屏")
    mg(ws, "publish", "1.2", "--notes", "大堂检查项补充。",
       "--date", "2026-03-01")
    return ws


_ws = {}


def released():
    """Three releases, built once per program under test. Read only: a
    test that changes anything takes own_copy()."""
    if harness.BINARY not in _ws:
        ws = three_releases()
        build(ws)
        _ws[harness.BINARY] = ws
    return _ws[harness.BINARY]


def own_copy():
    """A copy of released() that a test may change."""
    import tempfile
    d = tempfile.mkdtemp(prefix="mgtest-")
    for top in ("content", "out"):
        shutil.copytree(os.path.join(released(), top), os.path.join(d, top),
                        symlinks=True)
    return d


# ------------------------------------------------------------ publish


def test_publish_freezes_a_release_and_records_it():
    ws = released()
    reg = read(ws, "content/releases/releases.xml")
    assert re.search(r'<release version="1.1" date="2026-02-01" '
                     r'manifest="[0-9a-f]{32}">', reg), reg
    assert '<sections added="" changed="rounds" removed=""/>' in reg, reg
    assert "<resolves>FB-0001</resolves>" in reg, reg
    assert "<notes>根据营业厅反馈调整巡视。</notes>" in reg
    for f in ("MANIFEST", "compiled.xml", "params/a-std.xml",
              "params/b-county.xml", "templates/html/site.xsl"):
        assert exists(ws, "content/releases/1.1/" + f), f
    # the item is resolved by the release, in its own file
    item = read(ws, "content/feedback/FB-0001.xml")
    assert "resolved" in item and "1.1" in item, item


def test_publish_refuses_and_writes_nothing():
    ws = own_copy()
    before = tree(ws, "content/releases")
    items = tree(ws, "content/feedback")
    cases = [
        (["publish", "1.2"], 1, "manualgen: error: release 1.2 was "
         "published already (on 2026-03-01); a release is never changed: "
         "publish a new version"),
        (["publish", "1.1"], 1, "manualgen: error: release 1.1 was "
         "published already (on 2026-02-01)"),
        (["publish", "0.9"], 1, "manualgen: error: version 0.9 is not after "
         "the latest release, 1.2: versions only move forward"),
        (["publish", "1.10", "--resolves", "FB-0009"], 1, "FB-0009"),
        (["publish", "1.3", "--resolves", "FB-0001"], 1, "FB-0001"),
        (["publish", "1.03"], 2, "'1.03' is not a version"),
        (["publish", "1.3", "--date", "2026-02-30"], 2,
         "--date takes a day written YYYY-MM-DD, not '2026-02-30'"),
    ]
    for args, code, msg in cases:
        r = mg(ws, *args, code=code)
        assert msg in r.err, (args, r)
    # content with errors
    edit(ws, "sections/rounds.md", "{{ hours/weekday/@open }}",
         "{{ hours/weekday/@opne }}")
    r = mg(ws, "publish", "1.3", code=1)
    assert "unknown parameter attribute '@opne'" in r.err, r
    assert "manualgen: error: the content has errors: release 1.3 was not " \
        "published" in r.err.splitlines(), r
    edit(ws, "sections/rounds.md", "@opne", "@open")
    assert tree(ws, "content/releases") == before
    assert tree(ws, "content/feedback") == items


def test_interrupted_publish_leaves_the_previous_state():
    ws = three_releases()
    before = tree(ws, "content/releases")
    src = read(ws, "content/stores/a-std.xml")
    for i in range(1500):   # long enough to be killed while it writes
        write(ws, f"stores/s{i}.xml", src.replace('id="a-std"', f'id="s{i}"'))
    p = subprocess.Popen([harness.BINARY, "publish", "1.3", "--content",
                          "content"], cwd=ws, env=harness.env(),
                         stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not glob.glob(
            os.path.join(ws, "content/releases/.publish-1.3-*")):
        time.sleep(0.001)
    p.kill()
    p.communicate()
    # a register that does not know 1.3, and 1.0-1.2 as they were
    assert "1.3" not in read(ws, "content/releases/releases.xml")
    after = {k: v for k, v in tree(ws, "content/releases").items()
             if not k.startswith(".publish-")}
    assert after == before
    # the next publish removes what was left, and succeeds
    r = mg(ws, "publish", "1.3")
    assert "removing what an interrupted publish left behind" in r.err, r
    assert not glob.glob(os.path.join(ws, "content/releases/.publish-*"))
    assert '<release version="1.3"' in read(
        ws, "content/releases/releases.xml")


def test_a_modified_release_is_reported_by_check_and_build():
    ws = three_releases()
    build(ws)
    good = tree(ws, "out")
    p = os.path.join(ws, "content/releases/1.1/params/a-std.xml")
    with open(p, "a") as f:
        f.write("<!-- edited -->\n")
    for cmd in ("check", "build"):
        r = run([cmd, "--content", "content", "--out", "out"]
                if cmd == "build" else [cmd, "--content", "content"], ws)
        assert r.code == 1, r
        assert ("content/releases/1.1/params/a-std.xml: error: release 1.1 "
                "has been modified: this file is not the one published (a "
                "release is never changed; publish a new one)") \
            in r.err.splitlines(), r
    assert tree(ws, "out") == good
    # a file added to a release is named too
    os.remove(p)
    shutil.copy(os.path.join(ws, "content/releases/1.0/params/a-std.xml"), p)
    r = mg(ws, "check", code=1)
    open(os.path.join(ws, "content/releases/1.2/extra.xml"), "w").close()
    r = mg(ws, "check", code=1)
    assert ("content/releases/1.2/extra.xml: error: release 1.2 has been "
            "modified: this file was not published with it") \
        in r.err.splitlines(), r


# --------------------------------------------------------------- diff


def test_diff_per_hall():
    ws = own_copy()
    # 1.0 -> 1.1: rounds (every hall), the hall's own parameter (a-std:
    # manager), the city's value (alpha: a-flag, which keeps it; a-std
    # overrides it; b-county is in beta)
    r = mg(ws, "diff", "1.0", "1.1", code=1)
    assert r.out.split() == ["changed", "rounds", "巡视时间"], r
    r = mg(ws, "diff", "1.0", "1.1", "--store", "a-std", code=1)
    assert [l.split()[:2] for l in r.out.splitlines()] == [
        ["changed", "manager"], ["changed", "rounds"]], r
    r = mg(ws, "diff", "1.0", "1.1", "--store", "a-flag", code=1)
    assert [l.split()[:2] for l in r.out.splitlines()] == [
        ["changed", "manager"], ["changed", "rounds"]], r
    r = mg(ws, "diff", "1.0", "1.1", "--store", "b-county", code=1)
    assert [l.split()[:2] for l in r.out.splitlines()] == [
        ["changed", "rounds"]], r
    # 1.1 -> 1.2: the lobby section, which only a-flag has
    r = mg(ws, "diff", "1.1", "1.2", "--store", "a-std")
    assert r.out == "" and "0 sections differ between 1.1 and 1.2 for " \
        "store a-std" in r.err, r
    r = mg(ws, "diff", "1.1", "1.2", "--store", "a-flag", code=1)
    assert r.out.split()[:2] == ["changed", "lobby"], r
    # the draft is the content as it is
    r = mg(ws, "diff", "1.2", "draft")
    edit(ws, "sections/county.md", "县级厅", "县级营业厅")
    r = mg(ws, "diff", "1.2", "draft", "--store", "b-county", code=1)
    assert r.out.split()[:2] == ["changed", "county"], r
    r = mg(ws, "diff", "1.2", "draft", "--store", "a-std")
    r = mg(ws, "diff", "1.0", "3.0", code=2)
    assert "there is no release 3.0" in r.err, r


# ------------------------------------------------------ what halls see


def test_build_writes_every_release_latest_and_the_list():
    ws = released()
    for v in ("1.0", "1.1", "1.2", "latest", "draft"):
        assert exists(ws, OUT + v + "/index.html"), v
        assert exists(ws, OUT + v + "/stores/a-std/handbook.html"), v
    # latest is the newest release again, real files, byte for byte
    assert not os.path.islink(os.path.join(ws, OUT + "latest"))
    assert tree(ws, OUT + "latest") == tree(ws, OUT + "1.2")
    idx = page(ws, OUT + "index.html")
    hrefs = idx.hrefs()
    for h in ("latest/index.html", "1.0/index.html", "1.1/index.html",
              "1.2/index.html", "draft/index.html"):
        assert h in hrefs, (h, hrefs)
    assert "大堂检查项补充。" in idx.text and "2026-03-01" in idx.text


def test_release_pages_show_version_and_date_not_the_build_day():
    ws = released()
    p = page(ws, OUT + "1.1/stores/a-std/rounds.html"
             if exists(ws, OUT + "1.1/stores/a-std/rounds.html")
             else OUT + "1.1/stores/a-std/patrol.html")
    assert "1.1" in p.text and "2026-02-01" in p.text, p.text[:500]
    assert "2026-01-01" not in p.text   # SOURCE_DATE_EPOCH: the build day


def test_superseded_pages_say_so_and_link_to_latest():
    ws = released()
    p = page(ws, OUT + "1.0/stores/a-std/patrol.html")
    assert "../../../latest/stores/a-std/patrol.html" in p.hrefs(), p.hrefs()
    assert "1.2" in p.text
    q = page(ws, OUT + "1.2/stores/a-std/patrol.html")
    assert not [h for h in q.hrefs() if "latest/" in h], q.hrefs()


def test_change_page_marks_what_changed_for_the_hall():
    ws = released()
    t = read(ws, OUT + "1.1/stores/a-std/changes.html")
    p = Page(t)
    # rounds changed for FB-0001: the inserted characters, marked
    assert "第一次" in t and "change-ins" in t, t[:3000]
    ins = re.findall(r'<ins class="change-ins"[^>]*>(.*?)</ins>', t, re.S)
    assert any("第一次" in html.unescape(re.sub("<[^>]+>", "", i))
               for i in ins), ins
    # the manager's name: 李二 deleted, 李三 inserted
    assert re.search(r"<del[^>]*>[^<]*二", t) and re.search(
        r"<ins[^>]*>[^<]*三", t), t[:3000]
    assert "FB-0001" in p.text
    assert "patrol.html#rounds" in p.hrefs(), p.hrefs()
    # a-std has no lobby: 1.2 changed nothing for it
    u = page(ws, OUT + "1.2/stores/a-std/changes.html")
    assert "lobby" not in " ".join(u.hrefs()) and "排队显示屏" not in u.text
    v = read(ws, OUT + "1.2/stores/a-flag/changes.html")
    assert "排队显示屏" in v


def test_sections_revised_for_feedback_cite_it():
    ws = released()
    t = page(ws, OUT + "1.1/stores/b-county/patrol.html").text
    assert "FB-0001" in t, t[:2000]
    t = page(ws, OUT + "1.2/stores/b-county/patrol.html").text
    assert "FB-0001" not in t   # 1.2 resolved nothing


def test_every_section_has_a_feedback_link():
    ws = released()
    p = page(ws, OUT + "1.2/stores/a-std/patrol.html")
    mails = [h for h in p.hrefs() if h.startswith("mailto:")]
    assert mails and all("subject=" in m for m in mails), p.hrefs()
    assert any("%5B1.2%5D" in m and "rounds" in m for m in mails), mails


def test_versions_page_lists_every_release_for_the_hall():
    ws = released()
    p = page(ws, OUT + "1.2/stores/a-std/versions.html")
    for v in ("1.0", "1.1", "1.2"):
        assert f"../../../{v}/stores/a-std/index.html" in p.hrefs(), v
    assert "根据营业厅反馈调整巡视。" in p.text


def test_feed_has_an_entry_for_each_release_that_changed_the_hall():
    ws = released()
    flag = read(ws, OUT + "feeds/a-flag.xml")
    std = read(ws, OUT + "feeds/a-std.xml")
    assert flag.startswith("<?xml") and 'xmlns="http://www.w3.org/2005/Atom"' \
        in flag, flag[:300]
    # a-flag: 1.0, 1.1, 1.2; a-std: 1.0, 1.1 (1.2 changed nothing for it)
    assert flag.count("<entry>") == 3 and std.count("<entry>") == 2, std
    assert "../1.1/stores/a-std/changes.html" in std


def test_feedback_page_is_written():
    ws = released()
    p = page(ws, OUT + "feedback.html")
    assert "FB-0001" in p.text and "1.1" in p.text


# ------------------------------------------------ made again, exactly


def test_a_release_is_made_again_byte_for_byte_without_its_markdown():
    ws = own_copy()
    # the page as `handbook` makes it: without links to PDFs beside it
    run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    first = tree(ws, OUT + "1.0")
    handbook = read(ws, OUT + "1.0/stores/a-std/handbook.html")
    shutil.rmtree(os.path.join(ws, "content/sections"))
    shutil.rmtree(os.path.join(ws, OUT))
    r = mg(ws, "handbook", "a-std", "--version", "1.0")
    assert r.out == handbook
    # the content is broken now (no sections): a release does not care
    r = mg(ws, "handbook", "b-county", "--version", "1.1", "-o", "hb.html")
    assert "乙县营业厅" in read(ws, "hb.html")
    r = mg(ws, "handbook", "b-county", "--version", "9.9", code=1)
    assert "there is no release 9.9" in r.err, r


def test_a_release_already_built_is_not_rebuilt():
    ws = own_copy()
    r = build(ws)
    assert "(12 up to date)" in r.err, r   # 3 halls in 3 releases and the draft


def test_a_later_release_adds_only_the_superseded_notice():
    ws = harness.workspace()
    mg(ws, "publish", "1.0", "--date", "2026-01-05")
    build(ws)
    before = tree(ws, OUT + "1.0")
    edit(ws, "sections/rounds.md", "开始巡视", "开始第一次巡视")
    mg(ws, "publish", "1.1", "--date", "2026-02-01")
    build(ws)
    after = tree(ws, OUT + "1.0")
    assert sorted(before) == sorted(after)
    notice = re.compile(rb'<section class="superseded" aria-label="[^"]*">'
                        rb'.*?</section>', re.S)
    changed = 0
    for name, old in before.items():
        new = after[name]
        if name.endswith(".html"):
            assert not notice.search(old), name
            assert notice.search(new), name        # every page says so
            changed += old != new
            new = notice.sub(b"", new)
        elif name.endswith(".manualgen-build") or \
                name == ".manualgen-edition":
            continue   # what the pages were built from
        assert new == old, name
    assert changed > 0
