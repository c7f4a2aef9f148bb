/* schemadiag.c -- parameter schema errors in the author's terms.
 *
 * libxml2 reports an invalid parameter file in the schema's words
 * ("Element 'type': [facet 'enumeration'] The value 'big' is not an
 * element of the set {...}") at a line, with no column. Here such an error
 * is said in the author's terms first, from what the schema declares (the
 * type of the element or attribute, its documentation, the names allowed
 * where the mistake is), then "(schema: <libxml2's words>)", at the
 * element's '<' or the attribute's name, found in the file's text. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlregexp.h>
#include <libxml/xmlschemas.h>

#include "manualgen.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"

/* --------------------------------------------------- where in the file
 *
 * libxml2 gives an element the line of the end of its start tag. The
 * start tags of the file are listed with that line, in document order,
 * so the element is the k-th tag ending on its line, where k counts the
 * elements before it ending there too. The list of the last file is kept:
 * the errors of a file come one after another, and a file with thousands
 * of them must not be read thousands of times. */

typedef struct {
  size_t lt;   /* offset of the '<' */
  int line;    /* of the '<' */
  int endline; /* of the '>' */
} start_tag;

static pthread_mutex_t tags_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char *path;
  char *src;
  size_t len;
  start_tag *v;
  size_t n;
} tags; /* the file of the last error, under tags_lock */

static int is_name_byte(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips to just after the first occurrence of end at or after i,
 * counting lines. */
static size_t skip_past(const char *s, size_t len, size_t i, const char *end,
                        int *line) {
  size_t el = strlen(end);
  for (; i < len; i++) {
    if (i + el <= len && !memcmp(s + i, end, el))
      return i + el;
    if (s[i] == '\n')
      (*line)++;
  }
  return len;
}

static void free_tags(void) {
  free(tags.path);
  free(tags.src);
  free(tags.v);
  memset(&tags, 0, sizeof tags);
}

static void free_tags_at_exit(void) { atexit(free_tags); }

/* Lists the start tags of a well-formed file (it was parsed before it
 * was validated). Replaces the list kept in `tags`. */
static void index_tags(const char *path) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, free_tags_at_exit);
  free_tags();
  tags.src = mg_read_file(path, &tags.len);
  if (!tags.src)
    return;
  tags.path = mg_xstrdup(path);
  const char *s = tags.src;
  size_t len = tags.len, cap = 0;
  int line = 1;
  for (size_t i = 0; i < len;) {
    if (s[i] != '<') {
      line += s[i++] == '\n';
      continue;
    }
    if (i + 4 <= len && !memcmp(s + i, "<!--", 4)) {
      i = skip_past(s, len, i + 4, "-->", &line);
    } else if (i + 9 <= len && !memcmp(s + i, "<![CDATA[", 9)) {
      i = skip_past(s, len, i + 9, "]]>", &line);
    } else if (i + 1 < len && s[i + 1] == '?') {
      i = skip_past(s, len, i + 2, "?>", &line);
    } else if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '/')) {
      i = skip_past(s, len, i + 2, ">", &line); /* DTDs were refused */
    } else {
      start_tag t = {i, line, line};
      for (i++; i < len && s[i] != '>'; i++) {
        if (s[i] == '"' || s[i] == '\'') {
          char q[2] = {s[i], '\0'};
          i = skip_past(s, len, i + 1, q, &line) - 1;
        } else if (s[i] == '\n') {
          line++;
        }
      }
      t.endline = line;
      if (tags.n == cap) {
        cap = cap ? 2 * cap : 64;
        tags.v = mg_xrealloc(tags.v, cap * sizeof *tags.v);
      }
      tags.v[tags.n++] = t;
    }
  }
}

/* The element before n in document order, or NULL. */
static xmlNodePtr prev_element(xmlNodePtr n) {
  xmlNodePtr p = n->prev;
  while (p && p->type != XML_ELEMENT_NODE)
    p = p->prev;
  if (!p)
    return n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
  for (;;) { /* its last descendant */
    xmlNodePtr c = p->last;
    while (c && c->type != XML_ELEMENT_NODE)
      c = c->prev;
    if (!c)
      return p;
    p = c;
  }
}

