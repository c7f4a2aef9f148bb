/* test_frontmatter.c -- mg_frontmatter_parse: values, positions, errors. */
#include "testutil.h"

#define F "sections/a.md"

/* Parses src; returns the rc and leaves the diagnostics in *diags. */
static int parse(const char *src, mg_frontmatter *fm, char **diags) {
  tu_diag_reset();
  int rc = mg_frontmatter_parse(F, src, strlen(src), fm);
  *diags = mg_diag_take_text();
  return rc;
}

/* Expects exactly one diagnostic, containing `expected`. */
static void expect_error(const char *src, const char *expected) {
  mg_frontmatter fm;
  char *d;
  int rc = parse(src, &fm, &d);
  if (rc != -1)
    fail_msg("accepted without errors (rc %d), expected\n  %s", rc, expected);
  assert_contains(d, expected);
  assert_int_equal(tu_lines(d), 1);
  free(d);
  mg_frontmatter_free(&fm);
}

/* ------------------------------------------------------------ valid */

static const char *full = "---\n"
                          "id: post-store-manager\n"
                          "title: 店长岗位职责\n"
                          "posts: [store-manager, duty-manager]\n"
                          "applies-to: \"posts/post[@key='lobby-manager']\"\n"
                          "---\n"
                          "# Body\n";

static void valid_front_matter_gives_id_title_and_posts(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse(full, &fm, &d), 0);
  assert_string_equal(d, "");
  assert_string_equal(fm.id, "post-store-manager");
  assert_string_equal(fm.title, "店长岗位职责");
  assert_int_equal(fm.posts.n, 2);
  assert_string_equal(fm.posts.v[0], "store-manager");
  assert_string_equal(fm.posts.v[1], "duty-manager");
  free(d);
  mg_frontmatter_free(&fm);
}

static void id_position_is_that_of_its_value(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse(full, &fm, &d), 0);
  assert_int_equal(fm.id_line, 2);
  assert_int_equal(fm.id_col, 5);
  free(d);
  mg_frontmatter_free(&fm);
}

static void double_quoted_applies_to_points_inside_the_quotes(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse(full, &fm, &d), 0);
  assert_string_equal(fm.applies_to, "posts/post[@key='lobby-manager']");
  assert_int_equal(fm.applies_line, 5);
  assert_int_equal(fm.applies_col, 14); /* after `applies-to: "` */
  free(d);
  mg_frontmatter_free(&fm);
}

static void single_quoted_applies_to_points_inside_the_quotes(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(
      parse("---\nid: a\ntitle: A\napplies-to: 'hours'\n---\n", &fm, &d), 0);
  assert_string_equal(fm.applies_to, "hours");
  assert_int_equal(fm.applies_line, 4);
  assert_int_equal(fm.applies_col, 14);
  free(d);
  mg_frontmatter_free(&fm);
}

static void unquoted_applies_to_points_at_its_first_byte(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(
      parse("---\nid: a\ntitle: A\napplies-to: count(posts/post) > 3\n---\n",
            &fm, &d),
      0);
  assert_string_equal(fm.applies_to, "count(posts/post) > 3");
  assert_int_equal(fm.applies_line, 4);
  assert_int_equal(fm.applies_col, 13);
  free(d);
  mg_frontmatter_free(&fm);
}

static void block_style_posts_list_is_accepted(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(
      parse("---\nid: a\ntitle: A\nposts:\n  - clerk\n  - greeter\n---\n", &fm,
            &d),
      0);
  assert_int_equal(fm.posts.n, 2);
  assert_string_equal(fm.posts.v[0], "clerk");
  assert_string_equal(fm.posts.v[1], "greeter");
  assert_null(fm.applies_to);
  free(d);
  mg_frontmatter_free(&fm);
}

static void body_line_and_offset_follow_the_closing_line(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  const char *src = "---\nid: a\ntitle: A\n---\nFirst line.\n";
  assert_int_equal(parse(src, &fm, &d), 0);
  assert_int_equal(fm.body_line, 5);
  assert_int_equal(fm.body_offset, strlen("---\nid: a\ntitle: A\n---\n"));
  assert_string_equal(src + fm.body_offset, "First line.\n");
  free(d);
  mg_frontmatter_free(&fm);
}

