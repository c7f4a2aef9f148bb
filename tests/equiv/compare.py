#!/usr/bin/env python3
"""Compare a Markdown renderer with cmark-gfm's HTML renderer, up to whitespace.

usage: compare.py RENDER_CMD FILE.md...

For each FILE, runs RENDER_CMD (shell-split, FILE appended) and
`cmark-gfm -e table -e tasklist -e strikethrough -e autolink
--table-prefer-style-attributes --to html FILE` (cmark-gfm's own option for
HTML5-valid table alignment),
normalises both outputs to a token stream and prints a unified diff for each
file whose streams differ.  Ends with "N passed, N failed"; exit status 1 on
any failure (2 on usage or a renderer that fails).

Normalisation (the deviations manualgen accepts on purpose):
- comments and doctype dropped (cmark's "raw HTML omitted");
- whitespace runs collapsed to one space; whitespace-only text dropped;
  text trimmed next to block-level tags;
- id dropped on h1-h6;
- end tags an HTML serializer may omit (empty <li>, <td>, <p>...) restored;
- boolean attributes written bare (checked) equal the empty value (checked="");
- aria-label dropped on a task list's checkbox (manualgen names each box by
  its item's text, for screen readers);
- attributes sorted.
"""
import difflib
import html.parser
import re
import shlex
import subprocess
import sys

CMARK = ["cmark-gfm", "-e", "table", "-e", "tasklist", "-e", "strikethrough",
         "-e", "autolink", "--table-prefer-style-attributes", "--to", "html"]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
BLOCK = {"address", "article", "aside", "blockquote", "body", "dd", "div",
         "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
         "h5", "h6", "head", "header", "hr", "html", "li", "main", "nav", "ol",
         "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
         "thead", "tr", "ul", "br"}
# start tag -> open elements it closes implicitly (stopping at the scopes).
IMPLIED = {
    "li": ({"li"}, {"ul", "ol"}),
    "p": ({"p"}, {"li", "td", "th", "blockquote", "div", "section"}),
    "tr": ({"td", "th", "tr"}, {"table", "thead", "tbody"}),
    "td": ({"td", "th"}, {"tr"}),
    "th": ({"td", "th"}, {"tr"}),
    "tbody": ({"td", "th", "tr", "thead"}, {"table"}),
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class Tokens(html.parser.HTMLParser):
    """Builds a flat, normalised token list: ('<', tag, attrs), ('>', tag),
    ('t', text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.stack = []

    def _close_to(self, tag):
        while self.stack:
            top = self.stack.pop()
            self.out.append((">", top))
            if top == tag:
                return

    def handle_starttag(self, tag, attrs):
        if tag in IMPLIED:
            closes, scopes = IMPLIED[tag]
            for open_tag in reversed(self.stack):
                if open_tag in scopes:
                    break
                if open_tag in closes:
                    self._close_to(open_tag)
                    break
        norm = {}
        for name, value in attrs:
            value = "" if value is None else value
            if name == "id" and tag in HEADINGS:
                continue
            if (name == "aria-label" and tag == "input"
                    and ("type", "checkbox") in attrs):
                continue
            norm[name] = value
        self.out.append(("<", tag, tuple(sorted(norm.items()))))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in self.stack:
            self._close_to(tag)
        else:
            self.out.append((">", tag))  # stray end tag: keep it visible

    def handle_data(self, data):
        if self.out and self.out[-1][0] == "t":
            self.out[-1] = ("t", self.out[-1][1] + data)
        else:
            self.out.append(("t", data))

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass


def is_block(token):
    return token is not None and token[0] in "<>" and token[1] in BLOCK


def normalise(text):
    parser = Tokens()
    parser.feed(text)
    parser.close()
    while parser.stack:
        parser._close_to(parser.stack[-1])
    toks = parser.out
    lines = []
    for i, tok in enumerate(toks):
        if tok[0] == "t":
            s = re.sub(r"\s+", " ", tok[1])
            if is_block(toks[i - 1] if i else None):
                s = s.lstrip()
            if is_block(toks[i + 1] if i + 1 < len(toks) else None):
                s = s.rstrip()
            if s.strip():
                lines.append("TEXT " + repr(s))
        elif tok[0] == "<":
            attrs = "".join(' %s="%s"' % a for a in tok[2])
            lines.append("<%s%s>" % (tok[1], attrs))
        else:
            lines.append("</%s>" % tok[1])
    return lines


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.stderr.write("error: %s exited %d\n%s" % (
            " ".join(cmd), proc.returncode, proc.stderr.decode("utf-8", "replace")))
        sys.exit(2)
    return proc.stdout.decode("utf-8")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    render = shlex.split(argv[1])
    passed = failed = 0
    for path in argv[2:]:
        got = normalise(run(render + [path]))
        want = normalise(run(CMARK + [path]))
        if got == want:
            passed += 1
            continue
        failed += 1
        sys.stdout.writelines(difflib.unified_diff(
            [l + "\n" for l in want], [l + "\n" for l in got],
            fromfile=path + " (cmark-gfm)", tofile=path + " (render)"))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
