"""End-to-end tests of the set-up: `make demo` installs only what building
and the demo need; `make check` installs the test tools too."""
import os
import subprocess

import harness

ROOT = harness.ROOT


def fake_tools(ws, installed):
    """A PATH in which dpkg-query reports packages as installed (or not),
    and npm only leaves a mark that it ran (as if unreachable)."""
    fake = os.path.join(ws, "bin")
    os.makedirs(fake, exist_ok=True)
    status = "echo 'install ok installed'" if installed else "exit 1"
    for name, body in (("dpkg-query", status),
                       ("npm", f"touch {ws}/npm-ran; exit 1"),
                       ("id", "echo 1000")):
        with open(os.path.join(fake, name), "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
        os.chmod(os.path.join(fake, name), 0o755)
    e = harness.env()
    e["PATH"] = fake + ":" + e["PATH"]
    return e


def deps(ws, step, e):
    os.makedirs(os.path.join(ws, "tests"), exist_ok=True)
    os.makedirs(os.path.join(ws, "print"), exist_ok=True)
    return subprocess.run(["sh", os.path.join(ROOT, "scripts/deps"), step],
                          cwd=ws, capture_output=True, text=True, env=e)


def test_demo_needs_no_test_tools():
    ws = harness.workspace()
    e = fake_tools(ws, installed=True)
    # the Typst engine already installed: npm is not needed
    os.makedirs(os.path.join(
        ws, "print/node_modules/@myriaddreamin/typst-ts-node-compiler"))
    p = deps(ws, "build", e)
    assert p.returncode == 0, p
    assert not os.path.exists(os.path.join(ws, "npm-ran"))
    # with nothing installed, it asks only for the build packages
    e = fake_tools(ws, installed=False)
    p = deps(ws, "build", e)
    assert p.returncode == 1, p
    assert "libcmark-gfm-dev" in p.stderr and "libxxhash-dev" in p.stderr
    for test_tool in ("default-jre-headless", "libcmocka-dev",
                      "cppcheck", "clang", "poppler-utils", "zbar-tools"):
        assert test_tool not in p.stderr.split(), (test_tool, p.stderr)


def test_check_installs_the_test_tools():
    ws = harness.workspace()
    e = fake_tools(ws, installed=False)
    p = deps(ws, "test", e)
    assert p.returncode == 1, p
    for pkg in ("libcmocka-dev", "cppcheck", "clang-format", "cmark-gfm",
                "libxml2-dev", "poppler-utils", "zbar-tools"):
        assert pkg in p.stderr.split(), (pkg, p.stderr)
    e = fake_tools(ws, installed=True)
    p = deps(ws, "test", e)   # the validator comes from npm
    assert os.path.exists(os.path.join(ws, "npm-ran")), p
    assert p.returncode != 0, p   # and npm failing fails the step


def test_fuzz_step_installs_clang():
    ws = harness.workspace()
    e = fake_tools(ws, installed=False)
    p = deps(ws, "fuzz", e)
    assert p.returncode == 1, p
    assert "clang" in p.stderr.split() and "libclang-rt-14-dev" in \
        p.stderr.split(), p.stderr


def test_build_step_installs_the_print_engine():
    """Building makes PDFs: the fonts, QR and fontconfig libraries, Node,
    and the Typst engine from print/package-lock.json."""
    ws = harness.workspace()
    e = fake_tools(ws, installed=False)
    p = deps(ws, "build", e)
    assert p.returncode == 1, p
    for pkg in ("fonts-noto-cjk", "libqrencode-dev", "libfontconfig-dev"):
        assert pkg in p.stderr.split(), (pkg, p.stderr)
    e = fake_tools(ws, installed=True)
    p = deps(ws, "build", e)   # print/node_modules missing: npm ci
    assert os.path.exists(os.path.join(ws, "npm-ran")), p
    assert p.returncode != 0, p   # and npm failing fails the step
