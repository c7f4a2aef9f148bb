"""End-to-end tests of the PDF engine (issue 9): the Typst workers, the
PDFs `build` makes beside each hall's pages, skipping, --no-pdf, and
`handbook --format pdf`.

The print drivers of templates/print come from another branch; these
tests use a small driver of their own, tests/fixtures/print/handbook.xsl,
in a copy of the templates (also installed as cards.xsl where a card is
wanted), so that they test the engine whatever the real drivers print.
Needs poppler-utils (scripts/deps test).
"""
import os
import shutil
import subprocess

import harness

ROOT = harness.ROOT
DRIVER = os.path.join(ROOT, "tests", "fixtures", "print", "handbook.xsl")
HALLS = ("a-flag", "a-std", "b-county")


def print_templates(ws, drivers=("handbook",), typst_extra=None):
    """A copy of the templates with print drivers: the fixture driver under
    each name given. typst_extra: raw Typst put at the end of the source."""
    tpl = os.path.join(ws, "templates")
    if os.path.exists(tpl):
        shutil.rmtree(tpl)
    shutil.copytree(os.path.join(ROOT, "templates"), tpl)
    os.makedirs(os.path.join(tpl, "print"), exist_ok=True)
    with open(DRIVER, encoding="utf-8") as f:
        text = f.read()
    if typst_extra is not None:
        text = text.replace("  </xsl:template>\n</xsl:stylesheet>",
                            "    <xsl:text>" + typst_extra +
                            "</xsl:text>\n  </xsl:template>\n"
                            "</xsl:stylesheet>")
        assert typst_extra in text
    for name in drivers:
        with open(os.path.join(tpl, "print", name + ".xsl"), "w",
                  encoding="utf-8") as f:
            f.write(text)
    return tpl


def build(ws, *extra):
    return harness.run(["build", "--content", "content", "--templates",
                        "templates", "--out", "out", *extra], ws, pdf=True)


def hall(ws, store, name="handbook.pdf"):
    return os.path.join(ws, "out", "draft", "stores", store, name)


def tool(*argv):
    p = subprocess.run(list(argv), capture_output=True, text=True)
    assert p.returncode == 0, p
    return p.stdout


def test_pdf_per_hall_a4_cjk_embedded_subset_same_bytes():
    ws = harness.workspace()
    print_templates(ws)
    r = build(ws)
    assert r.code == 0, r
    for store in HALLS:
        pdf = hall(ws, store)
        assert os.path.isfile(pdf), (store, r)
        info = tool("pdfinfo", pdf)
        assert "(A4)" in info, info
        fonts = tool("pdffonts", pdf).splitlines()[2:]
        assert fonts, pdf
        for line in fonts:   # Noto CJK only, embedded and subset
            assert "NotoSansCJK" in line, line
            assert " yes yes " in line, line
    text = tool("pdftotext", hall(ws, "a-flag"), "-")
    assert "甲市旗舰厅 draft" in text, text
    # the pages link to it
    with open(hall(ws, "a-flag", ".manualgen-build"), encoding="utf-8") as f:
        assert "handbook.pdf" in f.read()
    # the same input gives the same bytes: a second build elsewhere
    first = open(hall(ws, "a-flag"), "rb").read()
    shutil.rmtree(os.path.join(ws, "out"))
    r = build(ws)
    assert r.code == 0, r
    assert open(hall(ws, "a-flag"), "rb").read() == first


def test_no_pdf_writes_none():
    ws = harness.workspace()
    print_templates(ws)
    r = build(ws, "--no-pdf")
    assert r.code == 0, r
    assert os.path.isfile(hall(ws, "a-flag", "index.html"))
    for store in HALLS:
        assert not os.path.exists(hall(ws, store)), store
    # and a build with PDFs after it adds them (the hall is not "fresh")
    r = build(ws)
    assert r.code == 0, r
    assert os.path.isfile(hall(ws, "a-flag"))
    # --no-pdf again drops them
    r = build(ws, "--no-pdf")
    assert r.code == 0, r
    assert not os.path.exists(hall(ws, "a-flag"))


