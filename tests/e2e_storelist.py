"""The edition's list of halls can be filtered by city, type and name:
the rows carry what the filter reads, the form lists every city and type
of the edition, and stores.js is written beside the page. (The browser
suite runs the filter.)"""
import os
import re

import harness
from harness import run
from e2e import Page


def test_store_list_has_a_filter_by_city_and_type():
    ws = harness.workspace()
    r = run(["build", "--content", "content", "--out", "out", "--no-pdf"], ws)
    assert r.code == 0, r
    d = os.path.join(ws, "out", "draft")
    with open(os.path.join(harness.ROOT, "templates", "js", "stores.js"),
              encoding="utf-8") as f:
        with open(os.path.join(d, "stores.js"), encoding="utf-8") as g:
            assert g.read() == f.read()
    text = open(os.path.join(d, "index.html"), encoding="utf-8").read()
    p = Page(text)
    assert p.find("script", src="stores.js")
    form = p.find("form", id="store-filter")
    assert form and "hidden" in form[0], form  # shown by the script
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', text)
    assert ("", "全部城市") in options and ("", "全部类型") in options
    assert ("alpha", "甲市") in options and ("beta", "乙市") in options, options
    assert ("flagship", "旗舰厅") in options and ("county", "县级营业厅") in \
        options and ("standard", "标准厅") in options, options
    rows = [a for t, a in p.elements if t == "tr" and "data-city" in a]
    assert sorted((a["data-id"], a["data-city"], a["data-type"])
                  for a in rows) == [("a-flag", "alpha", "flagship"),
                                     ("a-std", "alpha", "standard"),
                                     ("b-county", "beta", "county")], rows
    for label in ("filter-city", "filter-type", "filter-name"):
        assert p.find("label", **{"for": label}), label
    count = p.find("p", id="filter-count")[0]
    assert "{1}" in count["data-count"] and "{2}" in count["data-count"]
