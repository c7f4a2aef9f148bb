/* rules.c -- HQ's own checks: content/rules.xml, an ISO Schematron subset.
 *
 * The file is read once (safely), validated against
 * templates/schema/rules.xsd, and every XPath in it is checked and
 * compiled once by expr.c, exactly as a placeholder is (names, bounds,
 * literals), at its position in rules.xml. Then, per hall, the rules are
 * evaluated over the hall's check document: a copy of its effective
 * parameters with its duties and forms appended (mg_check_doc), never the
 * document the resolver reads.
 *
 * The subset: <pattern> (optional id) holds <rule context=""> elements,
 * each holding <assert> and <report> (id, test, role) whose content is the
 * message, with <value-of select=""> inside. As in Schematron, a node is
 * checked by the first rule of a pattern whose context selects it only.
 * Unlike Schematron, a context is an expression evaluated from the hall's
 * <store> (as a placeholder is), not a pattern matched anywhere. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>

#include "manualgen.h"

/* The names the check document adds to the parameters'. */
static const char *const added_elements[] = {
    "duties", "duty", "forms", "form", "post", "outside", NULL};
static const char *const added_attributes[] = {
    "id",     "title",   "owner",   "declared-owner", "owner-title",
    "status", "section", "outside", "filled-by",      "keep-months",
    "key",    "count",   NULL};

/* A piece of a message: text, or the value of an expression. */
typedef struct {
  char *text;     /* NULL for a value-of */
  mg_expr select; /* comp NULL for text */
} part;

typedef struct {
  char *id;
  int report;  /* fires when the test holds (assert: when it does not) */
  int warning; /* role="warning" */
  int line, col;
  mg_expr test;
  part *parts;
  size_t nparts;
} check;

typedef struct {
  mg_expr context;
  check *checks;
  size_t n;
} rule;

typedef struct {
  rule *rules;
  size_t n;
} pattern;

struct mg_rules {
  char *file;
  pattern *patterns;
  size_t n;
  size_t nchecks;
};

static int is_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static size_t count_elements(xmlNodePtr n, const char *a, const char *b) {
  size_t k = 0;
  for (n = n->children; n; n = n->next)
    k += is_el(n, a) || (b && is_el(n, b));
  return k;
}

/* What reading rules.xml needs. */
typedef struct {
  const mg_schema_names *names;
  const char *file;
  const char *text; /* the file's bytes, NUL-terminated, or NULL */
} loader;

/* The value of the attribute whose first character is at line:col (in
 * characters) of the file, as the file spells it (caller frees), or
 * NULL. */
static char *as_written(const loader *ld, int line, int col) {
  const char *p = ld->text;
  for (int l = 1; p && l < line; l++) {
    p = strchr(p, '\n');
    p = p ? p + 1 : NULL;
  }
  for (int c = 1; p && *p && c < col; c++)
    for (p++; ((unsigned char)*p & 0xC0) == 0x80; p++)
      ;
  if (!p || p == ld->text || (p[-1] != '"' && p[-1] != '\''))
    return NULL;
  const char *end = strchr(p, p[-1]);
  return end ? mg_xstrndup(p, (size_t)(end - p)) : NULL;
}

/* Compiles attribute attr of el into e, at its place in the file; its
 * context node is an element named context (NULL: unknown). Returns 0,
 * or -1 after reporting. */
static int compile(mg_expr *e, xmlNodePtr el, const char *attr,
                   const char *context, const loader *ld) {
  xmlChar *v = xmlGetProp(el, BAD_CAST attr);
  int line = (int)xmlGetLineNo(el), col = 0;
  char *as = NULL;
  if (mg_xml_locate(ld->file, el, attr, &line, &col) == 0)
    as = as_written(ld, line, col);
  e->src = mg_xstrdup(v ? (const char *)v : "");
  e->file = ld->file;
  e->line = line;
  e->col = col;
  xmlFree(v);
  e->comp = mg_expr_compile_written(ld->names, e->src, as, context, ld->file,
                                    line, col);
  free(as);
  return e->comp ? 0 : -1;
}

