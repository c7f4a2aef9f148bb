/* params.c -- store parameters: defaults <- city <- store.
 *
 * Every file is parsed once (safely) and validated against
 * templates/schema/params.xsd. The effective parameters of a store are a
 * new document built by merging the three, element by element; list
 * entries are matched by their `key` attribute, and `merge="replace"`
 * replaces an inherited element whole. Each node of the result remembers
 * in _private the file that set it (for `manualgen params`). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xmlschemas.h>

#include "manualgen.h"

/* Validates doc against the parameter schema; returns the number of
 * errors, each reported. */
static int validate(mg_params *p, xmlDocPtr doc) {
  return mg_schema_validate(p->schema, p->xsd_doc, doc);
}

static xmlDocPtr load(mg_params *p, const char *path, const char *root,
                      const char *id) {
  xmlDocPtr doc = mg_safe_read_xml(path);
  if (!doc)
    return NULL;
  xmlNodePtr r = xmlDocGetRootElement(doc);
  if (strcmp((const char *)r->name, root)) {
    mg_diag(MG_ERROR, path, (int)xmlGetLineNo(r), 0,
            "the root element must be <%s>, not <%s>", root,
            (const char *)r->name);
    xmlFreeDoc(doc);
    return NULL;
  }
  if (validate(p, doc)) {
    xmlFreeDoc(doc);
    return NULL;
  }
  if (id) {
    xmlChar *a = xmlGetProp(r, BAD_CAST "id");
    int bad = !a || strcmp((const char *)a, id);
    if (bad)
      mg_diag(MG_ERROR, path, (int)xmlGetLineNo(r), 0,
              "id=\"%s\" does not match the file name (expected \"%s\")",
              a ? (const char *)a : "", id);
    xmlFree(a);
    if (bad) {
      xmlFreeDoc(doc);
      return NULL;
    }
  }
  return doc;
}

/* The key universe: the keys of every list entry in every file, so that
 * an expression comparing a key with a literal can be checked when it is
 * compiled. Only when every file loaded: otherwise keys would be missing
 * and the literals that name them reported for nothing. */
static void collect_keys(mg_params *p) {
  mg_schema_names_add_keys(p->names, p->defaults);
  for (size_t i = 0; i < p->ncities; i++)
    mg_schema_names_add_keys(p->names, p->city_docs[i]);
  for (size_t i = 0; i < p->store_ids.n; i++)
    mg_schema_names_add_keys(p->names, p->store_docs[i]);
  char *where = mg_xasprintf("%s/defaults.xml, %s/cities or %s/stores",
                             p->content_dir, p->content_dir, p->content_dir);
  mg_schema_names_keys_complete(p->names, where);
  free(where);
}

