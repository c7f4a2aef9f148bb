/* test_expr.c -- mg_expr_compile's name checking against a schema, and
 * evaluation with mg_expr_bool / mg_expr_string. */
#include "testutil.h"

#include <libxml/parser.h>

#define F "sections/a.md"

static const char xsd[] =
    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>\n"
    " <xs:element name='store'><xs:complexType><xs:sequence>\n"
    "  <xs:element name='name' type='xs:string'/>\n"
    "  <xs:element name='hours'><xs:complexType><xs:sequence>\n"
    "   <xs:element name='weekday'><xs:complexType>\n"
    "    <xs:attribute name='open'/><xs:attribute name='close'/>\n"
    "   </xs:complexType></xs:element>\n"
    "  </xs:sequence></xs:complexType></xs:element>\n"
    "  <xs:element name='posts'><xs:complexType><xs:sequence>\n"
    "   <xs:element name='post' maxOccurs='unbounded'><xs:complexType>\n"
    "    <xs:attribute name='key'/><xs:attribute name='count'/>\n"
    "   </xs:complexType></xs:element>\n"
    "  </xs:sequence></xs:complexType></xs:element>\n"
    " </xs:sequence><xs:attribute name='id'/></xs:complexType></xs:element>\n"
    "</xs:schema>\n";

static const char params_xml[] =
    "<store id='s1'>"
    "<name>Xinjiekou</name>"
    "<hours><weekday open='08:30' close='18:00'/></hours>"
    "<posts><post key='clerk' count='4'/><post key='greeter' count='1'/>"
    "<post key='trainee' count=''/></posts>"
    "</store>";

static xmlDocPtr xsd_doc, params_doc;
static mg_schema_names *names;
static xmlXPathContextPtr ctx;

static int setup(void **state) {
  (void)state;
  xsd_doc = xmlReadMemory(xsd, (int)strlen(xsd), "params.xsd", NULL, 0);
  params_doc =
      xmlReadMemory(params_xml, (int)strlen(params_xml), "store.xml", NULL, 0);
  if (!xsd_doc || !params_doc)
    return -1;
  names = mg_schema_names_load(xsd_doc, "params.xsd");
  ctx = mg_expr_context_new(params_doc);
  mg_diag_install_xml_handlers(); /* as the program does */
  tu_diag_reset();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  xmlXPathFreeContext(ctx);
  mg_schema_names_free(names);
  xmlFreeDoc(params_doc);
  xmlFreeDoc(xsd_doc);
  return 0;
}

/* Compiles at F:3:10 and returns the diagnostics (caller frees). */
static char *compile(const char *src, xmlXPathCompExprPtr *out) {
  tu_diag_reset();
  xmlXPathCompExprPtr c = mg_expr_compile(names, src, F, 3, 10);
  if (out)
    *out = c;
  else
    xmlXPathFreeCompExpr(c);
  return mg_diag_take_text();
}

static void expect_ok(const char *src) {
  xmlXPathCompExprPtr c;
  char *d = compile(src, &c);
  if (!c || *d)
    fail_msg("'%s' should compile cleanly, got:\n%s", src, d);
  xmlXPathFreeCompExpr(c);
  free(d);
}

/* Expects rejection and the given diagnostic text (one line). */
static void expect_rejected(const char *src, const char *diag) {
  xmlXPathCompExprPtr c;
  char *d = compile(src, &c);
  if (c)
    fail_msg("'%s' should have been rejected", src);
  assert_contains(d, diag);
  free(d);
}

/* --------------------------------------------------- accepted names */

static void paths_of_declared_elements_compile(void **state) {
  (void)state;
  expect_ok("name");
  expect_ok("hours/weekday");
  expect_ok("/store/hours/weekday");
  expect_ok("hours//weekday");
}

static void declared_attributes_compile(void **state) {
  (void)state;
  expect_ok("hours/weekday/@open");
  expect_ok("@id");
  expect_ok("hours/weekday/attribute::close");
  expect_ok("hours/weekday/@ close");
}

