/* splice.c -- render once per shape, splice each hall's values.
 *
 * Most of a hall's resolved manual is the same as other halls': the
 * text, the conditional branches most halls take, the contents, the
 * navigation. What differs is a few strings: the values placeholders
 * printed, the hall's name and id, its contacts and times. So the
 * stylesheets are not run per hall. Instead:
 *
 *   1. holes: the hall's own strings (the values placeholders printed,
 *      m:store's id, names and type, the feedback addresses, everything under
 *      m:hall) are swapped, in the hall's document, for tokens
 *      U+E000 <n> U+E001, n numbering the hall's distinct values in
 *      order of first appearance (the same value, the same token). What
 *      is left is the hall's *shape*: which sections and branches it has,
 *      and which of its values are equal to which;
 *   2. render once: the shape is hashed; the first hall of a shape runs
 *      the site and handbook drivers over its holed document, and each
 *      page is cut at its tokens, noting for each whether the serializer
 *      wrote it as text, in an attribute, or in a URI attribute
 *      (libxml2's HTML serializer percent-escapes href, src, action);
 *   3. splice: every hall of that shape gets the cut pages with its own
 *      values put in, escaped with the libxml2 function the serializer
 *      used in that place. The per-hall step is string assembly.
 *
 * The stylesheets stay the one place that decides markup, and the cut
 * pages are checked, not trusted: a token the stylesheets took apart
 * (substring, translate), one in a comment or a script, a value that
 * would change an attribute's quotes or holds the token characters, any
 * page that is not HTML -- each makes the hall take the reference path
 * (every hall through the stylesheets, `build --no-splice`), which tests
 * compare byte for byte with this one (tests/e2e_splice.py). What a
 * token cannot show is a stylesheet *testing* a holed value against a
 * literal; the holed places are chosen among those the stylesheets only
 * print or compare with each other (equal values share a token, so such
 * comparisons come out as they would), and only non-empty, non-numeric
 * values are holed, so `!= ''` and number() tests see the real thing. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/uri.h>

#include "manualgen.h"

/* The mark resolve.c leaves on the text of a placeholder's value. */
const char mg_placeholder_mark = 'p';

#define TOK_OPEN "\xEE\x80\x80"  /* U+E000 */
#define TOK_CLOSE "\xEE\x80\x81" /* U+E001 */
#define PCT_OPEN "%EE%80%80"
#define PCT_CLOSE "%EE%80%81"
#define BODY_OPEN "\xEE\x80\x82"  /* U+E002: a section's body, in a skeleton */
#define BODY_CLOSE "\xEE\x80\x83" /* U+E003 */

enum { CTX_TEXT, CTX_ATTR, CTX_URI, NCTX };

typedef struct {
  size_t off, len; /* the literal before the hole, in the page's data */
  long hole;       /* the value's number in its region, or -1 */
  long reg;        /* its region: 0 the skeleton, 1 + i section body i */
  long body;       /* a skeleton's slot for section body `body`, or -1 */
  int ctx;
  int uri_start; /* the hole opens a URI attribute's value */
} seg;

typedef struct {
  char *href;
  char *data; /* the page (or a section's body) with its tokens */
  size_t len;
  seg *segs;
  size_t nseg;
} cut_page;

typedef struct {
  int ok; /* 1: cut; 0: it cannot be spliced (use the reference path);
             -1: a thread is rendering it (wait on the splicer's `done`) */
  cut_page *pages;
  size_t npages;
  size_t bytes;
  int busy; /* a skeleton: a thread is rendering bodies for it */
} shape;

struct mg_splicer {
  pthread_mutex_t lock;
  pthread_cond_t done;    /* a shape was rendered */
  xmlHashTablePtr shapes; /* digest -> shape (a whole manual) */
  xmlHashTablePtr skels;  /* digest -> shape (a skeleton: bodies as slots) */
  xmlHashTablePtr frags;  /* digest -> cut_page (a section's body on a page) */
  size_t bytes, cap;
  xmlDocPtr like; /* a document like the drivers' results, for escaping */
  size_t rendered, spliced, fallbacks;
  size_t bodies, made; /* lazy section bodies seen, and made to render */
};

mg_splicer *mg_splicer_new(size_t cap_bytes) {
  mg_splicer *s = mg_xcalloc(1, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->done, NULL);
  s->shapes = xmlHashCreate(64);
  s->skels = xmlHashCreate(64);
  s->frags = xmlHashCreate(256);
  s->cap = cap_bytes;
  /* the drivers' results: XML documents (method xml) in UTF-8, whose
   * non-ASCII characters the serializer writes as they are */
  s->like = xmlNewDoc(BAD_CAST "1.0");
  s->like->encoding = xmlStrdup(BAD_CAST "UTF-8");
  return s;
}

static void free_shape(void *payload, const xmlChar *name) {
  (void)name;
  shape *sh = payload;
  for (size_t i = 0; i < sh->npages; i++) {
    free(sh->pages[i].href);
    free(sh->pages[i].data);
    free(sh->pages[i].segs);
  }
  free(sh->pages);
  free(sh);
}

static void free_frag(void *payload, const xmlChar *name) {
  (void)name;
  cut_page *f = payload;
  free(f->data);
  free(f->segs);
  free(f);
}

void mg_splicer_stats(const mg_splicer *s, size_t *rendered, size_t *spliced,
                      size_t *fallbacks) {
  *rendered = s->rendered;
  *spliced = s->spliced;
  *fallbacks = s->fallbacks;
}

void mg_splicer_bodies(const mg_splicer *s, size_t *made, size_t *bodies) {
  *made = s->made;
  *bodies = s->bodies;
}

void mg_splicer_free(mg_splicer *s) {
  if (!s)
    return;
  xmlHashFree(s->shapes, free_shape);
  xmlHashFree(s->skels, free_shape);
  xmlHashFree(s->frags, free_frag);
  xmlFreeDoc(s->like);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->done);
  free(s);
}

/* ------------------------------------------------------------ holes */

typedef struct {
  xmlChar **slot; /* where the value was: a text node's content */
  xmlChar *orig;
} swap;

/* The values of one region of the document, in order of first
 * appearance there: the skeleton (region 0) or one section's body. A
 * region numbers its own values, so that a body's cut page serves every
 * hall with that body, whatever the rest of its manual holds. */
typedef struct {
  size_t *flat; /* local number -> index in holes.values */
  size_t n, cap;
  char name[24]; /* its number, the second key of holes.index */
} region;

