/* expr.c -- the expression language: XPath 1.0 over a store's parameters.
 *
 * Before compiling, every name in an expression is checked against the
 * names params.xsd declares, so that a typo ("hous/weekday") is an error
 * instead of a condition that is silently false. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "manualgen.h"

/* The values a parameter can have, when the schema enumerates them. */
typedef struct {
  int open;       /* some declaration allows values we cannot list */
  mg_strv values; /* the enumeration, when !open */
} valueset;

struct mg_schema_names {
  mg_strv elements;
  mg_strv attributes;
  char *xsd_path;
  xmlHashTablePtr element_values;  /* element name -> valueset */
  xmlHashTablePtr attr_values;     /* (element, attribute) -> valueset */
  xmlHashTablePtr any_attr_values; /* attribute, whatever its element */
  /* the key universe: element name -> the set of its `key` values in
   * every parameter file (a hash whose payloads are unused) */
  xmlHashTablePtr keys;
  char *keys_where; /* NULL until the universe is complete */
  /* (element, attribute) -> the local name of the attribute's named type
   * ("Time"), the first declaration's */
  xmlHashTablePtr attr_types;
  int borrowed; /* an extension: the tables belong to its base */
};

static int has(const mg_strv *v, const char *s, size_t n) {
  for (size_t i = 0; i < v->n; i++)
    if (strlen(v->v[i]) == n && !memcmp(v->v[i], s, n))
      return 1;
  return 0;
}

static void collect(xmlNodePtr n, mg_schema_names *names) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (n->ns && !strcmp((const char *)n->ns->href,
                         "http://www.w3.org/2001/XMLSchema")) {
      int el = !strcmp((const char *)n->name, "element");
      int at = !strcmp((const char *)n->name, "attribute");
      xmlChar *name = (el || at) ? xmlGetProp(n, BAD_CAST "name") : NULL;
      if (name) {
        mg_strv *v = el ? &names->elements : &names->attributes;
        if (!has(v, (const char *)name, strlen((const char *)name)))
          mg_strv_push(v, mg_xstrdup((const char *)name));
        xmlFree(name);
      }
    }
    collect(n->children, names);
  }
}

/* ------------------------------------------------- enumerated values */

#define XS "http://www.w3.org/2001/XMLSchema"

static xmlHashTablePtr new_hash(void) {
  xmlHashTablePtr h = xmlHashCreate(16);
  if (!h) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  return h;
}

static void hash_add(xmlHashTablePtr h, const xmlChar *a, const xmlChar *b,
                     void *payload) {
  if (xmlHashAddEntry2(h, a, b, payload) != 0) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
}

static int is_xs(xmlNodePtr n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         xmlStrEqual(n->ns->href, BAD_CAST XS) &&
         xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr xs_child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
    if (is_xs(k, name))
      return k;
  return NULL;
}

/* The schema's named types and attribute groups, while it is read. */
typedef struct {
  xmlHashTablePtr types;  /* name -> xs:simpleType or xs:complexType */
  xmlHashTablePtr groups; /* name -> xs:attributeGroup */
} schema;

static void index_named(xmlNodePtr n, schema *sc) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    int type = is_xs(n, "simpleType") || is_xs(n, "complexType");
    if (type || is_xs(n, "attributeGroup")) {
      xmlChar *name = xmlGetProp(n, BAD_CAST "name");
      if (name)
        xmlHashAddEntry(type ? sc->types : sc->groups, name, n);
      xmlFree(name);
    }
    index_named(n->children, sc);
  }
}

/* Deeper derivations than this are taken as open (and cycles end). */
#define MAX_DERIVATION 16

static int type_values(const schema *sc, xmlNodePtr type, mg_strv *out,
                       int depth);

/* The node a QName attribute (type="", base="", ref="") of n names in
 * table, or NULL for a built-in XML Schema type or an unknown name. */
static xmlNodePtr named(xmlHashTablePtr table, xmlNodePtr n, const char *attr) {
  xmlChar *q = xmlGetProp(n, BAD_CAST attr);
  if (!q)
    return NULL;
  const xmlChar *local = q, *colon = xmlStrchr(q, ':');
  xmlNodePtr found = NULL;
  if (colon) {
    xmlChar *prefix = xmlStrndup(q, (int)(colon - q));
    xmlNsPtr ns = xmlSearchNs(n->doc, n, prefix);
    xmlFree(prefix);
    local = colon + 1;
    if (ns && xmlStrEqual(ns->href, BAD_CAST XS)) {
      xmlFree(q);
      return NULL; /* xs:string and the like: any value */
    }
  }
  found = xmlHashLookup(table, local);
  xmlFree(q);
  return found;
}

/* The values of the type that n's attribute `attr` names: 1 when it is an
 * enumeration (the values added to out), 0 when it is not. */
static int named_values(const schema *sc, xmlNodePtr n, const char *attr,
                        mg_strv *out, int depth) {
  xmlNodePtr t = named(sc->types, n, attr);
  return t ? type_values(sc, t, out, depth + 1) : 0;
}

/* A restriction or extension: its own enumeration, else its base's. */
static int derived_values(const schema *sc, xmlNodePtr d, mg_strv *out,
                          int depth) {
  int found = 0;
  for (xmlNodePtr k = d->children; k; k = k->next)
    if (is_xs(k, "enumeration")) {
      xmlChar *v = xmlGetProp(k, BAD_CAST "value");
      if (v)
        mg_strv_push(out, mg_xstrdup((const char *)v));
      xmlFree(v);
      found = 1;
    }
  if (found)
    return 1;
  xmlNodePtr inline_type = xs_child(d, "simpleType");
  if (inline_type)
    return type_values(sc, inline_type, out, depth + 1);
  return named_values(sc, d, "base", out, depth);
}

/* The values a type allows: 1 for an enumeration (a simple type, or a
 * complex type with simple content, derived from one), the values added
 * to out; 0 for any other type. */
static int type_values(const schema *sc, xmlNodePtr type, mg_strv *out,
                       int depth) {
  if (depth > MAX_DERIVATION)
    return 0;
  xmlNodePtr d = NULL;
  if (is_xs(type, "simpleType")) {
    d = xs_child(type, "restriction");
  } else if (is_xs(type, "complexType")) {
    xmlNodePtr sc_ = xs_child(type, "simpleContent");
    d = xs_child(sc_, "extension");
    if (!d)
      d = xs_child(sc_, "restriction");
  }
  return d ? derived_values(sc, d, out, depth) : 0;
}

