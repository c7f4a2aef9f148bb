"""Render once per shape, splice per hall (generator/splice.c), against
the reference: every hall through the stylesheets (`build --no-splice`).

Each test builds the same content both ways and requires the two output
folders to be equal file for file, byte for byte; and it reads the
splicer's counts (MANUALGEN_SPLICE_STATS) so that a fast path that
quietly gave up on every hall, which would also be byte-identical,
fails."""
import os
import re
import shutil
import tempfile

import harness

ROOT = harness.ROOT


def tree(d):
    out = {}
    for base, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def stats(err):
    m = re.search(r"splice: (\d+) shapes rendered, (\d+) halls spliced, "
                  r"(\d+) through the stylesheets", err)
    assert m, "no splice stats in:\n" + err
    return tuple(int(x) for x in m.groups())


def bodies(err):
    """(made, of): the lazy section bodies the splicer made to render."""
    m = re.search(r"; (\d+) of (\d+) section bodies made", err)
    assert m, "no body counts in:\n" + err
    return tuple(int(x) for x in m.groups())


def both_ways(ws, content="content", templates=None):
    """Builds content into out-splice and out-reference; returns the
    splicer's counts after requiring the same bytes."""
    more = ["--templates", templates] if templates else []
    a = harness.run(["build", "--content", content, "--out", "out-splice"]
                    + more, ws, MANUALGEN_SPLICE_STATS="1")
    assert a.code == 0, a
    both_ways.made = bodies(a.err)
    b = harness.run(["build", "--content", content, "--out", "out-reference",
                     "--no-splice"] + more, ws, MANUALGEN_SPLICE_STATS="1")
    assert b.code == 0, b
    assert "splice:" not in b.err, b  # the reference made no shape
    ta = tree(os.path.join(ws, "out-splice"))
    tb = tree(os.path.join(ws, "out-reference"))
    assert sorted(ta) == sorted(tb), (sorted(set(ta) ^ set(tb)))[:10]
    differ = [k for k in sorted(ta) if ta[k] != tb[k]]
    assert not differ, f"{len(differ)} files differ, first: {differ[:5]}"
    assert len(ta) > 10, sorted(ta)
    return stats(a.err)


def clone_halls(ws, n):
    """Every store of the workspace's content, n times over: the same
    shape, other names and ids."""
    d = os.path.join(ws, "content", "stores")
    for f in sorted(os.listdir(d)):
        sid = f[:-4]
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            text = fh.read()
        for i in range(1, n + 1):
            t = text.replace(f'id="{sid}"', f'id="{sid}-{i}"')
            t = re.sub(r"<name>(.*?)</name>", rf"<name>\1 {i} 号</name>", t,
                       count=1)
            with open(os.path.join(d, f"{sid}-{i}.xml"), "w",
                      encoding="utf-8") as fh:
                fh.write(t)


def copies_of(ws, store, edits):
    """Writes copies of the store: STORE-1, STORE-2, ..., the i-th with
    the (old, new) replacements of edits[i - 1] made in its file."""
    d = os.path.join(ws, "content", "stores")
    with open(os.path.join(d, f"{store}.xml"), encoding="utf-8") as f:
        text = f.read()
    for i, pairs in enumerate(edits, 1):
        t = text.replace(f'id="{store}"', f'id="{store}-{i}"')
        for old, new in pairs:
            assert old in t, (store, old)
            t = t.replace(old, new)
        with open(os.path.join(d, f"{store}-{i}.xml"), "w",
                  encoding="utf-8") as f:
            f.write(t)


def add_sections(ws, *names):
    """Lists sections/NAME.md after lobby.md in the manual."""
    p = os.path.join(ws, "content", "manual.xml")
    with open(p, encoding="utf-8") as f:
        m = f.read()
    more = "".join(f'\n    <section href="sections/{n}.md"/>' for n in names)
    with open(p, "w", encoding="utf-8") as f:
        f.write(m.replace('<section href="sections/lobby.md"/>',
                          '<section href="sections/lobby.md"/>' + more))


