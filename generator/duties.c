/* duties.c -- declared duties and forms, and who owns them in a hall.
 *
 * content/duties.xml declares each duty once: an id ("DM-01"), a title
 * and the post that owns it, optionally where it applies; and the
 * reassignments that move duties to another post, or outside the hall,
 * where the owner post is missing. content/forms.xml declares the forms
 * the sections name as 《title》. Both files are optional.
 *
 * Load (with the sections, once): each file is validated, checked and
 * copied into the compiled manual as m:duties and m:forms, so that a
 * release keeps them; compile.c compiles their expressions with the
 * sections'. While the sections are parsed, parse.c hands every duty
 * item ("- [DM-01] …") and every 《X》 to this file, which checks them
 * against the declarations.
 *
 * Per hall (mg_duties_assign): the owner of each duty and form, by the
 * reassignment chain. It is a pure function of the compiled manual and
 * the hall's parameters; resolve.c writes its result into the resolved
 * manual, and the rules file sees it.
 *
 * Rule `named` (mg_duties_learn_names, resolve.c): the post titles and
 * zone names of every parameter file, so that a name of something the
 * hall lacks is found in its handbook. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manualgen.h"

struct mg_decls {
  char *dfile, *ffile; /* the two files, as messages name them */
  xmlNodePtr duties, forms;
  xmlDocPtr ddoc;            /* duties.xml as read */
  xmlHashTablePtr duty;      /* id -> its <duty> in ddoc */
  xmlHashTablePtr described; /* id -> mg_buf of "file:line" (one per item) */
  xmlHashTablePtr nitems;    /* id -> number of items (uintptr_t) */
  xmlHashTablePtr title;     /* form title -> m:form */
  xmlHashTablePtr named;     /* form title -> named in a section */
  mg_strv ids, titles, suffixes;
};

static void set_long(xmlNodePtr n, const char *name, long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", v);
  xmlNewProp(n, BAD_CAST name, BAD_CAST buf);
}

/* The character column where the value of attribute name starts on line
 * `line` of src (1 when it cannot be found). */