static void valueset_free(void *payload, const xmlChar *name) {
  (void)name;
  valueset *v = payload;
  mg_strv_free(&v->values);
  free(v);
}

/* Adds one declaration's values to the set kept under (a, b): a name
 * declared twice allows what either declaration allows. */
static void valueset_add(xmlHashTablePtr h, const xmlChar *a, const xmlChar *b,
                         int is_enum, mg_strv *values) {
  valueset *v = xmlHashLookup2(h, a, b);
  if (!v) {
    v = mg_xcalloc(1, sizeof *v);
    v->open = !is_enum;
    hash_add(h, a, b, v);
  } else if (!is_enum) {
    v->open = 1;
  }
  for (size_t i = 0; i < values->n; i++) {
    if (!has(&v->values, values->v[i], strlen(values->v[i])))
      mg_strv_push(&v->values, values->v[i]);
    else
      free(values->v[i]);
  }
  free(values->v);
  values->v = NULL;
  values->n = 0;
}

static void free_string(void *payload, const xmlChar *name) {
  (void)name;
  xmlFree(payload);
}

/* Remembers the named type of attribute declaration decl (name on el). */
static void record_type(mg_schema_names *names, const xmlChar *el,
                        const xmlChar *name, xmlNodePtr decl) {
  xmlChar *q = xmlGetProp(decl, BAD_CAST "type");
  if (!q)
    return;
  const xmlChar *colon = xmlStrchr(q, ':');
  xmlChar *local = xmlStrdup(colon ? colon + 1 : q);
  xmlFree(q);
  if (xmlHashLookup2(names->attr_types, el, name) ||
      xmlHashAddEntry2(names->attr_types, el, name, local) != 0)
    xmlFree(local);
}

/* Records the attributes a complex type (or attribute group) declares
 * for the element `el`, including those of its attribute groups and of
 * the type it extends. */
static void type_attributes(const schema *sc, mg_schema_names *names,
                            const xmlChar *el, xmlNodePtr type, int depth) {
  if (!type || depth > MAX_DERIVATION)
    return;
  for (xmlNodePtr k = type->children; k; k = k->next) {
    if (is_xs(k, "attribute")) {
      xmlChar *name = xmlGetProp(k, BAD_CAST "name");
      if (!name)
        continue; /* a ref to a global attribute: not checked */
      mg_strv vals = {0};
      xmlNodePtr inline_type = xs_child(k, "simpleType");
      int is_enum = inline_type ? type_values(sc, inline_type, &vals, depth + 1)
                                : named_values(sc, k, "type", &vals, depth);
      mg_strv copy = {0};
      for (size_t i = 0; i < vals.n; i++)
        mg_strv_push(&copy, mg_xstrdup(vals.v[i]));
      valueset_add(names->attr_values, el, name, is_enum, &vals);
      valueset_add(names->any_attr_values, name, NULL, is_enum, &copy);
      record_type(names, el, name, k);
      xmlFree(name);
    } else if (is_xs(k, "attributeGroup")) {
      type_attributes(sc, names, el, named(sc->groups, k, "ref"), depth + 1);
    } else if (is_xs(k, "simpleContent") || is_xs(k, "complexContent")) {
      for (xmlNodePtr d = k->children; d; d = d->next)
        if (is_xs(d, "extension") || is_xs(d, "restriction")) {
          type_attributes(sc, names, el, d, depth + 1);
          type_attributes(sc, names, el, named(sc->types, d, "base"),
                          depth + 1);
        }
    }
  }
}

/* Remembers the named type of element declaration decl's text, under
 * (name, ""): its own type's, or, for a complex type of simple content
 * (a value with attributes, like EmailValue), the type it derives from. */
static void element_type(const schema *sc, mg_schema_names *names,
                         const xmlChar *name, xmlNodePtr decl) {
  xmlNodePtr t = named(sc->types, decl, "type");
  xmlNodePtr content =
      is_xs(t, "complexType") ? xs_child(t, "simpleContent") : NULL;
  xmlNodePtr by = NULL;
  for (xmlNodePtr d = content ? content->children : NULL; d && !by; d = d->next)
    if (is_xs(d, "extension") || is_xs(d, "restriction"))
      by = d;
  xmlChar *q = xmlGetProp(by ? by : decl, BAD_CAST(by ? "base" : "type"));
  if (!q)
    return;
  const xmlChar *colon = xmlStrchr(q, ':');
  xmlChar *local = xmlStrdup(colon ? colon + 1 : q);
  xmlFree(q);
  if (xmlHashLookup2(names->attr_types, name, BAD_CAST "") ||
      xmlHashAddEntry2(names->attr_types, name, BAD_CAST "", local) != 0)
    xmlFree(local);
}

/* Records the values of every element declaration's content and
 * attributes. */
static void declarations(const schema *sc, mg_schema_names *names,
                         xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    xmlChar *name = is_xs(n, "element") ? xmlGetProp(n, BAD_CAST "name") : NULL;
    if (name) {
      xmlNodePtr type = xs_child(n, "complexType");
      if (!type)
        type = xs_child(n, "simpleType");
      if (!type)
        type = named(sc->types, n, "type");
      mg_strv vals = {0};
      int is_enum = type ? type_values(sc, type, &vals, 0) : 0;
      valueset_add(names->element_values, name, NULL, is_enum, &vals);
      if (is_xs(type, "complexType"))
        type_attributes(sc, names, name, type, 0);
      element_type(sc, names, name, n);
      xmlFree(name);
    }
    declarations(sc, names, n->children);
  }
}

mg_schema_names *mg_schema_names_load(xmlDocPtr xsd, const char *xsd_path) {
  mg_schema_names *n = mg_xcalloc(1, sizeof *n);
  n->xsd_path = mg_xstrdup(xsd_path);
  collect(xmlDocGetRootElement(xsd), n);
  n->element_values = new_hash();
  n->attr_values = new_hash();
  n->any_attr_values = new_hash();
  n->keys = new_hash();
  n->attr_types = new_hash();
  schema sc = {new_hash(), new_hash()};
  index_named(xmlDocGetRootElement(xsd), &sc);
  declarations(&sc, n, xmlDocGetRootElement(xsd));
  xmlHashFree(sc.types, NULL);
  xmlHashFree(sc.groups, NULL);
  return n;
}