/* True when the tag at t spells the name of el. */
static int tag_names(const start_tag *t, xmlNodePtr el) {
  const char *s = tags.src + t->lt + 1;
  size_t room = tags.len - t->lt - 1, n = 0;
  if (el->ns && el->ns->prefix) {
    n = strlen((const char *)el->ns->prefix);
    if (n + 1 > room || memcmp(s, el->ns->prefix, n) || s[n] != ':')
      return 0;
    n++;
  }
  size_t l = strlen((const char *)el->name);
  return n + l <= room && !memcmp(s + n, el->name, l) &&
         (n + l == room || !is_name_byte((unsigned char)s[n + l]));
}

/* The offset of attribute name's name in the start tag t, or t->lt. */
static size_t attr_offset(const start_tag *t, const char *name) {
  const char *s = tags.src;
  size_t len = tags.len, i = t->lt + 1, nl = strlen(name);
  while (i < len && is_name_byte((unsigned char)s[i]))
    i++;
  for (;;) {
    while (i < len && is_space(s[i]))
      i++;
    if (i >= len || !is_name_byte((unsigned char)s[i]))
      return t->lt;
    size_t a = i;
    while (i < len && is_name_byte((unsigned char)s[i]))
      i++;
    if (i - a == nl && !memcmp(s + a, name, nl))
      return a;
    while (i < len && s[i] != '"' && s[i] != '\'')
      i++;
    const char *q = i < len ? memchr(s + i + 1, s[i], len - i - 1) : NULL;
    if (!q)
      return t->lt;
    i = (size_t)(q - s) + 1;
  }
}

/* The offset of the first character of the value of the attribute whose
 * name is at off, or off when there is none. */
static size_t value_offset(size_t off) {
  const char *s = tags.src;
  size_t len = tags.len, i = off;
  while (i < len && is_name_byte((unsigned char)s[i]))
    i++;
  while (i < len && is_space(s[i]))
    i++;
  if (i >= len || s[i] != '=')
    return off;
  for (i++; i < len && is_space(s[i]); i++)
    ;
  return i < len && (s[i] == '"' || s[i] == '\'') ? i + 1 : off;
}

/* Finds el (and its attribute attr, when not NULL; with value, the
 * first character of that attribute's value) in file: sets *line and
 * *col (in characters) and returns 0, or returns -1 when it cannot be
 * found (no file, line numbers beyond libxml2's 65535). */
static int locate(const char *file, xmlNodePtr el, const char *attr, int value,
                  int *line, int *col) {
  long endline = xmlGetLineNo(el);
  if (!file || endline <= 0 || endline >= 65535)
    return -1;
  size_t k = 0;
  for (xmlNodePtr p = prev_element(el); p && xmlGetLineNo(p) == endline;
       p = prev_element(p))
    k++;
  int rc = -1, listed = 0;
  pthread_mutex_lock(&tags_lock);
  for (int attempt = 0; attempt < 2 && rc < 0; attempt++) {
    if (attempt || !tags.path || strcmp(tags.path, file)) {
      if (listed)
        break;
      index_tags(file);
      listed = 1;
    }
    size_t lo = 0, hi = tags.n; /* the first tag ending on endline */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (tags.v[mid].endline < endline)
        lo = mid + 1;
      else
        hi = mid;
    }
    const start_tag *t = lo + k < tags.n ? &tags.v[lo + k] : NULL;
    if (!t || t->endline != endline || !tag_names(t, el))
      continue; /* the file changed since it was listed: list it again */
    size_t off = attr ? attr_offset(t, attr) : t->lt;
    if (attr && value && off != t->lt)
      off = value_offset(off);
    *line = t->line;
    for (size_t i = t->lt; i < off; i++)
      *line += tags.src[i] == '\n';
    size_t start = off;
    while (start > 0 && tags.src[start - 1] != '\n')
      start--;
    if (start == 0 && tags.len >= 3 && !memcmp(tags.src, "\xEF\xBB\xBF", 3))
      start = 3;
    *col = 1;
    for (size_t i = start; i < off; (*col)++) {
      unsigned cp;
      int n = mg_utf8_decode(tags.src + i, off - i, &cp);
      i += n ? (size_t)n : 1;
    }
    rc = 0;
  }
  pthread_mutex_unlock(&tags_lock);
  return rc;
}

