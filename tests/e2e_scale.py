"""Pathological parameter files (cmark's test/pathological_tests.py in
spirit): work must grow with the size of the input, not with its square.
The time bounds are generous, so that they hold under the sanitizers on a
busy machine, and far below what quadratic code takes.
"""
import shutil
import time

import harness
from harness import run, write

N = 20000


def contacts(attr):
    return "".join(f'    <contact key="c{i}" {attr}="x{i}" '
                   f'phone="025-{i}"/>\n' for i in range(N))


def test_pathological_20000_contacts_merge_in_linear_time():
    """20,000 contacts in defaults, each refined by a store: the merge used
    to scan the inherited entries for every entry (49 s)."""
    ws = harness.workspace()
    try:
        with open(f"{ws}/content/defaults.xml", encoding="utf-8") as f:
            defaults = f.read()
        write(ws, "defaults.xml",
              defaults.replace("<contacts>\n", "<contacts>\n" +
                               contacts("label"), 1))
        write(ws, "stores/a-flag.xml",
              '<?xml version="1.0" encoding="UTF-8"?>\n'
              '<store id="a-flag" city="alpha">\n'
              '  <name>甲市旗舰厅</name>\n  <manager>王一</manager>\n'
              '  <posts><post key="lobby-manager" count="2"/></posts>\n'
              '  <contacts>\n' + contacts("name") + '  </contacts>\n'
              '</store>\n')
        write(ws, "sections/county.md",
              "---\nid: county\ntitle: 县级厅补充规定\n---\n"
              "{{ contacts/contact[@key='c19999']/@label }}\n")
        t0 = time.monotonic()
        r = run(["check", "--content", "content"], ws)
        secs = time.monotonic() - t0
        assert r.code == 0 and ": error:" not in r.err, r
        assert secs < 10, f"check took {secs:.1f} s\n{r}"
        r = run(["params", "a-flag", "--content", "content"], ws)
        assert r.code == 0, r
        last = [ln for ln in r.out.splitlines()
                if ln.startswith("contacts/contact[@key='c19999']/@")]
        # the label from defaults; the phone the store overrides, in its
        # place; the name the store adds, last
        assert [ln.split()[0] for ln in last] == [
            "contacts/contact[@key='c19999']/@label",
            "contacts/contact[@key='c19999']/@phone",
            "contacts/contact[@key='c19999']/@name"], r
        assert last[0].endswith("content/defaults.xml:20016"), last
        assert last[1].endswith("content/stores/a-flag.xml:20006"), last
        assert last[2].endswith("content/stores/a-flag.xml:20006"), last
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_pathological_20000_schema_errors_on_one_line():
    """A store file of one line with 20,000 invalid values: each error used
    to be placed by scanning the line from its start (12 s); the first 50
    are shown, and how many more there are."""
    ws = harness.workspace()
    try:
        write(ws, "stores/a-std.xml",
              '<store id="a-std" city="alpha"><contacts>' +
              "".join(f'<contact key="k{i}" phone="bad phone"/>'
                      for i in range(N)) + "</contacts></store>\n")
        t0 = time.monotonic()
        r = run(["check", "--content", "content"], ws)
        secs = time.monotonic() - t0
        assert r.code == 1, r
        assert secs < 10, f"check took {secs:.1f} s"
        lines = r.err.splitlines()
        assert ("content/stores/a-std.xml:1: error: 19950 more schema errors "
                "in this file are not shown") in lines, r.err[-2000:]
        shown = [ln for ln in lines if "is not a valid phone" in ln]
        assert len(shown) == 50, len(shown)
        assert shown[0].startswith("content/stores/a-std.xml:1:60: error: "
                                   "'bad phone' is not a valid phone"), \
            shown[0]
    finally:
        shutil.rmtree(ws, ignore_errors=True)