typedef struct {
  const char **values; /* every (region, value), borrowed from the doc */
  size_t n, cap;
  xmlHashTablePtr index; /* (value, region) -> flat index + 1 */
  region *reg;
  size_t nreg;
  xmlNodePtr *bodies; /* the md:document of each m:chapter/m:section */
  size_t nbodies;
  swap *swaps;
  size_t nswaps, swcap;
  int unsafe;   /* a string of the doc holds the token characters */
  mg_lazy *lz;  /* the doc's bodies are lazy (mg_resolve_lazy), or NULL */
  char ctx[33]; /* the templates and parameters (context_of) */
  /* the root's m:l10n: the templates' strings in the manual's language,
   * which the context and the root's lang determine */
  xmlNodePtr l10n;
  /* both drivers declare that they only print m:store/@type and its
   * label (m:prints-store): those are holed too */
  int type_printed;
} holes;

static int has_token_chars(const xmlChar *s) {
  for (const char *p = (const char *)s; p && (p = strchr(p, 0xEE)); p++)
    if (p[1] == '\x80' && (unsigned char)p[2] >= 0x80 &&
        (unsigned char)p[2] <= 0x83)
      return 1;
  return 0;
}

/* Holed: non-empty, not only blanks, not a number (tests may read those). */
static int holeable(const xmlChar *v, int numbers) {
  int blank = 1;
  for (const xmlChar *p = v; *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      blank = 0;
  /* what XPath's number() reads as a number: [blanks] [-] digits [. digits] */
  const char *p = (const char *)v;
  p += strspn(p, " \t\n\r");
  p += *p == '-';
  size_t ip = strspn(p, "0123456789");
  p += ip;
  size_t fp = 0;
  if (*p == '.') {
    fp = strspn(p + 1, "0123456789");
    p += 1 + fp;
  }
  p += strspn(p, " \t\n\r");
  int number = (ip || fp) && !*p;
  return *v && !blank && (numbers || !number);
}

int mg_splice_holeable(const char *v, int numbers) {
  return holeable(BAD_CAST v, numbers);
}

int mg_splice_token_chars(const char *s) { return has_token_chars(BAD_CAST s); }

/* Appends v, a new value, to region r (no index entry: index_region). */
static void append_value(holes *h, const char *v, size_t r) {
  region *g = &h->reg[r];
  if (h->n == h->cap) {
    h->cap = h->cap ? 2 * h->cap : 64;
    h->values = mg_xrealloc(h->values, h->cap * sizeof *h->values);
  }
  h->values[h->n++] = v;
  if (g->n == g->cap) {
    g->cap = g->cap ? 2 * g->cap : 16;
    g->flat = mg_xrealloc(g->flat, g->cap * sizeof *g->flat);
  }
  g->flat[g->n++] = h->n - 1;
}

/* Enters region r's values in the index, for intern to find. */
static void index_region(holes *h, size_t r) {
  region *g = &h->reg[r];
  for (size_t k = 0; k < g->n; k++)
    xmlHashAddEntry2(h->index, BAD_CAST h->values[g->flat[k]], BAD_CAST g->name,
                     (void *)(k + 1));
}

/* The number + 1 of value v in region r, added when new. */
static size_t intern(holes *h, const char *v, size_t r) {
  region *g = &h->reg[r];
  size_t k = (size_t)xmlHashLookup2(h->index, BAD_CAST v, BAD_CAST g->name);
  if (!k) {
    append_value(h, v, r);
    k = g->n; /* local number + 1 */
    xmlHashAddEntry2(h->index, BAD_CAST v, BAD_CAST g->name, (void *)k);
  }
  return k;
}

/* numbers: holed too when any (m:hall, which the HTML drivers never
 * select: its QR modules are a string of digits). r: the region. */
static void hole(holes *h, xmlChar **slot, int numbers, size_t r) {
  xmlChar *v = *slot;
  if (!v || !holeable(v, numbers))
    return;
  if (has_token_chars(v)) {
    h->unsafe = 1;
    return;
  }
  size_t k = intern(h, (const char *)v, r);
  if (h->nswaps == h->swcap) {
    h->swcap = h->swcap ? 2 * h->swcap : 64;
    h->swaps = mg_xrealloc(h->swaps, h->swcap * sizeof *h->swaps);
  }
  h->swaps[h->nswaps++] = (swap){slot, v};
  char tok[64];
  int tl = snprintf(tok, sizeof tok, TOK_OPEN "%zu.%zu" TOK_CLOSE, r, k - 1);
  *slot = xmlStrndup(BAD_CAST tok, tl);
}

static int is_m(xmlNodePtr n) {
  return n->ns && !strcmp((const char *)n->ns->href, MG_NS);
}

static int is_named(xmlNodePtr n, const char *ns, const char *name) {
  return n && n->type == XML_ELEMENT_NODE &&
         !strcmp((const char *)n->name, name) && n->ns &&
         !strcmp((const char *)n->ns->href, ns);
}

/* The attributes of m: elements that are the hall's own strings. */
static int own_attr(const holes *h, xmlNodePtr el, xmlAttrPtr a, int in_hall) {
  const char *an = (const char *)a->name;
  if (in_hall)
    return strcmp(an, "key") && strcmp(an, "kind");
  if (!is_m(el))
    return 0;
  const char *en = (const char *)el->name;
  if (!strcmp(en, "store") && el->parent &&
      el->parent->type == XML_ELEMENT_NODE &&
      !strcmp((const char *)el->parent->name, "manual"))
    return !strcmp(an, "id") || !strcmp(an, "name") || !strcmp(an, "city") ||
           !strcmp(an, "city-name") ||
           (h->type_printed &&
            (!strcmp(an, "type") || !strcmp(an, "type-label")));
  /* a hall's id where the ledger names the hall that gave feedback: a
   * stylesheet compares it with m:store/@id, so both are holed alike */
  if (!strcmp(an, "store"))
    return 1;
  return !strcmp(en, "section") && !strcmp(an, "feedback");
}

static size_t new_region(holes *h) {
  h->reg = mg_xrealloc(h->reg, (h->nreg + 1) * sizeof *h->reg);
  h->reg[h->nreg] = (region){0};
  snprintf(h->reg[h->nreg].name, sizeof h->reg[h->nreg].name, "%zu", h->nreg);
  return h->nreg++;
}

/* A section's body: md:document of m:section of m:chapter. */
static int is_body(xmlNodePtr n) {
  return is_named(n, MD_NS, "document") &&
         is_named(n->parent, MG_NS, "section") &&
         is_named(n->parent->parent, MG_NS, "chapter");
}

static void holeify(holes *h, xmlNodePtr n, int in_hall, size_t r) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE) {
      /* a placeholder's value is only printed (cmark.xsl), numbers too */
      if (n->_private == (void *)&mg_placeholder_mark)
        hole(h, &n->content, 1, r);
      else if (in_hall)
        hole(h, &n->content, 1, r);
      else if (has_token_chars(n->content))
        h->unsafe = 1;
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) {
      if (has_token_chars(n->content))
        h->unsafe = 1;
      continue;
    }
    if (n == h->l10n)
      continue; /* the templates' strings: cut() refuses tokens in them */
    int hall = in_hall || (is_m(n) && !strcmp((const char *)n->name, "hall"));
    size_t rr = r;
    if (is_body(n)) { /* a region of its own */
      rr = new_region(h);
      size_t bi = h->nbodies;
      h->bodies = mg_xrealloc(h->bodies, (h->nbodies + 1) * sizeof *h->bodies);
      h->bodies[h->nbodies++] = n;
      if (h->lz && (bi >= mg_lazy_count(h->lz) || mg_lazy_node(h->lz, bi) != n))
        h->unsafe = 1; /* not a body it traced: cannot be */
      else if (h->lz && !mg_lazy_made(h->lz, bi)) {
        /* its values, as the trace has them; the body itself is empty */
        char **v;
        size_t nv = mg_lazy_values(h->lz, bi, &v);
        for (size_t k = 0; k < nv; k++) /* distinct: no lookup */
          append_value(h, v[k], rr);
        h->unsafe |= mg_lazy_unsafe(h->lz, bi);
      }
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlNodePtr t = a->children;
      int single = t && !t->next && t->type == XML_TEXT_NODE;
      if (single && own_attr(h, n, a, hall))
        hole(h, &t->content, hall, rr);
      else
        for (; t; t = t->next)
          if (has_token_chars(t->content))
            h->unsafe = 1;
    }
    holeify(h, n->children, hall, rr);
  }
}

