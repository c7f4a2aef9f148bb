/* expr.c -- the expression language: XPath 1.0 over a store's parameters.
 *
 * Before compiling, every name in an expression is checked against the
 * names params.xsd declares, so that a typo ("hous/weekday") is an error
 * instead of a condition that is silently false. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "manualgen.h"

struct mg_schema_names {
  mg_strv elements;
  mg_strv attributes;
  char *xsd_path;
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

mg_schema_names *mg_schema_names_load(xmlDocPtr xsd, const char *xsd_path) {
  mg_schema_names *n = mg_xcalloc(1, sizeof *n);
  n->xsd_path = mg_xstrdup(xsd_path);
  collect(xmlDocGetRootElement(xsd), n);
  return n;
}

void mg_schema_names_free(mg_schema_names *n) {
  if (!n)
    return;
  mg_strv_free(&n->elements);
  mg_strv_free(&n->attributes);
  free(n->xsd_path);
  free(n);
}

/* Levenshtein distance, for "did you mean". */
static size_t distance(const char *a, size_t la, const char *b) {
  size_t lb = strlen(b);
  size_t *row = mg_xmalloc((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t sub = prev + (a[i - 1] != b[j - 1]);
      size_t del = row[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      prev = cur;
    }
  }
  size_t d = row[lb];
  free(row);
  return d;
}

static const char *suggest(const mg_strv *v, const char *s, size_t n) {
  const char *best = NULL;
  size_t bd = (size_t)-1;
  for (size_t i = 0; i < v->n; i++) {
    size_t d = distance(s, n, v->v[i]);
    if (d < bd) {
      bd = d;
      best = v->v[i];
    }
  }
  return bd <= 2 || (bd <= 3 && n > 6) ? best : NULL;
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
static int at(const char *src, size_t off, int col) {
  for (size_t i = 0; i < off; i++)
    if (((unsigned char)src[i] & 0xC0) != 0x80)
      col++;
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
        const char *sug = suggest(v, src + s, l);
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

/* Compile errors arrive through libxml2's handler; capture the message
 * and report it at the expression's position. */
static __thread char *compile_msg;
static void capture(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (e && e->message && !compile_msg)
    compile_msg = mg_xstrdup(e->message);
}

xmlXPathCompExprPtr mg_expr_compile(const mg_schema_names *names,
                                    const char *src, const char *file, int line,
                                    int col) {
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
  return comp;
}

xmlXPathContextPtr mg_expr_context_new(xmlDocPtr params) {
  xmlXPathContextPtr ctx = xmlXPathNewContext(params);
  if (!ctx) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  ctx->node = xmlDocGetRootElement(params);
  return ctx;
}

static xmlXPathObjectPtr eval(xmlXPathContextPtr ctx, const mg_expr *e,
                              const char *store) {
  xmlNodePtr root = xmlDocGetRootElement(ctx->doc);
  ctx->node = root;
  ctx->contextSize = 1;
  ctx->proximityPosition = 1;
  xmlXPathObjectPtr r = xmlXPathCompiledEval(e->comp, ctx);
  if (!r)
    mg_diag_store(MG_ERROR, e->file, e->line, e->col, store,
                  "cannot evaluate expression '%s'", e->src);
  return r;
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
  xmlChar *s = xmlXPathCastToString(r);
  xmlXPathFreeObject(r);
  char *out = mg_xstrdup(s ? (const char *)s : "");
  xmlFree(s);
  return out;
}
