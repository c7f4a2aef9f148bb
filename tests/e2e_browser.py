"""The pages in a browser: Debian's headless Chromium, driven by the pinned
playwright-core, opens every kind of page from file:// at a phone's width
(390 px) and a PC's (1280 px), and tests/browser/check.mjs checks each:

  overflow  no page is wider than the viewport (it never scrolls sideways);
  columns   no table column is narrower than 4 em;
  axe       axe-core (pinned), its default rules: no violation;
  headings  one h1, the first heading, and no skipped level;
  skip      the first Tab reaches a skip link into <main>, shown on focus.

The pages: the fixture's draft (the index of halls, every page of a hall)
and three releases published now, so with these templates (the editions
page, a release's and a superseded release's index of halls, every page of
a hall in the latest release, changes.html with its marks in each release,
versions.html, the feedback page); and the draft of the sample in content/
(every page of a flagship hall and of a county hall, supervision.html with
its wide tables among them); and the fixture with a section of long
URLs, code and wide tables (WIDE). The sample's own releases keep the templates
they froze, so they are not checked here.

One browser run serves every test below (it is slow to start), once per
program under test. Without chromium or tests/node_modules the tests fail:
`scripts/deps test` installs both.
"""
import glob
import json
import os
import subprocess
import tempfile
import urllib.parse

import harness
import e2e
import e2e_releases

ROOT = harness.ROOT
CHROMIUM = os.environ.get("MANUALGEN_CHROMIUM", "/usr/bin/chromium")
NODE_MODULES = os.path.join(ROOT, "tests", "node_modules")
WIDTHS = (390, 1280)
SAMPLE_HALLS = ("wx-sanyang", "wx-yixing-dingshu")

_runs = {}

# A section of what widens a page on a phone: a long URL and a long code
# in the text, a long line in a code block, a table of ten columns of
# Chinese text, a table with an empty corner cell.
WIDE = """---
id: wide
title: 宽内容
---
### 长链接与长代码

参见 <https://example.com/%s>。

编号 `%s` 照抄。

```
%s
```

| 日期 | 时段 | 区域 | 对象 | 问题或亮点 | 依据 | 整改要求与期限 | 复查日期与结果 | 督导人 | 确认 |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 每月一次 | 上午 | 大堂 | 甲组 | 台面凌乱，资料架缺页，叫号机故障未报修 | 第三章 | 当日整改 | 次日复查 | 甲 | 是 |

#### 小标题

|  | 工作日 | 周末 |
| --- | --- | --- |
| 开始 | 07:45 | 08:15 |
""" % ("a/" * 60 + "x" * 80, "ABCDEFGHIJ0123456789" * 6, "x=" + "abc" * 80)


def wide_workspace():
    """The fixture with the section WIDE in its second chapter, built."""
    ws = harness.workspace()
    harness.write(ws, "sections/wide.md", WIDE)
    p = os.path.join(ws, "content", "manual.xml")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    text = text.replace('<section href="sections/county.md"/>',
                        '<section href="sections/county.md"/>\n'
                        '    <section href="sections/wide.md"/>')
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    e2e.build(ws)
    return ws


def _html(folder):
    return sorted(glob.glob(os.path.join(folder, "*.html")))


def pages():
    """The pages to check, one or more of every kind: (file, label)."""
    rel = os.path.join(e2e_releases.released(), "out")
    sample = os.path.join(e2e.sample(), "out")
    files = [os.path.join(rel, "index.html"),            # the editions
             os.path.join(rel, "feedback.html"),         # HQ's ledger
             os.path.join(rel, "draft", "index.html"),   # the halls
             os.path.join(rel, "1.2", "index.html"),     # a release's halls
             os.path.join(rel, "1.1", "index.html")]     # superseded
    files += _html(os.path.join(rel, "draft", "stores", "a-flag"))
    files += _html(os.path.join(rel, "1.2", "stores", "a-std"))
    files += sorted(glob.glob(os.path.join(rel, "1.2", "stores", "*",
                                           "changes.html")))
    files += [os.path.join(rel, "1.1", "stores", "a-std", "changes.html"),
              os.path.join(rel, "1.1", "stores", "a-std", "index.html")]
    wide = os.path.join(wide_workspace(), "out")
    files += [os.path.join(wide, "draft", "stores", "a-flag", f)
              for f in ("patrol.html", "handbook.html")]
    files.append(os.path.join(sample, "draft", "index.html"))
    for hall in SAMPLE_HALLS:
        files += _html(os.path.join(sample, "draft", "stores", hall))
    # the handbook as the search page: its results instead of its text
    files += [os.path.join(rel, "draft", "stores", "a-flag", "handbook.html")
              + "?q=" + urllib.parse.quote("叫号机"),
              os.path.join(sample, "draft", "stores", SAMPLE_HALLS[0],
                           "handbook.html") + "?q=" + urllib.parse.quote("巡视")]
    seen = []
    for f in files:
        if f not in seen:
            seen.append(f)
    return seen, {rel: "fixture", sample: "sample", wide: "wide"}


