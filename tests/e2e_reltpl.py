"""End-to-end tests of the release templates (issue 7), on hand-made input
documents: tests/templates/*.xml are resolved manuals decorated as the C
side decorates them (docs/design.md, templates/html/site.xsl), the edition
list and a feed. Each is transformed with xsltproc (the same libxslt
manualgen uses) and the pages are checked for their structure and text,
validated with the Nu HTML checker, and the feed checked as Atom.

The inputs carry an empty <m:l10n lang="..."/>; it is filled here from
templates/l10n/ the way manualgen fills it (every key of en.xml, in the
page's language where it has one), so the strings tested are the shipped
ones.
"""
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import harness
from e2e import Page

ROOT = harness.ROOT
TPL = os.path.join(ROOT, "templates")
DATA = os.path.join(ROOT, "tests", "templates")
VNU = os.path.join(ROOT, "tests/node_modules/vnu-jar/build/dist/vnu.jar")
M = "{urn:manualgen}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_PAGES = ("index.html", "duties.html", "patrol.html", "changes.html",
              "versions.html")


# ------------------------------------------------------------------ helpers

def strings(lang):
    root = ET.parse(os.path.join(TPL, "l10n", lang + ".xml")).getroot()
    return [(s.get("key"), s.text or "") for s in root if s.tag == M + "string"]


def l10n_block(lang):
    tr = dict(strings(lang))
    return (f'<m:l10n lang="{lang}">' +
            "".join(f"<m:string key={quoteattr(k)}>{escape(tr.get(k, v))}"
                    "</m:string>" for k, v in strings("en")) +
            "</m:l10n>")


def load(name, lang="zh-CN"):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        text = f.read()
    assert '<m:l10n lang="zh-CN"/>' in text, name
    text = text.replace('<m:l10n lang="zh-CN"/>', l10n_block(lang))
    if lang != "zh-CN":
        text = re.sub(r'(<m:(?:manual|stores|editions|feed)\b[^>]*?) '
                      r'lang="zh-CN"', rf'\1 lang="{lang}"', text, count=1)
    return text


def xpath_string(v):
    """v as an XPath expression (xsltproc's --stringparam takes no value
    with both kinds of quote, and the CSS has both)."""
    if "'" not in v:
        return f"'{v}'"
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in v.split("'")) + ")"


def transform(driver, doc, **params):
    """Applies templates/html/<driver> to the text doc; returns the pages
    {href: element} (the <html> or Atom <feed>) and the messages. Any
    message (an unknown element, a missing string) fails the test."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml", encoding="utf-8",
                                     delete=False) as f:
        f.write(doc)
    try:
        argv = ["xsltproc", "--nonet"]
        for k, v in params.items():
            argv += ["--param", k.replace("_", "."), xpath_string(v)]
        p = subprocess.run(argv + [os.path.join(TPL, "html", driver), f.name],
                           capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    assert p.returncode == 0, f"xsltproc {driver}: exit {p.returncode}\n{p.stderr}"
    assert p.stderr == "", f"xsltproc {driver} said:\n{p.stderr}"
    root = ET.fromstring(p.stdout.encode("utf-8"))
    assert root.tag == M + "pages", root.tag
    pages = {}
    for pg in root:
        assert pg.tag == M + "page" and len(pg) == 1, pg
        pages[pg.get("href")] = pg[0]
    return pages


def html(el):
    """A page as manualgen writes it: HTML5 serialization."""
    return "<!DOCTYPE html>\n" + ET.tostring(el, encoding="unicode",
                                             method="html")


def site(name, lang="zh-CN"):
    return {h: html(e) for h, e in
            transform("site.xsl", load(name, lang)).items()}


def handbook(name, lang="zh-CN"):
    css = open(os.path.join(TPL, "css", "manual.css"), encoding="utf-8").read()
    pages = transform("handbook.xsl", load(name, lang), css=css)
    assert list(pages) == ["handbook.html"], list(pages)
    return html(pages["handbook.html"])


def elements(p, tag, cls):
    return [a for t, a in p.elements
            if t == tag and cls in a.get("class", "").split()]


def notice_links(p):
    return [a["href"] for a in p.find("a", **{"class": "superseded-link"})]


def between(text, start, end):
    """The part of a page's source between two markers."""
    i = text.index(start)
    return text[i:text.index(end, i)]


# ------------------------------------------------------------------ tests