static void predicates_compile(void **state) {
  (void)state;
  expect_ok("posts/post[@key='clerk']/@count");
  expect_ok("posts/post[@count > 1 and @key != 'x']");
  expect_ok("posts/post[last()]");
}

static void functions_compile(void **state) {
  (void)state;
  expect_ok("count(posts/post) > 1");
  expect_ok("not(hours)");
  expect_ok("contains(name, 'jie')");
  expect_ok("string-length (name) = 9");
  expect_ok("self::node()");
}

static void and_or_div_mod_as_operators_compile(void **state) {
  (void)state;
  expect_ok("name and hours");
  expect_ok("name or hours");
  expect_ok("posts/post[1]/@count div 2");
  expect_ok("posts/post[1]/@count mod 3");
  expect_ok("(name) and not(hours)");
  expect_ok("1 or 0");
}

static void star_as_wildcard_and_as_multiplication_compiles(void **state) {
  (void)state;
  expect_ok("posts/*");
  expect_ok("posts/post/@*");
  expect_ok("posts/post[1]/@count * 2");
  expect_ok("posts/post[1]/@count*posts/post[2]/@count");
  expect_ok("count(*) * 2");
}

static void unknown_names_inside_string_literals_are_ignored(void **state) {
  (void)state;
  expect_ok("name = 'hous and nothing/else'");
  expect_ok("contains(name, \"weekdya's\")");
}

static void numbers_compile(void **state) {
  (void)state;
  expect_ok("3.5 > 1");
  expect_ok(".5 < 1");
  expect_ok("-2 + 3");
}

static void dot_and_dotdot_compile(void **state) {
  (void)state;
  expect_ok(".");
  expect_ok("hours/weekday/../../name");
}

/* Reported bug: after `attribute::*` (or `attribute::node()`) the next
 * plain name is still checked as an attribute. */
static void name_after_attribute_axis_wildcard_is_an_element(void **state) {
  (void)state;
  expect_ok("count(hours/weekday/attribute::*) = 2 and hours");
}

/* --------------------------------------------------- rejected names */

static void misspelt_element_suggests_the_declared_one(void **state) {
  (void)state;
  expect_rejected("hous/weekday",
                  F ":3:10: error: unknown parameter 'hous' in expression "
                    "(not declared in params.xsd); did you mean 'hours'?");
}

static void column_is_that_of_the_bad_name(void **state) {
  (void)state;
  expect_rejected("hours/weekdya",
                  F ":3:16: error: unknown parameter 'weekdya' in "
                    "expression (not declared in params.xsd); did you mean "
                    "'weekday'?");
}

static void misspelt_attribute_suggests_an_attribute(void **state) {
  (void)state;
  expect_rejected("hours/weekday/@opn",
                  F ":3:25: error: unknown parameter attribute '@opn' in "
                    "expression (not declared in params.xsd); did you mean "
                    "'@open'?");
}

static void element_name_used_as_attribute_is_rejected(void **state) {
  (void)state;
  expect_rejected("posts/post/@name",
                  F ":3:22: error: unknown parameter attribute '@name'");
}

static void column_counts_characters_not_bytes(void **state) {
  (void)state;
  /* '店' is three bytes but one column */
  expect_rejected("name = '店' and hous",
                  F ":3:25: error: unknown parameter 'hous'");
}

static void far_off_name_has_no_suggestion(void **state) {
  (void)state;
  char *d = compile("zzzzzzzz", NULL);
  assert_contains(d, F ":3:10: error: unknown parameter 'zzzzzzzz' in "
                       "expression (not declared in params.xsd)\n");
  assert_not_contains(d, "did you mean");
  free(d);
}

static void every_bad_name_is_reported(void **state) {
  (void)state;
  char *d = compile("hous and nme", NULL);
  assert_contains(d, F ":3:10: error: unknown parameter 'hous'");
  assert_contains(d, F ":3:19: error: unknown parameter 'nme'");
  assert_int_equal(tu_lines(d), 2);
  free(d);
}

static void operator_word_at_the_start_is_a_name(void **state) {
  (void)state;
  expect_rejected("and", F ":3:10: error: unknown parameter 'and'");
}

