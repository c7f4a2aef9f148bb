#!/usr/bin/env python3
"""fuzz/seeds.py -- how the named files of fuzz/corpus/ were made.

Seeds each corpus from content/, tests/fixtures/basic and the blocks of
tests/errors/*.case (files named after their source), adds a few
hand-written inputs (seed-*), and writes the reproducers of the issue
(repro-*): 45,000 nested parentheses, not( x 10,000, 4,000 headings, a
store with 2,000 contacts, &#xFFFE; &#xFFFF; &#27;, misspelled markers, a
full-width colon in front matter, an & in XML text, a DTD with entities;
and those of issue 8: HQ's policy numbers past a long, a reassignment that
names no new owner.

A file that exists is left alone (libFuzzer's finds, named by their SHA-1,
are never touched); delete a file to write it again. Every file stays
under 64 KB. Run from anywhere: python3 fuzz/seeds.py
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C = os.path.join(ROOT, "fuzz", "corpus")
FX = os.path.join(ROOT, "tests", "fixtures", "basic")
SEP = b"\n--8<--\n"

def rd(p):
    with open(p, "rb") as f:
        return f.read()

def put(h, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(C, h)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name)
    if os.path.exists(p):
        return
    assert len(data) <= 64 * 1024, name
    with open(p, "wb") as f:
        f.write(data)

def case_blocks():
    """(case name, relative path, bytes) of every tests/errors block."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import harness
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/errors/*.case"))):
        meta, files = harness.parse_case(p)
        for rel, text in files:
            yield os.path.basename(p)[:-5], rel, harness.unescape(text)

def slug(p):
    return os.path.relpath(p, ROOT).replace("/", "_")

FM = "---\nid: fuzz\ntitle: 模糊测试\n---\n"

# ------------------------------------------------------------ section
mds = sorted(glob.glob(os.path.join(ROOT, "content/sections/**/*.md"), recursive=True))
for p in mds:
    put("section", slug(p), rd(p))
for case, rel, data in case_blocks():
    if rel.endswith(".md"):
        put("section", f"errors_{case}_{os.path.basename(rel)}", data)
put("section", "repro-deep-parens-placeholder.md",
    FM + "开门时间 {{ " + "(" * 45000 + "hours/weekday/@open }}\n")
put("section", "repro-deep-parens-condition.md",
    FM + "<!-- if: " + "(" * 45000 + "true() -->\n\n正文\n\n<!-- endif -->\n")
put("section", "repro-not-10000.md",
    FM + "<!-- if: " + "not(" * 10000 + "false()" + ")" * 10000 + " -->\n\n正文\n\n<!-- endif -->\n")
put("section", "repro-4000-headings.md", FM + "# a\n" * 4000)
put("section", "repro-char-refs.md", FM +
    "# 标题 &#xFFFE;\n\n文字 &#xFFFE; &#xFFFF; &#27; 结束。\n\n"
    "[链接 &#27;](http://example.com/&#xFFFF; \"标题 &#xFFFE;\")\n\n"
    "| 列 &#xFFFF; |\n| --- |\n| &#27; |\n")
put("section", "repro-misspelled-markers.md", FM +
    "<!-- if: type = 'flagship' -->\n\n旗舰厅\n\n<!-- Else -->\n\n其他\n\n"
    "<!-- elseif: x -->\n\n又一个\n\n<!-- end if -->\n\n<!-- endif -->\n")
put("section", "repro-fullwidth-colon.md",
    "---\nid: fuzz\ntitle：店长\n---\n正文\n")

# ------------------------------------------------------- frontmatter
def front(data):
    m = re.match(rb"---\r?\n.*?\n(---|\.\.\.)\r?\n", data, re.S)
    return (m.group(0) + b"\n") if m else data[:512]

for p in mds + sorted(glob.glob(os.path.join(FX, "sections/*.md"))):
    put("frontmatter", slug(p), front(rd(p)))
