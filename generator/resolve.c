/* resolve.c -- the compiled manual, tailored to one store.
 *
 * A pure function of the compiled manual (compile.c) and one store's
 * effective parameters: it reads both and writes only the new document it
 * returns. For each section it evaluates applies-to; in each body it
 * keeps the branch of a conditional passage that holds, replaces
 * placeholders with their values (as text: never parsed as Markdown,
 * escaped on output), fills placeholders in link destinations, unlinks
 * cross references to sections this store leaves out, and blanks
 * dangerous URLs as cmark does. It makes each 《title》 of a declared
 * form a link to the form and, for the draft, reports the names of posts
 * and zones the store lacks (rule `named`, docs/design.md).
 *
 * The result holds the store's content only. What is the same for every
 * store of an edition (its name and date, the UI strings) is added by
 * mg_resolved_decorate, so that a hall's content can be compared across
 * editions without the date making every hall "changed". */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manualgen.h"

typedef struct {
  const mg_manual *man;
  xmlXPathContextPtr xp; /* NULL when there is no store */
  const char *store;
  const unsigned char *included;
  xmlNsPtr m, md;
  int errors;
  xmlNodePtr duties;    /* mg_duties_assign's, or NULL */
  xmlHashTablePtr duty; /* duty id -> its <duty> there */
  /* rule `named` (the draft's halls only): which of man->named's names
   * the hall lacks, or NULL; the posts of the section being copied (its
   * front matter's, space-separated); the string literals of the
   * conditions of the branches being copied */
  const unsigned char *absent;
  const char *posts;
  mg_strv lits;
  /* form title -> its id, when the manual declares forms; the depth of
   * links being copied (a form's name in a link's text is no link) */
  xmlHashTablePtr form_id;
  int in_link;
  /* a body traced (mg_resolve_lazy): what decides its copy, and its
   * placeholders' values, are noted in tr; no node is made (dst NULL).
   * quiet: a traced body being made, whose messages were given */
  struct trace *tr;
  int quiet;
  /* the hall's value of each expression (by its text, mg_expr.uniq) met
   * so far, and of each condition (0 unknown, 1 false, 2 true): a manual
   * asks the same few many times */
  char **values;
  const char **types; /* the schema type of each value's attribute */
  unsigned char *conds;
} rctx;

/* What a hall's copy of one section's body is a function of, besides the
 * compiled manual: the branches taken, which links and duty items stay,
 * the strings put in attributes, and its placeholders' values -- those
 * splice.c holes by their number (the same value, the same number, in
 * order of first appearance), the others as they are. (Which links and
 * duty items stay also follows from the hall's sections and duties,
 * which its skeleton holds; they are noted so that a body's key stands
 * on its own.) */
struct trace {
  mg_buf b;
  mg_strv values; /* the holed values, distinct, in order */
  int unsafe;     /* a value holds the token characters */
};

static void trace_int(rctx *c, char tag, long v) {
  if (!c->tr)
    return;
  char b[1 + sizeof v];
  b[0] = tag;
  memcpy(b + 1, &v, sizeof v);
  mg_buf_put(&c->tr->b, b, sizeof b);
}

/* a string put in an attribute (never holed) */
static void trace_str(rctx *c, char tag, const char *v) {
  if (!c->tr)
    return;
  v = v ? v : "";
  trace_int(c, tag, (long)strlen(v));
  mg_buf_puts(&c->tr->b, v);
  c->tr->unsafe |= mg_splice_token_chars(v);
}

/* a placeholder's value: holed, or as it is (blank: splice.c's rule) */
static void trace_value(rctx *c, const char *v) {
  struct trace *t = c->tr;
  if (!t)
    return;
  if (!mg_splice_holeable(v, 1)) {
    trace_str(c, 'L', v);
    return;
  }
  t->unsafe |= mg_splice_token_chars(v);
  size_t k = 0;
  while (k < t->values.n && strcmp(t->values.v[k], v))
    k++;
  if (k == t->values.n)
    mg_strv_push(&t->values, mg_xstrdup(v));
  trace_int(c, 'H', (long)k);
}

/* The i-th expression of node n (compile.c), NULL when it did not
 * compile (reported then). */
static const mg_expr *expr_of(xmlNodePtr n, size_t i) {
  const mg_expr_list *l = n->_private;
  return l && i < l->n ? l->v[i] : NULL;
}

static int cond(rctx *c, const mg_expr *e) {
  if (!e) {
    c->errors++; /* reported when it failed to compile */
    return 0;
  }
  if (!c->xp) {
    mg_diag(MG_ERROR, e->file, e->line, e->col,
            "a store is needed to evaluate '%s' (use --store)", e->src);
    c->errors++;
    return 0;
  }
  int memo = e->uniq < c->man->nuniq;
  if (memo && !c->conds)
    c->conds = mg_xcalloc(c->man->nuniq, 1);
  if (memo && c->conds[e->uniq])
    return c->conds[e->uniq] == 2;
  int b = mg_expr_bool(c->xp, e, c->store);
  if (b < 0)
    c->errors++; /* reported; asked again, reported again */
  else if (memo)
    c->conds[e->uniq] = b ? 2 : 1;
  return b > 0;
}

