/* compile.c -- the compiled manual: a document, its expressions compiled.
 *
 * parse.c turns the Markdown into one self-contained XML document, the
 * compiled manual (docs/design.md, templates/schema/compiled.xsd): the
 * outline's chapters and sections, each body in cmark's vocabulary, and
 * every placeholder and condition as an element carrying its expression
 * as text, with the file, line and column it came from. A release keeps
 * that document, so that a hall's handbook can be made again without the
 * Markdown of its day.
 *
 * This stage reads such a document (just parsed, or loaded from a
 * release) and makes it ready for resolve.c: every expression is checked
 * against the parameter schema and compiled once, and each node that
 * carries expressions points at them through its _private field:
 *
 *   m:section/@applies-to      one expression
 *   m:ph/@expr                 one expression
 *   m:when/@test               one expression
 *   m:duty/@applies-to         one expression (m:duties, duties.c)
 *   m:reassign/@when           one expression
 *   md:link, md:image          one for each "{{ … }}" of destination,
 *                              then of title, in order
 *
 * Nothing is written to the document after compile: it is shared by the
 * worker threads. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "manualgen.h"

int mg_is_m(xmlNodePtr n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         !strcmp((const char *)n->ns->href, MG_NS) &&
         (!name || !strcmp((const char *)n->name, name));
}

xmlNodePtr mg_m_child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
    if (mg_is_m(k, name))
      return k;
  return NULL;
}

xmlNodePtr mg_child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name))
      return k;
  return NULL;
}

char *mg_prop(xmlNodePtr n, const char *name) {
  xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
  char *s = v ? mg_xstrdup((const char *)v) : NULL;
  xmlFree(v);
  return s;
}

char *mg_m_child_text(xmlNodePtr n, const char *name) {
  xmlNodePtr k = mg_m_child(n, name);
  xmlChar *v = k ? xmlNodeGetContent(k) : NULL;
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

static int is_md(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         !strcmp((const char *)n->ns->href, MD_NS) &&
         !strcmp((const char *)n->name, name);
}

static int iattr(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetNsProp(n, BAD_CAST name, NULL);
  if (!v)
    v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST MG_NS);
  int r = v ? atoi((const char *)v) : 0;
  xmlFree(v);
  return r;
}

const char *mg_manual_file(const mg_manual *m, xmlNodePtr n) {
  for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
    if (!mg_is_m(n, "section") && !mg_is_m(n, "duties") && !mg_is_m(n, "forms"))
      continue;
    /* `display`: a file `render` previews from outside the content */
    xmlChar *d = xmlGetProp(n, BAD_CAST "display");
    xmlChar *f = d ? d : xmlGetProp(n, BAD_CAST "file");
    char *path = mg_path_join(d ? "" : m->base, f ? (const char *)f : "");
    const xmlChar *v = xmlDictLookup(m->files, BAD_CAST path, -1);
    free(path);
    xmlFree(f);
    return (const char *)v;
  }
  return (const char *)xmlDictLookup(m->files, BAD_CAST "", -1);
}

static const char *file_of(mg_manual *m, xmlNodePtr n) {
  return mg_manual_file(m, n);
}

/* Compiles src, found at file:line:col, and appends it to the manual.
 * Returns it, or NULL after reporting. */
static mg_expr *compile_one(mg_manual *m, const char *src, const char *file,
                            int line, int col) {
  xmlXPathCompExprPtr comp = mg_expr_compile(m->names, src, file, line, col);
  if (!comp) {
    m->errors++;
    return NULL;
  }
  mg_expr *e = mg_xmalloc(sizeof *e);
  /* the same text, the same value in a hall: resolve.c asks it once */
  size_t u = (size_t)xmlHashLookup(m->uniq, BAD_CAST src);
  if (!u) {
    u = ++m->nuniq;
    xmlHashAddEntry(m->uniq, BAD_CAST src, (void *)u);
  }
  *e = (mg_expr){mg_xstrdup(src), comp, file, line, col, u - 1};
  if (m->nexprs == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 64;
    m->exprs = mg_xrealloc(m->exprs, m->cap * sizeof *m->exprs);
  }
  m->exprs[m->nexprs++] = e;
  return e;
}

/* Sets n->_private to a new list of k expressions (NULL entries for those
 * that failed), owned by the manual. */