static void expr_free(mg_expr *e) {
  free(e->src);
  if (e->comp)
    xmlXPathFreeCompExpr(e->comp);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends text to b as a message says it: a run of white space becomes
 * one space, or nothing where it breaks a line between two characters
 * that are not ASCII (a Chinese sentence wrapped in the file reads on).
 * *pending carries a run across pieces: 0 none, ' ' a space, '\n' a
 * line break. */
static void put_words(mg_buf *b, const char *text, char *pending) {
  for (const char *p = text; *p; p++) {
    if (is_space(*p)) {
      if (*pending != '\n')
        *pending = *p == '\n' || *p == '\r' ? '\n' : ' ';
      continue;
    }
    if (*pending && b->len) {
      int wide = ((unsigned char)*p & 0x80) &&
                 ((unsigned char)b->data[b->len - 1] & 0x80);
      if (*pending == ' ' || !wide)
        mg_buf_put(b, " ", 1);
    }
    *pending = 0;
    mg_buf_put(b, p, 1);
  }
}

/* Reads one assert or report. Returns 0, or -1 after reporting. */
static int read_check(check *c, xmlNodePtr el, const char *context,
                      const loader *ld) {
  const char *file = ld->file;
  int rc = 0;
  xmlChar *id = xmlGetProp(el, BAD_CAST "id");
  xmlChar *role = xmlGetProp(el, BAD_CAST "role");
  c->id = mg_xstrdup(id ? (const char *)id : "");
  c->report = is_el(el, "report");
  c->warning = role && xmlStrEqual(role, BAD_CAST "warning");
  xmlFree(id);
  xmlFree(role);
  c->line = (int)xmlGetLineNo(el);
  mg_xml_locate(file, el, NULL, &c->line, &c->col);
  if (compile(&c->test, el, "test", context, ld))
    rc = -1;
  size_t n = 0;
  for (xmlNodePtr k = el->children; k; k = k->next)
    n++;
  c->parts = mg_xcalloc(n ? n : 1, sizeof *c->parts);
  int words = 0;
  for (xmlNodePtr k = el->children; k; k = k->next) {
    part *p = &c->parts[c->nparts];
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
      xmlChar *t = xmlNodeGetContent(k);
      p->text = mg_xstrdup(t ? (const char *)t : "");
      for (const char *q = p->text; *q && !words; q++)
        words = !is_space(*q);
      xmlFree(t);
      c->nparts++;
    } else if (is_el(k, "value-of")) {
      if (compile(&p->select, k, "select", context, ld))
        rc = -1;
      words = 1;
      c->nparts++;
    }
  }
  if (!words) {
    mg_diag(MG_ERROR, file, c->line, c->col,
            "rule %s has no message: write what is wrong between <%s> and "
            "</%s>",
            c->id, (const char *)el->name, (const char *)el->name);
    rc = -1;
  }
  return rc;
}

static void check_free(check *c) {
  free(c->id);
  expr_free(&c->test);
  for (size_t i = 0; i < c->nparts; i++) {
    free(c->parts[i].text);
    expr_free(&c->parts[i].select);
  }
  free(c->parts);
}

void mg_rules_free(mg_rules *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    pattern *p = &r->patterns[i];
    for (size_t j = 0; j < p->n; j++) {
      rule *ru = &p->rules[j];
      expr_free(&ru->context);
      for (size_t k = 0; k < ru->n; k++)
        check_free(&ru->checks[k]);
      free(ru->checks);
    }
    free(p->rules);
  }
  free(r->patterns);
  free(r->file);
  free(r);
}

size_t mg_rules_count(const mg_rules *r) { return r ? r->nchecks : 0; }

/* Reads the valid document doc into r. Returns 0, or -1 after reporting. */
static int read_rules(mg_rules *r, xmlDocPtr doc, const loader *ld) {
  int rc = 0;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  r->patterns = mg_xcalloc(count_elements(root, "pattern", NULL) + 1,
                           sizeof *r->patterns);
  for (xmlNodePtr pn = root->children; pn; pn = pn->next) {
    if (!is_el(pn, "pattern"))
      continue;
    pattern *p = &r->patterns[r->n++];
    p->rules =
        mg_xcalloc(count_elements(pn, "rule", NULL) + 1, sizeof *p->rules);
    for (xmlNodePtr rn = pn->children; rn; rn = rn->next) {
      if (!is_el(rn, "rule"))
        continue;
      rule *ru = &p->rules[p->n++];
      if (compile(&ru->context, rn, "context", "store", ld))
        rc = -1;
      /* what the context selects is the context of its tests */
      char *selects =
          ru->context.comp ? mg_expr_selects(ru->context.src, "store") : NULL;
      ru->checks = mg_xcalloc(count_elements(rn, "assert", "report") + 1,
                              sizeof *ru->checks);
      for (xmlNodePtr cn = rn->children; cn; cn = cn->next)
        if (is_el(cn, "assert") || is_el(cn, "report")) {
          if (read_check(&ru->checks[ru->n++], cn, selects, ld))
            rc = -1;
          r->nchecks++;
        }
      free(selects);
    }
  }
  return rc;
}

mg_rules *mg_rules_load(const char *content_dir, const char *templates_dir,
                        const mg_schema_names *names) {
  mg_rules *r = mg_xcalloc(1, sizeof *r);
  r->file = mg_path_join(content_dir, "rules.xml");
  if (access(r->file, F_OK) != 0)
    return r; /* no rules: nothing to check */
  char *xsd_path = mg_path_join(templates_dir, "schema/rules.xsd");
  xmlDocPtr xsd = mg_safe_read_xml(xsd_path);
  xmlSchemaPtr schema = xsd ? mg_schema_compile(xsd) : NULL;
  xmlDocPtr doc = schema ? mg_safe_read_xml(r->file) : NULL;
  mg_schema_names *all =
      names ? mg_schema_names_extend(names, added_elements, added_attributes)
            : NULL;
  int ok = doc && mg_schema_validate(schema, xsd, doc) == 0;
  if (ok) {
    size_t len;
    char *text = mg_safe_read_file(r->file, &len);
    loader ld = {all, r->file, text};
    ok = read_rules(r, doc, &ld) == 0;
    free(text);
  }
  if (!xsd)
    mg_diag(MG_ERROR, xsd_path, 0, 0, "cannot read the rules schema");
  mg_schema_names_free(all);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  xmlFreeDoc(xsd);
  free(xsd_path);
  if (!ok) {
    mg_rules_free(r);
    return NULL;
  }
  return r;
}

