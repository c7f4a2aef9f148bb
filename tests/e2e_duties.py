"""End-to-end tests of declared duties and forms (issue 8): duty items
printed from their declaration, the hall's owner by the reassignments,
reassigned duties on the new owner's page, outside owners, duties that do
not apply, the duty matrix and forms pages, and a release that keeps the
declarations in its compiled manual.

The fixture declares (tests/fixtures/basic/duties.xml): SM-01..03 of the
store manager (SM-03 for flagships only; SM-02 goes to the district
branch in county halls), LM-01..02 of the lobby manager, whom only a-flag
has (the others give them to the store manager)."""
import os
import re

import harness
from harness import run
from e2e import build, exists, page, read

STORE = "out/draft/stores/"


def built():
    ws = harness.workspace()
    build(ws)
    return ws


def duty_item(p, did):
    """The text of the <li class="duty"> of duty did on page text p."""
    i = p.find('<span class="duty-id">%s</span>' % did)
    assert i >= 0, did
    start = p.rfind("<li", 0, i)
    return p[start:p.find("</li>", i)]


def test_duty_items_print_the_declared_id_and_title():
    ws = built()
    t = read(ws, STORE + "a-flag/duties.html")
    item = duty_item(t, "LM-01")
    assert 'id="duty.LM-01"' in item, item
    assert '<strong class="duty-title">大堂秩序</strong>' in item, item
    assert "维持大堂秩序" in item and "[LM-01]" not in t, item
    # the hall's own owner: no note
    assert "duty-owner" not in item, item


def test_reassigned_duties_show_on_the_new_owners_page_marked():
    ws = built()
    for store in ("a-std", "b-county"):
        p = page(ws, STORE + store + "/duties.html")
        t = read(ws, STORE + store + "/duties.html")
        assert "lobby" not in p.ids, store            # the section is left out
        assert "本厅兼任的职责" in p.text, store
        block = t[t.find('class="reassigned-duties"'):]
        assert "大堂秩序" in block and "叫号机检查" in block, block
        assert "（原属大堂经理）" in block, block
        # copies carry no id of their own
        assert 'id="duty.LM-01"' not in t, store
    # a-flag has the post: nothing is added
    assert "本厅兼任的职责" not in read(ws, STORE + "a-flag/duties.html")


def test_a_duty_given_outside_the_hall_says_who_carries_it():
    ws = built()
    county = duty_item(read(ws, STORE + "b-county/duties.html"), "SM-02")
    assert "（本厅由区县分公司承担）" in county, county
    std = duty_item(read(ws, STORE + "a-std/duties.html"), "SM-02")
    assert "duty-owner" not in std, std


def test_a_duty_that_does_not_apply_is_listed_apart():
    ws = built()
    std = read(ws, STORE + "a-std/duties.html")
    assert '<span class="duty-id">SM-03</span>' not in std
    assert "贵宾到店时" not in std
    m = page(ws, STORE + "a-std/duty-matrix.html").text
    assert "本厅不适用的职责" in m and "SM-03 贵宾接待" in m, m
    flag = read(ws, STORE + "a-flag/duties.html")
    assert "贵宾到店时" in duty_item(flag, "SM-03")


def test_duty_matrix_marks_each_owner():
    ws = built()
    t = read(ws, STORE + "b-county/duty-matrix.html")
    head = t[t.find("<thead>"):t.find("</thead>")]
    assert ">店长<" in head and ">营业员<" in head and ">厅外<" in head, head
    assert ">大堂经理<" not in head, head          # not a post of this hall
    row = t[t.find(">SM-02</span>"):]
    row = row[:row.find("</tr>")]
    assert '<td class="owner">区县分公司</td>' in row, row
    row = t[t.find(">LM-01</span>"):]
    row = row[:row.find("</tr>")]
    assert row.count('<td class="owner">●</td>') == 1, row


def test_forms_page_and_links():
    ws = built()
    for store in ("a-flag", "a-std", "b-county"):
        idx = page(ws, STORE + store + "/index.html")
        assert "duty-matrix.html" in idx.hrefs(), store
        assert "forms.html" in idx.hrefs(), store
    f = page(ws, STORE + "a-std/forms.html")
    assert {"form.shift-log", "form.vip-register"} <= f.ids, f.ids
    t = read(ws, STORE + "a-std/forms.html")
    assert "填写：店长" in t and "保存 12 个月" in t, t
    assert "<th scope=\"row\">交接班</th>" in t, t
    # who fills the shift log follows the reassignment
    assert "填写：大堂经理" in read(ws, STORE + "a-flag/forms.html")
    h = page(ws, STORE + "a-std/handbook.html")
    assert {"part.duties", "part.forms"} <= h.ids
    assert "#part.duties" in h.hrefs() and "#part.forms" in h.hrefs()


def test_every_duty_word_is_in_both_languages():
    here = os.path.dirname(os.path.abspath(__file__))
    tpl = os.path.join(here, "..", "templates", "l10n")
    keys = {}
    for lang in ("zh-CN", "en"):
        with open(os.path.join(tpl, lang + ".xml"), encoding="utf-8") as f:
            keys[lang] = set(re.findall(r'key="((?:dut|forms)[^"]*)"',
                                        f.read()))
    assert len(keys["zh-CN"]) >= 11 and keys["zh-CN"] == keys["en"], keys


def test_a_release_keeps_the_declarations_and_renders_the_same():
    ws = harness.workspace()
    r = run(["publish", "1.0", "--notes", "首次发布。", "--date", "2026-01-05",
             "--content", "content"], ws)
    assert r.code == 0, r
    compiled = read(ws, "content/releases/1.0/compiled.xml")
    assert "<m:duties " in compiled and "<m:forms " in compiled
    assert 'm:duty="LM-01"' in compiled
    for store in ("a-std", "b-county"):
        a = run(["resolve", store, "--content", "content"], ws)
        b = run(["resolve", store, "--version", "1.0", "--content", "content"],
                ws)
        assert a.code == 0 and b.code == 0, (a, b)
        da = a.out[a.out.find("<m:duties>"):a.out.find("</m:forms>")]
        db = b.out[b.out.find("<m:duties>"):b.out.find("</m:forms>")]
        assert da and da == db, (da, db)
        # the chapters (a release adds its own parts after them)
        ca = a.out[a.out.find("<m:chapter"):a.out.rfind("</m:chapter>")]
        cb = b.out[b.out.find("<m:chapter"):b.out.rfind("</m:chapter>")]
        # the edition's name is in the feedback links: not content
        ca, cb = (re.sub(r' feedback="[^"]*"', "", x) for x in (ca, cb))
        assert ca == cb, store
        assert "reassigned-duties" in cb, store
