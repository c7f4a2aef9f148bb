/* test_literals.c -- string literals compared with a parameter must be
 * values it can have: an enumeration of templates/schema/params.xsd, or
 * for a `key`, a key that some parameter file has (mg_expr_compile with
 * the names of the real schema and a key universe). The same goes for the
 * post keys of a section's front matter (mg_expr_check_posts). */
#include "testutil.h"

#include <libxml/parser.h>

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

#define F "sections/a.md"
#define XSD TEMPLATES_DIR "/schema/params.xsd"
#define WHERE "content/defaults.xml, content/cities or content/stores"
#define POSTS                                                                  \
  "store-manager, duty-manager, lobby-manager, clerk, greeter, device-zone, "  \
  "account-manager"

/* The keys the parameter files have, as if loaded. */
static const char keys_xml[] =
    "<defaults>"
    "<posts><post key='store-manager'/><post key='duty-manager'/>"
    "<post key='lobby-manager'/><post key='clerk'/></posts>"
    "<zones><zone key='waiting'/><zone key='counters'/></zones>"
    "<contacts><contact key='district-branch'/>"
    "<contact key='complaints-hotline'/></contacts>"
    "</defaults>";

static xmlDocPtr xsd_doc;
static mg_schema_names *names;  /* with the key universe */
static mg_schema_names *schema; /* the schema only */

static int setup(void **state) {
  (void)state;
  mg_safe_init();
  mg_safe_allow_root(TEMPLATES_DIR);
  mg_diag_install_xml_handlers();
  xsd_doc = mg_safe_read_xml(XSD);
  xmlDocPtr keys =
      xmlReadMemory(keys_xml, (int)strlen(keys_xml), "keys.xml", NULL, 0);
  if (!xsd_doc || !keys)
    return -1;
  names = mg_schema_names_load(xsd_doc, XSD);
  schema = mg_schema_names_load(xsd_doc, XSD);
  mg_schema_names_add_keys(names, keys);
  mg_schema_names_keys_complete(names, WHERE);
  xmlFreeDoc(keys);
  tu_diag_reset();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  mg_schema_names_free(names);
  mg_schema_names_free(schema);
  xmlFreeDoc(xsd_doc);
  return 0;
}

/* Compiles src at F:3:10 with n; returns the diagnostics (caller frees)
 * and whether it compiled. */
static char *compile_with(const mg_schema_names *n, const char *src, int *ok) {
  tu_diag_reset();
  xmlXPathCompExprPtr c = mg_expr_compile(n, src, F, 3, 10);
  *ok = c != NULL;
  xmlXPathFreeCompExpr(c);
  return mg_diag_take_text();
}

static void expect_ok(const char *src) {
  int ok;
  char *d = compile_with(names, src, &ok);
  if (!ok || *d)
    fail_msg("'%s' should compile cleanly, got:\n%s", src, d);
  free(d);
}

/* Expects src refused with exactly the diagnostics text d. */
static void expect_refused(const char *src, const char *want) {
  int ok;
  char *d = compile_with(names, src, &ok);
  if (ok)
    fail_msg("'%s' should have been refused; diagnostics:\n%s", src, d);
  assert_string_equal(d, want);
  free(d);
}

/* ------------------------------------------------------ enumerations */

static void element_value_outside_its_enumeration(void **state) {
  (void)state;
  /* <type> is StoreTypeValue, extending the enumeration StoreTypeCode */
  expect_refused("type = 'flagshp'",
                 F ":3:17: error: the value 'flagshp' can never match: type "
                   "is one of flagship, standard, self-operated, county "
                   "(declared in " XSD "); did you mean 'flagship'?\n");
}

static void values_of_the_enumeration_compile(void **state) {
  (void)state;
  expect_ok("type = 'county'");
  expect_ok("type='flagship' or type != 'standard'");
  expect_ok("'self-operated' = type");
  expect_ok("zones/zone[@owner='clerk']");
}

static void literal_on_the_left_and_not_equal(void **state) {
  (void)state;
  expect_refused("'standrd' != type",
                 F ":3:10: error: the value 'standrd' can never match: type "
                   "is one of flagship, standard, self-operated, county "
                   "(declared in " XSD "); did you mean 'standard'?\n");
}

static void attribute_in_a_predicate_belongs_to_its_step(void **state) {
  (void)state;
  expect_refused("posts/post[@key='duty-manger']/@count",
                 F ":3:26: error: the value 'duty-manger' can never match: "
                   "post/@key is one of " POSTS " (declared in " XSD
                   "); did you mean 'duty-manager'?\n");
  expect_refused("zones/zone[@owner='clerc']",
                 F ":3:28: error: the value 'clerc' can never match: "
                   "zone/@owner is one of " POSTS " (declared in " XSD
                   "); did you mean 'clerk'?\n");
}