static void unknown_function_is_rejected(void **state) {
  (void)state;
  expect_rejected("lenght(name) > 0",
                  F ":3:10: error: unknown function 'lenght()' in "
                    "expression");
}

static void unknown_axis_is_rejected(void **state) {
  (void)state;
  expect_rejected("hours/sideways::weekday",
                  F ":3:16: error: unknown axis 'sideways' in expression");
}

static void namespace_prefix_is_rejected(void **state) {
  (void)state;
  expect_rejected("x:name",
                  F ":3:10: error: namespace prefixes are not supported");
}

static void variables_are_rejected_at_the_dollar(void **state) {
  (void)state;
  expect_rejected("name = $city",
                  F ":3:17: error: unknown variable '$city' (expressions "
                    "have no variables)");
}

static void unterminated_string_is_rejected(void **state) {
  (void)state;
  expect_rejected("name = 'abc",
                  F ":3:17: error: unterminated string in expression "
                    "'name = 'abc'");
}

static void invalid_syntax_is_rejected_at_the_expression(void **state) {
  (void)state;
  expect_rejected("posts/post[",
                  F ":3:10: error: invalid expression 'posts/post[': ");
  expect_rejected("name ==", F ":3:10: error: invalid expression 'name ==':");
}

static void empty_expression_is_rejected(void **state) {
  (void)state;
  expect_rejected("  ", F ":3:10: error: empty expression");
}

static void without_names_only_syntax_is_checked(void **state) {
  (void)state;
  tu_diag_reset();
  xmlXPathCompExprPtr c = mg_expr_compile(NULL, "hous/weekday", F, 1, 1);
  assert_non_null(c);
  xmlXPathFreeCompExpr(c);
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
}

/* ------------------------------------------------------------ bounds */

/* src repeated n times, then tail (caller frees). */
static char *repeat(const char *src, size_t n, const char *tail) {
  mg_buf b = {0};
  for (size_t i = 0; i < n; i++)
    mg_buf_puts(&b, src);
  mg_buf_puts(&b, tail);
  return b.data;
}

static void nesting_beyond_32_levels_is_refused_at_the_33rd(void **state) {
  (void)state;
  char *open = repeat("(", 33, "name");
  char *src = repeat(")", 33, "");
  char *both = mg_xasprintf("%s%s", open, src);
  /* the 33rd '(' is the 33rd character: column 10 + 32 */
  expect_rejected(both, F ":3:42: error: parentheses and brackets nested "
                          "deeper than 32 levels are not supported in "
                          "expressions");
  free(both);
  free(src);
  free(open);
}

static void brackets_count_as_nesting(void **state) {
  (void)state;
  char *src = repeat("posts/post[", 40, "1");
  expect_rejected(src, "nested deeper than 32 levels");
  free(src);
}

static void nesting_of_32_levels_compiles(void **state) {
  (void)state;
  char *open = repeat("not(", 32, "name");
  char *src = repeat(")", 32, "");
  char *both = mg_xasprintf("%s%s", open, src);
  expect_ok(both);
  free(both);
  free(src);
  free(open);
}

static void parentheses_inside_literals_do_not_count(void **state) {
  (void)state;
  char *lit = repeat("(", 100, "'");
  char *src = mg_xasprintf("name = '%s", lit);
  expect_ok(src);
  free(src);
  free(lit);
}

static void more_than_1000_characters_is_refused_at_the_1001st(void **state) {
  (void)state;
  char *src = repeat("1+", 600, "1");
  expect_rejected(src, F ":3:1010: error: expression longer than 1000 "
                         "characters is not supported: split it, or "
                         "simplify it");
  free(src);
}

static void length_counts_characters_not_bytes(void **state) {
  (void)state;
  /* 997 characters, 2,971 bytes */
  char *lit = repeat("店", 987, "'");
  char *src = mg_xasprintf("name != '%s", lit);
  expect_ok(src);
  free(src);
  free(lit);
  /* 1,003 characters: refused at the 1,001st, column 10 + 1000 */
  lit = repeat("店", 993, "'");
  src = mg_xasprintf("name != '%s", lit);
  expect_rejected(src, F ":3:1010: error: expression longer than 1000");
  free(src);
  free(lit);
}