/* ------------------------------------------------------- per hall */

/* The nodes that a pattern's rules have taken, for this hall. */
typedef struct {
  xmlNodePtr *v;
  size_t n, cap;
} nodeset;

static int take(nodeset *s, xmlNodePtr n) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i] == n)
      return 0;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->v = mg_xrealloc(s->v, s->cap * sizeof *s->v);
  }
  s->v[s->n++] = n;
  return 1;
}

/* Reports check c, which fired at node. Returns 1 for an error, else 0
 * (a warning; or the message could not be made, reported as an error:
 * then 1 too). */
static int fire(xmlXPathContextPtr ctx, const mg_rules *r, const check *c,
                xmlNodePtr node, const char *store) {
  mg_buf msg = {0};
  char pending = 0;
  int failed = 0;
  for (size_t i = 0; i < c->nparts; i++) {
    const part *p = &c->parts[i];
    if (p->text) {
      put_words(&msg, p->text, &pending);
      continue;
    }
    xmlXPathObjectPtr o = mg_expr_eval(ctx, &p->select, node, store);
    if (!o) {
      failed = 1;
      continue;
    }
    xmlChar *s = xmlXPathCastToString(o);
    put_words(&msg, s ? (const char *)s : "", &pending);
    xmlFree(s);
    xmlXPathFreeObject(o);
  }
  mg_diag_store(c->warning ? MG_WARNING : MG_ERROR, r->file, c->line, c->col,
                store, "%s [%s]", msg.data ? msg.data : "", c->id);
  mg_buf_free(&msg);
  return failed || !c->warning;
}

int mg_rules_check(const mg_rules *r, xmlDocPtr check_doc, const char *store) {
  if (!r || !r->nchecks)
    return 0;
  int errors = 0;
  xmlXPathContextPtr ctx = mg_expr_context_new(check_doc);
  for (size_t i = 0; i < r->n; i++) {
    const pattern *p = &r->patterns[i];
    nodeset taken = {0};
    for (size_t j = 0; j < p->n; j++) {
      const rule *ru = &p->rules[j];
      xmlXPathObjectPtr o = mg_expr_eval(ctx, &ru->context, NULL, store);
      if (!o) {
        errors++;
        continue;
      }
      if (o->type != XPATH_NODESET) {
        mg_diag_store(MG_ERROR, r->file, ru->context.line, ru->context.col,
                      store,
                      "the context '%s' must select elements of the hall, "
                      "not a value",
                      ru->context.src);
        errors++;
        xmlXPathFreeObject(o);
        continue;
      }
      for (int k = 0; o->nodesetval && k < o->nodesetval->nodeNr; k++) {
        xmlNodePtr node = o->nodesetval->nodeTab[k];
        /* a namespace node is a copy that libxml2 makes for the result */
        if (node->type == XML_NAMESPACE_DECL || !take(&taken, node))
          continue;
        for (size_t c = 0; c < ru->n; c++) {
          const check *ch = &ru->checks[c];
          xmlXPathObjectPtr t = mg_expr_eval(ctx, &ch->test, node, store);
          if (!t) {
            errors++;
            continue;
          }
          int holds = xmlXPathCastToBoolean(t);
          xmlXPathFreeObject(t);
          if (holds == ch->report)
            errors += fire(ctx, r, ch, node, store);
        }
      }
      xmlXPathFreeObject(o);
    }
    free(taken.v);
  }
  xmlXPathFreeContext(ctx);
  return errors;
}

xmlDocPtr mg_check_doc(xmlDocPtr eff, xmlNodePtr duties, xmlNodePtr forms) {
  xmlDocPtr doc = xmlCopyDoc(eff, 1);
  if (!doc) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr add[] = {duties, forms};
  for (size_t i = 0; i < 2; i++)
    if (add[i] && root)
      xmlAddChild(root, xmlDocCopyNode(add[i], doc, 1));
  return doc;
}

int mg_rules_check_hall(const mg_rules *r, xmlNodePtr duties, xmlDocPtr eff,
                        const char *store) {
  if (!r || !mg_rules_count(r))
    return 0;
  xmlDocPtr cd = mg_check_doc(eff, duties, NULL);
  int errors = mg_rules_check(r, cd, store);
  xmlFreeDoc(cd);
  return errors;
}
