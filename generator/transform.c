/* transform.c -- resolved manual to HTML pages, through XSLT.
 *
 * Each stylesheet driver is compiled once per run and then applied from
 * any number of threads. A driver's result is an m:pages wrapper; each
 * page's <html> is serialized by libxml2's HTML serializer, behind an
 * HTML5 doctype. Stylesheets cannot write files, reach the network or
 * load documents (document() is refused). */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libexslt/exslt.h>
#include <libxml/HTMLtree.h>
#include <libxslt/documents.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltutils.h>

#include "manualgen.h"

static xsltDocLoaderFunc default_loader;

/* Stylesheet modules (xsl:include/import) load through the safe parser
 * options; document() at transform time is refused. */
static xmlDocPtr loader(const xmlChar *uri, xmlDictPtr dict, int options,
                        void *ctxt, xsltLoadType type) {
  (void)options;
  if (type == XSLT_LOAD_DOCUMENT) {
    mg_diag(MG_ERROR, "templates", 0, 0,
            "document('%s') is not allowed in templates", (const char *)uri);
    return NULL;
  }
  return default_loader(uri, dict, mg_safe_xml_options(), ctxt, type);
}

const char *const mg_print_names[MG_PRINT_N] = {"handbook", "patrol-sheets",
                                                "forms", "cards", "signoff"};

/* Compiles DIR/html/NAME, or DIR/NAME when NAME has a folder of its own
 * ("print/handbook.xsl"). */
static xsltStylesheetPtr compile(const char *dir, const char *name) {
  char *path = strchr(name, '/') ? mg_xasprintf("%s/%s", dir, name)
                                 : mg_xasprintf("%s/html/%s", dir, name);
  xmlDocPtr doc = mg_safe_read_xml(path);
  xsltStylesheetPtr s = doc ? xsltParseStylesheetDoc(doc) : NULL;
  if (!s) {
    if (doc)
      xmlFreeDoc(doc);
    mg_diag(MG_ERROR, path, 0, 0, "cannot compile stylesheet");
  }
  free(path);
  return s;
}

/* compile(), for a driver that may be absent: NULL without a word when
 * the file is not there. */
static xsltStylesheetPtr compile_optional(const char *dir, const char *name) {
  char *path = strchr(name, '/') ? mg_xasprintf("%s/%s", dir, name)
                                 : mg_xasprintf("%s/html/%s", dir, name);
  struct stat sb;
  int there = lstat(path, &sb) == 0;
  free(path);
  return there ? compile(dir, name) : NULL;
}

static xmlDocPtr load_strings(const char *dir, const char *lang) {
  char *path = mg_xasprintf("%s/l10n/%s.xml", dir, lang);
  xmlDocPtr d = mg_safe_read_xml(path);
  if (!d)
    mg_diag(MG_ERROR, path, 0, 0, "cannot read the strings for '%s'", lang);
  free(path);
  return d;
}

static xmlDocPtr build_l10n(const char *dir, const char *lang);

/* Reads DIR/js/NAME into *out when there is such a file (a release's
 * frozen templates may predate it). Returns 1 when it is there but cannot
 * be read (reported unless quiet), else 0. */
static int read_script(const char *dir, const char *name, char **out,
                       int quiet) {
  char *path = mg_xasprintf("%s/js/%s", dir, name);
  struct stat sb;
  int bad = 0;
  if (lstat(path, &sb) == 0) {
    *out = mg_safe_read_file(path, NULL);
    bad = !*out;
    if (bad && !quiet)
      mg_diag(MG_ERROR, path, 0, 0, "cannot read the script: %s",
              mg_read_error());
  }
  free(path);
  return bad;
}

static xmlNodePtr find_string(xmlDocPtr d, const xmlChar *key) {
  if (!d)
    return NULL;
  for (xmlNodePtr s = xmlDocGetRootElement(d)->children; s; s = s->next) {
    if (s->type != XML_ELEMENT_NODE)
      continue;
    xmlChar *k = xmlGetProp(s, BAD_CAST "key");
    int eq = k && xmlStrEqual(k, key);
    xmlFree(k);
    if (eq)
      return s;
  }
  return NULL;
}