/* ------------------------------------------------------- evaluation */

/* An mg_expr compiled against the schema (the test fails if it is not). */
static mg_expr make(const char *src) {
  tu_diag_reset();
  xmlXPathCompExprPtr c = mg_expr_compile(names, src, F, 7, 3);
  if (!c) {
    char *d = mg_diag_take_text();
    fail_msg("'%s' does not compile: %s", src, d);
  }
  return (mg_expr){
      .src = (char *)src, .comp = c, .file = F, .line = 7, .col = 3};
}

static char *string_of(const char *src) {
  mg_expr e = make(src);
  char *s = mg_expr_string(ctx, &e, "s1");
  xmlXPathFreeCompExpr(e.comp);
  return s;
}

static int bool_of(const char *src) {
  mg_expr e = make(src);
  int b = mg_expr_bool(ctx, &e, "s1");
  xmlXPathFreeCompExpr(e.comp);
  return b;
}

#define assert_value(src, expected)                                            \
  do {                                                                         \
    char *s_ = string_of(src);                                                 \
    assert_non_null(s_);                                                       \
    assert_string_equal(s_, expected);                                         \
    free(s_);                                                                  \
  } while (0)

static void context_node_is_the_store_element(void **state) {
  (void)state;
  assert_value("name(.)", "store");
  assert_value("@id", "s1");
}

static void conditions_evaluate_to_1_or_0(void **state) {
  (void)state;
  assert_int_equal(bool_of("hours/weekday"), 1);
  assert_int_equal(bool_of("posts/post[@key='clerk']"), 1);
  assert_int_equal(bool_of("posts/post[@key='nobody']"), 0);
  assert_int_equal(bool_of("count(posts/post) = 3"), 1);
  assert_int_equal(bool_of("posts/post[1]/@count > 4"), 0);
  assert_int_equal(bool_of("not(hours) or name = 'Xinjiekou'"), 1);
}

static void string_of_an_element_is_its_text(void **state) {
  (void)state;
  assert_value("name", "Xinjiekou");
  assert_value("hours/weekday/@open", "08:30");
  assert_value("posts/post[@key='greeter']/@count", "1");
}

static void empty_value_is_an_empty_string_not_an_error(void **state) {
  (void)state;
  tu_diag_reset();
  assert_value("posts/post[@key='trainee']/@count", "");
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
}

static void numbers_stringify_as_xpath_does(void **state) {
  (void)state;
  assert_value("count(posts/post)", "3");
  assert_value("posts/post[2]/@count div 2", "0.5");
  assert_value("posts/post[1]/@count * 2", "8");
  assert_value("posts/post[1]/@count mod 3", "1");
  assert_value("1 div 0", "Infinity");
  assert_value("number(name)", "NaN");
}

static void booleans_stringify_as_xpath_does(void **state) {
  (void)state;
  assert_value("count(posts/post) > 1", "true");
  assert_value("not(name)", "false");
}

static void empty_node_set_selects_nothing(void **state) {
  (void)state;
  mg_expr e = make("posts/post[@key='nobody']/@count");
  tu_diag_reset();
  char *s = mg_expr_string(ctx, &e, "s1");
  assert_null(s);
  char *d = mg_diag_take_text();
  assert_string_equal(d, F ":7:3: error: placeholder '{{ posts/post[@key="
                           "'nobody']/@count }}' selects nothing (store s1)\n");
  free(d);
  xmlXPathFreeCompExpr(e.comp);
}

static void several_nodes_give_every_value_joined(void **state) {
  (void)state;
  /* every value in document order, not only the first one's */
  char *s = string_of("posts/post/@key");
  assert_string_equal(s, "clerk, greeter, trainee");
  free(s);
  mg_expr_context_set_separator(ctx, mg_list_separator("zh-CN"));
  s = string_of("posts/post[@count != '']/@key");
  assert_string_equal(s, "clerk\xE3\x80\x81greeter");
  free(s);
  /* one node, a number, a string: as before */
  s = string_of("posts/post[1]/@key");
  assert_string_equal(s, "clerk");
  free(s);
  s = string_of("count(posts/post)");
  assert_string_equal(s, "3");
  free(s);
  mg_expr_context_set_separator(ctx, mg_list_separator("en"));
  s = string_of("posts/post[@count != '']/@count");
  assert_string_equal(s, "4, 1");
  free(s);
  mg_expr_context_set_separator(ctx, NULL);
}