int mg_xml_locate(const char *file, xmlNodePtr el, const char *attr, int *line,
                  int *col) {
  return locate(file, el, attr, 1, line, col);
}

/* ------------------------------------------------ what the schema says
 *
 * A small reading of params.xsd: declarations are found by name among
 * the schema's top-level children, and a complex type's element and
 * attribute declarations are those in its model groups, its attribute
 * groups and its base types. */

static int is_xs(xmlNodePtr n, const char *local) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         xmlStrEqual(n->ns->href, BAD_CAST XS_NS) &&
         (!local || xmlStrEqual(n->name, BAD_CAST local));
}

static int named(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetProp(n, BAD_CAST "name");
  int r = v && name && !strcmp((const char *)v, name);
  xmlFree(v);
  return r;
}

/* The top-level declaration kind ("complexType", …) named name. */
static xmlNodePtr xs_global(xmlDocPtr xsd, const char *kind, const char *name) {
  xmlNodePtr r = xsd ? xmlDocGetRootElement(xsd) : NULL;
  for (xmlNodePtr c = r ? r->children : NULL; c; c = c->next)
    if (is_xs(c, kind) && named(c, name))
      return c;
  return NULL;
}

/* The top-level declaration kind that attribute a of n refers to. */
static xmlNodePtr xs_ref(xmlDocPtr xsd, xmlNodePtr n, const char *a,
                         const char *kind) {
  xmlChar *v = xmlGetProp(n, BAD_CAST a);
  xmlNodePtr r = v ? xs_global(xsd, kind, (const char *)v) : NULL;
  xmlFree(v);
  return r;
}

/* Calls f(decl, arg) on each declaration of kind ("element" or
 * "attribute") that the type below n allows directly, until f returns
 * non-NULL; returns that. */
typedef void *(*decl_fn)(xmlNodePtr decl, void *arg);
static void *each_decl(xmlDocPtr xsd, xmlNodePtr n, const char *kind, decl_fn f,
                       void *arg, int depth) {
  if (!n || depth > 32) /* a base type that derives from itself */
    return NULL;
  for (xmlNodePtr c = n->children; c; c = c->next) {
    void *r = NULL;
    if (!is_xs(c, NULL))
      continue;
    if (is_xs(c, kind)) {
      if ((r = f(c, arg)) != NULL)
        return r;
      continue;
    }
    if (is_xs(c, "element") || is_xs(c, "attribute"))
      continue; /* the other kind, and what it declares inside */
    if (is_xs(c, "extension") || is_xs(c, "restriction"))
      r = each_decl(xsd, xs_ref(xsd, c, "base", "complexType"), kind, f, arg,
                    depth + 1);
    else if (is_xs(c, "attributeGroup"))
      r = each_decl(xsd, xs_ref(xsd, c, "ref", "attributeGroup"), kind, f, arg,
                    depth + 1);
    if (r || (r = each_decl(xsd, c, kind, f, arg, depth + 1)) != NULL)
      return r;
  }
  return NULL;
}

static void *match_name(xmlNodePtr decl, void *name) {
  return named(decl, name) ? decl : NULL;
}

static void *add_name(xmlNodePtr decl, void *sv) {
  xmlChar *v = xmlGetProp(decl, BAD_CAST "name");
  if (v)
    mg_strv_push(sv, mg_xstrdup((const char *)v));
  xmlFree(v);
  return NULL;
}

