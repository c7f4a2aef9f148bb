"""End-to-end tests: nothing lost, nothing written or read outside the
folders manualgen owns (issue 6, "Data loss and writes outside the output",
"Reads outside the content").

Each test reproduces one fault found against the first build: a build
that unpublished every handbook, a clean-up that followed a symbolic link,
`handbook -o` replacing a device, a killed build leaving a mixed edition,
a truncated page taken as up to date, a full disk reported as success,
symbolic links publishing files from outside the content, a FIFO that
blocked a build for ever.
"""
import glob
import os
import re
import resource
import signal
import stat
import subprocess
import time

import harness
from harness import run, write
from e2e import build, exists, page, read, STORE


def snapshot(ws, top="out"):
    """Every file below top: path -> bytes (symbolic links: their target)."""
    out = {}
    for dirpath, dirs, files in os.walk(os.path.join(ws, top)):
        for n in files + [d for d in dirs
                          if os.path.islink(os.path.join(dirpath, d))]:
            f = os.path.join(dirpath, n)
            out[os.path.relpath(f, ws)] = (
                "-> " + os.readlink(f) if os.path.islink(f)
                else open(f, "rb").read())
    return out


def published(ws):
    return snapshot(ws, "out/draft")


def victim(ws):
    """A folder outside the output with files a build must never touch."""
    v = os.path.join(ws, "victim")
    os.makedirs(v, exist_ok=True)
    for n in ("keep.html", "keep.css", ".manualgen-build", "index.html"):
        with open(os.path.join(v, n), "w") as f:
            f.write("not manualgen's: " + n)
    return v


def victim_intact(v):
    names = sorted(os.listdir(v))
    assert names == sorted(["keep.html", "keep.css", ".manualgen-build",
                            "index.html"]), names
    for n in names:
        assert open(os.path.join(v, n)).read() == "not manualgen's: " + n


# ----------------------------------------------- inputs that are missing


def test_missing_stores_folder_is_an_error_and_unpublishes_nothing():
    ws = harness.workspace()
    build(ws)
    before = published(ws)
    os.rename(os.path.join(ws, "content/stores"),
              os.path.join(ws, "stores.away"))
    r = build(ws, code=1)
    assert ("content/stores: error: cannot read the stores folder: No such "
            "file or directory") in r.err.splitlines(), r
    assert "nothing was written" in r.err, r
    assert published(ws) == before
    # a folder that is there but holds no store is no better
    os.mkdir(os.path.join(ws, "content/stores"))
    r = build(ws, code=1)
    assert ("content/stores: error: no store files (<id>.xml) in the "
            "folder") in r.err.splitlines(), r
    assert published(ws) == before
    # nor is a file where the folder should be
    os.rmdir(os.path.join(ws, "content/stores"))
    open(os.path.join(ws, "content/stores"), "w").close()
    r = build(ws, code=1)
    assert "content/stores: error: cannot read the stores folder: Not a " \
        "directory" in r.err.splitlines(), r
    assert published(ws) == before


def test_unreadable_city_defaults_or_section_is_an_error():
    for rel, kind in (("cities", "folder"), ("defaults.xml", "file"),
                      ("cities/alpha.xml", "file"),
                      ("sections/rounds.md", "file")):
        ws = harness.workspace()
        build(ws)
        before = published(ws)
        p = os.path.join(ws, "content", rel)
        if kind == "folder":
            os.rename(p, p + ".away")
        else:  # a folder where the file should be: it cannot be read
            os.remove(p)
            os.mkdir(p)
        r = build(ws, code=1)
        assert ": error: " in r.err and "nothing was written" in r.err, \
            (rel, r)
        assert f"content/{rel}" in r.err or "content/manual.xml" in r.err, \
            (rel, r)
        assert published(ws) == before, rel


def test_fifo_store_file_is_refused_at_once():
    ws = harness.workspace()
    os.mkfifo(os.path.join(ws, "content/stores/x.xml"))
    t = time.time()
    r = build(ws, code=1)   # used to block for ever (harness: 120 s)
    assert time.time() - t < 20
    assert ("content/stores/x.xml: error: cannot read: it is a FIFO, not a "
            "regular file") in r.err.splitlines(), r
    assert not exists(ws, "out/draft")