static int value_col(const char *src, int line, const char *name) {
  if (!src)
    return 1;
  const char *p = src;
  for (int l = 1; l < line && p; l++) {
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  if (!p)
    return 1;
  const char *end = strchr(p, '\n');
  size_t nl = strlen(name);
  for (const char *q = p; *q && (!end || q < end); q++) {
    if (strncmp(q, name, nl) || (q > p && q[-1] != ' ' && q[-1] != '\t'))
      continue;
    const char *v = q + nl;
    while (*v == ' ')
      v++;
    if (*v != '=')
      continue;
    v++;
    while (*v == ' ')
      v++;
    if (*v != '"' && *v != '\'')
      continue;
    v++;
    int col = 1;
    for (const char *c = p; c < v; c++)
      col += ((unsigned char)*c & 0xC0) != 0x80;
    return col;
  }
  return 1;
}

/* Reads and validates CONTENT/name (root element root) against
 * schema/xsd beside params.xsd. NULL when the file does not exist (not
 * an error) or after reporting. *src gets the bytes (for columns). */
static xmlDocPtr read_decl(const char *path, const char *root,
                           const mg_schema_names *names, const char *xsd,
                           char **src) {
  struct stat st;
  *src = NULL;
  if (lstat(path, &st) != 0 && errno == ENOENT)
    return NULL;
  xmlDocPtr doc = mg_safe_read_xml(path);
  if (!doc)
    return NULL;
  xmlNodePtr r = xmlDocGetRootElement(doc);
  if (!r || strcmp((const char *)r->name, root)) {
    mg_diag(MG_ERROR, path, r ? (int)xmlGetLineNo(r) : 0, 0,
            "the root element must be <%s>, not <%s>", root,
            r ? (const char *)r->name : "");
    xmlFreeDoc(doc);
    return NULL;
  }
  char *dir = mg_path_dir(mg_schema_names_path(names));
  char *xsd_path = mg_path_join(dir, xsd);
  int rc = mg_validate(doc, xsd_path);
  free(dir);
  free(xsd_path);
  if (rc) {
    xmlFreeDoc(doc);
    return NULL;
  }
  size_t len;
  *src = mg_safe_read_file(path, &len);
  return doc;
}

/* Reports attribute name of n when it is not a post that can exist. */
static void check_post(const mg_schema_names *names, const char *file,
                       const char *src, xmlNodePtr n, const char *name) {
  char *key = mg_prop(n, name);
  char *why = key ? mg_expr_post_unknown(names, key) : NULL;
  if (why) {
    int line = (int)xmlGetLineNo(n);
    mg_diag(MG_ERROR, file, line, value_col(src, line, name),
            "unknown post '%s' in %s: %s", key, name, why);
  }
  free(why);
  free(key);
}

static void copy_attrs(xmlNodePtr from, xmlNodePtr to, const char **names) {
  for (; *names; names++) {
    xmlChar *v = xmlGetProp(from, BAD_CAST * names);
    if (v)
      xmlNewProp(to, BAD_CAST * names, v);
    xmlFree(v);
  }
}

/* An expression attribute: copied with the line and column of its value
 * (compile.c compiles it from there). */
static void copy_expr(xmlNodePtr from, xmlNodePtr to, const char *name,
                      const char *src) {
  int line = (int)xmlGetLineNo(from);
  xmlChar *v = xmlGetProp(from, BAD_CAST name);
  if (v)
    xmlNewProp(to, BAD_CAST name, v);
  set_long(to, "line", line);
  set_long(to, "col", v ? value_col(src, line, name) : 0);
  xmlFree(v);
}

static void load_duties(mg_decls *d, xmlNodePtr root, xmlNsPtr m,
                        const char *content_dir, const mg_schema_names *names) {
  char *src;
  xmlDocPtr doc = read_decl(d->dfile, "duties", names, "duties.xsd", &src);
  if (!doc)
    return;
  xmlNodePtr out = xmlNewChild(root, m, BAD_CAST "duties", NULL);
  xmlNewProp(out, BAD_CAST "file", BAD_CAST "duties.xml");
  (void)content_dir;
  d->duties = out;
  xmlHashTablePtr outside = xmlHashCreate(0);
  xmlNodePtr top = xmlDocGetRootElement(doc);
  /* outside owners and duties first: a reassignment may name any */
  for (xmlNodePtr n = top->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    int line = (int)xmlGetLineNo(n);
    if (!strcmp((const char *)n->name, "outside")) {
      char *key = mg_prop(n, "key");
      intptr_t first = (intptr_t)xmlHashLookup(outside, BAD_CAST key);
      if (first)
        mg_diag(MG_ERROR, d->dfile, line, value_col(src, line, "key"),
                "outside owner '%s' is declared twice (also at line %ld) "
                "[duty-owner]",
                key, (long)first);
      else
        xmlHashAddEntry(outside, BAD_CAST key, (void *)(intptr_t)line);
      free(key);
    } else if (!strcmp((const char *)n->name, "duty")) {
      char *id = mg_prop(n, "id");
      xmlNodePtr first = xmlHashLookup(d->duty, BAD_CAST id);
      if (first)
        mg_diag(MG_ERROR, d->dfile, line, value_col(src, line, "id"),
                "duty %s is declared twice (also at line %ld) [duty-owner]", id,
                xmlGetLineNo(first));
      else {
        xmlHashAddEntry(d->duty, BAD_CAST id, n);
        mg_strv_push(&d->ids, mg_xstrdup(id));
      }
      free(id);
      check_post(names, d->dfile, src, n, "owner");
    }
  }
  for (xmlNodePtr n = top->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    int line = (int)xmlGetLineNo(n);
    const char *name = (const char *)n->name;
    xmlNodePtr x = xmlNewChild(out, m, n->name, NULL);
    if (!strcmp(name, "outside")) {
      static const char *a[] = {"key", "title", "contact", NULL};
      copy_attrs(n, x, a);
      set_long(x, "line", line);
    } else if (!strcmp(name, "duty")) {
      static const char *a[] = {"id", "owner", "title", NULL};
      copy_attrs(n, x, a);
      if (xmlHasProp(n, BAD_CAST "applies-to"))
        copy_expr(n, x, "applies-to", src);
      else {
        set_long(x, "line", line);
        set_long(x, "col", 0);
      }
    } else {
      static const char *a[] = {"from", "duty", "to", "to-outside", NULL};
      copy_attrs(n, x, a);
      if (xmlHasProp(n, BAD_CAST "when"))
        copy_expr(n, x, "when", src);
      else {
        set_long(x, "line", line);
        set_long(x, "col", 0);
      }
      int from = xmlHasProp(n, BAD_CAST "from") != NULL;
      int duty = xmlHasProp(n, BAD_CAST "duty") != NULL;
      int to = xmlHasProp(n, BAD_CAST "to") != NULL;
      int out_ = xmlHasProp(n, BAD_CAST "to-outside") != NULL;
      if (!from && !duty)
        mg_diag(MG_ERROR, d->dfile, line, 0,
                "a reassignment needs from (a post) or duty (a duty id) "
                "[duty-owner]");
      if (to == out_)
        mg_diag(MG_ERROR, d->dfile, line, 0,
                "a reassignment needs exactly one of to (a post) and "
                "to-outside (an outside owner) [duty-owner]");
      check_post(names, d->dfile, src, n, "from");
      check_post(names, d->dfile, src, n, "to");
      char *id = mg_prop(n, "duty");
      if (id && !xmlHashLookup(d->duty, BAD_CAST id)) {
        const char *sug = mg_suggest(&d->ids, id, strlen(id));
        mg_diag(MG_ERROR, d->dfile, line, value_col(src, line, "duty"),
                "reassignment of duty %s, which is not declared%s%s%s "
                "[duty-owner]",
                id, sug ? "; did you mean " : "", sug ? sug : "",
                sug ? "?" : "");
      }
      free(id);
      char *key = mg_prop(n, "to-outside");
      if (key && !xmlHashLookup(outside, BAD_CAST key))
        mg_diag(MG_ERROR, d->dfile, line, value_col(src, line, "to-outside"),
                "unknown outside owner '%s' in to-outside: declare it as "
                "<outside key=\"%s\" title=\"…\"/> [duty-owner]",
                key, key);
      free(key);
    }
  }
  xmlHashFree(outside, NULL);
  free(src);
  d->ddoc = doc; /* d->duty points into it */
}

/* Appends the text children of n named name to x as m:<name>. */
static void copy_texts(xmlNodePtr n, const char *wrap, const char *name,
                       xmlNodePtr x, xmlNsPtr m) {
  for (xmlNodePtr w = n->children; w; w = w->next) {
    if (w->type != XML_ELEMENT_NODE || strcmp((const char *)w->name, wrap))
      continue;
    for (xmlNodePtr k = w->children; k; k = k->next) {
      if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, name))
        continue;
      xmlChar *t = xmlNodeGetContent(k);
      xmlNewTextChild(x, m, BAD_CAST name, t);
      xmlFree(t);
    }
  }
}