static void runtime_failure_is_reported_and_returns_minus_1(void **state) {
  (void)state;
  /* without names, an unknown function is only found at run time */
  xmlXPathCompExprPtr c = mg_expr_compile(NULL, "nosuch(name)", F, 2, 4);
  assert_non_null(c);
  mg_expr e = {
      .src = (char *)"nosuch(name)", .comp = c, .file = F, .line = 2, .col = 4};
  tu_diag_reset();
  assert_int_equal(mg_expr_bool(ctx, &e, "s1"), -1);
  assert_null(mg_expr_string(ctx, &e, "s1"));
  char *d = mg_diag_take_text();
  assert_contains(d, F ":2:4: error: cannot evaluate expression "
                       "'nosuch(name)' (store s1)\n");
  free(d);
  xmlXPathFreeCompExpr(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paths_of_declared_elements_compile),
      cmocka_unit_test(declared_attributes_compile),
      cmocka_unit_test(predicates_compile),
      cmocka_unit_test(functions_compile),
      cmocka_unit_test(and_or_div_mod_as_operators_compile),
      cmocka_unit_test(star_as_wildcard_and_as_multiplication_compiles),
      cmocka_unit_test(unknown_names_inside_string_literals_are_ignored),
      cmocka_unit_test(numbers_compile),
      cmocka_unit_test(dot_and_dotdot_compile),
      cmocka_unit_test(name_after_attribute_axis_wildcard_is_an_element),
      cmocka_unit_test(misspelt_element_suggests_the_declared_one),
      cmocka_unit_test(column_is_that_of_the_bad_name),
      cmocka_unit_test(misspelt_attribute_suggests_an_attribute),
      cmocka_unit_test(element_name_used_as_attribute_is_rejected),
      cmocka_unit_test(column_counts_characters_not_bytes),
      cmocka_unit_test(far_off_name_has_no_suggestion),
      cmocka_unit_test(every_bad_name_is_reported),
      cmocka_unit_test(operator_word_at_the_start_is_a_name),
      cmocka_unit_test(unknown_function_is_rejected),
      cmocka_unit_test(unknown_axis_is_rejected),
      cmocka_unit_test(namespace_prefix_is_rejected),
      cmocka_unit_test(variables_are_rejected_at_the_dollar),
      cmocka_unit_test(unterminated_string_is_rejected),
      cmocka_unit_test(invalid_syntax_is_rejected_at_the_expression),
      cmocka_unit_test(empty_expression_is_rejected),
      cmocka_unit_test(without_names_only_syntax_is_checked),
      cmocka_unit_test(nesting_beyond_32_levels_is_refused_at_the_33rd),
      cmocka_unit_test(brackets_count_as_nesting),
      cmocka_unit_test(nesting_of_32_levels_compiles),
      cmocka_unit_test(parentheses_inside_literals_do_not_count),
      cmocka_unit_test(more_than_1000_characters_is_refused_at_the_1001st),
      cmocka_unit_test(length_counts_characters_not_bytes),
      cmocka_unit_test(context_node_is_the_store_element),
      cmocka_unit_test(conditions_evaluate_to_1_or_0),
      cmocka_unit_test(string_of_an_element_is_its_text),
      cmocka_unit_test(empty_value_is_an_empty_string_not_an_error),
      cmocka_unit_test(numbers_stringify_as_xpath_does),
      cmocka_unit_test(booleans_stringify_as_xpath_does),
      cmocka_unit_test(empty_node_set_selects_nothing),
      cmocka_unit_test(several_nodes_give_every_value_joined),
      cmocka_unit_test(runtime_failure_is_reported_and_returns_minus_1),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, teardown);
}