static xmlNodePtr type_of(xmlDocPtr xsd, xmlNodePtr el);

/* The declaration of instance element el, or NULL. */
static xmlNodePtr decl_of(xmlDocPtr xsd, xmlNodePtr el) {
  if (!el->parent || el->parent->type != XML_ELEMENT_NODE)
    return xs_global(xsd, "element", (const char *)el->name);
  return each_decl(xsd, type_of(xsd, el->parent), "element", match_name,
                   (void *)el->name, 0);
}

/* The complex type of instance element el, or NULL. */
static xmlNodePtr type_of(xmlDocPtr xsd, xmlNodePtr el) {
  xmlNodePtr d = decl_of(xsd, el);
  if (!d)
    return NULL;
  xmlNodePtr t = xs_ref(xsd, d, "type", "complexType");
  for (xmlNodePtr c = d->children; c && !t; c = c->next)
    if (is_xs(c, "complexType"))
      t = c;
  return t;
}

/* The names of the elements (kind "element") or attributes that the type
 * of el allows, in the schema's order. */
static void allowed(xmlDocPtr xsd, xmlNodePtr el, const char *kind,
                    mg_strv *out) {
  each_decl(xsd, type_of(xsd, el), kind, add_name, out, 0);
}

/* The name of the simple type of el's text, or of its attribute attr:
 * "StoreTypeCode", "xs:positiveInteger"; NULL when anonymous or unknown.
 * Caller frees. */
static char *simple_type(xmlDocPtr xsd, xmlNodePtr el, const char *attr) {
  xmlNodePtr d = NULL;
  if (attr)
    d = each_decl(xsd, type_of(xsd, el), "attribute", match_name, (void *)attr,
                  0);
  else if ((d = decl_of(xsd, el)) != NULL &&
           xs_ref(xsd, d, "type", "complexType")) {
    /* simple content: the base of its extension or restriction */
    xmlNodePtr t = xs_ref(xsd, d, "type", "complexType"), b = NULL;
    for (xmlNodePtr c = t->children; c && !b; c = c->next)
      if (is_xs(c, "simpleContent"))
        for (xmlNodePtr x = c->children; x && !b; x = x->next)
          if (is_xs(x, "extension") || is_xs(x, "restriction"))
            b = x;
    xmlChar *v = b ? xmlGetProp(b, BAD_CAST "base") : NULL;
    char *r = v ? mg_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return r;
  }
  xmlChar *v = d ? xmlGetProp(d, BAD_CAST "type") : NULL;
  char *r = v ? mg_xstrdup((const char *)v) : NULL;
  xmlFree(v);
  return r;
}

/* The documentation of the named simple type t, without its final full
 * stop; NULL when it has none. Caller frees. */
static char *type_doc(xmlDocPtr xsd, const char *t) {
  xmlNodePtr st = t ? xs_global(xsd, "simpleType", t) : NULL;
  for (xmlNodePtr a = st ? st->children : NULL; a; a = a->next)
    for (xmlNodePtr d = is_xs(a, "annotation") ? a->children : NULL; d;
         d = d->next)
      if (is_xs(d, "documentation")) {
        xmlChar *v = xmlNodeGetContent(d);
        char *r = mg_xstrdup(v ? (const char *)v : "");
        xmlFree(v);
        size_t n = strlen(r);
        while (n > 0 && is_space(r[n - 1]))
          r[--n] = '\0';
        if (n >= 3 && !strcmp(r + n - 3, "\xE3\x80\x82")) /* 。 */
          r[n - 3] = '\0';
        if (n >= 1 && r[n - 1] == '.')
          r[n - 1] = '\0';
        if (*r)
          return r;
        free(r);
      }
  return NULL;
}

/* What a named type is called in a message: "StoreTypeCode" -> "store
 * type", "StarLevel" -> "star level"; NULL for the built-in types.
 * Caller frees. */