static int cmp_id(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

mg_params *mg_params_load(const char *content_dir, const char *templates_dir) {
  int errors = mg_diag_errors();
  mg_params *p = mg_xcalloc(1, sizeof *p);
  p->content_dir = mg_xstrdup(content_dir);
  p->xsd_path = mg_path_join(templates_dir, "schema/params.xsd");
  p->xsd_doc = mg_safe_read_xml(p->xsd_path);
  if (!p->xsd_doc) {
    mg_diag(MG_ERROR, p->xsd_path, 0, 0, "cannot read the parameter schema");
    mg_params_free(p);
    return NULL;
  }
  p->schema = mg_schema_compile(p->xsd_doc);
  if (!p->schema) {
    mg_params_free(p);
    return NULL;
  }
  p->names = mg_schema_names_load(p->xsd_doc, p->xsd_path);

  char *path = mg_path_join(content_dir, "defaults.xml");
  p->defaults = load(p, path, "defaults", NULL);
  free(path);

  char *cdir = mg_path_join(content_dir, "cities");
  mg_strv cities = {0};
  if (mg_list_dir(cdir, ".xml", &cities) != 0)
    mg_diag(MG_ERROR, cdir, 0, 0, "cannot read the cities folder: %s",
            strerror(errno));
  p->city_ids = mg_xcalloc(cities.n, sizeof(char *));
  p->city_docs = mg_xcalloc(cities.n, sizeof(xmlDocPtr));
  for (size_t i = 0; i < cities.n; i++) {
    char *id = mg_xstrndup(cities.v[i], strlen(cities.v[i]) - 4);
    char *f = mg_path_join(cdir, cities.v[i]);
    if (!mg_is_id(id))
      mg_diag(MG_ERROR, f, 0, 0,
              "city file names must be lowercase letters, digits and '-'");
    p->city_ids[p->ncities] = id;
    p->city_docs[p->ncities++] = load(p, f, "city", id);
    free(f);
  }
  mg_strv_free(&cities);
  free(cdir);

  char *sdir = mg_path_join(content_dir, "stores");
  mg_strv stores = {0};
  /* a build without its stores would unpublish every handbook */
  if (mg_list_dir(sdir, ".xml", &stores) != 0)
    mg_diag(MG_ERROR, sdir, 0, 0, "cannot read the stores folder: %s",
            strerror(errno));
  else if (!stores.n)
    mg_diag(MG_ERROR, sdir, 0, 0, "no store files (<id>.xml) in the folder");
  for (size_t i = 0; i < stores.n; i++) {
    char *id = mg_xstrndup(stores.v[i], strlen(stores.v[i]) - 4);
    if (!mg_is_id(id)) {
      char *f = mg_path_join(sdir, stores.v[i]);
      mg_diag(MG_ERROR, f, 0, 0,
              "store file names must be lowercase letters, digits and '-' "
              "(the name is the store id and its output folder)");
      free(f);
      free(id);
      continue;
    }
    mg_strv_push(&p->store_ids, id);
  }
  mg_strv_free(&stores);
  /* by id, not by file name: "a-b.xml" sorts before "a.xml", but "a"
   * before "a-b", and mg_params_effective searches by id */
  if (p->store_ids.n)
    qsort(p->store_ids.v, p->store_ids.n, sizeof *p->store_ids.v, cmp_id);
  /* every store is parsed and validated once, here: the effective
   * parameters of each (in any thread) and the keys the content may
   * compare against come from these documents */
  p->store_docs =
      mg_xcalloc(p->store_ids.n ? p->store_ids.n : 1, sizeof(xmlDocPtr));
  for (size_t i = 0; i < p->store_ids.n; i++) {
    char *f = mg_xasprintf("%s/%s.xml", sdir, p->store_ids.v[i]);
    p->store_docs[i] = load(p, f, "store", p->store_ids.v[i]);
    free(f);
  }
  free(sdir);
  if (mg_diag_errors() == errors)
    collect_keys(p);
  return p;
}

void mg_params_free(mg_params *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->ncities; i++) {
    free(p->city_ids[i]);
    xmlFreeDoc(p->city_docs[i]);
  }
  free(p->city_ids);
  free(p->city_docs);
  for (size_t i = 0; i < p->store_ids.n && p->store_docs; i++)
    xmlFreeDoc(p->store_docs[i]);
  free(p->store_docs);
  xmlFreeDoc(p->defaults);
  mg_schema_names_free(p->names);
  xmlSchemaFree(p->schema);
  xmlFreeDoc(p->xsd_doc);
  mg_strv_free(&p->store_ids);
  free(p->content_dir);
  free(p->xsd_path);
  free(p);
}

/* ------------------------------------------------------------- merge */

/* Where a value came from. The records live as long as the effective
 * document: they hang off its _private, in blocks (one allocation per
 * ORIGINS records, however many entries a store lists). */
typedef struct {
  const char *file;
  long line;
} provenance;

#define ORIGINS 256
typedef struct origin_block {
  struct origin_block *next;
  size_t n;
  provenance v[ORIGINS];
} origin_block;

#define EFF_MAGIC 0x6d676566u /* marks an effective document's _private */
typedef struct {
  unsigned magic;       /* EFF_MAGIC */
  origin_block *blocks; /* the newest first */
} eff_extra;

static __thread eff_extra *cur_extra; /* the document being merged */

