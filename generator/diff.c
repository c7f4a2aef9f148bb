/* diff.c -- what changed between two resolved manuals of one hall.
 *
 * Three layers, each on top of the one before:
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
 * 3. mg_diff_mark_section: the new section's md:document with the changes
 *    marked. Its children are aligned by a block diff; blocks only in the
 *    new one are wrapped in m:ins-block, blocks only in the old one are
 *    put back where they were in m:del-block. A changed block is paired
 *    with an old one of the same kind when at least half of their text is
 *    the same: lists, block quotes, items and tables are then aligned
 *    again one level down (one changed item does not mark the list),
 *    paragraphs, headings, table cells and code blocks get a character
 *    diff: m:ins around inserted text, m:del holding the old text at its
 *    place, the new block's inline structure kept.
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
  if (!mg_is_m(root, "manual")) {
    mg_diag(MG_ERROR, file, root ? (int)xmlGetLineNo(root) : 0, 0,
            "this is not a resolved manual: its root element is <%s>, not "
            "<m:manual>",
            root ? (const char *)root->name : "(none)");
    return -1;
  }
  for (xmlNodePtr ch = root->children; ch; ch = ch->next) {
    if (!mg_is_m(ch, "chapter"))
      continue;
    for (xmlNodePtr s = ch->children; s; s = s->next) {
      if (!mg_is_m(s, "section"))
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
  c->title = mg_m_child_text(s, "title");
  c->chapter = attr_dup(s->parent, "id");
  if (o && n) {
    c->old_title = mg_m_child_text(o, "title");
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

/* ------------------------------------------------- marking the changes */

/* What kind of md element each block or inline element is, for the
 * marking below (the elements of cmark's vocabulary not listed are
 * compared whole). */

/* Blocks whose content is inline: compared character by character. */
static const char *const holders[] = {"paragraph", "heading", "table_cell",
                                      NULL};
/* Blocks made of blocks: aligned again one level down. */
static const char *const containers[] = {
    "document", "block_quote", "list", "item", "tasklist", "table", NULL};
/* Inline elements made of inline content. */
static const char *const spans[] = {"emph", "strong", "link", "strikethrough",
                                    NULL};

typedef struct {
  uint64_t *v;
  size_t n, cap;
} u64v;

static void u64_push(u64v *v, uint64_t x) {
  if (v->n == v->cap) {
    v->cap = v->cap ? 2 * v->cap : 64;
    v->v = mg_xrealloc(v->v, v->cap * sizeof *v->v);
  }
  v->v[v->n++] = x;
}

/* The hash of n's canonical form, chained to seed. */
static uint64_t canon_hash(xmlNodePtr n, uint64_t seed) {
  mg_buf b = {0};
  canon(n, &b);
  uint64_t h = XXH3_64bits_withSeed(b.data, b.len, seed);
  mg_buf_free(&b);
  return h;
}

/* True when a and b are the same element with the same attributes, those
 * that follow from the content aside. */
static int same_start(xmlNodePtr a, xmlNodePtr b) {
  mg_buf x = {0}, y = {0};
  canon_start(a, &x, 1);
  canon_start(b, &y, 1);
  int eq = x.len == y.len && !memcmp(x.data, y.data, x.len);
  mg_buf_free(&x);
  mg_buf_free(&y);
  return eq;
}

/* ------------------------------------------------------------- atoms */

/* What the character diff compares: one character of text, or an inline
 * element that has no text (an image). Keys without the top bit are
 * plain codepoints; a character inside emphasis, a link or code is keyed
 * by it and by the start tags around it, so that making a word bold or
 * changing a link's target marks it. */
#define OPAQUE ((uint64_t)1 << 63)

typedef struct {
  xmlNodePtr leaf; /* a text leaf, a text node, or an opaque element */
  const xmlChar *text;
  size_t off, len; /* the character's bytes in text */
} atom;

