"""End-to-end tests of expressions: bounds on their size, and string
literals that can never match a parameter's value.

Each test gets a fresh workspace (tests/fixtures/basic as content/).
"""
import shutil

import harness
from harness import run, write

HEAD = "---\nid: county\ntitle: 县级厅补充规定\n---\n"


def check(ws):
    return run(["check", "--content", "content"], ws)


# ---------------------------------------------------------------- bounds


def test_expression_bounds_pathological():
    """Expressions that overflowed the stack in libxml2's XPath compiler
    (45,000 nested parentheses, not( x 50,000) or evaluator (a 100,000
    term chain) end with a message at the first character beyond the
    bound, in every place an expression can stand."""
    ws = harness.workspace()
    deep = "(" * 45000 + "name" + ")" * 45000
    cases = {
        # name: (file text, expected line:col of the message)
        "placeholder": (HEAD + "{{ " + deep + " }}\n", "5:36"),
        "condition": (HEAD + "<!-- if: " + deep + " -->\nx\n"
                      "<!-- endif -->\n", "5:42"),
        "applies-to": ("---\nid: county\ntitle: 县级厅补充规定\n"
                       "applies-to: \"" + deep + "\"\n---\nx\n", "4:46"),
        "not": (HEAD + "{{ " + "not(" * 50000 + "name" + ")" * 50000 +
                " }}\n", "5:135"),
        "chain": (HEAD + "{{ " + "1+" * 100000 + "1 }}\n", "5:1004"),
    }
    try:
        for name, (text, pos) in cases.items():
            write(ws, "sections/county.md", text)
            r = check(ws)
            assert r.code == 1, (name, r)
            what = ("longer than 1000 characters" if name == "chain" else
                    "nested deeper than 32 levels")
            line = [ln for ln in r.err.splitlines() if what in ln]
            assert line, (name, r)
            assert line[0].startswith(
                f"content/sections/county.md:{pos}: error: "), (name, r)
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def test_expression_at_the_bounds_is_accepted():
    """32 levels and 1,000 characters (counted as characters: a Chinese
    literal is not three times longer) are still fine."""
    ws = harness.workspace()
    try:
        lit = "'" + "店" * 990 + "'"  # 992 characters, 2,972 bytes
        write(ws, "sections/county.md", HEAD +
              "{{ " + "(" * 32 + "type" + ")" * 32 + " }}\n\n"
              "{{ " + "1+" * 499 + "1 }}\n\n"
              "<!-- if: name != " + lit + " -->\nx\n<!-- endif -->\n")
        r = check(ws)
        assert ": error:" not in r.err, r
    finally:
        shutil.rmtree(ws, ignore_errors=True)
