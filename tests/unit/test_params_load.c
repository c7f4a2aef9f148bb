/* test_params_load.c -- what mg_params_load keeps: every store parsed
 * once, and the keys that list entries have (the "key universe" that
 * expressions are checked against). */
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
  char *where = mg_xasprintf("%s/stores/nj-c.xml:2: error: Element "
                             "'counters'",
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(each_store_is_parsed_once_when_loading),
      cmocka_unit_test(an_invalid_store_is_reported_when_loading),
      cmocka_unit_test(effective_parameters_of_stores_in_any_order),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