for case, rel, data in case_blocks():
    if rel.endswith(".md") and data.startswith(b"---"):
        put("frontmatter", f"errors_{case}_{os.path.basename(rel)}", front(data))
put("frontmatter", "repro-fullwidth-colon.md", "---\nid: fuzz\ntitle：店长\n---\n")
put("frontmatter", "seed-alias.md", "---\nid: &a fuzz\ntitle: *a\n---\n")
put("frontmatter", "seed-crlf.md", "---\r\nid: fuzz\r\ntitle: 店长\r\nposts: [store-manager, clerk]\r\n...\r\n")
put("frontmatter", "seed-block-list.md",
    "---\nid: fuzz\ntitle: '店长'\nposts:\n  - store-manager\n  - clerk\n"
    "applies-to: \"posts/post[@key='lobby-manager']\"\n---\n")
put("frontmatter", "seed-mapping.md", "---\nid: {a: b}\ntitle: [x]\n---\n")
put("frontmatter", "seed-tab.md", "---\nid:\tfuzz\n\ttitle: x\n---\n")
put("frontmatter", "seed-unclosed.md", "---\nid: fuzz\ntitle: x\n")

# -------------------------------------------------------------- expr
exprs = set()
texts = [rd(p).decode("utf-8", "replace") for p in mds +
         sorted(glob.glob(os.path.join(FX, "sections/*.md")))]
texts += [d.decode("utf-8", "replace") for _, rel, d in case_blocks() if rel.endswith(".md")]
for t in texts:
    for m in re.finditer(r"\{\{(.*?)\}\}", t):
        exprs.add(m.group(1).strip())
    for m in re.finditer(r"<!--\s*(?:if|elif):(.*?)-->", t):
        exprs.add(m.group(1).strip())
    for m in re.finditer(r"^applies-to:\s*(.*)$", t, re.M):
        v = m.group(1).strip()
        if len(v) > 1 and v[0] == v[-1] and v[0] in "'\"":
            v = v[1:-1]
        exprs.add(v)
for i, e in enumerate(sorted(x for x in exprs if x)):
    put("expr", f"seed-{i:03d}", e)
put("expr", "repro-deep-parens", "(" * 45000 + "true()")
put("expr", "repro-deep-parens-closed", "(" * 30000 + "1" + ")" * 30000)
put("expr", "repro-not-10000", "not(" * 10000 + "false()" + ")" * 10000)
put("expr", "seed-variable", "$x = 1")
put("expr", "seed-prefix", "m:type")
put("expr", "seed-unterminated", "type = 'flag")

# ----------------------------------------------------------- outline
put("outline", "content_manual.xml", rd(os.path.join(ROOT, "content/manual.xml")))
put("outline", "tests_fixtures_basic_manual.xml", rd(os.path.join(FX, "manual.xml")))
for case, rel, data in case_blocks():
    if rel == "manual.xml":
        put("outline", f"errors_{case}.xml", data)
OUT = ('<?xml version="1.0" encoding="UTF-8"?>\n{dtd}<manual lang="zh-CN">\n'
       '  <title>{title}</title>\n  <organisation>测试省公司</organisation>\n'
       '  <chapter id="duties">\n    <title>岗位职责</title>\n'
       '    <section href="sections/manager.md"/>\n  </chapter>\n</manual>\n')
put("outline", "repro-ampersand.xml", OUT.format(dtd="", title="服务 & 销售"))
put("outline", "repro-char-refs.xml", OUT.format(dtd="", title="手册 &#xFFFE; &#xFFFF; &#27;"))
LOL = ('<!DOCTYPE manual [\n <!ENTITY a "哈哈哈哈哈哈哈哈哈哈">\n'
       ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
       ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
       ' <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n'
       ' <!ENTITY ext SYSTEM "file:///etc/passwd">\n]>\n')
put("outline", "repro-dtd-entities.xml", OUT.format(dtd=LOL, title="&d; &ext;"))

