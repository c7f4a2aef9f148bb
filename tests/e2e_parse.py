"""End-to-end tests of the Markdown front end (generator/parse.c): work
that must stay linear in the size of the input, and cross references that
must not tell anything about files outside the content folder.

The time bounds are generous on purpose, as in cmark's
test/pathological_tests.py: they hold under the sanitizers on a slow
machine, and the quadratic or cubic code they guard against takes minutes.
"""
import os
import subprocess
import time

import harness
from harness import write

HEAD = "---\nid: county\ntitle: 县级厅补充规定\n---\n"
BOUND = 10  # seconds


def run_within(args, ws, seconds=BOUND):
    """harness.run, but a run that outlives `seconds` is a failure (and is
    stopped) rather than a wait."""
    argv = [harness.BINARY] + list(args)
    t = time.time()
    try:
        p = subprocess.run(argv, cwd=ws, capture_output=True,
                           env=harness.env(), timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{' '.join(argv)} still running after "
                             f"{seconds} s") from None
    raw_out = p.stdout
    # the output as bytes (r.raw_out), and as text for the assertions
    p.stdout = p.stdout.decode("utf-8", "replace")
    p.stderr = p.stderr.decode("utf-8", "replace")
    if p.returncode in (98, 99) or "Sanitizer" in p.stderr:
        raise AssertionError("sanitizer report:\n" + p.stderr[-4000:])
    r = harness.Run(argv, ws, p)
    r.raw_out = raw_out
    r.seconds = time.time() - t
    return r


def check(ws):
    return run_within(["check", "--content", "content"], ws)


# ------------------------------------------------------- linear time


def test_many_equal_headings_check_in_linear_time():
    """4,000 `# a`: ids a, a-1 ... a-3999, found without rescanning."""
    ws = harness.workspace()
    write(ws, "sections/county.md", HEAD + "# a\n" * 4000)
    r = check(ws)
    assert r.code == 0, r
    assert ": error:" not in r.err, r


def test_many_links_to_many_anchors_check_in_linear_time():
    """20,000 links to the anchors of a section with 4,000 headings."""
    ws = harness.workspace()
    write(ws, "sections/rounds.md",
          "---\nid: rounds\ntitle: 巡视\n---\n" + "# a\n" * 4000)
    anchors = ["a"] + [f"a-{k}" for k in range(1, 4000)]
    write(ws, "sections/county.md", HEAD + "".join(
        f"[x](rounds.md#{anchors[i % 4000]})\n" for i in range(20000)))
    r = check(ws)
    assert r.code == 0, r
    assert ": error:" not in r.err, r


def test_anchor_of_the_last_equal_heading_resolves():
    """The numbered ids are the ones links name (no off-by-one)."""
    ws = harness.workspace()
    write(ws, "sections/rounds.md",
          "---\nid: rounds\ntitle: 巡视\n---\n" + "# a\n" * 3)
    write(ws, "sections/county.md",
          HEAD + "[x](rounds.md#a-2) [y](rounds.md#a-3)\n")
    r = check(ws)
    assert r.code == 1, r
    assert ("content/sections/county.md:5:20: error: broken cross "
            "reference: no heading '#a-3' in sections/rounds.md (it has "
            "#a, #a-1, #a-2)") in r.err.splitlines(), r
    assert "'#a-2'" not in r.err, r


# ------------------------------------------------- decoded characters


def test_resolve_prints_well_formed_xml_despite_references():
    """&#xFFFE; decodes to what cmark writes as the byte FE, and &#27; to
    an escape; neither may reach `resolve`'s output or the terminal."""
    import xml.dom.minidom
    ws = harness.workspace()
    write(ws, "sections/county.md",
          HEAD + "# 标题&#xFFFE;\n\n营业&#27;[2J时间 &#xFFFF;\n")
    r = run_within(["resolve", "b-county", "--content", "content"], ws)
    assert r.code == 1, r
    assert "\x1b" not in r.err + r.out, r
    assert ("content/sections/county.md:7:3: error: '&#27;' stands for "
            "U+001B, a control character, which a handbook cannot "
            "contain") in r.err.splitlines(), r
    try:
        if r.raw_out:
            xml.dom.minidom.parseString(r.raw_out)
    except Exception as ex:
        raise AssertionError(f"resolve's output is not XML: {ex}") from None
