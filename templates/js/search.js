/* search.js -- the search page of a hall's handbook (search.html).
 *
 * The page carries its index (templates/html/common/search.xsl): every
 * passage of the handbook in a <template id="search-data">, grouped by
 * section. This script reads it once, and for a query lists the passages
 * that hold it, each linked to the heading or section it is under.
 *
 * Matching works on characters, not words: Chinese has no spaces between
 * words. Text and query are folded alike (NFKC: full-width letters and
 * digits become ASCII; then lower case; runs of spaces become one).
 * A passage matches when it holds every space-separated part of the
 * query. When none does, passages are ranked by how many of the query's
 * character pairs (bigrams) they hold, so that "交接班巡视" still finds
 * "交接班时的巡视"; the bigram table is built on that first need.
 *
 * Everything is read from this page and written with textContent: no
 * request leaves the page, and no passage is ever parsed as HTML. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var SNIPPET = 60; /* characters of context around the first match */

  var data = document.getElementById("search-data");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var input = document.getElementById("search-query");
  if (!data || !list || !status || !input) return;

  function fold(s) {
    return s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }

  /* the passages: {href, where, text, folded} */
  var passages = [];
  var sections = (data.content || data).querySelectorAll("div[data-href]");
  for (var i = 0; i < sections.length; i++) {
    var div = sections[i];
    var href = div.getAttribute("data-href");
    var page = href.split("#")[0];
    var chapter = "", section = "", heading = "", anchor = href;
    for (var el = div.firstElementChild; el; el = el.nextElementSibling) {
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (!text) continue;
      if (el.tagName === "H2") {
        chapter = text;
        continue;
      }
      if (el.tagName === "H3") {
        section = text;
      } else if (el.tagName === "H4") {
        heading = text;
        anchor = page + "#" + el.getAttribute("data-id");
      }
      var where = [chapter, section];
      if (heading && el.tagName !== "H3") where.push(heading);
      passages.push({
        href: el.tagName === "H3" ? href : anchor,
        where: where.join(" › "),
        text: text,
        folded: fold(text),
        title: el.tagName !== "P"
      });
    }
  }

  var bigrams = null; /* bigram -> [passage index], built when needed */
  function pairs(s) {
    var out = [];
    var chars = Array.from(s.replace(/ /g, ""));
    for (var k = 0; k + 1 < chars.length; k++) out.push(chars[k] + chars[k + 1]);
    if (chars.length === 1) out.push(chars[0]);
    return out;
  }
  function bigramTable() {
    if (bigrams) return bigrams;
    bigrams = new Map();
    passages.forEach(function (p, n) {
      var seen = new Set(pairs(p.folded));
      seen.forEach(function (b) {
        var v = bigrams.get(b);
        if (!v) bigrams.set(b, (v = []));
        v.push(n);
      });
    });
    return bigrams;
  }

  /* [{p, score, at, len}] best first */
  function find(query) {
    var q = fold(query);
    if (!q) return [];
    var terms = q.split(" ");
    var hits = [];
    passages.forEach(function (p) {
      var at = -1, len = 0, score = 0;
      for (var t = 0; t < terms.length; t++) {
        var k = p.folded.indexOf(terms[t]);
        if (k < 0) return;
        if (at < 0) {
          at = k;
          len = terms[t].length;
        }
        score += p.title ? 3 : 1;
      }
      hits.push({ p: p, score: score, at: at, len: len });
    });
    if (hits.length) return hits.sort(function (a, b) { return b.score - a.score; });
    /* nothing holds the query as written: the passages holding most of
     * its character pairs, at least half of them */
    var qp = Array.from(new Set(pairs(q)));
    var table = bigramTable(), count = new Map();
    qp.forEach(function (b) {
      (table.get(b) || []).forEach(function (n) {
        count.set(n, (count.get(n) || 0) + 1);
      });
    });
    count.forEach(function (c, n) {
      if (c * 2 >= qp.length && qp.length > 1)
        hits.push({ p: passages[n], score: c, at: -1, len: 0 });
    });
    return hits.sort(function (a, b) { return b.score - a.score; });
  }

  /* the passage around its first match, the match marked */
  function snippet(hit) {
    var p = document.createElement("p");
    var text = hit.p.text;
    /* positions in the folded text match the original's only when
     * folding kept the length; otherwise the passage starts the snippet */
    var same = hit.p.folded.length === text.length;
    var at = same ? hit.at : -1;
    var from = at > SNIPPET ? at - SNIPPET : 0;
    var to = Math.min(text.length, (at >= 0 ? at + hit.len : 0) + SNIPPET * 2);
    if (from > 0) p.appendChild(document.createTextNode("…"));
    if (at >= 0) {
      p.appendChild(document.createTextNode(text.slice(from, at)));
      var m = document.createElement("mark");
      m.textContent = text.slice(at, at + hit.len);
      p.appendChild(m);
      p.appendChild(document.createTextNode(text.slice(at + hit.len, to)));
    } else {
      p.appendChild(document.createTextNode(text.slice(from, to)));
    }
    if (to < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function say(key, arg) {
    status.textContent = (status.getAttribute("data-" + key) || "")
      .replace("{1}", arg);
  }

  function show(query) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!fold(query)) {
      say("hint", "");
      return;
    }
    var hits = find(query);
    if (!hits.length) {
      say("none", query.trim());
      return;
    }
    say("count", String(hits.length));
    hits.slice(0, MAX_RESULTS).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = hit.p.href;
      a.textContent = hit.p.where;
      li.appendChild(a);
      if (!hit.p.title) li.appendChild(snippet(hit));
      list.appendChild(li);
    });
  }

  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  show(q);
  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 150);
  });
})();