def test_nothing_changed_skips_pdfs():
    ws = harness.workspace()
    print_templates(ws)
    r = build(ws)
    assert r.code == 0, r
    before = os.stat(hall(ws, "a-flag"))
    r = build(ws)
    assert r.code == 0, r
    assert "(3 up to date)" in r.err, r
    after = os.stat(hall(ws, "a-flag"))
    assert (before.st_ino, before.st_mtime_ns) == \
        (after.st_ino, after.st_mtime_ns)
    # a change of the print templates alone remakes the PDFs
    with open(os.path.join(ws, "templates", "print", "handbook.xsl"), "a",
              encoding="utf-8") as f:
        f.write("<!-- changed -->\n")
    r = build(ws)
    assert r.code == 0, r
    assert "up to date" not in r.err, r


def test_typst_error_is_clean_and_writes_nothing():
    ws = harness.workspace()
    print_templates(ws)
    r = build(ws)
    assert r.code == 0, r
    before = open(hall(ws, "a-flag"), "rb").read()
    print_templates(ws, typst_extra="#let x = (&#10;")
    r = build(ws)
    assert r.code == 1, r
    lines = r.err.splitlines()
    assert any(l.startswith("store 'a-flag': handbook.pdf: error: typst: ")
               for l in lines), r.err
    assert "nothing was written" in r.err, r.err
    # the published edition is as it was
    assert open(hall(ws, "a-flag"), "rb").read() == before
    assert not [n for n in os.listdir(os.path.join(ws, "out"))
                if n not in ("draft", ".manualgen-lock")
                and not n.startswith(".")], os.listdir(os.path.join(ws, "out"))


def test_text_that_looks_like_typst_prints_as_itself():
    ws = harness.workspace()
    print_templates(ws)
    nasty = '#read("/etc/passwd") $x$ *b* _i_ @ref <l> \\e ] // /* x'
    with open(os.path.join(ws, "content", "sections", "manager.md"), "a",
              encoding="utf-8") as f:
        f.write("\n\n`" + nasty + "`\n")
    r = build(ws)
    assert r.code == 0, r
    text = tool("pdftotext", hall(ws, "a-flag"), "-")
    assert nasty in text, text
    assert "root:" not in text


def test_handbook_format_pdf_and_post_card():
    ws = harness.workspace()
    print_templates(ws, drivers=("handbook", "cards"))
    out = os.path.join(ws, "one.pdf")
    r = harness.run(["handbook", "a-flag", "--format", "pdf", "-o", out,
                     "--content", "content", "--templates", "templates"], ws, pdf=True)
    assert r.code == 0, r
    assert "甲市旗舰厅" in tool("pdftotext", out, "-")
    r = harness.run(["handbook", "a-flag", "--format", "pdf", "-o", out,
                     "--post", "clerk", "--content", "content",
                     "--templates", "templates"], ws, pdf=True)
    assert r.code == 0, r
    assert "post clerk" in tool("pdftotext", out, "-")
    r = harness.run(["handbook", "a-flag", "--format", "pdf", "-o", out,
                     "--post", "clerc", "--content", "content",
                     "--templates", "templates"], ws, pdf=True)
    assert r.code == 1, r
    assert "manualgen: error: store 'a-flag' has no post 'clerc'; did you " \
        "mean 'clerk'?" in r.err.splitlines(), r.err
    r = harness.run(["handbook", "a-flag", "--post", "clerk", "--content",
                     "content"], ws, pdf=True)
    assert r.code == 2 and "needs --format pdf" in r.err, r


def test_missing_engine_is_named():
    ws = harness.workspace()
    print_templates(ws)
    r = harness.run(["build", "--content", "content", "--templates",
                     "templates", "--out", "out"], ws,
                    MANUALGEN_PRINT_DIR=os.path.join(ws, "nowhere"), pdf=True)
    assert r.code == 1, r
    assert "the PDF engine is not installed in" in r.err, r.err
    assert not os.path.exists(os.path.join(ws, "out", "draft")), r
    # --no-pdf does not need it
    r = harness.run(["build", "--content", "content", "--templates",
                     "templates", "--out", "out", "--no-pdf"], ws,
                    MANUALGEN_PRINT_DIR=os.path.join(ws, "nowhere"), pdf=True)
    assert r.code == 0, r
