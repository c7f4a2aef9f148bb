"""Test helpers: running manualgen on a copy of a fixture, recording results,
and the data-driven error cases (tests/errors/*.case).

A case file:

    # A typo in a placeholder is an error at its position.
    # args: check                      (default: check; words after the command)
    # exit: 1
    # expect: content/sections/rounds.md:9:6: error: unknown parameter ...
    # expect-not: warning:             (no stderr line may contain this)
    # delete: stores/a-std.xml         (remove a fixture file first)
    --- sections/rounds.md
    ...the new content of that file (relative to the content folder)...

Every `expect` line must equal a whole line of standard error; the exit
code must match. The fixture is tests/fixtures/basic, copied to a temporary
folder as `content/`, and manualgen runs there with `--content content`.
"""
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "basic")
BINARY = os.path.join(ROOT, "manualgen")
LABEL = ""

_results = []


def env(**extra):
    e = dict(os.environ)
    e["MANUALGEN_TEMPLATES"] = os.path.join(ROOT, "templates")
    # the PDF engine of this tree, for every binary (build/asan too)
    e["MANUALGEN_PRINT_DIR"] = os.path.join(ROOT, "print")
    e["SOURCE_DATE_EPOCH"] = "1767225600"  # 2026-01-01
    e["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=99"
    e["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=98"
    e.pop("LANG", None)
    e.update(extra)
    return e


def record(name, ok, detail="", quiet=False):
    _results.append((name, ok))
    if not quiet or not ok:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if not ok and detail:
        for line in str(detail).rstrip().splitlines()[:40]:
            print("     | " + line)


def summary():
    passed = sum(1 for _, ok in _results if ok)
    failed = len(_results) - passed
    if failed:
        print("failed:")
        for name, ok in _results:
            if not ok:
                print("  " + name)
    print(f"{passed} passed, {failed} failed")
    raise SystemExit(1 if failed else 0)


class Run:
    def __init__(self, argv, cwd, proc):
        self.argv = argv
        self.cwd = cwd
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.code}\n"
                f"--- stderr\n{self.err}--- stdout (first 2000)\n"
                f"{self.out[:2000]}")


def run(args, cwd, stdin=None, pdf=False, **envextra):
    """Runs manualgen. A `build` makes pages only (--no-pdf) unless pdf:
    PDFs take most of a build's time, and have tests of their own
    (e2e_pdf, e2e_print, e2e_print_sheets, e2e_glyphs pass pdf=True)."""
    args = list(args)
    if not pdf and args[:1] == ["build"] and "--no-pdf" not in args:
        args.append("--no-pdf")
    argv = [BINARY] + args
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                       env=env(**envextra), input=stdin, timeout=120)
    r = Run(argv, cwd, p)
    # sanitizer reports fail any run
    if p.returncode in (98, 99) or "Sanitizer" in p.stderr:
        raise AssertionError("sanitizer report:\n" + p.stderr[-4000:])
    return r


def workspace(fixture=FIXTURE):
    """A temporary folder holding a copy of the fixture as content/."""
    d = tempfile.mkdtemp(prefix="mgtest-")
    shutil.copytree(fixture, os.path.join(d, "content"))
    return d


def write(d, rel, text, binary=False):
    p = os.path.join(d, "content", rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb" if binary else "w",
              **({} if binary else {"encoding": "utf-8"})) as f:
        f.write(text)


def parse_case(path):
    meta = {"args": "check", "exit": "1", "expect": [], "expect-not": [],
            "delete": [], "title": ""}
    files = []
    cur = None
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            if line.startswith("--- "):
                cur = [line[4:].strip(), []]
                files.append(cur)
            elif cur is not None:
                cur[1].append(line)
            elif line.startswith("# "):
                body = line[2:].rstrip("\n")
                key, sep, val = body.partition(": ")
                if sep and key in ("args", "exit"):
                    meta[key] = val
                elif sep and key in ("expect", "expect-not", "delete"):
                    meta[key].append(val)
                elif not meta["title"]:
                    meta["title"] = body
    return meta, [(n, "".join(lines)) for n, lines in files]


def unescape(text):
    """Cases spell bytes that editors mangle as \\xNN."""
    if "\\x" not in text:
        return text.encode("utf-8")
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and i + 4 <= len(raw):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def run_error_cases(only=None):
    d = os.path.join(ROOT, "tests", "errors")
    for name in sorted(os.listdir(d)):
        if not name.endswith(".case"):
            continue
        if only and only not in name and only not in "errors":
            continue
        meta, files = parse_case(os.path.join(d, name))
        ws = workspace()
        try:
            for rel in meta["delete"]:
                os.remove(os.path.join(ws, "content", rel))
            for rel, text in files:
                write(ws, rel, unescape(text), binary=True)
            args = meta["args"].split()
            cmd, rest = args[0], args[1:]
            r = run([cmd, "--content", "content"] + rest, ws)
            lines = r.err.splitlines()
            problems = []
            if str(r.code) != meta["exit"]:
                problems.append(f"exit {r.code}, expected {meta['exit']}")
            tpl = os.path.join(ROOT, "templates")
            for e in meta["expect"]:
                e = e.replace("TEMPLATES", tpl)
                if e not in lines:
                    problems.append("missing line: " + e)
            for e in meta["expect-not"]:
                bad = [ln for ln in lines if e in ln]
                if bad:
                    problems.append(f"unexpected '{e}': {bad[0]}")
            record(f"{LABEL}errors {name[:-5]}: {meta['title']}",
                   not problems, "\n".join(problems) + "\n" + repr(r))
        except AssertionError as ex:
            record(f"{LABEL}errors {name[:-5]}", False, str(ex))
        finally:
            shutil.rmtree(ws, ignore_errors=True)