static void restore(holes *h) {
  for (size_t i = 0; i < h->nswaps; i++) {
    xmlFree(*h->swaps[i].slot);
    *h->swaps[i].slot = h->swaps[i].orig;
  }
  free(h->swaps);
  free(h->values);
  for (size_t r = 0; r < h->nreg; r++)
    free(h->reg[r].flat);
  free(h->reg);
  free(h->bodies);
  xmlHashFree(h->index, NULL);
}

/* The shape: every node of the holed document, in order. The bytes go
 * through a buffer: the hash's own update costs more than a copy for the
 * many short strings of a tree. */
typedef struct {
  mg_digest *d;
  size_t n;
  char buf[16384];
} hbuf;

static void hput(hbuf *b, const void *p, size_t len) {
  if (b->n + len > sizeof b->buf) {
    mg_digest_update(b->d, b->buf, b->n);
    b->n = 0;
    if (len > sizeof b->buf) {
      mg_digest_update(b->d, p, len);
      return;
    }
  }
  memcpy(b->buf + b->n, p, len);
  b->n += len;
}

static void hstr(hbuf *b, const xmlChar *s) {
  hput(b, s, strlen((const char *)s) + 1);
}

static void hash_tree(hbuf *b, xmlNodePtr n) {
  for (; n; n = n->next) {
    unsigned char type = (unsigned char)n->type;
    hput(b, &type, 1);
    if (n->type != XML_ELEMENT_NODE) {
      if (n->name)
        hstr(b, n->name);
      if (n->content)
        hstr(b, n->content);
      continue;
    }
    if (n->ns)
      hstr(b, n->ns->href);
    hstr(b, n->name);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      hput(b, "@", 1);
      if (a->ns)
        hstr(b, a->ns->href);
      hstr(b, a->name);
      for (xmlNodePtr t = a->children; t; t = t->next)
        if (t->content)
          hput(b, t->content, strlen((const char *)t->content));
      hput(b, "", 1);
    }
    hput(b, "(", 1);
    hash_tree(b, n->children);
    hput(b, ")", 1);
  }
}

void mg_digest_tree(mg_digest *d, xmlNodePtr n) {
  hbuf *b = mg_xmalloc(sizeof *b);
  b->d = d;
  b->n = 0;
  hash_tree(b, n);
  mg_digest_update(d, b->buf, b->n);
  free(b);
}

/* -------------------------------------------------------------- cut */

static int lower_eq(const char *p, const char *lit) {
  for (; *lit; p++, lit++)
    if ((*p | 0x20) != *lit)
      return 0;
  return 1;
}

/* The token at p (raw, or percent-escaped when pct): its region *r and
 * number *l, its length *tlen. Returns 1, or 0 when there is none. */
static int token_at(const char *p, const char *end, int pct, size_t *tlen,
                    long *r, long *l) {
  const char *open = pct ? PCT_OPEN : TOK_OPEN;
  const char *close = pct ? PCT_CLOSE : TOK_CLOSE;
  size_t ol = strlen(open), cl = strlen(close);
  if ((size_t)(end - p) < ol || memcmp(p, open, ol))
    return 0;
  const char *q = p + ol;
  long v[2] = {0, 0};
  for (int k = 0; k < 2; k++) {
    int nd = 0;
    while (q < end && *q >= '0' && *q <= '9' && nd < 9) {
      v[k] = v[k] * 10 + (*q++ - '0');
      nd++;
    }
    if (!nd || (k == 0 && (q >= end || *q++ != '.')))
      return 0;
  }
  if ((size_t)(end - q) < cl || memcmp(q, close, cl))
    return 0;
  *tlen = (size_t)(q + cl - p);
  *r = v[0];
  *l = v[1];
  return 1;
}

/* The number of the body slot at p (a skeleton's), or -1. */
static long body_at(const char *p, const char *end, size_t *tlen) {
  if (end - p < 3 || memcmp(p, BODY_OPEN, 3))
    return -1;
  const char *q = p + 3;
  long v = 0;
  int nd = 0;
  while (q < end && *q >= '0' && *q <= '9' && nd < 9) {
    v = v * 10 + (*q++ - '0');
    nd++;
  }
  if (!nd || end - q < 3 || memcmp(q, BODY_CLOSE, 3))
    return -1;
  *tlen = (size_t)(q + 3 - p);
  return v;
}

