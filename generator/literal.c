/* literal.c -- check 9 (rule `literal`): a value the parameters define,
 * written out in a section's text.
 *
 * A time ("11:30") that some parameter file sets at an attribute of the
 * schema's Time type, or a number of counters ("4 个柜台") that some file
 * sets as counters or queue/@peak-counters, is right in one hall and wrong
 * in the next, or right today and wrong once HQ moves it. The author
 * should write the placeholder instead. This is a warning, checked once
 * per section of the draft (not per hall), over the compiled manual's
 * text: code spans and blocks, placeholders and markers are not text.
 *
 * The compiled manual keeps no position for text, so each literal is
 * found again in the section's Markdown: the section is walked in
 * document order with a cursor into its source, which the positions the
 * compiled manual does keep (placeholders, conditions, links) move
 * forward, and which every literal found (in text or in code) moves past.
 * So a literal in code never stands for the same literal in the text
 * after it. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>

#include "manualgen.h"

/* ------------------------------------------------ what the files set */

/* One value that a parameter file sets. */
typedef struct setting {
  char *path;       /* hours/weekday/@open, as a placeholder writes it */
  const char *file; /* the file's name, as its document's URL */
  long line;
  struct setting *next; /* the next file or place that sets this value */
} setting;

/* The values of one kind, by value: the first setting in a stable order
 * (defaults, the cities, the stores, each in document order), and how
 * many there are. */
typedef struct {
  setting *first, *last;
  size_t n;
} settings;

static void add_setting(xmlHashTablePtr h, const char *value, char *path,
                        const char *file, long line) {
  settings *s = xmlHashLookup(h, BAD_CAST value);
  if (!s) {
    s = mg_xcalloc(1, sizeof *s);
    if (xmlHashAddEntry(h, BAD_CAST value, s) != 0) {
      fputs("manualgen: out of memory\n", stderr);
      abort();
    }
  }
  setting *e = mg_xcalloc(1, sizeof *e);
  e->path = path;
  e->file = file;
  e->line = line;
  if (s->last)
    s->last->next = e;
  else
    s->first = e;
  s->last = e;
  s->n++;
}

static void free_settings(void *payload, const xmlChar *name) {
  (void)name;
  settings *s = payload;
  for (setting *e = s->first, *next; e; e = next) {
    next = e->next;
    free(e->path);
    free(e);
  }
  free(s);
}

/* The path of element n below the root, as a placeholder selects it: a
 * list entry by its key ("peaks/peak[@key='midday']"). */
static void put_path(mg_buf *b, xmlNodePtr n) {
  if (!n->parent || n->parent->type != XML_ELEMENT_NODE)
    return; /* the root: the context of every placeholder */
  put_path(b, n->parent);
  if (b->len)
    mg_buf_puts(b, "/");
  mg_buf_puts(b, (const char *)n->name);
  xmlChar *key = xmlGetProp(n, BAD_CAST "key");
  if (key)
    mg_buf_printf(b, "[@key='%s']", (const char *)key);
  xmlFree(key);
}

static char *path_of(xmlNodePtr n, const char *attr) {
  mg_buf b = {0};
  put_path(&b, n);
  if (attr)
    mg_buf_printf(&b, "%s@%s", b.len ? "/" : "", attr);
  return b.data ? b.data : mg_xstrdup("");
}

/* "8:30" and "08:30" are the same time: HH:MM, or NULL when s is not a
 * time (caller frees). */
static char *norm_time(const char *s) {
  int h = 0, m = 0, n = 0;
  if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] || h > 23 || m > 59 ||
      n < 4)
    return NULL;
  return mg_xasprintf("%02d:%02d", h, m);
}

/* A count as written ("04", " 4 "): its decimal value, or NULL. */
static char *norm_count(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  const char *d = s;
  while (*s >= '0' && *s <= '9')
    s++;
  const char *e = s;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  if (d == e || *s || e - d > 9)
    return NULL;
  while (e - d > 1 && *d == '0')
    d++;
  return mg_xstrndup(d, (size_t)(e - d));
}

typedef struct {
  const mg_schema_names *names;
  xmlHashTablePtr times, counts;
} values;