/* The atoms of a node, and the range of atoms below each node seen. */
typedef struct {
  xmlNodePtr node;
  size_t start, end;
} span;

typedef struct {
  atom *v;
  u64v key;
  size_t n, cap;
  xmlChar **texts; /* owned: the content of each text leaf */
  size_t ntexts;
  span *sp; /* sorted by node once collected */
  size_t nsp, spcap;
} atoms;

static void atoms_free(atoms *A) {
  for (size_t i = 0; i < A->ntexts; i++)
    xmlFree(A->texts[i]);
  free(A->texts);
  free(A->v);
  free(A->key.v);
  free(A->sp);
}

static void add_atom(atoms *A, xmlNodePtr leaf, const xmlChar *text, size_t off,
                     size_t len, uint64_t key) {
  if (A->n == A->cap) {
    A->cap = A->cap ? 2 * A->cap : 64;
    A->v = mg_xrealloc(A->v, A->cap * sizeof *A->v);
  }
  A->v[A->n++] = (atom){leaf, text, off, len};
  u64_push(&A->key, key);
}

static void add_span(atoms *A, xmlNodePtr n, size_t start) {
  if (A->nsp == A->spcap) {
    A->spcap = A->spcap ? 2 * A->spcap : 16;
    A->sp = mg_xrealloc(A->sp, A->spcap * sizeof *A->sp);
  }
  A->sp[A->nsp++] = (span){n, start, A->n};
}

/* One atom per character of leaf's text (ctx: the start tags around it,
 * 0 for none). */
static void add_text(atoms *A, xmlNodePtr leaf, uint64_t ctx) {
  xmlChar *t =
      is_text(leaf) ? xmlStrdup(leaf->content) : xmlNodeGetContent(leaf);
  if (!t)
    return;
  A->texts = mg_xrealloc(A->texts, (A->ntexts + 1) * sizeof *A->texts);
  A->texts[A->ntexts++] = t;
  size_t len = strlen((const char *)t);
  for (size_t i = 0; i < len;) {
    unsigned cp;
    int k = mg_utf8_decode((const char *)t + i, len - i, &cp);
    if (k <= 0)
      k = 1, cp = 0xFFFD; /* libxml2 keeps UTF-8: never happens */
    uint32_t c32 = cp;
    uint64_t key =
        ctx ? XXH3_64bits_withSeed(&c32, sizeof c32, ctx) | OPAQUE : cp;
    add_atom(A, leaf, t, i, (size_t)k, key);
    i += (size_t)k;
  }
}

static uint64_t start_hash(xmlNodePtr n, uint64_t ctx) {
  mg_buf b = {0};
  canon_start(n, &b, 0);
  uint64_t h = XXH3_64bits_withSeed(b.data, b.len, ctx);
  mg_buf_free(&b);
  return h;
}

/* The atoms of parent's inline content, in document order. */
static void collect_inline(atoms *A, xmlNodePtr parent, uint64_t ctx) {
  for (xmlNodePtr c = parent->children; c; c = c->next) {
    size_t start = A->n;
    if (is_text(c)) {
      if (is_formatting(c))
        continue;
      add_text(A, c, ctx);
    } else if (c->type != XML_ELEMENT_NODE) {
      continue;
    } else if (is_md(c, "text")) {
      add_text(A, c, ctx);
    } else if (is_md(c, "code")) {
      add_text(A, c, start_hash(c, ctx));
    } else if (is_md_any(c, spans)) {
      collect_inline(A, c, start_hash(c, ctx));
      if (A->n == start) /* an empty link: the element is the atom */
        add_atom(A, c, NULL, 0, 0, canon_hash(c, ctx) | OPAQUE);
    } else {
      add_atom(A, c, NULL, 0, 0, canon_hash(c, ctx) | OPAQUE);
    }
    add_span(A, c, start);
  }
}

static int cmp_span(const void *x, const void *y) {
  const span *a = x, *b = y;
  return a->node < b->node ? -1 : a->node > b->node;
}