static void every_literal_of_a_predicate_is_checked(void **state) {
  (void)state;
  int ok;
  char *d = compile_with(
      names, "posts/post[@key='clerk' or @key='greter' or @key='zzzzzz']", &ok);
  assert_false(ok);
  assert_contains(d, F ":3:42: error: the value 'greter' can never match: "
                       "post/@key is one of");
  assert_contains(d, "did you mean 'greeter'?\n");
  assert_contains(d, F ":3:59: error: the value 'zzzzzz' can never match: "
                       "post/@key is one of " POSTS " (declared in " XSD ")\n");
  assert_int_equal(tu_lines(d), 2);
  free(d);
}

static void
attribute_of_an_unknown_element_uses_every_declaration(void **state) {
  (void)state;
  /* @owner is a post key on every element that has it */
  expect_refused("*/*/@owner = 'clrk'",
                 F ":3:23: error: the value 'clrk' can never match: @owner "
                   "is one of " POSTS " (declared in " XSD
                   "); did you mean 'clerk'?\n");
  /* @key is not an enumeration everywhere: not checked */
  expect_ok("posts/*[@key='zz']");
}

static void dot_and_self_are_the_step_of_the_predicate(void **state) {
  (void)state;
  expect_refused("type[. = 'countyy']",
                 F ":3:19: error: the value 'countyy' can never match: "
                   "type is one of flagship, standard, self-operated, county "
                   "(declared in " XSD "); did you mean 'county'?\n");
  expect_refused("posts/post[self::node()/@key = 'clerkk']",
                 F ":3:41: error: the value 'clerkk' can never match: "
                   "post/@key is one of " POSTS " (declared in " XSD
                   "); did you mean 'clerk'?\n");
}

static void nested_predicates_have_their_own_step(void **state) {
  (void)state;
  expect_refused(
      "posts/post[@key=../../zones/zone[@key='waitng']/@owner]/@title", F
      ":3:48: error: the value 'waitng' can never match: zone/@key is one "
      "of entrance, waiting, counters, self-service, device-experience, "
      "vip-room, back-office (declared in " XSD "); did you mean 'waiting'?\n");
}

static void paths_in_every_form_are_followed(void **state) {
  (void)state;
  static const char *srcs[] = {
      "/store/type = 'x'",
      "//type = 'x'",
      "(type) = 'x'",
      "(posts/post)[@key = 'x']",
      "(posts)/post/@key = 'x'",
      "count(posts/post[@key='x']) > 0",
      "not(type = 'x')",
      "ancestor-or-self::store/child::type = 'x'",
      "posts/post/attribute::key = 'x'",
      "posts/post[position() = 1]/@key = 'x'",
      NULL,
  };
  for (const char **s = srcs; *s; s++) {
    int ok;
    char *d = compile_with(names, *s, &ok);
    if (ok || !strstr(d, "the value 'x' can never match"))
      fail_msg("'%s' should have been refused; got:\n%s", *s, d);
    free(d);
  }
}

static void literals_not_compared_with_a_path_are_not_checked(void **state) {
  (void)state;
  expect_ok("contains(type, 'flag')");
  expect_ok("starts-with(posts/post/@key, 'duty')");
  expect_ok("'a' = 'b'");
  expect_ok("string(type) = 'x'");
  expect_ok("type | name = 'x'");
  expect_ok("- type = 'x'");
  expect_ok("posts/post[1]/@count * 2 = 'x'");
  expect_ok("'x' = 'y' = type");
  expect_ok("name = 'flagshp'"); /* a name is any text */
  expect_ok("hours/weekday/@open >= '25:00'");
  expect_ok("posts/post[@key=../../zones/zone[@key='waiting']/@owner]");
}

static void column_counts_characters_not_bytes(void **state) {
  (void)state;
  int ok;
  char *d = compile_with(names, "name = '店长' or type = 'x'", &ok);
  /* '店长' is 6 bytes but 2 columns */
  assert_contains(d, F ":3:32: error: the value 'x' can never match");
  free(d);
}

/* ------------------------------------------------------ key universe */

static void key_that_no_file_has(void **state) {
  (void)state;
  /* a contact's key is any [a-z0-9-]+: only the files know them */
  expect_refused("contacts/contact[@key='night-duty']/@phone",
                 F ":3:32: error: the value 'night-duty' can never match: "
                   "no contact has this key in " WHERE "\n");
  expect_refused("contacts/contact[@key='distrct-branch']/@phone",
                 F ":3:32: error: the value 'distrct-branch' can never "
                   "match: no contact has this key in " WHERE
                   "; did you mean 'district-branch'?\n");
}

static void keys_that_some_file_has_compile(void **state) {
  (void)state;
  expect_ok("contacts/contact[@key='district-branch']/@phone");
  expect_ok("zones/zone[@key='waiting'] and posts/post[@key='clerk']");
}

static void schema_value_that_no_file_has(void **state) {
  (void)state;
  expect_refused("posts/post[@key='greeter']",
                 F ":3:26: error: the value 'greeter' can never match: no "
                   "post has this key in " WHERE "\n");
}