static void free_memo(rctx *c) {
  for (size_t i = 0; c->values && i < c->man->nuniq; i++)
    free(c->values[i]);
  free(c->values);
  free(c->types);
  free(c->conds);
}

/* The hall's value of e (caller frees); *type, when asked for, the schema
 * type of the attribute it is (mg_expr_value). */
static char *value(rctx *c, const mg_expr *e, const char **type) {
  if (type)
    *type = NULL;
  if (!e) {
    c->errors++;
    return mg_xstrdup("");
  }
  if (!c->xp) {
    mg_diag(MG_ERROR, e->file, e->line, e->col,
            "a store is needed to evaluate '{{ %s }}' (use --store)", e->src);
    c->errors++;
    return mg_xstrdup("");
  }
  int memo = e->uniq < c->man->nuniq;
  if (memo && !c->values) {
    c->values = mg_xcalloc(c->man->nuniq, sizeof *c->values);
    c->types = mg_xcalloc(c->man->nuniq, sizeof *c->types);
  }
  if (memo && c->values[e->uniq]) {
    if (type)
      *type = c->types[e->uniq];
    return mg_xstrdup(c->values[e->uniq]);
  }
  const char *t;
  char *s = mg_expr_value(c->xp, e, c->store, c->man->names, &t);
  if (!s) {
    c->errors++;
    return mg_xstrdup("");
  }
  if (memo) {
    c->values[e->uniq] = mg_xstrdup(s);
    c->types[e->uniq] = t;
  }
  if (type)
    *type = t;
  return s;
}

/* Replaces the "{{...}}" of s, in order, with the values of n's
 * expressions from *at on. */
static char *fill(rctx *c, xmlNodePtr n, const char *s, size_t *at) {
  mg_buf b = {0};
  const char *p = s;
  for (;;) {
    const char *o = strstr(p, "{{");
    const char *e = o ? strstr(o + 2, "}}") : NULL;
    if (!o || !e) {
      mg_buf_puts(&b, p);
      break;
    }
    mg_buf_put(&b, p, (size_t)(o - p));
    char *v = value(c, expr_of(n, (*at)++), NULL);
    mg_buf_puts(&b, v);
    free(v);
    p = e + 2;
  }
  return b.data ? b.data : mg_xstrdup("");
}

/* cmark's rule: javascript:, vbscript:, file: and data: (but images) */
static int dangerous(const char *url) {
  while (*url == ' ')
    url++;
  if (!strncasecmp(url, "javascript:", 11) ||
      !strncasecmp(url, "vbscript:", 9) || !strncasecmp(url, "file:", 5))
    return 1;
  if (!strncasecmp(url, "data:", 5)) {
    static const char *ok[] = {"image/png", "image/gif", "image/jpeg",
                               "image/webp"};
    for (size_t i = 0; i < 4; i++)
      if (!strncasecmp(url + 5, ok[i], strlen(ok[i])))
        return 0;
    return 1;
  }
  return 0;
}

static int iattr(xmlNodePtr n, const char *name, int def) {
  xmlChar *v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST MG_NS);
  if (!v)
    return def;
  int r = atoi((const char *)v);
  xmlFree(v);
  return r;
}

/* Whether this store's handbook has the section with this id. A section
 * that failed to parse was reported: links into it are not worth a
 * warning in every hall. */
static int section_included(rctx *c, const char *id) {
  int i = mg_manual_section_index(c->man, id);
  if (i < 0)
    return 0;
  return c->included && mg_manual_body(c->man->sections[i]) ? c->included[i]
                                                            : 1;
}

static void copy_children(rctx *c, xmlNodePtr src, xmlNodePtr dst);

/* A duty item of the hall (n, the compiled one; x, its copy, or NULL
 * when traced): the declared title, and the hall's owner when it is not
 * the declared one (m:owner-title; m:status reassigned or outside). */
static void duty_item(rctx *c, xmlNodePtr n, xmlNodePtr x) {
  xmlChar *id = xmlGetNsProp(n, BAD_CAST "duty", BAD_CAST MG_NS);
  xmlNodePtr d = c->duty ? xmlHashLookup(c->duty, id) : NULL;
  if (!d && c->man->duty_decl) /* a preview: the declared title */
    d = xmlHashLookup(c->man->duty_decl, id);
  xmlFree(id);
  trace_int(c, 'I', d != NULL);
  if (!d)
    return;
  char *title = mg_prop(d, "title"), *status = mg_prop(d, "status");
  char *owner = mg_prop(d, "owner-title");
  int other =
      status && (!strcmp(status, "reassigned") || !strcmp(status, "outside"));
  trace_str(c, 't', title);
  trace_str(c, 'o', other ? owner : NULL);
  trace_int(c, 'o', other);
  trace_str(c, 's', status);
  trace_int(c, 's', status != NULL);
  if (x) {
    xmlNewNsProp(x, c->m, BAD_CAST "duty-title", BAD_CAST title);
    if (other)
      xmlNewNsProp(x, c->m, BAD_CAST "owner-title", BAD_CAST owner);
    if (status)
      xmlNewNsProp(x, c->m, BAD_CAST "status", BAD_CAST status);
  }
  free(title);
  free(status);
  free(owner);
}