static void atoms_of(atoms *A, xmlNodePtr block) {
  memset(A, 0, sizeof *A);
  if (is_md(block, "code_block"))
    add_text(A, block, 0);
  else
    collect_inline(A, block, 0);
  if (A->nsp)
    qsort(A->sp, A->nsp, sizeof *A->sp, cmp_span);
}

static const span *span_of(const atoms *A, xmlNodePtr n) {
  span key = {n, 0, 0};
  return A->nsp ? bsearch(&key, A->sp, A->nsp, sizeof *A->sp, cmp_span) : NULL;
}

/* The codepoints of all the text below n: what "similar" compares. */
static void collect_plain(xmlNodePtr n, u64v *v) {
  for (xmlNodePtr c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      collect_plain(c, v);
    } else if (is_text(c) && !is_formatting(c) && c->content) {
      const char *t = (const char *)c->content;
      size_t len = strlen(t);
      for (size_t i = 0; i < len;) {
        unsigned cp = 0xFFFD;
        int k = mg_utf8_decode(t + i, len - i, &cp);
        u64_push(v, cp);
        i += k > 0 ? (size_t)k : 1;
      }
    }
  }
}

/* ------------------------------------------------------- the new tree */

typedef struct {
  xmlDocPtr doc;
  xmlNodePtr root; /* the new md:document being built */
  xmlNsPtr m, md;
  const char *sid; /* the section id, for anchors */
  size_t marks;
} mctx;

/* The namespace of the copy of a node in namespace ns. */
static xmlNsPtr ns_for(mctx *c, xmlNsPtr ns) {
  if (!ns)
    return NULL;
  if (!strcmp((const char *)ns->href, MD_NS))
    return c->md;
  if (!strcmp((const char *)ns->href, MG_NS))
    return c->m;
  xmlNsPtr r = xmlSearchNsByHref(c->doc, c->root, ns->href);
  for (int i = 0; !r; i++) {
    /* declared on the section's body; a prefix in use there is
     * refused, so try another (never none: attributes need one) */
    char p[32];
    snprintf(p, sizeof p, "ns%d", i);
    if (i > 1000) {
      fputs("manualgen: out of memory\n", stderr);
      abort();
    }
    r = xmlNewNs(c->root, ns->href, i || !ns->prefix ? BAD_CAST p : ns->prefix);
  }
  return r;
}

static xmlNodePtr new_elem(mctx *c, xmlNsPtr ns, const char *name) {
  return xmlNewDocNode(c->doc, ns, BAD_CAST name, NULL);
}

/* A copy of element n without its children. del: for deleted content,
 * which drops the ids (the new text may have the same) */
static xmlNodePtr copy_shallow(mctx *c, xmlNodePtr n, int del) {
  xmlNodePtr e = xmlNewDocNode(c->doc, ns_for(c, n->ns), n->name, NULL);
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    if (del && !a->ns && !strcmp((const char *)a->name, "id"))
      continue;
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    xmlNewNsProp(e, ns_for(c, a->ns), a->name, v);
    xmlFree(v);
  }
  return e;
}

/* Appends a copy of n and everything below it to parent. del: deleted
 * content, without ids, and with links turned into their text (the old
 * target may be gone). Comments and the like are not copied. */
static void copy_into(mctx *c, xmlNodePtr n, xmlNodePtr parent, int del) {
  if (is_text(n)) {
    xmlAddChild(parent, xmlNewDocText(c->doc, n->content));
    return;
  }
  if (n->type != XML_ELEMENT_NODE)
    return;
  xmlNodePtr e = parent;
  if (!(del && is_md(n, "link")))
    e = xmlAddChild(parent, copy_shallow(c, n, del));
  for (xmlNodePtr k = n->children; k; k = k->next)
    copy_into(c, k, e, del);
}

static xmlNodePtr wrap(mctx *c, const char *mark, xmlNodePtr n, int del) {
  xmlNodePtr w = new_elem(c, c->m, mark);
  copy_into(c, n, w, del);
  return w;
}

