/* test_params_load.c -- what mg_params_load keeps: every store parsed
 * once, and the keys that list entries have (the "key universe" that
 * literals in expressions are checked against). */
#include "testutil.h"

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

static const char defaults_xml[] =
    "<defaults>\n"
    "  <posts>\n"
    "    <post key=\"store-manager\" count=\"1\"/>\n"
    "    <post key=\"clerk\" count=\"4\"/>\n"
    "  </posts>\n"
    "  <contacts>\n"
    "    <contact key=\"complaints-hotline\" phone=\"025-1000\"/>\n"
    "  </contacts>\n"
    "</defaults>\n";

/* A content folder: defaults, one city, two stores. Caller frees. */
static char *content(void) {
  char *d = tu_new_dir("content");
  tu_write(d, "defaults.xml", defaults_xml);
  tu_write(d, "cities/nanjing.xml",
           "<city id=\"nanjing\">\n"
           "  <contacts><contact key=\"district-branch\"/></contacts>\n"
           "</city>\n");
  tu_write(d, "stores/nj-a.xml",
           "<store id=\"nj-a\" city=\"nanjing\">\n"
           "  <posts><post key=\"duty-manager\" count=\"2\"/></posts>\n"
           "</store>\n");
  tu_write(d, "stores/nj-b.xml",
           "<store id=\"nj-b\" city=\"nanjing\">\n"
           "  <contacts><contact key=\"mall-management\"/></contacts>\n"
           "</store>\n");
  return d;
}

static mg_params *load(const char *dir) {
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  if (!p || *d)
    fail_msg("loading %s: %s", dir, d);
  free(d);
  return p;
}

static void each_store_is_parsed_once_when_loading(void **state) {
  (void)state;
  char *dir = content();
  mg_params *p = load(dir);
  /* the file is not read again: its effective parameters come from the
   * document parsed when loading */
  char *f = mg_path_join(dir, "stores/nj-a.xml");
  assert_int_equal(unlink(f), 0);
  free(f);
  xmlDocPtr eff = mg_params_effective(p, "nj-a");
  assert_non_null(eff);
  assert_xpath_str(xmlDocGetRootElement(eff),
                   "string(posts/post[@key='duty-manager']/@count)", "2");
  mg_params_effective_free(eff);
  mg_params_free(p);
  free(dir);
}

static void an_invalid_store_is_reported_when_loading(void **state) {
  (void)state;
  char *dir = content();
  tu_write(dir, "stores/nj-c.xml",
           "<store id=\"nj-c\" city=\"nanjing\">\n"
           "  <counters>many</counters>\n"
           "</store>\n");
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  char *where = mg_xasprintf("%s/stores/nj-c.xml:2:3: error: 'many' is not "
                             "a valid value for <counters>",
                             dir);
  assert_contains(d, where);
  free(where);
  free(d);
  /* and not again when its parameters are asked for */
  assert_null(mg_params_effective(p, "nj-c"));
  d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
  mg_params_free(p);
  free(dir);
}

static void effective_parameters_of_stores_in_any_order(void **state) {
  (void)state;
  char *dir = content();
  mg_params *p = load(dir);
  xmlDocPtr b = mg_params_effective(p, "nj-b");
  xmlDocPtr a = mg_params_effective(p, "nj-a");
  assert_non_null(a);
  assert_non_null(b);
  assert_xpath_num(xmlDocGetRootElement(b), "count(contacts/contact)", 3);
  assert_xpath_num(xmlDocGetRootElement(a), "count(contacts/contact)", 2);
  mg_params_effective_free(a);
  mg_params_effective_free(b);
  mg_params_free(p);
  free(dir);
}

/* Compiles src with p's names; returns the diagnostics (caller frees). */
static char *compile(mg_params *p, const char *src, int *ok) {
  tu_diag_reset();
  xmlXPathCompExprPtr c = mg_expr_compile(p->names, src, "a.md", 1, 1);
  *ok = c != NULL;
  xmlXPathFreeCompExpr(c);
  return mg_diag_take_text();
}

static void keys_of_every_file_are_known(void **state) {
  (void)state;
  char *dir = content();
  mg_params *p = load(dir);
  static const char *known[] = {
      "posts/post[@key='clerk']",                 /* defaults */
      "contacts/contact[@key='district-branch']", /* the city */
      "posts/post[@key='duty-manager']",          /* store nj-a */
      "contacts/contact[@key='mall-management']", /* store nj-b */
      "contacts/contact[@key='complaints-hotline']",
      NULL};
  for (const char **k = known; *k; k++) {
    int ok;
    char *d = compile(p, *k, &ok);
    if (!ok || *d)
      fail_msg("'%s' should compile: %s", *k, d);
    free(d);
  }
  int ok;
  char *d = compile(p, "contacts/contact[@key='mall-managment']", &ok);
  assert_false(ok);
  char *want = mg_xasprintf("a.md:1:23: error: the value 'mall-managment' "
                            "can never match: no contact has this key in "
                            "%s/defaults.xml, %s/cities or %s/stores; did "
                            "you mean 'mall-management'?\n",
                            dir, dir, dir);
  assert_string_equal(d, want);
  free(want);
  free(d);
  mg_params_free(p);
  free(dir);
}

static void keys_are_not_checked_when_a_file_failed(void **state) {
  (void)state;
  char *dir = content();
  tu_write(dir, "stores/nj-c.xml", "<store id=\"nj-c\" city=\"nanjing\">");
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  free(mg_diag_take_text()); /* nj-c is not well-formed */
  /* its keys are unknown: a literal might name one of them */
  int ok;
  char *d = compile(p, "contacts/contact[@key='night-duty']", &ok);
  assert_true(ok);
  assert_string_equal(d, "");
  free(d);
  mg_params_free(p);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(each_store_is_parsed_once_when_loading),
      cmocka_unit_test(an_invalid_store_is_reported_when_loading),
      cmocka_unit_test(effective_parameters_of_stores_in_any_order),
      cmocka_unit_test(keys_of_every_file_are_known),
      cmocka_unit_test(keys_are_not_checked_when_a_file_failed),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