static char *type_words(const char *t) {
  if (!t || strchr(t, ':'))
    return NULL;
  mg_buf b = {0};
  for (const char *c = t; *c; c++) {
    if (*c >= 'A' && *c <= 'Z') {
      if (c != t)
        mg_buf_puts(&b, " ");
      char l = (char)(*c - 'A' + 'a');
      mg_buf_put(&b, &l, 1);
    } else {
      mg_buf_put(&b, c, 1);
    }
  }
  static const char *suffixes[] = {" code", " value"};
  for (size_t i = 0; i < 2; i++) {
    size_t l = strlen(suffixes[i]);
    if (b.len > l && !strcmp(b.data + b.len - l, suffixes[i]))
      b.data[b.len -= l] = '\0';
  }
  return b.data;
}

/* What a value of a built-in type must look like, or NULL. */
static const char *builtin_words(const char *t) {
  static const char *const words[][2] = {
      {"xs:positiveInteger", "a whole number, 1 or more"},
      {"xs:nonNegativeInteger", "a whole number, 0 or more"},
      {"xs:integer", "a whole number"},
      {"xs:decimal", "a number"},
      {"xs:boolean", "true or false"},
      {"xs:date", "a date written YYYY-MM-DD"},
  };
  for (size_t i = 0; t && i < sizeof words / sizeof *words; i++)
    if (!strcmp(t, words[i][0]))
      return words[i][1];
  return NULL;
}

/* --------------------------------------------------------- suggestions */

/* Appends v joined by ", ". */
static void put_list(mg_buf *b, const mg_strv *v) {
  for (size_t i = 0; i < v->n; i++)
    mg_buf_printf(b, "%s%s", i ? ", " : "", v->v[i]);
}

/* A value that matches pattern, made from v by undoing the usual slips
 * (full-width letters and digits, capitals, '_' or spaces for '-', a
 * missing leading zero, as in 8:30), or NULL. Caller frees. */
static char *repair(const char *pattern, const char *v) {
  xmlRegexpPtr re = xmlRegexpCompile(BAD_CAST pattern);
  if (!re)
    return NULL;
  mg_buf a = {0}, c = {0}, z = {0};
  for (size_t i = 0, n = strlen(v); i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(v + i, n - i, &cp);
    if (k == 3 && cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width forms */
      char ch = (char)(cp - 0xFF01 + 0x21);
      mg_buf_put(&a, &ch, 1);
    } else if (k == 3 && cp == 0x3000) {
      mg_buf_puts(&a, " ");
    } else {
      mg_buf_put(&a, v + i, k ? (size_t)k : 1);
    }
    i += k ? (size_t)k : 1;
  }
  mg_buf_puts(&a, ""); /* a.data is set even for "" */
  for (size_t i = 0; i < a.len; i++) {
    char ch = a.data[i];
    ch = ch >= 'A' && ch <= 'Z'   ? (char)(ch - 'A' + 'a')
         : ch == '_' || ch == ' ' ? '-'
                                  : ch;
    mg_buf_put(&c, &ch, 1);
  }
  mg_buf_puts(&c, "");
  for (size_t i = 0; i < a.len; i++) {
    int digit = a.data[i] >= '0' && a.data[i] <= '9';
    if (digit && (i == 0 || !(a.data[i - 1] >= '0' && a.data[i - 1] <= '9')) &&
        !(i + 1 < a.len && a.data[i + 1] >= '0' && a.data[i + 1] <= '9'))
      mg_buf_puts(&z, "0"); /* a lone digit */
    mg_buf_put(&z, a.data + i, 1);
  }
  mg_buf_puts(&z, "");
  const char *cand[] = {a.data, c.data, z.data};
  char *r = NULL;
  for (size_t i = 0; i < 3 && !r; i++)
    if (strcmp(cand[i], v) && xmlRegexpExec(re, BAD_CAST cand[i]) == 1)
      r = mg_xstrdup(cand[i]);
  xmlRegFreeRegexp(re);
  mg_buf_free(&a);
  mg_buf_free(&c);
  mg_buf_free(&z);
  return r;
}