/* Does p start a token character (raw or escaped), whole or broken? */
static int token_char_at(const char *p, const char *end) {
  if (end - p >= 3 && p[0] == '\xEE' && p[1] == '\x80' &&
      (unsigned char)p[2] >= 0x80 && (unsigned char)p[2] <= 0x83)
    return 1;
  return end - p >= 9 && !memcmp(p, "%EE%80%8", 8) && p[8] >= '0' &&
         p[8] <= '3';
}

typedef struct {
  seg *v;
  size_t n, cap;
  size_t lit; /* where the current literal starts */
} segs;

static void push_seg(segs *s, size_t at, long hole, long reg, long body,
                     int ctx, int uri_start) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 32;
    s->v = mg_xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = (seg){s->lit, at - s->lit, hole, reg, body, ctx, uri_start};
}

/* What a cut may hold: values of the hall's regions (only the skeleton's
 * and region `only`, when only >= 0), and body slots when bodies. */
typedef struct {
  const holes *h;
  long only;
  int bodies;
} cut_rules;

static int value_ok(const cut_rules *c, long r, long l) {
  return r >= 0 && (size_t)r < c->h->nreg && l >= 0 &&
         (size_t)l < c->h->reg[r].n && (c->only < 0 || r == 0 || r == c->only);
}

/* Is attribute name (of element el) one the HTML serializer writes as a
 * URI (libxml2 htmlAttrDumpOutput)? */
static int uri_attr(const char *el, size_t ellen, const char *an, size_t alen) {
  if ((alen == 4 && lower_eq(an, "href")) ||
      (alen == 6 && lower_eq(an, "action")) ||
      (alen == 3 && lower_eq(an, "src")))
    return 1;
  return alen == 4 && lower_eq(an, "name") && ellen == 1 && (*el | 0x20) == 'a';
}

/* Cuts data (HTML as the serializer wrote it: a page, or a piece of one
 * between tags when html is set) at its tokens. Returns 0, or -1 when a
 * token is where it cannot be spliced (broken, in a comment or a script,
 * on a page that is not HTML, or not one c allows). */
static int cut(const char *data, size_t len, int html, const cut_rules *c,
               segs *out) {
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    const char *stop = lt ? lt : end;
    /* text up to the next tag */
    while (p < stop) {
      const char *e = memchr(p, 0xEE, (size_t)(stop - p));
      if (!e)
        break;
      size_t tl;
      long r, l, b;
      if (token_at(e, stop, 0, &tl, &r, &l)) {
        if (!html || !value_ok(c, r, l))
          return -1;
        push_seg(out, (size_t)(e - data), l, r, -1, CTX_TEXT, 0);
      } else if ((b = body_at(e, stop, &tl)) >= 0) {
        if (!html || !c->bodies)
          return -1;
        push_seg(out, (size_t)(e - data), -1, 0, b, CTX_TEXT, 0);
      } else {
        if (token_char_at(e, stop))
          return -1;
        p = e + 1;
        continue;
      }
      out->lit = (size_t)(e - data) + tl;
      p = e + tl;
    }
    /* a percent-escaped token in text is not one the serializer made */
    for (const char *q = p; q + 9 <= stop; q++)
      if (*q == '%' && token_char_at(q, stop))
        return -1;
    p = stop;
    if (p >= end)
      break;
    if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
      const char *cm = memmem(p, (size_t)(end - p), "-->", 3);
      const char *ce = cm ? cm + 3 : end;
      for (const char *q = p; q < ce; q++)
        if (token_char_at(q, ce))
          return -1;
      p = ce;
      continue;
    }
    /* a tag: its name, then its attributes */
    const char *name = ++p;
    int closing = p < end && *p == '/';
    if (closing)
      name = ++p;
    while (p < end && *p != '>' && *p != ' ' && *p != '\t' && *p != '\n' &&
           *p != '/')
      p++;
    size_t namelen = (size_t)(p - name);
    while (p < end && *p != '>') {
      if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '/') {
        p++;
        continue;
      }
      const char *an = p;
      while (p < end && *p != '=' && *p != '>' && *p != ' ' && *p != '\t' &&
             *p != '\n')
        p++;
      size_t alen = (size_t)(p - an);
      if (p >= end || *p != '=')
        continue;
      p++;
      if (p >= end || (*p != '"' && *p != '\''))
        return -1; /* the serializer quotes every value */
      char q = *p++;
      const char *vstart = p;
      const char *vend = memchr(p, q, (size_t)(end - p));
      if (!vend)
        return -1;
      int uri = html && uri_attr(name, namelen, an, alen);
      while (p < vend) {
        size_t tl;
        long r, l;
        if (!token_at(p, vend, uri, &tl, &r, &l)) {
          if (token_char_at(p, vend))
            return -1;
          p++;
          continue;
        }
        if (!html || !value_ok(c, r, l))
          return -1;
        push_seg(out, (size_t)(p - data), l, r, -1, uri ? CTX_URI : CTX_ATTR,
                 uri && p == vstart);
        out->lit = (size_t)(p - data) + tl;
        p += tl;
      }
      p = vend + 1;
    }
    if (p < end)
      p++;
    /* the text of a script or a style is written unescaped */
    if (!closing && ((namelen == 6 && lower_eq(name, "script")) ||
                     (namelen == 5 && lower_eq(name, "style")))) {
      const char *close = NULL;
      for (const char *q = p; q + 2 <= end && !close; q++)
        if (q[0] == '<' && q[1] == '/' && (size_t)(end - q) > namelen + 2 &&
            lower_eq(q + 2, namelen == 6 ? "script" : "style"))
          close = q;
      const char *ce = close ? close : end;
      for (const char *q = p; q < ce; q++)
        if (token_char_at(q, ce))
          return -1;
      p = ce;
    }
  }
  push_seg(out, len, -1, 0, -1, CTX_TEXT, 0);
  return 0;
}

static int is_html_page(const char *data, size_t len) {
  static const char doctype[] = "<!DOCTYPE html>\n";
  return len >= sizeof doctype - 1 &&
         !memcmp(data, doctype, sizeof doctype - 1);
}

/* The pages both drivers make of doc, uncut (appended to pages).
 * Returns 0, or -1 after reporting a failed transformation. */
static int run_drivers(const mg_templates *tpl, xmlDocPtr doc,
                       const char **hparams, mg_pages *pages,
                       const char *what) {
  int rc = mg_transform(tpl->site, doc, NULL, pages, what);
  if (!rc)
    rc = mg_transform(tpl->handbook, doc, hparams, pages, what);
  return rc;
}

