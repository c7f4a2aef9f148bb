"""End-to-end tests of the printed handbook's Typst source (issue 9):
`manualgen resolve` output of the fixture and the sample halls run through
templates/print/handbook.xsl with xsltproc, and the Typst text checked:
content only inside string literals, the heading and outline structure,
task boxes, change bars, the generated words in both languages.  They do
not need the PDF engine (tests/e2e_print.py compiles the PDFs).
"""
import os
import re
import subprocess

import harness
from harness import run, write

ROOT = harness.ROOT
DRIVER = os.path.join(ROOT, "templates", "print", "handbook.xsl")

# What print-spec says a parameter and a section must print as themselves.
NASTY = '#$*_@<\\]//x/*y #read("/etc/passwd")'


def resolve(ws, store, *extra, content="content"):
    r = run(["resolve", store, "--content", content] + list(extra), ws)
    assert r.code == 0, r
    return r.out


def typst(resolved):
    """The driver over a resolved manual: (Typst text, stderr)."""
    p = subprocess.run(["xsltproc", DRIVER, "-"], input=resolved.encode(),
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    return p.stdout.decode(), p.stderr.decode()


def split_literals(src):
    """(text outside string literals, [decoded literals]).  Comments of the
    stylesheet's own preamble hold no quotes."""
    outside, lits, i, n = [], [], 0, len(src)
    esc = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
    while i < n:
        c = src[i]
        if c != '"':
            outside.append(c)
            i += 1
            continue
        i += 1
        buf = []
        while True:
            assert i < n, "unterminated string literal"
            c = src[i]
            if c == "\\":
                assert src[i + 1] in esc, ("bad escape", src[i:i + 10])
                buf.append(esc[src[i + 1]])
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                buf.append(c)
                i += 1
        lits.append("".join(buf))
        outside.append('""')
    return "".join(outside), lits


def edit(ws, rel, old, new):
    p = os.path.join(ws, "content", rel)
    text = open(p, encoding="utf-8").read()
    assert old in text, (rel, old)
    write(ws, rel, text.replace(old, new, 1))


def test_print_typst_content_only_in_string_literals():
    ws = harness.workspace()
    xml_nasty = NASTY.replace("<", "&lt;")
    edit(ws, "stores/a-flag.xml", "<manager>王一</manager>",
         "<manager>" + xml_nasty + "</manager>")
    md_nasty = ('\\#\\$\\*\\_@\\<\\\\\\]//x/\\*y \\#read("/etc/passwd")')
    edit(ws, "sections/lobby.md", "### 现场秩序",
         "### 现场秩序\n\n" + md_nasty + "\n\n### " + md_nasty)
    src, err = typst(resolve(ws, "a-flag"))
    assert "warning" not in err, err
    outside, lits = split_literals(src)
    # the parameter (manager.md: 店长 {{ manager }} ...) and the section's
    # paragraph and heading: each printed as itself, inside literals only
    assert any(NASTY in s for s in lits), "parameter value not a literal"
    assert lits.count(NASTY) >= 2, lits[-40:]
    for live in ("/etc/passwd", "read(", "$", "@", "//x", "/*y", "\\]"):
        assert live not in outside, (live, outside[:3000])
    # the heading is a Typst heading whose body is the literal alone
    assert ('#heading(level: 3)[#"' + NASTY.replace("\\", "\\\\")
            .replace('"', '\\"') + '"]') in src, src


def test_print_typst_outline_and_headings():
    ws = harness.workspace()
    src, err = typst(resolve(ws, "a-flag"))
    assert "warning" not in err, err
    assert "#set document(" in src and "date: none" in src
    assert 'paper: "a4"' in src and 'lang: "zh", region: "cn"' in src
    assert 'font: ("Noto Sans CJK SC",)' in src
    assert re.search(r"#outline\(depth: 2, title: \[#\"目录\"\]\)", src), src
    level1 = re.findall(r'#heading\(level: 1\)\[#"([^"]*)"\]', src)
    level2 = re.findall(r'#heading\(level: 2\)\[#"([^"]*)"\] <([a-z0-9.-]+)>',
                        src)
    assert level1 == ["1 岗位职责", "2 现场巡视"], level1
    assert [t for t, _ in level2][:2] == ["店长", "大堂经理"], level2
    # the contents come before the first chapter, the cover before both
    assert src.index("受控文件") < src.index("#outline(") \
        < src.index('#heading(level: 1)[#"1 ')
    # task items as boxes, one done; duty items with id and bold title
    assert '[#mg-box(false) #"检查叫号机"' in src, src
    assert '[#mg-box(true) #"整理宣传资料"' in src, src
    assert '#"LM-01"] #strong[' in src, src
    # running head (hall, chapter) and foot (version, 第 X 页 共 Y 页)
    assert 'query(heading.where(level: 1))' in src
    assert '"甲市旗舰厅"' in src or "a-flag" in src
    assert '"第 " + (str(counter(page).get().first())) + " 页 共 " + ' \
           '(str(counter(page).final().first())) + " 页"' in src, src


def test_print_typst_words_in_english():
    ws = harness.workspace()
    edit(ws, "manual.xml", 'lang="zh-CN"', 'lang="en"')
    src, err = typst(resolve(ws, "a-std"))
    assert "no string for key" not in err, err
    assert 'lang: "en"' in src and "region:" not in src.split("#set text")[1] \
        .split("\n")[0], src[:2000]
    for words in ('"Page " + (', '" of " + (', '"Controlled copy"',
                  '[#"Contents"]', '"Document number"'):
        assert words in src, words


def test_print_typst_every_print_word_in_both_languages():
    keys = {}
    for lang in ("zh-CN", "en"):
        text = open(os.path.join(ROOT, "templates", "l10n", lang + ".xml"),
                    encoding="utf-8").read()
        keys[lang] = set(re.findall(r'key="(print\.[^"]+)"', text))
    assert keys["zh-CN"] and keys["zh-CN"] == keys["en"], keys
    used = set()
    for d, _, files in os.walk(os.path.join(ROOT, "templates", "print")):
        for f in files:
            used |= set(re.findall(r"key\" select=\"'(print\.[a-z.-]+)'",
                                   open(os.path.join(d, f),
                                        encoding="utf-8").read()))
    used = {k for k in used if not k.endswith(".")}
    assert used <= keys["en"], used - keys["en"]


def test_print_typst_release_change_bars_and_history():
    ws = harness.workspace()
    r = run(["publish", "1.0", "--content", "content", "--notes", "首次发布。",
             "--date", "2026-01-05"], ws)
    assert r.code == 0, r
    edit(ws, "sections/lobby.md", "- [ ] 检查叫号机",
         "- [ ] 检查叫号机\n- [ ] 检查排队显示屏")
    edit(ws, "sections/lobby.md", "维持大堂秩序", "维持大堂和等候区秩序")
    edit(ws, "sections/lobby.md", "开门前调试叫号机", "开门前检查叫号机")
    r = run(["publish", "1.1", "--content", "content", "--notes", "大堂检查项补充。",
             "--date", "2026-02-01"], ws)
    assert r.code == 0, r
    src, err = typst(resolve(ws, "a-flag", "--version", "1.1"))
    assert "warning" not in err, err
    # the added item beside a bar with its label, the changed words marked
    assert re.search(r'#mg-changed\("新增内容"\)\[#"检查排队显示屏"\s*\]', src), src
    assert '#mg-bar[#"维持大堂"#underline[#"和等候区"]' in src, src
    assert '#strike[' in src, src
    # the revision history: newest first, with the notes
    hist = src[src.index('#heading(level: 1)[#"修订记录"]'):]
    assert hist.index('#"1.1"') < hist.index('#"1.0"'), hist
    assert '#"大堂检查项补充。"' in hist and '#"本厅有改动"' in hist, hist
    # the draft has neither
    src, _ = typst(resolve(ws, "a-flag"))
    assert "修订记录" not in src and "#mg-changed(" not in src.split(
        "#let mg-qr")[1]


def test_print_typst_sample_halls():
    """The sample content: every element has a template (no catch-all
    warning), a level-1 heading per chapter, a level-2 per section."""
    for store in ("nj-hexi", "xz-pizhou-yunhe"):
        resolved = resolve(ROOT, store)
        src, err = typst(resolved)
        assert "warning" not in err, (store, err)
        chapters = resolved.count("<m:chapter ")
        sections = resolved.count("<m:section ")
        assert len(re.findall(r"^#heading\(level: 1\)", src, re.M)) \
            == chapters, store
        assert len(re.findall(r"^#heading\(level: 2\)", src, re.M)) \
            == sections, store
        outside, _ = split_literals(src)
        assert store not in outside