/* ------------------------------------------------------ rule `named` */

/* Appends the string literals of XPath expression x ('…' or "…") to sv. */
static void push_literals(mg_strv *sv, const char *x) {
  for (const char *p = x; p && *p; p++) {
    if (*p != '\'' && *p != '"')
      continue;
    const char *e = strchr(p + 1, *p);
    if (!e)
      break;
    mg_strv_push(sv, mg_xstrndup(p + 1, (size_t)(e - p - 1)));
    p = e;
  }
}

static void pop_literals(mg_strv *sv, size_t mark) {
  while (sv->n > mark)
    free(sv->v[--sv->n]);
}

/* True when word is one of the space-separated words of list. */
static int in_list(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; p && *p;) {
    while (*p == ' ')
      p++;
    const char *e = p;
    while (*e && *e != ' ')
      e++;
    if ((size_t)(e - p) == n && !memcmp(p, word, n))
      return 1;
    p = e;
  }
  return 0;
}

/* A name the hall lacks may stand in a section about that post (its
 * front matter's posts), or in a branch whose condition names the key. */
static int exempt(const rctx *c, const mg_named_hit *h) {
  if (!h->zone && in_list(c->posts, h->key))
    return 1;
  for (size_t i = 0; i < c->lits.n; i++)
    if (!strcmp(c->lits.v[i], h->key))
      return 1;
  return 0;
}

/* Reports every name in text s (of n, a md:text of the compiled manual)
 * of a post or zone the hall lacks, at its line and character column.
 * Text the resolver makes (a placeholder's value) has no line: skipped. */
static void check_named(rctx *c, xmlNodePtr n, const char *s) {
  int line = -1, col = 0; /* read at the first name found: most texts
                             have none, and reading costs a malloc */
  size_t pos = 0, counted = 0, len = strlen(s);
  mg_named_hit h;
  /* the names of the manual's texts were found once: only which of them
   * this hall lacks is asked here */
  int found = mg_named_next_in(c->man->named, c->absent, n, &pos, &h);
  int indexed = found >= 0;
  if (!indexed)
    found = mg_named_next(c->man->named, c->absent, s, len, &pos, &h);
  for (; found > 0;
       found = indexed ? mg_named_next_in(c->man->named, c->absent, n, &pos, &h)
                       : mg_named_next(c->man->named, c->absent, s, len, &pos,
                                       &h)) {
    if (exempt(c, &h))
      continue;
    if (line < 0) {
      line = iattr(n, "line", 0);
      col = iattr(n, "col", 0);
    }
    if (line <= 0)
      return;
    for (; counted < h.off; counted++)
      col += ((unsigned char)s[counted] & 0xC0) != 0x80;
    const char *what = h.zone ? "zone" : "post";
    mg_diag_store(MG_ERROR, mg_manual_file(c->man, n), line, col, c->store,
                  "this hall has no %s (%s %s): reword, or show the passage "
                  "only where there is one with <!-- if: %s/%s[@key='%s'] "
                  "--> [named]",
                  h.name, what, h.key, h.zone ? "zones" : "posts", what, h.key);
    c->errors++;
  }
}

/* ----------------------------------------------------------- form links */

#define LQ "\xE3\x80\x8A" /* 《 */
#define RQ "\xE3\x80\x8B" /* 》 */

static void put_text(rctx *c, xmlNodePtr dst, const char *s, size_t n) {
  xmlNodePtr t = xmlNewChild(dst, c->md, BAD_CAST "text", NULL);
  xmlAddChild(t, xmlNewTextLen(BAD_CAST s, (int)n));
}

/* A md:text of the compiled manual (n), copied to dst: checked for names
 * (rule `named`), and each 《title》 of a declared form made a link to
 * it: md:link m:form="<id>" around the title (the stylesheets give the
 * address: forms.html, or the handbook's own forms part). */
static void copy_text(rctx *c, xmlNodePtr n, xmlNodePtr dst) {
  /* a md:text holds one text node: read it in place */
  xmlNodePtr only = n->children;
  int one = only && !only->next && only->type == XML_TEXT_NODE;
  xmlChar *t = one ? NULL : xmlNodeGetContent(n);
  const char *s = one ? (const char *)only->content : t ? (const char *)t : "";
  if (c->absent)
    check_named(c, n, s);
  if (!dst) { /* traced: the copy is a function of the text */
    xmlFree(t);
    return;
  }
  size_t done = 0;
  for (const char *p = s; c->form_id && !c->in_link && (p = strstr(p, LQ));) {
    const char *x = p + 3, *e = strstr(x, RQ);
    if (!e)
      break;
    char *title = mg_xstrndup(x, (size_t)(e - x));
    const char *id = xmlHashLookup(c->form_id, BAD_CAST title);
    if (id) {
      put_text(c, dst, s + done, (size_t)(x - (s + done)));
      xmlNodePtr l = xmlNewChild(dst, c->md, BAD_CAST "link", NULL);
      xmlNewProp(l, BAD_CAST "destination", BAD_CAST "");
      xmlNewProp(l, BAD_CAST "title", BAD_CAST "");
      xmlNewNsProp(l, c->m, BAD_CAST "form", BAD_CAST id);
      put_text(c, l, x, (size_t)(e - x));
      done = (size_t)(e - s);
    }
    free(title);
    p = e + 3;
  }
  if (!done || s[done])
    put_text(c, dst, s + done, strlen(s + done));
  xmlFree(t);
}

