"""End-to-end tests: HQ's rules (content/rules.xml) in `check` and
`build`, and check 9 (`literal`), on the draft only.

Each test gets a fresh workspace (tests/fixtures/basic as content/).
"""
import os
import shutil

import harness
from harness import run, write

# Four rules: an assert with value-of (an error where a standard hall has
# no lobby manager), a report with role="warning", and two rules of one
# pattern, the first taking the clerks so that the second (which would
# fire on a clerk) never sees them.
RULES = """<?xml version="1.0" encoding="UTF-8"?>
<rules>
  <pattern id="staff">
    <rule context="/store[type='standard']">
      <assert id="HQ-01" test="posts/post[@key='lobby-manager']">标准厅必须设大堂经理（<value-of select="name"/>）</assert>
    </rule>
  </pattern>
  <pattern id="counters">
    <rule context="posts">
      <report id="HQ-02" test="sum(post/@count) &lt; 5" role="warning">本厅仅 <value-of select="sum(post/@count)"/> 人</report>
    </rule>
  </pattern>
  <pattern id="posts">
    <rule context="posts/post[@key='clerk']">
      <assert id="HQ-03" test="@count &gt;= 3">营业员不足 3 人（<value-of select="@count"/> 人）</assert>
    </rule>
    <rule context="posts/post">
      <assert id="HQ-04" test="@key != 'clerk'">营业员被第二条规则检验</assert>
    </rule>
  </pattern>
</rules>
"""

ERRORS = [
    "content/rules.xml:5:7: error: 标准厅必须设大堂经理（甲市标准厅） [HQ-01] "
    "(store a-std)",
    "content/rules.xml:10:7: warning: 本厅仅 3 人 [HQ-02] (store b-county)",
    "content/rules.xml:15:7: error: 营业员不足 3 人（2 人） [HQ-03] "
    "(store b-county)",
]


def diagnostics(r):
    return [ln for ln in r.err.splitlines()
            if ": error:" in ln or ": warning:" in ln]


def test_rules_assert_report_value_of_and_roles():
    ws = harness.workspace()
    try:
        write(ws, "rules.xml", RULES)
        r = run(["check", "--content", "content"], ws)
        assert r.code == 1, r
        assert diagnostics(r) == ERRORS, r
        assert "checked 3 stores: 2 errors, 1 warning " in r.err, r
        # build reports the same and writes nothing
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 1, r
        assert diagnostics(r) == ERRORS, r
        assert "build failed: 2 errors, 1 warning; nothing was written" \
            in r.err, r
        assert not os.path.exists(os.path.join(ws, "out", "draft")), r
        # a warning alone does not fail: the halls are fixed
        text = open(os.path.join(ws, "content", "stores", "a-std.xml"),
                    encoding="utf-8").read()
        write(ws, "stores/a-std.xml", text.replace(
            "<manager>李二</manager>",
            "<manager>李二</manager>\n  <posts>\n    <post key=\"lobby-manager\""
            " count=\"1\" title=\"大堂经理\"/>\n  </posts>"))
        text = open(os.path.join(ws, "content", "stores", "b-county.xml"),
                    encoding="utf-8").read()
        write(ws, "stores/b-county.xml", text.replace(
            'key="clerk" count="2"', 'key="clerk" count="3"'))
        r = run(["check", "--content", "content"], ws)
        assert r.code == 0, r
        assert diagnostics(r) == [
            "content/rules.xml:10:7: warning: 本厅仅 4 人 [HQ-02] "
            "(store b-county)"], r
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0, r
        assert "built 3 handbooks, 19 pages, 1 warning " in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_rules_only_in_check_and_build():
    """A hall's handbook is not refused for HQ's rules: they are checked
    when the edition is checked or built."""
    ws = harness.workspace()
    try:
        write(ws, "rules.xml", RULES)
        r = run(["handbook", "a-std", "--content", "content", "-o", "a.html"],
                ws)
        assert r.code == 0, r
        assert "HQ-01" not in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_rules_never_check_a_release():
    """A release is frozen: its halls' parameters are not checked against
    rules added after it."""
    ws = harness.workspace()
    try:
        r = run(["publish", "1.0", "--content", "content", "--notes", "首次发布。",
                 "--date", "2026-01-05"], ws)
        assert r.code == 0, r
        text = open(os.path.join(ws, "content", "stores", "a-std.xml"),
                    encoding="utf-8").read()
        write(ws, "stores/a-std.xml", text.replace("李二", "李四"))
        write(ws, "rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
<rules>
  <pattern>
    <rule context="/store">
      <report id="HQ-01" test="manager = '李二'">店长已调离</report>
    </rule>
  </pattern>
</rules>
""")
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0, r
        assert "HQ-01" not in r.err, r
        assert os.path.exists(os.path.join(ws, "out", "1.0", "stores",
                                           "a-std", "index.html")), r
        # the draft's hall is checked: the rule fires there
        write(ws, "stores/a-std.xml", text)
        r = run(["check", "--content", "content"], ws)
        assert r.code == 1, r
        assert diagnostics(r) == [
            "content/rules.xml:5:7: error: 店长已调离 [HQ-01] (store a-std)"], r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_literal_warns_once_per_section_in_check_and_build():
    ws = harness.workspace()
    try:
        write(ws, "sections/county.md", "---\nid: county\ntitle: 县级厅\n---\n"
              "县级厅 18:00 关门。\n")
        want = ("content/sections/county.md:5:5: warning: 18:00 is a time "
                "the parameters set (hours/weekday/@close in "
                "content/defaults.xml:5, and 1 more): write "
                "{{ hours/weekday/@close }} instead [literal]")
        r = run(["check", "--content", "content"], ws)
        assert r.code == 0, r
        # once, not once per hall (and the section is b-county's alone)
        assert diagnostics(r) == [want], r
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0, r
        assert diagnostics(r) == [want], r
        r = run(["handbook", "b-county", "--content", "content", "-o",
                 "b.html"], ws)
        assert r.code == 0, r
        assert diagnostics(r) == [], r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