# ----------------------------------------- nothing written outside `out`


def test_symlink_in_output_is_never_followed():
    ws = harness.workspace()
    build(ws)
    v = victim(ws)
    os.symlink(v, os.path.join(ws, STORE, "a-std", "extra"))
    os.symlink(os.path.join(v, "keep.html"),
               os.path.join(ws, STORE, "a-flag", "old.html"))
    # the templates change: every hall is rebuilt, stale pages dropped
    tpl = os.path.join(ws, "templates")
    import shutil
    shutil.copytree(os.path.join(harness.ROOT, "templates"), tpl)
    with open(os.path.join(tpl, "css", "manual.css"), "a") as f:
        f.write("\n/* changed */\n")
    r = run(["build", "--content", "content", "--out", "out",
             "--templates", tpl], ws)
    assert r.code == 0, r
    victim_intact(v)
    # the links are not ours: they are kept, as links
    assert os.readlink(os.path.join(ws, STORE, "a-std", "extra")) == v
    assert os.path.islink(os.path.join(ws, STORE, "a-flag", "old.html"))


def test_symlink_named_like_a_hall_does_not_receive_pages():
    ws = harness.workspace()
    build(ws)
    v = victim(ws)
    import shutil
    shutil.rmtree(os.path.join(ws, STORE, "a-std"))
    os.symlink(v, os.path.join(ws, STORE, "a-std"))
    r = build(ws)
    victim_intact(v)
    d = os.path.join(ws, STORE, "a-std")
    assert os.path.isdir(d) and not os.path.islink(d)
    assert "甲市标准厅" in page(ws, STORE + "a-std/index.html").text
    assert "(2 up to date)" in r.err, r
    # the edition itself a link: replaced by a real folder, target intact
    shutil.rmtree(os.path.join(ws, "out/draft"))
    os.symlink(v, os.path.join(ws, "out/draft"))
    build(ws)
    victim_intact(v)
    assert not os.path.islink(os.path.join(ws, "out/draft"))


def test_handbook_output_must_be_a_regular_file():
    ws = harness.workspace()
    full = os.path.join(ws, "full")   # a /dev/full of our own
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    fifo = os.path.join(ws, "fifo")
    os.mkfifo(fifo)
    target = os.path.join(ws, "target.html")
    open(target, "w").write("precious")
    link = os.path.join(ws, "link.html")
    os.symlink(target, link)
    for dest, what in ((full, "a device"), (fifo, "a FIFO"),
                       (link, "a symbolic link"), (ws, "a folder")):
        r = run(["handbook", "a-std", "--content", "content", "-o", dest],
                ws)
        assert r.code == 1, (dest, r)
        assert (f"{dest}: error: refusing to write here: it is {what}, not a "
                "regular file") in r.err.splitlines(), r
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.path.islink(link) and open(target).read() == "precious"
    # a regular file is replaced; "-" is standard output
    r = run(["handbook", "a-std", "--content", "content", "-o", target], ws)
    assert r.code == 0 and "甲市标准厅" in read(ws, "target.html"), r
    assert not glob.glob(os.path.join(ws, ".target.html.*")), "temporary left"
    r = run(["handbook", "a-std", "--content", "content", "-o", "-"], ws)
    assert r.code == 0 and r.out.startswith("<!DOCTYPE html>"), r


# ------------------------------------------------ the edition as a whole


def many_halls(ws, n):
    src = read(ws, "content/stores/a-std.xml")
    for i in range(n):
        write(ws, f"stores/s{i}.xml", src.replace('id="a-std"', f'id="s{i}"'))


def test_killed_build_leaves_the_edition_whole_and_is_cleaned_up():
    ws = harness.workspace()
    build(ws)
    before = published(ws)
    many_halls(ws, 600)
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n新的一句。\n")
    # the pages are what this is about: 600 halls' PDFs would take minutes
    p = subprocess.Popen([harness.BINARY, "build", "--content", "content",
                          "--out", "out", "--jobs", "2", "--no-pdf"], cwd=ws,
                         env=harness.env(), stderr=subprocess.PIPE)
    deadline = time.time() + 60
    stage = []
    while time.time() < deadline and not stage:   # kill it mid-build
        stage = glob.glob(os.path.join(ws, "out/.manualgen-stage-*/stores/s1*"))
        time.sleep(0.02)
    p.kill()
    p.communicate()
    assert stage, "the build never started writing"
    # the published edition is exactly the old one: not one new page
    assert published(ws) == before
    assert glob.glob(os.path.join(ws, "out/.manualgen-stage-*"))
    # the next build removes the leftovers, and publishes the new edition
    build(ws, "--no-pdf")
    assert not glob.glob(os.path.join(ws, "out/.manualgen-*-*"))
    assert not glob.glob(os.path.join(ws, "out/**/*.tmp-*"), recursive=True)
    for sid in ("a-std", "s0", "s599"):
        assert "新的一句" in read(ws, STORE + sid + "/patrol.html"), sid


