"""End-to-end tests: the hall's printed sheets (issue 9), through `build`.

Needs the pdf-engine branch (the Typst worker and the build's PDFs) and
the print-handbook branch (templates/print/common/typst.xsl, handbook.xsl)
merged. One build of the sample content (with its releases) is shared by
the tests: patrol-sheets.pdf has a page per round at the hall's times and
only the zones the hall has; forms.pdf every declared form; cards.pdf an
A6 card per post holding only that post's duties; signoff.pdf in releases
only; the handbook's cover QR code decodes to the hall's address.
"""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import harness
from harness import run

M = "{urn:manualgen}"
HALLS = ("nj-xinjiekou", "xz-pizhou-yunhe")
_built = {}


def built():
    if "ws" not in _built:
        ws = harness.workspace(os.path.join(harness.ROOT, "content"))
        r = run(["build", "--content", "content", "--out", "out"], ws, pdf=True)
        assert r.code == 0, r
        _built["ws"] = ws
    return _built["ws"]


def resolved(store):
    r = run(["resolve", store], harness.ROOT)
    assert r.code == 0, r
    return ET.fromstring(r.out)


def pdf(ws, store, name, edition="draft"):
    return os.path.join(ws, "out", edition, "stores", store, name)


def pages_text(path):
    """The text of each page of the PDF at path."""
    p = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    pages = p.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def info(path):
    p = subprocess.run(["pdfinfo", path], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def squash(s):
    return re.sub(r"\s+", "", s)


def test_print_patrol_sheets_have_a_page_per_round_at_the_halls_times():
    ws = built()
    for store in HALLS:
        hall = resolved(store).find(M + "hall")
        rounds = list(hall.find(M + "patrols"))
        pages = pages_text(pdf(ws, store, "patrol-sheets.pdf"))
        assert len(pages) == len(rounds), (store, len(pages), len(rounds))
        assert "A4" in info(pdf(ws, store, "patrol-sheets.pdf"))
        has = {z.get("name") for z in hall.find(M + "zones")}
        every = {"入口区", "等候区", "柜台区", "自助服务区", "终端体验区",
                 "贵宾室", "后台办公区"}
        for page, r in zip(pages, rounds):
            text = squash(page)
            for kind in ("weekday", "weekend", "holiday"):
                if r.get(kind):
                    assert r.get(kind) in text, (store, r.attrib)
            assert r.get("owner-title") in text, (store, r.attrib)
            for name in has:
                assert name in text, (store, r.get("key"), name)
            for name in every - has:
                assert name not in text, (store, r.get("key"), name)


def test_print_forms_pdf_has_every_declared_form():
    ws = built()
    for store in HALLS:
        man = resolved(store)
        titles = [f.get("title") for f in man.find(M + "forms")]
        assert titles, store
        text = squash("".join(pages_text(pdf(ws, store, "forms.pdf"))))
        for t in titles:
            assert squash(t) in text, (store, t)
        for d in man.find(M + "duties").findall(M + "duty"):
            assert d.get("id") in text, (store, d.get("id"))


def test_print_cards_one_a6_card_per_post_with_only_its_duties():
    ws = built()
    for store in HALLS:
        man = resolved(store)
        duties = man.find(M + "duties")
        posts = duties.findall(M + "post")
        path = pdf(ws, store, "cards.pdf")
        assert re.search(r"Page size:\s+29[78]\.\d+ x 419\.\d+", info(path)), \
            info(path)
        pages = pages_text(path)
        assert len(pages) == len(posts), (store, len(pages), len(posts))
        for page, post in zip(pages, posts):
            text = squash(page)
            assert post.get("title") in text, (store, post.get("key"))
            for d in duties.findall(M + "duty"):
                mine = d.get("owner") == post.get("key") and \
                    d.get("status") not in ("not-applicable", "outside")
                assert (d.get("id") in text) == mine, \
                    (store, post.get("key"), d.get("id"))


def test_print_signoff_sheet_only_in_releases():
    ws = built()
    releases = [v for v in os.listdir(os.path.join(ws, "out"))
                if re.fullmatch(r"\d+\.\d+", v)]
    assert releases, os.listdir(os.path.join(ws, "out"))
    for store in HALLS:
        assert not os.path.exists(pdf(ws, store, "signoff.pdf")), store
        assert os.path.exists(pdf(ws, store, "patrol-sheets.pdf")), store
    for v in releases:
        stores = os.listdir(os.path.join(ws, "out", v, "stores"))
        for store in stores:
            path = pdf(ws, store, "signoff.pdf", v)
            assert os.path.exists(path), (v, store)
            text = squash("".join(pages_text(path)))
            assert v in text, (v, store)


def test_print_handbook_cover_qr_decodes_to_the_halls_address():
    ws = built()
    store = HALLS[0]
    png = os.path.join(ws, "cover")
    p = subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1",
                        "-png", "-singlefile",
                        pdf(ws, store, "handbook.pdf"), png],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    p = subprocess.run(["zbarimg", "--raw", "-q", png + ".png"],
                       capture_output=True, text=True, timeout=60)
    url = f"https://manuals.example.com.cn/latest/stores/{store}/index.html"
    assert p.returncode == 0 and url in p.stdout.split(), (p.stdout, p.stderr)


def test_print_every_kind_renders_a_page_that_is_not_blank():
    """The first page of each PDF kind, rendered to PNG by pdftoppm, has
    ink on it: a sheet that compiles but draws nothing would pass the
    text checks above only if its text were there, not its lines."""
    ws = built()
    release = sorted(v for v in os.listdir(os.path.join(ws, "out"))
                     if re.fullmatch(r"\d+\.\d+", v))[-1]
    kinds = [("draft", n) for n in ("handbook.pdf", "patrol-sheets.pdf",
                                    "forms.pdf", "cards.pdf")]
    kinds.append((release, "signoff.pdf"))
    for edition, name in kinds:
        path = pdf(ws, HALLS[0], name, edition)
        base = path + ".png-test"
        p = subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l",
                            "1", path, base], capture_output=True, timeout=60)
        assert p.returncode == 0, p.stderr
        [img] = [f for f in os.listdir(os.path.dirname(path))
                 if f.startswith(os.path.basename(base))]
        data = open(os.path.join(os.path.dirname(path), img), "rb").read()
        os.unlink(os.path.join(os.path.dirname(path), img))
        m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        assert m, data[:20]
        px = data[m.end():]
        ink = sum(1 for b in px if b < 128)
        assert ink > len(px) // 200, (name, ink, len(px))


def test_print_patrol_sheet_times_follow_the_parameters_rules():
    """A round with no weekend time is made at its weekday time at
    weekends, with no holiday time at its weekend time on holidays; a hall
    without holiday hours of its own prints no holiday time at all (once
    'not made' was printed for both)."""
    ws = built()
    flagship = pages_text(pdf(ws, "nj-xinjiekou", "patrol-sheets.pdf"))
    assert flagship and not any("节假日" in p for p in flagship), flagship[0]
    assert not any("不巡视" in p for p in flagship)
    county = [squash(p) for p in
              pages_text(pdf(ws, "xz-pizhou-yunhe", "patrol-sheets.pdf"))]
    man = resolved("xz-pizhou-yunhe")
    rounds = man.findall(f"{M}hall/{M}patrols/{M}round")
    assert len(county) == len(rounds)
    for page, r in zip(county, rounds):
        weekend = r.get("weekend") or r.get("weekday")
        holiday = r.get("holiday") or weekend
        assert "工作日" + r.get("weekday") in page, page[:80]
        assert "周末" + weekend in page, page[:80]
        assert "节假日" + holiday in page, page[:80]
