"""`manualgen serve`: the preview server, over real HTTP on 127.0.0.1.

A page is served; a section saved is served again within two seconds and
an events stream names the hall whose pages changed; an error is shown as
the terminal shows it, the last good pages still served, and cleared once
fixed; traversal, symbolic links, hidden files and other methods are
refused; SIGINT stops it promptly with streams open, and frees the port.
Every wait is bounded polling; nothing is skipped."""
import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import harness
from harness import run, write

A_FLAG = "/draft/stores/a-flag/duties.html"
LOBBY = "sections/lobby.md"


def wait_for(what, timeout, step=0.05):
    """Polls what() until it returns something true; that, or None."""
    end = time.monotonic() + timeout
    while True:
        v = what()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


class Server:
    """manualgen serve --port 0 on a workspace; its stderr is collected."""

    def __init__(self, ws, *extra):
        self.ws = ws
        self.lines = []
        self.p = subprocess.Popen(
            [harness.BINARY, "serve", "--content", "content", "--out", "out",
             "--port", "0"] + list(extra),
            cwd=ws, env=harness.env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()
        m = wait_for(lambda: next(
            (re.match(r"serving http://127\.0\.0\.1:(\d+)/ \(draft of "
                      r"content/, Ctrl-C stops\)$", l)
             for l in list(self.lines) if l.startswith("serving ")), None),
            60)
        assert m, "no 'serving' line:\n" + self.err()
        self.port = int(m.group(1))

    def _read(self):
        for raw in self.p.stderr:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def err(self):
        return "\n".join(self.lines)

    def request(self, path, method="GET"):
        """(status, headers, body as text); the path is sent as written."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            c.endheaders()
            r = c.getresponse()
            body = r.read().decode("utf-8", "replace")
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        finally:
            c.close()

    def stop(self, sig=signal.SIGINT):
        t0 = time.monotonic()
        self.p.send_signal(sig)
        try:
            code = self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            code = "still running after 5 s"
        self.t.join(5)
        return code, time.monotonic() - t0

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


class Events:
    """A client of /_manualgen/events on its own thread: (event, data)."""

    def __init__(self, port):
        self.got = []
        self.ended = False
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.c.request("GET", "/_manualgen/events")
        self.sock = self.c.sock  # the response takes it over
        self.r = self.c.getresponse()
        assert self.r.status == 200, self.r.status
        assert self.r.getheader("Content-Type") == "text/event-stream"
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        name, data = "message", []
        try:
            while True:
                line = self.r.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and data:
                    self.got.append((name, "\n".join(data)))
                    name, data = "message", []
        except OSError:
            pass
        self.ended = True

    def find(self, name, pred=lambda d: True):
        return next((d for n, d in list(self.got) if n == name and pred(d)),
                    None)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.c.close()


def pre_lines(page, id_):
    """The lines of the <pre> in (or that is) the element of that id, as
    text."""
    m = re.search(r'id="%s"[^>]*>(?:.*?<pre[^>]*>)?(.*?)</pre>' % id_, page,
                  re.S)
    return html.unescape(m.group(1)).splitlines() if m else []


def edit(ws, rel, old, new):
    p = os.path.join(ws, "content", rel)
    text = open(p, encoding="utf-8").read()
    assert old in text, (rel, old)
    # as editors do: a temporary file, renamed over the section
    tmp = os.path.join(os.path.dirname(p), ".lobby.md.swp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))
    os.replace(tmp, p)


def l10n_strings(lang):
    """The UI strings of the templates for lang: key -> text."""
    import xml.etree.ElementTree as ET
    root = ET.parse(os.path.join(harness.ROOT, "templates", "l10n",
                                 lang + ".xml")).getroot()
    return {e.get("key"): e.text for e in root}


def test_serve_serves_a_page_and_head():
    ws = harness.workspace()
    s = Server(ws)
    try:
        st, h, body = s.request(A_FLAG)
        assert st == 200, (st, body)
        assert h["content-type"] == "text/html; charset=utf-8", h
        assert h["cache-control"] == "no-store", h
        assert "甲市旗舰厅" in body and "大堂经理共" in body, body[:500]
        assert 'new EventSource("/_manualgen/events")' in body
        # the pages on disk are a build's: no script in them
        disk = open(os.path.join(ws, "out", A_FLAG[1:]), encoding="utf-8").read()
        assert "EventSource" not in disk
        assert body.replace(body[body.index("<script>"):
                                  body.index("</script>") + 9], "") == disk
        st, h, head = s.request(A_FLAG, "HEAD")
        assert st == 200 and head == "", (st, head)
        assert int(h["content-length"]) == len(body.encode("utf-8")), h
        st, h, _ = s.request("/draft/stores/a-flag/manual.css")
        assert st == 200 and h["content-type"] == "text/css; charset=utf-8", h
        # folders serve their index.html; a folder without '/' is redirected
        st, _, body = s.request("/draft/stores/a-flag/")
        assert st == 200 and "甲市旗舰厅" in body, st
        st, h, _ = s.request("/draft/stores/a-flag")
        assert st == 302 and h["location"] == "/draft/stores/a-flag/", (st, h)
        st, h, _ = s.request("/")  # no release yet: the draft
        assert st == 302 and h["location"] == "/draft/", (st, h)
        st, _, body = s.request("/draft/")
        assert st == 200 and "乙县营业厅" in body, st
        assert s.stop(signal.SIGTERM)[0] == 0, s.err()
    finally:
        s.kill()
        shutil.rmtree(ws, ignore_errors=True)


def test_serve_rebuilds_on_save_and_shows_errors_until_fixed():
    ws = harness.workspace()
    s = Server(ws)
    ev = Events(s.port)
    try:
        # a section saved: the new text within 2 s, an event naming the hall
        t0 = time.monotonic()
        edit(ws, LOBBY, "大堂经理共", "大堂经理（修订一）共")
        got = wait_for(lambda: "修订一" in s.request(A_FLAG)[2], 2)
        assert got, ("not served within 2 s", time.monotonic() - t0, s.err())
        names = wait_for(lambda: ev.find("reload"), 5)
        assert names and "a-flag" in names.split(), (ev.got, s.err())
        # b-county has no lobby manager: its pages did not change
        assert "b-county" not in names.split(), names

        # an unknown placeholder: shown as the terminal shows it
        edit(ws, LOBBY, "大堂经理（修订一）共", "大堂经理{{ nosuch }}共")
        term = run(["build", "--content", "content", "--out",
                    os.path.join(ws, "term-out")], ws)
        assert term.code == 1, term
        expect = [l for l in term.err.splitlines() if ": error: " in l]
        assert expect and expect[0].startswith(
            "content/sections/lobby.md:9:"), term.err
        page = wait_for(lambda: (lambda b: b if "id=\"errors\"" in b else "")(
            s.request("/_manualgen/errors")[2]), 10)
        assert page, ("no errors page", s.err())
        for line in expect:
            assert line in pre_lines(page, "errors"), (line, page)
        assert "&#39;nosuch&#39;" in page and "'nosuch'" not in page  # escaped
        assert wait_for(lambda: ev.find("errors"), 5), ev.got
        # the last good page, with the panel
        st, _, body = s.request(A_FLAG)
        assert st == 200 and "修订一" in body, body[:300]
        assert expect[0] in pre_lines(body, "manualgen-errors"), body
        # the panel speaks the manual's language, from its strings
        words = l10n_strings("zh-CN")
        assert words["preview.errors"] in body, body[-2000:]
        assert f"<h1>{words['preview.title']}</h1>" in page, page

        # fixed: the errors are cleared (event and page), the new text
        edit(ws, LOBBY, "大堂经理{{ nosuch }}共", "大堂经理（修订二）共")
        assert wait_for(lambda: ev.find("ok"), 10), (ev.got, s.err())
        st, _, page = s.request("/_manualgen/errors")
        assert 'id="no-errors"' in page and 'id="errors"' not in page, page
        assert words["preview.ok"] in page, page
        st, _, body = s.request(A_FLAG)
        assert "修订二" in body and "manualgen-errors" not in body, body[:300]
        assert s.stop(signal.SIGTERM)[0] == 0, s.err()
    finally:
        ev.close()
        s.kill()
        shutil.rmtree(ws, ignore_errors=True)


def test_serve_without_a_good_build_shows_why():
    ws = harness.workspace()
    edit(ws, LOBBY, "大堂经理共", "大堂经理{{ nosuch }}共")
    s = Server(ws)
    try:
        st, h, _ = s.request("/")
        assert st == 302 and h["location"] == "/_manualgen/errors", (st, h)
        lines = pre_lines(s.request("/_manualgen/errors")[2], "errors")
        assert any(l.startswith("content/sections/lobby.md:9:") and
                   ": error: unknown parameter 'nosuch'" in l
                   for l in lines), lines
        assert s.request(A_FLAG)[0] == 404  # nothing was ever built
        edit(ws, LOBBY, "大堂经理{{ nosuch }}共", "大堂经理共")
        assert wait_for(lambda: s.request(A_FLAG)[0] == 200, 10), s.err()
        assert s.stop(signal.SIGTERM)[0] == 0, s.err()
    finally:
        s.kill()
        shutil.rmtree(ws, ignore_errors=True)


def test_serve_refuses_traversal_links_hidden_files_and_methods():
    ws = harness.workspace()
    outside = os.path.join(ws, "secret.txt")
    with open(outside, "w") as f:
        f.write("TOP-SECRET\n")
    s = Server(ws)
    try:
        hall = os.path.join(ws, "out", "draft", "stores", "a-flag")
        os.symlink(outside, os.path.join(hall, "leak.html"))
        os.symlink(ws, os.path.join(ws, "out", "draft", "up"))
        os.symlink(os.path.join(hall, "index.html"),
                   os.path.join(hall, "inside.html"))  # even within OUT
        cases = {
            "/../secret.txt": (403,),
            "/../etc/passwd": (403,),
            "/draft/stores/../../../secret.txt": (403,),
            "/draft/../../etc/passwd": (403,),
            "/draft/..%2f..%2fetc/passwd": (403,),
            "/draft/%2e%2e/%2e%2e/etc/passwd": (403,),
            "/%2E%2E/secret.txt": (403,),
            "/draft/.%2e/../secret.txt": (403,),
            "/draft/stores%2fa-flag/index.html": (403,),
            "/draft/..%5c..%5csecret.txt": (403,),
            "/draft/stores/a-flag/index.html%00.png": (400,),
            "/draft/stores/a-flag/%zz": (400,),
            "//etc/passwd": (400,),
            "/draft/./index.html": (403,),
            "/draft/stores/a-flag/leak.html": (403,),
            "/draft/stores/a-flag/inside.html": (403,),
            "/draft/up/secret.txt": (403,),
            "/draft/stores/a-flag/.manualgen-build": (404,),
            "/draft/stores/a-flag/%2emanualgen-build": (404,),
            "/.manualgen-lock": (404,),
            "/draft/.manualgen-edition": (404,),
            "/draft/stores/a-flag/nosuch.html": (404,),
        }
        for path, want in cases.items():
            st, h, body = s.request(path)
            assert st in want, (path, st, body[:200])
            assert "TOP-SECRET" not in body and "root:" not in body, path
            assert "甲市" not in body, (path, body[:200])
            assert "passwd" not in body and "secret" not in body, (path, body)
        for m in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            st, h, body = s.request(A_FLAG, m)
            assert st == 405 and h.get("allow") == "GET, HEAD", (m, st, h)
            assert "甲市" not in body, m
        # no descriptor is left open by a request, whatever its answer:
        # three rounds of every request (some 80) leave at most one more
        # open than before them -- libmicrohttpd closes the socket of a
        # finished connection's thread when it next looks, so the last
        # one may still be there, but a leak would be one a request
        fds = lambda: len(os.listdir(f"/proc/{s.p.pid}/fd"))
        paths = list(cases) + ["/draft/stores/a-flag", "/draft/", A_FLAG,
                               "/draft/manual.css"]
        before = fds()
        for _ in range(3):
            for path in paths:
                s.request(path)
        assert wait_for(lambda: fds() <= before + 1, 5), (before, fds())
        # the planted files are still there, and the real page still served
        assert os.path.islink(os.path.join(hall, "leak.html"))
        assert s.request(A_FLAG)[0] == 200
        assert s.stop(signal.SIGTERM)[0] == 0, s.err()
    finally:
        s.kill()
        shutil.rmtree(ws, ignore_errors=True)


def test_serve_stops_on_sigint_with_open_streams():
    ws = harness.workspace()
    s = Server(ws)
    streams = []
    try:
        streams = [Events(s.port) for _ in range(3)]
        assert s.request(A_FLAG)[0] == 200
        code, took = s.stop(signal.SIGINT)
        assert code == 0, (code, s.err())
        assert took <= 5, took
        assert "preview stopped" in s.err(), s.err()
        assert "Sanitizer" not in s.err(), s.err()
        assert wait_for(lambda: all(e.ended for e in streams), 5)
        # the port is free: nothing listens, and it can be bound again
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=2).close()
            assert False, "still listening"
        except ConnectionRefusedError:
            pass
        so = socket.socket()
        so.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        so.bind(("127.0.0.1", s.port))
        so.close()
    finally:
        for e in streams:
            e.close()
        s.kill()
        shutil.rmtree(ws, ignore_errors=True)


def test_serve_usage():
    ws = harness.workspace()
    try:
        for args, msg in ((["--port", "70000"], "--port takes a number"),
                          (["--port", "x"], "--port takes a number"),
                          (["--jobs", "2"], "does not apply to 'serve'"),
                          (["--store", "A"], "invalid store id")):
            r = run(["serve", "--content", "content"] + args, ws)
            assert r.code == 2 and msg in r.err, r
        r = run(["serve", "--help"], ws)
        assert r.code == 0 and "127.0.0.1" in r.out, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
