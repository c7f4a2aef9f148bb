/* resolve.c -- the store-independent tree, tailored to one store.
 *
 * A pure function of the tree and one store's effective parameters: it
 * reads both and writes only the new document it returns. For each
 * section it evaluates applies-to; in each body it keeps the branch of a
 * conditional passage that holds, replaces placeholders with their values
 * (as text: never parsed as Markdown, escaped on output), fills
 * placeholders in link destinations, unlinks cross references to sections
 * this store leaves out, and blanks dangerous URLs as cmark does. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manualgen.h"

typedef struct {
  const mg_tree *t;
  xmlXPathContextPtr xp; /* NULL when there is no store */
  const char *store;
  const char *file; /* the section being resolved */
  const unsigned char *included;
  xmlNsPtr m, md;
  int errors;
} rctx;

static int iattr(xmlNodePtr n, const char *name, int def) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  if (!v)
    return def;
  int r = atoi((const char *)v);
  xmlFree(v);
  return r;
}

static const mg_expr *expr_at(rctx *c, int idx) {
  if (idx < 0 || (size_t)idx >= c->t->nexprs)
    return NULL;
  return &c->t->exprs[idx];
}

static int cond(rctx *c, int idx) {
  const mg_expr *e = expr_at(c, idx);
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
  int b = mg_expr_bool(c->xp, e, c->store);
  if (b < 0)
    c->errors++;
  return b > 0;
}

static char *value(rctx *c, int idx) {
  const mg_expr *e = expr_at(c, idx);
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
  char *s = mg_expr_string(c->xp, e, c->store);
  if (!s) {
    c->errors++;
    return mg_xstrdup("");
  }
  return s;
}

/* Replaces the "{{...}}" of s, in order, with the values of the
 * expressions listed in idx ("3 4"). */
static char *fill(rctx *c, const char *s, const char *idx) {
  mg_buf b = {0};
  const char *p = s, *ip = idx;
  for (;;) {
    const char *o = strstr(p, "{{");
    const char *e = o ? strstr(o + 2, "}}") : NULL;
    if (!o || !e) {
      mg_buf_puts(&b, p);
      break;
    }
    mg_buf_put(&b, p, (size_t)(o - p));
    char *end;
    long i = strtol(ip, &end, 10);
    ip = end;
    char *v = value(c, (int)i);
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

static int is_m(xmlNodePtr n, const char *name) {
  return n->ns && !strcmp((const char *)n->ns->href, MG_NS) &&
         (!name || !strcmp((const char *)n->name, name));
}

static int section_included(rctx *c, const char *id) {
  for (size_t i = 0; i < c->t->nsections; i++) {
    mg_section *s = c->t->sections[i];
    /* a section that failed to parse was reported: links into it are
     * not worth a warning in every hall */
    if (s->fm.id && !strcmp(s->fm.id, id))
      return c->included && s->body ? c->included[i] : 1;
  }
  return 0;
}

static void copy_children(rctx *c, xmlNodePtr src, xmlNodePtr dst);

static void copy_node(rctx *c, xmlNodePtr n, xmlNodePtr dst) {
  if (n->type == XML_TEXT_NODE) {
    xmlAddChild(dst, xmlNewText(n->content));
    return;
  }
  if (n->type != XML_ELEMENT_NODE)
    return;
  if (is_m(n, "ph")) {
    char *v = value(c, iattr(n, "e", -1));
    xmlNodePtr t = xmlNewChild(dst, c->md, BAD_CAST "text", NULL);
    xmlAddChild(t, xmlNewText(BAD_CAST v));
    free(v);
    return;
  }
  if (is_m(n, "choose")) {
    for (xmlNodePtr b = n->children; b; b = b->next) {
      if (is_m(b, "otherwise") ||
          (is_m(b, "when") && cond(c, iattr(b, "e", -1)))) {
        copy_children(c, b, dst);
        break;
      }
    }
    return;
  }
  if (is_m(n, NULL))
    return;
  int is_link = !strcmp((const char *)n->name, "link");
  int is_image = !strcmp((const char *)n->name, "image");
  if (is_link) {
    xmlChar *target = xmlGetNsProp(n, BAD_CAST "section", BAD_CAST MG_NS);
    if (target && !section_included(c, (const char *)target)) {
      mg_diag_store(MG_WARNING, c->file, iattr(n, "line", 0),
                    iattr(n, "col", 0), c->store,
                    "link to section '%s', which this store's handbook leaves "
                    "out: shown as plain text",
                    (const char *)target);
      xmlFree(target);
      copy_children(c, n, dst);
      return;
    }
    xmlFree(target);
  }
  xmlNodePtr x = xmlNewChild(dst, c->md, n->name, NULL);
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    int mine = a->ns && !strcmp((const char *)a->ns->href, MG_NS);
    if (mine && strcmp((const char *)a->name, "section") &&
        strcmp((const char *)a->name, "chapter") &&
        strcmp((const char *)a->name, "anchor"))
      continue;
    xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
    xmlNewNsProp(x, mine ? c->m : NULL, a->name, v);
    xmlFree(v);
  }
  if (is_link || is_image) {
    xmlChar *de = xmlGetNsProp(n, BAD_CAST "dest-e", BAD_CAST MG_NS);
    xmlChar *te = xmlGetNsProp(n, BAD_CAST "title-e", BAD_CAST MG_NS);
    xmlChar *dest = xmlGetProp(n, BAD_CAST "destination");
    if (de) {
      char *v = fill(c, (const char *)dest, (const char *)de);
      xmlSetProp(x, BAD_CAST "destination", BAD_CAST v);
      xmlFree(dest);
      dest = xmlStrdup(BAD_CAST v);
      free(v);
    }
    if (te) {
      xmlChar *title = xmlGetProp(n, BAD_CAST "title");
      char *v = fill(c, (const char *)title, (const char *)te);
      xmlSetProp(x, BAD_CAST "title", BAD_CAST v);
      free(v);
      xmlFree(title);
    }
    if (dest && dangerous((const char *)dest))
      xmlSetProp(x, BAD_CAST "destination", BAD_CAST "");
    xmlFree(de);
    xmlFree(te);
    xmlFree(dest);
  }
  copy_children(c, n, x);
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
  const mg_tree *t = c->t;
  unsigned char *included = mg_xcalloc(t->nsections, 1);
  for (size_t i = 0; i < t->nsections; i++) {
    mg_section *s = t->sections[i];
    c->file = s->file;
    if (s->fm.applies_to && s->applies_expr < 0)
      c->errors++; /* it did not compile: reported already */
    included[i] =
        s->body && (s->applies_expr < 0 || !c->xp || cond(c, s->applies_expr));
  }
  if (!strict)
    c->errors = errors;
  return included;
}

/* A new document whose root element is name, in namespace ns, with both
 * of our namespaces declared on it. */
static xmlDocPtr new_doc(rctx *c, const char *name, const char *ns) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST name);
  xmlDocSetRootElement(doc, root);
  c->m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  c->md = xmlNewNs(root, BAD_CAST MD_NS, BAD_CAST "md");
  xmlSetNs(root, strcmp(ns, MG_NS) ? c->md : c->m);
  return doc;
}

