/* splice.c -- render once per shape, splice each hall's values.
 *
 * Most of a hall's resolved manual is the same as other halls': the
 * text, the conditional branches most halls take, the contents, the
 * navigation. What differs is a few strings: the values placeholders
 * printed, the hall's name and id, its contacts and times. So the
 * stylesheets are not run per hall. Instead:
 *
 *   1. holes: the hall's own strings (the values placeholders printed,
 *      m:store's id and names, the feedback addresses, everything under
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

enum { CTX_TEXT, CTX_ATTR, CTX_URI, NCTX };

typedef struct {
  size_t off, len; /* the literal before the hole, in the page's data */
  long hole;       /* the value's number, or -1 after the last literal */
  int ctx;
  int uri_start; /* the hole opens a URI attribute's value */
} seg;

typedef struct {
  char *href;
  char *data; /* the page with its tokens */
  seg *segs;
  size_t nseg;
} cut_page;

typedef struct {
  int ok; /* 1: cut; 0: it cannot be spliced (use the reference path);
             -1: a thread is rendering it (wait on the splicer's `done`) */
  cut_page *pages;
  size_t npages;
  size_t bytes;
} shape;

struct mg_splicer {
  pthread_mutex_t lock;
  pthread_cond_t done;    /* a shape was rendered */
  xmlHashTablePtr shapes; /* digest -> shape */
  size_t bytes, cap;
  xmlDocPtr like; /* a document like the drivers' results, for escaping */
  size_t rendered, spliced, fallbacks;
};

mg_splicer *mg_splicer_new(size_t cap_bytes) {
  mg_splicer *s = mg_xcalloc(1, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->done, NULL);
  s->shapes = xmlHashCreate(64);
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

void mg_splicer_stats(const mg_splicer *s, size_t *rendered, size_t *spliced,
                      size_t *fallbacks) {
  *rendered = s->rendered;
  *spliced = s->spliced;
  *fallbacks = s->fallbacks;
}

void mg_splicer_free(mg_splicer *s) {
  if (!s)
    return;
  xmlHashFree(s->shapes, free_shape);
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

typedef struct {
  const char **values; /* the distinct values, borrowed from the doc */
  size_t n, cap;
  xmlHashTablePtr index; /* value -> number + 1 */
  swap *swaps;
  size_t nswaps, swcap;
  int unsafe; /* a string of the doc holds the token characters */
} holes;

static int has_token_chars(const xmlChar *s) {
  for (const char *p = (const char *)s; p && (p = strchr(p, 0xEE)); p++)
    if (p[1] == '\x80' && (p[2] == '\x80' || p[2] == '\x81'))
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

/* numbers: holed too when any (m:hall, which the HTML drivers never
 * select: its QR modules are a string of digits) */
static void hole(holes *h, xmlChar **slot, int numbers) {
  xmlChar *v = *slot;
  if (!v || !holeable(v, numbers))
    return;
  if (has_token_chars(v)) {
    h->unsafe = 1;
    return;
  }
  size_t k = (size_t)xmlHashLookup(h->index, v);
  if (!k) {
    if (h->n == h->cap) {
      h->cap = h->cap ? 2 * h->cap : 64;
      h->values = mg_xrealloc(h->values, h->cap * sizeof *h->values);
    }
    h->values[h->n++] = (const char *)v;
    k = h->n;
    xmlHashAddEntry(h->index, v, (void *)k);
  }
  if (h->nswaps == h->swcap) {
    h->swcap = h->swcap ? 2 * h->swcap : 64;
    h->swaps = mg_xrealloc(h->swaps, h->swcap * sizeof *h->swaps);
  }
  h->swaps[h->nswaps++] = (swap){slot, v};
  char *tok = mg_xasprintf(TOK_OPEN "%zu" TOK_CLOSE, k - 1);
  *slot = xmlStrdup(BAD_CAST tok);
  free(tok);
}

static int is_m(xmlNodePtr n) {
  return n->ns && !strcmp((const char *)n->ns->href, MG_NS);
}

/* The attributes of m: elements that are the hall's own strings. */
static int own_attr(xmlNodePtr el, xmlAttrPtr a, int in_hall) {
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
           !strcmp(an, "city-name");
  /* a hall's id where the ledger names the hall that gave feedback: a
   * stylesheet compares it with m:store/@id, so both are holed alike */
  if (!strcmp(an, "store"))
    return 1;
  return !strcmp(en, "section") && !strcmp(an, "feedback");
}

static void holeify(holes *h, xmlNodePtr n, int in_hall) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE) {
      /* a placeholder's value is only printed (cmark.xsl), numbers too */
      if (n->_private == (void *)&mg_placeholder_mark)
        hole(h, &n->content, 1);
      else if (in_hall)
        hole(h, &n->content, 1);
      else if (has_token_chars(n->content))
        h->unsafe = 1;
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) {
      if (has_token_chars(n->content))
        h->unsafe = 1;
      continue;
    }
    int hall = in_hall || (is_m(n) && !strcmp((const char *)n->name, "hall"));
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlNodePtr t = a->children;
      int single = t && !t->next && t->type == XML_TEXT_NODE;
      if (single && own_attr(n, a, hall))
        hole(h, &t->content, hall);
      else
        for (; t; t = t->next)
          if (has_token_chars(t->content))
            h->unsafe = 1;
    }
    holeify(h, n->children, hall);
  }
}