def test_splice_sample_with_releases_is_byte_identical():
    ws = tempfile.mkdtemp(prefix="mgtest-")
    try:
        shutil.copytree(os.path.join(ROOT, "content"),
                        os.path.join(ws, "content"))
        rendered, spliced, through = both_ways(ws)
        # 12 halls in the draft and in each of the two releases
        assert spliced == 36 and through == 0, (rendered, spliced, through)
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_splice_renders_each_shape_once_for_cloned_halls():
    ws = harness.workspace()
    try:
        clone_halls(ws, 6)  # 3 stores -> 3 + 18 halls, 3 shapes
        rendered, spliced, through = both_ways(ws)
        assert spliced == 21 and through == 0, (rendered, spliced, through)
        # each shape once: a thread that meets a shape being rendered
        # waits for it
        assert rendered == 3, (rendered, spliced, through)
        # and only the first hall of each made its section bodies: the
        # others were traced, found known, and spliced
        made, of = both_ways.made
        assert 0 < made and 7 * made == of, (made, of)
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_splice_escapes_values_as_the_serializer_does():
    ws = harness.workspace()
    try:
        p = os.path.join(ws, "content", "stores", "a-std.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        # markup characters in a value printed as text, in a title, and in
        # the feedback address (a URI attribute)
        text = re.sub(r"<name>(.*?)</name>",
                      r"<name>\1 &amp; 分店 &lt;东&gt; A&amp;B</name>", text,
                      count=1)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        rendered, spliced, through = both_ways(ws)
        assert through == 0 and spliced >= 3, (rendered, spliced, through)
        page = open(os.path.join(ws, "out-splice", "draft", "stores", "a-std",
                                 "index.html"), encoding="utf-8").read()
        assert "&amp; 分店 &lt;东&gt; A&amp;B" in page, page[:2000]
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def with_templates(ws, old, new):
    """A copy of the templates in the workspace, html/site.xsl edited."""
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    p = os.path.join(tpl, "html", "site.xsl")
    with open(p, encoding="utf-8") as f:
        x = f.read()
    assert old in x
    with open(p, "w", encoding="utf-8") as f:
        f.write(x.replace(old, new, 1))
    return tpl


H1 = "<h1><xsl:value-of select=\"m:title\"/></h1>"


def test_splice_falls_back_when_a_value_would_change_quotes():
    ws = harness.workspace()
    try:
        # a stylesheet that prints the hall's name in an attribute
        tpl = with_templates(ws, H1, H1 + "<p class=\"named\" title=\""
                             "{m:store/@name}\">x</p>")
        p = os.path.join(ws, "content", "stores", "a-std.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"<name>(.*?)</name>", r"""<name>\1 "东门" 'B'</name>""",
                      text, count=1)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        rendered, spliced, through = both_ways(ws, templates=tpl)
        # quotes in an attribute change how the serializer quotes it: that
        # hall takes the stylesheets, the others are spliced
        assert through == 1 and spliced == 2, (rendered, spliced, through)
        page = open(os.path.join(ws, "out-splice", "draft", "stores", "b-county",
                                 "index.html"), encoding="utf-8").read()
        assert re.search(r'<p class="named" title="[^"\ue000]+">', page), page
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_splice_falls_back_when_a_stylesheet_takes_a_value_apart():
    ws = harness.workspace()
    try:
        tpl = with_templates(ws, H1, H1 + "<p class=\"short\"><xsl:value-of "
                             "select=\"substring(m:store/@name, 1, 2)\"/></p>")
        rendered, spliced, through = both_ways(ws, templates=tpl)
        assert through == 3 and spliced == 0, (rendered, spliced, through)
        page = open(os.path.join(ws, "out-splice", "draft", "stores", "a-std",
                                 "index.html"), encoding="utf-8").read()
        assert re.search(r'<p class="short">[^<\ue000]{2}</p>', page), page
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_splice_releases_of_the_fixture_are_byte_identical():
    ws = harness.workspace()
    try:
        r = harness.run(["publish", "1.0", "--content", "content", "--notes",
                         "第一版", "--date", "2026-01-05"], ws)
        assert r.code == 0, r
        p = os.path.join(ws, "content", "stores", "a-std.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"<name>(.*?)</name>", r"<name>\1（新址）</name>", text,
                      count=1)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        r = harness.run(["publish", "1.1", "--content", "content", "--notes",
                         "改名", "--date", "2026-02-01"], ws)
        assert r.code == 0, r
        rendered, spliced, through = both_ways(ws)
        assert spliced == 9 and through == 0, (rendered, spliced, through)
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_noop_rebuild_resolves_nothing_and_one_change_rebuilds_one_hall():
    ws = harness.workspace()
    try:
        clone_halls(ws, 2)
        r = harness.run(["build", "--content", "content"], ws,
                        MANUALGEN_SPLICE_STATS="1")
        assert r.code == 0, r
        # nothing changed: every hall carried over before it is resolved,
        # so nothing is rendered or spliced
        r = harness.run(["build", "--content", "content"], ws,
                        MANUALGEN_SPLICE_STATS="1")
        assert r.code == 0, r
        assert "(9 up to date)" in r.err, r
        assert stats(r.err) == (0, 0, 0), r
        # one hall's parameter: that hall alone
        p = os.path.join(ws, "content", "stores", "b-county-1.xml")
        with open(p, encoding="utf-8") as f:
            text = f.read()
        with open(p, "w", encoding="utf-8") as f:
            f.write(re.sub(r"<name>(.*?)</name>", r"<name>\1 改</name>", text,
                           count=1))
        r = harness.run(["build", "--content", "content"], ws,
                        MANUALGEN_SPLICE_STATS="1")
        assert r.code == 0, r
        assert "(8 up to date)" in r.err, r
        assert stats(r.err)[1] == 1, r
        page = open(os.path.join(ws, "output", "draft", "stores",
                                 "b-county-1", "index.html"),
                    encoding="utf-8").read()
        assert " 改" in page
        # a template: every hall
        tpl = os.path.join(ws, "templates")
        shutil.copytree(os.path.join(ROOT, "templates"), tpl)
        with open(os.path.join(tpl, "css", "manual.css"), "a") as f:
            f.write("\n/* changed */\n")
        r = harness.run(["build", "--content", "content", "--templates", tpl],
                        ws, MANUALGEN_SPLICE_STATS="1",
                        MANUALGEN_TEMPLATES=tpl)
        assert r.code == 0, r
        assert "up to date" not in r.err, r
        # a hall whose new parameters fail the checks is checked, not
        # carried over
        with open(p, "w", encoding="utf-8") as f:
            f.write(text.replace("</store>", "<bogus/></store>"))
        r = harness.run(["build", "--content", "content", "--templates", tpl],
                        ws, MANUALGEN_TEMPLATES=tpl)
        assert r.code == 1 and "b-county-1" in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_feeds_made_again_read_the_history_when_the_releases_are_fresh():
    """A change of the current templates alone leaves every release's
    halls up to date (they keep their frozen templates), so the history
    pass could be skipped; the feeds, made again with the new templates,
    read that history: they must be what a fresh build makes."""
    ws = harness.workspace()
    try:
        r = harness.run(["publish", "1.0", "--content", "content", "--notes",
                         "第一版", "--date", "2026-01-05"], ws)
        assert r.code == 0, r
        r = harness.run(["build", "--content", "content"], ws)
        assert r.code == 0, r
        tpl = with_templates(ws, H1, H1)
        with open(os.path.join(tpl, "html", "feed.xsl"), "a",
                  encoding="utf-8") as f:
            f.write("<!-- changed -->\n")
        r = harness.run(["build", "--content", "content", "--templates", tpl],
                        ws, MANUALGEN_TEMPLATES=tpl)
        assert r.code == 0, r
        assert "(3 up to date)" in r.err, r  # the release's halls
        r = harness.run(["build", "--content", "content", "--templates", tpl,
                         "--out", "fresh"], ws, MANUALGEN_TEMPLATES=tpl)
        assert r.code == 0, r
        a = tree(os.path.join(ws, "output", "feeds"))
        b = tree(os.path.join(ws, "fresh", "feeds"))
        assert a == b, [k for k in a if a[k] != b.get(k)]
        assert any(b"<entry" in v for v in a.values()), a
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_section_bodies_are_reused_across_shapes():
    """Four halls with a-std's skeleton, each a different combination of
    the branches of two sections: the fourth combination's bodies have all
    been seen, so it is spliced without running the drivers (by whole
    manuals, it would have been rendered)."""
    ws = harness.workspace()
    try:
        harness.write(ws, "sections/x1.md", "---\nid: x1\ntitle: 考核\n---\n"
                      "<!-- if: appraisal/weight[@key='service-quality']"
                      "/@percent >= 70 -->\n服务质量占七成以上。\n"
                      "<!-- else -->\n服务质量不足七成。\n<!-- endif -->\n")
        harness.write(ws, "sections/x2.md", "---\nid: x2\ntitle: 店长\n---\n"
                      "<!-- if: manager = '李二' -->\n店长是老店长。\n"
                      "<!-- else -->\n店长是新店长。\n<!-- endif -->\n\n"
                      "店长：{{ manager }}。\n")
        add_sections(ws, "x1", "x2")
        combos = [(70, "李二"), (60, "李二"), (70, "王五"), (60, "王五")]
        copies_of(ws, "a-std", [
            [("<manager>李二</manager>", f"<manager>{mgr}</manager>"),
             ('percent="70"', f'percent="{pc}"'),
             ('percent="30"', f'percent="{100 - pc}"')]
            for pc, mgr in combos])
        rendered, spliced, through = both_ways(ws)
        assert spliced == 7 and through == 0, (rendered, spliced, through)
        r = harness.run(["build", "--content", "content", "--out", "one",
                         "--jobs", "1"], ws, MANUALGEN_SPLICE_STATS="1")
        assert r.code == 0, r
        # in id order: a-flag and a-std, each its skeleton and every body;
        # a-std-1 (a-std's combination) nothing; a-std-2 and a-std-3 the
        # one body each adds; a-std-4 nothing; b-county its own
        assert stats(r.err) == (5, 7, 0), r
        # the bodies made: a-std-1 and a-std-4 none, a-std-2 and -3 one each
        per = open(os.path.join(ws, "one", "draft", "stores", "a-std",
                                "handbook.html"),
                   encoding="utf-8").read().count('class="section"')
        made, of = bodies(r.err)
        assert per > 2 and made == of - 4 * per + 2, (made, of, per)
        page = open(os.path.join(ws, "one", "draft", "stores", "a-std-4",
                                 "duties.html"), encoding="utf-8").read()
        assert "服务质量不足七成" in page and "店长是新店长" in page, page
        assert "店长：王五" in page, page
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_values_in_link_destinations_tell_bodies_apart():
    """A placeholder in a link's destination is not holed (the URL filter
    must see it): two halls of one shape whose managers differ have two
    variants of that section's body, each rendered, not one spliced into
    the other's page."""
    ws = harness.workspace()
    try:
        harness.write(ws, "sections/x3.md", "---\nid: x3\ntitle: 联系\n---\n"
                      "[找店长](<https://example.com.cn/m?who={{ manager }}>)，"
                      "店长{{ manager }}。\n")
        add_sections(ws, "x3")
        copies_of(ws, "a-std", [
            [("<manager>李二</manager>", f"<manager>{mgr}</manager>")]
            for mgr in ["王五", "赵六"]])
        rendered, spliced, through = both_ways(ws)
        assert spliced == 5 and through == 0, (rendered, spliced, through)
        for sid, mgr in (("a-std-1", "王五"), ("a-std-2", "赵六")):
            page = open(os.path.join(ws, "out-splice", "draft", "stores", sid,
                                     "handbook.html"), encoding="utf-8").read()
            want = "who=" + "".join(f"%{b:02X}" for b in mgr.encode())
            assert want in page and "店长" + mgr in page, (sid, page[-3000:])
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_halls_of_other_types_share_pages_when_the_drivers_only_print_it():
    """The drivers declare (m:prints-store) that they only print the
    hall's type and its label: halls that differ only in type then share
    one skeleton. Without the declaration (a copy of the templates that
    drops it, as templates frozen by an older release have none) each
    type has its own, and both ways give the reference's bytes."""
    ws = harness.workspace()
    try:
        with open(os.path.join(ws, "content", "stores", "a-std.xml"),
                  encoding="utf-8") as f:
            assert "<type>" not in f.read()  # its city's type
        copies_of(ws, "a-std", [
            [("<manager>", f"<type>{typ}</type>\n  <manager>")]
            for typ in ["flagship", "self-operated", "standard"]])
        declared = both_ways(ws)
        tpl = os.path.join(ws, "templates")
        shutil.copytree(os.path.join(ROOT, "templates"), tpl)
        for drv in ("site.xsl", "handbook.xsl"):
            p = os.path.join(tpl, "html", drv)
            with open(p, encoding="utf-8") as f:
                s = f.read()
            assert 'm:prints-store="type type-label"' in s, drv
            with open(p, "w", encoding="utf-8") as f:
                f.write(s.replace('m:prints-store="type type-label"', ""))
        shutil.rmtree(os.path.join(ws, "out-splice"))
        shutil.rmtree(os.path.join(ws, "out-reference"))
        undeclared = both_ways(ws, templates=tpl)
        assert declared[1] == undeclared[1] == 6, (declared, undeclared)
        # a-std and its copies: one skeleton (a copy renders only what its
        # type's branches add), or one for each type, each rendered whole
        assert declared[0] < undeclared[0], (declared, undeclared)
        page = open(os.path.join(ws, "out-splice", "draft", "stores",
                                 "a-std-2", "index.html"),
                    encoding="utf-8").read()
        assert 'store-type-self-operated">自建自营厅<' in page, page[:3000]
    finally:
        shutil.rmtree(ws, ignore_errors=True)