static const provenance *new_origin(const char *file, long line) {
  eff_extra *x = cur_extra;
  if (!x->blocks || x->blocks->n == ORIGINS) {
    origin_block *b = mg_xmalloc(sizeof *b);
    b->next = x->blocks;
    b->n = 0;
    x->blocks = b;
  }
  provenance *o = &x->blocks->v[x->blocks->n++];
  o->file = file;
  o->line = line;
  return o;
}

/* The origin of a node: the URL of its source document, kept in the
 * document (so it lives as long as the parsed file). */
static void mark(xmlNodePtr n, const char *file) {
  if (n->type != XML_ELEMENT_NODE)
    return;
  const provenance *o = new_origin(file, xmlGetLineNo(n));
  n->_private = (void *)o;
  for (xmlAttrPtr a = n->properties; a; a = a->next)
    a->_private = (void *)o;
  for (xmlNodePtr k = n->children; k; k = k->next)
    mark(k, file);
}

static int has_elements(xmlNodePtr n) {
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE)
      return 1;
  return 0;
}

/* The element children of a base element, by name and `key` (no key is
 * a key of its own, distinct from key=""), so that each entry of the
 * more specific file finds its match in constant time: a store may list
 * thousands of contacts. The first child with a name and key wins, as in
 * document order. */
static void index_add(xmlHashTablePtr idx, xmlNodePtr n) {
  xmlChar *k = xmlGetProp(n, BAD_CAST "key");
  if (!xmlHashLookup2(idx, n->name, k) &&
      xmlHashAddEntry2(idx, n->name, k, n) != 0) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  xmlFree(k);
}

static xmlHashTablePtr index_children(xmlNodePtr base) {
  xmlHashTablePtr idx = xmlHashCreate(16);
  if (!idx) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  for (xmlNodePtr b = base->children; b; b = b->next)
    if (b->type == XML_ELEMENT_NODE)
      index_add(idx, b);
  return idx;
}

static int wants_replace(xmlNodePtr n) {
  xmlChar *m = xmlGetProp(n, BAD_CAST "merge");
  int r = m && !strcmp((const char *)m, "replace");
  xmlFree(m);
  return r;
}

static xmlNodePtr copy_marked(xmlDocPtr doc, xmlNodePtr n, const char *origin) {
  xmlNodePtr c = xmlDocCopyNode(n, doc, 1);
  xmlUnsetProp(c, BAD_CAST "merge");
  mark(c, origin);
  return c;
}

/* Merges the element `over` (from a more specific file) into `base`. */
static void merge(xmlDocPtr doc, xmlNodePtr base, xmlNodePtr over,
                  const char *origin) {
  for (xmlAttrPtr a = over->properties; a; a = a->next) {
    if (!strcmp((const char *)a->name, "merge"))
      continue;
    xmlChar *v = xmlNodeListGetString(over->doc, a->children, 1);
    xmlAttrPtr na = xmlSetProp(base, a->name, v);
    na->_private = (void *)new_origin(origin, xmlGetLineNo(over));
    xmlFree(v);
  }
  if (has_elements(over)) {
    xmlHashTablePtr idx = index_children(base);
    for (xmlNodePtr c = over->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      xmlChar *key = xmlGetProp(c, BAD_CAST "key");
      xmlNodePtr match = xmlHashLookup2(idx, c->name, key);
      if (!match) {
        /* a later entry with the same name and key refines this one */
        index_add(idx, xmlAddChild(base, copy_marked(doc, c, origin)));
      } else if (wants_replace(c)) {
        xmlNodePtr n = copy_marked(doc, c, origin);
        xmlReplaceNode(match, n);
        xmlFreeNode(match);
        xmlHashUpdateEntry2(idx, c->name, key, n, NULL);
      } else {
        merge(doc, match, c, origin);
      }
      xmlFree(key);
    }
    xmlHashFree(idx, NULL);
  } else {
    xmlChar *t = xmlNodeGetContent(over);
    int blank = 1;
    for (const xmlChar *q = t; q && *q; q++)
      if (*q != ' ' && *q != '\n' && *q != '\t' && *q != '\r')
        blank = 0;
    if (!blank) { /* an element with only attributes keeps its text */
      xmlNodeSetContent(base, NULL);
      xmlNodeAddContent(base, t);
      base->_private = (void *)new_origin(origin, xmlGetLineNo(over));
    }
    xmlFree(t);
  }
}