def test_reltpl_release_pages_name_version_date_and_superseded():
    pages = site("release-1.1-a-flag.xml")
    pages["handbook.html"] = handbook("release-1.1-a-flag.xml")
    assert sorted(pages) == sorted(SITE_PAGES + ("handbook.html",)), \
        sorted(pages)
    for href, text in pages.items():
        p = Page(text)
        ed = between(text, '<p class="edition">', "</p>")
        assert "版本：1.1，" in Page(ed).text, (href, ed)
        assert '<time datetime="2026-12-15">2026-12-15</time> 起执行' in ed, ed
        assert "草稿" not in p.text, href
        # the notice comes first, before the header, and links to the
        # same page in latest/
        assert text.index('class="superseded"') < text.index("<header"), href
        assert "本版已被 1.2 版取代。" in p.text, href
        assert notice_links(p) == \
            [f"../../../latest/stores/a-flag/{href}"], (href, notice_links(p))
    # the store list of the release
    idx = Page(html(transform("index.xsl", load("stores-1.1.xml"))["index.html"]))
    assert notice_links(idx) == ["../latest/index.html"], notice_links(idx)
    assert "版本：1.1，2026-12-15 起执行" in idx.text
    assert "../index.html" in idx.hrefs()          # every edition


def test_reltpl_superseded_store_not_in_latest_links_latest_index():
    for href, text in site("release-1.0-b-county.xml").items():
        p = Page(text)
        assert notice_links(p) == ["../../../latest/index.html"], href
        assert "最新版已不含本厅手册" in p.text, href
    p = Page(handbook("release-1.0-b-county.xml"))
    assert notice_links(p) == ["../../../latest/index.html"]


def test_reltpl_latest_release_has_no_notice():
    pages = site("release-1.2-a-flag.xml")
    pages["handbook.html"] = handbook("release-1.2-a-flag.xml")
    for href, text in pages.items():
        assert 'class="superseded"' not in text, href
        assert "版本：1.2，2026-12-20 起执行" in Page(text).text, href


def test_reltpl_change_page_lists_changes_with_links_and_feedback():
    pages = site("release-1.1-a-flag.xml")
    p = Page(pages["changes.html"])
    assert p.find("body", **{"class": "changes-page"})
    assert "本版变更" in p.text
    assert "与 1.0 版相比，本厅手册有以下变化。" in p.text
    assert "根据营业厅反馈修订了巡视时间，新增大堂经理一节。" in p.text
    # each change: status word, the title linking to the passage (not
    # for a removed section), its own entry
    for section, status, href in (("rounds", "修改", "patrol.html#rounds"),
                                  ("lobby", "新增", "duties.html#lobby"),
                                  ("queue", "删除", None)):
        assert f"change.{section}" in p.ids, section
        entry = between(pages["changes.html"], f'id="change.{section}"',
                        "</h3>")
        assert status in Page(entry).text, (section, entry)
        links = [a["href"] for a in Page(entry).find("a")]
        assert links == ([href] if href else []), (section, links)
    assert "本节已从本厅手册中删除" in p.text
    # the feedback a change resolves, linked to its entry below
    rounds = between(pages["changes.html"], 'id="change.rounds"', "</section>")
    assert "根据 FB-0003 修订" in Page(rounds).text
    assert '<a class="feedback-ref" href="#feedback.FB-0003">' in rounds
    # the resolved feedback: this store's, and another store's
    assert {"feedback.FB-0003", "feedback.FB-0005"} <= p.ids
    fb3 = Page(between(pages["changes.html"], 'id="feedback.FB-0003"', "</li>"))
    assert "2026-11-20" in fb3.text and "本厅" in fb3.text
    assert "中午巡视与交接班冲突" in fb3.text
    assert fb3.hrefs() == ["patrol.html#rounds"]
    fb5 = Page(between(pages["changes.html"], 'id="feedback.FB-0005"', "</li>"))
    assert "乙县营业厅" in fb5.text and "县级厅补充规定" in fb5.text
    assert fb5.hrefs() == []    # a section this store does not have
    # linked from the contents page and from every page's sidebar
    for href in SITE_PAGES:
        q = Page(pages[href])
        assert "changes.html" in q.hrefs(), href
        assert "versions.html" in q.hrefs(), href
    cur = Page(pages["changes.html"]).find("a", aria_current="page")
    assert [a["href"] for a in cur] == ["changes.html"], cur