static void load_forms(mg_decls *d, xmlNodePtr root, xmlNsPtr m,
                       const mg_schema_names *names) {
  char *src;
  xmlDocPtr doc = read_decl(d->ffile, "forms", names, "forms.xsd", &src);
  if (!doc)
    return;
  xmlNodePtr top = xmlDocGetRootElement(doc);
  xmlNodePtr out = xmlNewChild(root, m, BAD_CAST "forms", NULL);
  xmlNewProp(out, BAD_CAST "file", BAD_CAST "forms.xml");
  char *suffixes = mg_prop(top, "name-suffixes");
  xmlNewProp(out, BAD_CAST "name-suffixes", BAD_CAST suffixes);
  for (char *save = NULL, *w = strtok_r(suffixes, " \t\n", &save); w;
       w = strtok_r(NULL, " \t\n", &save))
    mg_strv_push(&d->suffixes, mg_xstrdup(w));
  free(suffixes);
  d->forms = out;
  xmlHashTablePtr ids = xmlHashCreate(0);
  for (xmlNodePtr n = top->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    int line = (int)xmlGetLineNo(n);
    char *id = mg_prop(n, "id"), *title = mg_prop(n, "title");
    intptr_t first = (intptr_t)xmlHashLookup(ids, BAD_CAST id);
    if (first)
      mg_diag(MG_ERROR, d->ffile, line, value_col(src, line, "id"),
              "form '%s' is declared twice (also at line %ld) [forms]", id,
              (long)first);
    else
      xmlHashAddEntry(ids, BAD_CAST id, (void *)(intptr_t)line);
    xmlNodePtr x = xmlNewChild(out, m, BAD_CAST "form", NULL);
    xmlNodePtr same = xmlHashLookup(d->title, BAD_CAST title);
    if (same) {
      char *l = mg_prop(same, "line");
      mg_diag(MG_ERROR, d->ffile, line, value_col(src, line, "title"),
              "two forms are titled 《%s》 (also at line %s) [forms]", title,
              l ? l : "?");
      free(l);
    } else if (!first) {
      xmlHashAddEntry(d->title, BAD_CAST title, x);
      mg_strv_push(&d->titles, mg_xstrdup(title));
    }
    static const char *a[] = {"id",          "title",      "filled-by",
                              "keep-months", "blank-rows", NULL};
    copy_attrs(n, x, a);
    set_long(x, "line", line);
    copy_texts(n, "columns", "column", x, m);
    copy_texts(n, "rows", "row", x, m);
    copy_texts(n, "items", "item", x, m);
    check_post(names, d->ffile, src, n, "filled-by");
    free(id);
    free(title);
  }
  xmlHashFree(ids, NULL);
  free(src);
  xmlFreeDoc(doc);
}

mg_decls *mg_decls_load(xmlNodePtr root, const char *content_dir,
                        const mg_schema_names *names) {
  mg_decls *d = mg_xcalloc(1, sizeof *d);
  d->dfile = mg_path_join(content_dir, "duties.xml");
  d->ffile = mg_path_join(content_dir, "forms.xml");
  d->duty = xmlHashCreate(0);
  d->described = xmlHashCreate(0);
  d->nitems = xmlHashCreate(0);
  d->title = xmlHashCreate(0);
  d->named = xmlHashCreate(0);
  if (!names)
    return d;
  xmlNsPtr m = xmlSearchNsByHref(root->doc, root, BAD_CAST MG_NS);
  load_duties(d, root, m, content_dir, names);
  load_forms(d, root, m, names);
  return d;
}

/* The declaration of duty id in the source file (for its line). */
static long decl_line(const mg_decls *d, const char *id) {
  xmlNodePtr n = xmlHashLookup(d->duty, BAD_CAST id);
  return n ? xmlGetLineNo(n) : 0;
}

int mg_decls_duty_item(mg_decls *d, const char *id, const char *file, int line,
                       int col) {
  if (!xmlHashLookup(d->duty, BAD_CAST id)) {
    const char *sug = mg_suggest(&d->ids, id, strlen(id));
    mg_diag(MG_ERROR, file, line, col,
            "duty %s is not declared in %s%s%s%s [duty-owner]", id, d->dfile,
            sug ? "; did you mean " : "", sug ? sug : "", sug ? "?" : "");
    return 0;
  }
  mg_buf *b = xmlHashLookup(d->described, BAD_CAST id);
  if (!b) {
    b = mg_xcalloc(1, sizeof *b);
    xmlHashAddEntry(d->described, BAD_CAST id, b);
  }
  mg_buf_printf(b, "%s%s:%d", b->len ? " and " : "", file, line);
  uintptr_t k = (uintptr_t)xmlHashLookup(d->nitems, BAD_CAST id);
  xmlHashUpdateEntry(d->nitems, BAD_CAST id, (void *)(k + 1), NULL);
  return 1;
}

/* True when s (n bytes) ends with one of the name suffixes. */
static int form_like(const mg_decls *d, const char *s, size_t n) {
  for (size_t i = 0; i < d->suffixes.n; i++) {
    size_t l = strlen(d->suffixes.v[i]);
    if (l <= n && !memcmp(s + n - l, d->suffixes.v[i], l))
      return 1;
  }
  return 0;
}

#define LQ "\xE3\x80\x8A" /* 《 */
#define RQ "\xE3\x80\x8B" /* 》 */

void mg_decls_form_refs(mg_decls *d, const char *text, const char *file,
                        int line, int bytecol, mg_section *s) {
  for (const char *p = text; (p = strstr(p, LQ)) != NULL;) {
    const char *x = p + 3, *e = strstr(x, RQ);
    if (!e)
      break;
    size_t n = (size_t)(e - x);
    char *title = mg_xstrndup(x, n);
    if (xmlHashLookup(d->title, BAD_CAST title))
      xmlHashUpdateEntry(d->named, BAD_CAST title, (void *)1, NULL);
    else if (form_like(d, x, n)) {
      const char *sug = mg_suggest(&d->titles, x, n);
      int col = s ? mg_section_col(s, line, bytecol + (int)(p - text))
                  : bytecol + (int)(p - text);
      mg_diag(MG_ERROR, file, line, col,
              "《%s》 is not a declared form (see %s)%s%s%s [forms]", title,
              d->ffile, sug ? "; did you mean 《" : "", sug ? sug : "",
              sug ? "》?" : "");
    }
    free(title);
    p = e + 3;
  }
}

