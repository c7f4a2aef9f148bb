"""End-to-end tests of the benchmark corpus generator (bench/gen-corpus,
issue 10), so that it cannot rot while nobody runs `make bench`.

A small corpus (5 halls: the types cycle flagship, standard,
self-operated, county, so every type is there) must check clean, build
one handbook per hall holding that hall's values and the branch of the
first section's condition (`type = 'flagship'`) that fits it, and give
Hugo and pandoc one input per hall with the same values. Hugo and pandoc
themselves are not needed: `make bench` runs them."""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from harness import ROOT, run

GEN = os.path.join(ROOT, "bench", "gen-corpus")
# the two branches of the first section's condition (FIRST_THEN and
# FIRST_ELSE in bench/gen-corpus)
FLAGSHIP = "旗舰厅承担全市新业务首发与体验展示任务"
OTHER = "本厅按标准厅口径管理"


def generate(halls, seed=None):
    d = tempfile.mkdtemp(prefix="mgbench-")
    argv = [sys.executable, GEN, "--halls", str(halls), "--out", d]
    if seed is not None:
        argv += ["--seed", str(seed)]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return d


def stores(d):
    """{id: (name, manager, type)} from the generated store files."""
    out = {}
    sdir = os.path.join(d, "manualgen", "stores")
    for f in sorted(os.listdir(sdir)):
        root = ET.parse(os.path.join(sdir, f)).getroot()
        out[root.get("id")] = (root.findtext("name"), root.findtext("manager"),
                               root.findtext("type"))
    return out


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_benchcorpus_checks_clean_and_builds_each_hall_its_values():
    d = generate(5)
    try:
        r = run(["check", "--content", "manualgen"], d)
        assert r.code == 0 and "0 errors, 0 warnings" in r.err, r
        r = run(["build", "--content", "manualgen", "--out", "out"], d)
        assert r.code == 0 and "warning:" not in r.err, r
        halls = stores(d)
        assert len(halls) == 5, halls
        assert {t for _, _, t in halls.values()} == {
            "flagship", "standard", "self-operated", "county"}, halls
        built = sorted(os.listdir(os.path.join(d, "out", "draft", "stores")))
        assert built == sorted(halls), built
        for hid, (name, manager, typ) in halls.items():
            page = read(os.path.join(d, "out", "draft", "stores", hid,
                                     "handbook.html"))
            assert name in page and manager in page, (hid, name, manager)
            want, other = (FLAGSHIP, OTHER) if typ == "flagship" else (OTHER, FLAGSHIP)
            assert want in page and other not in page, (hid, typ)
            assert "{{" not in page and "<!-- if" not in page, hid
    finally:
        shutil.rmtree(d)


def test_benchcorpus_hugo_and_pandoc_get_each_hall_and_the_same_values():
    d = generate(5)
    try:
        for hid, (name, manager, typ) in stores(d).items():
            fm = read(os.path.join(d, "hugo", "content", "halls", hid + ".md"))
            meta = read(os.path.join(d, "pandoc", "halls", hid + ".yaml"))
            for text in (fm, meta):
                assert f'name: "{name}"' in text, (hid, text)
                assert f'manager: "{manager}"' in text, (hid, text)
                assert f'type: "{typ}"' in text, (hid, text)
        # the same sections for all three: the first section's condition
        # in each tool's spelling, and no manualgen syntax left over
        md = read(os.path.join(d, "pandoc", "manual.md"))
        assert '::: {.when k="type" op="eq" v="flagship"}' in md
        assert "{{manager}}" in md and "<!--" not in md
        s01 = read(os.path.join(d, "hugo", "assets", "sections", "posts", "s01.md"))
        assert '{{% when "type" "eq" "flagship" %}}' in s01
        assert '{{< p "manager" >}}' in s01 and "<!--" not in s01
        assert os.access(os.path.join(d, "pandoc", "run-all"), os.X_OK)
    finally:
        shutil.rmtree(d)


def test_benchcorpus_is_the_same_for_the_same_seed():
    a, b, c = generate(3), generate(3), generate(3, seed=11)
    try:
        for rel in ("manualgen/sections/posts/s01.md", "manualgen/stores/nj-00001.xml",
                    "hugo/content/halls/sz-00002.md", "pandoc/manual.md"):
            assert read(os.path.join(a, rel)) == read(os.path.join(b, rel)), rel
        assert (read(os.path.join(a, "manualgen/sections/posts/s01.md"))
                != read(os.path.join(c, "manualgen/sections/posts/s01.md")))
    finally:
        for x in (a, b, c):
            shutil.rmtree(x)


def test_benchcorpus_make_bench_installs_hugo_pandoc_and_hyperfine():
    """`make bench` runs `scripts/deps bench` first: with nothing
    installed (and not root), it asks for the tools the bench runs and the
    build packages, not for the test tools."""
    from e2e_setup import deps, fake_tools
    ws = tempfile.mkdtemp(prefix="mgbench-")
    try:
        p = deps(ws, "bench", fake_tools(ws, installed=False))
        assert p.returncode == 1, p
        words = p.stderr.split()
        for pkg in ("hugo", "pandoc", "hyperfine", "time", "python3",
                    "libxml2-dev"):
            assert pkg in words, (pkg, p.stderr)
        assert "libcmocka-dev" not in words and "cppcheck" not in words, p.stderr
    finally:
        shutil.rmtree(ws)