def test_reltpl_change_marks_in_text():
    text = site("release-1.1-a-flag.xml")["changes.html"]
    p = Page(text)
    # inline, between inlines and inside a text node; ids kept
    assert '<del class="change-del" id="change-1">08:00</del>' \
           '<ins class="change-ins" id="change-2">08:10</ins>' in text
    assert '<ins class="change-ins" id="change-3">12:00 加巡一次，</ins>' in text
    assert ('投诉电话：<del class="change-del" id="change-6">025-8660-0000</del>'
            '<ins class="change-ins" id="change-7">025-8660-1000</ins>。') in text
    # inside code
    assert '<code>patrol=<del class="change-del">2</del>' \
           '<ins class="change-ins">3</ins></code>' in text
    assert '班次 A <del class="change-del">08:00</del>' in text
    # whole blocks: a labelled div, the blocks inside ins / del
    assert ('<div class="change-ins-block" id="change-4">'
            '<p class="change-label">新增内容</p>'
            '<ins class="change-block-body"><p>午间巡视与交接班错开') in text
    assert ('<div class="change-del-block" id="change-5">'
            '<p class="change-label">删除内容</p>'
            '<del class="change-block-body"><p>周末不巡视。</p></del></div>') in text
    # list items and table rows carry the mark themselves; a tight list
    # stays tight; the label follows a task item's checkbox
    assert re.search(r'<li class="change-ins-block" id="change-8">'
                     r'<input type="checkbox" disabled[^>]*> '
                     r'<span class="change-label">新增内容</span> 检查自助终端'
                     r'</li>', text)
    assert ('<li class="change-del-block"><span class="change-label">删除内容'
            '</span> 锁好后门</li>') in text
    assert ('<tr class="change-ins-block" id="change-9">'
            '<td style="text-align: left"><span class="change-label">新增内容'
            '</span> 中午</td>') in text
    assert '<tr class="change-del-block">' in text
    assert len(elements(p, "span", "change-label")) == 4
    assert "正文中新增的文字加下划线，删除的文字加删除线" in p.text


def test_reltpl_change_page_when_nothing_changed():
    pages = site("release-1.2-a-flag.xml")
    p = Page(pages["changes.html"])
    assert "本版对本厅没有改动。" in p.text
    assert "与 1.1 版相比" in p.text
    assert "调整县级厅考核说明。" in p.text
    assert not [i for i in p.ids if i.startswith("change.")]
    assert "本版处理的反馈" not in p.text
    first = Page(site("release-1.0-b-county.xml")["changes.html"])
    assert "本版是本厅手册的第一个正式版本。" in first.text


def test_reltpl_versions_page():
    pages = site("release-1.1-a-flag.xml")
    text = pages["versions.html"]
    p = Page(text)
    assert p.find("body", **{"class": "versions-page"})
    assert "版本记录" in p.text
    versions = [t for t in re.findall(r'class="version-name"[^>]*>([^<]*)<',
                                      text)]
    assert versions == ["1.2 版", "1.1 版", "1.0 版"], versions   # newest first
    for v in ("1.0", "1.1", "1.2"):
        assert f"../../../{v}/stores/a-flag/index.html" in p.hrefs(), v
    cur = p.find("a", aria_current="true")
    assert [a["href"] for a in cur] == ["../../../1.1/stores/a-flag/index.html"]
    assert "正在查看" in p.text and "最新版" in p.text
    for words in ("本厅手册首次发布", "本厅有改动", "本厅无改动", "首次发布。",
                  "2026-12-01", "2026-12-15", "2026-12-20"):
        assert words in p.text, words
    assert "../../../feeds/a-flag.xml" in p.hrefs()
    assert "versions.html" in Page(pages["index.html"]).hrefs()
    # a release without the store: named, not linked
    q = Page(site("release-1.0-b-county.xml")["versions.html"])
    assert "本版不含本厅" in q.text
    assert "../../../1.2/stores/b-county/index.html" not in q.hrefs()
    assert "../../../1.1/stores/b-county/index.html" in q.hrefs()


def test_reltpl_section_feedback_link_and_revised_note():
    pages = site("release-1.1-a-flag.xml")
    text = pages["patrol.html"]
    p = Page(text)
    fl = p.find("a", **{"class": "feedback-link"})
    assert [a["href"] for a in fl] == [
        "mailto:manual@example.com.cn?subject=%E5%8F%8D%E9%A6%88%20a-flag"
        "%20rounds%201.1"], fl
    assert fl[0]["aria-label"] == "反馈问题：巡视时间"
    meta = Page(between(text, '<p class="section-meta">', "</p>"))
    assert "根据 FB-0003、FB-0004 修订" in meta.text
    # FB-0003 is in this release's list, FB-0004 is not: not linked
    assert meta.hrefs()[:1] == ["changes.html#feedback.FB-0003"]
    assert not [h for h in meta.hrefs() if "FB-0004" in h]
    # right after the section title
    assert text.index('<p class="section-meta">') == \
        text.index("<h2>巡视时间</h2>") + len("<h2>巡视时间</h2>")
    assert len(Page(pages["duties.html"]).find(
        "a", **{"class": "feedback-link"})) == 2
    hb = Page(handbook("release-1.1-a-flag.xml"))
    assert "#feedback.FB-0003" in hb.hrefs()
    assert len(hb.find("a", **{"class": "feedback-link"})) == 3
    # the normal pages show no marks
    for href in ("index.html", "duties.html", "patrol.html"):
        assert "<ins" not in pages[href] and "<del" not in pages[href], href


