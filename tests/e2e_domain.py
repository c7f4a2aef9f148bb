"""End-to-end tests of the domain checks (issue 8): they run on the
draft's halls in `check` and `build`, never on a release (frozen as it
was published), and a failing hall writes nothing. The messages
themselves are pinned by tests/errors/domain-*.case."""
import os
import shutil

import harness
from harness import run, write
from e2e import read

RULE_FIVE_COUNTERS = """<?xml version="1.0" encoding="UTF-8"?>
<rules>
  <pattern>
    <rule context="/store[name = '甲市标准厅']">
      <assert id="HQ-01" test="counters &gt;= 5">柜台不足 5 个</assert>
    </rule>
  </pattern>
</rules>
"""

STAFFING = "content/stores/a-std.xml:5:3: error: 2 counters must be open " \
    "at peak (queue/@peak-counters from content/defaults.xml:32), but the " \
    "hall has only 1 (counters from content/stores/a-std.xml:5) " \
    "[staffing] (store a-std)"


def too_few_counters(ws):
    src = read(ws, "content/stores/a-std.xml")
    write(ws, "stores/a-std.xml",
          src.replace("  <manager>李二</manager>\n",
                      "  <manager>李二</manager>\n  <counters>1</counters>\n"))
    return src


def test_domain_checks_fail_check_and_build_of_the_draft():
    ws = harness.workspace()
    try:
        too_few_counters(ws)
        for args in (["check"], ["build", "--out", "out"]):
            r = run(args + ["--content", "content"], ws)
            assert r.code == 1, r
            assert STAFFING in r.err.splitlines(), r
        assert not os.path.exists(os.path.join(ws, "out", "draft")), \
            "a failed build wrote the draft"
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_domain_checks_never_judge_a_release():
    ws = harness.workspace()
    try:
        # a release freezes the hall as it was: 4 counters
        r = run(["publish", "1.0", "--notes", "首次发布。", "--date",
                 "2026-01-05", "--content", "content"], ws)
        assert r.code == 0, r
        # then HQ asks for 5 counters, and the draft's hall has them; the
        # release's hall would fail the rule, but a release is not judged
        write(ws, "rules.xml", RULE_FIVE_COUNTERS)
        src = read(ws, "content/stores/a-std.xml")
        write(ws, "stores/a-std.xml",
              src.replace("  <manager>李二</manager>\n",
                          "  <manager>李二</manager>\n"
                          "  <counters>5</counters>\n"))
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0 and "[staffing]" not in r.err, r
        assert os.path.exists(
            os.path.join(ws, "out/1.0/stores/a-std/index.html"))
        r = run(["check", "--content", "content"], ws)
        assert r.code == 0 and ": error:" not in r.err, r
        r = run(["handbook", "a-std", "--version", "1.0", "--content",
                 "content", "-o", "h.html"], ws)
        assert r.code == 0 and "[staffing]" not in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_publish_refuses_content_the_checks_fail():
    ws = harness.workspace()
    try:
        too_few_counters(ws)
        r = run(["publish", "1.0", "--notes", "首次发布。", "--date",
                 "2026-01-05", "--content", "content"], ws)
        assert r.code == 1, r
        assert STAFFING in r.err.splitlines(), r
        assert "release 1.0 was not published" in r.err, r
        assert not os.path.exists(
            os.path.join(ws, "content", "releases", "1.0")), r
        # HQ's rules too
        write(ws, "stores/a-std.xml", read(ws, "content/stores/a-std.xml")
              .replace("  <counters>1</counters>\n", ""))
        write(ws, "rules.xml", RULE_FIVE_COUNTERS)
        r = run(["publish", "1.0", "--notes", "首次发布。", "--date",
                 "2026-01-05", "--content", "content"], ws)
        assert r.code == 1, r
        assert "content/rules.xml:5:7: error: 柜台不足 5 个 [HQ-01] " \
            "(store a-std)" in r.err, r
        assert not os.path.exists(
            os.path.join(ws, "content", "releases", "1.0")), r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
