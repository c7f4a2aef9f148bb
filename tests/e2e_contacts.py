"""Phone numbers and e-mail addresses that placeholders print are links
(tel:, mailto:) on a hall's pages, decided by the parameter's schema
type, never by how the value looks; spliced pages equal the reference."""
import os
import re
import shutil

import harness
from harness import run, write
from e2e_splice import bodies, both_ways

SECTION = """---
id: contacts
title: 联络
---
投诉电话：{{ contacts/contact[@key='complaints-hotline']/@phone }}。

反馈邮箱：{{ feedback-email }}。

值守：{{ contacts/contact[@key='complaints-hotline']/@name }}，
号码写作 {{ string(contacts/contact[@key='complaints-hotline']/@phone) }}。

[拨打 {{ contacts/contact[@key='complaints-hotline']/@phone }}](<tel:{{ contacts/contact[@key='complaints-hotline']/@phone }}>)
"""


def add_section(ws, text=SECTION):
    write(ws, "sections/contacts.md", text)
    p = os.path.join(ws, "content", "manual.xml")
    text = open(p, encoding="utf-8").read()
    text = text.replace('<section href="sections/rounds.md"/>',
                        '<section href="sections/rounds.md"/>'
                        '<section href="sections/contacts.md"/>', 1)
    assert "contacts.md" in text, text
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)


def contact_links(html):
    return re.findall(r'<a class="contact" href="([^"]*)">([^<]*)</a>', html)


def test_placeholders_that_print_a_phone_or_an_email_are_links():
    ws = harness.workspace()
    add_section(ws)
    both_ways(ws)
    d = os.path.join(ws, "out-splice", "draft", "stores", "a-std")
    chapter = [f for f in os.listdir(d) if f.endswith(".html")
               and "contacts" in open(os.path.join(d, f),
                                      encoding="utf-8").read()
               and f not in ("handbook.html", "index.html", "search.html")]
    assert chapter, os.listdir(d)
    for page in chapter[:1] + ["handbook.html"]:
        html = open(os.path.join(d, page), encoding="utf-8").read()
        links = contact_links(html)
        # the rounds section's number, this one's, and the feedback address
        assert ("tel:025-8660-1000", "025-8660-1000") in links, links
        assert ("mailto:service-manual@example.com.cn",
                "service-manual@example.com.cn") in links, links
        # a name is no link; string() makes the value no longer the
        # attribute's, so no link either; inside a link, no second one
        assert all(not h.startswith("tel:") or t == "025-8660-1000"
                   for h, t in links), links
        assert "号码写作 025-8660-1000" in html, page
        assert re.search(r'<a href="tel:025-8660-1000">拨打 025-8660-1000</a>',
                         html), page
        assert not re.search(r"<a [^>]*>[^<]*<a ", html), page


def test_contact_links_of_other_halls_share_the_rendering():
    """Halls that differ only in their numbers share section bodies: the
    number is a hole in href="tel:..." too, not a new variant. (A
    placeholder written in a link's destination is not: each number
    its own variant, so the section leaves that paragraph out.)"""
    ws = harness.workspace()
    add_section(ws, SECTION[:SECTION.index("[拨打")])
    def made():
        r = run(["build", "--content", "content", "--out", "out", "--no-pdf"],
                ws, MANUALGEN_SPLICE_STATS="1")
        assert r.code == 0, r
        return bodies(r.err)
    alone = made()
    src = os.path.join(ws, "content", "stores", "a-std.xml")
    base = open(src, encoding="utf-8").read()
    for i in range(3):
        write(ws, f"stores/a-std-{i}.xml", base.replace(
            'id="a-std"', f'id="a-std-{i}"').replace(
            "</store>", "<contacts><contact key=\"complaints-hotline\" "
            f"phone=\"025-1234-000{i}\"/></contacts></store>"))
    shutil.rmtree(os.path.join(ws, "out"))
    cloned = made()
    # three more halls, no body made for them
    assert cloned[0] == alone[0] and cloned[1] > alone[1], (alone, cloned)
    for i in range(3):
        html = open(os.path.join(ws, "out", "draft", "stores", f"a-std-{i}",
                                 "handbook.html"), encoding="utf-8").read()
        assert (f"tel:025-1234-000{i}", f"025-1234-000{i}") in \
            contact_links(html), i
    both_ways(ws)