def test_reltpl_handbook_ends_with_the_changes():
    text = handbook("release-1.1-a-flag.xml")
    p = Page(text)
    assert "edition.changes" in p.ids
    assert "#edition.changes" in p.hrefs()              # from the contents
    part = text[text.index('id="edition.changes"'):]
    assert text.index('id="chapter.patrol"') < text.index('id="edition.changes"')
    q = Page(part)
    for words in ("本版变更", "与 1.0 版相比", "修改", "新增", "删除", "巡视时间",
                  "大堂经理", "叫号规则", "根据 FB-0003 修订", "本版处理的反馈",
                  "中午巡视与交接班冲突"):
        assert words in q.text, words
    assert {"#rounds", "#lobby", "#feedback.FB-0003"} <= set(q.hrefs())
    # the list only: the text is in the chapters, so no marks, no ids twice
    assert "<ins" not in text and "<del" not in text
    ids = [a["id"] for _, a in p.elements if "id" in a]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_reltpl_draft_has_feedback_links_and_nothing_of_a_release():
    pages = site("draft-a-flag.xml")
    pages["handbook.html"] = handbook("draft-a-flag.xml")
    assert sorted(pages) == ["duties.html", "handbook.html", "index.html",
                             "patrol.html"], sorted(pages)
    for href, text in pages.items():
        p = Page(text)
        assert "版本：草稿 2026-11-29" in p.text, href
        classes = {c for _, a in p.elements for c in a.get("class", "").split()}
        for absent in ("superseded", "edition-links", "revised-for"):
            assert absent not in classes, (href, absent)
        assert not [h for h in p.hrefs() if h.startswith(
            ("changes.html", "versions.html", "../../../"))], href
    p = Page(pages["patrol.html"])
    assert [a["href"] for a in p.find("a", **{"class": "feedback-link"})] == \
        ["mailto:manual@example.com.cn?subject=a-flag%20rounds%20draft"]


def test_reltpl_editions_page():
    pages = transform("editions.xsl", load("editions.xml"))
    assert list(pages) == ["index.html"]
    text = html(pages["index.html"])
    p = Page(text)
    assert p.find("link", rel="stylesheet", href="latest/manual.css")
    hrefs = p.hrefs()
    assert hrefs[:2] == ["#main", "latest/index.html"], hrefs
    assert [h for h in hrefs[2:] if h.endswith("index.html")] == \
        ["1.2/index.html", "1.1/index.html", "1.0/index.html",
         "draft/index.html"], hrefs
    latest = Page(between(text, 'class="edition-latest"', "</section>"))
    assert "最新版本" in latest.text and "1.2 版" in latest.text
    assert "2026-12-20 起执行" in latest.text
    for words in ("1.0 版", "2026-12-01", "首次发布。", "根据营业厅反馈修订",
                  "草稿", "2026-12-22", "草稿尚未发布"):
        assert words in p.text, words
    assert text.index("1.0/index.html") < text.index("draft/index.html")
    # before the first release: the draft only, and say so
    css = open(os.path.join(TPL, "css", "manual.css"), encoding="utf-8").read()
    only = Page(html(transform("editions.xsl", load("editions-draft-only.xml"))
                     ["index.html"]))
    assert only.find("link", rel="stylesheet", href="draft/manual.css")
    assert "尚未发布正式版本。" in only.text
    assert [h for h in only.hrefs() if h != "#main"] == ["draft/index.html"]
    inline = html(transform("editions.xsl", load("editions.xml"), css=css)
                  ["index.html"])
    assert "<style>" in inline and 'rel="stylesheet"' not in inline