/* Moves the children of every m:ins into the m:ins just before it, so
 * that an insertion over several inline elements is one mark. */
static void merge_marks(xmlNodePtr parent) {
  xmlNodePtr prev = NULL, next;
  for (xmlNodePtr k = parent->children; k; k = next) {
    next = k->next;
    if (prev && mg_is_m(prev, "ins") && mg_is_m(k, "ins")) {
      xmlNodePtr ch;
      while ((ch = k->children)) {
        xmlUnlinkNode(ch);
        xmlAddChild(prev, ch);
      }
      xmlUnlinkNode(k);
      xmlFreeNode(k);
      continue;
    }
    prev = k;
  }
}

/* ------------------------------------------- the character level */

typedef struct {
  size_t pos;    /* before the new atom pos */
  size_t os, oe; /* the old atoms deleted */
} deletion;

typedef struct {
  mctx *c;
  const atoms *na, *oa;
  xmlNodePtr old_block;
  unsigned char *ins; /* per new atom */
  deletion *dels;
  size_t ndels, di; /* di: the next deletion to place */
  int text_only;    /* a code block: the marks hold text */
} rb;

/* The text of atoms [i, j) of A (all from one leaf). */
static xmlChar *atom_text(const atoms *A, size_t i, size_t j) {
  const atom *s = &A->v[i], *e = &A->v[j - 1];
  return xmlStrndup(s->text + s->off, (int)(e->off + e->len - s->off));
}

/* A copy of text leaf `leaf` holding text t (a text node for a text
 * node or inside a code block). Takes t. */
static xmlNodePtr text_piece(rb *r, xmlNodePtr leaf, xmlChar *t, int del) {
  xmlNodePtr n;
  if (is_text(leaf) || r->text_only) {
    n = xmlNewDocText(r->c->doc, t);
  } else {
    n = copy_shallow(r->c, leaf, del);
    xmlAddChild(n, xmlNewDocText(r->c->doc, t));
  }
  xmlFree(t);
  return n;
}

/* The m:del of old atoms [os, oe): their text with the inline elements
 * around it in the old block (links aside), a leaf's ancestors shared
 * with the leaf before it copied once. */
static xmlNodePtr deleted(rb *r, size_t os, size_t oe) {
  xmlNodePtr del = new_elem(r->c, r->c->m, "del");
  xmlNodePtr *pold = NULL, *pnew = NULL, *anc = NULL;
  size_t pdepth = 0, cap = 0;
  for (size_t i = os; i < oe;) {
    xmlNodePtr leaf = r->oa->v[i].leaf;
    size_t j = i + 1;
    while (j < oe && r->oa->v[j].leaf == leaf)
      j++;
    /* the leaf's ancestors below the block, outermost first (a code
     * block is its own leaf) */
    xmlNodePtr top = leaf == r->old_block ? NULL : leaf->parent;
    size_t d = 0;
    for (xmlNodePtr p = top; p && p != r->old_block; p = p->parent)
      if (!is_md(p, "link"))
        d++;
    if (d > cap) {
      cap = d;
      anc = mg_xrealloc(anc, cap * sizeof *anc);
      pold = mg_xrealloc(pold, cap * sizeof *pold);
      pnew = mg_xrealloc(pnew, cap * sizeof *pnew);
    }
    size_t k = d;
    for (xmlNodePtr p = top; p && p != r->old_block; p = p->parent)
      if (!is_md(p, "link"))
        anc[--k] = p;
    size_t common = 0;
    while (common < d && common < pdepth && anc[common] == pold[common])
      common++;
    xmlNodePtr parent = common ? pnew[common - 1] : del;
    for (k = common; k < d; k++) {
      pold[k] = anc[k];
      pnew[k] = parent = xmlAddChild(parent, copy_shallow(r->c, anc[k], 1));
    }
    pdepth = d;
    if (r->oa->v[i].text)
      xmlAddChild(parent, text_piece(r, leaf, atom_text(r->oa, i, j), 1));
    else if (!is_md(leaf, "link"))
      copy_into(r->c, leaf, parent, 1);
    i = j;
  }
  free(anc);
  free(pold);
  free(pnew);
  return del;
}