static void keyset_free(void *payload, const xmlChar *name) {
  (void)name;
  xmlHashFree(payload, NULL);
}

mg_schema_names *mg_schema_names_extend(const mg_schema_names *base,
                                        const char *const *elements,
                                        const char *const *attributes) {
  mg_schema_names *n = mg_xmalloc(sizeof *n);
  *n = *base;
  n->borrowed = 1;
  memset(&n->elements, 0, sizeof n->elements);
  memset(&n->attributes, 0, sizeof n->attributes);
  for (size_t i = 0; i < base->elements.n; i++)
    mg_strv_push(&n->elements, mg_xstrdup(base->elements.v[i]));
  for (size_t i = 0; i < base->attributes.n; i++)
    mg_strv_push(&n->attributes, mg_xstrdup(base->attributes.v[i]));
  for (; elements && *elements; elements++)
    if (!has(&n->elements, *elements, strlen(*elements)))
      mg_strv_push(&n->elements, mg_xstrdup(*elements));
  for (; attributes && *attributes; attributes++)
    if (!has(&n->attributes, *attributes, strlen(*attributes)))
      mg_strv_push(&n->attributes, mg_xstrdup(*attributes));
  return n;
}

const char *mg_schema_attr_type(const mg_schema_names *n, const char *element,
                                const char *attribute) {
  return xmlHashLookup2(n->attr_types, BAD_CAST element, BAD_CAST attribute);
}

void mg_schema_names_free(mg_schema_names *n) {
  if (!n)
    return;
  mg_strv_free(&n->elements);
  mg_strv_free(&n->attributes);
  if (n->borrowed) {
    free(n);
    return;
  }
  xmlHashFree(n->attr_types, free_string);
  free(n->xsd_path);
  xmlHashFree(n->element_values, valueset_free);
  xmlHashFree(n->attr_values, valueset_free);
  xmlHashFree(n->any_attr_values, valueset_free);
  xmlHashFree(n->keys, keyset_free);
  free(n->keys_where);
  free(n);
}

/* ------------------------------------------------------ key universe */

static void add_keys(mg_schema_names *names, xmlNodePtr n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    xmlChar *key = xmlGetProp(n, BAD_CAST "key");
    if (key) {
      xmlHashTablePtr set = xmlHashLookup(names->keys, n->name);
      if (!set) {
        set = new_hash();
        hash_add(names->keys, n->name, NULL, set);
      }
      if (!xmlHashLookup(set, key))
        hash_add(set, key, NULL, (void *)1);
      xmlFree(key);
    }
    add_keys(names, n->children);
  }
}

void mg_schema_names_add_keys(mg_schema_names *names, xmlDocPtr doc) {
  if (doc)
    add_keys(names, xmlDocGetRootElement(doc));
}

void mg_schema_names_keys_complete(mg_schema_names *names, const char *where) {
  free(names->keys_where);
  names->keys_where = mg_xstrdup(where);
}

static const char *functions[] = {"last",
                                  "position",
                                  "count",
                                  "id",
                                  "local-name",
                                  "namespace-uri",
                                  "name",
                                  "string",
                                  "concat",
                                  "starts-with",
                                  "contains",
                                  "substring-before",
                                  "substring-after",
                                  "substring",
                                  "string-length",
                                  "normalize-space",
                                  "translate",
                                  "boolean",
                                  "not",
                                  "true",
                                  "false",
                                  "lang",
                                  "number",
                                  "sum",
                                  "floor",
                                  "ceiling",
                                  "round",
                                  "node",
                                  "text",
                                  "comment",
                                  "processing-instruction",
                                  NULL};

static const char *axes[] = {"ancestor",   "ancestor-or-self",
                             "attribute",  "child",
                             "descendant", "descendant-or-self",
                             "following",  "following-sibling",
                             "namespace",  "parent",
                             "preceding",  "preceding-sibling",
                             "self",       NULL};

static int in_list(const char **l, const char *s, size_t n) {
  for (; *l; l++)
    if (strlen(*l) == n && !memcmp(*l, s, n))
      return 1;
  return 0;
}