def test_reltpl_feed_is_atom():
    pages = transform("feed.xsl", load("feed-a-flag.xml"))
    assert list(pages) == ["a-flag.xml"], list(pages)
    feed = pages["a-flag.xml"]
    # as manualgen writes it: XML, the Atom namespace, nothing of ours
    text = ET.tostring(feed, encoding="unicode")
    again = ET.fromstring(text)
    assert again.tag == ATOM + "feed"
    assert "urn:manualgen" not in text
    date = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def one(el, name):
        found = el.findall(ATOM + name)
        assert len(found) == 1, (name, found)
        return found[0]

    assert one(feed, "title").text == "测试手册 · 甲市旗舰厅：更新记录"
    assert one(feed, "id").text == "tag:manualgen,2026:store/a-flag"
    assert one(feed, "updated").text == "2026-12-15T00:00:00Z"
    assert one(one(feed, "author"), "name").text == "测试省公司"
    self_ = [ln for ln in feed.findall(ATOM + "link") if ln.get("rel") == "self"]
    assert [ln.get("href") for ln in self_] == ["a-flag.xml"]
    entries = feed.findall(ATOM + "entry")
    assert [one(e, "id").text for e in entries] == [
        "tag:manualgen,2026:store/a-flag/1.1",
        "tag:manualgen,2026:store/a-flag/1.0"]
    for e in entries:
        assert date.match(one(e, "updated").text), one(e, "updated").text
        alt = [ln for ln in e.findall(ATOM + "link")
               if ln.get("rel") == "alternate"]
        assert len(alt) == 1 and alt[0].get("type") == "text/html"
    first = entries[0]
    assert one(first, "title").text == "1.1 版"
    assert first.find(ATOM + "link").get("href") == \
        "../1.1/stores/a-flag/changes.html"
    summary = one(first, "summary")
    assert summary.get("type") == "text"
    lines = summary.text.strip().split("\n")
    assert lines == ["根据营业厅反馈修订了巡视时间，新增大堂经理一节。",
                     "修改：巡视时间、店长", "新增：大堂经理", "删除：叫号规则"], lines
    # the tag: ids do not depend on the organisation
    other = load("feed-a-flag.xml").replace("测试省公司", "另一家公司")
    assert ET.tostring(transform("feed.xsl", other)["a-flag.xml"].find(
        ATOM + "id"), encoding="unicode") == ET.tostring(
        one(feed, "id"), encoding="unicode")


def test_reltpl_strings_in_both_languages():
    zh = [k for k, _ in strings("zh-CN")]
    en = [k for k, _ in strings("en")]
    assert len(zh) == len(set(zh)) and len(en) == len(set(en))
    assert set(zh) == set(en), sorted(set(zh) ^ set(en))
    # every page in English: no key missing (transform fails on a message)
    pages = site("release-1.1-a-flag.xml", lang="en")
    p = Page(pages["changes.html"])
    for words in ("Changes in this edition", "What changed in this store’s "
                  "handbook since Edition 1.0.", "Revised in response to "
                  "FB-0003", "This edition has been superseded by Edition 1.2.",
                  "Edition: 1.1, effective 2026-12-15", "Added", "Removed"):
        assert words in p.text, words
    assert "Report a problem" in Page(pages["patrol.html"]).text
    assert "Edition history" in Page(pages["versions.html"]).text
    handbook("release-1.1-a-flag.xml", lang="en")
    transform("editions.xsl", load("editions.xml", lang="en"))
    feed = transform("feed.xsl", load("feed-a-flag.xml", lang="en"))
    assert feed["a-flag.xml"].find(ATOM + "title").text == \
        "测试手册 · 甲市旗舰厅: updates"


def test_reltpl_pages_are_valid_html5():
    """Every HTML page of every input, through the Nu checker."""
    assert os.path.exists(VNU), f"the Nu HTML checker is not installed: {VNU}"
    out = tempfile.mkdtemp(prefix="mgtest-reltpl-")
    files = []

    def keep(name, text):
        path = os.path.join(out, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        files.append(path)

    for doc in ("release-1.1-a-flag.xml", "release-1.0-b-county.xml",
                "release-1.2-a-flag.xml", "draft-a-flag.xml"):
        for href, text in site(doc).items():
            keep(f"{doc[:-4]}-{href}", text)
        keep(f"{doc[:-4]}-handbook.html", handbook(doc))
    keep("stores-1.1.html",
         html(transform("index.xsl", load("stores-1.1.xml"))["index.html"]))
    for doc in ("editions.xml", "editions-draft-only.xml"):
        keep(doc[:-4] + ".html",
             html(transform("editions.xsl", load(doc))["index.html"]))
    p = subprocess.run(["java", "-jar", VNU, "--errors-only", "--also-check-css",
                        os.path.join(TPL, "css", "manual.css")] + files,
                       capture_output=True, text=True)
    assert p.returncode == 0 and len(files) == 24, \
        f"{len(files)} pages\n" + p.stderr[-3000:]
    for f in files:
        os.unlink(f)
    os.rmdir(out)