/* Places every deletion due at or before new atom pos. */
static void place_dels(rb *r, size_t pos, xmlNodePtr out) {
  for (; r->di < r->ndels && r->dels[r->di].pos <= pos; r->di++)
    xmlAddChild(out, deleted(r, r->dels[r->di].os, r->dels[r->di].oe));
}

static int all_ins(const rb *r, size_t s, size_t e) {
  for (size_t i = s; i < e; i++)
    if (!r->ins[i])
      return 0;
  return 1;
}

static int none_ins(const rb *r, size_t s, size_t e) {
  for (size_t i = s; i < e; i++)
    if (r->ins[i])
      return 0;
  return 1;
}

/* A deletion falls strictly inside atoms [s, e). */
static int del_inside(const rb *r, size_t s, size_t e) {
  return r->di < r->ndels && r->dels[r->di].pos > s && r->dels[r->di].pos < e;
}

/* Splits a text leaf of the new block at its marks. */
static void mark_leaf(rb *r, xmlNodePtr leaf, const span *sp, xmlNodePtr out) {
  for (size_t i = sp->start; i < sp->end;) {
    if (i > sp->start)
      place_dels(r, i, out);
    size_t j = i + 1;
    while (j < sp->end && r->ins[j] == r->ins[i] &&
           !(r->di < r->ndels && r->dels[r->di].pos == j))
      j++;
    xmlNodePtr piece = text_piece(r, leaf, atom_text(r->na, i, j), 0);
    if (r->ins[i]) {
      xmlNodePtr w = new_elem(r->c, r->c->m, "ins");
      xmlAddChild(w, piece);
      piece = w;
    }
    xmlAddChild(out, piece);
    i = j;
  }
}

/* Copies the inline content of src (a node of the new block) into out,
 * with the marks. A deletion at the boundary of two children is placed
 * between them at the lowest level that holds both, never at the end of
 * a link or emphasis that it was not part of. */
static void rebuild(rb *r, xmlNodePtr src, xmlNodePtr out, int root) {
  for (xmlNodePtr k = src->children; k; k = k->next) {
    const span *sp = span_of(r->na, k);
    if (!sp) {
      if (k->type == XML_ELEMENT_NODE)
        copy_into(r->c, k, out, 0);
      continue; /* the indentation of a serialization */
    }
    place_dels(r, sp->start, out);
    int inside = del_inside(r, sp->start, sp->end);
    if (sp->start == sp->end || (!inside && none_ins(r, sp->start, sp->end))) {
      copy_into(r->c, k, out, 0);
    } else if (!inside && all_ins(r, sp->start, sp->end)) {
      xmlAddChild(out, wrap(r->c, "ins", k, 0));
    } else if (r->na->v[sp->start].leaf == k) {
      mark_leaf(r, k, sp, out); /* a text: opaque atoms are all or none */
    } else {
      xmlNodePtr e = xmlAddChild(out, copy_shallow(r->c, k, 0));
      rebuild(r, k, e, 0);
    }
  }
  if (root)
    place_dels(r, (size_t)-1, out);
  merge_marks(out);
}

