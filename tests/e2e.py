"""End-to-end tests: build the fixture content and look at the pages.

Each test_* function gets a fresh workspace (tests/fixtures/basic copied to
content/) and raises AssertionError on failure. Pages are checked for their
structure and text, not only for their existence.
"""
import glob
import html
import html.parser
import os
import re
import shutil
import subprocess
import time

import harness
from harness import run, write

ROOT = harness.ROOT


def read(ws, rel):
    with open(os.path.join(ws, rel), encoding="utf-8") as f:
        return f.read()


def exists(ws, rel):
    return os.path.exists(os.path.join(ws, rel))


def build(ws, *extra, code=0):
    r = run(["build", "--content", "content", "--out", "out"] + list(extra),
            ws)
    assert r.code == code, r
    return r


class Page(html.parser.HTMLParser):
    """A parsed page: text, elements with attributes, and ids."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict)
        self.text_parts = []
        self.ids = set()
        self.feed(text)
        self.text = "".join(self.text_parts)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])

    def handle_data(self, data):
        self.text_parts.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and
                all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def hrefs(self):
        return [a["href"] for t, a in self.elements if t == "a" and "href" in a]


def page(ws, rel):
    return Page(read(ws, rel))


STORE = "out/draft/stores/"

# ---------------------------------------------------------------- outputs


def test_build_writes_every_page():
    ws = harness.workspace()
    r = build(ws)
    assert "built 3 handbooks, 19 pages, 0 warnings" in r.err, r
    for s in ("a-flag", "a-std", "b-county"):
        for f in ("index.html", "duties.html", "patrol.html",
                  "handbook.html", "manual.css", "duty-matrix.html",
                  "forms.html"):
            assert exists(ws, STORE + s + "/" + f), (s, f)
    assert exists(ws, "out/draft/index.html")
    assert exists(ws, "out/draft/manual.css")
    leftovers = glob.glob(os.path.join(ws, "out", "**", "*.tmp-*"),
                          recursive=True)
    assert not leftovers, leftovers
    return ws


def test_edition_index_lists_every_store():
    ws = harness.workspace()
    build(ws)
    p = page(ws, "out/draft/index.html")
    for sid, name, city, label in (("a-flag", "甲市旗舰厅", "甲市", "旗舰厅"),
                                   ("a-std", "甲市标准厅", "甲市", "标准厅"),
                                   ("b-county", "乙县营业厅", "乙市", "县级营业厅")):
        assert f"stores/{sid}/index.html" in p.hrefs(), sid
        assert f"stores/{sid}/handbook.html" in p.hrefs(), sid
        assert name in p.text and city in p.text and label in p.text, sid


def test_every_page_names_store_and_edition():
    ws = harness.workspace()
    build(ws)
    for f in glob.glob(os.path.join(ws, STORE, "b-county", "*.html")):
        t = open(f, encoding="utf-8").read()
        p = Page(t)
        assert t.startswith("<!DOCTYPE html>"), f
        assert p.find("html", lang="zh-CN"), f
        assert p.find("meta", charset="utf-8"), f
        assert p.find("meta", name="viewport"), f
        for word in ("乙县营业厅", "乙市", "县级营业厅", "草稿", "2026-01-01"):
            assert word in p.text, (f, word)


def test_site_navigation():
    ws = harness.workspace()
    build(ws)
    p = page(ws, STORE + "a-flag/duties.html")
    cur = p.find("a", aria_current="page")
    assert cur and cur[0]["href"] == "duties.html", cur
    assert "patrol.html" in [a["href"] for a in p.find("a", rel="next")]
    assert not p.find("a", rel="prev")
    q = page(ws, STORE + "a-flag/patrol.html")
    assert "duties.html" in [a["href"] for a in q.find("a", rel="prev")]
    assert "目录" in p.text and "下一章" in p.text and "上一章" in q.text
    toc = page(ws, STORE + "a-flag/index.html")
    assert "duties.html#manager" in toc.hrefs()
    assert "patrol.html#rounds" in toc.hrefs()


def test_sections_follow_applies_to():
    ws = harness.workspace()
    build(ws)
    flag = page(ws, STORE + "a-flag/duties.html")
    std = page(ws, STORE + "a-std/duties.html")
    assert "lobby" in flag.ids and "lobby" not in std.ids
    assert "county" in page(ws, STORE + "b-county/patrol.html").ids
    assert "county" not in page(ws, STORE + "a-std/patrol.html").ids
    assert "patrol.html#county" not in page(ws, STORE + "a-flag/index.html").hrefs()


def test_conditional_passages():
    ws = harness.workspace()
    build(ws)
    flag = page(ws, STORE + "a-flag/duties.html").text
    std = page(ws, STORE + "a-std/duties.html").text
    assert "大堂秩序由大堂经理负责" in flag and "没有大堂经理时" not in flag
    assert "没有大堂经理时" in std and "大堂秩序由大堂经理负责" not in std


def test_placeholders_take_inherited_values():
    ws = harness.workspace()
    build(ws)
    flag = page(ws, STORE + "a-flag/duties.html").text
    std = page(ws, STORE + "a-std/duties.html").text
    county = page(ws, STORE + "b-county/duties.html").text
    assert "店长 王一 负责 甲市旗舰厅" in flag
    assert "60%" in flag and "40%" in flag          # from the city
    assert "70%" in std and "30%" in std            # the store overrides
    assert "50%" in county                          # the HQ default
    rounds = page(ws, STORE + "b-county/patrol.html").text
    assert "工作日 09:00 开门" in rounds             # store attribute
    assert "19:00 关门" in rounds                    # city attribute
    assert "025-8660-1000" in rounds                # default
    assert "{{" not in rounds


def test_placeholders_never_in_code():
    ws = harness.workspace()
    build(ws)
    t = read(ws, STORE + "a-std/duties.html")
    assert "<code>{{ not-a-placeholder }}</code>" in t


def test_cross_references_resolve_per_output():
    ws = harness.workspace()
    build(ws)
    patrol = page(ws, STORE + "a-std/patrol.html")
    assert "duties.html#manager" in patrol.hrefs()
    flag = page(ws, STORE + "a-flag/duties.html")
    lobby = [h for h in flag.hrefs() if h.startswith("#lobby--")]
    assert lobby, flag.hrefs()
    single = page(ws, STORE + "a-std/handbook.html")
    assert "#manager" in single.hrefs()
    assert "manager" in single.ids


def test_link_to_left_out_section_warns_and_unlinks():
    ws = harness.workspace()
    write(ws, "sections/rounds.md", read(ws, "content/sections/rounds.md") +
          "\n另见[大堂秩序](lobby.md)。\n")
    r = build(ws)
    assert ("content/sections/rounds.md:11:3: warning: link to section "
            "'lobby', which this store's handbook leaves out: shown as plain "
            "text (stores a-std, b-county)") in r.err.splitlines(), r
    std = page(ws, STORE + "a-std/patrol.html")
    assert "另见大堂秩序。" in std.text
    assert not [h for h in std.hrefs() if "lobby" in h]
    flag = page(ws, STORE + "a-flag/patrol.html")
    assert "duties.html#lobby" in flag.hrefs()


def test_single_page_handbook_is_self_contained():
    ws = harness.workspace()
    build(ws)
    t = read(ws, STORE + "a-flag/handbook.html")
    p = Page(t)
    assert "<style>" in t and not p.find("link", rel="stylesheet")
    assert "@media print" in t
    for sid in ("manager", "lobby", "rounds"):
        assert sid in p.ids, sid
    assert "岗位职责" in p.text and "现场巡视" in p.text


def test_no_external_resources():
    ws = harness.workspace()
    build(ws)
    for f in glob.glob(os.path.join(ws, "out", "**", "*.html"),
                       recursive=True):
        p = Page(open(f, encoding="utf-8").read())
        for tag, a in p.elements:
            for attr in ("src", "href"):
                v = a.get(attr, "")
                if tag in ("link", "script", "img", "iframe") and v:
                    assert "//" not in v, (f, tag, v)
        # the project's own scripts: the handbook's search, inline like its
        # CSS; the list of halls' filter, from beside it
        scripts = [a for t, a in p.elements if t == "script"]
        want = ([{}] if f.endswith("/handbook.html") else   # the search's
                [{"src": "stores.js"}] if f.endswith("/draft/index.html")
                else [])
        assert scripts == want, (f, scripts)


def test_values_are_escaped():
    ws = harness.workspace()
    s = read(ws, "content/stores/a-std.xml").replace(
        "<manager>李二</manager>",
        "<manager>&lt;script&gt;alert(1)&lt;/script&gt; *粗体* [x](y)</manager>")
    write(ws, "stores/a-std.xml", s)
    build(ws)
    t = read(ws, STORE + "a-std/duties.html")
    assert "<script>" not in t
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *粗体* [x](y)" in t


def test_dangerous_urls_are_blanked():
    ws = harness.workspace()
    write(ws, "sections/county.md", read(ws, "content/sections/county.md") +
          "\n[点我](javascript:alert(1)) ![图](data:text/html,x)\n")
    build(ws)
    t = read(ws, STORE + "b-county/patrol.html")
    assert "javascript:" not in t and "data:text" not in t
    assert '<a href="">点我</a>' in t


def test_english_manual_uses_english_strings():
    ws = harness.workspace()
    m = read(ws, "content/manual.xml").replace('lang="zh-CN"', 'lang="en"')
    write(ws, "manual.xml", m)
    build(ws)
    p = page(ws, STORE + "a-flag/duties.html")
    assert p.find("html", lang="en")
    assert "Contents" in p.text and "Next chapter" in p.text
    assert "目录" not in p.text and "下一章" not in p.text


def test_missing_string_falls_back_to_english():
    ws = harness.workspace()
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    zh = os.path.join(tpl, "l10n", "zh-CN.xml")
    s = open(zh, encoding="utf-8").read()
    s = s.replace('<string key="next-chapter">下一章</string>', "")
    open(zh, "w", encoding="utf-8").write(s)
    r = run(["build", "--content", "content", "--out", "out",
             "--templates", tpl], ws)
    assert r.code == 0, r
    assert "templates/l10n/zh-CN.xml: warning: no string for key 'next-chapter'; using the " \
        "English one" in r.err.splitlines(), r
    p = page(ws, STORE + "a-flag/duties.html")
    assert "Next chapter" in p.text and "目录" in p.text


def test_broken_print_driver_is_reported_by_check_and_by_builds_with_pdfs():
    """The print drivers are compiled only when PDFs are made (pages need
    none), and by check: a driver that does not compile fails those, with
    its file named, while a build of pages alone goes on."""
    ws = harness.workspace()
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    drv = os.path.join(tpl, "print", "patrol-sheets.xsl")
    s = open(drv, encoding="utf-8").read()
    open(drv, "w", encoding="utf-8").write(
        s.replace("</xsl:stylesheet>", "<xsl:bogus/></xsl:stylesheet>"))
    args = ["--content", "content", "--templates", tpl]
    r = run(["check"] + args, ws)
    assert r.code == 1 and "patrol-sheets.xsl" in r.err, r
    r = run(["build", "--out", "pdfs"] + args, ws, pdf=True)
    assert r.code == 1 and "patrol-sheets.xsl" in r.err, r
    assert not os.path.exists(os.path.join(ws, "pdfs", "draft")), r
    r = run(["build", "--out", "pages"] + args, ws)
    assert r.code == 0, r
    assert os.path.exists(os.path.join(ws, "pages", "draft", "index.html"))


def test_task_list_boxes_are_named_by_their_items():
    """Every checkbox has an accessible name: a task list item's first
    paragraph (a placeholder's value too, spliced or not), a form's item
    its text."""
    ws = harness.workspace()
    write(ws, "sections/lobby.md", read(ws, "content/sections/lobby.md") +
          "\n- [ ] 开门前检查叫号机\n- [x] 店长{{ manager }}签字\n"
          "  - [ ] 复核\n")
    for extra in ([], ["--no-splice"]):
        shutil.rmtree(os.path.join(ws, "out"), ignore_errors=True)
        build(ws, *extra)
        for rel in ("a-flag/handbook.html", "a-flag/duties.html"):
            html = re.sub(r"<style>.*?</style>", "", read(ws, STORE + rel),
                          flags=re.S)
            boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
            assert len(boxes) >= 5, boxes
            labels = [re.search(r'aria-label="([^"]+)"', b) for b in boxes]
            assert all(labels), boxes
            names = [m.group(1) for m in labels]
            for want in ("开门前检查叫号机", "店长王一签字", "复核"):
                assert want in names, (want, names)


def test_output_is_deterministic():
    ws = harness.workspace()
    build(ws)
    first = {f: open(f, "rb").read() for f in
             glob.glob(os.path.join(ws, "out", "**", "*.*"), recursive=True)}
    shutil.rmtree(os.path.join(ws, "out"))
    build(ws, "--jobs", "1")
    second = {f: open(f, "rb").read() for f in
              glob.glob(os.path.join(ws, "out", "**", "*.*"), recursive=True)}
    assert first == second


def test_source_date_epoch_sets_the_date():
    ws = harness.workspace()
    r = run(["build", "--content", "content", "--out", "out"], ws,
            SOURCE_DATE_EPOCH="1798761600")
    assert r.code == 0, r
    assert "2027-01-01" in read(ws, STORE + "a-std/index.html")


def test_unchanged_pages_are_not_rewritten():
    ws = harness.workspace()
    build(ws)
    f = os.path.join(ws, STORE, "a-std", "duties.html")
    g = os.path.join(ws, STORE, "a-std", "patrol.html")
    os.utime(f, (1000000000, 1000000000))
    os.utime(g, (1000000000, 1000000000))
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n新增一句。\n")
    build(ws)
    assert os.stat(f).st_mtime == 1000000000      # same bytes: untouched
    assert os.stat(g).st_mtime != 1000000000      # changed: rewritten
    assert "新增一句" in read(ws, STORE + "a-std/patrol.html")


def test_unchanged_stores_are_not_rebuilt():
    ws = harness.workspace()
    build(ws)
    r = build(ws)
    assert "built 3 handbooks (3 up to date), 19 pages" in r.err, r
    # one store's parameters change: only that store is redone
    write(ws, "stores/a-std.xml", read(ws, "content/stores/a-std.xml")
          .replace("李二", "李三"))
    r = build(ws)
    assert "(2 up to date)" in r.err, r
    assert "店长 李三" in page(ws, STORE + "a-std/duties.html").text
    # a page deleted by hand is built again
    os.remove(os.path.join(ws, STORE, "a-flag", "patrol.html"))
    r = build(ws)
    assert "(2 up to date)" in r.err and exists(ws, STORE + "a-flag/patrol.html")
    # the templates change: everything is redone
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    with open(os.path.join(tpl, "css", "manual.css"), "a") as f:
        f.write("\n/* changed */\n")
    r = run(["build", "--content", "content", "--out", "out", "--templates",
             tpl], ws)
    assert r.code == 0 and "up to date" not in r.err, r
    assert "/* changed */" in read(ws, STORE + "b-county/manual.css")


def test_failed_build_writes_nothing():
    ws = harness.workspace()
    build(ws)
    before = {f: open(f, "rb").read() for f in
              glob.glob(os.path.join(ws, "out", "**", "*.*"), recursive=True)}
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n改动 {{ nosuch }}\n")
    write(ws, "sections/manager.md",
          read(ws, "content/sections/manager.md") + "\n另一处改动。\n")
    r = build(ws, code=1)
    assert "nothing was written" in r.err, r
    after = {f: open(f, "rb").read() for f in
             glob.glob(os.path.join(ws, "out", "**", "*"), recursive=True)
             if os.path.isfile(f)}
    assert before == after


def test_stale_pages_are_removed():
    ws = harness.workspace()
    build(ws)
    keep = os.path.join(ws, STORE, "a-std", "notes.txt")
    open(keep, "w").write("a store's own file")
    m = read(ws, "content/manual.xml")
    write(ws, "manual.xml", m[:m.index('  <chapter id="patrol">')] +
          "</manual>\n")
    os.remove(os.path.join(ws, "content/stores/b-county.xml"))
    build(ws)
    assert not exists(ws, STORE + "a-std/patrol.html")   # chapter gone
    assert exists(ws, STORE + "a-std/duties.html")
    assert exists(ws, STORE + "a-std/notes.txt")          # not ours: kept
    assert not exists(ws, STORE + "b-county")             # store gone
    assert "patrol.html" not in page(ws, STORE + "a-std/index.html").hrefs()


def test_interrupted_build_leaves_nothing_behind():
    ws = harness.workspace()
    build(ws)  # a previous edition, which must stay as it was
    before = {f: open(f, "rb").read() for f in
              glob.glob(os.path.join(ws, "out", "**", "*"), recursive=True)
              if os.path.isfile(f)}
    src = read(ws, "content/stores/a-std.xml")
    for i in range(3000):  # about 4 s of work: the signal lands mid-build
        write(ws, f"stores/s{i}.xml", src.replace('id="a-std"', f'id="s{i}"'))
    p = subprocess.Popen([harness.BINARY, "build", "--content", "content",
                          "--out", "out", "--jobs", "1"], cwd=ws,
                         env=harness.env(), stderr=subprocess.PIPE, text=True)
    time.sleep(0.8)
    p.send_signal(2)  # SIGINT
    err = p.communicate(timeout=120)[1]
    assert p.returncode == 130, (p.returncode, err)
    assert "interrupted; nothing was written" in err, err
    after = {f: open(f, "rb").read() for f in
             glob.glob(os.path.join(ws, "out", "**", "*"), recursive=True)
             if os.path.isfile(f)}
    assert before == after   # no temporary file, no new or changed page


def test_store_selection():
    ws = harness.workspace()
    r = build(ws, "--store", "a-std")
    assert "built 1 handbook" in r.err, r
    assert exists(ws, STORE + "a-std/index.html")
    assert not exists(ws, STORE + "a-flag")
    idx = page(ws, "out/draft/index.html")
    # the index links to the halls that are there, not to a-flag
    assert "stores/a-std/index.html" in idx.hrefs()
    assert "stores/a-flag/index.html" not in idx.hrefs()


def test_unknown_store_is_an_error():
    ws = harness.workspace()
    r = build(ws, "--store", "nosuch", code=1)
    assert "content/stores/nosuch.xml: error: no such store 'nosuch'" in \
        r.err.splitlines(), r


def test_handbook_command():
    ws = harness.workspace()
    r = run(["handbook", "b-county", "--content", "content", "-o",
             "hb.html"], ws)
    assert r.code == 0, r
    p = page(ws, "hb.html")
    assert "county" in p.ids and "乙县营业厅" in p.text
    r = run(["handbook", "a-std", "--content", "content"], ws)
    assert r.code == 0 and r.out.startswith("<!DOCTYPE html>"), r
    assert "甲市标准厅" in r.out


def test_resolve_command_prints_the_stylesheets_input():
    ws = harness.workspace()
    r = run(["resolve", "a-flag", "--content", "content"], ws)
    assert r.code == 0, r
    assert r.out.startswith('<?xml version="1.0" encoding="UTF-8"?>'), r
    # with the label of its type, as the stylesheets' strings have it
    assert '<m:store id="a-flag" name="甲市旗舰厅" city="alpha" ' \
        'city-name="甲市" type="flagship" type-label="旗舰厅"/>' in r.out
    assert 'id="lobby"' in r.out and "{{" not in r.out.replace(
        "{{ not-a-placeholder }}", "")


def test_params_command_shows_origins():
    ws = harness.workspace()
    r = run(["params", "b-county", "--content", "content"], ws)
    assert r.code == 0, r
    lines = [" ".join(l.split()) for l in r.out.splitlines()]
    assert ("hours/weekday/@open = 09:00 content/stores/b-county.xml:7"
            in lines), r
    assert ("hours/weekday/@close = 19:00 content/cities/beta.xml:5"
            in lines), r
    assert ("hours/weekend/@open = 09:00 content/defaults.xml:6"
            in lines), r
    assert not any(l.startswith("posts/post[@key='lobby") for l in lines)


def test_render_command():
    ws = harness.workspace()
    r = run(["render", "content/sections/manager.md", "--store", "a-flag",
             "--content", "content"], ws)
    assert r.code == 0, r
    assert "店长 王一 负责" in r.out and "<table>" in r.out
    assert "<html" not in r.out
    r = run(["render", "content/sections/manager.md", "--content",
             "content"], ws)
    assert r.code == 0 and "previewing for store 'a-flag'" in r.err, r
    r = run(["render", "content/sections/lobby.md", "--store", "a-std",
             "--content", "content"], ws)
    assert "note: store 'a-std' leaves this section out " \
        "(applies-to: posts/post[@key='lobby-manager'])" in r.err, r


def test_check_writes_nothing():
    ws = harness.workspace()
    r = run(["check", "--content", "content"], ws)
    assert r.code == 0, r
    assert "checked 3 stores: 0 errors, 0 warnings" in r.err, r
    assert not exists(ws, "output")


def test_usage_errors_exit_2():
    ws = harness.workspace()
    for args, msg in ((["frobnicate"], "unknown command 'frobnicate'"),
                      (["build", "--bogus"], "unknown option '--bogus'"),
                      (["params"], "missing store id"),
                      (["build", "--store", "../etc"], "invalid store id"),
                      (["build", "--jobs", "0"], "--jobs takes a number"),
                      (["check", "--content", "nowhere"],
                       "no content folder 'nowhere'"),
                      ([], "usage: manualgen COMMAND")):
        r = run(args, ws)
        assert r.code == 2, r
        assert msg in r.err, (msg, r)


def test_help_and_version():
    ws = harness.workspace()
    for cmd in ("build", "check", "render", "params", "handbook", "resolve"):
        r = run([cmd, "--help"], ws)
        assert r.code == 0 and ("usage: manualgen " + cmd) in r.out, r
    r = run(["--version"], ws)
    assert r.code == 0 and r.out.startswith("manualgen "), r


def test_installed_program_finds_its_templates():
    if harness.LABEL:  # installs the plain build; once is enough
        return
    ws = harness.workspace()
    dest = os.path.join(ws, "dest")
    p = subprocess.run(["make", "-s", "install", "PREFIX=/opt/mg",
                        "DESTDIR=" + dest], cwd=ROOT, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    prog = os.path.join(dest, "opt/mg/bin/manualgen")
    assert os.path.exists(os.path.join(dest, "opt/mg/share/man/man1/"
                                       "manualgen.1"))
    assert os.path.exists(os.path.join(dest, "opt/mg/share/manualgen/"
                                       "templates/html/site.xsl"))
    e = harness.env()
    del e["MANUALGEN_TEMPLATES"]
    r = subprocess.run([prog, "build", "--content", "content", "--out",
                        "out"], cwd=ws, capture_output=True, text=True, env=e)
    assert r.returncode == 0, r.stderr
    assert exists(ws, STORE + "a-std/handbook.html")


def test_install_step_explains_itself_without_root():
    if harness.LABEL:
        return
    ws = harness.workspace()
    fake = os.path.join(ws, "bin")
    os.mkdir(fake)
    for name, body in (("id", "echo 1000"),            # not root
                       ("dpkg-query", "exit 1")):      # nothing installed
        with open(os.path.join(fake, name), "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
        os.chmod(os.path.join(fake, name), 0o755)
    e = harness.env()
    e["PATH"] = fake + ":" + e["PATH"]
    p = subprocess.run(["sh", os.path.join(ROOT, "scripts/deps")], cwd=ROOT,
                       capture_output=True, text=True, env=e)
    assert p.returncode == 1, p
    assert "manualgen needs these Debian packages:" in p.stderr, p.stderr
    assert "Install them as root:  apt-get install" in p.stderr
    assert "libcmark-gfm-dev" in p.stderr


def test_progress_on_a_terminal():
    import pty
    ws = harness.workspace()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ws)
        os.execve(harness.BINARY, [harness.BINARY, "build", "--content",
                                   "content", "--out", "out", "--jobs", "1"],
                  harness.env())
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    text = out.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "[1/3] a-flag" in text and "[3/3] b-county" in text, text
    assert "\r" in text and "built 3 handbooks" in text, text


# ------------------------------------------- the sample: what differs

_sample = {}


def sample():
    """The sample content (content/), built once per program."""
    if harness.BINARY not in _sample:
        ws = harness.workspace(os.path.join(ROOT, "content"))
        build(ws)
        _sample[harness.BINARY] = ws
    return _sample[harness.BINARY]


def section_text(ws, store, page_name, sid):
    """The text of one section of a hall's chapter page, cells split by |,
    or None when the hall's handbook leaves the section out."""
    t = read(ws, STORE + store + "/" + page_name)
    m = re.search(r'<section id="%s" class="section">(.*?)</section>'
                  % re.escape(sid), t, re.S)
    if not m:
        return None
    body = re.sub(r"</t[dh]>", "|", m.group(1))
    return html.unescape(re.sub(r"<[^>]+>", "", body))


FLAGSHIP, COUNTY = "wx-sanyang", "wx-yixing-dingshu"   # both in Wuxi


def test_sample_section_only_where_the_post_exists():
    ws = sample()
    for sid in ("post-lobby-manager", "post-duty-manager",
                "post-device-zone", "post-account-manager"):
        assert section_text(ws, FLAGSHIP, "posts.html", sid), sid
        assert section_text(ws, COUNTY, "posts.html", sid) is None, sid
        assert f'id="{sid}"' not in read(ws, STORE + COUNTY +
                                          "/handbook.html"), sid


def duty_ids(page_html):
    """The ids of the duty items of an HTML page, in order."""
    return re.findall(r'class="duty-id">([A-Z]{2}-\d{2})<', page_html)


def test_sample_duty_moves_to_the_store_manager():
    ws = sample()

    def section_html(store, sid):
        t = read(ws, STORE + store + "/posts.html")
        m = re.search(r'<section id="%s" class="section">(.*?)</section>'
                      % re.escape(sid), t, re.S)
        return m.group(1) if m else ""
    dm = duty_ids(section_html(FLAGSHIP, "post-duty-manager"))
    sm = duty_ids(section_html(FLAGSHIP, "post-store-manager"))
    assert "DM-01" in dm and "DM-01" not in sm
    county_sm = duty_ids(section_html(COUNTY, "post-store-manager"))
    assert "DM-01" in county_sm and "DM-07" in county_sm
    # every task has exactly one owner in every hall: the duties of a post
    # a hall lacks move to another post, never to two. Duties that do not
    # apply (a device zone's where there is none; key accounts, which the
    # district branch keeps where there is no account manager) are absent.
    universal = re.compile(r"(SM|DM|LM|CL)-\d\d|GR-0[1-4]")
    for store in sorted(os.listdir(os.path.join(ws, STORE))):
        ids = duty_ids(read(ws, STORE + store + "/posts.html"))
        dup = sorted({i for i in ids if ids.count(i) > 1})
        assert ids and not dup, (store, dup)
        owned = {i for i in ids if universal.fullmatch(i)}
        expected = {i for i in ALL_DUTIES if universal.fullmatch(i)}
        assert owned == expected, (store, sorted(expected - owned))


ALL_DUTIES = sorted({d for f in glob.glob(os.path.join(
    ROOT, "content/sections/posts/*.md")) for d in re.findall(
    r"\[([A-Z]{2}-\d{2})\]", open(f, encoding="utf-8").read())})


def test_sample_weights_come_from_the_city():
    ws = sample()
    # Wuxi's weights in both Wuxi halls; Nanjing's in a Nanjing hall
    for store in (FLAGSHIP, COUNTY):
        t = section_text(ws, store, "appraisal.html", "appraisal-template")
        assert "服务质量|30%|" in t and "业务发展|35%|" in t, (store, t[:300])
    nj = section_text(ws, "nj-xinjiekou", "appraisal.html",
                      "appraisal-template")
    assert "服务质量|35%|" in nj, nj[:300]


def test_sample_store_overrides_the_city():
    ws = sample()
    # Wuxi sets a 12-minute wait target; these two halls override it
    for store, minutes in ((FLAGSHIP, 10), (COUNTY, 15),
                           ("wx-nanchang-street", 12)):
        t = section_text(ws, store, "service.html", "service-queue")
        assert f"等候时长目标|{minutes} 分钟|" in t, (store, t[:400])


def changes_text(ws, version, store):
    t = read(ws, f"out/{version}/stores/{store}/changes.html")
    return html.unescape(re.sub(r"<[^>]+>", "", t))


def test_sample_release_answers_field_feedback():
    ws = sample()
    # FB-0001 (sz-guanqian: lunch and counters at the peak) and FB-0005
    # (a county hall: the midday round on market days), resolved in 1.1
    guanqian = changes_text(ws, "1.1", "sz-guanqian")
    assert "根据 FB-0001 修订" in guanqian and "第一批在高峰开始前" in guanqian
    # the market-day passage is for county halls only
    county = changes_text(ws, "1.1", "xz-pizhou-yunhe")
    assert "根据 FB-0005 修订" in county and "午间巡视可以顺延到下午一点" \
        in county
    flagship = changes_text(ws, "1.1", "nj-xinjiekou")
    assert "午间巡视可以顺延到下午一点" not in flagship
    assert "根据 FB-0005 修订" not in flagship
    assert "第一批在高峰开始前" in flagship
    # 1.0 is superseded; latest is 1.1
    t = read(ws, STORE.replace("draft", "1.0") + "nj-xinjiekou/index.html")
    assert "../../../latest/stores/nj-xinjiekou/index.html" in t
    assert read(ws, "out/latest/index.html") == read(ws, "out/1.1/index.html")


# ---------------------------------------------------------------- safety


def test_pathological_inputs_complete():
    """Huge, repetitive input (cmark's pathological suite in spirit): the
    run must end with a message, not a crash or a stack overflow."""
    ws = harness.workspace()
    head = "---\nid: county\ntitle: 县级厅补充规定\n---\n"
    cases = {
        "quotes": head + ">" * 100000 + " x\n",
        "emphasis": head + "*a " * 50000 + "x" + " b*" * 50000 + "\n",
        "heading": head + "# " + "*a " * 50000 + "x" + " b*" * 50000 + "\n",
        "lists": head + "".join("  " * i + "- a\n" for i in range(3000)),
        "markers": head + "<!-- if: type = 'county' -->\n" * 20000 +
        "x\n" + "<!-- endif -->\n" * 20000,
        "placeholders": head + "{{ name }}" * 20000 + "\n",
        "links": head + "[a](rounds.md)" * 20000 + "\n",
        "unclosed": head + "{{" * 50000 + "\n",
    }
    for name, text in cases.items():
        write(ws, "sections/county.md", text)
        r = run(["check", "--content", "content"], ws)
        assert r.code in (0, 1), (name, r)
        if name in ("quotes", "emphasis", "heading", "lists"):
            assert "nesting deeper than 64 levels" in r.err, (name, r)
        elif name == "markers":
            assert "nested deeper than 64 levels" in r.err, (name, r)
        else:
            assert r.code == (1 if name == "unclosed" else 0), (name, r)



def test_xxe_is_refused():
    ws = harness.workspace()
    secret = os.path.join(ws, "secret.txt")
    open(secret, "w").write("TOPSECRET")
    write(ws, "stores/a-std.xml",
          '<?xml version="1.0"?>\n<!DOCTYPE store [<!ENTITY x SYSTEM '
          f'"file://{secret}">]>\n<store id="a-std" city="alpha">'
          '<name>&x;</name></store>\n')
    r = build(ws, code=1)
    assert "TOPSECRET" not in r.err + r.out
    assert "content/stores/a-std.xml" in r.err, r
    assert not exists(ws, "out/draft")


def test_billion_laughs_is_refused():
    ws = harness.workspace()
    ents = "".join(f'<!ENTITY l{i} "&l{i-1};&l{i-1};&l{i-1};&l{i-1};'
                   f'&l{i-1};&l{i-1};&l{i-1};&l{i-1};&l{i-1};&l{i-1};">'
                   for i in range(1, 10))
    write(ws, "cities/beta.xml",
          f'<?xml version="1.0"?>\n<!DOCTYPE city [<!ENTITY l0 "lol">{ents}]>'
          '\n<city id="beta"><city-name>&l9;</city-name></city>\n')
    t = time.time()
    r = build(ws, code=1)
    assert time.time() - t < 20, "took too long"
    assert "content/cities/beta.xml" in r.err, r
    assert "lollol" not in r.err


def test_stylesheets_cannot_write_files():
    ws = harness.workspace()
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    victim = os.path.join(ws, "pwned.txt")
    site = os.path.join(tpl, "html", "site.xsl")
    s = open(site, encoding="utf-8").read()
    s = s.replace("<xsl:stylesheet", '<xsl:stylesheet xmlns:exsl='
                  '"http://exslt.org/common" extension-element-prefixes="exsl"',
                  1)
    s = s.replace("</xsl:stylesheet>",
                  '<xsl:template match="/" priority="100"><exsl:document '
                  f'href="{victim}"><x/></exsl:document></xsl:template>'
                  "</xsl:stylesheet>")
    open(site, "w", encoding="utf-8").write(s)
    r = run(["build", "--content", "content", "--out", "out",
             "--templates", tpl], ws)
    assert r.code == 1, r
    assert not os.path.exists(victim)


def test_store_ids_cannot_escape_the_output_folder():
    ws = harness.workspace()
    shutil.copy(os.path.join(ws, "content/stores/a-std.xml"),
                os.path.join(ws, "content/stores/Bad..Name.xml"))
    r = build(ws, code=1)
    assert ("content/stores/Bad..Name.xml: error: store file names must be "
            "lowercase letters, digits and '-' (the name is the store id and "
            "its output folder)") in r.err.splitlines(), r


# ---------------------------------------------------------------- runner


def _tests():
    """The test_* functions of this module and of every tests/e2e_*.py
    (one module per subject, so that each stays readable)."""
    import importlib
    found = [(n, f) for n, f in globals().items()
             if n.startswith("test_") and callable(f)]
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "e2e_*.py"))):
        mod = importlib.import_module(os.path.basename(path)[:-3])
        found += [(n, f) for n, f in vars(mod).items()
                  if n.startswith("test_") and callable(f)]
    names = [n for n, _ in found]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, f"test names used twice: {sorted(dup)}"
    return sorted(found)