/* Renders the holed doc with the site and handbook drivers and cuts its
 * pages by rules c: a new shape (ok = 0 when it cannot be spliced).
 * Returns NULL after reporting a failed transformation. */
static shape *render(const mg_templates *tpl, xmlDocPtr doc,
                     const char **hparams, const cut_rules *c,
                     const char *what) {
  mg_pages pages = {0};
  if (run_drivers(tpl, doc, hparams, &pages, what)) {
    mg_pages_free(&pages);
    return NULL;
  }
  shape *sh = mg_xcalloc(1, sizeof *sh);
  sh->ok = 1;
  sh->pages = mg_xcalloc(pages.n ? pages.n : 1, sizeof *sh->pages);
  sh->npages = pages.n;
  for (size_t i = 0; i < pages.n; i++) {
    cut_page *cp = &sh->pages[i];
    cp->href = pages.v[i].href;
    cp->data = pages.v[i].data;
    cp->len = pages.v[i].len;
    pages.v[i].href = pages.v[i].data = NULL;
    segs sg = {0};
    if (sh->ok &&
        cut(cp->data, cp->len, is_html_page(cp->data, cp->len), c, &sg) != 0)
      sh->ok = 0;
    cp->segs = sg.v;
    cp->nseg = sg.n;
    sh->bytes += cp->len + sg.n * sizeof(seg) + strlen(cp->href);
  }
  mg_pages_free(&pages);
  return sh;
}

/* ----------------------------------------------------------- splice */

/* Whether v is written as it is in ctx: printable ASCII that neither the
 * entity escaping of text or attributes (<, >, &, quotes) nor
 * xmlURIEscapeStr (all but its unreserved characters and "@" and the
 * list escaped() gives it) would change. Most of a hall's URIs are. */
static int plain(const char *v, int ctx) {
  for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
    unsigned char c = *p;
    if (c < 0x20 || c > 0x7E || c == '<' || c == '>' || c == '&' || c == '"' ||
        c == '\'')
      return 0;
    if (ctx == CTX_URI && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || strchr("-_.!~*()", c) ||
                            strchr("@/:=?;#%,+", c)))
      return 0;
  }
  return *v != '\0';
}

/* Value k escaped for ctx, as the serializer would have written it (NULL:
 * it cannot be: the attribute's quotes or a URI's leading blanks would
 * change). Memoized in esc[ctx][k]; caller frees the table. */
static const char *escaped(mg_splicer *s, const holes *h, char **esc[NCTX],
                           long k, int ctx, int uri_start) {
  const char *v = h->values[k];
  if (ctx != CTX_TEXT && (strchr(v, '"') || strchr(v, '\'')))
    return NULL;
  if (uri_start && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
    return NULL;
  if (!esc[ctx][k] && plain(v, ctx)) /* as it is, in any place */
    esc[ctx][k] = mg_xstrdup(v);
  if (!esc[ctx][k]) {
    xmlChar *e;
    if (ctx == CTX_TEXT) {
      e = xmlEncodeEntitiesReentrant(s->like, BAD_CAST v);
    } else { /* what htmlAttrDumpOutput asks of an attribute's value */
      xmlAttrPtr a = xmlNewProp(NULL, BAD_CAST "v", BAD_CAST v);
      e = xmlNodeListGetString(s->like, a->children, 0);
      xmlFreeProp(a);
    }
    if (ctx == CTX_URI) {
      xmlChar *u = xmlURIEscapeStr(e, BAD_CAST "@/:=?;#%&,+<>");
      xmlFree(e);
      e = u;
    }
    esc[ctx][k] = mg_xstrdup(e ? (const char *)e : "");
    xmlFree(e);
  }
  return esc[ctx][k];
}

/* Appends data cut into sg, with the hall's values put in, to b; a body
 * slot takes the section's body from byb (its cut page on this page).
 * Returns 0, or 1 when a value cannot be put in. */
static int put_segs(mg_splicer *s, const holes *h, char **esc[NCTX],
                    const cut_page *cp, const cut_page *const *byb, mg_buf *b) {
  for (size_t j = 0; j < cp->nseg; j++) {
    const seg *g = &cp->segs[j];
    mg_buf_put(b, cp->data + g->off, g->len);
    if (g->body >= 0) {
      if (!byb || (size_t)g->body >= h->nbodies || !byb[g->body] ||
          put_segs(s, h, esc, byb[g->body], NULL, b))
        return 1;
    } else if (g->hole >= 0) {
      size_t k = h->reg[g->reg].flat[g->hole];
      const char *v = escaped(s, h, esc, (long)k, g->ctx, g->uri_start);
      if (!v)
        return 1;
      mg_buf_puts(b, v);
    }
  }
  return 0;
}

/* The hall's pages: sh's, its values (and, for a skeleton, the bodies of
 * byb[page]) put in. Returns 0, or 1 when a value cannot be put in (out
 * untouched). */
static int splice(mg_splicer *s, const shape *sh, const cut_page *const *byb,
                  const holes *h, mg_pages *out) {
  char **esc[NCTX];
  for (int c = 0; c < NCTX; c++)
    esc[c] = mg_xcalloc(h->n ? h->n : 1, sizeof **esc);
  mg_page *pv = mg_xcalloc(sh->npages ? sh->npages : 1, sizeof *pv);
  int rc = 0;
  for (size_t i = 0; i < sh->npages && !rc; i++) {
    mg_buf b = {0};
    /* room for the page: its text, its bodies', a little for values */
    const cut_page *cp = &sh->pages[i];
    size_t room = cp->len + 64 * cp->nseg;
    for (size_t j = 0; byb && j < cp->nseg; j++) {
      long k = cp->segs[j].body;
      const cut_page *f = k >= 0 && (size_t)k < h->nbodies
                              ? byb[i * h->nbodies + (size_t)k]
                              : NULL;
      room += f ? f->len + 64 * f->nseg : 0;
    }
    mg_buf_reserve(&b, room);
    rc = put_segs(s, h, esc, cp, byb ? byb + i * h->nbodies : NULL, &b);
    pv[i].href = mg_xstrdup(sh->pages[i].href);
    pv[i].len = b.len;
    pv[i].data = b.data ? b.data : mg_xstrdup("");
  }
  for (int c = 0; c < NCTX; c++) {
    for (size_t k = 0; k < h->n; k++)
      free(esc[c][k]);
    free(esc[c]);
  }
  if (rc) {
    for (size_t i = 0; i < sh->npages; i++) {
      free(pv[i].href);
      free(pv[i].data);
    }
    free(pv);
    return 1;
  }
  out->v = mg_xrealloc(out->v, (out->n + sh->npages) * sizeof *out->v);
  memcpy(out->v + out->n, pv, sh->npages * sizeof *pv);
  out->n += sh->npages;
  free(pv);
  return 0;
}

/* What every key of a hall's pages starts with: the templates and the
 * drivers' parameters (the CSS among them), digested once a hall. */
static void context_of(char ctx[33], const mg_templates *tpl,
                       const char **hparams) {
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, tpl->digest, sizeof tpl->digest);
  for (const char **p = hparams; p && *p; p++)
    mg_digest_update(d, *p, strlen(*p) + 1);
  mg_digest_finish(d, ctx);
}