/* <m:l10n lang>: every key of en.xml, in the manual's language where it
 * has one, in English (with a warning) where it does not. */
xmlDocPtr mg_l10n_load(const char *dir, const char *lang) {
  return build_l10n(dir, lang);
}

char *mg_l10n_string(xmlDocPtr l10n, const char *key) {
  xmlNodePtr n = find_string(l10n, BAD_CAST key);
  xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
  char *out = v ? mg_xstrdup((const char *)v) : NULL;
  xmlFree(v);
  return out;
}

static xmlDocPtr build_l10n(const char *dir, const char *lang) {
  xmlDocPtr en = load_strings(dir, "en");
  xmlDocPtr tr = strcmp(lang, "en") ? load_strings(dir, lang) : NULL;
  if (!en || (strcmp(lang, "en") && !tr)) {
    xmlFreeDoc(en);
    xmlFreeDoc(tr);
    return NULL;
  }
  xmlDocPtr out = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "l10n");
  xmlNsPtr m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, m);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST lang);
  xmlDocSetRootElement(out, root);
  for (xmlNodePtr s = xmlDocGetRootElement(en)->children; s; s = s->next) {
    if (s->type != XML_ELEMENT_NODE)
      continue;
    xmlChar *key = xmlGetProp(s, BAD_CAST "key");
    xmlNodePtr use = s;
    if (tr) {
      xmlNodePtr t = find_string(tr, key);
      if (t)
        use = t;
      else
        mg_diag(MG_WARNING, (const char *)tr->URL, 0, 0,
                "no string for key '%s'; using the English one", key);
    }
    xmlChar *v = xmlNodeGetContent(use);
    xmlNodePtr n = xmlNewTextChild(root, m, BAD_CAST "string", v);
    xmlNewProp(n, BAD_CAST "key", key);
    xmlFree(v);
    xmlFree(key);
  }
  xmlFreeDoc(en);
  xmlFreeDoc(tr);
  return out;
}

/* Whether driver style declares that it only prints m:store/@name
 * (m:prints-store on its xsl:stylesheet, a list of names). */
static int prints_store(xsltStylesheetPtr style, const char *name) {
  xmlNodePtr root =
      style && style->doc ? xmlDocGetRootElement(style->doc) : NULL;
  xmlChar *v =
      root ? xmlGetNsProp(root, BAD_CAST "prints-store", BAD_CAST MG_NS) : NULL;
  int found = 0;
  size_t n = strlen(name);
  for (const char *p = (const char *)v; p && *p && !found;) {
    p += strspn(p, " \t\r\n");
    size_t k = strcspn(p, " \t\r\n");
    found = k == n && !memcmp(p, name, n);
    p += k;
  }
  xmlFree(v);
  return found;
}

