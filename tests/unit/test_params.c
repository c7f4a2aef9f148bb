/* test_params.c -- defaults <- city <- store inheritance (mg_params_load,
 * mg_params_effective, mg_params_print). */
#include "testutil.h"

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

static const char defaults_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<defaults>\n"
    "  <name>HQ default name</name>\n"
    "  <type>standard</type>\n"
    "  <counters>6</counters>\n"
    "  <hours>\n"
    "    <weekday open=\"08:30\" close=\"18:00\"/>\n"
    "    <weekend open=\"09:00\" close=\"17:00\"/>\n"
    "  </hours>\n"
    "  <posts>\n"
    "    <post key=\"store-manager\" count=\"1\" title=\"店长\"/>\n"
    "    <post key=\"clerk\" count=\"4\" title=\"营业员\"/>\n"
    "  </posts>\n"
    "</defaults>\n";

static const char nanjing_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                  "<city id=\"nanjing\">\n"
                                  "  <city-name>南京</city-name>\n"
                                  "  <counters>8</counters>\n"
                                  "</city>\n";

/* A content folder with defaults.xml and cities/nanjing.xml. */
static char *content(void) {
  char *d = tu_new_dir("content");
  tu_write(d, "defaults.xml", defaults_xml);
  tu_write(d, "cities/nanjing.xml", nanjing_xml);
  return d;
}

/* The end of every test: the effective parameters, the loaded files and
 * the temporary folder's name. */
static void release(xmlDocPtr eff, mg_params *p, char *dir) {
  mg_params_effective_free(eff);
  mg_params_free(p);
  free(dir);
}

static void store(const char *dir, const char *id, const char *xml) {
  char *rel = mg_xasprintf("stores/%s.xml", id);
  tu_write(dir, rel, xml);
  free(rel);
}

/* Loads dir and returns the effective parameters of id (the test fails
 * if loading reports anything or the result is NULL). */
static xmlDocPtr effective(mg_params **p, const char *dir, const char *id) {
  tu_diag_reset();
  *p = mg_params_load(dir, TEMPLATES_DIR);
  assert_non_null(*p);
  xmlDocPtr eff = mg_params_effective(*p, id);
  char *d = mg_diag_take_text();
  if (!eff || *d)
    fail_msg("effective parameters of '%s': %s", id, d);
  free(d);
  return eff;
}

/* Loads dir, asks for id and expects NULL; returns the diagnostics. */
static char *effective_fails(const char *dir, const char *id) {
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  assert_non_null(p);
  xmlDocPtr eff = mg_params_effective(p, id);
  char *d = mg_diag_take_text();
  if (eff)
    fail_msg("expected no parameters for '%s'; diagnostics:\n%s", id, d);
  mg_params_free(p);
  return d;
}

static xmlNodePtr root(xmlDocPtr d) { return xmlDocGetRootElement(d); }

/* ------------------------------------------------------ inheritance */

static void effective_root_is_the_store_with_its_id_and_city(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a", "<store id=\"nj-a\" city=\"nanjing\"/>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  assert_string_equal((const char *)root(eff)->name, "store");
  assert_xpath_str(root(eff), "string(@id)", "nj-a");
  assert_xpath_str(root(eff), "string(@city)", "nanjing");
  release(eff, p, dir);
}

static void default_value_is_inherited(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a", "<store id=\"nj-a\" city=\"nanjing\"/>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  assert_xpath_str(root(eff), "string(name)", "HQ default name");
  assert_xpath_str(root(eff), "string(hours/weekend/@open)", "09:00");
  release(eff, p, dir);
}

static void city_value_overrides_a_default(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a", "<store id=\"nj-a\" city=\"nanjing\"/>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  assert_xpath_str(root(eff), "string(counters)", "8");
  assert_xpath_num(root(eff), "count(counters)", 1);
  assert_xpath_str(root(eff), "string(city-name)", "南京");
  release(eff, p, dir);
}