static void closing_dots_line_ends_the_front_matter(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  const char *src = "---\nid: a\ntitle: A\n...\nBody\n";
  assert_int_equal(parse(src, &fm, &d), 0);
  assert_string_equal(src + fm.body_offset, "Body\n");
  assert_int_equal(fm.body_line, 5);
  free(d);
  mg_frontmatter_free(&fm);
}

static void closing_line_at_end_of_file_gives_empty_body(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  const char *src = "---\nid: a\ntitle: A\n---";
  assert_int_equal(parse(src, &fm, &d), 0);
  assert_int_equal(fm.body_offset, strlen(src));
  free(d);
  mg_frontmatter_free(&fm);
}

static void crlf_line_endings_are_accepted(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  const char *src = "---\r\nid: a\r\ntitle: A\r\n---\r\nBody\r\n";
  assert_int_equal(parse(src, &fm, &d), 0);
  assert_string_equal(d, "");
  assert_string_equal(fm.id, "a");
  assert_string_equal(fm.title, "A");
  assert_int_equal(fm.body_line, 5);
  assert_string_equal(src + fm.body_offset, "Body\r\n");
  free(d);
  mg_frontmatter_free(&fm);
}

static void scalar_posts_value_is_one_post(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse("---\nid: a\ntitle: A\nposts: clerk\n---\n", &fm, &d),
                   0);
  assert_int_equal(fm.posts.n, 1);
  assert_string_equal(fm.posts.v[0], "clerk");
  free(d);
  mg_frontmatter_free(&fm);
}

/* Reported bug: a single post key is not checked as list entries are. */
static void scalar_posts_value_is_checked_like_a_list_entry(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\nposts: Lobby_Manager\n---\n",
               F ":4:8: error: post key 'Lobby_Manager' must be lowercase");
}

/* Reported bug: the duplicate check looks at the number of posts, so an
 * empty first list lets a second 'posts' through. */
static void duplicate_posts_after_an_empty_list_is_reported(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\nposts: []\nposts: [clerk]\n---\n",
               F ":5:1: error: front matter: duplicate key 'posts'");
}

/* ----------------------------------------------------------- errors */

static void missing_opening_line_is_an_error_at_1_1(void **state) {
  (void)state;
  expect_error("# Title\n\nText\n",
               F ":1:1: error: a section must start with front matter");
}

static void opening_line_with_trailing_text_is_not_front_matter(void **state) {
  (void)state;
  expect_error("--- id: a\ntitle: A\n---\n",
               F ":1:1: error: a section must start with front matter");
}

static void unclosed_front_matter_is_an_error(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\n\n# Body\n",
               F ":1:1: error: front matter is not closed: add a line '---'");
}

static void unknown_key_is_reported_at_the_key(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\nauthor: me\n---\n",
               F ":4:1: error: front matter: unknown key 'author' (expected "
                 "id, title, posts, applies-to)");
}

static void duplicate_key_is_reported_at_the_second_one(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\nid: b\n---\n",
               F ":4:1: error: front matter: duplicate key 'id'");
}

static void duplicate_title_is_reported(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\n  \ntitle: B\n---\n",
               F ":5:1: error: front matter: duplicate key 'title'");
}

static void invalid_id_is_reported_at_the_value(void **state) {
  (void)state;
  expect_error("---\nid: Post_1\ntitle: A\n---\n",
               F ":2:5: error: section id 'Post_1' must be lowercase "
                 "letters, digits and '-'");
}

static void invalid_post_key_is_reported_at_the_entry(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: A\nposts: [clerk, Lobby]\n---\n",
               F ":4:16: error: post key 'Lobby' must be lowercase");
}

static void missing_id_is_an_error(void **state) {
  (void)state;
  expect_error("---\ntitle: A\n---\n",
               F ":1:1: error: front matter has no 'id'");
}

static void missing_title_is_an_error(void **state) {
  (void)state;
  expect_error("---\nid: a\n---\n",
               F ":1:1: error: front matter has no 'title'");
}

static void empty_title_counts_as_missing(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle: \"\"\n---\n",
               F ":1:1: error: front matter has no 'title'");
}