static void free_id(void *payload, const xmlChar *name) {
  (void)name;
  free(payload);
}

static int is_md_text(xmlNodePtr n) {
  return n->ns && !strcmp((const char *)n->ns->href, MD_NS) &&
         !strcmp((const char *)n->name, "text");
}

/* Copies n, tailored to the hall, to dst; or, when dst is NULL (a traced
 * body), only decides what the copy would be. */
static void copy_node(rctx *c, xmlNodePtr n, xmlNodePtr dst) {
  if (n->type == XML_TEXT_NODE) {
    if (dst)
      xmlAddChild(dst, xmlNewText(n->content));
    return;
  }
  if (n->type != XML_ELEMENT_NODE)
    return;
  /* traced: what is the same in every hall and names nothing is not
   * walked */
  if (!dst && mg_named_inert(c->man->named, n))
    return;
  if (mg_is_m(n, "ph")) {
    const char *type;
    char *v = value(c, expr_of(n, 0), &type);
    trace_value(c, v);
    /* a phone number or an e-mail address: the pages make it a link
     * (m:link, the scheme), unless it is inside one already */
    const char *scheme = NULL;
    if (type && !c->in_link && *v)
      scheme = !strcmp(type, "Phone")   ? "tel"
               : !strcmp(type, "Email") ? "mailto"
                                        : NULL;
    trace_int(c, 'K', scheme ? *scheme : 0);
    if (dst) {
      xmlNodePtr t = xmlNewChild(dst, c->md, BAD_CAST "text", NULL);
      if (scheme)
        xmlNewNsProp(t, c->m, BAD_CAST "link", BAD_CAST scheme);
      xmlNodePtr tv = xmlNewText(BAD_CAST v);
      /* the hall's own string: splice.c renders it as a hole */
      tv->_private = (void *)&mg_placeholder_mark;
      xmlAddChild(t, tv);
    }
    free(v);
    return;
  }
  if (mg_is_m(n, "choose")) {
    xmlNodePtr first = mg_m_child(n, "when");
    long k = 0;
    for (xmlNodePtr b = n->children; b; b = b->next, k++) {
      if (mg_is_m(b, "otherwise") ||
          (mg_is_m(b, "when") && cond(c, expr_of(b, 0)))) {
        trace_int(c, 'B', k);
        /* rule `named`: the branch may name what its condition names;
         * an elif or else, what any condition of its choose names */
        size_t mark = c->lits.n;
        for (xmlNodePtr w = n->children; c->absent && w; w = w->next)
          if (mg_is_m(w, "when") && (b != first || w == b)) {
            xmlChar *test = xmlGetProp(w, BAD_CAST "test");
            push_literals(&c->lits, (const char *)test);
            xmlFree(test);
          }
        copy_children(c, b, dst);
        pop_literals(&c->lits, mark);
        return;
      }
    }
    trace_int(c, 'B', -1);
    return;
  }
  if (is_md_text(n)) {
    copy_text(c, n, dst);
    return;
  }
  if (mg_is_m(n, NULL))
    return;
  int is_link = !strcmp((const char *)n->name, "link");
  int is_image = !strcmp((const char *)n->name, "image");
  if (is_link) {
    xmlChar *target = xmlGetNsProp(n, BAD_CAST "section", BAD_CAST MG_NS);
    int out = target && !section_included(c, (const char *)target);
    trace_int(c, 'S', out);
    if (out) {
      if (!c->quiet)
        mg_diag_store(MG_WARNING, mg_manual_file(c->man, n),
                      iattr(n, "line", 0), iattr(n, "col", 0), c->store,
                      "link to section '%s', which this store's handbook "
                      "leaves out: shown as plain text",
                      (const char *)target);
      xmlFree(target);
      copy_children(c, n, dst);
      return;
    }
    xmlFree(target);
  }
  int duty = xmlHasNsProp(n, BAD_CAST "duty", BAD_CAST MG_NS) != NULL;
  if (c->duty && duty) {
    /* a duty that does not apply in this hall is not in its handbook */
    xmlChar *id = xmlGetNsProp(n, BAD_CAST "duty", BAD_CAST MG_NS);
    xmlNodePtr d = xmlHashLookup(c->duty, id);
    xmlChar *st = d ? xmlGetProp(d, BAD_CAST "status") : NULL;
    int skip = st && !strcmp((const char *)st, "not-applicable");
    xmlFree(st);
    xmlFree(id);
    trace_int(c, 'D', skip);
    if (skip)
      return;
  }
  xmlNodePtr x = dst ? xmlNewChild(dst, c->md, n->name, NULL) : NULL;
  for (xmlAttrPtr a = x ? n->properties : NULL; a; a = a->next) {
    int mine = a->ns && !strcmp((const char *)a->ns->href, MG_NS);
    if (mine && strcmp((const char *)a->name, "section") &&
        strcmp((const char *)a->name, "chapter") &&
        strcmp((const char *)a->name, "anchor") &&
        strcmp((const char *)a->name, "duty"))
      continue;
    xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
    xmlNewNsProp(x, mine ? c->m : NULL, a->name, v);
    xmlFree(v);
  }
  if ((is_link || is_image) && (x || n->_private)) {
    xmlChar *dest = xmlGetProp(n, BAD_CAST "destination");
    xmlChar *title = xmlGetProp(n, BAD_CAST "title");
    if (n->_private) { /* placeholders in destination or title */
      size_t at = 0;
      char *d = fill(c, n, dest ? (const char *)dest : "", &at);
      char *t = fill(c, n, title ? (const char *)title : "", &at);
      trace_str(c, 'd', d);
      trace_str(c, 't', t);
      if (x) {
        xmlSetProp(x, BAD_CAST "destination", BAD_CAST d);
        xmlSetProp(x, BAD_CAST "title", BAD_CAST t);
      }
      xmlFree(dest);
      dest = xmlStrdup(BAD_CAST d);
      free(d);
      free(t);
    }
    if (x && dest && dangerous((const char *)dest))
      xmlSetProp(x, BAD_CAST "destination", BAD_CAST "");
    xmlFree(dest);
    xmlFree(title);
  }
  if (duty)
    duty_item(c, n, x);
  c->in_link += is_link || is_image;
  copy_children(c, n, x);
  c->in_link -= is_link || is_image;
}