static void collect(values *v, xmlNodePtr n, const char *file) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    int top = n->parent && n->parent->parent &&
              n->parent->parent->type == XML_DOCUMENT_NODE;
    long line = xmlGetLineNo(n);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      const char *name = (const char *)a->name;
      const char *type =
          mg_schema_attr_type(v->names, (const char *)n->name, name);
      int is_time = type && !strcmp(type, "Time");
      int is_count = !strcmp((const char *)n->name, "queue") &&
                     !strcmp(name, "peak-counters");
      if (!is_time && !is_count)
        continue;
      xmlChar *val = xmlNodeGetContent((xmlNodePtr)a);
      char *norm = val ? is_time ? norm_time((const char *)val)
                                 : norm_count((const char *)val)
                       : NULL;
      if (norm)
        add_setting(is_time ? v->times : v->counts, norm, path_of(n, name),
                    file, line);
      free(norm);
      xmlFree(val);
    }
    if (top && !strcmp((const char *)n->name, "counters")) {
      xmlChar *val = xmlNodeGetContent(n);
      char *norm = val ? norm_count((const char *)val) : NULL;
      if (norm)
        add_setting(v->counts, norm, path_of(n, NULL), file, line);
      free(norm);
      xmlFree(val);
    }
    collect(v, n->children, file);
  }
}

static void collect_doc(values *v, xmlDocPtr doc) {
  if (doc)
    collect(v, xmlDocGetRootElement(doc)->children,
            doc->URL ? (const char *)doc->URL : "");
}

/* ------------------------------------------------ the section's text */

/* What the walk meets, in document order. */
typedef enum {
  ITEM_TEXT, /* text that runs on (emphasis and soft breaks do not end
                it): literals in it are reported */
  ITEM_CODE, /* code, raw HTML: literals in it are only skipped */
  ITEM_JUMP  /* a position the compiled manual keeps */
} item_kind;

typedef struct {
  item_kind kind;
  mg_buf text;      /* TEXT, CODE */
  int line, col;    /* JUMP: in characters */
  const char *past; /* JUMP: then skip past this ("}}"), or NULL */
} item;

typedef struct {
  item *v;
  size_t n, cap;
  int open; /* the last item is TEXT and still takes text */
} items;

static item *push(items *it, item_kind k) {
  if (it->n == it->cap) {
    it->cap = it->cap ? 2 * it->cap : 16;
    it->v = mg_xrealloc(it->v, it->cap * sizeof *it->v);
  }
  item *x = &it->v[it->n++];
  memset(x, 0, sizeof *x);
  x->kind = k;
  it->open = 0;
  return x;
}

static void put_text(items *it, const char *s) {
  if (!it->open) {
    push(it, ITEM_TEXT);
    it->open = 1;
  }
  mg_buf_puts(&it->v[it->n - 1].text, s);
}

static int prop_int(xmlNodePtr n, const char *ns, const char *name) {
  xmlChar *v = ns ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns)
                  : xmlGetProp(n, BAD_CAST name);
  int i = v ? atoi((const char *)v) : 0;
  xmlFree(v);
  return i;
}

static void jump(items *it, xmlNodePtr n, const char *ns, const char *past) {
  item *x = push(it, ITEM_JUMP);
  x->line = prop_int(n, ns, "line");
  x->col = prop_int(n, ns, "col");
  x->past = past;
}

static int is_md(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         xmlStrEqual(n->ns->href, BAD_CAST MD_NS) &&
         xmlStrEqual(n->name, BAD_CAST name);
}

/* The inline elements that text runs through. */
static int transparent(xmlNodePtr n) {
  static const char *names[] = {"emph", "strong", "strikethrough", NULL};
  for (const char **k = names; *k; k++)
    if (is_md(n, *k))
      return 1;
  return 0;
}

