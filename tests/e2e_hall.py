"""End-to-end tests: the hall's facts the prints use (m:hall, issue 9).

`manualgen resolve` adds m:hall to every hall's resolved manual: hours,
rounds and zones with their owners' post titles, contacts, and, when
defaults.xml sets <site-url>, the hall's online address with its QR code
(libqrencode's modules, which these tests render and decode with zbarimg).
The sample content's zone checklist section must have, for every zone of
every sample hall, a heading with the zone's name directly followed by a
task list: the patrol sheets take their rows from it.
"""
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import harness
from harness import run, write

M = "{urn:manualgen}"
MD = "{http://commonmark.org/xml/1.0}"

STORE = """<?xml version="1.0" encoding="UTF-8"?>
<store id="a-std" city="alpha">
  <name>甲市标准厅</name>
  <manager>李二</manager>
  <hours><holiday open="10:00" close="16:00"/></hours>
  <posts><post key="greeter" count="2" title="引导员"/></posts>
  <zones>
    <zone key="entrance" name="入口区" owner="greeter"/>
    <zone key="counters" name="柜台区" owner="clerk"/>
  </zones>
  <contacts>
    <contact key="district-branch" label="区分公司" name="王五 &amp; &quot;#x&quot;" phone="025-1234-5678"/>
  </contacts>
</store>
"""


def resolve(ws, store, content="content"):
    r = run(["resolve", store, "--content", content], ws)
    assert r.code == 0, r
    return ET.fromstring(r.out)


def hall_of(ws, store="a-std"):
    hall = resolve(ws, store).find(M + "hall")
    assert hall is not None, "no m:hall in the resolved manual"
    return hall


def test_hall_element_has_the_halls_parameters():
    ws = harness.workspace()
    write(ws, "stores/a-std.xml", STORE)
    hall = hall_of(ws)
    days = {d.get("kind"): (d.get("open"), d.get("close"))
            for d in hall.find(M + "hours")}
    assert days == {"weekday": ("08:30", "18:00"),
                    "weekend": ("09:00", "17:00"),
                    "holiday": ("10:00", "16:00")}, days
    rounds = [(r.get("key"), r.get("kind"), r.get("weekday"), r.get("weekend"),
               r.get("owner"), r.get("owner-title"))
              for r in hall.find(M + "patrols")]
    assert rounds == [
        ("opening", "opening", "08:10", "08:40", "store-manager", "店长"),
        ("midday", "peak", "12:00", "", "store-manager", "店长"),
        ("closing", "closing", "18:00", "17:00", "store-manager", "店长"),
    ], rounds
    zones = [(z.get("key"), z.get("name"), z.get("owner"), z.get("owner-title"))
             for z in hall.find(M + "zones")]
    assert zones == [("entrance", "入口区", "greeter", "引导员"),
                     ("counters", "柜台区", "clerk", "营业员")], zones
    contacts = [(c.get("key"), c.get("label"), c.get("name"), c.get("phone"))
                for c in hall.find(M + "contacts")]
    assert contacts == [
        ("complaints-hotline", "投诉受理中心", "值班席", "025-8660-1000"),
        ("district-branch", "区分公司", '王五 & "#x"', "025-1234-5678"),
    ], contacts
    online = hall.find(M + "online")
    assert online is not None and online.get("href") == \
        "https://manuals.example.com.cn/latest/stores/a-std/index.html", \
        ET.tostring(hall, encoding="unicode")[:500]


def render_pbm(modules, size, path, scale=4, quiet=4):
    """The modules as a plain PBM, with a quiet zone, scale px a module."""
    side = (size + 2 * quiet) * scale
    rows = []
    for y in range(side):
        my = y // scale - quiet
        row = []
        for x in range(side):
            mx = x // scale - quiet
            dark = 0 <= mx < size and 0 <= my < size and \
                modules[my * size + mx] == "1"
            row.append("1" if dark else "0")
        rows.append(" ".join(row))
    with open(path, "w") as f:
        f.write(f"P1\n{side} {side}\n" + "\n".join(rows) + "\n")