def run_all(only=None):
    for name, fn in _tests():
        if only and only not in name and only not in "e2e":
            continue
        try:
            fn()
            harness.record(f"{harness.LABEL}e2e {name[5:]}", True)
        except AssertionError as ex:
            harness.record(f"{harness.LABEL}e2e {name[5:]}", False, str(ex))
        except Exception as ex:  # a broken test is a failed test
            harness.record(f"{harness.LABEL}e2e {name[5:]}", False, repr(ex))
    if not only or only in "equiv":
        corpus = sorted(glob.glob(os.path.join(ROOT, "tests/equiv/*.md")))
        p = subprocess.run(
            ["python3", os.path.join(ROOT, "tests/equiv/compare.py"),
             f"{harness.BINARY} render --content "
             f"{os.path.join(ROOT, 'tests/fixtures/basic')}"] + corpus,
            capture_output=True, text=True, env=harness.env())
        last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
        harness.record(f"{harness.LABEL}equiv cmark-gfm HTML over "
                       f"{len(corpus)} files ({last})",
                       p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:])
    if not only or only in "sample":
        r = run(["check", "--content", os.path.join(ROOT, "content")], ROOT)
        harness.record(f"{harness.LABEL}sample content checks clean",
                       r.code == 0 and ": warning:" not in r.err and
                       ": error:" not in r.err, repr(r))