void mg_decls_finish(mg_decls *d, int complete) {
  for (size_t i = 0; i < d->ids.n; i++) {
    const char *id = d->ids.v[i];
    xmlNodePtr n = xmlHashLookup(d->duty, BAD_CAST id);
    char *title = mg_prop(n, "title");
    uintptr_t k = (uintptr_t)xmlHashLookup(d->nitems, BAD_CAST id);
    if (!k && complete)
      mg_diag(MG_ERROR, d->dfile, (int)decl_line(d, id), 0,
              "duty %s (%s) is described in no section: write it once, as "
              "a list item '- [%s] …' in its owner's section [duty-owner]",
              id, title, id);
    else if (k > 1) {
      mg_buf *b = xmlHashLookup(d->described, BAD_CAST id);
      mg_diag(MG_ERROR, d->dfile, (int)decl_line(d, id), 0,
              "duty %s (%s) is described %lu times (%s): describe it once "
              "[duty-owner]",
              id, title, (unsigned long)k, b->data);
    }
    free(title);
  }
  if (d->forms)
    for (xmlNodePtr f = d->forms->children; f; f = f->next) {
      char *title = mg_prop(f, "title"), *id = mg_prop(f, "id");
      char *line = mg_prop(f, "line");
      if (complete && title && !xmlHashLookup(d->named, BAD_CAST title))
        mg_diag(MG_WARNING, d->ffile, line ? atoi(line) : 0, 0,
                "form '%s' (《%s》) is named in no section [forms]", id, title);
      free(title);
      free(id);
      free(line);
    }
}

static void free_buf(void *payload, const xmlChar *name) {
  (void)name;
  mg_buf_free(payload);
  free(payload);
}

void mg_decls_free(mg_decls *d) {
  if (!d)
    return;
  free(d->dfile);
  free(d->ffile);
  xmlFreeDoc(d->ddoc);
  xmlHashFree(d->duty, NULL);
  xmlHashFree(d->described, free_buf);
  xmlHashFree(d->nitems, NULL);
  xmlHashFree(d->title, NULL);
  xmlHashFree(d->named, NULL);
  mg_strv_free(&d->ids);
  mg_strv_free(&d->titles);
  mg_strv_free(&d->suffixes);
  free(d);
}

/* ------------------------------------------------- owners in a hall */

typedef struct {
  const mg_manual *man;
  xmlXPathContextPtr xp;
  const char *store;
  xmlHashTablePtr posts; /* key -> its <post> (count > 0) */
  int errors;
} actx;

/* The expression compile.c hung on n, or NULL. */
static const mg_expr *expr_of(xmlNodePtr n) {
  const mg_expr_list *l = n->_private;
  return l && l->n ? l->v[0] : NULL;
}

static long lineof(xmlNodePtr n) {
  xmlChar *v = xmlGetProp(n, BAD_CAST "line");
  long l = v ? atol((const char *)v) : 0;
  xmlFree(v);
  return l;
}

/* Whether the expression of n holds in the hall; -1 after an error
 * (reported when it was evaluated, or when it failed to compile). */
static int holds(actx *c, xmlNodePtr n) {
  const mg_expr *e = expr_of(n);
  if (!e)
    return -1;
  return mg_expr_bool(c->xp, e, c->store);
}

static int has_post(const actx *c, const char *key) {
  return key && xmlHashLookup(c->posts, BAD_CAST key) != NULL;
}

static int eq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* Where a chain ended. */
typedef struct {
  char *post;    /* the owning post, or NULL */
  char *outside; /* the outside owner's key, or NULL */
} owner;

/* Follows the reassignments from post start for duty id (NULL: a form,
 * which only `from` rules move). what names the duty or form in
 * messages, at file:line. Returns 0, or -1 after reporting (only when
 * checking; otherwise the chain stops where it is). */
static int follow(actx *c, const char *id, const char *start, const char *what,
                  const char *rule, owner *o) {
  const mg_manual *man = c->man;
  mg_strv visited = {0};
  char *cur = mg_xstrdup(start);
  int rc = 0;
  mg_strv_push(&visited, mg_xstrdup(cur));
  o->post = o->outside = NULL;
  for (;;) {
    xmlNodePtr first = NULL;
    char *to = NULL, *out = NULL;
    for (xmlNodePtr r = man->duties ? man->duties->children : NULL; r;
         r = r->next) {
      if (!mg_is_m(r, "reassign"))
        continue;
      char *from = mg_prop(r, "from"), *duty = mg_prop(r, "duty");
      char *rto = mg_prop(r, "to"), *rout = mg_prop(r, "to-outside");
      int match = from ? eq(from, cur) && (!duty || eq(duty, id))
                       : duty && eq(duty, id);
      if (match && !rout && (!rto || eq(rto, cur)))
        match = 0; /* no move (no new owner: reported when loaded) */
      int h = 0;
      if (match) {
        if (xmlHasProp(r, BAD_CAST "when"))
          h = holds(c, r);
        else
          h = !has_post(c, from ? from : cur);
        if (h < 0)
          rc = -1;
      }
      if (match && h > 0 && !first) {
        first = r;
        to = rto;
        out = rout;
        rto = rout = NULL;
      } else if (match && h > 0 && !(eq(rto, to) && eq(rout, out)) &&
                 man->checks && rc == 0) {
        mg_diag_store(MG_ERROR, mg_manual_file(man, r), (int)lineof(r), 0,
                      c->store,
                      "%s has two owners: the reassignments at lines %ld and "
                      "%ld both apply to %s, giving it to %s and to %s [%s]",
                      what, lineof(first), lineof(r), cur,
                      to    ? to
                      : out ? out
                            : "",
                      rto    ? rto
                      : rout ? rout
                             : "",
                      rule);
        rc = -1;
      }
      free(from);
      free(duty);
      free(rto);
      free(rout);
    }
    if (rc || !first) {
      free(to);
      free(out);
      break;
    }
    if (out) {
      o->outside = out;
      free(to);
      break;
    }
    int seen = 0;
    for (size_t i = 0; i < visited.n; i++)
      seen |= eq(visited.v[i], to);
    mg_strv_push(&visited, mg_xstrdup(to));
    free(cur);
    cur = to;
    if (seen) {
      if (man->checks) {
        mg_buf path = {0};
        for (size_t i = 0; i < visited.n; i++)
          mg_buf_printf(&path, "%s%s", i ? " -> " : "", visited.v[i]);
        mg_diag_store(MG_ERROR, mg_manual_file(man, first), (int)lineof(first),
                      0, c->store,
                      "%s has no owner: the reassignments go round in a "
                      "circle (%s) [%s]",
                      what, path.data, rule);
        mg_buf_free(&path);
      }
      rc = -1;
      break;
    }
  }
  if (!rc && !o->outside)
    o->post = mg_xstrdup(cur);
  if (rc)
    free(o->outside), o->outside = NULL;
  free(cur);
  mg_strv_free(&visited);
  return rc;
}

