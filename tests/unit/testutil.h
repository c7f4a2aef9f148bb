/* testutil.h -- small helpers shared by the cmocka unit tests.
 *
 * Everything is static so that each test binary is one translation unit
 * plus the generator objects. */
#ifndef MG_TESTUTIL_H
#define MG_TESTUTIL_H

#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xpathInternals.h>

#include "manualgen.h"

/* Runs only the tests whose name matches $MG_TEST (a cmocka pattern,
 * e.g. MG_TEST='*marker*') and skips those matching $MG_SKIP. */
static inline void tu_filter(void) {
  const char *f = getenv("MG_TEST"), *s = getenv("MG_SKIP");
  if (f && *f)
    cmocka_set_test_filter(f);
  if (s && *s)
    cmocka_set_skip_filter(s);
}

/* ------------------------------------------------------- diagnostics */

/* Throws away whatever an earlier test left behind. */
static inline void tu_diag_reset(void) { free(mg_diag_take_text()); }

/* Fails unless needle occurs in haystack (shows both on failure). */
#define assert_contains(haystack, needle)                                      \
  do {                                                                         \
    const char *h_ = (haystack), *n_ = (needle);                               \
    if (!h_ || !strstr(h_, n_))                                                \
      fail_msg("expected to find\n  %s\nin\n  %s", n_, h_ ? h_ : "(null)");    \
  } while (0)

#define assert_not_contains(haystack, needle)                                  \
  do {                                                                         \
    const char *h_ = (haystack), *n_ = (needle);                               \
    if (h_ && strstr(h_, n_))                                                  \
      fail_msg("did not expect to find\n  %s\nin\n  %s", n_, h_);              \
  } while (0)

/* Number of lines of a diagnostics text. */
static inline int tu_lines(const char *s) {
  int n = 0;
  for (; s && *s; s++)
    n += *s == '\n';
  return n;
}

/* --------------------------------------------------------- temp files */

/* One temporary root per test binary (the entity loader only accepts a
 * handful of allowed roots, so tests make sub-folders of this one). */
static char tu_root[64];
static int tu_seq;

static inline int tu_rm_cb(const char *p, const struct stat *sb, int flag,
                           struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static inline void tu_rm_rf(const char *dir) {
  nftw(dir, tu_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates the root and allows it (and the templates) for the loader. */
static inline int tu_root_setup(void **state) {
  (void)state;
  strcpy(tu_root, "/tmp/mg-unit-XXXXXX");
  if (!mkdtemp(tu_root))
    return -1;
  mg_safe_init();
  mg_safe_allow_root(tu_root);
#ifdef TEMPLATES_DIR
  mg_safe_allow_root(TEMPLATES_DIR);
#endif
  mg_diag_install_xml_handlers();
  tu_diag_reset();
  return 0;
}

static inline int tu_root_teardown(void **state) {
  (void)state;
  if (tu_root[0] && !getenv("MG_KEEP_TMP"))
    tu_rm_rf(tu_root);
  return 0;
}

/* A fresh, empty folder below the root. Caller frees. */
static inline char *tu_new_dir(const char *what) {
  char *d = mg_xasprintf("%s/%s-%d", tu_root, what, ++tu_seq);
  if (mg_mkdirs(d) != 0)
    fail_msg("mkdir %s: %s", d, strerror(errno));
  return d;
}

/* Writes dir/rel (creating folders), exactly len bytes. */
static inline void tu_write_len(const char *dir, const char *rel,
                                const char *data, size_t len) {
  char *path = mg_path_join(dir, rel);
  char *parent = mg_path_dir(path);
  if (mg_mkdirs(parent) != 0)
    fail_msg("mkdir %s: %s", parent, strerror(errno));
  FILE *f = fopen(path, "wb");
  if (!f) {
    fail_msg("cannot write %s: %s", path, strerror(errno));
    return; /* fail_msg does not return; cppcheck does not know it */
  }
  fwrite(data, 1, len, f);
  fclose(f);
  free(parent);
  free(path);
}

static inline void tu_write(const char *dir, const char *rel,
                            const char *text) {
  tu_write_len(dir, rel, text, strlen(text));
}

/* ------------------------------------------------------------- XPath */

/* Evaluates xpath (prefixes m: and md: bound) with node as context. */
static inline xmlXPathObjectPtr tu_eval(xmlNodePtr node, const char *xpath) {
  xmlXPathContextPtr x = xmlXPathNewContext(node->doc);
  xmlXPathRegisterNs(x, BAD_CAST "m", BAD_CAST MG_NS);
  xmlXPathRegisterNs(x, BAD_CAST "md", BAD_CAST MD_NS);
  x->node = node;
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, x);
  xmlXPathFreeContext(x);
  if (!r)
    fail_msg("cannot evaluate %s", xpath);
  return r;
}

/* The string value of an XPath over node (caller frees). */
static inline char *tu_xstr(xmlNodePtr node, const char *xpath) {
  xmlXPathObjectPtr r = tu_eval(node, xpath);
  xmlChar *s = xmlXPathCastToString(r);
  char *out = mg_xstrdup((const char *)s);
  xmlFree(s);
  xmlXPathFreeObject(r);
  return out;
}

static inline double tu_xnum(xmlNodePtr node, const char *xpath) {
  xmlXPathObjectPtr r = tu_eval(node, xpath);
  double d = xmlXPathCastToNumber(r);
  xmlXPathFreeObject(r);
  return d;
}

#define assert_xpath_str(node, xpath, expected)                                \
  do {                                                                         \
    char *v_ = tu_xstr((node), (xpath));                                       \
    if (strcmp(v_, (expected)))                                                \
      fail_msg("%s: expected '%s', got '%s'", (xpath), (expected), v_);        \
    free(v_);                                                                  \
  } while (0)

#define assert_xpath_num(node, xpath, expected)                                \
  do {                                                                         \
    double d_ = tu_xnum((node), (xpath));                                      \
    if (d_ != (double)(expected))                                              \
      fail_msg("%s: expected %g, got %g", (xpath), (double)(expected), d_);    \
  } while (0)

/* The serialized subtree, for failure messages. Caller frees. */
static inline char *tu_dump(xmlNodePtr n) {
  xmlBufferPtr b = xmlBufferCreate();
  xmlNodeDump(b, n->doc, n, 0, 0);
  char *s = mg_xstrdup((const char *)xmlBufferContent(b));
  xmlBufferFree(b);
  return s;
}

#endif