static const char *origin_of(xmlDocPtr d) {
  return d && d->URL ? (const char *)d->URL : "?";
}

xmlDocPtr mg_params_effective(mg_params *p, const char *store_id) {
  xmlDocPtr eff = mg_params_merge(p, store_id);
  if (eff && mg_params_effective_check(p, eff, store_id)) {
    mg_params_effective_free(eff);
    return NULL;
  }
  return eff;
}

int mg_params_effective_check(mg_params *p, xmlDocPtr eff,
                              const char *store_id) {
  /* the merged result must itself be a valid store */
  if (!validate(p, eff))
    return 0;
  char **found = bsearch(&store_id, p->store_ids.v, p->store_ids.n,
                         sizeof(char *), cmp_id);
  xmlDocPtr sdoc = found ? p->store_docs[found - p->store_ids.v] : NULL;
  xmlNodePtr sroot = sdoc ? xmlDocGetRootElement(sdoc) : NULL;
  mg_diag(MG_ERROR, sdoc ? (const char *)sdoc->URL : NULL,
          sroot ? (int)xmlGetLineNo(sroot) : 0, 0,
          "the effective parameters of store '%s' are not valid (see above)",
          store_id);
  return -1;
}

xmlDocPtr mg_params_merge(mg_params *p, const char *store_id) {
  if (!mg_is_id(store_id)) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "invalid store id '%s' (lowercase letters, digits and '-')",
            store_id);
    return NULL;
  }
  char **found = p->store_ids.n
                     ? bsearch(&store_id, p->store_ids.v, p->store_ids.n,
                               sizeof(char *), cmp_id)
                     : NULL;
  if (!found) {
    char *path = mg_xasprintf("%s/stores/%s.xml", p->content_dir, store_id);
    mg_diag(MG_ERROR, path, 0, 0, "no such store '%s'", store_id);
    free(path);
    return NULL;
  }
  xmlDocPtr sdoc = p->store_docs[found - p->store_ids.v];
  if (!sdoc)
    return NULL; /* reported when it was loaded */
  xmlNodePtr sroot = xmlDocGetRootElement(sdoc);
  xmlChar *city = xmlGetProp(sroot, BAD_CAST "city");
  xmlDocPtr cdoc = NULL;
  for (size_t i = 0; i < p->ncities; i++)
    if (city && !strcmp(p->city_ids[i], (const char *)city))
      cdoc = p->city_docs[i];
  int known = 0;
  for (size_t i = 0; i < p->ncities; i++)
    known |= city && !strcmp(p->city_ids[i], (const char *)city);
  if (!known) {
    mg_diag(MG_ERROR, (const char *)sdoc->URL, (int)xmlGetLineNo(sroot), 0,
            "unknown city '%s' (no file %s/cities/%s.xml)",
            city ? (const char *)city : "", p->content_dir,
            city ? (const char *)city : "");
  }
  if (!known || !cdoc || !p->defaults) {
    /* the city or defaults failed to load: already reported */
    xmlFree(city);
    return NULL;
  }
  xmlDocPtr eff = xmlNewDoc(BAD_CAST "1.0");
  /* the origins, freed with the result (see mg_params_effective_free);
   * they point at the URLs of documents that p keeps */
  eff_extra *extra = mg_xcalloc(1, sizeof *extra);
  extra->magic = EFF_MAGIC;
  eff->_private = extra;
  cur_extra = extra;
  xmlNodePtr droot = xmlDocGetRootElement(p->defaults);
  xmlNodePtr root = xmlDocCopyNode(droot, eff, 1);
  xmlNodeSetName(root, BAD_CAST "store");
  mark(root, origin_of(p->defaults));
  xmlDocSetRootElement(eff, root);
  merge(eff, root, xmlDocGetRootElement(cdoc), origin_of(cdoc));
  xmlUnsetProp(root, BAD_CAST "id"); /* the city's id is not the store's */
  merge(eff, root, sroot, origin_of(sdoc));
  xmlSetProp(root, BAD_CAST "city", city);
  xmlFree(city);
  return eff;
}