/* The digest of what follows (a tree, or a short string), for a cache's
 * key. */
static void key_of(char key[33], const char *ctx, const char *kind,
                   xmlNodePtr tree, const char *str) {
  size_t kl = strlen(kind) + 1, sl = str ? strlen(str) + 1 : 0;
  char b[256];
  if (!tree && kl + 32 + sl <= sizeof b) {
    memcpy(b, kind, kl);
    memcpy(b + kl, ctx, 32);
    memcpy(b + kl + 32, str, sl);
    mg_hash_hex(b, kl + 32 + sl, key);
    return;
  }
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, kind, kl);
  mg_digest_update(d, ctx, 32);
  if (tree)
    mg_digest_tree(d, tree);
  if (str)
    mg_digest_update(d, str, sl);
  mg_digest_finish(d, key);
}

/* Makes lazy body b, unless it is made, and holes it. Returns h->unsafe:
 * 1 when the hall cannot be spliced. */
static int make_body(holes *h, size_t b) {
  if (!h->lz || mg_lazy_made(h->lz, b))
    return h->unsafe;
  size_t traced = h->reg[b + 1].n;
  mg_lazy_make(h->lz, b);
  index_region(h, b + 1);
  holeify(h, h->bodies[b]->children, 0, b + 1);
  if (h->reg[b + 1].n != traced)
    h->unsafe = 1; /* a value its trace did not have: cannot be */
  return h->unsafe;
}

static int make_bodies(holes *h) {
  for (size_t b = 0; b < h->nbodies; b++)
    if (make_body(h, b))
      return 1;
  return 0;
}

/* One thread renders an entry of table; the others of it wait. Returns
 * the entry under key once rendered; or NULL, with *mine the empty entry
 * (ok -1) this thread is to fill with fill(), or NULL when the cache is
 * full (then it renders for itself alone). */
static shape *claim(mg_splicer *s, xmlHashTablePtr table, const char *key,
                    shape **mine) {
  pthread_mutex_lock(&s->lock);
  shape *sh = xmlHashLookup(table, BAD_CAST key);
  *mine = NULL;
  if (!sh && s->bytes < s->cap) {
    *mine = mg_xcalloc(1, sizeof **mine);
    (*mine)->ok = -1;
    if (xmlHashAddEntry(table, BAD_CAST key, *mine) != 0) {
      free(*mine);
      *mine = NULL;
    }
  }
  while (sh && sh->ok < 0)
    pthread_cond_wait(&s->done, &s->lock);
  pthread_mutex_unlock(&s->lock);
  return sh;
}

/* Fills the claimed entry mine with made (freed), or marks it unusable
 * (ok 0: the others take another path) when made is NULL; wakes the
 * threads waiting for it. */
static void fill(mg_splicer *s, shape *mine, shape *made) {
  pthread_mutex_lock(&s->lock);
  if (made) {
    *mine = *made; /* ok is 0 or 1 now */
    s->bytes += made->bytes;
    free(made);
  } else {
    mine->ok = 0;
  }
  pthread_cond_broadcast(&s->done);
  pthread_mutex_unlock(&s->lock);
}

/* A whole manual's shape, rendered once (one thread renders it; the
 * others of that shape wait). Returns 0, 1 (the reference path), -1. */
static int by_shape(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                    const char **hparams, const holes *h, mg_pages *out,
                    const char *what) {
  char key[33];
  key_of(key, h->ctx, "shape", xmlDocGetRootElement(doc), NULL);
  shape *mine;
  shape *sh = claim(s, s->shapes, key, &mine);
  shape *own = NULL; /* rendered for this hall alone (the cache is full) */
  if (!sh) {
    cut_rules any = {h, -1, 0};
    shape *made = render(tpl, doc, hparams, &any, what);
    if (made)
      __atomic_add_fetch(&s->rendered, 1, __ATOMIC_RELAXED);
    int failed = !made;
    if (mine) {
      fill(s, mine, made); /* on failure the others take the reference path */
      sh = mine;
    } else {
      sh = own = made;
    }
    if (failed)
      return -1;
  }
  int rc = sh->ok ? splice(s, sh, NULL, h, out) : 1;
  if (own)
    free_shape(own, NULL);
  return rc;
}

/* Cuts full (what the drivers make of the whole manual) along sk (what
 * they make of its skeleton, page for page): sk is literal text and body
 * slots, so full must be the same text with each section's body in its
 * slot. Stores each body's piece, cut, under its key (fkey). Returns 0,
 * or -1 when full does not read so (then nothing is stored). */