static int name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c >= 0x80;
}
static int name_char(unsigned char c) {
  return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The column of byte offset `off` of src, when src starts at column col. */
/* The expression as written, when it is not src itself: an XML
 * attribute's value, in which "&lt;" is one character of src. Set while
 * mg_expr_compile_in reads one. */
static __thread const char *written;

static int at(const char *src, size_t off, int col) {
  const char *w = written;
  for (size_t i = 0; i < off; i++) {
    if (((unsigned char)src[i] & 0xC0) == 0x80)
      continue; /* inside a UTF-8 sequence */
    const char *semi = w && *w == '&' ? strchr(w, ';') : NULL;
    if (semi) { /* a reference: its characters as written (ASCII) */
      col += (int)(semi + 1 - w);
      w = semi + 1;
      continue;
    }
    col++;
    if (w && *w)
      for (w++; ((unsigned char)*w & 0xC0) == 0x80; w++)
        ;
  }
  return col;
}

/* Checks the names of an expression. Returns the number of errors. */
static int check_names(const mg_schema_names *names, const char *src,
                       const char *file, int line, int col) {
  int errors = 0;
  size_t n = strlen(src);
  /* the previous significant token: 0 none, 'o' operator-like
   * (@ :: ( [ , or an operator), 'v' value-like */
  char prev = 0;
  int after_at = 0, after_axis_attr = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)src[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
      continue;
    }
    if (c == '"' || c == '\'') {
      const char *e = strchr(src + i + 1, c);
      if (!e) {
        mg_diag(MG_ERROR, file, line, at(src, i, col),
                "unterminated string in expression '%s'", src);
        return errors + 1;
      }
      i = (size_t)(e - src) + 1;
      prev = 'v';
      continue;
    }
    if ((c >= '0' && c <= '9') ||
        (c == '.' && i + 1 < n && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      while (i < n && ((src[i] >= '0' && src[i] <= '9') || src[i] == '.'))
        i++;
      prev = 'v';
      continue;
    }
    if (c == '$') {
      size_t s = ++i;
      while (i < n && name_char((unsigned char)src[i]))
        i++;
      mg_diag(MG_ERROR, file, line, at(src, s, col) - 1,
              "unknown variable '$%.*s' (expressions have no variables)",
              (int)(i - s), src + s);
      errors++;
      prev = 'v';
      continue;
    }
    if (name_start(c)) {
      size_t s = i;
      while (i < n && name_char((unsigned char)src[i]))
        i++;
      size_t l = i - s;
      /* what follows */
      size_t j = i;
      while (j < n && (src[j] == ' ' || src[j] == '\t'))
        j++;
      static const char *operators[] = {"and", "or", "div", "mod", NULL};
      if (prev == 'v' && in_list(operators, src + s, l)) {
        prev = 'o';
        continue;
      }
      if (j < n && src[j] == ':' && j + 1 < n && src[j + 1] == ':') {
        if (!in_list(axes, src + s, l)) {
          mg_diag(MG_ERROR, file, line, at(src, s, col),
                  "unknown axis '%.*s' in expression", (int)l, src + s);
          errors++;
        }
        after_axis_attr = l == 9 && !strncmp(src + s, "attribute", 9);
        i = j + 2;
        prev = 'o';
        continue;
      }
      if (j < n && src[j] == ':') {
        mg_diag(MG_ERROR, file, line, at(src, s, col),
                "namespace prefixes are not supported in expressions ('%.*s:')",
                (int)l, src + s);
        errors++;
        i = j + 1;
        prev = 'o';
        continue;
      }
      if (j < n && src[j] == '(') {
        after_at = after_axis_attr = 0;
        if (!in_list(functions, src + s, l)) {
          mg_diag(MG_ERROR, file, line, at(src, s, col),
                  "unknown function '%.*s()' in expression", (int)l, src + s);
          errors++;
        }
        prev = 'o';
        i = j;
        continue;
      }
      int attr = after_at || after_axis_attr;
      const mg_strv *v = attr ? &names->attributes : &names->elements;
      if (!has(v, src + s, l)) {
        const char *sug = mg_suggest(v, src + s, l);
        mg_diag(
            MG_ERROR, file, line, at(src, s, col),
            "unknown %s '%s%.*s' in expression (not declared in %s)%s%s%s%s",
            attr ? "parameter attribute" : "parameter", attr ? "@" : "", (int)l,
            src + s, names->xsd_path, sug ? "; did you mean '" : "",
            sug && attr ? "@" : "", sug ? sug : "", sug ? "'?" : "");
        errors++;
      }
      after_at = after_axis_attr = 0;
      prev = 'v';
      continue;
    }
    after_at = c == '@';
    after_axis_attr = 0; /* "attribute::*" ends here */
    if (c == ')' || c == ']' || c == '*' || c == '.') {
      /* '*' after a value is multiplication, otherwise a wildcard; both
       * leave a value-like token behind */
      prev = (c == '*' && prev == 'v') ? 'o' : 'v';
      if (c == '.' && i + 1 < n && src[i + 1] == '.')
        i++;
      i++;
      continue;
    }
    prev = 'o';
    i++;
  }
  return errors;
}

/* The bounds of an expression. libxml2's XPath compiler and evaluator
 * recurse once per nested parenthesis or bracket, and once per operator
 * of a chain ("1+1+1..."), so an expression without bounds can overflow
 * the stack. No real manual comes near these limits. */
#define MAX_CHARS 1000
#define MAX_DEPTH 32

/* Checks the length (in characters) and the nesting of ( and [ (outside
 * string literals) before anything recursive reads src. Returns 0, or -1
 * after reporting at the first character beyond a bound. */
static int check_bounds(const char *src, const char *file, int line, int col) {
  size_t chars = 0;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; src[i]; i++) {
    char c = src[i];
    if (((unsigned char)c & 0xC0) == 0x80)
      continue; /* inside a UTF-8 sequence: not a character of its own */
    if (++chars > MAX_CHARS) {
      mg_diag(MG_ERROR, file, line, at(src, i, col),
              "expression longer than %d characters is not supported: "
              "split it, or simplify it",
              MAX_CHARS);
      return -1;
    }
    if (quote) {
      quote = c == quote ? 0 : quote;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[') {
      if (++depth > MAX_DEPTH) {
        mg_diag(MG_ERROR, file, line, at(src, i, col),
                "parentheses and brackets nested deeper than %d levels are "
                "not supported in expressions",
                MAX_DEPTH);
        return -1;
      }
    } else if (c == ')' || c == ']') {
      depth--; /* unbalanced: the compiler says so */
    }
  }
  return 0;
}

/* ------------------------------------------------- literal comparisons
 *
 * `posts/post[@key='duty-manger']` and `type = 'flagshp'` compile, and
 * are silently false for every store. So every comparison (= or !=)
 * between a location path and a string literal is read, and the literal
 * checked against the values that the path's last step can have: those
 * of an enumeration in the schema, and for the `key` of an element E, the
 * keys that some <E key=...> has in the parameter files. This runs once
 * the expression has compiled, so the reader may assume valid XPath 1.0;
 * on anything it does not follow, it stops without a word. */

/* A token (XPath 1.0, section 3.7). Kinds: 'N' name test, 'F' function
 * name, 'T' node type, 'A' axis name, 'O' operator name (and, or, div,
 * mod), 'S' string literal, '0' number, '$' variable, 'M' multiply, 'W'
 * wildcard, ':' for '::', 'D' for '//', 'P' for '..', '!' for '!=', 'l'
 * for '<=', 'g' for '>=', and the one-character tokens as themselves. */
typedef struct {
  char kind;
  size_t off, len;
} tok;

static const char *node_types[] = {"node", "text", "comment",
                                   "processing-instruction", NULL};
static const char *operator_names[] = {"and", "or", "div", "mod", NULL};

static int space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits src into t (room for strlen(src) tokens). Returns the number of
 * tokens, or -1 at a character it does not expect. */
