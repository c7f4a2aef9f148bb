/* search.js -- search in a hall's handbook (handbook.html?q=...), which
 * carries this script inline (templates/html/common/search.xsl).
 *
 * The single-page handbook holds every passage of the hall's handbook:
 * each chapter is an <article id="chapter.<id>">, each section and
 * heading has its id (templates/html/handbook.xsl). With a query in the
 * address (every page's search box sends one), this script reads those
 * passages -- paragraphs, list items, table rows, headings --, lists the
 * ones that hold the query in the region #search at the top of the page,
 * and hides the rest of the page until the query is cleared. Each result
 * links to its heading on the chapter's own page (or in this page, for
 * the parts that have no page of their own).
 *
 * Matching works on characters, not words: Chinese has no spaces between
 * words. Text and query are folded alike (NFKC: full-width letters and
 * digits become ASCII; then lower case; runs of spaces become one). A
 * passage matches when it holds every space-separated part of the query.
 * When none does, passages are ranked by how many of the query's
 * character pairs (bigrams) they hold, so that "交接班巡视" still finds
 * "交接班时的巡视"; the bigram table is built on that first need.
 *
 * Everything is read from this page and written with textContent: no
 * request leaves the page (it works from file://), and no passage is
 * ever parsed as HTML. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var SNIPPET = 60; /* characters of context around the first match */

  var region = document.getElementById("search");
  var list = document.getElementById("search-list");
  var status = document.getElementById("search-status");
  var main = document.getElementById("main");
  var q = new URLSearchParams(location.search).get("q") || "";
  if (!region || !list || !status || !main || !fold(q)) return;

  function fold(s) {
    return foldMapped(s).text;
  }
  /* text folded (NFKC, lower case, one space for a run of them, none at
   * either end) character by character, with map[i] the index in text of
   * folded character i (and map[length] = text.length), so that a match
   * found in the folded text is marked in the original; a query is folded
   * by the very same steps */
  function foldMapped(text) {
    var out = "", map = [], i = 0;
    for (var ch of text) {
      var f = ch.normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
      if (f === " " && (out === "" || out[out.length - 1] === " ")) f = "";
      for (var k = 0; k < f.length; k++) map.push(i);
      out += f;
      i += ch.length;
    }
    if (out[out.length - 1] === " ") {
      out = out.slice(0, -1);
      map.pop();
    }
    map.push(text.length);
    return { text: out, map: map };
  }
  function clean(s) {
    return s.replace(/\s+/g, " ").trim();
  }

  /* the passages, in page order: {href, where, text, folded, title} */
  var passages = [];
  var BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, tr, pre";
  var HEADING = /^H[1-6]$/;
  var HEADINGS = "h1, h2, h3, h4, h5, h6";
  /* an element's own text: its cells apart, without the blocks inside */
  function textOf(el) {
    if (el.tagName === "TR")
      return Array.prototype.map.call(el.cells, function (c) {
        return clean(c.textContent);
      }).join(" | ");
    if (el.tagName !== "LI") return clean(el.textContent);
    /* an item: its own text and its first paragraph (a duty's number
     * and title lead its text); the blocks after are passages of their
     * own */
    var t = "", para = false;
    el.childNodes.forEach(function (n) {
      if (n.nodeType === 3 || !n.matches(BLOCKS + ", ul, ol, table, div")) {
        t += n.textContent;
      } else if (n.tagName === "P" && !para) {
        para = true;
        read.add(n);
        t += " " + n.textContent;
      }
    });
    return clean(t);
  }
  var read = new Set(); /* paragraphs read with their item */

  /* the parts that have a page of their own on the site */
  var PARTS = { "duties-part": "duty-matrix.html", "forms-part": "forms.html" };
  main.querySelectorAll("article.chapter").forEach(function (art) {
    var page = art.id.indexOf("chapter.") === 0
      ? art.id.slice("chapter.".length) + ".html" : "";
    for (var cls in PARTS)
      if (art.classList.contains(cls)) page = PARTS[cls];
    if (!page) return;
    var chapter = "", section = "", heading = "", anchor = "";
    art.querySelectorAll(BLOCKS).forEach(function (el) {
      if (read.has(el)) return;
      var text = textOf(el);
      if (!text) return;
      var sec = el.closest("section[id]");
      var title = HEADING.test(el.tagName);
      if (title && el.parentNode === art) { /* the chapter's heading */
        chapter = text;
        if (el.id) anchor = el.id;
        return;
      }
      if (el.closest(".section-meta")) return; /* its feedback link */
      if (title && sec && el === sec.querySelector(HEADINGS)) { /* its title */
        section = text;
        heading = "";
        anchor = sec.id;
      } else if (title) {
        heading = text;
        anchor = el.id || anchor;
      } else if (sec && !anchor) {
        anchor = sec.id;
      }
      var where = [chapter, section];
      if (heading) where.push(heading);
      var folded = foldMapped(text);
      passages.push({
        href: page + (anchor ? "#" + anchor : ""),
        where: where.filter(Boolean).join(" › "),
        text: text,
        folded: folded.text,
        map: folded.map,
        title: title
      });
    });
  });

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
        hits.push(firstPair(passages[n], qp, c));
    });
    return hits.sort(function (a, b) { return b.score - a.score; });
  }

  /* a hit by character pairs: the earliest of the query's pairs in the
   * passage is what its snippet marks */
  function firstPair(p, qp, score) {
    var at = -1;
    qp.forEach(function (b) {
      var k = p.folded.indexOf(b);
      if (k >= 0 && (at < 0 || k < at)) at = k;
    });
    return { p: p, score: score, at: at, len: at < 0 ? 0 : 2 };
  }

  /* the passage around its first match, the match marked */
  function snippet(hit) {
    var p = document.createElement("p");
    var text = hit.p.text;
    /* the match, in the original text */
    var at = hit.at >= 0 ? hit.p.map[hit.at] : -1;
    var end = hit.at >= 0 ? hit.p.map[hit.at + hit.len] : 0;
    var from = at > SNIPPET ? at - SNIPPET : 0;
    var to = Math.min(text.length, (at >= 0 ? end : 0) + SNIPPET * 2);
    if (from > 0) p.appendChild(document.createTextNode("…"));
    if (at >= 0) {
      p.appendChild(document.createTextNode(text.slice(from, at)));
      var m = document.createElement("mark");
      m.textContent = text.slice(at, end);
      p.appendChild(m);
      p.appendChild(document.createTextNode(text.slice(end, to)));
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
    var hits = find(query);
    if (!hits.length) {
      say("none", query.trim());
    } else {
      say("count", String(hits.length));
    }
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

  /* the results take the page's place; the search box shows the query */
  Array.prototype.forEach.call(main.children, function (el) {
    if (el !== region && el.tagName !== "SCRIPT") el.hidden = true;
  });
  region.hidden = false;
  document.querySelectorAll("input[name='q']").forEach(function (input) {
    input.value = q;
  });
  show(q);
  document.title = region.querySelector("h1").textContent + " · " +
    document.title;
})();