static void store_value_overrides_city_and_default(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <counters>12</counters>\n"
        "  <name>Xinjiekou</name>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  assert_xpath_str(root(eff), "string(counters)", "12");
  assert_xpath_str(root(eff), "string(name)", "Xinjiekou");
  release(eff, p, dir);
}

static void store_attribute_overrides_one_attribute_only(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <hours><weekday close=\"20:00\"/></hours>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  assert_xpath_str(root(eff), "string(hours/weekday/@close)", "20:00");
  assert_xpath_str(root(eff), "string(hours/weekday/@open)", "08:30");
  assert_xpath_str(root(eff), "string(hours/weekend/@close)", "17:00");
  assert_xpath_num(root(eff), "count(hours/weekday)", 1);
  release(eff, p, dir);
}

static void list_entry_matched_by_key_keeps_the_others(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <posts><post key=\"clerk\" count=\"6\"/></posts>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  xmlNodePtr r = root(eff);
  assert_xpath_num(r, "count(posts/post)", 2);
  assert_xpath_str(r, "string(posts/post[@key='clerk']/@count)", "6");
  assert_xpath_str(r, "string(posts/post[@key='clerk']/@title)", "营业员");
  assert_xpath_str(r, "string(posts/post[@key='store-manager']/@count)", "1");
  /* order kept */
  assert_xpath_str(r, "string(posts/post[1]/@key)", "store-manager");
  release(eff, p, dir);
}

static void list_entry_with_a_new_key_is_appended(void **state) {
  (void)state;
  char *dir = content();
  store(
      dir, "nj-a",
      "<store id=\"nj-a\" city=\"nanjing\">\n"
      "  <posts><post key=\"greeter\" count=\"2\" title=\"引导员\"/></posts>\n"
      "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  xmlNodePtr r = root(eff);
  assert_xpath_num(r, "count(posts/post)", 3);
  assert_xpath_str(r, "string(posts/post[3]/@key)", "greeter");
  assert_xpath_str(r, "string(posts/post[3]/@count)", "2");
  release(eff, p, dir);
}

static void merge_replace_drops_inherited_entries(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <posts merge=\"replace\"><post key=\"clerk\" count=\"2\"/></posts>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  xmlNodePtr r = root(eff);
  assert_xpath_num(r, "count(posts/post)", 1);
  assert_xpath_str(r, "string(posts/post/@key)", "clerk");
  assert_xpath_str(r, "string(posts/post/@count)", "2");
  assert_xpath_str(r, "string(posts/post/@title)", ""); /* not inherited */
  assert_xpath_num(r, "count(//@merge)", 0);            /* not kept */
  release(eff, p, dir);
}

static void merge_replace_on_an_entry_drops_its_attributes(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <posts><post key=\"clerk\" merge=\"replace\" count=\"3\"/></posts>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  xmlNodePtr r = root(eff);
  assert_xpath_num(r, "count(posts/post)", 2);
  assert_xpath_str(r, "string(posts/post[@key='clerk']/@count)", "3");
  assert_xpath_str(r, "string(posts/post[@key='clerk']/@title)", "");
  release(eff, p, dir);
}

/* ------------------------------------------------------------ errors */

static void schema_violation_is_reported_with_file_and_line(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <counters>many</counters>\n"
        "</store>\n");
  char *d = effective_fails(dir, "nj-a");
  char *where = mg_xasprintf("%s/stores/nj-a.xml:3:3: error: 'many' is not "
                             "a valid value for <counters>: write a whole "
                             "number, 0 or more (schema: Element 'counters'",
                             dir);
  assert_contains(d, where);
  free(where);
  free(d);
  free(dir);
}

static void unknown_element_is_a_schema_violation(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <hours/>\n"
        "  <opening-hours/>\n"
        "</store>\n");
  char *d = effective_fails(dir, "nj-a");
  char *where = mg_xasprintf("%s/stores/nj-a.xml:3:3: error: <opening-hours> "
                             "is not expected in <store>",
                             dir);
  assert_contains(d, where);
  free(where);
  free(d);
  free(dir);
}