static long lex(const char *src, tok *t) {
  static const char pairs[] = "..P//D:::!=!<=l>=g"; /* triples */
  size_t n = 0, len = strlen(src);
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)src[i];
    if (space((char)c)) {
      i++;
      continue;
    }
    /* after a value, '*' multiplies and a name is an operator */
    int after_value = n && !strchr("@:([,OM/D|+-=!<l>g", t[n - 1].kind);
    char c1 = i + 1 < len ? src[i + 1] : '\0';
    tok k = {(char)c, i, 1};
    if (c == '"' || c == '\'') {
      const char *e = strchr(src + i + 1, c);
      if (!e)
        return -1;
      k.kind = 'S';
      k.len = (size_t)(e - src) + 1 - i;
    } else if ((c >= '0' && c <= '9') || (c == '.' && c1 >= '0' && c1 <= '9')) {
      while (k.off + k.len < len &&
             ((src[k.off + k.len] >= '0' && src[k.off + k.len] <= '9') ||
              src[k.off + k.len] == '.'))
        k.len++;
      k.kind = '0';
    } else if (c == '*') {
      k.kind = after_value ? 'M' : 'W';
    } else if (c == '$' || name_start(c)) {
      while (k.off + k.len < len && name_char((unsigned char)src[i + k.len]))
        k.len++;
      size_t j = i + k.len;
      while (j < len && space(src[j]))
        j++;
      if (c == '$')
        k.kind = '$';
      else if (after_value)
        k.kind = in_list(operator_names, src + i, k.len) ? 'O' : 0;
      else if (j < len && src[j] == '(')
        k.kind = in_list(node_types, src + i, k.len) ? 'T' : 'F';
      else if (j + 1 < len && src[j] == ':' && src[j + 1] == ':')
        k.kind = 'A';
      else
        k.kind = 'N';
    } else {
      for (const char *q = pairs; *q; q += 3)
        if (c == q[0] && c1 == q[1]) {
          k.kind = q[2];
          k.len = 2;
        }
      if (k.len == 1 && !strchr("./<>@([,)]|+-=", c))
        k.kind = 0; /* a lone ':' or '!', or a stranger */
    }
    if (!k.kind)
      return -1;
    t[n++] = k;
    i = k.off + k.len;
  }
  return (long)n;
}

/* What a step selects, as far as the schema can tell. */
typedef struct {
  char kind;         /* 'e' element, 'a' attribute, 0 unknown */
  const char *name;  /* into the source; NULL for a wildcard or node() */
  size_t len;        /* of name */
  const char *owner; /* an attribute's element; NULL when unknown */
  size_t olen;
} node_t;

/* What an operand is. */
typedef struct {
  char kind;   /* 'S' string literal, 'p' location path, 0 anything else */
  size_t lit;  /* the literal's token */
  node_t last; /* the path's last step */
} val;

typedef struct {
  const mg_schema_names *names;
  const char *src, *file;
  int line, col;
  const tok *t;
  size_t n, i;
  int bad;          /* met something this reader does not follow: stop */
  mg_strv messages; /* reported only when the whole expression was read */
  int *cols;        /* the column of each message */
} reader;

static const node_t unknown_node = {0, NULL, 0, NULL, 0};
static const val other_val = {0, 0, {0, NULL, 0, NULL, 0}};

static char peek(const reader *r) {
  return !r->bad && r->i < r->n ? r->t[r->i].kind : 0;
}

static int peek_word(const reader *r, const char *w) {
  return peek(r) == 'O' && r->t[r->i].len == strlen(w) &&
         !memcmp(r->src + r->t[r->i].off, w, r->t[r->i].len);
}

static void expect(reader *r, char kind) {
  if (peek(r) == kind)
    r->i++;
  else
    r->bad = 1;
}

/* The enumeration a node's value belongs to, or NULL. */
static const valueset *enumeration(const mg_schema_names *names,
                                   const node_t *node) {
  if (!node->name)
    return NULL;
  char *name = mg_xstrndup(node->name, node->len);
  char *owner = node->owner ? mg_xstrndup(node->owner, node->olen) : NULL;
  const valueset *v = NULL;
  if (node->kind == 'e')
    v = xmlHashLookup(names->element_values, BAD_CAST name);
  else if (node->kind == 'a' && owner)
    v = xmlHashLookup2(names->attr_values, BAD_CAST owner, BAD_CAST name);
  else if (node->kind == 'a')
    v = xmlHashLookup(names->any_attr_values, BAD_CAST name);
  free(name);
  free(owner);
  return v && !v->open ? v : NULL;
}

/* The nearest key of a set, for "did you mean". */
typedef struct {
  const char *s;
  size_t n;
  const char *best;
  size_t bd;
} nearest;

static void consider(void *payload, void *data, const xmlChar *key) {
  (void)payload;
  nearest *near = data;
  size_t d = mg_edit_distance(near->s, near->n, (const char *)key);
  /* ties go to the smaller key: the message must not depend on the
   * hash's order */
  if (d < near->bd ||
      (d == near->bd && strcmp((const char *)key, near->best) < 0)) {
    near->bd = d;
    near->best = (const char *)key;
  }
}

static char *did_you_mean(const char *sug) {
  return sug ? mg_xasprintf("; did you mean '%s'?", sug) : mg_xstrdup("");
}

/* When node's value is an enumeration of the schema that v (n bytes) is
 * not part of: why, as the tail of a message (caller frees). NULL
 * otherwise. */
static char *not_enumerated(const mg_schema_names *names, const node_t *node,
                            const char *v, size_t n) {
  const valueset *vs = enumeration(names, node);
  if (!vs || has(&vs->values, v, n))
    return NULL;
  mg_buf list = {0};
  for (size_t i = 0; i < vs->values.n; i++)
    mg_buf_printf(&list, "%s%s", i ? ", " : "", vs->values.v[i]);
  char *sug = did_you_mean(mg_suggest(&vs->values, v, n));
  char *why;
  if (node->kind == 'a' && node->owner)
    why = mg_xasprintf("%.*s/@%.*s is one of %s (declared in %s)%s",
                       (int)node->olen, node->owner, (int)node->len, node->name,
                       list.data ? list.data : "", names->xsd_path, sug);
  else
    why = mg_xasprintf("%s%.*s is one of %s (declared in %s)%s",
                       node->kind == 'a' ? "@" : "", (int)node->len, node->name,
                       list.data ? list.data : "", names->xsd_path, sug);
  free(sug);
  mg_buf_free(&list);
  return why;
}

