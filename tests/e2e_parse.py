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


# ------------------------------------------------- cross references


def test_xref_outside_the_content_folder_tells_nothing_about_files():
    """Whether a file outside the content folder exists must not show: the
    message is the same for one that does and one that does not."""
    ws = harness.workspace()
    write(ws, "secret.md", "---\nid: secret\ntitle: S\n---\nS\n")
    os.rename(os.path.join(ws, "content", "secret.md"),
              os.path.join(ws, "secret.md"))
    links = ["../../secret.md", "../../nosuch.md", "%2E%2E/%2e%2e/secret.md",
             "../../../../../../etc/passwd.md"]
    write(ws, "sections/county.md", HEAD + "\n\n".join(
        f"[a]({dest})" for dest in links) + "\n")
    r = check(ws)
    assert r.code == 1, r
    lines = r.err.splitlines()
    for i, dest in enumerate(links):
        want = (f"content/sections/county.md:{5 + 2 * i}:1: error: broken "
                f"cross reference: '{dest}' points outside the content "
                "folder")
        assert want in lines, (want, r)
    assert "outline does not list" not in r.err, r
    assert "no such section file" not in r.err, r


def test_xref_with_a_nul_is_an_error_of_its_own():
    """'%00' used to cut the name short, and the message then told whether
    the file before it existed."""
    ws = harness.workspace()
    write(ws, "sections/county.md", HEAD +
          "[a](../../../../etc/shadow%00.md)\n\n"
          "[b](rounds%00.md)\n\n"
          "[c](rounds.md#%1B[2J)\n\n"
          "[d](rounds%FF.md)\n")
    r = check(ws)
    assert r.code == 1, r
    lines = r.err.splitlines()
    for want in (
            "content/sections/county.md:5:1: error: broken cross reference: "
            "in '../../../../etc/shadow%00.md', '%00' stands for U+0000, a "
            "control character, which a file name cannot contain",
            "content/sections/county.md:7:1: error: broken cross reference: "
            "in 'rounds%00.md', '%00' stands for U+0000, a control "
            "character, which a file name cannot contain",
            "content/sections/county.md:9:1: error: broken cross reference: "
            "in '#%1B[2J', '%1B' stands for U+001B, a control character, "
            "which a heading cannot contain",
            "content/sections/county.md:11:1: error: broken cross reference: "
            "the %-escapes of 'rounds%FF.md' do not spell UTF-8 text"):
        assert want in lines, (want, r)
    assert "\x1b" not in r.err and "\ufffd" not in r.err, r
    assert len([ln for ln in lines if ": error:" in ln]) == 4, r


def test_xref_to_a_fifo_does_not_block():
    """A FIFO is not a section file, and looking at it must not wait for a
    writer (fopen would)."""
    ws = harness.workspace()
    os.mkfifo(os.path.join(ws, "content", "sections", "fifo.md"))
    write(ws, "sections/county.md", HEAD + "[a](fifo.md)\n")
    r = check(ws)
    assert r.code == 1, r
    assert ("content/sections/county.md:5:1: error: broken cross reference: "
            "no such section file 'sections/fifo.md'") in r.err.splitlines(), r


def test_xref_to_a_symlink_is_no_section_file():
    """Only regular files exist for a cross reference: a link inside the
    folder cannot be used to find out about the file it points at."""
    ws = harness.workspace()
    secret = os.path.join(ws, "secret.md")
    with open(secret, "w", encoding="utf-8") as f:
        f.write("---\nid: secret\ntitle: S\n---\nS\n")
    os.symlink(secret, os.path.join(ws, "content", "sections", "link.md"))
    write(ws, "sections/county.md", HEAD + "[a](link.md)\n")
    r = check(ws)
    assert r.code == 1, r
    assert ("content/sections/county.md:5:1: error: broken cross reference: "
            "no such section file 'sections/link.md'") in r.err.splitlines(), r


def test_render_of_a_file_outside_the_outline_links_to_its_headings():
    """`render` of a file no chapter holds: its links to its own headings
    are plain anchors (this used to crash)."""
    ws = harness.workspace()
    with open(os.path.join(ws, "loose.md"), "w", encoding="utf-8") as f:
        f.write("# Step one\n\n见[上文](#step-one)。\n")
    r = run_within(["render", "loose.md", "--content", "content"], ws)
    assert r.code == 0, r
    assert '<a href="#preview--step-one">上文</a>' in r.out, r