static mg_expr_list *attach(mg_manual *m, xmlNodePtr n, size_t k) {
  mg_expr_list *l = mg_xcalloc(1, sizeof *l + k * sizeof l->v[0]);
  l->n = k;
  l->next = m->lists;
  m->lists = l;
  n->_private = l;
  return l;
}

/* The "{{ … }}" of an attribute value, compiled in order into l from
 * position *at. Returns the number found. */
static size_t scan(const char *s, mg_manual *m, mg_expr_list *l, size_t *at,
                   const char *file, int line, int col) {
  size_t k = 0;
  for (const char *p = s; p && (p = strstr(p, "{{")) != NULL;) {
    const char *e = strstr(p + 2, "}}");
    if (!e)
      break; /* reported when parsed */
    if (l) {
      char *src = mg_xstrndup(p + 2, (size_t)(e - p - 2));
      char *b = src, *z = src + strlen(src);
      while (*b == ' ' || *b == '\t')
        b++;
      while (z > b && (z[-1] == ' ' || z[-1] == '\t'))
        *--z = '\0';
      l->v[(*at)++] = compile_one(m, b, file, line, col);
      free(src);
    }
    k++;
    p = e + 2;
  }
  return k;
}

static void compile_link(mg_manual *m, xmlNodePtr n) {
  char *dest = mg_prop(n, "destination"), *title = mg_prop(n, "title");
  size_t k = scan(dest, m, NULL, NULL, NULL, 0, 0) +
             scan(title, m, NULL, NULL, NULL, 0, 0);
  if (k) {
    const char *file = file_of(m, n);
    int line = iattr(n, "line"), col = iattr(n, "col");
    mg_expr_list *l = attach(m, n, k);
    size_t at = 0;
    scan(dest, m, l, &at, file, line, col);
    scan(title, m, l, &at, file, line, col);
  }
  free(dest);
  free(title);
}

static void compile_attr(mg_manual *m, xmlNodePtr n, const char *name) {
  char *src = mg_prop(n, name);
  if (!src)
    return;
  mg_expr_list *l = attach(m, n, 1);
  l->v[0] =
      compile_one(m, src, file_of(m, n), iattr(n, "line"), iattr(n, "col"));
  free(src);
}

/* Every expression below n, in document order. */
static void compile_tree(mg_manual *m, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (mg_is_m(n, "section"))
      compile_attr(m, n, "applies-to");
    else if (mg_is_m(n, "ph"))
      compile_attr(m, n, "expr");
    else if (mg_is_m(n, "when"))
      compile_attr(m, n, "test");
    else if (mg_is_m(n, "duty") && n->parent && mg_is_m(n->parent, "duties"))
      compile_attr(m, n, "applies-to");
    else if (mg_is_m(n, "reassign"))
      compile_attr(m, n, "when");
    else if (is_md(n, "item") &&
             xmlHasNsProp(n, BAD_CAST "duty", BAD_CAST MG_NS)) {
      xmlChar *id = xmlGetNsProp(n, BAD_CAST "duty", BAD_CAST MG_NS);
      if (!m->duty_item)
        m->duty_item = xmlHashCreate(0);
      xmlHashAddEntry(m->duty_item, id, n); /* the first, when twice */
      xmlFree(id);
    } else if (is_md(n, "link") || is_md(n, "image"))
      compile_link(m, n);
    compile_tree(m, n->children);
  }
}

mg_manual *mg_manual_compile(xmlDocPtr doc, int owns,
                             const mg_schema_names *names, const char *base) {
  mg_manual *m = mg_xcalloc(1, sizeof *m);
  m->base = mg_xstrdup(base ? base : "");
  m->doc = doc;
  m->owns = owns;
  m->names = names;
  m->files = xmlDictCreate();
  m->uniq = xmlHashCreate(64);
  m->ids = xmlHashCreate(64);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!root || !mg_is_m(root, "manual")) {
    mg_diag(MG_ERROR, doc->URL ? (const char *)doc->URL : NULL, 0, 0,
            "not a compiled manual (its root must be <m:manual>)");
    mg_manual_free(m);
    return NULL;
  }
  m->lang = mg_prop(root, "lang");
  if (!m->lang)
    m->lang = mg_xstrdup("zh-CN");
  m->title = mg_m_child_text(root, "title");
  m->organisation = mg_m_child_text(root, "organisation");
  for (xmlNodePtr ch = root->children; ch; ch = ch->next) {
    if (!mg_is_m(ch, "chapter"))
      continue;
    for (xmlNodePtr s = ch->children; s; s = s->next) {
      if (!mg_is_m(s, "section"))
        continue;
      m->sections =
          mg_xrealloc(m->sections, (m->nsections + 1) * sizeof *m->sections);
      m->sections[m->nsections++] = s;
      xmlChar *id = xmlGetProp(s, BAD_CAST "id");
      if (id) /* a duplicate was reported by parse.c */
        xmlHashAddEntry(m->ids, id, (void *)(uintptr_t)m->nsections);
      xmlFree(id);
    }
  }
  m->duties = mg_m_child(root, "duties");
  m->forms = mg_m_child(root, "forms");
  for (xmlNodePtr d = m->duties ? m->duties->children : NULL; d; d = d->next)
    if (mg_is_m(d, "duty")) {
      xmlChar *id = xmlGetProp(d, BAD_CAST "id");
      if (!m->duty_decl)
        m->duty_decl = xmlHashCreate(0);
      xmlHashAddEntry(m->duty_decl, id, d);
      xmlFree(id);
    }
  compile_tree(m, root->children);
  return m;
}