/* When node is the `key` of an element E and no parameter file has an
 * <E key="v">: why, as the tail of a message (caller frees). NULL
 * otherwise, and while the key universe is not complete. */
static char *no_such_key(const mg_schema_names *names, const node_t *node,
                         const char *v, size_t n) {
  if (!names->keys_where || node->kind != 'a' || !node->owner ||
      node->len != 3 || memcmp(node->name, "key", 3))
    return NULL;
  char *owner = mg_xstrndup(node->owner, node->olen);
  char *key = mg_xstrndup(v, n);
  xmlHashTablePtr set = xmlHashLookup(names->keys, BAD_CAST owner);
  char *why = NULL;
  if (!set || !xmlHashLookup(set, BAD_CAST key)) {
    nearest near = {v, n, NULL, (size_t)-1};
    if (set)
      xmlHashScan(set, consider, &near);
    char *sug = did_you_mean(
        near.best && near.bd > 0 && mg_is_typo(near.bd, n) ? near.best : NULL);
    why = mg_xasprintf("no %s has this key in %s%s", owner, names->keys_where,
                       sug);
    free(sug);
  }
  free(key);
  free(owner);
  return why;
}

static char *never_matches(const mg_schema_names *names, const node_t *node,
                           const char *v, size_t n) {
  char *why = not_enumerated(names, node, v, n);
  return why ? why : no_such_key(names, node, v, n);
}

/* A comparison: a literal on one side and a path on the other. */
static void compare(reader *r, const val *a, const val *b) {
  const val *lit = a->kind == 'S' ? a : b, *path = a->kind == 'S' ? b : a;
  if (!r->names || lit->kind != 'S' || path->kind != 'p')
    return; /* no names: only reading what a path selects */
  const tok *k = &r->t[lit->lit];
  const char *v = r->src + k->off + 1;
  size_t n = k->len - 2;
  char *why = never_matches(r->names, &path->last, v, n);
  if (why) {
    r->cols = mg_xrealloc(r->cols, (r->messages.n + 1) * sizeof *r->cols);
    r->cols[r->messages.n] = at(r->src, k->off, r->col);
    mg_strv_push(&r->messages, mg_xasprintf("the value '%.*s' can never "
                                            "match: %s",
                                            (int)n, v, why));
    free(why);
  }
}

static val read_expr(reader *r, const node_t *ctx);

static void read_predicates(reader *r, const node_t *ctx) {
  while (peek(r) == '[') {
    r->i++;
    read_expr(r, ctx);
    expect(r, ']');
  }
}

/* Step ::= AxisSpecifier NodeTest Predicate* | '.' | '..'. prev is what
 * the step starts from; returns what it selects. */
static node_t read_step(reader *r, const node_t *prev) {
  char k = peek(r);
  if (k == '.') {
    r->i++;
    return *prev;
  }
  if (k == 'P') {
    r->i++;
    return unknown_node;
  }
  const char *axis = "child";
  size_t alen = 5;
  if (k == 'A') {
    axis = r->src + r->t[r->i].off;
    alen = r->t[r->i].len;
    r->i++;
    expect(r, ':');
  } else if (k == '@') {
    axis = "attribute";
    alen = 9;
    r->i++;
  }
  int attribute = alen == 9 && !memcmp(axis, "attribute", 9);
  int self = alen == 4 && !memcmp(axis, "self", 4);
  node_t node = unknown_node;
  k = peek(r);
  if (k == 'N') {
    node.name = r->src + r->t[r->i].off;
    node.len = r->t[r->i].len;
    r->i++;
    if (attribute) {
      node.kind = 'a';
      if (prev->kind == 'e' && prev->name) {
        node.owner = prev->name;
        node.olen = prev->len;
      }
    } else if (alen == 9 && !memcmp(axis, "namespace", 9)) {
      node = unknown_node;
    } else {
      node.kind = 'e'; /* whatever the axis, an element of that name */
    }
  } else if (k == 'W') {
    r->i++;
  } else if (k == 'T') {
    int any =
        r->t[r->i].len == 4 && !memcmp(r->src + r->t[r->i].off, "node", 4);
    r->i++;
    expect(r, '(');
    if (peek(r) == 'S')
      r->i++;
    expect(r, ')');
    if (any && self)
      node = *prev; /* self::node() is '.' */
  } else {
    r->bad = 1;
  }
  read_predicates(r, &node);
  return node;
}

/* RelativeLocationPath ::= Step (('/' | '//') Step)*. Returns its last
 * step. */
static node_t read_relative(reader *r, const node_t *start) {
  node_t cur = read_step(r, start);
  while (peek(r) == '/' || peek(r) == 'D') {
    /* after '//', a step starts from any descendant */
    node_t from = peek(r) == '/' ? cur : unknown_node;
    r->i++;
    cur = read_step(r, &from);
  }
  return cur;
}

static int starts_step(char k) { return k && strchr(".P@NWAT", k); }

/* PathExpr ::= LocationPath | FilterExpr (('/' | '//')
 * RelativeLocationPath)?, and FilterExpr ::= PrimaryExpr Predicate*. */
static val read_path(reader *r, const node_t *ctx) {
  val v = other_val;
  char k = peek(r);
  if (k == '/' || k == 'D') {
    r->i++;
    v.kind = 'p';
    v.last = unknown_node; /* the root, or below it */
    if (starts_step(peek(r)))
      v.last = read_relative(r, &unknown_node);
    return v;
  }
  if (starts_step(k)) {
    v.kind = 'p';
    v.last = read_relative(r, ctx);
    return v;
  }
  if (k == 'S') {
    v.kind = 'S';
    v.lit = r->i++;
  } else if (k == '0' || k == '$') {
    r->i++;
  } else if (k == '(') {
    r->i++;
    v = read_expr(r, ctx);
    expect(r, ')');
  } else if (k == 'F') {
    r->i++;
    expect(r, '(');
    if (peek(r) != ')') {
      read_expr(r, ctx);
      while (peek(r) == ',') {
        r->i++;
        read_expr(r, ctx);
      }
    }
    expect(r, ')');
  } else {
    r->bad = 1;
  }
  if (peek(r) == '[') {
    node_t on = v.kind == 'p' ? v.last : unknown_node;
    read_predicates(r, &on);
    if (v.kind == 'S')
      v = other_val;
  }
  if (peek(r) == '/' || peek(r) == 'D') {
    node_t from = v.kind == 'p' && peek(r) == '/' ? v.last : unknown_node;
    r->i++;
    v.kind = 'p';
    v.last = read_relative(r, &from);
  }
  return v;
}

