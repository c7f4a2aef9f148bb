"""End-to-end tests of handbook.pdf (issue 9) through `manualgen handbook
ID --format pdf`: needs the PDF engine (print/, generator/pdf.c) and
poppler-utils.  Page size, embedded fonts, running head and foot, the
contents' page numbers, change bars, pages not blank.
"""
import os
import re
import subprocess

import harness
from harness import run, write


def pdf(ws, store, *extra):
    out = os.path.join(ws, store + ".pdf")
    r = run(["handbook", store, "--content", "content", "--format", "pdf",
             "-o", out] + list(extra), ws, pdf=True)
    assert r.code == 0, r
    assert open(out, "rb").read(5) == b"%PDF-", out
    return out


def tool(*argv):
    p = subprocess.run(list(argv), capture_output=True, timeout=120)
    assert p.returncode == 0, (argv, p.stderr.decode())
    return p.stdout.decode("utf-8", "replace")


def pages(path):
    """The text of each page (pdftotext, form feed between pages)."""
    return tool("pdftotext", "-layout", path, "-").split("\f")[:-1]


def gray(path, page, dpi=50):
    """Page `page` as (width, height, bytes) of 8-bit gray pixels."""
    base = path + ".p"
    tool("pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l",
         str(page), path, base)
    name = [f for f in os.listdir(os.path.dirname(path))
            if f.startswith(os.path.basename(base)) and f.endswith(".pgm")]
    assert len(name) == 1, name
    full = os.path.join(os.path.dirname(path), name[0])
    data = open(full, "rb").read()
    os.unlink(full)
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert m, data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + w * h]


def dark(img, x0, x1, y0=0, y1=None):
    w, h, px = img
    y1 = h if y1 is None else y1
    return sum(1 for y in range(y0, y1) for x in range(x0, x1)
               if px[y * w + x] < 128)


def test_print_pdf_a4_fonts_head_foot():
    ws = harness.workspace()
    out = pdf(ws, "a-flag")
    info = tool("pdfinfo", out)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    fonts = tool("pdffonts", out)
    cjk = [l for l in fonts.splitlines() if "NotoSansCJK" in l]
    assert cjk, fonts
    for line in cjk:
        assert re.search(r"\byes\s+yes\b", line), line   # embedded, subset
    text = pages(out)
    assert len(text) >= 4, len(text)
    assert "甲市旗舰厅" in text[0] and "受控文件" in text[0]
    for n, t in enumerate(text[1:], 2):
        assert "甲市旗舰厅" in t, (n, t)
        assert "草稿" in t and "a-flag-draft" in t, (n, t)
        # Typst sets CJK-digit spacing itself (pdftotext reads none)
        assert f"第{n}页共{len(text)}页" in re.sub(r"\s+", "", t), (n, t)


def test_print_pdf_contents_page_numbers():
    ws = harness.workspace()
    out = pdf(ws, "a-flag")
    text = pages(out)
    toc = text[1]
    entries = re.findall(r"^\s*(\S.*?)\s*(?:\. )+\.?\s*\u2060?(\d+)\s*$",
                         toc, re.M)
    assert len(entries) >= 4, toc
    for title, page in entries:
        n = int(page)
        body = text[n - 1]
        # the heading is a line of its own on that page (past the head)
        lines = [l.strip() for l in body.splitlines()[1:]]
        assert title.strip() in lines, (title, n, body[:600])


def test_print_pdf_change_bars_in_a_changed_release():
    ws = harness.workspace()
    r = run(["publish", "1.0", "--content", "content", "--notes", "首次发布。",
             "--date", "2026-01-05"], ws)
    assert r.code == 0, r
    p = os.path.join(ws, "content", "sections", "lobby.md")
    src = open(p, encoding="utf-8").read()
    write(ws, "sections/lobby.md",
          src.replace("- [ ] 检查叫号机", "- [ ] 检查叫号机\n- [ ] 检查排队显示屏"))
    r = run(["publish", "1.1", "--content", "content", "--notes", "补充。",
             "--date", "2026-02-01"], ws)
    assert r.code == 0, r
    for version, barred in (("1.1", True), ("1.0", False)):
        out = pdf(ws, "a-flag", "--version", version)
        text = pages(out)
        n = next(i for i, t in enumerate(text, 1) if "检查叫号机" in t)
        img = gray(out, n)
        w = img[0]
        # left margin is 22 mm of 210: the bar stands 7 mm left of the
        # changed block (of a list item's body: about 20 mm from the edge)
        margin = dark(img, int(w * 5 / 210), int(w * 21.5 / 210))
        assert (margin > 0) == barred, (version, margin)
        if barred:
            assert "新增内容" in text[n - 1] or "新增内容" in text[n]
            assert any("修订记录" in t for t in text[-2:]), text[-1]


def test_print_pdf_pages_not_blank():
    ws = harness.workspace()
    out = pdf(ws, "a-flag")
    count = len(pages(out))
    for n in (1, 2, count):
        img = gray(out, n)
        w, h, _ = img
        assert dark(img, 0, w) > 200, n


def test_print_pdf_same_bytes_twice():
    ws = harness.workspace()
    a = open(pdf(ws, "a-std"), "rb").read()
    os.unlink(os.path.join(ws, "a-std.pdf"))
    b = open(pdf(ws, "a-std"), "rb").read()
    assert a == b


def test_print_pdfs_linked_from_the_halls_pages_only_when_made():
    ws = harness.workspace()
    try:
        kinds = ["handbook", "patrol-sheets", "forms", "cards"]
        r = run(["build", "--content", "content", "--out", "out"], ws, pdf=True)
        assert r.code == 0, r
        hall = os.path.join(ws, "out", "draft", "stores", "a-std")
        for page in ("index.html", "handbook.html"):
            html = open(os.path.join(hall, page), encoding="utf-8").read()
            for k in kinds:
                assert f'href="{k}.pdf"' in html, (page, k)
                assert os.path.exists(os.path.join(hall, k + ".pdf")), k
            # the draft has no sign-off sheet to link to
            assert "signoff.pdf" not in html, page
        assert "印刷版手册（PDF）" in open(os.path.join(hall, "index.html"),
                                        encoding="utf-8").read()
        r = run(["build", "--content", "content", "--out", "out",
                 "--no-pdf"], ws, pdf=True)
        assert r.code == 0, r
        for page in ("index.html", "handbook.html"):
            html = open(os.path.join(hall, page), encoding="utf-8").read()
            assert ".pdf" not in html, page
        assert not [f for f in os.listdir(hall) if f.endswith(".pdf")]
    finally:
        import shutil
        shutil.rmtree(ws, ignore_errors=True)
