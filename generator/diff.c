/* diff.c -- what changed between two resolved manuals of one hall.
 *
 * Two layers, the second on top of the first:
 *
 * 1. mg_diff_seq: Myers' O(ND) difference algorithm over arrays of 64-bit
 *    integers, with the linear-space refinement (the "middle snake",
 *    divide and conquer: Myers 1986, section 4b). Characters are compared
 *    as codepoints, blocks as hashes of their canonical content.
 *
 * 2. mg_diff_manuals: per section id, added, removed, changed or
 *    unchanged. "Changed" compares the canonical form of the m:section
 *    element: element and attribute names by namespace URI, attributes in
 *    sorted order, adjacent md:text merged, and the whitespace between
 *    elements (indentation of a pretty-printed file) ignored. Two
 *    serializations of the same resolved content are equal.
 *
 * Everything here is a pure function of its arguments (no global state):
 * the halls may be diffed on several threads at once. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "manualgen.h"

/* ------------------------------------------------------ the Myers core */

/* The work a diff may do before it gives up: the middle-snake search
 * costs about (N + M) * D steps for an edit distance D, so the largest D
 * computed exactly is MG_DIFF_WORK / (N + M), and never less than
 * MG_DIFF_MIN_COST (a cheap diff of a short text is never cut short). */
#define MG_DIFF_WORK ((size_t)1 << 25)
#define MG_DIFF_MIN_COST 256

size_t mg_diff_default_cost(size_t na, size_t nb) {
  size_t n = na + nb, c = n ? MG_DIFF_WORK / n : 0;
  return c < MG_DIFF_MIN_COST ? MG_DIFF_MIN_COST : c;
}

/* Kept between two ops: an EQUAL run that mg_diff_cleanup turns into a
 * deletion plus an insertion. */
#define DISSOLVED ((mg_diff_kind)3)

typedef struct {
  const uint64_t *a, *b;
  ptrdiff_t *vf, *vb; /* furthest x on each diagonal, forward and back */
  ptrdiff_t dcap;     /* iterations the arrays hold (diagonals +-dcap) */
  mg_diff_script *out;
} myers;

