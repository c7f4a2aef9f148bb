"""End-to-end tests of builds that shard across machines (issue 10):
`build --shard K/N` on each "machine" (here: a folder each), the folders
gathered into one, `index` there; the union must be the one-process
build byte for byte.

The content is e2e_releases' (three releases, field feedback resolved by
one of them): every edition, latest, the feeds, the editions page and
the feedback page are compared. The only files the union has and the
one-process build does not are the shard records
(FOLDER/.manualgen-shard-K-of-N); nothing else may differ, the folders'
own manifests (.manualgen-edition) included.

Which shard a hall belongs to is XXH64(id, seed 0) mod N, pinned by
tests/unit/test_shard.c (the C function, on xxHash's own test vector):
with N = 2, b-county is in shard 0, a-flag and a-std in shard 1; with
N = 3, a-std and b-county are in shard 0, a-flag in shard 2 and shard 1
has no hall at all."""
import os
import shutil
import tempfile

import harness
from harness import run
from e2e_releases import released, tree, edit

SHARD_OF = {2: {"b-county": 0, "a-flag": 1, "a-std": 1},
            3: {"a-std": 0, "b-county": 0, "a-flag": 2}}
FOLDERS = ("1.0", "1.1", "1.2", "draft", "latest", "feeds")


def mg(cwd, content, *args, code=0):
    r = run(list(args) + ["--content", content], cwd)
    assert r.code == code, r
    return r


def shards(content, n, top):
    """Builds the n shards of content into top/shard-K; returns their
    folders."""
    outs = []
    for k in range(n):
        out = os.path.join(top, f"shard-{k}")
        r = mg(top, content, "build", "--shard", f"{k}/{n}", "--out", out)
        assert "run `manualgen index`" in r.err, r
        outs.append(out)
    return outs


def gather(outs, site):
    """What rsync or cp -a of every shard's folder into one does."""
    for out in outs:
        shutil.copytree(out, site, symlinks=True, dirs_exist_ok=True)


def without_records(files):
    return {p: b for p, b in files.items()
            if not os.path.basename(p).startswith(".manualgen-shard-")}


def diff(a, b):
    """The paths that differ between two trees, for messages."""
    return sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))


def test_shard_union_equals_the_one_process_build():
    ws = released()
    content = os.path.join(ws, "content")
    full = tree(ws, "out")
    assert "feedback.html" in full and "latest/index.html" in full
    for n in (1, 2, 3):
        top = tempfile.mkdtemp(prefix="mgtest-shard-")
        outs = shards(content, n, top)
        for k, out in enumerate(outs):
            own = tree(top, out)
            # a shard writes no index: `index` does, from every shard
            for name in ("index.html", "feedback.html", "draft/index.html",
                         "1.2/index.html", "latest/manual.css"):
                assert name not in own, (n, k, name)
            for folder in FOLDERS:
                assert f"{folder}/.manualgen-shard-{k}-of-{n}" in own, \
                    (n, k, folder, sorted(own))
            halls = {p.split("/")[2] for p in own if p.startswith("draft/stores/")}
            want = {h for h, s in SHARD_OF.get(n, {}).items() if s == k}
            assert halls == (want if n > 1 else set(SHARD_OF[2])), (n, k, halls)
        site = os.path.join(top, "site")
        gather(outs, site)
        r = mg(top, content, "index", "--out", site)
        assert f"indexed 4 editions built in {n} shard" in r.err, r
        union = tree(top, site)
        assert without_records(union) == full, (n, diff(without_records(union), full))
        records = set(union) - set(full)
        assert len(records) == n * len(FOLDERS), sorted(records)
        # index again: the same bytes (records kept, nothing rewritten)
        r = mg(top, content, "index", "--out", site)
        assert tree(top, site) == union


def test_shard_index_refuses_a_missing_shard_and_writes_nothing():
    ws = released()
    content = os.path.join(ws, "content")
    top = tempfile.mkdtemp(prefix="mgtest-shard-")
    outs = shards(content, 3, top)
    site = os.path.join(top, "site")
    gather([outs[0], outs[2]], site)   # shard 1 (it has no hall) not here
    before = tree(top, site)
    r = mg(top, content, "index", "--out", site, code=1)
    assert (f"{site}: error: shard 1 of 3 is missing: no edition has its "
            f"record (.manualgen-shard-1-of-3); gather its output folder "
            f"here") in r.err.splitlines(), r
    assert "index failed: 1 error; nothing was written" in r.err, r
    assert tree(top, site) == before
    # one edition lacks one record
    gather([outs[1]], site)
    os.unlink(os.path.join(site, "1.1", ".manualgen-shard-2-of-3"))
    before = tree(top, site)
    r = mg(top, content, "index", "--out", site, code=1)
    assert (f"{site}/1.1: error: shard 2 of 3 of edition 1.1 is missing "
            f"(.manualgen-shard-2-of-3)") in r.err.splitlines(), r
    assert tree(top, site) == before
    # records of two different builds
    gather([outs[2]], site)
    two = os.path.join(top, "two")
    mg(top, content, "build", "--shard", "0/2", "--out", two)
    gather([two], site)
    r = mg(top, content, "index", "--out", site, code=1)
    assert "a record of 3 shards, where" in r.err or \
        "a record of 2 shards, where" in r.err, r
    # no folder, no records
    r = mg(top, content, "index", "--out", os.path.join(top, "none"), code=1)
    assert "there is no output folder here" in r.err, r
    empty = os.path.join(top, "empty")
    os.makedirs(empty)
    r = mg(top, content, "index", "--out", empty, code=1)
    assert "there is no shard record here" in r.err, r