def _run():
    """Runs check.mjs over pages(); returns (results, labels) or raises."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    for pkg, f in (("playwright-core", "package.json"),
                   ("axe-core", "axe.min.js")):
        if not os.path.exists(os.path.join(NODE_MODULES, pkg, f)):
            missing.append(f"tests/node_modules/{pkg}")
    if missing:
        raise AssertionError("missing: " + ", ".join(missing) +
                             " (run `scripts/deps test` as root)")
    files, labels = pages()
    absent = [f for f in files if not os.path.exists(f.split("?")[0])]
    assert not absent, f"pages not built: {absent}"
    fd, out = tempfile.mkstemp(prefix="mgbrowser-", suffix=".json")
    os.close(fd)
    try:
        p = subprocess.run(
            ["node", os.path.join(ROOT, "tests", "browser", "check.mjs"), out]
            + files, capture_output=True, text=True, timeout=1800,
            env=harness.env(MANUALGEN_CHROMIUM=CHROMIUM))
        assert p.returncode == 0, (f"check.mjs exit {p.returncode}\n"
                                   f"{p.stdout}{p.stderr[-3000:]}")
        with open(out, encoding="utf-8") as f:
            results = json.load(f)
    finally:
        os.remove(out)
    print("     | " + p.stdout.strip())
    # what failed, by check and by axe rule: the run's summary
    by = {}
    rules = {}
    for r in results:
        by.setdefault(r["check"], [0, 0])[0 if r["ok"] else 1] += 1
        for v in r.get("rules", []):
            rules[v["id"]] = rules.get(v["id"], 0) + 1
    print("     | failed: " + ", ".join(
        f"{c} {n[1]}/{sum(n)}" for c, n in sorted(by.items())) +
        ("; axe rules (page x width): " + ", ".join(
            f"{k} {v}" for k, v in sorted(rules.items())) if rules else ""))
    for r in results:
        for prefix, label in labels.items():
            if r["page"].startswith(prefix + os.sep):
                r["page"] = label + ":" + r["page"][len(prefix) + 1:]
    return results, files


def results():
    if harness.BINARY not in _runs:
        try:
            _runs[harness.BINARY] = _run()
        except AssertionError as ex:
            _runs[harness.BINARY] = ex
    r = _runs[harness.BINARY]
    if isinstance(r, AssertionError):
        raise AssertionError(str(r))
    return r


def check(name):
    """Fails with every page and width where check `name` failed."""
    res, files = results()
    mine = [r for r in res if r["check"] in (name, "load")]
    done = {(r["page"], r["width"]) for r in mine if r["check"] == name}
    assert len(done) == len(files) * len(WIDTHS), \
        f"{name}: {len(done)} page x width checked, expected " \
        f"{len(files)} x {len(WIDTHS)}"
    bad = [r for r in mine if not r["ok"]]
    assert not bad, f"{name}: {len(bad)} of {len(done)} page x width " \
        "failed:\n" + "\n".join(
            f"{r['page']} at {r['width']} px: {r['detail']}" for r in bad)


def test_browser_checks_every_page_kind():
    _, files = results()
    names = {os.path.basename(f) for f in files}
    for kind in ("index.html", "handbook.html", "duty-matrix.html",
                 "forms.html", "changes.html", "versions.html",
                 "feedback.html", "supervision.html", "patrol.html"):
        assert kind in names, f"no {kind} among the pages checked"
    assert any(n.startswith("handbook.html?q=") for n in names), \
        "no search results among the pages checked"
    assert len(files) >= 40, len(files)


def test_browser_no_page_wider_than_the_viewport():
    check("overflow")


def test_browser_no_table_column_narrower_than_4em():
    check("columns")


def test_browser_axe_core_finds_no_violation():
    check("axe")


def test_browser_one_h1_and_no_skipped_heading_level():
    check("headings")


def test_browser_skip_link_first_and_into_main():
    check("skip")