static void element_without_keys_in_any_file(void **state) {
  (void)state;
  expect_refused("promotions/period[@key='summer']",
                 F ":3:33: error: the value 'summer' can never match: no "
                   "period has this key in " WHERE "\n");
}

static void without_the_universe_only_the_schema_is_checked(void **state) {
  (void)state;
  int ok;
  char *d = compile_with(schema, "contacts/contact[@key='night-duty']", &ok);
  assert_true(ok);
  assert_string_equal(d, "");
  free(d);
  d = compile_with(schema, "posts/post[@key='gretter']", &ok);
  assert_false(ok);
  assert_contains(d, "did you mean 'greeter'?");
  free(d);
}

/* ------------------------------------------------ front matter posts */

/* Parses front matter text and checks its posts with n; returns the
 * diagnostics of the check alone (caller frees). */
static char *check_posts(const mg_schema_names *n, const char *text) {
  mg_frontmatter fm;
  tu_diag_reset();
  int rc = mg_frontmatter_parse(F, text, strlen(text), &fm);
  char *d = mg_diag_take_text();
  if (rc)
    fail_msg("front matter should parse: %s", d);
  free(d);
  mg_expr_check_posts(n, F, &fm);
  mg_frontmatter_free(&fm);
  return mg_diag_take_text();
}

static void unknown_post_in_a_flow_list(void **state) {
  (void)state;
  char *d = check_posts(names, "---\nid: a\ntitle: 店长\n"
                               "posts: [store-manager, duty-manger]\n---\n");
  assert_string_equal(d,
                      F ":4:24: error: unknown post 'duty-manger' in "
                        "posts: post/@key is one of " POSTS " (declared in " XSD
                        "); did you mean 'duty-manager'?\n");
  free(d);
}

static void unknown_post_in_a_block_list_and_as_a_scalar(void **state) {
  (void)state;
  char *d = check_posts(names, "---\nid: a\ntitle: 店长\nposts:\n"
                               "  - clerk\n  - \"gretter\"\n---\n");
  assert_contains(d, F ":6:5: error: unknown post 'gretter' in posts: ");
  assert_contains(d, "did you mean 'greeter'?\n");
  assert_int_equal(tu_lines(d), 1);
  free(d);
  d = check_posts(names, "---\nid: a\ntitle: 店长\nposts: clerkk\n---\n");
  assert_contains(d, F ":4:8: error: unknown post 'clerkk' in posts: ");
  free(d);
}

static void post_that_no_file_has(void **state) {
  (void)state;
  char *d = check_posts(names, "---\nid: a\ntitle: 引导员\n"
                               "posts: [clerk, greeter]\n---\n");
  assert_string_equal(d, F ":4:16: error: unknown post 'greeter' in posts: "
                           "no post has this key in " WHERE "\n");
  free(d);
  /* without the universe, the schema's posts are enough */
  d = check_posts(schema, "---\nid: a\ntitle: 引导员\n"
                          "posts: [clerk, greeter]\n---\n");
  assert_string_equal(d, "");
  free(d);
}

static void existing_posts_and_no_names_are_fine(void **state) {
  (void)state;
  char *d = check_posts(names, "---\nid: a\ntitle: 店长\n"
                               "posts: [store-manager, clerk]\n---\n");
  assert_string_equal(d, "");
  free(d);
  d = check_posts(NULL, "---\nid: a\ntitle: 店长\nposts: [nobody]\n---\n");
  assert_string_equal(d, "");
  free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(element_value_outside_its_enumeration),
      cmocka_unit_test(values_of_the_enumeration_compile),
      cmocka_unit_test(literal_on_the_left_and_not_equal),
      cmocka_unit_test(attribute_in_a_predicate_belongs_to_its_step),
      cmocka_unit_test(every_literal_of_a_predicate_is_checked),
      cmocka_unit_test(attribute_of_an_unknown_element_uses_every_declaration),
      cmocka_unit_test(dot_and_self_are_the_step_of_the_predicate),
      cmocka_unit_test(nested_predicates_have_their_own_step),
      cmocka_unit_test(paths_in_every_form_are_followed),
      cmocka_unit_test(literals_not_compared_with_a_path_are_not_checked),
      cmocka_unit_test(column_counts_characters_not_bytes),
      cmocka_unit_test(key_that_no_file_has),
      cmocka_unit_test(keys_that_some_file_has_compile),
      cmocka_unit_test(schema_value_that_no_file_has),
      cmocka_unit_test(element_without_keys_in_any_file),
      cmocka_unit_test(without_the_universe_only_the_schema_is_checked),
      cmocka_unit_test(unknown_post_in_a_flow_list),
      cmocka_unit_test(unknown_post_in_a_block_list_and_as_a_scalar),
      cmocka_unit_test(post_that_no_file_has),
      cmocka_unit_test(existing_posts_and_no_names_are_fine),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, teardown);
}