# ------------------------------------------------------------ params
def as_fixture(data, root):
    """Renames a city to alpha and a store to a-flag (the harness's files)."""
    s = data  # bytes: a case may hold bytes that are not UTF-8
    if root == "city":
        s = re.sub(rb'(<city\b[^>]*\bid=")[^"]*"', rb'\1alpha"', s, count=1)
    else:
        s = re.sub(rb'(<store\b[^>]*\bid=")[^"]*"', rb'\1a-flag"', s, count=1)
        s = re.sub(rb'(<store\b[^>]*\bcity=")[^"]*"', rb'\1alpha"', s, count=1)
    return s

def params(defaults, city, store):
    return defaults.rstrip(b"\n") + SEP + city.rstrip(b"\n") + SEP + store

fd = rd(os.path.join(FX, "defaults.xml"))
fa = rd(os.path.join(FX, "cities/alpha.xml"))
for s in sorted(glob.glob(os.path.join(FX, "stores/*.xml"))):
    sd = rd(s)
    city = re.search(rb'city="([^"]*)"', sd).group(1).decode()
    cd = rd(os.path.join(FX, f"cities/{city}.xml"))
    put("params", slug(s), params(fd, as_fixture(cd, "city"), as_fixture(sd, "store")))
cdef = rd(os.path.join(ROOT, "content/defaults.xml"))
for s in sorted(glob.glob(os.path.join(ROOT, "content/stores/*.xml"))):
    sd = rd(s)
    city = re.search(rb'city="([^"]*)"', sd).group(1).decode()
    cd = rd(os.path.join(ROOT, f"content/cities/{city}.xml"))
    put("params", slug(s), params(cdef, as_fixture(cd, "city"), as_fixture(sd, "store")))
PARAM_FILES = re.compile(r"defaults\.xml$|cities/[^/]*\.xml$|stores/[^/]*\.xml$")
for case, rel, data in case_blocks():
    if PARAM_FILES.fullmatch(rel):
        parts = [fd, fa, rd(os.path.join(FX, "stores/a-flag.xml"))]
        i = 0 if rel == "defaults.xml" else 1 if rel.startswith("cities/") else 2
        if i == 2:  # the store with its own city (b-county is in beta)
            m = re.search(rb'city="([^"]*)"', data)
            cp = os.path.join(FX, f"cities/{m.group(1).decode()}.xml") if m else ""
            if os.path.exists(cp):
                parts[1] = as_fixture(rd(cp), "city")
        parts[i] = data if i == 0 else as_fixture(data, "city" if i == 1 else "store")
        put("params", f"errors_{case}.xml", params(*parts))
put("params", "seed-defaults-only.xml", fd)
put("params", "seed-no-store.xml", fd.rstrip(b"\n") + SEP + fa)
STORE = ('<?xml version="1.0" encoding="UTF-8"?>\n{dtd}<store id="a-flag" city="alpha">\n'
         '  <name>{name}</name>\n{more}</store>\n')
def store_case(fname, dtd="", name="甲市旗舰厅", more=""):
    kw = {"dtd": dtd, "name": name, "more": more}
    put("params", fname, params(fd, fa, STORE.format(**kw).encode("utf-8")))
contacts = "".join(f'<contact key="c{i}" phone="1"/>' for i in range(2000))
store_case("repro-2000-contacts.xml", more=f"  <contacts>{contacts}</contacts>\n")
store_case("repro-ampersand.xml", name="营业 & 服务")
store_case("repro-char-refs.xml", name="甲市 &#xFFFE; &#xFFFF; &#27;")
store_case("repro-dtd-entities.xml", dtd=LOL.replace("manual", "store"), name="&d; &ext;")
store_case("seed-replace.xml", more='  <posts merge="replace"><post key="clerk" count="9"/></posts>\n')

# ------------------------------------------------------------- model
def model(duties, forms, rules):
    """The model harness's input; None leaves that file (and, for a part
    after it, the separators) out."""
    parts = [duties, forms, rules]
    while parts and parts[-1] is None:
        parts.pop()
    return SEP.join(p.rstrip(b"\n") if p is not None else b"" for p in parts)