/* The new block `nw` with its characters marked against `old`. */
static xmlNodePtr mark_chars(mctx *c, xmlNodePtr old, xmlNodePtr nw) {
  atoms oa, na;
  atoms_of(&oa, old);
  atoms_of(&na, nw);
  mg_diff_script s;
  mg_diff_seq(oa.key.v, oa.n, na.key.v, na.n, 0, &s);
  mg_diff_cleanup(&s);
  rb r = {c,
          &na,
          &oa,
          old,
          mg_xcalloc(na.n + 1, 1),
          NULL,
          0,
          0,
          is_md(nw, "code_block")};
  r.dels = mg_xmalloc((s.n + 1) * sizeof *r.dels);
  for (size_t i = 0; i < s.n; i++) {
    const mg_diff_op *op = &s.v[i];
    if (op->kind == MG_DIFF_DELETE)
      r.dels[r.ndels++] = (deletion){op->b, op->a, op->a + op->n};
    else if (op->kind == MG_DIFF_INSERT)
      memset(r.ins + op->b, 1, op->n);
  }
  xmlNodePtr out = copy_shallow(c, nw, 0);
  if (r.text_only) {
    /* a code block's text is one leaf: the block itself */
    span sp = {nw, 0, na.n};
    place_dels(&r, 0, out);
    mark_leaf(&r, nw, &sp, out);
    place_dels(&r, (size_t)-1, out);
    merge_marks(out);
  } else {
    rebuild(&r, nw, out, 1);
  }
  free(r.ins);
  free(r.dels);
  mg_diff_script_free(&s);
  atoms_free(&oa);
  atoms_free(&na);
  return out;
}

/* ----------------------------------------------- the block level */

/* Blocks further apart than this in a run of changes are not tried as a
 * pair: pairing stays linear however long the run. */
#define PAIR_WINDOW 16

static size_t element_children(xmlNodePtr n, xmlNodePtr **out) {
  size_t k = 0;
  for (xmlNodePtr c = n->children; c; c = c->next)
    k += c->type == XML_ELEMENT_NODE;
  *out = mg_xmalloc((k + 1) * sizeof **out);
  k = 0;
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      (*out)[k++] = c;
  return k;
}

static int is_row(xmlNodePtr n) {
  return is_md(n, "table_row") || is_md(n, "table_header");
}

static size_t count_elements(xmlNodePtr n) {
  size_t k = 0;
  for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
    k += c->type == XML_ELEMENT_NODE;
  return k;
}

static xmlNodePtr first_element(xmlNodePtr n) {
  for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      return c;
  return NULL;
}

/* True when two different blocks are one block revised: the same kind
 * with the same attributes (a list that became numbered is another
 * list), rows and tables with as many columns, and at least half of the
 * longer text kept. Blocks without text (a rule, an image alone) are
 * never paired. */
static int similar(xmlNodePtr o, xmlNodePtr n) {
  if (!same_start(o, n))
    return 0;
  if (!is_md_any(n, holders) && !is_md_any(n, containers) && !is_row(n) &&
      !is_md(n, "code_block"))
    return 0;
  if (is_row(n) && count_elements(o) != count_elements(n))
    return 0;
  if (is_md(n, "table") &&
      count_elements(first_element(o)) != count_elements(first_element(n)))
    return 0;
  u64v a = {0}, b = {0};
  collect_plain(o, &a);
  collect_plain(n, &b);
  size_t lo = a.n < b.n ? a.n : b.n;
  int ok = 0;
  if (lo) {
    /* kept >= longer / 2 <=> distance <= shorter: bound the diff by it */
    mg_diff_script s;
    size_t bound = mg_diff_default_cost(a.n, b.n);
    mg_diff_seq(a.v, a.n, b.v, b.n, lo < bound ? lo : bound, &s);
    ok = !s.replaced && s.cost <= lo;
    mg_diff_script_free(&s);
  }
  free(a.v);
  free(b.v);
  return ok;
}

static void mark_blocks(mctx *c, xmlNodePtr old, xmlNodePtr nw, xmlNodePtr out);

