/* test_rules.c -- HQ's rules (rules.c): loading, the check document,
 * evaluation per hall; and what expr.c gives them (names that extend the
 * parameters', what a context selects, attribute types). */
#include "testutil.h"

#include <libxml/parser.h>

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

static mg_params *params;

static int setup(void **state) {
  if (tu_root_setup(state))
    return -1;
  char *d = tu_new_dir("content");
  tu_write(
      d, "defaults.xml",
      "<defaults>\n"
      "  <hours><weekday open=\"08:30\" close=\"18:00\"/></hours>\n"
      "  <posts><post key=\"clerk\" count=\"4\" title=\"营业员\"/></posts>\n"
      "</defaults>\n");
  tu_write(d, "cities/c.xml", "<city id=\"c\"/>\n");
  tu_write(d, "stores/s.xml", "<store id=\"s\" city=\"c\"/>\n");
  params = mg_params_load(d, TEMPLATES_DIR);
  free(d);
  tu_diag_reset();
  return params ? 0 : -1;
}

static int teardown(void **state) {
  mg_params_free(params);
  return tu_root_teardown(state);
}

/* Loads rules.xml with this text from a fresh folder. */
static mg_rules *load(const char *text) {
  char *d = tu_new_dir("rules");
  tu_write(d, "rules.xml", text);
  mg_rules *r = mg_rules_load(d, TEMPLATES_DIR, params->names);
  free(d);
  return r;
}

static xmlDocPtr hall(void) {
  xmlDocPtr eff = mg_params_effective(params, "s");
  assert_non_null(eff);
  xmlDocPtr doc = mg_check_doc(eff, NULL, NULL);
  mg_params_effective_free(eff);
  return doc;
}

static void no_file_is_no_rules(void **state) {
  (void)state;
  char *d = tu_new_dir("empty");
  mg_rules *r = mg_rules_load(d, TEMPLATES_DIR, params->names);
  assert_non_null(r);
  assert_int_equal(mg_rules_count(r), 0);
  xmlDocPtr doc = hall();
  assert_int_equal(mg_rules_check(r, doc, "s"), 0);
  char *text = mg_diag_take_text();
  assert_string_equal(text, "");
  free(text);
  xmlFreeDoc(doc);
  mg_rules_free(r);
  free(d);
}

static void check_doc_appends_copies_and_leaves_eff_alone(void **state) {
  (void)state;
  xmlDocPtr eff = mg_params_effective(params, "s");
  xmlNodePtr duties = xmlNewNode(NULL, BAD_CAST "duties");
  xmlNewProp(xmlNewChild(duties, NULL, BAD_CAST "duty", NULL), BAD_CAST "id",
             BAD_CAST "DM-01");
  xmlNodePtr forms = xmlNewNode(NULL, BAD_CAST "forms");
  unsigned long before = xmlChildElementCount(xmlDocGetRootElement(eff));
  xmlDocPtr doc = mg_check_doc(eff, duties, forms);
  assert_int_equal(xmlChildElementCount(xmlDocGetRootElement(eff)), before);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  assert_int_equal(xmlChildElementCount(root), before + 2);
  xmlNodePtr last = xmlLastElementChild(root);
  assert_string_equal((const char *)last->name, "forms");
  xmlNodePtr d = xmlPreviousElementSibling(last);
  assert_string_equal((const char *)d->name, "duties");
  assert_ptr_not_equal(d, duties); /* a copy */
  assert_ptr_equal(d->doc, doc);
  xmlFreeDoc(doc);
  xmlFreeNode(duties);
  xmlFreeNode(forms);
  mg_params_effective_free(eff);
}

static void messages_join_wrapped_lines_and_values(void **state) {
  (void)state;
  mg_rules *r = load("<rules><pattern><rule context=\"posts/post\">\n"
                     "<assert id=\"HQ-01\" test=\"@count &gt; 9\">营业员\n"
                     "      不足（<value-of select=\"@title\"/>\n"
                     "  <value-of select=\"@count\"/>\n"
                     "  people)</assert>\n"
                     "</rule></pattern></rules>\n");
  assert_non_null(r);
  assert_int_equal(mg_rules_count(r), 1);
  xmlDocPtr doc = hall();
  assert_int_equal(mg_rules_check(r, doc, "s"), 1);
  char *text = mg_diag_take_text();
  /* a line break between two Chinese characters is no space; elsewhere,
   * one space */
  assert_contains(text, ":2:1: error: 营业员不足（营业员 4 people) [HQ-01] "
                        "(store s)");
  free(text);
  xmlFreeDoc(doc);
  mg_rules_free(r);
}