/* ------------------------------------------------------------ messages */

/* The attribute an error is about. libxml2 names it only in its message,
 * "Element 'round', attribute 'time': …". Caller frees; NULL for none. */
static char *error_attr(const char *msg) {
  const char *a = strstr(msg, "', attribute '"), *colon = strstr(msg, "': ");
  if (!a || (colon && colon < a))
    return NULL;
  a += strlen("', attribute '");
  const char *e = strchr(a, '\'');
  return e ? mg_xstrndup(a, (size_t)(e - a)) : NULL;
}

/* "'big' is not a valid store type" (a named type) or "'x' is not a valid
 * value for the attribute 'count' of <post>" (a built-in or anonymous
 * one). */
static void put_lead(mg_buf *w, const char *value, const char *words,
                     xmlNodePtr el, const char *attr) {
  if (words)
    mg_buf_printf(w, "'%s' is not a valid %s", value, words);
  else if (attr)
    mg_buf_printf(w, "'%s' is not a valid value for the attribute '%s' of <%s>",
                  value, attr, (const char *)el->name);
  else
    mg_buf_printf(w, "'%s' is not a valid value for <%s>", value,
                  (const char *)el->name);
}

/* The earlier sibling of el with its name (and its key, when key is not
 * NULL), or NULL. */
static xmlNodePtr earlier_twin(xmlNodePtr el, const xmlChar *key) {
  for (xmlNodePtr s = el->prev; s; s = s->prev) {
    if (s->type != XML_ELEMENT_NODE || !xmlStrEqual(s->name, el->name))
      continue;
    xmlChar *k = key ? xmlGetProp(s, BAD_CAST "key") : NULL;
    int same = !key || xmlStrEqual(k, key);
    xmlFree(k);
    if (same)
      return s;
  }
  return NULL;
}

/* Says in the author's terms what e (a validity error about el, or its
 * attribute attr) means. Appends to w; sets *at_attr to the attribute
 * the error is best shown at (NULL: the element). Leaves w empty when
 * there is nothing better to say than libxml2's words. */