static void copy_children(rctx *c, xmlNodePtr src, xmlNodePtr dst) {
  for (xmlNodePtr k = src->children; k; k = k->next)
    copy_node(c, k, dst);
}

static void text_el(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                    const char *text) {
  xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST(text ? text : ""));
}

/* Which sections this store's handbook keeps: those that parsed and whose
 * applies-to holds. Without a store (a preview), every section is kept.
 * A preview (strict = 0) does not fail for another section's mistake. */
static unsigned char *included_sections(rctx *c, int strict) {
  int errors = c->errors;
  const mg_manual *man = c->man;
  unsigned char *included = mg_xcalloc(man->nsections ? man->nsections : 1, 1);
  for (size_t i = 0; i < man->nsections; i++) {
    xmlNodePtr s = man->sections[i];
    int applies = 1;
    if (xmlHasProp(s, BAD_CAST "applies-to") && c->xp)
      applies = cond(c, expr_of(s, 0));
    included[i] = mg_manual_body(s) && applies;
  }
  if (!strict)
    c->errors = errors;
  return included;
}

/* A new document whose root element is name, in namespace ns, with both
 * of our namespaces declared on it. */
static xmlDocPtr new_doc(rctx *c, const char *name, const char *ns) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  /* its element and attribute names interned: one allocation a name, not
   * one a node (the tree is made anew for every hall) */
  doc->dict = xmlDictCreate();
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST name);
  xmlDocSetRootElement(doc, root);
  c->m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  c->md = xmlNewNs(root, BAD_CAST MD_NS, BAD_CAST "md");
  xmlSetNs(root, strcmp(ns, MG_NS) ? c->md : c->m);
  return doc;
}

/* The hall's duties and forms (mg_duties_assign's), as m:duties (its
 * posts and duties) and m:forms (every form, with who fills it here) of
 * the resolved manual root. */
static void write_duties(rctx *c, xmlNodePtr root) {
  xmlNodePtr md = xmlNewChild(root, c->m, BAD_CAST "duties", NULL);
  xmlNodePtr mf =
      c->man->forms ? xmlNewChild(root, c->m, BAD_CAST "forms", NULL) : NULL;
  for (xmlNodePtr k = c->duties->children; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE)
      continue;
    if (strcmp((const char *)k->name, "form")) {
      xmlNodePtr x = xmlDocCopyNode(k, root->doc, 2);
      xmlSetNs(x, c->m);
      xmlAddChild(md, x);
      continue;
    }
    if (!mf)
      continue;
    /* the declaration, with the hall's owner */
    char *id = mg_prop(k, "id");
    for (xmlNodePtr f = c->man->forms->children; f; f = f->next) {
      char *fid = mg_is_m(f, "form") ? mg_prop(f, "id") : NULL;
      int same = fid && !strcmp(fid, id);
      free(fid);
      if (!same)
        continue;
      xmlNodePtr x = xmlNewChild(mf, c->m, BAD_CAST "form", NULL);
      static const char *a[] = {"id",          "title",      "filled-by",
                                "keep-months", "blank-rows", NULL};
      for (const char **n = a; *n; n++) {
        char *v = mg_prop(f, *n);
        if (v)
          xmlNewProp(x, BAD_CAST * n, BAD_CAST v);
        free(v);
      }
      static const char *b[] = {"owner", "outside", "owner-title", NULL};
      for (const char **n = b; *n; n++) {
        char *v = mg_prop(k, *n);
        if (v)
          xmlNewProp(x, BAD_CAST * n, BAD_CAST v);
        free(v);
      }
      for (xmlNodePtr t = f->children; t; t = t->next)
        if (mg_is_m(t, NULL)) {
          xmlChar *v = xmlNodeGetContent(t);
          xmlNewTextChild(x, c->m, t->name, v);
          xmlFree(v);
        }
      break;
    }
    free(id);
  }
}