static void first_rule_of_a_pattern_takes_a_node(void **state) {
  (void)state;
  mg_rules *r = load(
      "<rules>\n"
      "<pattern><rule context=\"posts/post\">"
      "<report id=\"A-1\" test=\"true()\">first</report></rule>\n"
      "<rule context=\"posts/post\">"
      "<report id=\"A-2\" test=\"true()\">second</report></rule></pattern>\n"
      "<pattern><rule context=\"posts/post\">"
      "<report id=\"B-1\" test=\"true()\" role=\"warning\">other</report>"
      "</rule></pattern>\n"
      "</rules>\n");
  assert_non_null(r);
  xmlDocPtr doc = hall();
  /* warnings do not count */
  assert_int_equal(mg_rules_check(r, doc, "s"), 1);
  char *text = mg_diag_take_text();
  assert_contains(text, "error: first [A-1]");
  assert_not_contains(text, "[A-2]");
  assert_contains(text, "warning: other [B-1]"); /* another pattern */
  free(text);
  xmlFreeDoc(doc);
  mg_rules_free(r);
}

static void extended_names_do_not_leak_into_the_base(void **state) {
  (void)state;
  static const char *const el[] = {"duties", "duty", NULL};
  static const char *const at[] = {"status", NULL};
  mg_schema_names *x = mg_schema_names_extend(params->names, el, at);
  xmlXPathCompExprPtr c =
      mg_expr_compile(x, "duties/duty[@status='own']", "f", 1, 1);
  assert_non_null(c);
  xmlXPathFreeCompExpr(c);
  /* the base's keys and enumerations are shared */
  c = mg_expr_compile(x, "duties/post[@key='clerck']", "f", 1, 1);
  assert_null(c);
  mg_schema_names_free(x);
  char *text = mg_diag_take_text();
  assert_contains(text, "did you mean 'clerk'?");
  free(text);
  c = mg_expr_compile(params->names, "duties", "f", 1, 1);
  assert_null(c);
  text = mg_diag_take_text();
  assert_contains(text, "unknown parameter 'duties'");
  free(text);
}

static void what_a_context_selects(void **state) {
  (void)state;
  const char *cases[][2] = {
      {"posts/post[@key='clerk']", "post"},
      {"/store[type='flagship']", "store"},
      {"posts/post/..", NULL},
      {".", "store"},
      {"posts/post | zones/zone", NULL},
      {"count(posts/post)", NULL},
      {"//*", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = mg_expr_selects(cases[i][0], "store");
    if (cases[i][1] == NULL)
      assert_null(got);
    else if (!got || strcmp(got, cases[i][1]))
      fail_msg("%s: expected %s, got %s", cases[i][0], cases[i][1],
               got ? got : "NULL");
    free(got);
  }
}

static void attribute_types_come_from_the_schema(void **state) {
  (void)state;
  assert_string_equal(mg_schema_attr_type(params->names, "weekday", "open"),
                      "Time");
  assert_string_equal(mg_schema_attr_type(params->names, "round", "weekend"),
                      "Time");
  assert_null(mg_schema_attr_type(params->names, "weekday", "nothing"));
  const char *t = mg_schema_attr_type(params->names, "post", "title");
  assert_non_null(t);
  assert_string_not_equal(t, "Time");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(no_file_is_no_rules),
      cmocka_unit_test(check_doc_appends_copies_and_leaves_eff_alone),
      cmocka_unit_test(messages_join_wrapped_lines_and_values),
      cmocka_unit_test(first_rule_of_a_pattern_takes_a_node),
      cmocka_unit_test(extended_names_do_not_leak_into_the_base),
      cmocka_unit_test(what_a_context_selects),
      cmocka_unit_test(attribute_types_come_from_the_schema),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, teardown);
}