def test_shard_build_leaves_other_halls_alone():
    """Shards run one after the other into one folder (a shared volume):
    each swaps in its own halls only; `index` then gives what one build
    of the changed content gives."""
    ws = released()
    top = tempfile.mkdtemp(prefix="mgtest-shard-")
    content = os.path.join(top, "content")
    shutil.copytree(os.path.join(ws, "content"), content)
    site = os.path.join(top, "site")
    shutil.copytree(os.path.join(ws, "out"), site, symlinks=True)
    # every hall's draft changes
    edit(top, "sections/rounds.md", "开始第一次巡视", "开始首次巡视")
    before = tree(top, site)
    ino = {p: os.stat(os.path.join(site, p)).st_ino for p in before}
    mg(top, content, "build", "--shard", "0/2", "--out", site)
    after = tree(top, site)
    changed = diff(before, after)
    assert "draft/stores/b-county/rounds.html" in changed or \
        any(p.startswith("draft/stores/b-county/") for p in changed), changed
    for p in changed:
        assert (p.startswith("draft/stores/b-county/")
                or p.endswith("/.manualgen-edition")
                or "/.manualgen-shard-0-of-2" in p), (p, changed)
    # the other shard's halls, the indexes: the same files, not rewritten
    for p in before:
        if not p.endswith(".manualgen-edition") and (
                "/stores/a-" in p or "/stores/" not in p):
            assert os.stat(os.path.join(site, p)).st_ino == ino[p], p
    mg(top, content, "build", "--shard", "1/2", "--out", site)
    mg(top, content, "index", "--out", site)
    fresh = os.path.join(top, "fresh")
    mg(top, content, "build", "--out", fresh)
    assert without_records(tree(top, site)) == tree(top, fresh), \
        diff(without_records(tree(top, site)), tree(top, fresh))
    # a build of every hall drops the records: they are its own files
    mg(top, content, "build", "--out", site)
    assert tree(top, site) == tree(top, fresh)


def test_shard_check_and_usage():
    ws = released()
    content = os.path.join(ws, "content")
    r = mg(ws, content, "check", "--shard", "0/2")
    assert "checked 1 store: 0 errors" in r.err, r
    r = mg(ws, content, "check", "--shard", "1/3")
    assert "checked 0 stores: 0 errors" in r.err, r
    for bad in ("3/2", "x/2", "0/0", "1/-2", "2/2"):
        r = mg(ws, content, "build", "--shard", bad, code=2)
        assert (f"manualgen: --shard takes K/N, shard K (from 0 to N-1) of N "
                f"shards such as 0/4, not '{bad}'") in r.err.splitlines(), r
    r = mg(ws, content, "build", "--shard", "0/2", "--store", "a-std", code=2)
    assert ("manualgen: --shard and --store cannot be used together: a shard "
            "builds the stores that hash to it") in r.err.splitlines(), r
    r = mg(ws, content, "index", "--shard", "0/2", code=2)
    assert "option '--shard' does not apply to 'index'" in r.err, r


def test_shard_with_pdfs_union_equals_the_one_process_build():
    """The fixture without releases, with its PDFs: what shards are for."""
    ws = harness.workspace()
    r = run(["build", "--content", "content", "--out", "full"], ws, pdf=True)
    assert r.code == 0, r
    full = tree(ws, "full")
    assert "draft/stores/a-flag/handbook.pdf" in full, sorted(full)
    outs = []
    for k in range(2):
        out = os.path.join(ws, f"shard-{k}")
        r = run(["build", "--content", "content", "--shard", f"{k}/2",
                 "--out", out], ws, pdf=True)
        assert r.code == 0, r
        outs.append(out)
    gather(outs, os.path.join(ws, "site"))
    mg(ws, "content", "index", "--out", "site")
    union = without_records(tree(ws, "site"))
    assert union == full, diff(union, full)


def test_shard_index_refuses_content_that_changed_since_the_shards():
    ws = harness.workspace()
    outs = shards("content", 2, ws)
    site = os.path.join(ws, "site")
    gather(outs, site)
    before = tree(ws, "site")
    shutil.copytree(os.path.join(ws, "content"), os.path.join(ws, "fewer"))
    os.unlink(os.path.join(ws, "fewer", "stores", "b-county.xml"))
    r = mg(ws, "fewer", "index", "--out", "site", code=1)
    assert ("site/draft: error: the shards built store 'b-county', which the "
            "draft does not have: the content changed since; build them "
            "again") in r.err.splitlines(), r
    shutil.copytree(os.path.join(ws, "content"), os.path.join(ws, "more"))
    with open(os.path.join(ws, "content", "stores", "a-std.xml"),
              encoding="utf-8") as f:
        text = f.read()
    assert 'id="a-std"' in text
    with open(os.path.join(ws, "more", "stores", "a-new.xml"), "w",
              encoding="utf-8") as f:
        f.write(text.replace('id="a-std"', 'id="a-new"'))
    r = mg(ws, "more", "index", "--out", "site", code=1)
    assert ("site/draft: error: store 'a-new' of the draft is in no shard's "
            "record: the content changed since the shards were built; build "
            "them again") in r.err.splitlines(), r
    assert tree(ws, "site") == before