mg_templates *mg_templates_load(const char *dir, const char *lang) {
  static int once;
  if (!once) {
    default_loader = xsltDocDefaultLoader;
    xsltSetLoaderFunc(loader);
    once = 1;
  }
  mg_templates *t = mg_xcalloc(1, sizeof *t);
  t->templates_dir = mg_xstrdup(dir);
  t->site = compile(dir, "site.xsl");
  t->handbook = compile(dir, "handbook.xsl");
  t->index = compile(dir, "index.xsl");
  t->body = compile(dir, "body.xsl");
  t->prints_type = prints_store(t->site, "type") &&
                   prints_store(t->site, "type-label") &&
                   prints_store(t->handbook, "type") &&
                   prints_store(t->handbook, "type-label");
  /* the drivers a release's frozen templates may predate: compiled when
   * there, refused when needed and missing */
  t->feedback = compile_optional(dir, "feedback.xsl");
  t->feed = compile_optional(dir, "feed.xsl");
  t->editions = compile_optional(dir, "editions.xsl");
  /* the print drivers: releases made before them froze no print/ folder
   * (build.c then uses the current templates' drivers). Compiled when
   * asked for (mg_templates_load_print): pages alone need none */
  char *pdir = mg_xasprintf("%s/print", dir);
  struct stat sb;
  t->has_print = lstat(pdir, &sb) == 0 && S_ISDIR(sb.st_mode);
  free(pdir);
  t->l10n_doc = build_l10n(dir, lang);
  /* every file of the templates, read once for the digest: one that
   * cannot be read (a FIFO, a link out of the folder) is reported there */
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, MG_VERSION, sizeof MG_VERSION);
  int unreadable = mg_digest_files(d, dir);
  mg_digest_finish(d, t->digest);
  char *css = mg_xasprintf("%s/css/manual.css", dir);
  t->css = mg_safe_read_file(css, NULL);
  if (!t->css && !unreadable)
    mg_diag(MG_ERROR, css, 0, 0, "cannot read the stylesheet: %s",
            mg_read_error());
  free(css);
  /* the pages' scripts: optional, but unreadable is an error */
  int js_bad = read_script(dir, "search.js", &t->search_js, unreadable) |
               read_script(dir, "stores.js", &t->stores_js, unreadable);
  if (unreadable || js_bad || !t->site || !t->handbook || !t->index ||
      !t->body || !t->l10n_doc || !t->css) {
    mg_templates_free(t);
    return NULL;
  }
  return t;
}

int mg_templates_load_print(mg_templates *t) {
  if (!t || !t->has_print || t->print_loaded)
    return 0;
  t->print_loaded = 1;
  int errors = mg_diag_errors();
  for (int k = 0; k < MG_PRINT_N; k++) {
    char *name = mg_xasprintf("print/%s.xsl", mg_print_names[k]);
    t->print[k] = compile_optional(t->templates_dir, name);
    free(name);
  }
  return mg_diag_errors() > errors ? -1 : 0;
}

void mg_templates_free(mg_templates *t) {
  if (!t)
    return;
  if (t->site)
    xsltFreeStylesheet(t->site);
  if (t->handbook)
    xsltFreeStylesheet(t->handbook);
  if (t->index)
    xsltFreeStylesheet(t->index);
  if (t->body)
    xsltFreeStylesheet(t->body);
  if (t->feedback)
    xsltFreeStylesheet(t->feedback);
  if (t->feed)
    xsltFreeStylesheet(t->feed);
  if (t->editions)
    xsltFreeStylesheet(t->editions);
  for (int k = 0; k < MG_PRINT_N; k++)
    if (t->print[k])
      xsltFreeStylesheet(t->print[k]);
  xmlFreeDoc(t->l10n_doc);
  free(t->css);
  free(t->search_js);
  free(t->stores_js);
  free(t->templates_dir);
  free(t);
}

void mg_pages_free(mg_pages *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->v[i].href);
    free(p->v[i].data);
  }
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

static xmlDocPtr apply(xsltStylesheetPtr style, xmlDocPtr doc,
                       const char **params, const char *what) {
  xsltTransformContextPtr ctxt = xsltNewTransformContext(style, doc);
  if (!ctxt)
    return NULL;
  xsltSetCtxtSecurityPrefs(mg_safe_xslt_prefs(), ctxt);
  xsltSetCtxtParseOptions(ctxt, mg_safe_xml_options());
  /* parameters are literal strings, never XPath expressions */
  if (params)
    xsltQuoteUserParams(ctxt, params);
  xmlDocPtr res = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, ctxt);
  int failed =
      ctxt->state == XSLT_STATE_ERROR || ctxt->state == XSLT_STATE_STOPPED;
  xsltFreeTransformContext(ctxt);
  if (failed || !res) {
    mg_diag(MG_ERROR, "templates", 0, 0, "the transformation of %s failed",
            what);
    if (res)
      xmlFreeDoc(res);
    return NULL;
  }
  return res;
}