static void invalid_defaults_are_reported_when_loading(void **state) {
  (void)state;
  char *dir = content();
  tu_write(dir, "defaults.xml",
           "<defaults>\n  <counters>-1</counters>\n</defaults>\n");
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  char *where =
      mg_xasprintf("%s/defaults.xml:2:3: error: '-1' is not a valid value "
                   "for <counters>",
                   dir);
  assert_contains(d, where);
  assert_null(p->defaults);
  free(where);
  free(d);
  mg_params_free(p);
  free(dir);
}

static void unknown_city_is_an_error(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "bj-a", "<store id=\"bj-a\" city=\"beijing\"/>\n");
  char *d = effective_fails(dir, "bj-a");
  char *msg = mg_xasprintf("%s/stores/bj-a.xml:1: error: unknown city "
                           "'beijing' (no file %s/cities/beijing.xml)",
                           dir, dir);
  assert_contains(d, msg);
  free(msg);
  free(d);
  free(dir);
}

static void store_id_must_match_the_file_name(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a", "<store id=\"nj-b\" city=\"nanjing\"/>\n");
  char *d = effective_fails(dir, "nj-a");
  char *msg = mg_xasprintf("%s/stores/nj-a.xml:1: error: id=\"nj-b\" does "
                           "not match the file name (expected \"nj-a\")",
                           dir);
  assert_contains(d, msg);
  free(msg);
  free(d);
  free(dir);
}

static void city_id_must_match_the_file_name(void **state) {
  (void)state;
  char *dir = content();
  tu_write(dir, "cities/suzhou.xml", "<city id=\"wuxi\"/>\n");
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  char *msg = mg_xasprintf("%s/cities/suzhou.xml:1: error: id=\"wuxi\" does "
                           "not match the file name (expected \"suzhou\")",
                           dir);
  assert_contains(d, msg);
  free(msg);
  free(d);
  mg_params_free(p);
  free(dir);
}

static void invalid_store_id_is_refused(void **state) {
  (void)state;
  char *dir = content();
  /* a store file one level up must not be reachable */
  tu_write(dir, "x.xml", "<store id=\"x\" city=\"nanjing\"/>\n");
  store(dir, "nj-a", "<store id=\"nj-a\" city=\"nanjing\"/>\n");
  char *d = effective_fails(dir, "../x");
  assert_string_equal(d, "manualgen: error: invalid store id '../x' "
                         "(lowercase letters, digits and '-')\n");
  free(d);
  free(dir);
}

static void missing_store_is_an_error(void **state) {
  (void)state;
  char *dir = content();
  char *d = effective_fails(dir, "nj-zz");
  char *msg = mg_xasprintf("%s/stores/nj-zz.xml: error: no such store "
                           "'nj-zz'",
                           dir);
  assert_contains(d, msg);
  free(msg);
  free(d);
  free(dir);
}

static void store_file_with_invalid_name_is_not_listed(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a", "<store id=\"nj-a\" city=\"nanjing\"/>\n");
  store(dir, "NJ_B", "<store id=\"nj-b\" city=\"nanjing\"/>\n");
  tu_diag_reset();
  mg_params *p = mg_params_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  assert_contains(d, "/stores/NJ_B.xml: error: store file names must be "
                     "lowercase letters, digits and '-'");
  assert_int_equal(p->store_ids.n, 1);
  assert_string_equal(p->store_ids.v[0], "nj-a");
  free(d);
  mg_params_free(p);
  free(dir);
}

/* ------------------------------------------------------------- print */

static char *print(xmlDocPtr eff) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  mg_params_print(eff, f);
  fclose(f);
  return buf;
}