def test_hall_qr_code_decodes_to_the_online_address():
    ws = harness.workspace()
    hall = hall_of(ws, "b-county")
    qr = hall.find(M + "qr")
    assert qr is not None, "no m:qr although defaults.xml sets <site-url>"
    url = "https://manuals.example.com.cn/latest/stores/b-county/index.html"
    size, modules = int(qr.get("size")), qr.get("modules")
    assert qr.get("href") == url, qr.attrib
    # version 1 is 21 modules, each version 4 more
    assert size >= 21 and (size - 21) % 4 == 0, size
    assert len(modules) == size * size and set(modules) <= {"0", "1"}, \
        (size, len(modules))
    pbm = os.path.join(ws, "qr.pbm")
    render_pbm(modules, size, pbm)
    p = subprocess.run(["zbarimg", "--raw", "-q", pbm], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == url, (p.returncode,
                                                          p.stdout, p.stderr)


def test_hall_without_site_url_has_no_online_address():
    ws = harness.workspace()
    path = os.path.join(ws, "content", "defaults.xml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert "<site-url>" in text
    write(ws, "defaults.xml",
          "".join(l + "\n" for l in text.splitlines() if "site-url" not in l))
    hall = hall_of(ws)
    assert hall.find(M + "online") is None and hall.find(M + "qr") is None
    assert hall.find(M + "patrols") is not None


def test_site_url_must_be_https():
    ws = harness.workspace()
    path = os.path.join(ws, "content", "defaults.xml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    write(ws, "defaults.xml", text.replace(
        "https://manuals.example.com.cn/", "http://manuals.example.com.cn/"))
    r = run(["check", "--content", "content"], ws)
    assert r.code == 1 and "defaults.xml" in r.err and "site-url" in r.err, r


def test_site_url_too_long_for_a_qr_code_fails_without_pdfs_too():
    """Pages without PDFs draw no QR code, so the code is not made for
    them when the address is well under what one holds (2,331 bytes); an
    address too long for one is still reported, by check and by a build
    without PDFs, and one just over that mark still builds."""
    ws = harness.workspace()
    path = os.path.join(ws, "content", "defaults.xml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    base = "https://manuals.example.com.cn/"
    assert base in text
    for extra, ok in (("a" * 2100 + "/", True), ("b" * 2400 + "/", False)):
        write(ws, "defaults.xml", text.replace(base, base + extra))
        for args in (["check"], ["build", "--out", "out"]):
            r = run(args + ["--content", "content"], ws)
            if ok:
                assert r.code == 0, (args, r)
            else:
                assert r.code == 1 and "too long for a QR code" in r.err, r
                assert "defaults.xml:" in r.err, r
    # a hall's resolved manual, which print reads, has its code
    write(ws, "defaults.xml", text.replace(base, base + "a" * 2100 + "/"))
    qr = hall_of(ws).find(M + "qr")
    assert qr is not None and len(qr.get("modules")) > 100 * 100, qr


def test_zone_checklists_have_a_task_list_under_each_zone_of_every_sample_hall():
    stores = sorted(f[:-4] for f in os.listdir(
        os.path.join(harness.ROOT, "content", "stores")) if f.endswith(".xml"))
    assert len(stores) >= 10, stores
    for store in stores:
        man = resolve(harness.ROOT, store)
        zones = [z.get("name") for z in man.find(M + "hall").find(M + "zones")]
        assert zones, store
        section = [s for s in man.iter(M + "section")
                   if s.get("id") == "patrol-zones"]
        assert len(section) == 1, store
        blocks = list(section[0].find(MD + "document"))
        for name in zones:
            at = [i for i, b in enumerate(blocks)
                  if b.tag == MD + "heading" and b.get("level") in ("3", "4")
                  and "".join(b.itertext()).strip() == name]
            assert len(at) == 1, (store, name, len(at))
            nxt = blocks[at[0] + 1] if at[0] + 1 < len(blocks) else None
            assert nxt is not None and nxt.tag == MD + "list", (store, name)
            items = nxt.findall(MD + "tasklist")
            assert items and len(items) == len(list(nxt)), (store, name)