xmlDocPtr mg_resolve(const mg_tree *t, xmlDocPtr params, const char *store_id,
                     const mg_edition *ed, xmlNodePtr l10n) {
  rctx c = {0};
  c.t = t;
  c.store = store_id;
  c.xp = mg_expr_context_new(params);
  unsigned char *included = included_sections(&c, 1);
  c.included = included;

  xmlDocPtr doc = new_doc(&c, "manual", MG_NS);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  const mg_outline *o = t->outline;
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST o->lang);
  text_el(root, c.m, "title", o->title);
  text_el(root, c.m, "organisation", o->organisation);
  xmlNodePtr edn = xmlNewChild(root, c.m, BAD_CAST "edition", NULL);
  xmlNewProp(edn, BAD_CAST "name", BAD_CAST ed->name);
  xmlNewProp(edn, BAD_CAST "date", BAD_CAST ed->date);
  xmlNodePtr st = xmlNewChild(root, c.m, BAD_CAST "store", NULL);
  mg_identity ident;
  mg_params_identity(params, &ident);
  mg_identity_set_props(&ident, st);
  mg_identity_free(&ident);
  if (l10n)
    xmlAddChild(root, xmlDocCopyNode(l10n, doc, 1));

  size_t n = 0;
  for (size_t i = 0; i < o->nchapters; i++) {
    const mg_chapter *ch = &o->chapters[i];
    xmlNodePtr chn = NULL;
    for (size_t k = 0; k < ch->nsections; k++) {
      const mg_section *s = ch->sections[k];
      if (!included[s->index])
        continue;
      if (!chn) {
        chn = xmlNewChild(root, c.m, BAD_CAST "chapter", NULL);
        xmlNewProp(chn, BAD_CAST "id", BAD_CAST ch->id);
        char num[16];
        snprintf(num, sizeof num, "%zu", ++n);
        xmlNewProp(chn, BAD_CAST "n", BAD_CAST num);
        text_el(chn, c.m, "title", ch->title);
      }
      xmlNodePtr sn = xmlNewChild(chn, c.m, BAD_CAST "section", NULL);
      xmlNewProp(sn, BAD_CAST "id", BAD_CAST s->fm.id);
      if (s->fm.posts.n) {
        mg_buf posts = {0};
        for (size_t p = 0; p < s->fm.posts.n; p++)
          mg_buf_printf(&posts, "%s%s", p ? " " : "", s->fm.posts.v[p]);
        xmlNewProp(sn, BAD_CAST "posts", BAD_CAST posts.data);
        mg_buf_free(&posts);
      }
      text_el(sn, c.m, "title", s->fm.title);
      c.file = s->file;
      xmlNodePtr body = xmlNewChild(sn, c.md, BAD_CAST "document", NULL);
      copy_children(&c, s->body, body);
    }
  }
  free(included);
  xmlXPathFreeContext(c.xp);
  if (c.errors) {
    xmlFreeDoc(doc);
    return NULL;
  }
  return doc;
}

xmlDocPtr mg_resolve_section(const mg_tree *t, const mg_section *s,
                             xmlDocPtr params, const char *store_id) {
  rctx c = {0};
  c.t = t;
  c.store = store_id;
  c.file = s->file;
  c.xp = params ? mg_expr_context_new(params) : NULL;
  unsigned char *included = included_sections(&c, 0);
  c.included = included;
  c.file = s->file;
  xmlDocPtr doc = new_doc(&c, "document", MD_NS);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (s->body)
    copy_children(&c, s->body, root);
  free(included);
  if (c.xp)
    xmlXPathFreeContext(c.xp);
  if (c.errors) {
    xmlFreeDoc(doc);
    return NULL;
  }
  return doc;
}