/* The title of a post of the hall, else of an outside owner, else the
 * key. Caller frees. */
static char *owner_title(const actx *c, const owner *o) {
  if (o->post) {
    xmlNodePtr p = xmlHashLookup(c->posts, BAD_CAST o->post);
    char *t = p ? mg_prop(p, "title") : NULL;
    return t ? t : mg_xstrdup(o->post);
  }
  for (xmlNodePtr k = c->man->duties ? c->man->duties->children : NULL; k;
       k = k->next) {
    char *key = mg_is_m(k, "outside") ? mg_prop(k, "key") : NULL;
    int same = eq(key, o->outside);
    free(key);
    if (same) {
      char *t = mg_prop(k, "title");
      return t ? t : mg_xstrdup(o->outside);
    }
  }
  return mg_xstrdup(o->outside ? o->outside : "");
}

/* The id of the section holding n, or NULL. Caller frees. */
static char *section_of(xmlNodePtr n) {
  for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
    if (mg_is_m(n, "section"))
      return mg_prop(n, "id");
  return NULL;
}

static void assign_duty(actx *c, xmlNodePtr d, xmlNodePtr out) {
  char *id = mg_prop(d, "id"), *title = mg_prop(d, "title");
  char *declared = mg_prop(d, "owner");
  xmlNodePtr x = xmlNewChild(out, NULL, BAD_CAST "duty", NULL);
  xmlNewProp(x, BAD_CAST "id", BAD_CAST id);
  xmlNewProp(x, BAD_CAST "title", BAD_CAST title);
  xmlNewProp(x, BAD_CAST "declared-owner", BAD_CAST declared);
  xmlNodePtr item =
      c->man->duty_item ? xmlHashLookup(c->man->duty_item, BAD_CAST id) : NULL;
  char *sec = item ? section_of(item) : NULL;
  if (sec)
    xmlNewProp(x, BAD_CAST "section", BAD_CAST sec);
  free(sec);
  int applies = xmlHasProp(d, BAD_CAST "applies-to") ? holds(c, d) : 1;
  if (applies < 0)
    c->errors++;
  if (applies <= 0) {
    xmlNewProp(x, BAD_CAST "status", BAD_CAST "not-applicable");
    goto done;
  }
  char *what = mg_xasprintf("duty %s (%s)", id, title);
  owner o;
  if (follow(c, id, declared, what, "duty-owner", &o) < 0) {
    c->errors++;
  } else if (o.post && !has_post(c, o.post)) {
    if (c->man->checks) {
      if (eq(o.post, declared))
        mg_diag_store(MG_ERROR, mg_manual_file(c->man, d), (int)lineof(d), 0,
                      c->store,
                      "%s has no owner: this hall has no post '%s' and no "
                      "reassignment gives the duty to a post it has "
                      "[duty-owner]",
                      what, declared);
      else
        mg_diag_store(MG_ERROR, mg_manual_file(c->man, d), (int)lineof(d), 0,
                      c->store,
                      "%s has no owner: it is reassigned to '%s', a post "
                      "this hall does not have [duty-owner]",
                      what, o.post);
      c->errors++;
    }
  }
  if (!o.post && !o.outside)
    o.post = mg_xstrdup(declared); /* not checking: as declared */
  char *ot = owner_title(c, &o);
  if (o.post)
    xmlNewProp(x, BAD_CAST "owner", BAD_CAST o.post);
  else
    xmlNewProp(x, BAD_CAST "outside", BAD_CAST o.outside);
  xmlNewProp(x, BAD_CAST "owner-title", BAD_CAST ot);
  xmlNewProp(x, BAD_CAST "status",
             BAD_CAST(o.outside              ? "outside"
                      : eq(o.post, declared) ? "own"
                                             : "reassigned"));
  free(ot);
  free(o.post);
  free(o.outside);
  free(what);
done:
  free(id);
  free(title);
  free(declared);
}

static void assign_form(actx *c, xmlNodePtr f, xmlNodePtr out) {
  char *id = mg_prop(f, "id"), *title = mg_prop(f, "title");
  char *by = mg_prop(f, "filled-by");
  xmlNodePtr x = xmlNewChild(out, NULL, BAD_CAST "form", NULL);
  xmlNewProp(x, BAD_CAST "id", BAD_CAST id);
  xmlNewProp(x, BAD_CAST "title", BAD_CAST title);
  xmlNewProp(x, BAD_CAST "filled-by", BAD_CAST by);
  char *what = mg_xasprintf("form '%s' (《%s》)", id, title);
  owner o;
  if (follow(c, NULL, by, what, "forms", &o) < 0) {
    c->errors++;
  } else if (o.post && !has_post(c, o.post) && c->man->checks) {
    mg_diag_store(MG_ERROR, mg_manual_file(c->man, f), (int)lineof(f), 0,
                  c->store,
                  "%s has no one to fill it: this hall has no post '%s' and "
                  "no reassignment applies [forms]",
                  what, o.post);
    c->errors++;
  }
  if (!o.post && !o.outside)
    o.post = mg_xstrdup(by);
  char *ot = owner_title(c, &o);
  xmlNewProp(x, BAD_CAST(o.post ? "owner" : "outside"),
             BAD_CAST(o.post ? o.post : o.outside));
  xmlNewProp(x, BAD_CAST "owner-title", BAD_CAST ot);
  free(ot);
  free(o.post);
  free(o.outside);
  free(what);
  free(id);
  free(title);
  free(by);
}

