"""End-to-end tests of the compiled manual (issue 7, "Foundation"): one
self-contained document, the same for every hall, from which a release
makes its handbooks again."""
import os
import shutil

import harness
from harness import run, write
from e2e import read


def test_compile_writes_one_document_independent_of_where_content_is():
    ws = harness.workspace()
    r = run(["compile", "--content", "content", "-o", "a.xml"], ws)
    assert r.code == 0 and r.err == "", r
    a = read(ws, "a.xml")
    assert a.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<m:manual'), a[:200]
    assert 'format="1"' in a and 'file="sections/rounds.md"' in a
    assert '<m:ph expr="hours/weekday/@open" line="7" col="8"/>' in a
    assert "{{" not in a.replace("{{ not-a-placeholder }}", "")
    # the same bytes whatever the content folder is called or where it is
    shutil.copytree(os.path.join(ws, "content"), os.path.join(ws, "other"))
    r = run(["compile", "--content", os.path.join(ws, "other")], ws)
    assert r.code == 0 and r.out == a, r


def test_compile_refuses_content_with_errors():
    ws = harness.workspace()
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n{{ nosuch }}\n")
    r = run(["compile", "--content", "content", "-o", "a.xml"], ws)
    assert r.code == 1, r
    assert "unknown parameter 'nosuch'" in r.err, r
    assert not os.path.exists(os.path.join(ws, "a.xml"))


def test_render_reports_its_own_section_only():
    ws = harness.workspace()
    write(ws, "sections/manager.md", read(ws, "content/sections/manager.md")
          .replace("{{ manager }}", "{{ manger }}"))
    r = run(["render", "content/sections/manager.md", "--store", "a-flag",
             "--content", "content"], ws)
    assert r.code == 1, r
    assert ("content/sections/manager.md:8:7: error: unknown parameter "
            "'manger' in expression") in r.err, r
    # another section renders, without a word about manager.md
    r = run(["render", "content/sections/rounds.md", "--store", "a-flag",
             "--content", "content"], ws)
    assert r.code == 0 and "manager.md" not in r.err, r
    assert "08:30" in r.out, r