static void empty_front_matter_lacks_id_and_title(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse("---\n---\n", &fm, &d), -1);
  assert_contains(d, F ":1:1: error: front matter has no 'id'\n");
  assert_contains(d, F ":1:1: error: front matter has no 'title'\n");
  assert_int_equal(tu_lines(d), 2);
  free(d);
  mg_frontmatter_free(&fm);
}

static void mapping_as_value_is_an_error(void **state) {
  (void)state;
  expect_error("---\nid: a\ntitle:\n  en: Manager\n  zh: 店长\n---\n",
               F ":4:3: error: front matter: 'title' must be a plain value, "
                 "not a mapping");
}

static void list_as_id_is_an_error(void **state) {
  (void)state;
  expect_error("---\nid: [a, b]\ntitle: A\n---\n",
               F ":2:5: error: front matter: 'id' must be a single value, "
                 "not a list");
}

static void alias_is_an_error(void **state) {
  (void)state;
  expect_error("---\nid: &x a\ntitle: *x\n---\n",
               F ":3:8: error: front matter: aliases are not allowed");
}

static void plain_text_instead_of_keys_is_an_error(void **state) {
  (void)state;
  expect_error("---\njust some words\n---\n",
               F ":2:1: error: front matter must be a list of 'key: value' "
                 "lines");
}

static void invalid_yaml_is_reported_with_position(void **state) {
  (void)state;
  /* "a: b: c" -- a second ':' in a plain scalar */
  expect_error("---\nid: a\ntitle: A: B\n---\n",
               F ":3:9: error: front matter: a value that contains ': ' must "
                 "be in quotes, e.g. title: \"a: b\" (libyaml: mapping values "
                 "are not allowed in this context)");
}

static void unclosed_flow_list_is_invalid_yaml(void **state) {
  (void)state;
  mg_frontmatter fm;
  char *d;
  assert_int_equal(parse("---\nid: a\ntitle: A\nposts: [clerk\n---\n", &fm, &d),
                   -1);
  assert_contains(d, F ":");
  assert_contains(d, ": error: front matter: ");
  assert_int_equal(tu_lines(d), 1);
  free(d);
  mg_frontmatter_free(&fm);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(valid_front_matter_gives_id_title_and_posts),
      cmocka_unit_test(id_position_is_that_of_its_value),
      cmocka_unit_test(double_quoted_applies_to_points_inside_the_quotes),
      cmocka_unit_test(single_quoted_applies_to_points_inside_the_quotes),
      cmocka_unit_test(unquoted_applies_to_points_at_its_first_byte),
      cmocka_unit_test(block_style_posts_list_is_accepted),
      cmocka_unit_test(body_line_and_offset_follow_the_closing_line),
      cmocka_unit_test(closing_dots_line_ends_the_front_matter),
      cmocka_unit_test(closing_line_at_end_of_file_gives_empty_body),
      cmocka_unit_test(crlf_line_endings_are_accepted),
      cmocka_unit_test(scalar_posts_value_is_one_post),
      cmocka_unit_test(scalar_posts_value_is_checked_like_a_list_entry),
      cmocka_unit_test(duplicate_posts_after_an_empty_list_is_reported),
      cmocka_unit_test(missing_opening_line_is_an_error_at_1_1),
      cmocka_unit_test(opening_line_with_trailing_text_is_not_front_matter),
      cmocka_unit_test(unclosed_front_matter_is_an_error),
      cmocka_unit_test(unknown_key_is_reported_at_the_key),
      cmocka_unit_test(duplicate_key_is_reported_at_the_second_one),
      cmocka_unit_test(duplicate_title_is_reported),
      cmocka_unit_test(invalid_id_is_reported_at_the_value),
      cmocka_unit_test(invalid_post_key_is_reported_at_the_entry),
      cmocka_unit_test(missing_id_is_an_error),
      cmocka_unit_test(missing_title_is_an_error),
      cmocka_unit_test(empty_title_counts_as_missing),
      cmocka_unit_test(empty_front_matter_lacks_id_and_title),
      cmocka_unit_test(mapping_as_value_is_an_error),
      cmocka_unit_test(list_as_id_is_an_error),
      cmocka_unit_test(alias_is_an_error),
      cmocka_unit_test(plain_text_instead_of_keys_is_an_error),
      cmocka_unit_test(invalid_yaml_is_reported_with_position),
      cmocka_unit_test(unclosed_flow_list_is_invalid_yaml),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
