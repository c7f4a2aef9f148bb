"""`check --format json`: every message as one JSON object a line on
standard output, for editors and CI annotations; the same messages as the
text format, with every hall they concern."""
import json
import os
import re
import shutil

import harness
from harness import run, write

CITY = """<?xml version="1.0" encoding="UTF-8"?>
<city id="alpha">
  <city-name>甲市</city-name>
  <appraisal>
    <weight key="service-quality" percent="60"/>
    <weight key="business-development" percent="30"/>
  </appraisal>
</city>
"""


def messages(ws, *more):
    r = run(["check", "--content", "content", "--format", "json"] + list(more),
            ws)
    objs = [json.loads(line) for line in r.out.splitlines()]
    for o in objs:
        assert set(o) == {"file", "line", "column", "severity", "message",
                          "halls"}, o
    return r, objs


def test_json_has_the_text_messages_with_every_hall():
    ws = harness.workspace()
    try:
        write(ws, "cities/alpha.xml", CITY)
        # six copies of a-flag: more halls than the five the text names
        d = os.path.join(ws, "content", "stores")
        flag = open(os.path.join(d, "a-flag.xml"), encoding="utf-8").read()
        for i in range(1, 7):
            with open(os.path.join(d, f"a-flag-{i}.xml"), "w",
                      encoding="utf-8") as f:
                f.write(flag.replace('id="a-flag"', f'id="a-flag-{i}"'))
        text = run(["check", "--content", "content"], ws)
        assert text.code == 1, text
        r, objs = messages(ws)
        assert r.code == 1 and "1 error" in r.err, r  # the summary: stderr
        lines = [l for l in text.err.splitlines() if ": error: " in l
                 or ": warning: " in l]
        assert len(objs) == len(lines) > 0, (objs, lines)
        for o, line in zip(objs, lines):
            where = o["file"]
            if o["line"]:
                where += f":{o['line']}"
            if o["column"]:
                where += f":{o['column']}"
            assert line.startswith(f"{where}: {o['severity']}: "
                                   f"{o['message']}"), (o, line)
        weights = [o for o in objs if "appraisal weights" in o["message"]]
        assert weights and weights[0]["severity"] == "error", objs
        halls = weights[0]["halls"]
        # every hall that takes the city's weights, though the text names
        # five and "2 more"
        assert halls == ["a-flag"] + [f"a-flag-{i}" for i in range(1, 7)], \
            halls
        assert re.search(r"\(stores a-flag, .* and 2 more\)",
                         "\n".join(lines)), lines
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_json_escapes_what_it_prints_and_is_empty_when_clean():
    ws = harness.workspace()
    try:
        r, objs = messages(ws)
        assert r.code == 0 and objs == [] and r.out == "", r
        # a message quoting the content: a quote, a backslash and a tab
        p = os.path.join(ws, "content", "manual.xml")
        m = open(p, encoding="utf-8").read()
        with open(p, "w", encoding="utf-8") as f:
            f.write(m.replace('<section href="sections/lobby.md"/>',
                              '<section href="sections/lobby.md"/>\n'
                              '    <section href="sections/x&quot;y\\z&#9;w.md"/>'))
        r, objs = messages(ws)
        assert r.code == 1 and len(objs) == 1, r
        o = objs[0]
        assert o["file"] == "content/manual.xml" and o["line"] > 0, o
        assert o["column"] == 0 and o["halls"] == [], o  # no column known
        assert "'sections/x\"y\\z\tw.md'" in o["message"], o
        assert '\\"y\\\\z\\u0009w' in r.out, r.out  # escaped, one line
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_format_takes_text_or_json():
    ws = harness.workspace()
    try:
        r = run(["check", "--content", "content", "--format", "xml"], ws)
        assert r.code == 2 and "'text' or 'json'" in r.err, r
        r = run(["check", "--content", "content", "--format", "text"], ws)
        assert r.code == 0 and r.out == "", r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