void mg_manual_add(mg_manual *m, xmlNodePtr section) {
  xmlNodePtr next = section->next;
  section->next = NULL; /* only this subtree */
  compile_tree(m, section);
  section->next = next;
}

int mg_manual_section_index(const mg_manual *m, const char *id) {
  uintptr_t v = (uintptr_t)xmlHashLookup(m->ids, BAD_CAST id);
  return v ? (int)v - 1 : -1;
}

char *mg_manual_section_title(const mg_manual *m, int i) {
  if (i < 0 || (size_t)i >= m->nsections)
    return mg_xstrdup("");
  return mg_m_child_text(m->sections[i], "title");
}

xmlNodePtr mg_manual_body(xmlNodePtr section) {
  for (xmlNodePtr k = section->children; k; k = k->next)
    if (is_md(k, "document"))
      return k;
  return NULL;
}

void mg_manual_free(mg_manual *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->nexprs; i++) {
    free(m->exprs[i]->src);
    xmlXPathFreeCompExpr(m->exprs[i]->comp);
    free(m->exprs[i]);
  }
  free(m->exprs);
  for (mg_expr_list *l = m->lists, *next; l; l = next) {
    next = l->next;
    free(l);
  }
  free(m->sections);
  xmlHashFree(m->ids, NULL);
  xmlHashFree(m->duty_decl, NULL);
  xmlHashFree(m->duty_item, NULL);
  mg_named_free(m->named);
  if (m->owns)
    xmlFreeDoc(m->doc);
  xmlDictFree(m->files);
  xmlHashFree(m->uniq, NULL);
  free(m->base);
  free(m->lang);
  free(m->title);
  free(m->organisation);
  free(m);
}

/* ------------------------------------------------ as a file (releases) */

char *mg_manual_serialize(const mg_manual *m, size_t *len) {
  xmlChar *buf = NULL;
  int n = 0;
  /* no indentation: text inside paragraphs is content */
  xmlDocDumpFormatMemoryEnc(m->doc, &buf, &n, "UTF-8", 0);
  char *s = mg_xstrndup(buf ? (const char *)buf : "", buf ? (size_t)n : 0);
  xmlFree(buf);
  *len = buf ? (size_t)n : 0;
  return s;
}

int mg_validate(xmlDocPtr doc, const char *xsd_path) {
  xmlDocPtr xsd = mg_safe_read_xml(xsd_path);
  if (!xsd)
    return -1;
  xmlSchemaPtr schema = mg_schema_compile(xsd);
  int rc = schema && mg_schema_validate(schema, xsd, doc) == 0 ? 0 : -1;
  if (schema)
    xmlSchemaFree(schema);
  xmlFreeDoc(xsd);
  return rc;
}

mg_manual *mg_manual_read(const char *path, const char *templates_dir,
                          const mg_schema_names *names, const char *base) {
  xmlDocPtr doc = mg_safe_read_xml(path);
  if (!doc)
    return NULL;
  char *xsd = mg_path_join(templates_dir, "schema/compiled.xsd");
  int rc = mg_validate(doc, xsd);
  free(xsd);
  if (rc != 0) {
    mg_diag(MG_ERROR, path, 0, 0, "not a valid compiled manual (see above)");
    xmlFreeDoc(doc);
    return NULL;
  }
  mg_manual *m = mg_manual_compile(doc, 1, names, base);
  if (m && m->errors) {
    mg_manual_free(m);
    return NULL;
  }
  return m;
}