xmlNodePtr mg_duties_assign(const mg_manual *man, xmlDocPtr eff,
                            const char *store) {
  actx c = {0};
  c.man = man;
  c.store = store;
  c.xp = mg_expr_context_new(eff);
  c.posts = xmlHashCreate(0);
  xmlNodePtr out = xmlNewNode(NULL, BAD_CAST "duties");
  xmlNodePtr root = xmlDocGetRootElement(eff);
  for (xmlNodePtr ps = root ? root->children : NULL; ps; ps = ps->next) {
    if (ps->type != XML_ELEMENT_NODE || strcmp((const char *)ps->name, "posts"))
      continue;
    for (xmlNodePtr p = ps->children; p; p = p->next) {
      if (p->type != XML_ELEMENT_NODE || strcmp((const char *)p->name, "post"))
        continue;
      char *key = mg_prop(p, "key"), *count = mg_prop(p, "count");
      if (key && count && atol(count) > 0 &&
          !xmlHashLookup(c.posts, BAD_CAST key)) {
        xmlHashAddEntry(c.posts, BAD_CAST key, p);
        char *title = mg_prop(p, "title");
        xmlNodePtr x = xmlNewChild(out, NULL, BAD_CAST "post", NULL);
        xmlNewProp(x, BAD_CAST "key", BAD_CAST key);
        xmlNewProp(x, BAD_CAST "title", BAD_CAST(title ? title : key));
        xmlNewProp(x, BAD_CAST "count", BAD_CAST count);
        free(title);
      }
      free(key);
      free(count);
    }
  }
  for (xmlNodePtr d = man->duties ? man->duties->children : NULL; d;
       d = d->next)
    if (mg_is_m(d, "duty"))
      assign_duty(&c, d, out);
  for (xmlNodePtr f = man->forms ? man->forms->children : NULL; f; f = f->next)
    if (mg_is_m(f, "form"))
      assign_form(&c, f, out);
  xmlHashFree(c.posts, NULL);
  xmlXPathFreeContext(c.xp);
  if (c.errors && man->checks) {
    xmlFreeNode(out);
    return NULL;
  }
  return out;
}

/* ------------------------------------------------------ rule `named` */

/* One name a parameter file gives: a post's title or a zone's name. */
typedef struct {
  char *name;
  size_t len; /* bytes */
  int zone;   /* 0: a post */
  char *key;
} name_entry;

/* The names first found by their first character: an xmlHash from the
 * character's bytes to the names starting with it, longest first. */
typedef struct {
  size_t n, cap;
  size_t *v; /* indices into mg_named.v */
} name_list;

struct mg_named {
  name_entry *v; /* longest first; the same name's entries adjacent */
  size_t n, cap;
  xmlHashTablePtr first; /* first character -> name_list */
  xmlHashTablePtr seen;  /* (name, key, "post" or "zone"), while learning */
  /* the first two bytes of every name, a bit each: most characters of a
   * text start no name, and are passed over without a lookup */
  unsigned char lead[65536 / 8];
  int short_name; /* a name of one byte: every position is looked up */
  /* what is known of nodes of the manual (doc), found once: the names
   * in each md:text (every hall then only asks which of them it lacks;
   * runs of `at`), and whether an element is inert (mg_named_inert). A
   * table by node, open addressing; a node neither is of is not in it */
  xmlDocPtr doc;
  struct node_info {
    const void *node;
    size_t first, n; /* its names: at[first .. first + n) */
    int inert;
  } * nodes;
  size_t nsize, nnodes; /* nsize: a power of two, or 0 */
  struct name_at {
    size_t off;  /* bytes, in the text */
    size_t name; /* index into v */
  } * at;
  size_t nat, atcap;
};

