/* test_compiled.c -- the compiled manual as a document (compile.c).
 *
 * A release keeps the compiled manual and makes every hall's handbook
 * again from it alone, without the Markdown of its day: the document must
 * validate against templates/schema/compiled.xsd, carry every expression
 * as text with its place, and resolve, once read back, to exactly what
 * the freshly parsed manual resolves to. */
#include "testutil.h"

#include <libxml/xmlsave.h>

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "tests/fixtures/basic"
#endif

typedef struct {
  mg_params *params;
  mg_tree *tree;
} loaded;

static loaded load_fixture(void) {
  loaded l = {0};
  tu_diag_reset();
  l.params = mg_params_load(FIXTURE_DIR, TEMPLATES_DIR);
  assert_non_null(l.params);
  mg_outline *o = mg_outline_load(FIXTURE_DIR);
  assert_non_null(o);
  l.tree = mg_tree_parse(o, FIXTURE_DIR, l.params->names);
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
  assert_non_null(l.tree->manual);
  return l;
}

static void unload(loaded *l) {
  mg_tree_free(l->tree);
  mg_params_free(l->params);
}

static char *serialize(xmlDocPtr doc) {
  xmlChar *buf = NULL;
  int n = 0;
  xmlDocDumpFormatMemoryEnc(doc, &buf, &n, "UTF-8", 0);
  char *s = mg_xstrdup((const char *)buf);
  xmlFree(buf);
  return s;
}

/* Writes the compiled manual of the fixture to a file; returns its path. */
static char *save(loaded *l) {
  size_t len;
  char *text = mg_manual_serialize(l->tree->manual, &len);
  char *dir = tu_new_dir("release");
  tu_write_len(dir, "compiled.xml", text, len);
  char *path = mg_path_join(dir, "compiled.xml");
  free(text);
  free(dir);
  return path;
}

static void compiled_manual_validates_against_its_schema(void **state) {
  (void)state;
  loaded l = load_fixture();
  char *path = save(&l);
  xmlDocPtr doc = mg_safe_read_xml(path);
  assert_non_null(doc);
  assert_int_equal(mg_validate(doc, TEMPLATES_DIR "/schema/compiled.xsd"), 0);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  /* self-contained: the outline, and every expression as text */
  assert_xpath_str(root, "string(@format)", "1");
  assert_xpath_str(root, "string(m:title)", "测试手册");
  assert_xpath_num(root, "count(m:chapter)", 2);
  assert_xpath_str(root, "string(m:chapter[1]/m:section[2]/@applies-to)",
                   "posts/post[@key='lobby-manager']");
  assert_xpath_str(root, "string(m:chapter[1]/m:section[1]/@file)",
                   "sections/manager.md");
  assert_xpath_num(root, "count(//m:ph[@expr and @line and @col])",
                   tu_xnum(root, "count(//m:ph)"));
  assert_xpath_num(root, "count(//m:when[@test])", 1);
  assert_xpath_str(root, "string(//m:when/@test)",
                   "posts/post[@key='lobby-manager']");
  /* no index into a C array survives in the document */
  assert_xpath_num(root, "count(//@e)", 0);
  xmlFreeDoc(doc);
  free(path);
  unload(&l);
}

static void a_tampered_document_is_refused(void **state) {
  (void)state;
  char *dir = tu_new_dir("bad");
  tu_write(dir, "compiled.xml",
           "<m:manual xmlns:m=\"urn:manualgen\" format=\"1\" lang=\"zh-CN\">"
           "<m:title>T</m:title><m:organisation/>"
           "<m:chapter id=\"c\"><m:title>C</m:title>"
           "<m:section id=\"s\" file=\"s.md\"><m:title>S</m:title>"
           "<md:document xmlns:md=\"http://commonmark.org/xml/1.0\">"
           "<m:ph expr=\"name\"/></md:document></m:section></m:chapter>"
           "</m:manual>\n");
  char *path = mg_path_join(dir, "compiled.xml");
  tu_diag_reset();
  mg_manual *m = mg_manual_read(path, TEMPLATES_DIR, NULL, dir);
  char *d = mg_diag_take_text();
  assert_null(m);
  assert_contains(d, "compiled.xml");
  assert_contains(d, "not a valid compiled manual");
  free(d);
  free(path);
  free(dir);
}

static void resolving_the_document_alone_gives_the_same_handbook(void **state) {
  (void)state;
  loaded l = load_fixture();
  char *path = save(&l);
  /* read back with nothing of the Markdown: a release's situation */
  tu_diag_reset();
  mg_manual *m =
      mg_manual_read(path, TEMPLATES_DIR, l.params->names, FIXTURE_DIR);
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
  assert_non_null(m);
  assert_int_equal(m->nsections, l.tree->manual->nsections);
  assert_int_equal(m->nexprs, l.tree->manual->nexprs);
  for (size_t i = 0; i < l.params->store_ids.n; i++) {
    const char *id = l.params->store_ids.v[i];
    xmlDocPtr eff = mg_params_effective(l.params, id);
    assert_non_null(eff);
    xmlDocPtr a = mg_resolve(l.tree->manual, eff, id);
    xmlDocPtr b = mg_resolve(m, eff, id);
    assert_non_null(a);
    assert_non_null(b);
    char *sa = serialize(a), *sb = serialize(b);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    xmlFreeDoc(a);
    xmlFreeDoc(b);
    mg_params_effective_free(eff);
  }
  mg_manual_free(m);
  free(path);
  unload(&l);
}

static void errors_found_later_point_at_the_markdown(void **state) {
  (void)state;
  loaded l = load_fixture();
  char *path = save(&l);
  /* a store where a placeholder selects nothing: the message names the
   * section's file below the content folder, at the expression */
  char *dir = tu_new_dir("content");
  tu_diag_reset();
  mg_manual *m = mg_manual_read(path, TEMPLATES_DIR, NULL, "content");
  xmlDocPtr eff = mg_params_effective(l.params, "a-std");
  xmlDocPtr gone = xmlCopyDoc(eff, 1);
  xmlNodePtr root = xmlDocGetRootElement(gone);
  for (xmlNodePtr k = root->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && !strcmp((char *)k->name, "manager")) {
      xmlUnlinkNode(k);
      xmlFreeNode(k);
      break;
    }
  tu_diag_reset();
  xmlDocPtr r = mg_resolve(m, gone, "a-std");
  char *d = mg_diag_take_text();
  assert_null(r);
  assert_contains(d, "content/sections/manager.md:");
  assert_contains(d, "placeholder '{{ manager }}' selects nothing");
  free(d);
  xmlFreeDoc(gone);
  mg_params_effective_free(eff);
  mg_manual_free(m);
  free(dir);
  free(path);
  unload(&l);
}

static int setup(void **state) {
  int rc = tu_root_setup(state);
  mg_safe_allow_root(FIXTURE_DIR);
  return rc;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compiled_manual_validates_against_its_schema),
      cmocka_unit_test(a_tampered_document_is_refused),
      cmocka_unit_test(resolving_the_document_alone_gives_the_same_handbook),
      cmocka_unit_test(errors_found_later_point_at_the_markdown),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, tu_root_teardown);
}