/* The section (id) that describes post's own duties in this hall: the
 * first included section holding an item of a duty declared for it.
 * Caller frees; NULL when there is none. */
static char *post_section(rctx *c, const char *post) {
  for (xmlNodePtr k = c->duties->children; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "duty"))
      continue;
    char *decl = mg_prop(k, "declared-owner"), *sec = mg_prop(k, "section");
    int ok = decl && sec && !strcmp(decl, post) && section_included(c, sec);
    free(decl);
    if (ok)
      return sec;
    free(sec);
  }
  return NULL;
}

/* Appends to body (section id's) the duties this hall reassigns to the
 * post whose own duties the section describes: each item copied from the
 * section that declares it (included in this hall or not), marked with
 * that section's title, in an m:reassigned-duties list. body NULL: the
 * body is traced. */
static void append_reassigned(rctx *c, const char *id, xmlNodePtr body) {
  xmlNodePtr list = NULL;
  for (xmlNodePtr k = c->duties->children; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "duty"))
      continue;
    char *status = mg_prop(k, "status"), *owner = mg_prop(k, "owner");
    char *did = mg_prop(k, "id"), *from = mg_prop(k, "section");
    char *home = status && !strcmp(status, "reassigned") && owner
                     ? post_section(c, owner)
                     : NULL;
    xmlNodePtr item = home && !strcmp(home, id) && c->man->duty_item
                          ? xmlHashLookup(c->man->duty_item, BAD_CAST did)
                          : NULL;
    if (item) {
      trace_str(c, 'R', did);
      trace_str(c, 'F', from);
    }
    if (item && body) {
      if (!list) {
        xmlNodePtr w =
            xmlNewChild(body, c->m, BAD_CAST "reassigned-duties", NULL);
        list = xmlNewChild(w, c->md, BAD_CAST "list", NULL);
        xmlNewProp(list, BAD_CAST "type", BAD_CAST "bullet");
        xmlNewProp(list, BAD_CAST "tight", BAD_CAST "true");
      }
      copy_node(c, item, list);
      xmlNodePtr x = xmlGetLastChild(list);
      int i = from ? mg_manual_section_index(c->man, from) : -1;
      char *title = mg_manual_section_title(c->man, i);
      xmlNewNsProp(x, c->m, BAD_CAST "from-section", BAD_CAST from);
      xmlNewNsProp(x, c->m, BAD_CAST "from-title", BAD_CAST title);
      free(title);
    } else if (item) {
      copy_node(c, item, NULL);
    }
    free(status);
    free(owner);
    free(did);
    free(from);
    free(home);
  }
}

xmlDocPtr mg_resolve(const mg_manual *man, xmlDocPtr params,
                     const char *store_id) {
  return mg_resolve_duties(man, params, store_id, NULL);
}

/* A hall's resolved manual whose bodies are traced, not copied
 * (mg_resolve_lazy): what it takes to make them later. */
struct mg_lazy {
  rctx c; /* the hall's: its parameters, sections, duties, forms */
  unsigned char *included, *absent;
  size_t n;
  xmlNodePtr *src;  /* body i's section, in the compiled manual */
  xmlNodePtr *dst;  /* its md:document in the hall's document */
  struct trace *tr; /* its trace */
  char (*key)[33];  /* the trace's digest */
  unsigned char *made;
};

/* Section s's body (sid: its id) to body, for the hall c is of; traced
 * into tr when tr is set (body NULL then). */
static void section_body(rctx *c, xmlNodePtr s, xmlNodePtr body,
                         struct trace *tr) {
  xmlChar *posts = xmlGetProp(s, BAD_CAST "posts");
  /* the items copied from other sections are shown in this one: their
   * names are judged by its posts */
  c->posts = (const char *)posts;
  c->tr = tr;
  copy_children(c, mg_manual_body(s), body);
  if (c->duties) {
    xmlChar *sid = xmlGetProp(s, BAD_CAST "id");
    if (sid)
      append_reassigned(c, (const char *)sid, body);
    xmlFree(sid);
  }
  c->tr = NULL;
  c->posts = NULL;
  xmlFree(posts);
}

static void lazy_free(mg_lazy *lz) {
  if (!lz)
    return;
  for (size_t i = 0; i < lz->n; i++) {
    mg_buf_free(&lz->tr[i].b);
    mg_strv_free(&lz->tr[i].values);
  }
  free(lz->tr);
  free(lz->src);
  free(lz->dst);
  free(lz->key);
  free(lz->made);
  free(lz->included);
  free(lz->absent);
  mg_strv_free(&lz->c.lits);
  xmlHashFree(lz->c.form_id, free_id);
  xmlHashFree(lz->c.duty, NULL);
  free_memo(&lz->c);
  xmlFreeNode(lz->c.duties);
  xmlXPathFreeContext(lz->c.xp);
  free(lz);
}