static size_t lead_of(const char *s) {
  return (size_t)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

static void learn_one(struct mg_named *nm, const char *name, int zone,
                      const char *key) {
  const xmlChar *kind = BAD_CAST(zone ? "zone" : "post");
  if (xmlHashLookup3(nm->seen, BAD_CAST name, BAD_CAST key, kind))
    return; /* the same again (defaults and a city) */
  xmlHashAddEntry3(nm->seen, BAD_CAST name, BAD_CAST key, kind, (void *)1);
  if (nm->n == nm->cap) {
    nm->cap = nm->cap ? 2 * nm->cap : 16;
    nm->v = mg_xrealloc(nm->v, nm->cap * sizeof *nm->v);
  }
  nm->v[nm->n++] =
      (name_entry){mg_xstrdup(name), strlen(name), zone, mg_xstrdup(key)};
}

/* Learns the post titles and zone names of one parameter file. */
static void learn_doc(struct mg_named *nm, xmlDocPtr doc) {
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
  for (xmlNodePtr l = root ? root->children : NULL; l; l = l->next) {
    if (l->type != XML_ELEMENT_NODE)
      continue;
    int zone = !strcmp((const char *)l->name, "zones");
    if (!zone && strcmp((const char *)l->name, "posts"))
      continue;
    for (xmlNodePtr e = l->children; e; e = e->next) {
      if (e->type != XML_ELEMENT_NODE ||
          strcmp((const char *)e->name, zone ? "zone" : "post"))
        continue;
      char *key = mg_prop(e, "key"),
           *name = mg_prop(e, zone ? "name" : "title");
      if (key && name && *name)
        learn_one(nm, name, zone, key);
      free(key);
      free(name);
    }
  }
}

static int longest_first(const void *x, const void *y) {
  const name_entry *a = x, *b = y;
  if (a->len != b->len)
    return a->len < b->len ? 1 : -1;
  int c = strcmp(a->name, b->name);
  return c ? c : strcmp(a->key, b->key);
}

/* The length in bytes of the UTF-8 character starting with byte b (1 for
 * a byte that starts none). */
static size_t char_len(unsigned char b) {
  return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

static void free_list(void *payload, const xmlChar *name) {
  (void)name;
  name_list *l = payload;
  free(l->v);
  free(l);
}

void mg_named_digest(const mg_manual *man, mg_digest *d) {
  const struct mg_named *nm = man->named;
  for (size_t i = 0; nm && i < nm->n; i++) {
    mg_digest_update(d, nm->v[i].name, nm->v[i].len + 1);
    mg_digest_update(d, nm->v[i].key, strlen(nm->v[i].key) + 1);
    mg_digest_update(d, nm->v[i].zone ? "z" : "p", 1);
  }
}

static size_t scan(const struct mg_named *n, const unsigned char *absent,
                   const char *text, size_t len, size_t *pos, size_t *off);

/* node's entry in the table, or the empty slot it would take (NULL: no
 * table yet). */
static struct node_info *node_entry(const struct mg_named *nm,
                                    const void *node) {
  if (!nm->nsize)
    return NULL;
  uint64_t h = (uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15u;
  for (size_t i = (size_t)(h >> 32) & (nm->nsize - 1);;
       i = (i + 1) & (nm->nsize - 1))
    if (nm->nodes[i].node == node || !nm->nodes[i].node)
      return &nm->nodes[i];
}

/* node's entry, added (zeroed) when it has none. */
static struct node_info *node_add(struct mg_named *nm, const void *node) {
  struct node_info *e = node_entry(nm, node);
  if (e && e->node)
    return e;
  if (2 * (nm->nnodes + 1) > nm->nsize) { /* grow: rehash */
    struct node_info *old = nm->nodes;
    size_t osize = nm->nsize;
    nm->nsize = osize ? 2 * osize : 1024;
    nm->nodes = mg_xcalloc(nm->nsize, sizeof *nm->nodes);
    for (size_t k = 0; k < osize; k++)
      if (old[k].node)
        *node_entry(nm, old[k].node) = old[k];
    free(old);
  }
  e = node_entry(nm, node);
  *e = (struct node_info){node, 0, 0, 0};
  nm->nnodes++;
  return e;
}

/* The names in md:text t, whether a hall has them or not: which names are
 * found does not depend on it (a name found is passed over whole either
 * way). */
static void add_text(struct mg_named *nm, xmlNodePtr t) {
  xmlChar *s = xmlNodeGetContent(t);
  size_t len = s ? strlen((const char *)s) : 0, pos = 0, first = nm->nat;
  size_t i, off;
  while (s &&
         (i = scan(nm, NULL, (const char *)s, len, &pos, &off)) != SIZE_MAX) {
    if (nm->nat == nm->atcap) {
      nm->atcap = nm->atcap ? 2 * nm->atcap : 64;
      nm->at = mg_xrealloc(nm->at, nm->atcap * sizeof *nm->at);
    }
    nm->at[nm->nat].off = off;
    nm->at[nm->nat++].name = i;
  }
  xmlFree(s);
  if (nm->nat == first)
    return;
  struct node_info *e = node_add(nm, t);
  e->first = first;
  e->n = nm->nat - first;
}

/* Whether text t names anything (it was indexed). */
static int names_in(const struct mg_named *nm, const void *t) {
  const struct node_info *e = node_entry(nm, t);
  return e && e->node && e->n;
}

int mg_named_inert(const struct mg_named *nm, xmlNodePtr el) {
  const struct node_info *e = nm ? node_entry(nm, el) : NULL;
  return e && e->node && e->inert;
}

static int is_ns(xmlNsPtr ns, const char *href) {
  return ns && !strcmp((const char *)ns->href, href);
}

/* Whether element n (of a section's body) is inert: resolve.c copies it
 * alike for every hall -- no placeholder, no condition, no link (whose
 * target a hall may leave out or fill in), no duty item -- and no text
 * under it names a post or a zone. Notes every inert element. */
static int mark_inert(struct mg_named *nm, xmlNodePtr n) {
  if (n->type != XML_ELEMENT_NODE)
    return 1; /* its text is copied as it is; the rest is not copied */
  int inert = !is_ns(n->ns, MG_NS) && strcmp((const char *)n->name, "link") &&
              strcmp((const char *)n->name, "image");
  for (xmlAttrPtr a = n->properties; a && inert; a = a->next)
    if (is_ns(a->ns, MG_NS) && !strcmp((const char *)a->name, "duty"))
      inert = 0;
  if (inert && !strcmp((const char *)n->name, "text") && is_ns(n->ns, MD_NS))
    inert = !names_in(nm, n);
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (!mark_inert(nm, k))
      inert = 0;
  if (inert)
    node_add(nm, n)->inert = 1;
  return inert;
}

/* Every md:text under n. */
static void index_walk(struct mg_named *nm, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (!strcmp((const char *)n->name, "text") && n->ns &&
        !strcmp((const char *)n->ns->href, MD_NS))
      add_text(nm, n);
    else
      index_walk(nm, n->children);
  }
}

static void index_texts(struct mg_named *nm, const mg_manual *man) {
  if (!man->doc)
    return;
  nm->doc = man->doc;
  if (nm->n)
    index_walk(nm, man->doc->children);
  /* then which elements of the bodies are inert, knowing the texts */
  for (size_t i = 0; i < man->nsections; i++) {
    xmlNodePtr body = mg_manual_body(man->sections[i]);
    for (xmlNodePtr k = body ? body->children : NULL; k; k = k->next)
      mark_inert(nm, k);
  }
}

void mg_duties_learn_names(mg_manual *man, mg_params *p) {
  struct mg_named *nm = mg_xcalloc(1, sizeof *nm);
  nm->seen = xmlHashCreate(0);
  learn_doc(nm, p->defaults);
  for (size_t i = 0; i < p->ncities; i++)
    learn_doc(nm, p->city_docs[i]);
  for (size_t i = 0; i < p->store_ids.n; i++)
    learn_doc(nm, p->store_docs[i]);
  xmlHashFree(nm->seen, NULL);
  nm->seen = NULL;
  if (nm->n)
    qsort(nm->v, nm->n, sizeof *nm->v, longest_first);
  nm->first = xmlHashCreate(0);
  for (size_t i = 0; i < nm->n; i++) {
    char c[5] = {0};
    size_t k = char_len((unsigned char)nm->v[i].name[0]);
    memcpy(c, nm->v[i].name, k <= nm->v[i].len ? k : nm->v[i].len);
    name_list *l = xmlHashLookup(nm->first, BAD_CAST c);
    if (!l) {
      l = mg_xcalloc(1, sizeof *l);
      xmlHashAddEntry(nm->first, BAD_CAST c, l);
    }
    if (l->n == l->cap) {
      l->cap = l->cap ? 2 * l->cap : 4;
      l->v = mg_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = i; /* in order: longest first */
    if (nm->v[i].len < 2) {
      nm->short_name = 1;
    } else {
      size_t b = lead_of(nm->v[i].name);
      nm->lead[b / 8] |= (unsigned char)(1u << (b % 8));
    }
  }
  index_texts(nm, man);
  mg_named_free(man->named);
  man->named = nm;
}

void mg_named_free(struct mg_named *n) {
  if (!n)
    return;
  for (size_t i = 0; i < n->n; i++) {
    free(n->v[i].name);
    free(n->v[i].key);
  }
  free(n->v);
  xmlHashFree(n->first, free_list);
  free(n->nodes);
  free(n->at);
  free(n);
}

/* Whether the hall (eff) has key among its posts (zone 0) or zones. */
static int hall_has(xmlDocPtr eff, int zone, const char *key) {
  xmlNodePtr root = xmlDocGetRootElement(eff);
  for (xmlNodePtr l = root ? root->children : NULL; l; l = l->next) {
    if (l->type != XML_ELEMENT_NODE ||
        strcmp((const char *)l->name, zone ? "zones" : "posts"))
      continue;
    for (xmlNodePtr e = l->children; e; e = e->next) {
      if (e->type != XML_ELEMENT_NODE ||
          strcmp((const char *)e->name, zone ? "zone" : "post"))
        continue;
      xmlChar *k = xmlGetProp(e, BAD_CAST "key");
      int same = k && !strcmp((const char *)k, key);
      xmlFree(k);
      if (same)
        return 1;
    }
  }
  return 0;
}

unsigned char *mg_named_absent(const struct mg_named *n, xmlDocPtr eff) {
  if (!n || !eff)
    return NULL;
  unsigned char *absent = mg_xcalloc(n->n ? n->n : 1, 1);
  for (size_t i = 0; i < n->n; i++)
    absent[i] = !hall_has(eff, n->v[i].zone, n->v[i].key);
  /* a name two keys share is absent only when the hall has neither */
  for (size_t i = 0; i < n->n;) {
    size_t j = i, all = 1;
    while (j < n->n && !strcmp(n->v[j].name, n->v[i].name))
      all &= absent[j++];
    for (size_t k = i; k < j; k++)
      absent[k] = (unsigned char)all;
    i = j;
  }
  return absent;
}

/* The next name in text from *pos on: at each character the longest
 * name that starts there, a name the hall has (absent[i] 0; absent NULL:
 * every name counts) passed over whole. Returns its index into n->v, *off
 * where it is and *pos after it; SIZE_MAX at the end. */
static size_t scan(const struct mg_named *n, const unsigned char *absent,
                   const char *text, size_t len, size_t *pos, size_t *off) {
  char c[5];
  for (size_t i = *pos; i < len;) {
    size_t k = char_len((unsigned char)text[i]);
    if (k > len - i)
      k = len - i;
    if (!n->short_name) {
      size_t b = i + 1 < len ? lead_of(text + i) : 0;
      if (!b || !(n->lead[b / 8] & (1u << (b % 8)))) {
        i += k; /* no name starts here */
        continue;
      }
    }
    memcpy(c, text + i, k);
    c[k] = '\0';
    const name_list *l = xmlHashLookup(n->first, BAD_CAST c);
    size_t found = SIZE_MAX;
    for (size_t j = 0; l && j < l->n && found == SIZE_MAX; j++) {
      const name_entry *e = &n->v[l->v[j]];
      if (e->len <= len - i && !memcmp(text + i, e->name, e->len))
        found = l->v[j]; /* the longest name that starts here */
    }
    if (found == SIZE_MAX) {
      i += k;
      continue;
    }
    if (!absent || absent[found]) {
      *off = i;
      *pos = i + n->v[found].len;
      return found;
    }
    i += n->v[found].len; /* a name the hall has: nothing inside it counts */
  }
  *pos = len;
  return SIZE_MAX;
}

static void hit_of(const struct mg_named *n, size_t i, size_t off,
                   mg_named_hit *hit) {
  const name_entry *e = &n->v[i];
  hit->off = off;
  hit->name = e->name;
  hit->len = e->len;
  hit->key = e->key;
  hit->zone = e->zone;
}

int mg_named_next(const struct mg_named *n, const unsigned char *absent,
                  const char *text, size_t len, size_t *pos,
                  mg_named_hit *hit) {
  size_t off, i = scan(n, absent, text, len, pos, &off);
  if (i == SIZE_MAX)
    return 0;
  hit_of(n, i, off, hit);
  return 1;
}

int mg_named_next_in(const struct mg_named *n, const unsigned char *absent,
                     xmlNodePtr text, size_t *pos, mg_named_hit *hit) {
  if (!n->doc || text->doc != n->doc)
    return -1;
  const struct node_info *t = node_entry(n, text);
  if (!t || !t->node)
    return 0; /* no name in it */
  /* the names of the text, in order; skipped whole when the hall has
   * them, as the scan would have */
  for (; *pos < t->n; ++*pos) {
    const struct name_at *a = &n->at[t->first + *pos];
    if (absent[a->name]) {
      hit_of(n, a->name, a->off, hit);
      ++*pos;
      return 1;
    }
  }
  return 0;
}