/* Appends to out the new block n marked against its old version o. */
static void mark_pair(mctx *c, xmlNodePtr o, xmlNodePtr n, xmlNodePtr out) {
  if (is_md_any(n, holders) || is_md(n, "code_block")) {
    xmlAddChild(out, mark_chars(c, o, n));
  } else if (is_row(n)) {
    /* cells by position: a row keeps its columns */
    xmlNodePtr e = xmlAddChild(out, copy_shallow(c, n, 0));
    xmlNodePtr *oc, *nc;
    size_t k = element_children(o, &oc), nk = element_children(n, &nc);
    for (size_t i = 0; i < nk; i++) {
      if (i < k && canon_hash(oc[i], 0) != canon_hash(nc[i], 0))
        xmlAddChild(e, mark_chars(c, oc[i], nc[i]));
      else
        copy_into(c, nc[i], e, 0);
    }
    free(oc);
    free(nc);
  } else {
    xmlNodePtr e = xmlAddChild(out, copy_shallow(c, n, 0));
    mark_blocks(c, o, n, e);
  }
}

/* A run of changed blocks: old[0, no) became new[0, nn). Each old block
 * is paired with the first similar new block not yet used (within the
 * window); the new blocks skipped over are insertions, an old block
 * without a partner a deletion, put back where it was. */
static void mark_hunk(mctx *c, xmlNodePtr *old, size_t no, xmlNodePtr *nw,
                      size_t nn, xmlNodePtr out) {
  size_t j = 0;
  for (size_t i = 0; i < no; i++) {
    size_t f = j;
    while (f < nn && f < j + PAIR_WINDOW && !similar(old[i], nw[f]))
      f++;
    if (f == nn || f == j + PAIR_WINDOW) {
      xmlAddChild(out, wrap(c, "del-block", old[i], 1));
      continue;
    }
    for (; j < f; j++)
      xmlAddChild(out, wrap(c, "ins-block", nw[j], 0));
    mark_pair(c, old[i], nw[f], out);
    j = f + 1;
  }
  for (; j < nn; j++)
    xmlAddChild(out, wrap(c, "ins-block", nw[j], 0));
}

/* Appends to out the children of nw, aligned with those of old. */
static void mark_blocks(mctx *c, xmlNodePtr old, xmlNodePtr nw,
                        xmlNodePtr out) {
  xmlNodePtr *oc, *nc;
  size_t no = element_children(old, &oc), nn = element_children(nw, &nc);
  uint64_t *oh = mg_xmalloc((no + 1) * sizeof *oh),
           *nh = mg_xmalloc((nn + 1) * sizeof *nh);
  for (size_t i = 0; i < no; i++)
    oh[i] = canon_hash(oc[i], 0);
  for (size_t i = 0; i < nn; i++)
    nh[i] = canon_hash(nc[i], 0);
  mg_diff_script s;
  mg_diff_seq(oh, no, nh, nn, 0, &s);
  for (size_t i = 0; i < s.n;) {
    const mg_diff_op *op = &s.v[i];
    if (op->kind == MG_DIFF_EQUAL) {
      for (size_t k = 0; k < op->n; k++)
        copy_into(c, nc[op->b + k], out, 0);
      i++;
      continue;
    }
    /* normalized: a deletion, an insertion, or one and then the other */
    size_t oa = op->a, od = 0, nb = op->b, ni = 0;
    for (; i < s.n && s.v[i].kind != MG_DIFF_EQUAL; i++)
      *(s.v[i].kind == MG_DIFF_DELETE ? &od : &ni) = s.v[i].n;
    mark_hunk(c, oc + oa, od, nc + nb, ni, out);
  }
  mg_diff_script_free(&s);
  free(oh);
  free(nh);
  free(oc);
  free(nc);
}

/* The first m:ins or m:del below n, in document order. */
static xmlNodePtr first_mark(xmlNodePtr n) {
  for (xmlNodePtr k = n->children; k; k = k->next) {
    if (mg_is_m(k, "ins") || mg_is_m(k, "del"))
      return k;
    xmlNodePtr f = k->type == XML_ELEMENT_NODE ? first_mark(k) : NULL;
    if (f)
      return f;
  }
  return NULL;
}