/* The resolved manual (mg_resolve_duties); with lazy set, its section
 * bodies traced and left empty, and *lazy what it takes to make them. */
static xmlDocPtr resolve(const mg_manual *man, xmlDocPtr params,
                         const char *store_id, xmlNodePtr *duties,
                         const char *seed, mg_lazy **lazy) {
  mg_lazy *lz = mg_xcalloc(1, sizeof *lz);
  rctx *c = &lz->c;
  c->man = man;
  c->store = store_id;
  c->xp = mg_expr_context_new(params);
  mg_expr_context_set_separator(c->xp, mg_list_separator(man->lang));
  lz->included = included_sections(c, 1);
  c->included = lz->included;
  lz->absent = man->checks ? mg_named_absent(man->named, params) : NULL;
  c->absent = lz->absent;
  if (man->forms) {
    c->form_id = xmlHashCreate(0);
    for (xmlNodePtr f = man->forms->children; f; f = f->next) {
      char *title = mg_is_m(f, "form") ? mg_prop(f, "title") : NULL;
      char *id = title ? mg_prop(f, "id") : NULL;
      if (!id || xmlHashAddEntry(c->form_id, BAD_CAST title, id) != 0)
        free(id); /* a title declared twice was reported */
      free(title);
    }
  }

  xmlDocPtr doc = new_doc(c, "manual", MG_NS);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST man->lang);
  text_el(root, c->m, "title", man->title);
  text_el(root, c->m, "organisation", man->organisation);
  xmlNodePtr st = xmlNewChild(root, c->m, BAD_CAST "store", NULL);
  mg_identity ident;
  mg_params_identity(params, &ident);
  mg_identity_set_props(&ident, st);
  mg_identity_free(&ident);
  /* m:hall is for print: a lazy resolve is for pages or checks, which
   * only check it */
  if (c->xp && mg_hall_write(lazy ? NULL : root, c->m, params, store_id) < 0)
    c->errors++;
  if (man->duties || man->forms) {
    c->duties = mg_duties_assign(man, params, store_id);
    if (!c->duties)
      c->errors++;
  }
  if (c->duties) {
    c->duty = xmlHashCreate(0);
    for (xmlNodePtr k = c->duties->children; k; k = k->next) {
      xmlChar *id =
          k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "duty")
              ? xmlGetProp(k, BAD_CAST "id")
              : NULL;
      if (id)
        xmlHashAddEntry(c->duty, id, k);
      xmlFree(id);
    }
    write_duties(c, root);
  }

  size_t n = 0, idx = 0;
  if (lazy) {
    size_t cap = man->nsections ? man->nsections : 1;
    lz->src = mg_xcalloc(cap, sizeof *lz->src);
    lz->dst = mg_xcalloc(cap, sizeof *lz->dst);
    lz->tr = mg_xcalloc(cap, sizeof *lz->tr);
    lz->key = mg_xcalloc(cap, sizeof *lz->key);
    lz->made = mg_xcalloc(cap, 1);
  }
  xmlNodePtr mroot = xmlDocGetRootElement(man->doc);
  for (xmlNodePtr ch = mroot->children; ch; ch = ch->next) {
    if (!mg_is_m(ch, "chapter"))
      continue;
    xmlNodePtr chn = NULL;
    for (xmlNodePtr s = ch->children; s; s = s->next) {
      if (!mg_is_m(s, "section"))
        continue;
      size_t si = idx++;
      if (!lz->included[si])
        continue;
      if (!chn) {
        chn = xmlNewChild(root, c->m, BAD_CAST "chapter", NULL);
        xmlChar *id = xmlGetProp(ch, BAD_CAST "id");
        xmlNewProp(chn, BAD_CAST "id", id);
        xmlFree(id);
        char num[16];
        snprintf(num, sizeof num, "%zu", ++n);
        xmlNewProp(chn, BAD_CAST "n", BAD_CAST num);
        xmlNodePtr t = mg_m_child(ch, "title");
        xmlChar *title = t ? xmlNodeGetContent(t) : NULL;
        text_el(chn, c->m, "title", (const char *)title);
        xmlFree(title);
      }
      xmlNodePtr sn = xmlNewChild(chn, c->m, BAD_CAST "section", NULL);
      xmlChar *id = xmlGetProp(s, BAD_CAST "id");
      xmlNewProp(sn, BAD_CAST "id", id);
      xmlFree(id);
      xmlChar *posts = xmlGetProp(s, BAD_CAST "posts");
      if (posts)
        xmlNewProp(sn, BAD_CAST "posts", posts);
      xmlFree(posts);
      xmlNodePtr t = mg_m_child(s, "title");
      xmlChar *title = t ? xmlNodeGetContent(t) : NULL;
      text_el(sn, c->m, "title", (const char *)title);
      xmlFree(title);
      xmlNodePtr body = xmlNewChild(sn, c->md, BAD_CAST "document", NULL);
      if (!lazy) {
        section_body(c, s, body, NULL);
        continue;
      }
      size_t i = lz->n++;
      lz->src[i] = s;
      lz->dst[i] = body;
      struct trace *tr = &lz->tr[i];
      mg_buf_puts(&tr->b, "manualgen body 1;");
      mg_buf_puts(&tr->b, seed ? seed : "");
      mg_buf_put(&tr->b, &si, sizeof si);
      section_body(c, s, NULL, tr);
      mg_hash_hex(tr->b.data, tr->b.len, lz->key[i]);
    }
  }
  if (c->errors) {
    lazy_free(lz);
    xmlFreeDoc(doc);
    return NULL;
  }
  if (duties) {
    *duties = c->duties;
    if (!lazy)
      c->duties = NULL;
  }
  if (lazy) {
    *lazy = lz;
    /* what is made later was reported now */
    c->absent = NULL;
    c->quiet = 1;
  } else {
    lazy_free(lz);
  }
  return doc;
}