xd, xf = rd(os.path.join(FX, "duties.xml")), rd(os.path.join(FX, "forms.xml"))
cd_, cf, cr = (rd(os.path.join(ROOT, "content", f))
               for f in ("duties.xml", "forms.xml", "rules.xml"))
put("model", "tests_fixtures_basic.xml", model(xd, xf, None))
put("model", "content.xml", model(cd_, cf, cr))
put("model", "seed-fixture-with-content-rules.xml", model(xd, xf, cr))
put("model", "seed-no-files.xml", b"")
put("model", "seed-rules-only.xml", model(b"", b"", cr))
for case, rel, data in case_blocks():
    if rel in ("duties.xml", "forms.xml", "rules.xml"):
        parts = [xd, xf, None]
        parts[("duties.xml", "forms.xml", "rules.xml").index(rel)] = data
        put("model", f"errors_{case}.xml", model(*parts))
RULES = ('<?xml version="1.0" encoding="UTF-8"?>\n<rules>\n  <pattern id="p">\n'
         '    <rule context="{ctx}">\n      <assert id="R-1" test="{test}">'
         '消息 <value-of select="{sel}"/></assert>\n    </rule>\n  </pattern>\n</rules>\n')
def rules_case(fname, ctx="/store", test="true()", sel="name"):
    put("model", fname, model(xd, xf, RULES.format(ctx=ctx, test=test, sel=sel).encode()))
rules_case("seed-rules-duties.xml", ctx="/store/duties/duty",
           test="@status != 'outside'", sel="@owner-title")
rules_case("seed-rules-forms.xml", ctx="/store/duties/form", test="@owner", sel="@title")
rules_case("seed-rules-value.xml", ctx="count(/store/posts/post)")
rules_case("seed-rules-every-node.xml", ctx="//node()", test="false()", sel="name()")
DUTIES = ('<?xml version="1.0" encoding="UTF-8"?>\n<duties>\n{body}</duties>\n')
def duties_case(fname, body):
    put("model", fname, model(DUTIES.format(body=body).encode(), xf, None))
duties_case("seed-reassign-chain.xml",
            '  <duty id="SM-01" owner="store-manager" title="全面管理"/>\n'
            '  <duty id="LM-01" owner="lobby-manager" title="大堂秩序"/>\n'
            '  <reassign from="lobby-manager" to="clerk"/>\n'
            '  <reassign from="clerk" to="store-manager" when="counters &lt; 2"/>\n'
            '  <reassign duty="LM-01" to="duty-manager"/>\n')
duties_case("seed-reassign-circle.xml",
            '  <duty id="LM-01" owner="lobby-manager" title="大堂秩序"/>\n'
            '  <reassign from="lobby-manager" to="clerk" when="true()"/>\n'
            '  <reassign from="clerk" to="lobby-manager" when="true()"/>\n')
duties_case("seed-reassign-self.xml",
            '  <duty id="LM-01" owner="lobby-manager" title="大堂秩序"/>\n'
            '  <reassign from="lobby-manager" to="lobby-manager"/>\n')
# HQ's policy beyond a long (and an int), with no shifts: saturates
huge = re.sub(rb'weekly-hours="[0-9]+" max-shift-hours="[0-9]+" arrive-before="[0-9]+"',
              b'weekly-hours="99999999999999999999" max-shift-hours='
              b'"99999999999999999999" arrive-before="4294967306"', fd)
huge = re.sub(rb'  <shifts>.*?</shifts>\n', b'', huge, flags=re.S)
assert huge != fd
put("params", "repro-policy-huge-numbers.xml",
    params(huge, fa, rd(os.path.join(FX, "stores/a-flag.xml"))))
# a reassignment with no new owner (reported when loaded) in halls without
# its post: mg_duties_assign followed it to a NULL owner
put("model", "repro-reassign-without-owner.xml", model(xd.replace(
    b'<reassign from="lobby-manager" to="store-manager"/>',
    b'<reassign from="lobby-manager"/>'), xf, None))