static void walk(items *it, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (is_md(n, "text")) {
      xmlChar *t = xmlNodeGetContent(n);
      put_text(it, t ? (const char *)t : "");
      xmlFree(t);
    } else if (is_md(n, "softbreak") || is_md(n, "linebreak")) {
      put_text(it, "\n");
    } else if (is_md(n, "code") || is_md(n, "code_block") ||
               is_md(n, "html_inline") || is_md(n, "html_block")) {
      item *x = push(it, ITEM_CODE);
      xmlChar *t = xmlNodeGetContent(n);
      mg_buf_puts(&x->text, t ? (const char *)t : "");
      xmlFree(t);
    } else if (mg_is_m(n, "ph")) {
      jump(it, n, NULL, "}}");
    } else if (mg_is_m(n, "when")) {
      jump(it, n, NULL, "-->");
      walk(it, n->children);
      it->open = 0;
    } else if (is_md(n, "link") || is_md(n, "image")) {
      jump(it, n, MG_NS, NULL);
      walk(it, n->children);
      it->open = 0; /* the destination stands between */
    } else if (transparent(n)) {
      walk(it, n->children);
    } else { /* a block, m:choose, m:otherwise: text does not run on */
      it->open = 0;
      walk(it, n->children);
      it->open = 0;
    }
  }
}

/* ------------------------------------------------ finding the source */

typedef struct {
  mg_section *s;
  size_t cur; /* byte offset into s->src: nothing before it is looked at */
  const values *v;
} cursor;

/* The byte offset of a 1-based line and character column. */
static size_t offset_at(const mg_section *s, int line, int col) {
  if (line < 1 || (size_t)line > s->nlines)
    return 0;
  size_t p = s->line_starts[line - 1];
  for (int c = 1; c < col && p < s->srclen && s->src[p] != '\n'; c++) {
    p++;
    while (p < s->srclen && ((unsigned char)s->src[p] & 0xC0) == 0x80)
      p++;
  }
  return p;
}