static void set_anchor(mctx *c, xmlNodePtr n) {
  char *id = mg_xasprintf("%s--chg-%zu", c->sid, ++c->marks);
  xmlSetProp(n, BAD_CAST "id", BAD_CAST id);
  free(id);
}

/* Numbers the marked passages in document order: each m:ins-block and
 * m:del-block, and the first mark of each block marked inside. */
static void set_anchors(mctx *c, xmlNodePtr n) {
  for (xmlNodePtr k = n->children; k; k = k->next) {
    if (mg_is_m(k, "ins-block") || mg_is_m(k, "del-block")) {
      set_anchor(c, k);
    } else if (is_md_any(k, holders) || is_md(k, "code_block")) {
      xmlNodePtr f = first_mark(k);
      if (f)
        set_anchor(c, f);
    } else if (k->type == XML_ELEMENT_NODE) {
      set_anchors(c, k);
    }
  }
}

static xmlNodePtr body_of(xmlNodePtr section) {
  for (xmlNodePtr c = section ? section->children : NULL; c; c = c->next)
    if (is_md(c, "document"))
      return c;
  return NULL;
}

xmlNodePtr mg_diff_mark_section(xmlNodePtr old_section, xmlNodePtr new_section,
                                xmlDocPtr doc, size_t *marks) {
  if (marks)
    *marks = 0;
  xmlNodePtr nb = body_of(new_section), ob = body_of(old_section);
  if (!nb)
    return NULL;
  mctx c = {doc, NULL, NULL, NULL, NULL, 0};
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (root) {
    c.m = xmlSearchNsByHref(doc, root, BAD_CAST MG_NS);
    c.md = xmlSearchNsByHref(doc, root, BAD_CAST MD_NS);
  }
  c.root = xmlNewDocNode(doc, NULL, BAD_CAST "document", NULL);
  if (!c.md)
    c.md = xmlNewNs(c.root, BAD_CAST MD_NS, BAD_CAST "md");
  if (!c.m)
    c.m = xmlNewNs(c.root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(c.root, c.md);
  xmlChar *sid = xmlGetProp(new_section, BAD_CAST "id");
  c.sid = sid ? (const char *)sid : "";
  if (ob) {
    mark_blocks(&c, ob, nb, c.root);
    set_anchors(&c, c.root);
  } else {
    for (xmlNodePtr k = nb->children; k; k = k->next)
      copy_into(&c, k, c.root, 0);
  }
  if (marks)
    *marks = c.marks;
  xmlFree(sid);
  return c.root;
}

xmlDocPtr mg_diff_mark_manual(xmlDocPtr new_doc, mg_changes *ch) {
  xmlDocPtr copy = xmlCopyDoc(new_doc, 1);
  if (!copy) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  /* the copy's sections, in the order of new_doc's */
  seclist cl = {0};
  xmlHashTablePtr ids = xmlHashCreate(0);
  if (collect_sections(copy, &cl, ids) < 0) {
    xmlHashFree(ids, NULL);
    xmlFreeDoc(copy);
    return NULL;
  }
  for (size_t i = 0; i < ch->n; i++) {
    mg_change *c = &ch->v[i];
    c->marks = 0;
    if (c->new_index >= cl.n)
      continue;
    xmlNodePtr s = cl.sec[c->new_index];
    if (c->kind == MG_SECTION_ADDED) {
      xmlSetProp(s, BAD_CAST "change", BAD_CAST "added");
    } else if (c->kind == MG_SECTION_CHANGED) {
      xmlSetProp(s, BAD_CAST "change", BAD_CAST "changed");
      xmlNodePtr body = body_of(s);
      xmlNodePtr marked =
          mg_diff_mark_section(c->old_section, c->new_section, copy, &c->marks);
      if (body && marked) {
        xmlReplaceNode(body, marked);
        xmlFreeNode(body);
      } else if (marked) {
        xmlFreeNode(marked);
      }
    }
  }
  xmlHashFree(ids, NULL);
  free(cl.sec);
  return copy;
}