xmlDocPtr mg_resolve_duties(const mg_manual *man, xmlDocPtr params,
                            const char *store_id, xmlNodePtr *duties) {
  return resolve(man, params, store_id, duties, NULL, NULL);
}

xmlDocPtr mg_resolve_lazy(const mg_manual *man, xmlDocPtr params,
                          const char *store_id, const char *seed,
                          xmlNodePtr *duties, mg_lazy **lazy) {
  *lazy = NULL;
  return resolve(man, params, store_id, duties, seed, lazy);
}

size_t mg_lazy_count(const mg_lazy *lz) { return lz->n; }

xmlNodePtr mg_lazy_node(const mg_lazy *lz, size_t i) { return lz->dst[i]; }

const char *mg_lazy_key(const mg_lazy *lz, size_t i) { return lz->key[i]; }

int mg_lazy_unsafe(const mg_lazy *lz, size_t i) { return lz->tr[i].unsafe; }

size_t mg_lazy_values(const mg_lazy *lz, size_t i, char ***values) {
  *values = lz->tr[i].values.v;
  return lz->tr[i].values.n;
}

int mg_lazy_made(const mg_lazy *lz, size_t i) { return lz->made[i]; }

void mg_lazy_make(mg_lazy *lz, size_t i) {
  if (lz->made[i])
    return;
  lz->made[i] = 1;
  section_body(&lz->c, lz->src[i], lz->dst[i], NULL);
}

void mg_lazy_make_all(mg_lazy *lz) {
  for (size_t i = 0; lz && i < lz->n; i++)
    mg_lazy_make(lz, i);
}

void mg_lazy_free(mg_lazy *lz) { lazy_free(lz); }

/* The string of l10n (an m:l10n) under key, or NULL. */
static xmlChar *l10n_string(xmlNodePtr l10n, const char *key) {
  for (xmlNodePtr k = l10n ? l10n->children : NULL; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "string"))
      continue;
    xmlChar *v = xmlGetProp(k, BAD_CAST "key");
    int same = v && !strcmp((const char *)v, key);
    xmlFree(v);
    if (same)
      return xmlNodeGetContent(k);
  }
  return NULL;
}

void mg_resolved_decorate(xmlDocPtr doc, const mg_edition *ed,
                          xmlNodePtr l10n) {
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNsPtr m = xmlSearchNsByHref(doc, root, BAD_CAST MG_NS);
  xmlNodePtr store = mg_m_child(root, "store");
  /* the label of the hall's type, as titlepage.xsl would look it up:
   * the pages then only print the type (splice.c holes it) */
  xmlChar *type = store ? xmlGetProp(store, BAD_CAST "type") : NULL;
  if (type && l10n) {
    char *key = mg_xasprintf("store-type.%s", (const char *)type);
    xmlChar *label = l10n_string(l10n, key);
    if (label)
      xmlSetProp(store, BAD_CAST "type-label", label);
    xmlFree(label);
    free(key);
  }
  xmlFree(type);
  xmlNodePtr edn = xmlNewNode(m, BAD_CAST "edition");
  xmlNewProp(edn, BAD_CAST "name", BAD_CAST ed->name);
  xmlNewProp(edn, BAD_CAST "date", BAD_CAST ed->date);
  if (store) {
    xmlAddPrevSibling(store, edn);
    if (l10n)
      xmlAddNextSibling(store, xmlDocCopyNode(l10n, doc, 1));
  } else {
    xmlAddChild(root, edn);
    if (l10n)
      xmlAddChild(root, xmlDocCopyNode(l10n, doc, 1));
  }
}

xmlDocPtr mg_resolve_section(const mg_manual *man, xmlNodePtr section,
                             xmlDocPtr params, const char *store_id) {
  rctx c = {0};
  c.man = man;
  c.store = store_id;
  c.xp = params ? mg_expr_context_new(params) : NULL;
  if (c.xp)
    mg_expr_context_set_separator(c.xp, mg_list_separator(man->lang));
  unsigned char *included = included_sections(&c, 0);
  c.included = included;
  xmlDocPtr doc = new_doc(&c, "document", MD_NS);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr body = mg_manual_body(section);
  if (body)
    copy_children(&c, body, root);
  free(included);
  free_memo(&c);
  if (c.xp)
    xmlXPathFreeContext(c.xp);
  if (c.errors) {
    xmlFreeDoc(doc);
    return NULL;
  }
  return doc;
}