static int extract(mg_splicer *s, const holes *h, const cut_page *sk,
                   const char *full, size_t flen, char (*fkeys)[33]) {
  /* the skeleton's pieces of text around its slots */
  size_t nslot = 0;
  for (size_t j = 0; j < sk->nseg; j++)
    nslot += sk->segs[j].body >= 0;
  if (!nslot)
    return sk->len == flen && !memcmp(sk->data, full, flen) ? 0 : -1;
  size_t *poff = mg_xcalloc(nslot + 1, sizeof *poff);
  size_t *plen = mg_xcalloc(nslot + 1, sizeof *plen);
  long *body = mg_xcalloc(nslot, sizeof *body);
  size_t k = 0, start = 0;
  for (size_t j = 0; j < sk->nseg; j++) {
    const seg *g = &sk->segs[j];
    if (g->body < 0)
      continue;
    poff[k] = start;
    plen[k] = g->off + g->len - start;
    body[k] = g->body;
    start = j + 1 < sk->nseg ? sk->segs[j + 1].off : sk->len;
    k++;
  }
  poff[nslot] = start;
  plen[nslot] = sk->len - start;
  /* the same pieces in full, the bodies between them */
  size_t *foff = mg_xcalloc(nslot, sizeof *foff);
  size_t *flen2 = mg_xcalloc(nslot, sizeof *flen2);
  int rc = plen[0] <= flen && !memcmp(full, sk->data, plen[0]) ? 0 : -1;
  size_t pos = plen[0];
  for (size_t i = 1; i <= nslot && !rc; i++) {
    const char *piece = sk->data + poff[i];
    const char *at;
    if (i == nslot) { /* the last piece ends the page */
      at = flen >= plen[i] && flen - plen[i] >= pos &&
                   !memcmp(full + flen - plen[i], piece, plen[i])
               ? full + flen - plen[i]
               : NULL;
    } else { /* a short piece could be found inside a body */
      at =
          plen[i] >= 16 ? memmem(full + pos, flen - pos, piece, plen[i]) : NULL;
    }
    if (!at) {
      rc = -1;
      break;
    }
    foff[i - 1] = pos;
    flen2[i - 1] = (size_t)(at - full) - pos;
    pos = (size_t)(at - full) + plen[i];
  }
  /* each body, cut: its own values and the skeleton's only; a body left
   * a slot in full (known already) is its slot again */
  cut_page **made = mg_xcalloc(nslot, sizeof *made);
  for (size_t i = 0; i < nslot && !rc; i++) {
    size_t tl;
    if (body_at(full + foff[i], full + foff[i] + flen2[i], &tl) == body[i] &&
        tl == flen2[i])
      continue;
    cut_page *f = mg_xcalloc(1, sizeof *f);
    f->len = flen2[i];
    f->data = mg_xstrndup(full + foff[i], f->len);
    segs sg = {0};
    cut_rules one = {h, body[i] + 1, 0};
    if (cut(f->data, f->len, 1, &one, &sg) != 0)
      rc = -1;
    f->segs = sg.v;
    f->nseg = sg.n;
    made[i] = f;
  }
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < nslot; i++) {
    if (!made[i])
      continue;
    const char *key = fkeys[body[i]];
    if (!rc && !xmlHashLookup(s->frags, BAD_CAST key) && s->bytes < s->cap &&
        xmlHashAddEntry(s->frags, BAD_CAST key, made[i]) == 0) {
      s->bytes += made[i]->len + made[i]->nseg * sizeof(seg);
      made[i] = NULL;
    }
  }
  pthread_mutex_unlock(&s->lock);
  for (size_t i = 0; i < nslot; i++)
    if (made[i])
      free_frag(made[i], NULL);
  free(made);
  free(foff);
  free(flen2);
  free(poff);
  free(plen);
  free(body);
  return rc;
}

/* The key of section body i as page href shows it: the skeleton's key,
 * the slot, the body's own holed tree, the page. */
static void frag_key(char out[33], const char *skel, size_t i, const char *body,
                     const char *href) {
  char b[32 + sizeof i + 32 + 256];
  size_t hl = strlen(href);
  if (hl >= 256) { /* never so long: cut pages are named by the drivers */
    mg_digest *d = mg_digest_new();
    mg_digest_update(d, skel, 32);
    mg_digest_update(d, &i, sizeof i);
    mg_digest_update(d, body, 32);
    mg_digest_update(d, href, hl + 1);
    mg_digest_finish(d, out);
    return;
  }
  memcpy(b, skel, 32);
  memcpy(b + 32, &i, sizeof i);
  memcpy(b + 32 + sizeof i, body, 32);
  memcpy(b + 64 + sizeof i, href, hl + 1);
  mg_hash_hex(b, 64 + sizeof i + hl + 1, out);
}

/* Puts a slot (a md:text of BODY_OPEN i BODY_CLOSE) in place of the
 * children of each section body i that real[i] does not keep (real NULL:
 * every body), keeping the children in first/last for unslot. */
static void slot(const holes *h, xmlDocPtr doc, const unsigned char *real,
                 xmlNodePtr *first, xmlNodePtr *last) {
  for (size_t i = 0; i < h->nbodies; i++) {
    first[i] = last[i] = NULL;
    if (real && real[i])
      continue;
    xmlNodePtr b = h->bodies[i];
    first[i] = b->children;
    last[i] = b->last;
    char *tok = mg_xasprintf(BODY_OPEN "%zu" BODY_CLOSE, i);
    xmlNodePtr t = xmlNewDocNode(doc, b->ns, BAD_CAST "text", NULL);
    xmlAddChild(t, xmlNewDocText(doc, BAD_CAST tok));
    free(tok);
    t->parent = b;
    b->children = b->last = t;
    first[i] = first[i] ? first[i] : t; /* marks "slotted" */
    if (first[i] == t)
      last[i] = NULL;
  }
}

static void unslot(const holes *h, xmlNodePtr *first, xmlNodePtr *last) {
  for (size_t i = 0; i < h->nbodies; i++) {
    xmlNodePtr b = h->bodies[i];
    if (!first[i])
      continue;
    xmlNodePtr t = b->children;
    int empty = first[i] == t;
    b->children = empty ? NULL : first[i];
    b->last = empty ? NULL : last[i];
    t->parent = NULL;
    xmlFreeNode(t);
  }
}

/* Section by section: the manual's skeleton (every section's body a
 * slot) is rendered once per skeleton shape, and each section's body
 * once per variant and page, cut out of a rendering of a whole manual
 * that has it. A hall whose skeleton and bodies are all known is spliced
 * without running the drivers, whatever the combination of its
 * branches. Returns 0, 1 (not possible: use by_shape), or -1. */