def validate_html():
    """Every page of the fixture and of the sample, through vnu."""
    jar = os.path.join(ROOT, "tests/node_modules/vnu-jar/build/dist/vnu.jar")
    if not os.path.exists(jar):
        harness.record("html5 validator installed", False,
                       "run `make check` (it installs tests/node_modules)")
        return
    ws = harness.workspace()
    build(ws)
    import e2e_feedback  # HQ's feedback page, with an item of each status
    e2e_feedback.ledger_for_page(ws)
    run(["feedback", "--content", "content", "page", "-o",
         os.path.join(ws, "out", "feedback.html")], ws)
    r = run(["build", "--content", os.path.join(ROOT, "content"), "--out",
             os.path.join(ws, "sample")], ROOT)
    # three releases, with feedback resolved: the pages only releases have
    import e2e_releases
    rel = e2e_releases.three_releases()
    e2e_releases.build(rel)
    pages = glob.glob(os.path.join(rel, "out", "**", "*.html"),
                      recursive=True)
    pages += glob.glob(os.path.join(ws, "out", "**", "*.html"), recursive=True)
    pages += glob.glob(os.path.join(ws, "sample", "**", "*.html"),
                       recursive=True)
    p = subprocess.run(["java", "-jar", jar, "--errors-only", "--also-check-css"]
                       + pages, capture_output=True, text=True)
    harness.record(f"html5 {len(pages)} pages valid (Nu checker)",
                   p.returncode == 0 and r.code == 0 and len(pages) > 20,
                   p.stderr[-3000:] + repr(r))
