/* safe.c -- the only door through which XML and XSLT touch the outside.
 *
 * Every XML file is parsed without network access, entity substitution
 * or DTD loading; the process-wide entity loader only opens files below
 * the roots the program allowed (the content and templates folders);
 * stylesheets may not write files, create folders or use the network. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxslt/security.h>

#include "manualgen.h"

#define MAX_ROOTS 8
static char *roots[MAX_ROOTS];
static size_t nroots;
static xsltSecurityPrefsPtr prefs;

void mg_safe_allow_root(const char *dir) {
  char *r = realpath(dir, NULL);
  if (!r || nroots == MAX_ROOTS) {
    free(r);
    return;
  }
  roots[nroots++] = r;
}

/* True when path resolves to a file below one of the allowed roots. */
static int allowed(const char *path) {
  char *r = realpath(path, NULL);
  if (!r)
    return 0;
  int ok = 0;
  for (size_t i = 0; i < nroots && !ok; i++) {
    size_t l = strlen(roots[i]);
    ok = !strncmp(r, roots[i], l) && (r[l] == '/' || r[l] == '\0');
  }
  free(r);
  return ok;
}

char *mg_safe_read_file(const char *path, size_t *len) {
  if (!allowed(path)) {
    char *r = realpath(path, NULL);
    mg_set_read_error(r ? "it is outside the content and templates folders "
                          "(a symbolic link?)"
                        : strerror(errno));
    free(r);
    return NULL;
  }
  return mg_read_file(path, len);
}

/* libxml2 opens stylesheet modules (xsl:import, xsl:include) and any
 * external entity through this loader: only regular files below the
 * allowed roots, read whole (bounded) before the parser sees them. */
static xmlParserInputPtr loader(const char *url, const char *id,
                                xmlParserCtxtPtr ctxt) {
  (void)id;
  if (!url)
    return NULL;
  const char *path = url;
  if (!strncmp(url, "file://", 7))
    path = url + 7;
  if (strstr(url, "://") && path == url) {
    mg_diag(MG_ERROR, url, 0, 0, "refusing to load a network resource");
    return NULL;
  }
  size_t len;
  char *data = mg_safe_read_file(path, &len);
  if (!data) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot read: %s", mg_read_error());
    return NULL;
  }
  xmlParserInputBufferPtr buf =
      xmlParserInputBufferCreateMem(data, (int)len, XML_CHAR_ENCODING_NONE);
  free(data); /* the buffer holds a copy */
  if (!buf)
    return NULL;
  xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
  if (!in) {
    xmlFreeParserInputBuffer(buf);
    return NULL;
  }
  in->filename = (char *)xmlStrdup(BAD_CAST path);
  return in;
}

static int xslt_read_file(xsltSecurityPrefsPtr sec, xsltTransformContextPtr c,
                          const char *value) {
  (void)sec;
  (void)c;
  const char *path = value;
  if (!strncmp(path, "file://", 7))
    path += 7;
  return allowed(path);
}

void mg_safe_init(void) {
  xmlSetExternalEntityLoader(loader);
  prefs = xsltNewSecurityPrefs();
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY,
                       xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
  xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, xslt_read_file);
  xsltSetDefaultSecurityPrefs(prefs);
}

int mg_safe_xml_options(void) {
  return XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NSCLEAN;
}

xmlDocPtr mg_safe_read_xml(const char *path) {
  size_t len;
  char *data = mg_safe_read_file(path, &len);
  if (!data) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot read: %s", mg_read_error());
    return NULL;
  }
  if (len > INT_MAX) { /* cannot happen below MG_MAX_FILE */
    free(data);
    return NULL;
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) {
    free(data);
    return NULL;
  }
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
                                    mg_safe_xml_options());
  free(data);
  if (doc && (doc->intSubset || doc->extSubset)) {
    /* A DTD can only declare entities we refuse to expand; a document
     * that uses one has already failed above. Refuse DTDs outright so
     * that no file depends on them. */
    xmlNodePtr dtd = (xmlNodePtr)xmlGetIntSubset(doc);
    mg_diag(MG_ERROR, path, dtd ? (int)xmlGetLineNo(dtd) : 0, 0,
            "document type declarations (DTDs) are not allowed");
    xmlFreeDoc(doc);
    doc = NULL;
  }
  if (doc && !ctxt->wellFormed) { /* recovered errors are still errors */
    xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlFreeParserCtxt(ctxt);
  return doc;
}

xsltSecurityPrefsPtr mg_safe_xslt_prefs(void) { return prefs; }