def test_leftover_temporary_files_of_older_builds_are_removed():
    ws = harness.workspace()
    build(ws)
    junk = os.path.join(ws, STORE, "a-std", "index.html.tmp-4242-7")
    open(junk, "w").write("half a page")
    build(ws)
    assert not os.path.exists(junk)


def test_interrupted_build_ends_within_a_second():
    ws = harness.workspace()
    build(ws)
    before = published(ws)
    many_halls(ws, 3000)
    p = subprocess.Popen([harness.BINARY, "build", "--content", "content",
                          "--out", "out", "--jobs", "1"], cwd=ws,
                         env=harness.env(), stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not glob.glob(
            os.path.join(ws, "out/.manualgen-stage-*/stores/s1*")):
        time.sleep(0.02)
    t = time.time()
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=60)[1]
    took = time.time() - t
    assert p.returncode == 128 + signal.SIGTERM, (p.returncode, err)
    assert took < 3, took   # the limit is one second; generous for ASan
    assert "interrupted; nothing was written" in err, err
    assert published(ws) == before
    assert not glob.glob(os.path.join(ws, "out/.manualgen-stage-*"))


def test_a_second_build_waits_for_no_one_and_changes_nothing():
    import fcntl
    ws = harness.workspace()
    build(ws)
    before = published(ws)
    with open(os.path.join(ws, "out/.manualgen-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # another build is running
        r = build(ws, code=1)
    assert "out: error: another build is writing to this folder" in r.err, r
    assert published(ws) == before


def test_truncated_page_is_rebuilt():
    ws = harness.workspace()
    build(ws)
    good = read(ws, STORE + "a-std/duties.html")
    open(os.path.join(ws, STORE, "a-std", "duties.html"), "w").close()
    r = build(ws)
    assert "(2 up to date)" in r.err, r
    assert read(ws, STORE + "a-std/duties.html") == good
    # the same size, other bytes: rebuilt too
    with open(os.path.join(ws, STORE, "a-flag", "patrol.html"), "r+b") as f:
        f.seek(100)
        f.write(b"X")
    r = build(ws)
    assert "(2 up to date)" in r.err, r


def test_partial_build_keeps_the_other_halls():
    ws = harness.workspace()
    build(ws)
    std = read(ws, STORE + "a-std/duties.html")
    write(ws, "stores/a-std.xml", read(ws, "content/stores/a-std.xml")
          .replace("李二", "李三"))
    write(ws, "stores/a-flag.xml", read(ws, "content/stores/a-flag.xml")
          .replace("王一", "王五"))
    r = build(ws, "--store", "a-flag", "--store", "a-flag")
    assert "built 1 handbook," in r.err, r      # once, not twice
    assert "店长 王五" in page(ws, STORE + "a-flag/duties.html").text
    assert read(ws, STORE + "a-std/duties.html") == std   # not touched
    assert exists(ws, STORE + "b-county/index.html")


def test_partial_build_indexes_only_the_halls_that_are_there():
    """build --store A --store B into a new folder lists A and B alone:
    the edition's index links to no hall whose pages are not there; a
    partial build over a full one lists every hall it keeps."""
    ws = harness.workspace()
    r = build(ws, "--store", "a-flag", "--store", "b-county")
    assert "built 2 handbooks," in r.err, r
    index = read(ws, "out/draft/index.html")
    linked = sorted(set(re.findall(r'href="stores/([^/"]+)/', index)))
    assert linked == ["a-flag", "b-county"], linked
    for sid in linked:
        assert exists(ws, STORE + sid + "/index.html"), sid
    build(ws)
    build(ws, "--store", "a-std")
    index = read(ws, "out/draft/index.html")
    linked = sorted(set(re.findall(r'href="stores/([^/"]+)/', index)))
    assert linked == ["a-flag", "a-std", "b-county"], linked


def test_nothing_changed_touches_nothing():
    ws = harness.workspace()
    build(ws)
    d = os.path.join(ws, "out/draft")
    ino = os.stat(d).st_ino
    build(ws)
    assert os.stat(d).st_ino == ino   # not even swapped


# --------------------------------------------------- failed writes


def limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # inherited across exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_full_disk_fails_the_build_and_changes_nothing():
    ws = harness.workspace()
    build(ws)
    before = published(ws)
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n新的一句。\n")
    p = subprocess.run([harness.BINARY, "build", "--content", "content",
                        "--out", "out"], cwd=ws, env=harness.env(),
                       capture_output=True, text=True,
                       preexec_fn=limit_file_size, timeout=120)
    assert p.returncode == 1, p
    assert "error: cannot write: File too large" in p.stderr, p.stderr
    assert "nothing was written" in p.stderr, p.stderr
    assert published(ws) == before
    assert not glob.glob(os.path.join(ws, "out/.manualgen-stage-*"))


def test_full_or_closed_standard_output_is_an_error():
    ws = harness.workspace()
    for args in (["handbook", "a-std"], ["resolve", "a-std"],
                 ["params", "a-std"],
                 ["render", "content/sections/manager.md", "--store",
                  "a-std"]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([harness.BINARY] + args + ["--content",
                                                          "content"],
                               cwd=ws, env=harness.env(), stdout=full,
                               stderr=subprocess.PIPE, text=True)
        assert p.returncode == 1, (args, p.stderr)
        assert ("manualgen: error: cannot write to standard output: No "
                "space left on device") in p.stderr.splitlines(), \
            (args, p.stderr)
        p = subprocess.run([harness.BINARY] + args + ["--content",
                                                      "content"],
                           cwd=ws, env=harness.env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: os.close(1))
        assert p.returncode == 1, (args, p.stderr)
        assert ("manualgen: error: cannot write to standard output: it is "
                "closed") in p.stderr.splitlines(), (args, p.stderr)


# -------------------------------------------- nothing read from outside


def test_sections_outside_the_content_are_refused():
    ws = harness.workspace()
    secret = os.path.join(ws, "secret.md")
    open(secret, "w").write("---\nid: secret\ntitle: 机密\n---\nTOPSECRET\n")
    os.remove(os.path.join(ws, "content/sections/county.md"))
    os.symlink(secret, os.path.join(ws, "content/sections/county.md"))
    r = build(ws, code=1)
    assert ("content/manual.xml:13: error: cannot read section "
            "'sections/county.md': it is outside the content and templates "
            "folders (a symbolic link?)") in r.err.splitlines(), r
    m = read(ws, "content/manual.xml")
    for href in ("../secret.md", secret):
        write(ws, "manual.xml", m.replace("sections/county.md", href))
        r = build(ws, code=1)
        assert (f"content/manual.xml:13: error: section '{href}' is outside "
                "the content folder; give a path relative to it, such as "
                "'sections/x.md'") in r.err.splitlines(), r
        assert "TOPSECRET" not in r.err + r.out
    assert not exists(ws, "out/draft")


def test_templates_read_only_regular_files_inside():
    import shutil
    for target, words in (("/etc/passwd", "outside the content and "
                           "templates folders"),
                          ("/dev/zero", "outside the content and templates "
                           "folders")):
        ws = harness.workspace()
        tpl = os.path.join(ws, "templates")
        shutil.copytree(os.path.join(harness.ROOT, "templates"), tpl)
        css = os.path.join(tpl, "css", "manual.css")
        os.remove(css)
        os.symlink(target, css)
        t = time.time()
        r = run(["build", "--content", "content", "--out", "out",
                 "--templates", tpl], ws)
        assert time.time() - t < 20
        assert r.code == 1, r
        assert ("templates/css/manual.css: error: cannot read: it is "
                f"{words} (a symbolic link?)") in r.err.splitlines(), r
        assert "root:" not in r.err and not exists(ws, "out/draft")
    # a FIFO inside the templates folder does not block either
    ws = harness.workspace()
    tpl = os.path.join(ws, "templates")
    shutil.copytree(os.path.join(harness.ROOT, "templates"), tpl)
    os.mkfifo(os.path.join(tpl, "css", "extra.css"))
    r = run(["build", "--content", "content", "--out", "out",
             "--templates", tpl], ws)
    assert r.code == 1 and "extra.css: error: cannot read: it is a FIFO, " \
        "not a regular file" in r.err, r


# ------------------------------------------------ the command line


def test_options_a_command_does_not_take_are_usage_errors():
    ws = harness.workspace()
    for args, msg in ((["params", "a-std", "--jobs", "3", "-o", "X"],
                       "option '--jobs' does not apply to 'params'"),
                      (["params", "a-std", "-o", "X"],
                       "option '-o' does not apply to 'params'"),
                      (["check", "--out", "x"],
                       "option '--out' does not apply to 'check'"),
                      (["handbook", "a-std", "--store", "a-flag"],
                       "option '--store' does not apply to 'handbook'"),
                      (["render", "x.md", "--store", "a", "--store", "b"],
                       "--store is given once for 'render'"),
                      (["build", "--jobs="], "--jobs takes a number")):
        r = run(args + ["--content", "content"], ws)
        assert r.code == 2, (args, r)
        assert msg in r.err, (args, r)
        assert not exists(ws, "X") and not exists(ws, "output")
    # check takes --store and --jobs, and a store named twice is one
    r = run(["check", "--content", "content", "--store", "a-std", "--store",
             "a-std", "--jobs", "1"], ws)
    assert r.code == 0 and "checked 1 store: 0 errors" in r.err, r


def test_render_for_a_hall_that_leaves_the_section_out():
    ws = harness.workspace()
    r = run(["render", "content/sections/lobby.md", "--store", "a-std",
             "--content", "content"], ws)
    assert r.code == 0, r
    assert "error" not in r.err and r.out == "", r
    assert "note: store 'a-std' leaves this section out" in r.err, r
    r = run(["check", "--content", "content"], ws)
    assert r.code == 0, r


# ------------------------------------------------------------ threads


def test_no_data_race_in_a_parallel_or_interrupted_build():
    """The build under ThreadSanitizer (build/tsan/manualgen): halls on
    four threads, then a build stopped by SIGINT (whose flag was a data
    race)."""
    if harness.LABEL:
        return  # once is enough
    tsan = os.path.join(harness.ROOT, "build/tsan/manualgen")
    assert os.access(tsan, os.X_OK), "run `make build/tsan/manualgen`"
    ws = harness.workspace()
    many_halls(ws, 40)
    e = harness.env(TSAN_OPTIONS="halt_on_error=1:exitcode=97")
    p = subprocess.run([tsan, "build", "--content", "content", "--out", "out",
                        "--jobs", "4"], cwd=ws, env=e, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0 and "ThreadSanitizer" not in p.stderr, p.stderr
    many_halls(ws, 1500)
    write(ws, "sections/rounds.md",
          read(ws, "content/sections/rounds.md") + "\n新的一句。\n")
    q = subprocess.Popen([tsan, "build", "--content", "content", "--out",
                          "out", "--jobs", "4"], cwd=ws, env=e,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not glob.glob(
            os.path.join(ws, "out/.manualgen-stage-*/stores/s1*")):
        time.sleep(0.05)
    q.send_signal(signal.SIGINT)
    err = q.communicate(timeout=300)[1]
    assert q.returncode == 130, (q.returncode, err[-3000:])
    assert "ThreadSanitizer" not in err, err[-3000:]


def test_store_ids_that_prefix_others():
    """"a-std" and "a-std-2": files sort "a-std-2.xml" first, ids "a-std"
    first; a lookup by id once missed every such store."""
    ws = harness.workspace()
    write(ws, "stores/a-std-2.xml", read(ws, "content/stores/a-std.xml")
          .replace('id="a-std"', 'id="a-std-2"'))
    r = run(["check", "--content", "content"], ws)
    assert r.code == 0 and "checked 4 stores: 0 errors" in r.err, r
    build(ws)
    assert exists(ws, STORE + "a-std-2/index.html")
    assert exists(ws, STORE + "a-std/index.html")
