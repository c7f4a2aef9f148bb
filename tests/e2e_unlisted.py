"""End-to-end tests: a section file that the outline does not list is
mentioned (a warning, not an error), by `check` and by `build`.

Each test gets a fresh workspace (tests/fixtures/basic as content/).
"""
import os
import shutil

import harness
from harness import run, write

WARNING = ("content/{}: warning: not listed in content/manual.xml: no "
           "handbook includes this section")


def warnings(r):
    return [ln for ln in r.err.splitlines() if ": warning:" in ln]


def test_unlisted_section_file_warns_in_check_and_build():
    ws = harness.workspace()
    try:
        write(ws, "sections/extra/notes.md",
              "---\nid: notes\ntitle: 备忘\n---\n草稿。\n")
        r = run(["check", "--content", "content"], ws)
        assert r.code == 0, r
        # once, not once per store
        assert warnings(r) == [WARNING.format("sections/extra/notes.md")], r
        assert "checked 3 stores: 0 errors, 1 warning " in r.err, r
        r = run(["build", "--content", "content", "--out", "out"], ws)
        assert r.code == 0, r
        assert warnings(r) == [WARNING.format("sections/extra/notes.md")], r
        assert "built 3 handbooks, 19 pages, 1 warning " in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_unlisted_walk_skips_hidden_entries_and_linked_folders():
    """Hidden files and folders are an editor's or a tool's; a linked
    folder may lead outside the content folder, or back into it."""
    ws = harness.workspace()
    try:
        c = os.path.join(ws, "content")
        write(ws, ".drafts/a.md", "x\n")
        write(ws, "sections/.b.md", "x\n")
        os.makedirs(os.path.join(ws, "elsewhere"))
        with open(os.path.join(ws, "elsewhere", "c.md"), "w") as f:
            f.write("x\n")
        os.symlink(os.path.join(ws, "elsewhere"),
                   os.path.join(c, "sections", "linked"))
        os.symlink(c, os.path.join(c, "sections", "loop"))
        # a linked file is a file: it is listed or it is not
        os.symlink(os.path.join(ws, "elsewhere", "c.md"),
                   os.path.join(c, "sections", "d.md"))
        r = run(["check", "--content", "content"], ws)
        assert r.code == 0, r
        assert warnings(r) == [WARNING.format("sections/d.md")], r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_listed_sections_do_not_warn_however_the_outline_spells_them():
    ws = harness.workspace()
    try:
        path = os.path.join(ws, "content", "manual.xml")
        with open(path, encoding="utf-8") as f:
            outline = f.read()
        outline = outline.replace('href="sections/rounds.md"',
                                  'href="./sections/../sections/rounds.md"')
        write(ws, "manual.xml", outline)
        r = run(["check", "--content", "content/"], ws)
        assert r.code == 0 and not warnings(r), r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