static void explain(xmlErrorPtr e, xmlDocPtr xsd, xmlNodePtr el,
                    const char *attr, mg_buf *w, const char **at_attr) {
  const char *s1 = e->str1 ? e->str1 : "", *s2 = e->str2 ? e->str2 : "";
  const char *name = (const char *)el->name;
  char *type = NULL, *words = NULL, *doc = NULL;
  mg_strv v = {0};
  *at_attr = attr;
  switch ((int)e->code) {
  case XML_SCHEMAV_CVC_ENUMERATION_VALID: /* str2: 'a', 'b', 'c' */
    for (const char *p = s2; (p = strchr(p, '\'')) != NULL;) {
      const char *q = strchr(++p, '\'');
      if (!q)
        break;
      mg_strv_push(&v, mg_xstrndup(p, (size_t)(q - p)));
      p = q + 1;
    }
    type = simple_type(xsd, el, attr);
    words = type_words(type);
    put_lead(w, s1, words, el, attr);
    mg_buf_puts(w, v.n == 1 ? "; expected " : "; expected one of ");
    put_list(w, &v);
    if (mg_suggest(&v, s1, strlen(s1)))
      mg_buf_printf(w, "; did you mean '%s'?", mg_suggest(&v, s1, strlen(s1)));
    break;
  case XML_SCHEMAV_CVC_PATTERN_VALID: { /* str2: the pattern */
    type = simple_type(xsd, el, attr);
    words = type_words(type);
    doc = type_doc(xsd, type);
    char *fix = repair(s2, s1);
    put_lead(w, s1, words, el, attr);
    if (doc)
      mg_buf_printf(w, " (%s)", doc);
    if (fix)
      mg_buf_printf(w, "; did you mean '%s'?", fix);
    free(fix);
    break;
  }
  case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1: /* not of the type at all */
    type = simple_type(xsd, el, attr);
    words = type_words(type);
    doc = type_doc(xsd, type);
    put_lead(w, s1, words, el, attr);
    if (builtin_words(type))
      mg_buf_printf(w, ": write %s", builtin_words(type));
    else if (doc)
      mg_buf_printf(w, " (%s)", doc);
    break;
  case XML_SCHEMAV_CVC_MININCLUSIVE_VALID: /* str2: the limit */
  case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
  case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
  case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID:
    type = simple_type(xsd, el, attr);
    words = type_words(type);
    put_lead(w, s1, words, el, attr);
    mg_buf_printf(w, ": it must be %s %s",
                  e->code == XML_SCHEMAV_CVC_MININCLUSIVE_VALID   ? "at least"
                  : e->code == XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID ? "at most"
                  : e->code == XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID ? "more than"
                                                                  : "less than",
                  s2);
    break;
  case XML_SCHEMAV_ELEMENT_CONTENT: { /* "This element is not expected." */
    xmlNodePtr parent = el->parent, twin = earlier_twin(el, NULL);
    if (!parent || parent->type != XML_ELEMENT_NODE)
      break;
    allowed(xsd, parent, "element", &v);
    int known = 0;
    for (size_t i = 0; i < v.n; i++)
      known |= !strcmp(v.v[i], name);
    if (twin && known) {
      mg_buf_printf(w, "<%s> is given twice in <%s> (first on line %ld)", name,
                    (const char *)parent->name, xmlGetLineNo(twin));
    } else if (!known && v.n) {
      mg_buf_printf(w, "<%s> is not expected in <%s>", name,
                    (const char *)parent->name);
      if (mg_suggest(&v, name, strlen(name)))
        mg_buf_printf(w, "; did you mean <%s>?",
                      mg_suggest(&v, name, strlen(name)));
      mg_buf_puts(w, " (expected: ");
      put_list(w, &v);
      mg_buf_puts(w, ")");
    }
    break;
  }
  case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1: /* str1: the attribute */
  case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    *at_attr = s1;
    allowed(xsd, el, "attribute", &v);
    mg_buf_printf(w, "<%s> has no attribute '%s'", name, s1);
    if (mg_suggest(&v, s1, strlen(s1)))
      mg_buf_printf(w, "; did you mean '%s'?", mg_suggest(&v, s1, strlen(s1)));
    if (v.n) {
      mg_buf_puts(w, " (expected: ");
      put_list(w, &v);
      mg_buf_puts(w, ")");
    }
    break;
  case XML_SCHEMAV_CVC_COMPLEX_TYPE_4: /* str1: the missing attribute */
    *at_attr = NULL;
    mg_buf_printf(w, "<%s> needs the attribute %s=\"…\"", name, s1);
    break;
  case XML_SCHEMAV_CVC_IDC: { /* "Duplicate key-sequence ['clerk'] in …" */
    xmlChar *key = xmlGetProp(el, BAD_CAST "key");
    xmlNodePtr twin = key ? earlier_twin(el, key) : NULL;
    if (twin) {
      *at_attr = "key";
      mg_buf_printf(w, "<%s key=\"%s\"> is given twice (first on line %ld)",
                    name, (const char *)key, xmlGetLineNo(twin));
    }
    /* an id unique in the file (rules.xml): the earlier element with it */
    xmlChar *id = key ? NULL : xmlGetProp(el, BAD_CAST "id");
    for (xmlNodePtr p = id ? prev_element(el) : NULL; p && !twin;
         p = prev_element(p)) {
      xmlChar *pid = xmlGetProp(p, BAD_CAST "id");
      if (xmlStrEqual(pid, id)) {
        twin = p;
        *at_attr = "id";
        mg_buf_printf(w, "id=\"%s\" is given twice (first on line %ld)",
                      (const char *)id, xmlGetLineNo(p));
      }
      xmlFree(pid);
    }
    xmlFree(id);
    xmlFree(key);
    break;
  }
  case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3: /* text in an element-only type */
    mg_buf_printf(w,
                  "text is not allowed directly in <%s>: it holds only "
                  "elements",
                  name);
    break;
  default:
    break;
  }
  free(type);
  free(words);
  free(doc);
  mg_strv_free(&v);
}