static int safe_href(const char *h) {
  /* a page name or stores/<id>/..., never absolute, never "..": the
   * writer joins it to the output folder */
  if (!h || !*h || h[0] == '/' || strstr(h, ".."))
    return 0;
  for (const char *p = h; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '.' || *p == '/' || *p == '_'))
      return 0;
  return 1;
}

/* A page whose root is <html> is written as HTML5; any other (an Atom
 * feed) as XML, in a document of its own so that its namespaces are
 * declared where they belong. */
static char *serialize_html(xmlDocPtr res, xmlNodePtr html, size_t *len) {
  xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
  if (strcmp((const char *)html->name, "html") || html->ns) {
    xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
    xmlDocSetRootElement(d, xmlDocCopyNode(html, d, 1));
    xmlReconciliateNs(d, xmlDocGetRootElement(d));
    xmlOutputBufferWriteString(ob,
                               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xmlNodeDumpOutput(ob, d, xmlDocGetRootElement(d), 0, 0, "UTF-8");
    xmlFreeDoc(d);
  } else {
    xmlOutputBufferWriteString(ob, "<!DOCTYPE html>\n");
    htmlNodeDumpFormatOutput(ob, res, html, "UTF-8", 0);
  }
  xmlOutputBufferWriteString(ob, "\n");
  xmlOutputBufferFlush(ob);
  size_t n = xmlOutputBufferGetSize(ob);
  char *data = mg_xstrndup((const char *)xmlOutputBufferGetContent(ob), n);
  xmlOutputBufferClose(ob);
  *len = n;
  return data;
}

int mg_transform(xsltStylesheetPtr style, xmlDocPtr doc, const char **params,
                 mg_pages *out, const char *what) {
  xmlDocPtr res = apply(style, doc, params, what);
  if (!res)
    return -1;
  xmlNodePtr root = xmlDocGetRootElement(res);
  int rc = 0;
  if (!root || strcmp((const char *)root->name, "pages")) {
    mg_diag(MG_ERROR, "templates", 0, 0,
            "a driver must produce <m:pages> (transforming %s)", what);
    rc = -1;
  }
  for (xmlNodePtr p = root ? root->children : NULL; p && !rc; p = p->next) {
    if (p->type != XML_ELEMENT_NODE)
      continue;
    xmlChar *href = xmlGetProp(p, BAD_CAST "href");
    xmlNodePtr html = p->children;
    while (html && html->type != XML_ELEMENT_NODE)
      html = html->next;
    if (!safe_href((const char *)href) || !html) {
      mg_diag(MG_ERROR, "templates", 0, 0, "bad page '%s' in the result of %s",
              href ? (char *)href : "", what);
      rc = -1;
    } else {
      out->v = mg_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
      mg_page *pg = &out->v[out->n++];
      pg->href = mg_xstrdup((const char *)href);
      pg->data = serialize_html(res, html, &pg->len);
    }
    xmlFree(href);
  }
  xmlFreeDoc(res);
  return rc;
}

char *mg_transform_text(xsltStylesheetPtr style, xmlDocPtr doc,
                        const char **params, size_t *len, const char *what) {
  xmlDocPtr res = apply(style, doc, params, what);
  if (!res)
    return NULL;
  xmlChar *buf = NULL;
  int n = 0;
  xsltSaveResultToString(&buf, &n, res, style);
  xmlFreeDoc(res);
  char *s = mg_xstrndup(buf ? (const char *)buf : "", buf ? (size_t)n : 0);
  xmlFree(buf);
  *len = buf ? (size_t)n : 0;
  return s;
}

char *mg_transform_fragment(xsltStylesheetPtr style, xmlDocPtr doc) {
  xmlDocPtr res = apply(style, doc, NULL, "a section");
  if (!res)
    return NULL;
  xmlChar *buf = NULL;
  int len = 0;
  xsltSaveResultToString(&buf, &len, res, style);
  xmlFreeDoc(res);
  char *s = mg_xstrdup(buf ? (const char *)buf : "");
  xmlFree(buf);
  return s;
}