static void push_op(mg_diff_script *s, mg_diff_kind k, size_t a, size_t b,
                    size_t n) {
  if (!n)
    return;
  if (s->n && s->v[s->n - 1].kind == k) {
    s->v[s->n - 1].n += n; /* ops come in order: the runs are adjacent */
    return;
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->v = mg_xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = (mg_diff_op){k, a, b, n};
}

/* Finds a point (*x, *y) on an optimal path from (a0, b0) to (a1, b1),
 * strictly inside it, with the search from both ends (DMP's formulation
 * of the middle snake). Runs at most dmax iterations (each finds edit
 * distances 2d-1 and 2d). Returns 0, or -1 when the edit distance needs
 * more iterations. The ranges are non-empty, and their first and their
 * last elements differ (the caller strips the common prefix and suffix),
 * so the distance is at least 2 and the point is never an end. */
static int bisect(myers *m, size_t a0, size_t a1, size_t b0, size_t b1,
                  ptrdiff_t dmax, size_t *x, size_t *y) {
  const uint64_t *a = m->a + a0, *b = m->b + b0;
  ptrdiff_t n = (ptrdiff_t)(a1 - a0), mm = (ptrdiff_t)(b1 - b0);
  /* d reaches ceil((n + m) / 2): a distance of n + m (nothing in common)
   * is found too */
  ptrdiff_t maxd = (n + mm + 1) / 2 + 1, off = m->dcap + 1;
  if (maxd > dmax)
    maxd = dmax;
  /* the diagonals this search can reach; only they are cleared (the
   * arrays are shared by the recursive calls) */
  ptrdiff_t lo = off - maxd - 1, hi = off + maxd + 1;
  ptrdiff_t *vf = m->vf, *vb = m->vb;
  for (ptrdiff_t i = lo; i <= hi; i++)
    vf[i] = vb[i] = -1;
  vf[off + 1] = vb[off + 1] = 0;
  ptrdiff_t delta = n - mm;
  int front = (delta % 2) != 0;
  ptrdiff_t k1start = 0, k1end = 0, k2start = 0, k2end = 0;
  for (ptrdiff_t d = 0; d < maxd; d++) {
    for (ptrdiff_t k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      ptrdiff_t i1 = off + k1, x1;
      if (k1 == -d || (k1 != d && vf[i1 - 1] < vf[i1 + 1]))
        x1 = vf[i1 + 1];
      else
        x1 = vf[i1 - 1] + 1;
      ptrdiff_t y1 = x1 - k1;
      while (x1 < n && y1 < mm && a[x1] == b[y1])
        x1++, y1++;
      vf[i1] = x1;
      if (x1 > n) {
        k1end += 2; /* ran off the right of the graph */
      } else if (y1 > mm) {
        k1start += 2; /* off the bottom */
      } else if (front) {
        ptrdiff_t i2 = off + delta - k1;
        if (i2 >= lo && i2 <= hi && vb[i2] != -1 && x1 >= n - vb[i2]) {
          *x = a0 + (size_t)x1, *y = b0 + (size_t)y1;
          return 0;
        }
      }
    }
    for (ptrdiff_t k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      ptrdiff_t i2 = off + k2, x2;
      if (k2 == -d || (k2 != d && vb[i2 - 1] < vb[i2 + 1]))
        x2 = vb[i2 + 1];
      else
        x2 = vb[i2 - 1] + 1;
      ptrdiff_t y2 = x2 - k2;
      while (x2 < n && y2 < mm && a[n - x2 - 1] == b[mm - y2 - 1])
        x2++, y2++;
      vb[i2] = x2;
      if (x2 > n) {
        k2end += 2;
      } else if (y2 > mm) {
        k2start += 2;
      } else if (!front) {
        ptrdiff_t i1 = off + delta - k2;
        if (i1 >= lo && i1 <= hi && vf[i1] != -1) {
          ptrdiff_t x1 = vf[i1], y1 = x1 - (delta - k2);
          if (x1 >= n - x2) {
            *x = a0 + (size_t)x1, *y = b0 + (size_t)y1;
            return 0;
          }
        }
      }
    }
  }
  return -1;
}

/* Appends the edit script of a[a0, a1) -> b[b0, b1) to m->out, its
 * search bounded by dmax iterations: beyond them, the middle is replaced
 * whole (out->replaced). Only the first call can hit the bound: the
 * halves of a split have a smaller distance than the whole, so the
 * recursive calls always find their middle snake. */
static void diff_range(myers *m, size_t a0, size_t a1, size_t b0, size_t b1,
                       ptrdiff_t dmax) {
  size_t p = 0;
  while (a0 + p < a1 && b0 + p < b1 && m->a[a0 + p] == m->b[b0 + p])
    p++;
  push_op(m->out, MG_DIFF_EQUAL, a0, b0, p);
  a0 += p, b0 += p;
  size_t s = 0;
  while (a1 - s > a0 && b1 - s > b0 && m->a[a1 - s - 1] == m->b[b1 - s - 1])
    s++;
  a1 -= s, b1 -= s;
  size_t x, y;
  if (a0 == a1 || b0 == b1) {
    push_op(m->out, MG_DIFF_DELETE, a0, b0, a1 - a0);
    push_op(m->out, MG_DIFF_INSERT, a1, b0, b1 - b0);
  } else if (bisect(m, a0, a1, b0, b1, dmax, &x, &y) == 0) {
    diff_range(m, a0, x, b0, y, m->dcap);
    diff_range(m, x, a1, y, b1, m->dcap);
  } else {
    push_op(m->out, MG_DIFF_DELETE, a0, b0, a1 - a0);
    push_op(m->out, MG_DIFF_INSERT, a1, b0, b1 - b0);
    m->out->replaced = 1;
  }
  push_op(m->out, MG_DIFF_EQUAL, a1, b1, s);
}

/* Rewrites s so that each stretch of edits between two EQUAL runs is one
 * DELETE followed by one INSERT (a DISSOLVED run counts as both), and
 * recounts the cost. */
static void normalize(mg_diff_script *s) {
  mg_diff_script o = {0};
  o.replaced = s->replaced;
  size_t i = 0;
  while (i < s->n) {
    if (s->v[i].kind == MG_DIFF_EQUAL) {
      push_op(&o, MG_DIFF_EQUAL, s->v[i].a, s->v[i].b, s->v[i].n);
      i++;
      continue;
    }
    size_t a = s->v[i].a, b = s->v[i].b, dn = 0, in = 0;
    for (; i < s->n && s->v[i].kind != MG_DIFF_EQUAL; i++) {
      if (s->v[i].kind != MG_DIFF_INSERT)
        dn += s->v[i].n;
      if (s->v[i].kind != MG_DIFF_DELETE)
        in += s->v[i].n;
    }
    push_op(&o, MG_DIFF_DELETE, a, b, dn);
    push_op(&o, MG_DIFF_INSERT, a + dn, b, in);
    o.cost += dn + in;
  }
  free(s->v);
  *s = o;
}

void mg_diff_seq(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                 size_t max_cost, mg_diff_script *out) {
  memset(out, 0, sizeof *out);
  if (!max_cost)
    max_cost = mg_diff_default_cost(na, nb);
  /* the middle snake of distance D is found in iteration ceil(D/2): the
   * arrays hold that many and no more, so memory is O(max_cost) whatever
   * the lengths */
  size_t half = (na + nb + 1) / 2 + 1, lim = max_cost / 2 + 1;
  myers m = {a, b, NULL, NULL, (ptrdiff_t)(half < lim ? half : lim), out};
  size_t vlen = 2 * (size_t)m.dcap + 3;
  m.vf = mg_xmalloc(2 * vlen * sizeof *m.vf);
  m.vb = m.vf + vlen;
  diff_range(&m, 0, na, 0, nb, m.dcap);
  free(m.vf);
  normalize(out);
}

/* Adds the deletions and the insertions of the stretch of edits on one
 * side of op k (dir -1 or 1) to *dn and *in; returns the larger of the
 * stretch's two. */
static size_t edit_side(const mg_diff_script *s, size_t k, int dir, size_t *dn,
                        size_t *in) {
  size_t d = 0, i = 0;
  for (size_t j = k; dir < 0 ? j-- > 0 : ++j < s->n;) {
    if (s->v[j].kind == MG_DIFF_EQUAL)
      break;
    *(s->v[j].kind == MG_DIFF_DELETE ? &d : &i) += s->v[j].n;
  }
  *dn += d, *in += i;
  return d > i ? d : i;
}

void mg_diff_cleanup(mg_diff_script *s) {
  /* An equality no longer than the edits on either side of it is most
   * likely a coincidence ("八点" -> "九点半": the 点 in common), and
   * reads better as part of the replacement (the rule of Neil Fraser's
   * diff-match-patch). Only amid a replacement, though: between two
   * insertions (or two deletions) the kept text is no coincidence.
   * Equalities at either end are always kept. */
  int changed;
  do {
    changed = 0;
    for (size_t k = 1; k + 1 < s->n; k++) {
      if (s->v[k].kind != MG_DIFF_EQUAL)
        continue;
      size_t len = s->v[k].n, dn = 0, in = 0;
      size_t left = edit_side(s, k, -1, &dn, &in),
             right = edit_side(s, k, 1, &dn, &in);
      if (len <= left && len <= right && dn && in) {
        s->v[k].kind = DISSOLVED;
        changed = 1;
        break;
      }
    }
    if (changed)
      normalize(s);
  } while (changed);
}

void mg_diff_script_free(mg_diff_script *s) {
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* -------------------------------------------------- the canonical form */

static int in_ns(xmlNodePtr n, const char *href) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         !strcmp((const char *)n->ns->href, href);
}

static int is_md(xmlNodePtr n, const char *name) {
  return in_ns(n, MD_NS) && !strcmp((const char *)n->name, name);
}

static int is_m(xmlNodePtr n, const char *name) {
  return in_ns(n, MG_NS) && !strcmp((const char *)n->name, name);
}

static int is_md_any(xmlNodePtr n, const char *const *names) {
  if (!in_ns(n, MD_NS))
    return 0;
  for (; *names; names++)
    if (!strcmp((const char *)n->name, *names))
      return 1;
  return 0;
}

/* Elements whose content is text, all of it significant. */
static const char *const text_leaves[] = {
    "text", "code", "code_block", "html_block", "html_inline", NULL};

static int is_text(xmlNodePtr n) {
  return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

static int is_blank(const xmlChar *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
      return 0;
  return 1;
}

/* A text node that is only the indentation of a serialization: white
 * space outside the elements whose content is text. */
static int is_formatting(xmlNodePtr n) {
  return is_text(n) && !is_md_any(n->parent, text_leaves) &&
         is_blank(n->content);
}

static void put_str(mg_buf *b, const xmlChar *s) {
  if (s)
    mg_buf_puts(b, (const char *)s);
  mg_buf_put(b, "", 1);
}

static int cmp_attr(const void *x, const void *y) {
  xmlAttrPtr a = *(xmlAttrPtr const *)x, b = *(xmlAttrPtr const *)y;
  int c = strcmp(a->ns ? (const char *)a->ns->href : "",
                 b->ns ? (const char *)b->ns->href : "");
  return c ? c : strcmp((const char *)a->name, (const char *)b->name);
}

/* The start of an element: 'E' namespace NUL name NUL, then each
 * attribute in sorted order as 'A' namespace NUL name NUL value NUL, then
 * '>'. XML has no NUL, so the encoding is unambiguous. derived: leave
 * out what follows from the content (a heading's id, from its text; a
 * list's tightness, from its blank lines). */
static void canon_start(xmlNodePtr n, mg_buf *b, int derived) {
  mg_buf_put(b, "E", 1);
  put_str(b, n->ns ? n->ns->href : NULL);
  put_str(b, n->name);
  size_t na = 0;
  for (xmlAttrPtr a = n->properties; a; a = a->next)
    na++;
  if (na) {
    xmlAttrPtr *v = mg_xmalloc(na * sizeof *v);
    na = 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
      if (!(derived && !a->ns &&
            (!strcmp((const char *)a->name, "id") ||
             !strcmp((const char *)a->name, "tight"))))
        v[na++] = a;
    qsort(v, na, sizeof *v, cmp_attr);
    for (size_t i = 0; i < na; i++) {
      mg_buf_put(b, "A", 1);
      put_str(b, v[i]->ns ? v[i]->ns->href : NULL);
      put_str(b, v[i]->name);
      xmlChar *val = xmlNodeGetContent((xmlNodePtr)v[i]);
      put_str(b, val);
      xmlFree(val);
    }
    free(v);
  }
  mg_buf_put(b, ">", 1);
}

static void canon(xmlNodePtr n, mg_buf *b);

static void canon_children(xmlNodePtr parent, mg_buf *b) {
  if (is_md_any(parent, text_leaves)) {
    xmlChar *t = xmlNodeGetContent(parent);
    mg_buf_put(b, "T", 1);
    put_str(b, t);
    xmlFree(t);
    return;
  }
  /* a run of md:text siblings is one text: a placeholder's value is a
   * md:text of its own, and may not be once the lead's resolver merges */
  int run = 0;
  for (xmlNodePtr c = parent->children; c; c = c->next) {
    if (is_md(c, "text")) {
      xmlChar *t = xmlNodeGetContent(c);
      if (t && *t) {
        if (!run)
          mg_buf_put(b, "E" MD_NS "\0text\0>T", sizeof MD_NS + 8);
        mg_buf_puts(b, (const char *)t);
        run = 1;
      }
      xmlFree(t);
      continue;
    }
    if (c->type != XML_ELEMENT_NODE && !is_text(c))
      continue; /* comments, processing instructions */
    if (is_formatting(c))
      continue;
    if (run)
      mg_buf_put(b, "\0)", 2);
    run = 0;
    if (is_text(c)) {
      mg_buf_put(b, "T", 1);
      put_str(b, c->content);
    } else {
      canon(c, b);
    }
  }
  if (run)
    mg_buf_put(b, "\0)", 2);
}

/* Appends the canonical form of element n to b. */
static void canon(xmlNodePtr n, mg_buf *b) {
  canon_start(n, b, 0);
  canon_children(n, b);
  mg_buf_put(b, ")", 1);
}

/* ---------------------------------------------------- the sections */

typedef struct {
  xmlNodePtr *sec;
  size_t n;
} seclist;

static char *child_text(xmlNodePtr n, const char *name) {
  for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
    if (is_m(c, name)) {
      xmlChar *t = xmlNodeGetContent(c);
      char *s = mg_xstrdup(t ? (const char *)t : "");
      xmlFree(t);
      return s;
    }
  return mg_xstrdup("");
}

static char *attr_dup(xmlNodePtr n, const char *name) {
  xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

/* The m:section elements of a resolved manual, in order, each id added
 * to ids (-> its index + 1). Returns 0, or -1 after reporting what makes
 * d no resolved manual. */
static int collect_sections(xmlDocPtr d, seclist *l, xmlHashTablePtr ids) {
  xmlNodePtr root = xmlDocGetRootElement(d);
  const char *file = d && d->URL ? (const char *)d->URL : "(manual)";
  memset(l, 0, sizeof *l);
  if (!is_m(root, "manual")) {
    mg_diag(MG_ERROR, file, root ? (int)xmlGetLineNo(root) : 0, 0,
            "this is not a resolved manual: its root element is <%s>, not "
            "<m:manual>",
            root ? (const char *)root->name : "(none)");
    return -1;
  }
  for (xmlNodePtr ch = root->children; ch; ch = ch->next) {
    if (!is_m(ch, "chapter"))
      continue;
    for (xmlNodePtr s = ch->children; s; s = s->next) {
      if (!is_m(s, "section"))
        continue;
      xmlChar *id = xmlGetProp(s, BAD_CAST "id");
      if (!id || !*id || xmlHashLookup(ids, id)) {
        mg_diag(MG_ERROR, file, (int)xmlGetLineNo(s), 0,
                id && *id ? "the section id '%s' is used twice in the manual"
                          : "a section of the manual has no id%s",
                id ? (const char *)id : "");
        xmlFree(id);
        free(l->sec);
        l->sec = NULL;
        return -1;
      }
      l->sec = mg_xrealloc(l->sec, (l->n + 1) * sizeof *l->sec);
      l->sec[l->n++] = s;
      xmlHashAddEntry(ids, id, (void *)(uintptr_t)l->n);
      xmlFree(id);
    }
  }
  return 0;
}

static int same_content(xmlNodePtr a, xmlNodePtr b) {
  mg_buf x = {0}, y = {0};
  canon(a, &x);
  canon(b, &y);
  int eq = x.len == y.len && !memcmp(x.data, y.data, x.len);
  mg_buf_free(&x);
  mg_buf_free(&y);
  return eq;
}

static void add_change(mg_changes *out, mg_change_kind kind, xmlNodePtr o,
                       xmlNodePtr n, size_t new_index) {
  out->v = mg_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
  mg_change *c = &out->v[out->n++];
  xmlNodePtr s = n ? n : o;
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->id = attr_dup(s, "id");
  c->title = child_text(s, "title");
  c->chapter = attr_dup(s->parent, "id");
  if (o && n) {
    c->old_title = child_text(o, "title");
    c->old_chapter = attr_dup(o->parent, "id");
  }
  c->old_section = o;
  c->new_section = n;
  c->new_index = new_index;
  size_t *count[] = {&out->unchanged, &out->added, &out->removed,
                     &out->changed};
  (*count[kind])++;
}

int mg_diff_manuals(xmlDocPtr old, xmlDocPtr new_doc, mg_changes *out) {
  memset(out, 0, sizeof *out);
  seclist ol = {0}, nl = {0};
  xmlHashTablePtr oids = xmlHashCreate(0), nids = xmlHashCreate(0);
  int rc = -1;
  if ((old && collect_sections(old, &ol, oids) < 0) ||
      (new_doc && collect_sections(new_doc, &nl, nids) < 0))
    goto done;
  /* a removed section goes after the last section before it in the old
   * manual that the new one still has (anchor: its new index + 1; 0 is
   * the start) */
  size_t *anchor = mg_xcalloc(ol.n + 1, sizeof *anchor), last = 0;
  for (size_t i = 0; i < ol.n; i++) {
    xmlChar *id = xmlGetProp(ol.sec[i], BAD_CAST "id");
    size_t ni = (size_t)(uintptr_t)xmlHashLookup(nids, id);
    xmlFree(id);
    if (ni)
      last = ni, anchor[i] = (size_t)-1; /* still there */
    else
      anchor[i] = last;
  }
  for (size_t j = 0; j <= nl.n; j++) {
    if (j) {
      xmlNodePtr n = nl.sec[j - 1];
      xmlChar *id = xmlGetProp(n, BAD_CAST "id");
      size_t oi = (size_t)(uintptr_t)xmlHashLookup(oids, id);
      xmlFree(id);
      xmlNodePtr o = oi ? ol.sec[oi - 1] : NULL;
      add_change(out,
                 !o                   ? MG_SECTION_ADDED
                 : same_content(o, n) ? MG_SECTION_UNCHANGED
                                      : MG_SECTION_CHANGED,
                 o, n, j - 1);
    }
    for (size_t i = 0; i < ol.n; i++)
      if (anchor[i] == j)
        add_change(out, MG_SECTION_REMOVED, ol.sec[i], NULL, SIZE_MAX);
  }
  free(anchor);
  rc = 0;
done:
  if (rc < 0)
    mg_changes_free(out);
  xmlHashFree(oids, NULL);
  xmlHashFree(nids, NULL);
  free(ol.sec);
  free(nl.sec);
  return rc;
}

void mg_changes_free(mg_changes *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].id);
    free(c->v[i].title);
    free(c->v[i].chapter);
    free(c->v[i].old_title);
    free(c->v[i].old_chapter);
  }
  free(c->v);
  memset(c, 0, sizeof *c);
}