void mg_schema_diag(xmlErrorPtr e, xmlDocPtr xsd) {
  if (!e || e->level == XML_ERR_NONE)
    return;
  /* after an invalid key, libxml2 adds "Warning: No precomputed value
   * available": the first error says it all */
  if (e->code == XML_SCHEMAV_CVC_IDC && !e->str1)
    return;
  char *words = mg_xstrdup(e->message ? e->message : "");
  size_t n = strlen(words);
  while (n > 0 && is_space(words[n - 1]))
    words[--n] = '\0';
  for (char *c = words; *c; c++)
    if (*c == '\n')
      *c = ' ';
  xmlNodePtr el = e->node;
  char *attr = error_attr(words);
  if (el && el->type == XML_ATTRIBUTE_NODE) {
    free(attr);
    attr = mg_xstrdup((const char *)el->name);
    el = el->parent;
  }
  if (el && el->type != XML_ELEMENT_NODE)
    el = NULL;
  mg_buf what = {0};
  const char *at_attr = attr;
  if (el && e->domain == XML_FROM_SCHEMASV) {
    explain(e, xsd, el, attr, &what, &at_attr);
    if (!what.len)
      mg_buf_puts(&what, "the parameter schema does not allow this");
  }
  /* with a file name set on the validation context, libxml2 gives no
   * line: the element has it */
  int line = e->line > 0 ? e->line : el ? (int)xmlGetLineNo(el) : 0, col = 0;
  if (el)
    locate(e->file, el, at_attr, 0, &line, &col);
  if (what.len)
    mg_diag(MG_ERROR, e->file, line, col, "%s (schema: %s)", what.data, words);
  else
    mg_diag(MG_ERROR, e->file, line, col, "%s", words);
  mg_buf_free(&what);
  free(attr);
  free(words);
}

/* ------------------------------------------------------- validating */

/* At most this many schema errors are reported for one file: nobody
 * reads more, and each is placed by reading the file. */
#define MAX_SCHEMA_ERRORS 50

typedef struct {
  xmlDocPtr xsd;
  int n;         /* errors seen in this file */
  long lastline; /* where the last one was */
} schema_ctx;

static void schema_error(void *ctx, xmlErrorPtr e) {
  schema_ctx *c = ctx;
  if (c && e && e->level != XML_ERR_NONE) {
    c->lastline = e->node ? xmlGetLineNo(e->node) : e->line;
    if (++c->n > MAX_SCHEMA_ERRORS)
      return;
  }
  mg_schema_diag(e, c ? c->xsd : NULL);
}

xmlSchemaPtr mg_schema_compile(xmlDocPtr xsd) {
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(xsd);
  if (!pc) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  xmlSchemaSetParserStructuredErrors(pc, schema_error, NULL);
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  return schema;
}

int mg_schema_validate(xmlSchemaPtr schema, xmlDocPtr xsd, xmlDocPtr doc) {
  schema_ctx c = {xsd, 0, 0};
  xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
  if (!v) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  xmlSchemaSetValidStructuredErrors(v, schema_error, &c);
  /* with a file name libxml2 does not walk every earlier sibling to find
   * each error's line (20,000 errors: 11 s without, 0.5 s with) */
  if (doc->URL)
    xmlSchemaValidateSetFilename(v, (const char *)doc->URL);
  int rc = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  if (c.n > MAX_SCHEMA_ERRORS)
    mg_diag(MG_ERROR, (const char *)doc->URL, (int)c.lastline, 0,
            "%d more schema errors in this file are not shown",
            c.n - MAX_SCHEMA_ERRORS);
  return rc != 0 ? (c.n ? c.n : 1) : 0;
}