static int by_sections(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                       const char **hparams, holes *h, mg_pages *out,
                       const char *what) {
  size_t nb = h->nbodies;
  char(*bkey)[33] = mg_xcalloc(nb, sizeof *bkey);
  for (size_t i = 0; i < nb; i++)
    if (h->lz) /* what its trace says */
      key_of(bkey[i], h->ctx, "traced body", NULL, mg_lazy_key(h->lz, i));
    else
      key_of(bkey[i], h->ctx, "body", h->bodies[i]->children, NULL);
  /* the skeleton: each body a slot */
  xmlNodePtr *first = mg_xcalloc(nb, sizeof *first);
  xmlNodePtr *last = mg_xcalloc(nb, sizeof *last);
  slot(h, doc, NULL, first, last);
  char skey[33];
  /* the strings of the templates, the same in every hall of the
   * templates and the root's language, are not hashed again */
  xmlNodePtr l10n_at = h->l10n ? h->l10n->prev : NULL;
  xmlNodePtr l10n_parent = h->l10n ? h->l10n->parent : NULL;
  if (h->l10n)
    xmlUnlinkNode(h->l10n);
  key_of(skey, h->ctx, "skeleton", xmlDocGetRootElement(doc), NULL);
  if (h->l10n && l10n_at)
    xmlAddNextSibling(l10n_at, h->l10n);
  else if (h->l10n && l10n_parent->children)
    xmlAddPrevSibling(l10n_parent->children, h->l10n);
  else if (h->l10n)
    xmlAddChild(l10n_parent, h->l10n);
  shape *mine;
  shape *sk = claim(s, s->skels, skey, &mine);
  int rc = 0;
  if (!sk && !mine) {
    rc = 1; /* the cache is full: this hall goes by its whole shape */
  } else if (!sk) {
    cut_rules skel = {h, 0, 1};
    shape *made = render(tpl, doc, hparams, &skel, what);
    rc = made ? 0 : -1;
    fill(s, mine, made);
    sk = mine;
  }
  unslot(h, first, last); /* the bodies back */
  if (rc || !sk->ok) {
    free(first);
    free(last);
    free(bkey);
    return rc ? rc : 1;
  }
  /* each page's bodies: known, or cut out of a rendering of this manual */
  size_t np = sk->npages;
  for (size_t p = 0; p < np; p++)
    for (size_t j = 0; j < sk->pages[p].nseg; j++)
      if (sk->pages[p].segs[j].body >= (long)nb) { /* not a slot of ours */
        free(first);
        free(last);
        free(bkey);
        return 1;
      }
  const cut_page **byb = mg_xcalloc(np * nb + 1, sizeof *byb);
  char(*fkeys)[33] = mg_xcalloc(np * nb + 1, sizeof *fkeys);
  int missing = 0;
  pthread_mutex_lock(&s->lock);
  /* one thread at a time renders bodies of a skeleton: the next finds
   * what it made */
  while (sk->busy)
    pthread_cond_wait(&s->done, &s->lock);
  for (size_t p = 0; p < np; p++)
    for (size_t j = 0; j < sk->pages[p].nseg; j++) {
      long b = sk->pages[p].segs[j].body;
      if (b < 0)
        continue;
      char *fk = fkeys[p * nb + (size_t)b];
      frag_key(fk, skey, (size_t)b, bkey[b], sk->pages[p].href);
      byb[p * nb + (size_t)b] = xmlHashLookup(s->frags, BAD_CAST fk);
      missing |= !byb[p * nb + (size_t)b];
    }
  if (missing)
    sk->busy = 1;
  pthread_mutex_unlock(&s->lock);
  if (missing) {
    /* the bodies not known yet, rendered in the skeleton: the others stay
     * slots, so this costs the skeleton and those bodies */
    unsigned char *real = mg_xcalloc(nb + 1, 1);
    for (size_t q = 0; q < np * nb; q++)
      if (fkeys[q][0] && !byb[q])
        real[q % nb] = 1;
    for (size_t b = 0; b < nb; b++)
      if (real[b] && make_body(h, b)) {
        free(real);
        pthread_mutex_lock(&s->lock);
        sk->busy = 0;
        pthread_cond_broadcast(&s->done);
        pthread_mutex_unlock(&s->lock);
        free(byb);
        free(fkeys);
        free(bkey);
        free(first);
        free(last);
        return 1;
      }
    slot(h, doc, real, first, last);
    mg_pages full = {0};
    int failed = run_drivers(tpl, doc, hparams, &full, what);
    unslot(h, first, last);
    free(real);
    if (failed) {
      rc = -1;
    } else {
      __atomic_add_fetch(&s->rendered, 1, __ATOMIC_RELAXED);
      rc = full.n == np ? 0 : 1;
      for (size_t p = 0; p < np && !rc; p++)
        if (strcmp(full.v[p].href, sk->pages[p].href) ||
            extract(s, h, &sk->pages[p], full.v[p].data, full.v[p].len,
                    fkeys + p * nb))
          rc = 1;
    }
    mg_pages_free(&full);
    pthread_mutex_lock(&s->lock);
    sk->busy = 0;
    pthread_cond_broadcast(&s->done);
    for (size_t p = 0; p < np && !rc; p++)
      for (size_t b = 0; b < nb; b++)
        if (fkeys[p * nb + b][0] && !byb[p * nb + b] &&
            !(byb[p * nb + b] =
                  xmlHashLookup(s->frags, BAD_CAST fkeys[p * nb + b])))
          rc = 1; /* the cache is full */
    pthread_mutex_unlock(&s->lock);
  }
  if (!rc)
    rc = splice(s, sk, byb, h, out);
  free(byb);
  free(fkeys);
  free(bkey);
  free(first);
  free(last);
  return rc;
}

int mg_splice_lazy(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                   mg_lazy *lz, const char **hparams, mg_pages *out,
                   const char *what) {
  holes h = {0};
  h.index = xmlHashCreate(64);
  h.lz = lz;
  context_of(h.ctx, tpl, hparams);
  h.type_printed = tpl->prints_type;
  for (xmlNodePtr k = xmlDocGetRootElement(doc)->children; k; k = k->next)
    if (is_named(k, MG_NS, "l10n"))
      h.l10n = k;
  new_region(&h); /* 0: the skeleton */
  holeify(&h, xmlDocGetRootElement(doc), 0, 0);
  if (lz && h.nbodies != mg_lazy_count(lz))
    h.unsafe = 1;
  int rc = 1;
  if (!h.unsafe) {
    rc = h.nbodies ? by_sections(s, tpl, doc, hparams, &h, out, what) : 1;
    if (rc == 1 && !make_bodies(&h))
      rc = by_shape(s, tpl, doc, hparams, &h, out, what);
  }
  restore(&h);
  size_t made = 0;
  for (size_t i = 0; lz && i < mg_lazy_count(lz); i++)
    made += (size_t)mg_lazy_made(lz, i);
  __atomic_add_fetch(&s->made, made, __ATOMIC_RELAXED);
  __atomic_add_fetch(&s->bodies, lz ? mg_lazy_count(lz) : 0, __ATOMIC_RELAXED);
  if (rc)
    __atomic_add_fetch(&s->fallbacks, rc == 1, __ATOMIC_RELAXED);
  else
    __atomic_add_fetch(&s->spliced, 1, __ATOMIC_RELAXED);
  return rc;
}

int mg_splice_pages(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                    const char **hparams, mg_pages *out, const char *what) {
  return mg_splice_lazy(s, tpl, doc, NULL, hparams, out, what);
}