/* UnaryExpr ::= '-'* UnionExpr, and UnionExpr ::= PathExpr ('|'
 * PathExpr)*. */
static val read_unary(reader *r, const node_t *ctx) {
  int minus = 0;
  while (peek(r) == '-') {
    r->i++;
    minus = 1;
  }
  val v = read_path(r, ctx);
  while (peek(r) == '|') {
    r->i++;
    read_path(r, ctx);
    v = other_val;
  }
  return minus ? other_val : v;
}

/* The binary operators, loosest first; each level is a loop (chains are
 * left-associative), so the reader recurses only into parentheses,
 * brackets and arguments, whose depth check_bounds limits. */
static int binary_level(const reader *r, int level) {
  char k = peek(r);
  switch (level) {
  case 0:
    return peek_word(r, "or");
  case 1:
    return peek_word(r, "and");
  case 2:
    return k == '=' || k == '!';
  case 3:
    return k == '<' || k == '>' || k == 'l' || k == 'g';
  case 4:
    return k == '+' || k == '-';
  default:
    return k == 'M' || peek_word(r, "div") || peek_word(r, "mod");
  }
}

static val read_level(reader *r, const node_t *ctx, int level) {
  if (level > 5)
    return read_unary(r, ctx);
  val v = read_level(r, ctx, level + 1);
  while (binary_level(r, level)) {
    r->i++;
    val w = read_level(r, ctx, level + 1);
    if (level == 2)
      compare(r, &v, &w);
    v = other_val;
  }
  return v;
}

static val read_expr(reader *r, const node_t *ctx) {
  return read_level(r, ctx, 0);
}

/* Checks every literal compared with a path in src (which compiled).
 * Returns the number of errors reported. */
static int check_literals(const mg_schema_names *names, const char *src,
                          const char *context, const char *file, int line,
                          int col) {
  size_t len = strlen(src);
  tok *t = mg_xmalloc((len + 1) * sizeof *t);
  long n = lex(src, t);
  int errors = 0;
  if (n > 0) {
    reader r = {names, src, file, line, col, t, (size_t)n, 0, 0, {0}, NULL};
    /* the context node: an element of this name, or unknown */
    node_t ctx = unknown_node;
    if (context) {
      ctx.kind = 'e';
      ctx.name = context;
      ctx.len = strlen(context);
    }
    read_expr(&r, &ctx);
    for (size_t i = 0; !r.bad && r.i == r.n && i < r.messages.n; i++) {
      mg_diag(MG_ERROR, file, line, r.cols[i], "%s", r.messages.v[i]);
      errors++;
    }
    mg_strv_free(&r.messages);
    free(r.cols);
  }
  free(t);
  return errors;
}

void mg_expr_check_posts(const mg_schema_names *names, const char *file,
                         const mg_frontmatter *fm) {
  const node_t post_key = {'a', "key", 3, "post", 4};
  for (size_t i = 0; names && i < fm->posts.n; i++) {
    const char *v = fm->posts.v[i];
    if (!mg_is_id(v))
      continue; /* reported as such when the front matter was read */
    char *why = never_matches(names, &post_key, v, strlen(v));
    if (why)
      mg_diag(MG_ERROR, file, fm->posts_line[i], fm->posts_col[i],
              "unknown post '%s' in posts: %s", v, why);
    free(why);
  }
}

const char *mg_schema_names_path(const mg_schema_names *names) {
  return names->xsd_path;
}

char *mg_expr_post_unknown(const mg_schema_names *names, const char *key) {
  const node_t post_key = {'a', "key", 3, "post", 4};
  return never_matches(names, &post_key, key, strlen(key));
}

/* Compile errors arrive through libxml2's handler; capture the message
 * and report it at the expression's position. */
static __thread char *compile_msg;
static void capture(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (e && e->message && !compile_msg)
    compile_msg = mg_xstrdup(e->message);
}

char *mg_expr_selects(const char *src, const char *context) {
  size_t len = strlen(src);
  tok *t = mg_xmalloc((len + 1) * sizeof *t);
  long n = lex(src, t);
  char *name = NULL;
  if (n > 0) {
    reader r = {NULL, src, NULL, 0, 0, t, (size_t)n, 0, 0, {0}, NULL};
    node_t ctx = unknown_node;
    if (context) {
      ctx.kind = 'e';
      ctx.name = context;
      ctx.len = strlen(context);
    }
    val v = read_expr(&r, &ctx);
    if (!r.bad && r.i == r.n && v.kind == 'p' && v.last.kind == 'e' &&
        v.last.name)
      name = mg_xstrndup(v.last.name, v.last.len);
    mg_strv_free(&r.messages);
    free(r.cols);
  }
  free(t);
  return name;
}

static xmlXPathCompExprPtr compile_at(const mg_schema_names *names,
                                      const char *src, const char *context,
                                      const char *file, int line, int col);

xmlXPathCompExprPtr mg_expr_compile(const mg_schema_names *names,
                                    const char *src, const char *file, int line,
                                    int col) {
  return mg_expr_compile_in(names, src, "store", file, line, col);
}

xmlXPathCompExprPtr mg_expr_compile_in(const mg_schema_names *names,
                                       const char *src, const char *context,
                                       const char *file, int line, int col) {
  return mg_expr_compile_written(names, src, NULL, context, file, line, col);
}

xmlXPathCompExprPtr mg_expr_compile_written(const mg_schema_names *names,
                                            const char *src, const char *as,
                                            const char *context,
                                            const char *file, int line,
                                            int col) {
  written = as;
  xmlXPathCompExprPtr comp = compile_at(names, src, context, file, line, col);
  written = NULL;
  return comp;
}