static int ascii_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
         (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* The length of the source at p that spells lit (a backslash may escape
 * its punctuation), or 0. */
static size_t spells(const mg_section *s, size_t p, const char *lit) {
  size_t start = p;
  for (; *lit; lit++) {
    if (p + 1 < s->srclen && s->src[p] == '\\' && s->src[p + 1] == *lit &&
        ascii_punct(*lit))
      p++;
    if (p >= s->srclen || s->src[p] != *lit)
      return 0;
    p++;
  }
  return p - start;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Where lit is next written from the cursor (not inside a placeholder or
 * a comment; a number not inside a longer one): its offset, the cursor
 * moved past it. SIZE_MAX (the cursor unmoved) when it is not found. */
static size_t find(cursor *c, const char *lit) {
  const mg_section *s = c->s;
  int number = is_digit(lit[0]);
  for (size_t p = c->cur; p < s->srclen; p++) {
    const char *end = NULL;
    if (!strncmp(s->src + p, "{{", 2)) {
      const char *nl = memchr(s->src + p, '\n', s->srclen - p);
      end = strstr(s->src + p, "}}");
      if (end && nl && end > nl)
        end = NULL;
      if (end)
        end += 2;
    } else if (!strncmp(s->src + p, "<!--", 4)) {
      end = strstr(s->src + p, "-->");
      end = end ? end + 3 : s->src + s->srclen;
    }
    if (end) {
      p = (size_t)(end - s->src) - 1;
      continue;
    }
    size_t n = spells(s, p, lit);
    if (!n || (number && ((p > 0 && is_digit(s->src[p - 1])) ||
                          (p + n < s->srclen && is_digit(s->src[p + n])))))
      continue;
    c->cur = p + n;
    return p;
  }
  return SIZE_MAX;
}

/* ------------------------------------------------ literals in a text */

/* Calls fn for each literal of text: a time ("11:30", "8:30", "11：30")
 * or a count of counters ("4 个柜台"). lit is the literal as written
 * (for a count, its digits), norm its value. */
typedef void (*literal_fn)(cursor *c, int is_time, const char *lit,
                           const char *norm, int report);

#define FULLWIDTH_COLON "\xEF\xBC\x9A"
#define COUNTERS "\xE4\xB8\xAA\xE6\x9F\x9C\xE5\x8F\xB0" /* 个柜台 */

static void scan(cursor *c, const char *t, int report, literal_fn fn) {
  size_t n = strlen(t);
  for (size_t i = 0; i < n; i++) {
    if (!is_digit(t[i]) || (i > 0 && (is_digit(t[i - 1]) || t[i - 1] == ':')))
      continue;
    size_t d = i;
    while (d < n && is_digit(t[d]))
      d++;
    size_t colon = t[d] == ':'                           ? 1
                   : !strncmp(t + d, FULLWIDTH_COLON, 3) ? 3
                                                         : 0;
    if (colon && d - i <= 2 && d + colon + 2 <= n && is_digit(t[d + colon]) &&
        is_digit(t[d + colon + 1]) &&
        (d + colon + 2 == n ||
         (!is_digit(t[d + colon + 2]) && t[d + colon + 2] != ':'))) {
      size_t end = d + colon + 2;
      char *lit = mg_xstrndup(t + i, end - i);
      char *hhmm =
          mg_xasprintf("%.*s:%.2s", (int)(d - i), t + i, t + d + colon);
      char *norm = norm_time(hhmm);
      if (norm)
        fn(c, 1, lit, norm, report);
      free(norm);
      free(hhmm);
      free(lit);
      i = end - 1;
      continue;
    }
    size_t k = d;
    while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n'))
      k++;
    if (!strncmp(t + k, COUNTERS, strlen(COUNTERS)) &&
        (i == 0 || t[i - 1] != '.')) {
      char *lit = mg_xstrndup(t + i, d - i);
      char *norm = norm_count(lit);
      if (norm)
        fn(c, 0, lit, norm, report);
      free(norm);
      free(lit);
    }
    i = d - 1;
  }
}

static void one_literal(cursor *c, int is_time, const char *lit,
                        const char *norm, int report) {
  size_t at = find(c, lit);
  if (!report)
    return;
  const settings *st =
      xmlHashLookup(is_time ? c->v->times : c->v->counts, BAD_CAST norm);
  if (!st)
    return;
  mg_section *s = c->s;
  /* not found again (written with a character reference): the place the
   * walk had reached */
  size_t off = at != SIZE_MAX ? at : c->cur;
  int line = mg_section_line_at(s, off);
  int col = mg_section_col(s, line, (int)(off - s->line_starts[line - 1]) + 1);
  const setting *f = st->first;
  char more[48] = "";
  if (st->n > 1)
    snprintf(more, sizeof more, ", and %zu more", st->n - 1);
  if (is_time)
    mg_diag(MG_WARNING, s->file, line, col,
            "%s is a time the parameters set (%s in %s:%ld%s): write "
            "{{ %s }} instead [literal]",
            lit, f->path, f->file, f->line, more, f->path);
  else
    mg_diag(MG_WARNING, s->file, line, col,
            "%s 个柜台 is a number of counters the parameters set (%s in "
            "%s:%ld%s): write {{ %s }} 个柜台 instead [literal]",
            lit, f->path, f->file, f->line, more, f->path);
}

static void check_section(mg_section *s, const values *v) {
  items it = {0};
  walk(&it, s->body);
  cursor c = {s, s->fm.body_offset, v};
  for (size_t i = 0; i < it.n; i++) {
    item *x = &it.v[i];
    if (x->kind == ITEM_JUMP) {
      if (x->line <= 0)
        continue;
      size_t off = offset_at(s, x->line, x->col);
      if (off > c.cur)
        c.cur = off;
      if (x->past) {
        const char *e = strstr(s->src + c.cur, x->past);
        if (e)
          c.cur = (size_t)(e - s->src) + strlen(x->past);
      }
    } else {
      scan(&c, x->text.data ? x->text.data : "", x->kind == ITEM_TEXT,
           one_literal);
    }
    mg_buf_free(&x->text);
  }
  free(it.v);
}

int mg_literal_check(mg_tree *t, const mg_params *p) {
  int before = mg_diag_warnings();
  values v = {p->names, xmlHashCreate(64), xmlHashCreate(16)};
  if (!v.times || !v.counts) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  collect_doc(&v, p->defaults);
  for (size_t i = 0; i < p->ncities; i++)
    collect_doc(&v, p->city_docs[i]);
  for (size_t i = 0; i < p->store_ids.n; i++)
    collect_doc(&v, p->store_docs[i]);
  if (xmlHashSize(v.times) || xmlHashSize(v.counts))
    for (size_t i = 0; i < t->nsections; i++)
      if (t->sections[i]->body && t->sections[i]->src)
        check_section(t->sections[i], &v);
  xmlHashFree(v.times, free_settings);
  xmlHashFree(v.counts, free_settings);
  return mg_diag_warnings() - before;
}
