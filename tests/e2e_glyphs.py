"""End-to-end tests of the missing-character check of the prints (issue 9,
print-spec.md "Missing characters"): a character that no font of
MG_FONT_DIR has (an emoji, a Private Use Area character: Noto CJK has
neither) is a build error at the place it was written, once per hall,
before Typst runs; only when PDFs are made.

Uses the real templates (templates/print) and the engine of print/
(scripts/deps build).
"""
import os

import harness

MSG = ("error: '{ch}' (U+{cp}) is in no font the printed handbook uses "
       "(Noto Sans CJK SC): replace it, or write it out in words [print] "
       "(store {store})")


def line(where, ch, store):
    return where + ": " + MSG.format(ch=ch, cp="%04X" % ord(ch), store=store)


def edit(ws, rel, old, new):
    p = os.path.join(ws, "content", rel)
    with open(p, encoding="utf-8") as f:
        text = f.read()
    assert old in text, (rel, old)
    harness.write(ws, rel, text.replace(old, new, 1))


def build(ws, *extra):
    return harness.run(["build", "--content", "content", "--out", "out",
                        *extra], ws, pdf=True)


def lines(r):
    return r.err.splitlines()


def test_glyph_missing_in_section_and_in_parameters():
    ws = harness.workspace()
    # in a section's text (lobby applies to a-flag only), twice: once
    edit(ws, "sections/lobby.md", "大堂经理共", "大堂经理\U0001F600共")
    edit(ws, "sections/lobby.md", "整理宣传资料", "整理宣传资料\U0001F600")
    # in a parameter a placeholder prints, and in the hall's name
    edit(ws, "stores/a-std.xml", "<manager>李二", "<manager>李\ue000二")
    edit(ws, "stores/b-county.xml", "<name>", "<name>\U00020000")
    r = build(ws)
    assert r.code == 1, r
    err = lines(r)
    expect = [
        line("content/sections/lobby.md:9:5", "\U0001F600", "a-flag"),
        line("content/stores/a-std.xml:4", "\ue000", "a-std"),
        # the hall's name (Noto CJK has no CJK Extension B)
        line("content/stores/b-county.xml:3", "\U00020000", "b-county"),
    ]
    for e in expect:
        assert e in err, (e, r)
    assert sum("(U+1F600)" in l for l in err) == 1, r
    assert not os.path.exists(os.path.join(ws, "out", "draft")), r


def test_glyph_missing_not_checked_without_pdf():
    ws = harness.workspace()
    edit(ws, "sections/lobby.md", "大堂经理共", "大堂经理\U0001F600共")
    r = build(ws, "--no-pdf")
    assert r.code == 0, r
    assert "in no font" not in r.err, r
    r = harness.run(["check", "--content", "content"], ws)
    assert r.code == 0 and "in no font" not in r.err, r


def test_glyph_missing_in_handbook_pdf_and_card():
    ws = harness.workspace()
    edit(ws, "sections/lobby.md", "大堂经理共", "大堂经理\U0001F600共")
    want = line("content/sections/lobby.md:9:5", "\U0001F600", "a-flag")
    for extra in ([], ["--post", "lobby-manager"]):
        r = harness.run(["handbook", "a-flag", "--content", "content",
                         "--format", "pdf", "-o", "h.pdf", *extra], ws, pdf=True)
        assert r.code == 1, r
        assert want in lines(r), (want, r)
        assert not os.path.exists(os.path.join(ws, "h.pdf")), r


def test_glyph_cjk_and_punctuation_build():
    ws = harness.workspace()
    # what Chinese manuals write: full-width punctuation, an ideographic
    # space, a dash, a middle dot, circled digits, a tab in code
    edit(ws, "sections/lobby.md", "大堂经理共",
         "大堂经理（含　值班）——①·《》「」共")
    edit(ws, "sections/lobby.md", "- [ ] 检查叫号机",
         "```\na\tb\n```\n\n- [ ] 检查叫号机")
    r = build(ws)
    assert r.code == 0, r
    assert "in no font" not in r.err, r
    assert os.path.isfile(os.path.join(ws, "out", "draft", "stores",
                                       "a-flag", "handbook.pdf")), r