/* mg_expr_compile_in, with `written` set. */
static xmlXPathCompExprPtr compile_at(const mg_schema_names *names,
                                      const char *src, const char *context,
                                      const char *file, int line, int col) {
  const char *p = src;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!*p) {
    mg_diag(MG_ERROR, file, line, col, "empty expression");
    return NULL;
  }
  if (check_bounds(src, file, line, col))
    return NULL;
  if (names && check_names(names, src, file, line, col))
    return NULL;
  xmlStructuredErrorFunc old = xmlStructuredError;
  void *oldctx = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(NULL, capture);
  xmlXPathCompExprPtr comp = xmlXPathCompile(BAD_CAST src);
  xmlSetStructuredErrorFunc(oldctx, old);
  if (!comp) {
    char *m = compile_msg;
    size_t l = m ? strlen(m) : 0;
    while (l && (m[l - 1] == '\n'))
      m[--l] = '\0';
    mg_diag(MG_ERROR, file, line, col, "invalid expression '%s': %s", src,
            m ? m : "syntax error");
    free(compile_msg);
    compile_msg = NULL;
  }
  if (comp && names && check_literals(names, src, context, file, line, col)) {
    xmlXPathFreeCompExpr(comp);
    comp = NULL;
  }
  return comp;
}

/* XPath errors of an evaluation stay in the context (lastError): the
 * caller reports them once, positioned at the expression. */
static void keep_error(void *data, xmlErrorPtr err) {
  (void)data;
  (void)err;
}

xmlXPathContextPtr mg_expr_context_new(xmlDocPtr params) {
  xmlXPathContextPtr ctx = xmlXPathNewContext(params);
  if (!ctx) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  ctx->node = xmlDocGetRootElement(params);
  /* the length and nesting bounds do not bound the work: a short
   * expression can visit every node for every node, again and again */
  ctx->opLimit = MG_EXPR_MAX_OPS;
  ctx->error = keep_error;
  return ctx;
}

xmlXPathObjectPtr mg_expr_eval(xmlXPathContextPtr ctx, const mg_expr *e,
                               xmlNodePtr node, const char *store) {
  ctx->node = node ? node : xmlDocGetRootElement(ctx->doc);
  ctx->contextSize = 1;
  ctx->proximityPosition = 1;
  ctx->opCount = 0;
  xmlResetError(&ctx->lastError);
  xmlXPathObjectPtr r = xmlXPathCompiledEval(e->comp, ctx);
  if (!r && ctx->opLimit && ctx->opCount >= ctx->opLimit)
    mg_diag_store(MG_ERROR, e->file, e->line, e->col, store,
                  "expression '%s' takes too much work: more than %lu "
                  "steps (write it more simply)",
                  e->src, ctx->opLimit);
  else if (!r && ctx->lastError.message) {
    /* libxml2's words after ours, without their newline */
    const char *m = ctx->lastError.message;
    int n = (int)strcspn(m, "\n");
    mg_diag_store(MG_ERROR, e->file, e->line, e->col, store,
                  "cannot evaluate expression '%s' (libxml2: %.*s)", e->src, n,
                  m);
  } else if (!r)
    mg_diag_store(MG_ERROR, e->file, e->line, e->col, store,
                  "cannot evaluate expression '%s'", e->src);
  return r;
}

static xmlXPathObjectPtr eval(xmlXPathContextPtr ctx, const mg_expr *e,
                              const char *store) {
  return mg_expr_eval(ctx, e, NULL, store);
}

int mg_expr_bool(xmlXPathContextPtr ctx, const mg_expr *e, const char *store) {
  xmlXPathObjectPtr r = eval(ctx, e, store);
  if (!r)
    return -1;
  int b = xmlXPathCastToBoolean(r);
  xmlXPathFreeObject(r);
  return b;
}

char *mg_expr_string(xmlXPathContextPtr ctx, const mg_expr *e,
                     const char *store) {
  return mg_expr_value(ctx, e, store, NULL, NULL);
}

char *mg_expr_value(xmlXPathContextPtr ctx, const mg_expr *e, const char *store,
                    const mg_schema_names *names, const char **type) {
  if (type)
    *type = NULL;
  xmlXPathObjectPtr r = eval(ctx, e, store);
  if (!r)
    return NULL;
  if (r->type == XPATH_NODESET &&
      (!r->nodesetval || r->nodesetval->nodeNr == 0)) {
    mg_diag_store(MG_ERROR, e->file, e->line, e->col, store,
                  "placeholder '{{ %s }}' selects nothing", e->src);
    xmlXPathFreeObject(r);
    return NULL;
  }
  if (r->type == XPATH_NODESET && r->nodesetval->nodeNr > 1) {
    /* every value, in document order: "11:30、16:30" */
    const char *sep = ctx->userData ? (const char *)ctx->userData : ", ";
    mg_buf b = {0};
    for (int i = 0; i < r->nodesetval->nodeNr; i++) {
      xmlChar *v = xmlXPathCastNodeToString(r->nodesetval->nodeTab[i]);
      if (i)
        mg_buf_puts(&b, sep);
      mg_buf_puts(&b, v ? (const char *)v : "");
      xmlFree(v);
    }
    xmlXPathFreeObject(r);
    return b.data ? b.data : mg_xstrdup("");
  }
  /* one attribute or element: the type the schema gives its value */
  if (type && names && r->type == XPATH_NODESET) {
    xmlNodePtr a = r->nodesetval->nodeTab[0];
    if (a->type == XML_ATTRIBUTE_NODE && a->parent)
      *type = mg_schema_attr_type(names, (const char *)a->parent->name,
                                  (const char *)a->name);
    else if (a->type == XML_ELEMENT_NODE)
      *type = mg_schema_attr_type(names, (const char *)a->name, "");
  }
  xmlChar *s = xmlXPathCastToString(r);
  xmlXPathFreeObject(r);
  char *out = mg_xstrdup(s ? (const char *)s : "");
  xmlFree(s);
  return out;
}

void mg_expr_context_set_separator(xmlXPathContextPtr ctx, const char *sep) {
  ctx->userData = (void *)sep;
}

const char *mg_list_separator(const char *lang) {
  return lang && !strcmp(lang, "zh-CN") ? "\xE3\x80\x81" /* 、 */ : ", ";
}