int mg_params_origin(xmlNodePtr n, const char **file, long *line) {
  /* an attribute starts like a node: _private, type, ..., doc */
  if (!n || !n->doc || !n->_private)
    return 0;
  const eff_extra *x = n->doc->_private;
  if (!x || x->magic != EFF_MAGIC)
    return 0; /* not an effective document: _private is someone else's */
  const provenance *o = n->_private;
  if (file)
    *file = o->file;
  if (line)
    *line = o->line;
  return 1;
}

void mg_params_effective_free(xmlDocPtr eff) {
  if (!eff)
    return;
  eff_extra *x = eff->_private;
  xmlFreeDoc(eff);
  for (origin_block *b = x->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(x);
}

/* ------------------------------------------------------------- print */

static void path_of(xmlNodePtr n, mg_buf *b) {
  if (!n || n->type != XML_ELEMENT_NODE || !n->parent ||
      n->parent->type != XML_ELEMENT_NODE)
    return;
  path_of(n->parent, b);
  if (b->len)
    mg_buf_puts(b, "/");
  mg_buf_puts(b, (const char *)n->name);
  xmlChar *k = xmlGetProp(n, BAD_CAST "key");
  if (k) {
    mg_buf_printf(b, "[@key='%s']", (const char *)k);
    xmlFree(k);
  }
}

static void pad(FILE *out, const char *s, int cols) {
  fputs(s, out);
  for (int w = mg_text_width(s); w < cols; w++)
    fputc(' ', out);
}

static void print_line(FILE *out, const char *path, const char *value,
                       const void *o) {
  const provenance *org = o;
  pad(out, path, 48);
  fputs(" = ", out);
  pad(out, value, 24);
  fprintf(out, "  %s", org ? org->file : "?");
  if (org && org->line > 0)
    fprintf(out, ":%ld", org->line);
  fputc('\n', out);
}

static void print_el(xmlNodePtr n, FILE *out) {
  mg_buf path = {0};
  path_of(n, &path);
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    if (!strcmp((const char *)a->name, "key"))
      continue;
    xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
    char *p = mg_xasprintf("%s%s@%s", path.data ? path.data : "",
                           path.len ? "/" : "", (const char *)a->name);
    print_line(out, p, (const char *)v, a->_private);
    free(p);
    xmlFree(v);
  }
  if (!has_elements(n) && n->parent && n->parent->type == XML_ELEMENT_NODE) {
    xmlChar *t = xmlNodeGetContent(n);
    if (t && *t)
      print_line(out, path.data, (const char *)t, n->_private);
    xmlFree(t);
  }
  mg_buf_free(&path);
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE)
      print_el(k, out);
}

void mg_params_print(xmlDocPtr eff, FILE *out) {
  print_el(xmlDocGetRootElement(eff), out);
}

static char *prop(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

static char *child_text(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, BAD_CAST name)) {
      xmlChar *v = xmlNodeGetContent(k);
      char *s = mg_xstrdup(v ? (const char *)v : "");
      xmlFree(v);
      return s;
    }
  return mg_xstrdup("");
}

void mg_params_identity(xmlDocPtr eff, mg_identity *out) {
  xmlNodePtr r = xmlDocGetRootElement(eff);
  out->id = prop(r, "id");
  out->city = prop(r, "city");
  out->name = child_text(r, "name");
  out->city_name = child_text(r, "city-name");
  out->type = child_text(r, "type");
}

void mg_identity_set_props(const mg_identity *id, xmlNodePtr n) {
  xmlNewProp(n, BAD_CAST "id", BAD_CAST id->id);
  xmlNewProp(n, BAD_CAST "name", BAD_CAST id->name);
  xmlNewProp(n, BAD_CAST "city", BAD_CAST id->city);
  xmlNewProp(n, BAD_CAST "city-name", BAD_CAST id->city_name);
  xmlNewProp(n, BAD_CAST "type", BAD_CAST id->type);
}

void mg_identity_free(mg_identity *id) {
  free(id->id);
  free(id->name);
  free(id->city);
  free(id->city_name);
  free(id->type);
  memset(id, 0, sizeof *id);
}
