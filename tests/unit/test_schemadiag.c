/* test_schemadiag.c -- schema errors: positions found in the file's text. */
#include "testutil.h"

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

/* A content folder with a city and one store file. */
static char *content(const char *store_xml) {
  char *d = tu_new_dir("content");
  tu_write(d, "defaults.xml", "<defaults/>\n");
  tu_write(d, "cities/nanjing.xml", "<city id=\"nanjing\"/>\n");
  tu_write(d, "stores/nj-a.xml", store_xml);
  return d;
}

/* The diagnostics of the effective parameters of nj-a (which must fail). */
static char *errors_of(const char *dir) {
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  assert_non_null(p);
  xmlDocPtr eff = mg_params_effective(p, "nj-a");
  assert_null(eff);
  mg_params_free(p);
  return mg_diag_take_text();
}

static void expect_at(const char *dir, const char *pos, const char *what) {
  char *d = errors_of(dir);
  char *line = mg_xasprintf("%s/stores/nj-a.xml:%s: error: %s", dir, pos, what);
  assert_contains(d, line);
  free(line);
  free(d);
}

/* The text of the last file with errors is kept between errors; a file
 * changed since must be read again, not looked up in the old text. */
static void a_file_changed_since_the_last_error_is_read_again(void **state) {
  (void)state;
  char *dir = content("<store id=\"nj-a\" city=\"nanjing\">\n"
                      "  <type>big</type>\n"
                      "</store>\n");
  expect_at(dir, "2:3", "'big' is not a valid store type");
  tu_write(dir, "stores/nj-a.xml",
           "<store id=\"nj-a\" city=\"nanjing\">\n"
           "  <name>南京</name><type>big</type>\n"
           "</store>\n");
  expect_at(dir, "2:18", "'big' is not a valid store type");
  free(dir);
}

/* Tags are found by their order among the tags ending on the same line,
 * so comments, CDATA and '>' inside values must not be taken for tags. */
static void comments_cdata_and_quoted_brackets_are_not_tags(void **state) {
  (void)state;
  char *dir = content("<store id=\"nj-a\" city=\"nanjing\">\n"
                      "  <!-- <type>x</type> --><name><![CDATA[<a>]]></name>"
                      "<queue peak=\"a>b\"/><type>big</type>\n"
                      "</store>\n");
  expect_at(dir, "2:73", "'big' is not a valid store type");
  free(dir);
}

static void column_counts_characters_and_skips_a_byte_order_mark(void **state) {
  (void)state;
  char *dir = content("\xEF\xBB\xBF<store id=\"nj-a\" city=\"nanjing\" "
                      "颜色=\"红\"/>\n");
  expect_at(dir, "1:33", "<store> has no attribute '颜色'");
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_file_changed_since_the_last_error_is_read_again),
      cmocka_unit_test(comments_cdata_and_quoted_brackets_are_not_tags),
      cmocka_unit_test(column_counts_characters_and_skips_a_byte_order_mark),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