/* The printed line for path ("path  = value  file:line"). Caller frees. */
static char *line_for(const char *out, const char *path) {
  size_t l = strlen(path);
  for (const char *p = out; p && *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n > l && !strncmp(p, path, l) && p[l] == ' ')
      return mg_xstrndup(p, n);
    p = e ? e + 1 : NULL;
  }
  fail_msg("no line for %s in\n%s", path, out);
  return NULL;
}

/* Squeezes runs of spaces into one, for comparisons. */
static void squeeze(char *s) {
  char *o = s;
  for (char *p = s; *p; p++)
    if (!(*p == ' ' && o > s && o[-1] == ' '))
      *o++ = *p;
  *o = '\0';
}

static void print_shows_the_store_line_of_an_overridden_value(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <hours>\n"
        "    <weekday close=\"20:00\"/>\n"
        "  </hours>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  char *out = print(eff);
  char *l = line_for(out, "hours/weekday/@close");
  assert_contains(l, "= 20:00 ");
  char *tail = mg_xasprintf("  %s/stores/nj-a.xml:4", dir);
  size_t ll = strlen(l), lt = strlen(tail);
  if (ll < lt || strcmp(l + ll - lt, tail))
    fail_msg("expected '%s' to end in '%s'", l, tail);
  squeeze(l);
  char *want =
      mg_xasprintf("hours/weekday/@close = 20:00 %s/stores/nj-a.xml:4", dir);
  assert_string_equal(l, want);
  free(want);
  free(tail);
  free(l);
  free(out);
  release(eff, p, dir);
}

static void print_shows_where_inherited_values_come_from(void **state) {
  (void)state;
  char *dir = content();
  store(dir, "nj-a",
        "<store id=\"nj-a\" city=\"nanjing\">\n"
        "  <hours><weekday close=\"20:00\"/></hours>\n"
        "</store>\n");
  mg_params *p;
  xmlDocPtr eff = effective(&p, dir, "nj-a");
  char *out = print(eff);
  char *l = line_for(out, "hours/weekday/@open");
  squeeze(l);
  char *want =
      mg_xasprintf("hours/weekday/@open = 08:30 %s/defaults.xml:7", dir);
  assert_string_equal(l, want);
  free(want);
  free(l);
  l = line_for(out, "counters");
  squeeze(l);
  want = mg_xasprintf("counters = 8 %s/cities/nanjing.xml:4", dir);
  assert_string_equal(l, want);
  free(want);
  free(l);
  l = line_for(out, "posts/post[@key='clerk']/@count");
  assert_contains(l, "= 4 ");
  free(l);
  free(out);
  release(eff, p, dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(effective_root_is_the_store_with_its_id_and_city),
      cmocka_unit_test(default_value_is_inherited),
      cmocka_unit_test(city_value_overrides_a_default),
      cmocka_unit_test(store_value_overrides_city_and_default),
      cmocka_unit_test(store_attribute_overrides_one_attribute_only),
      cmocka_unit_test(list_entry_matched_by_key_keeps_the_others),
      cmocka_unit_test(list_entry_with_a_new_key_is_appended),
      cmocka_unit_test(merge_replace_drops_inherited_entries),
      cmocka_unit_test(merge_replace_on_an_entry_drops_its_attributes),
      cmocka_unit_test(schema_violation_is_reported_with_file_and_line),
      cmocka_unit_test(unknown_element_is_a_schema_violation),
      cmocka_unit_test(invalid_defaults_are_reported_when_loading),
      cmocka_unit_test(unknown_city_is_an_error),
      cmocka_unit_test(store_id_must_match_the_file_name),
      cmocka_unit_test(city_id_must_match_the_file_name),
      cmocka_unit_test(invalid_store_id_is_refused),
      cmocka_unit_test(missing_store_is_an_error),
      cmocka_unit_test(store_file_with_invalid_name_is_not_listed),
      cmocka_unit_test(print_shows_the_store_line_of_an_overridden_value),
      cmocka_unit_test(print_shows_where_inherited_values_come_from),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