static void restore(holes *h) {
  for (size_t i = 0; i < h->nswaps; i++) {
    xmlFree(*h->swaps[i].slot);
    *h->swaps[i].slot = h->swaps[i].orig;
  }
  free(h->swaps);
  free(h->values);
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

/* The number of the token at p (raw or percent-escaped form; *tlen: its
 * length), or -1 when there is none at p. */
static long token_at(const char *p, const char *end, int pct, size_t *tlen) {
  const char *open = pct ? PCT_OPEN : TOK_OPEN;
  const char *close = pct ? PCT_CLOSE : TOK_CLOSE;
  size_t ol = strlen(open), cl = strlen(close);
  if ((size_t)(end - p) < ol || memcmp(p, open, ol))
    return -1;
  const char *q = p + ol;
  long v = 0;
  int nd = 0;
  while (q < end && *q >= '0' && *q <= '9' && nd < 9) {
    v = v * 10 + (*q++ - '0');
    nd++;
  }
  if (!nd || (size_t)(end - q) < cl || memcmp(q, close, cl))
    return -1;
  *tlen = (size_t)(q + cl - p);
  return v;
}

/* Does p start a token character (raw or escaped), whole or broken? */
static int token_char_at(const char *p, const char *end) {
  if (end - p >= 3 && p[0] == '\xEE' && p[1] == '\x80' &&
      (p[2] == '\x80' || p[2] == '\x81'))
    return 1;
  return end - p >= 9 && (!memcmp(p, PCT_OPEN, 9) || !memcmp(p, PCT_CLOSE, 9));
}

typedef struct {
  seg *v;
  size_t n, cap;
  size_t lit; /* where the current literal starts */
} segs;

static void push_seg(segs *s, size_t at, long hole, int ctx, int uri_start) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 32;
    s->v = mg_xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = (seg){s->lit, at - s->lit, hole, ctx, uri_start};
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

/* Cuts page data (HTML as the serializer wrote it) at its tokens. Returns
 * 0, or -1 when a token is where it cannot be spliced (broken, in a
 * comment or a script, or nvalues or more). */
static int cut(const char *data, size_t len, size_t nvalues, segs *out) {
  const char *p = data, *end = data + len;
  static const char doctype[] = "<!DOCTYPE html>\n";
  int html =
      len >= sizeof doctype - 1 && !memcmp(data, doctype, sizeof doctype - 1);
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    const char *stop = lt ? lt : end;
    /* text up to the next tag */
    while (p < stop) {
      const char *e = memchr(p, 0xEE, (size_t)(stop - p));
      if (!e)
        break;
      size_t tl;
      long k = token_at(e, stop, 0, &tl);
      if (k < 0) {
        if (token_char_at(e, stop))
          return -1;
        p = e + 1;
        continue;
      }
      if (!html || (size_t)k >= nvalues)
        return -1;
      push_seg(out, (size_t)(e - data), k, CTX_TEXT, 0);
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
      const char *c = memmem(p, (size_t)(end - p), "-->", 3);
      const char *ce = c ? c + 3 : end;
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
        long k = token_at(p, vend, uri, &tl);
        if (k < 0) {
          if (token_char_at(p, vend))
            return -1;
          p++;
          continue;
        }
        if (!html || (size_t)k >= nvalues)
          return -1;
        push_seg(out, (size_t)(p - data), k, uri ? CTX_URI : CTX_ATTR,
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
  push_seg(out, len, -1, CTX_TEXT, 0);
  return 0;
}

/* Renders the holed doc with the site and handbook drivers and cuts its
 * pages: a new shape (ok = 0 when it cannot be spliced). Returns NULL
 * after reporting a failed transformation. */
static shape *render(const mg_templates *tpl, xmlDocPtr doc,
                     const char **hparams, size_t nvalues, const char *what) {
  mg_pages pages = {0};
  int rc = mg_transform(tpl->site, doc, NULL, &pages, what);
  if (!rc)
    rc = mg_transform(tpl->handbook, doc, hparams, &pages, what);
  if (rc) {
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
    pages.v[i].href = pages.v[i].data = NULL;
    segs s = {0};
    if (sh->ok && cut(cp->data, pages.v[i].len, nvalues, &s) != 0)
      sh->ok = 0;
    cp->segs = s.v;
    cp->nseg = s.n;
    sh->bytes += pages.v[i].len + s.n * sizeof(seg) + strlen(cp->href);
  }
  mg_pages_free(&pages);
  return sh;
}

/* ----------------------------------------------------------- splice */

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

/* The hall's pages: the shape's, its values put in. Returns 0, or 1 when
 * a value cannot be put in (out untouched). */
static int splice(mg_splicer *s, const shape *sh, const holes *h,
                  mg_pages *out) {
  char **esc[NCTX];
  for (int c = 0; c < NCTX; c++)
    esc[c] = mg_xcalloc(h->n ? h->n : 1, sizeof **esc);
  mg_page *pv = mg_xcalloc(sh->npages ? sh->npages : 1, sizeof *pv);
  int rc = 0;
  for (size_t i = 0; i < sh->npages && !rc; i++) {
    const cut_page *cp = &sh->pages[i];
    size_t n = 0;
    for (size_t j = 0; j < cp->nseg && !rc; j++) {
      n += cp->segs[j].len;
      if (cp->segs[j].hole >= 0) {
        const char *v = escaped(s, h, esc, cp->segs[j].hole, cp->segs[j].ctx,
                                cp->segs[j].uri_start);
        if (!v)
          rc = 1;
        else
          n += strlen(v);
      }
    }
    if (rc)
      break;
    char *buf = mg_xmalloc(n + 1), *w = buf;
    for (size_t j = 0; j < cp->nseg; j++) {
      const seg *g = &cp->segs[j];
      memcpy(w, cp->data + g->off, g->len);
      w += g->len;
      if (g->hole >= 0) {
        const char *v = esc[g->ctx][g->hole];
        size_t l = strlen(v);
        memcpy(w, v, l);
        w += l;
      }
    }
    *w = 0;
    pv[i].href = mg_xstrdup(cp->href);
    pv[i].data = buf;
    pv[i].len = n;
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

int mg_splice_pages(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                    const char **hparams, mg_pages *out, const char *what) {
  holes h = {0};
  h.index = xmlHashCreate(64);
  holeify(&h, xmlDocGetRootElement(doc), 0);
  if (h.unsafe) {
    restore(&h);
    __atomic_add_fetch(&s->fallbacks, 1, __ATOMIC_RELAXED);
    return 1;
  }
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, tpl->digest, sizeof tpl->digest);
  for (const char **p = hparams; p && *p; p++)
    mg_digest_update(d, *p, strlen(*p) + 1);
  mg_digest_tree(d, xmlDocGetRootElement(doc));
  char key[33];
  mg_digest_finish(d, key);

  /* one thread renders a shape; the others of that shape wait for it */
  pthread_mutex_lock(&s->lock);
  shape *sh = xmlHashLookup(s->shapes, BAD_CAST key);
  shape *mine = NULL; /* the entry this thread is to fill */
  if (!sh && s->bytes < s->cap) {
    mine = mg_xcalloc(1, sizeof *mine);
    mine->ok = -1;
    if (xmlHashAddEntry(s->shapes, BAD_CAST key, mine) != 0) {
      free(mine);
      mine = NULL;
    }
  }
  while (sh && sh->ok < 0)
    pthread_cond_wait(&s->done, &s->lock);
  pthread_mutex_unlock(&s->lock);
  shape *own = NULL; /* rendered for this hall alone (the cache is full) */
  if (!sh) {
    shape *made = render(tpl, doc, hparams, h.n, what);
    if (made)
      __atomic_add_fetch(&s->rendered, 1, __ATOMIC_RELAXED);
    if (mine) {
      pthread_mutex_lock(&s->lock);
      if (made) {
        *mine = *made; /* ok is 0 or 1 now */
        s->bytes += made->bytes;
        free(made);
      } else {
        mine->ok = 0; /* the others take the reference path */
      }
      pthread_cond_broadcast(&s->done);
      pthread_mutex_unlock(&s->lock);
      sh = mine;
    } else {
      sh = own = made;
    }
    if (!made) {
      restore(&h);
      return -1;
    }
  }
  int rc = sh->ok ? splice(s, sh, &h, out) : 1;
  if (own)
    free_shape(own, NULL);
  restore(&h);
  if (rc)
    __atomic_add_fetch(&s->fallbacks, 1, __ATOMIC_RELAXED);
  else
    __atomic_add_fetch(&s->spliced, 1, __ATOMIC_RELAXED);
  return rc;
}
