/* test_links.c -- slugs, heading ids, cross references between sections
 * (parse.c), mg_path_normalize, and mg_resolve unlinking references to
 * sections a store leaves out. */
#include "testutil.h"

#include <libxml/parser.h>

/* ------------------------------------------------------------ slugs */

#define assert_slug(text, expected)                                            \
  do {                                                                         \
    char *s_ = mg_slugify(text);                                               \
    assert_string_equal(s_, expected);                                         \
    free(s_);                                                                  \
  } while (0)

static void slug_of_ascii_is_lowercase_with_dashes(void **state) {
  (void)state;
  assert_slug("Hello World", "hello-world");
  assert_slug("Step 1: Do it!", "step-1-do-it");
  assert_slug("snake_case and-dash", "snake_case-and-dash");
}

static void slug_collapses_and_trims_spaces(void **state) {
  (void)state;
  assert_slug("  many   spaces\there  ", "many-spaces-here");
}

static void slug_keeps_chinese_text(void **state) {
  (void)state;
  assert_slug("第一步 表示理解", "第一步-表示理解");
  assert_slug("店长岗位职责", "店长岗位职责");
}

static void slug_drops_full_width_punctuation(void **state) {
  (void)state;
  assert_slug("第一步：表示理解", "第一步表示理解"); /* U+FF1A */
  assert_slug("一、概述。", "一概述");               /* U+3001, U+3002 */
  assert_slug("【重要】通知", "重要通知");           /* U+3010, U+3011 */
  assert_slug("（一）准备！", "一准备");             /* U+FF08/09, U+FF01 */
  assert_slug("《手册》", "手册");                   /* U+300A, U+300B */
}

static void slug_treats_ideographic_space_as_a_space(void **state) {
  (void)state;
  assert_slug("第一步　表示理解", "第一步-表示理解"); /* U+3000 */
}

static void slug_of_punctuation_only_is_empty(void **state) {
  (void)state;
  assert_slug("", "");
  assert_slug("!?.", "");
}

/* ------------------------------------------------------------ paths */

#define assert_norm(path, expected)                                            \
  do {                                                                         \
    char *n_ = mg_path_normalize(path);                                        \
    assert_string_equal(n_, expected);                                         \
    free(n_);                                                                  \
  } while (0)

static void normalize_removes_dot_and_dotdot(void **state) {
  (void)state;
  assert_norm("a/./b/../c", "a/c");
  assert_norm("sections/posts/../intro/x.md", "sections/intro/x.md");
  assert_norm("a/b/..", "a");
}

static void normalize_collapses_slashes(void **state) {
  (void)state;
  assert_norm("a//b/", "a/b");
  assert_norm("./a", "a");
}

static void normalize_keeps_leading_dotdot_of_relative_paths(void **state) {
  (void)state;
  assert_norm("../a", "../a");
  assert_norm("../../a", "../../a");
  assert_norm("a/../../b", "../b");
  assert_norm("../a/..", "..");
}

static void normalize_stops_absolute_paths_at_the_root(void **state) {
  (void)state;
  assert_norm("/a/../..", "/");
  assert_norm("/../x", "/x");
  assert_norm("/a/b/../c", "/a/c");
}

static void normalize_of_nothing_is_dot(void **state) {
  (void)state;
  assert_norm("", ".");
  assert_norm(".", ".");
  assert_norm("a/..", ".");
}

/* --------------------------------------------------- a small manual */

static const char outline_xml[] = "<manual lang=\"en\">\n"
                                  "  <title>Manual</title>\n"
                                  "  <chapter id=\"c1\">\n"
                                  "    <title>One</title>\n"
                                  "    <section href=\"sections/a.md\"/>\n"
                                  "    <section href=\"sections/sub/c.md\"/>\n"
                                  "  </chapter>\n"
                                  "  <chapter id=\"c2\">\n"
                                  "    <title>Two</title>\n"
                                  "    <section href=\"sections/b.md\"/>\n"
                                  "  </chapter>\n"
                                  "</manual>\n";

static const char a_md[] =
    "---\nid: a\ntitle: A\n---\n"
    "# Intro\n" /* 5 */
    "\n"
    "See [b](b.md) and [details](b.md#details).\n" /* 7 */
    "\n"
    "Also [top](#intro) and [c](sub/c.md) and [self](b.md#b).\n" /* 9 */
    "\n"
    "## Intro\n" /* 11 */
    "\n"
    "## Intro\n" /* 13 */
    "\n"
    "[web](https://example.com/x.md) [mail](mailto:x@example.com) "
    "[abs](/abs/y.md) [q](?x=1)\n"; /* 15 */

static const char c_md[] = "---\nid: c\ntitle: C\n---\n"
                           "[back](../b.md#more)\n";

typedef struct {
  char *dir;
  mg_tree *tree;
  char *diags;
} manual;

/* Writes the manual (b.md's front matter gets `b_extra`) plus `extra`
 * files (name, content pairs, NULL-terminated) and parses it. */
static manual load(const char *a, const char *b_extra, const char **extra) {
  manual m = {0};
  m.dir = tu_new_dir("content");
  tu_write(m.dir, "manual.xml", outline_xml);
  tu_write(m.dir, "sections/a.md", a);
  tu_write(m.dir, "sections/sub/c.md", c_md);
  char *b = mg_xasprintf("---\nid: b\ntitle: B\n%s---\n"
                         "## Details\n\n## More\n",
                         b_extra ? b_extra : "");
  tu_write(m.dir, "sections/b.md", b);
  free(b);
  for (; extra && *extra; extra += 2)
    tu_write(m.dir, extra[0], extra[1]);
  tu_diag_reset();
  mg_outline *o = mg_outline_load(m.dir);
  assert_non_null(o);
  m.tree = mg_tree_parse(o, m.dir, NULL);
  m.diags = mg_diag_take_text();
  return m;
}

static manual load_clean(void) {
  manual m = load(a_md, NULL, NULL);
  if (*m.diags)
    fail_msg("unexpected diagnostics:\n%s", m.diags);
  return m;
}

static void unload(manual *m) {
  mg_tree_free(m->tree);
  free(m->diags);
  free(m->dir);
}

static mg_section *section(manual *m, const char *id) {
  for (size_t i = 0; i < m->tree->nsections; i++)
    if (m->tree->sections[i]->fm.id && !strcmp(m->tree->sections[i]->fm.id, id))
      return m->tree->sections[i];
  fail_msg("no section %s", id);
  return NULL;
}

static void expect_diag(const manual *m, const char *rel, const char *msg) {
  char *want = mg_xasprintf("%s/%s:%s", m->dir, rel, msg);
  assert_contains(m->diags, want);
  free(want);
}

/* ---------------------------------------------------- heading ids */

static void headings_get_section_id_and_slug(void **state) {
  (void)state;
  manual m = load_clean();
  mg_section *b = section(&m, "b");
  assert_int_equal(b->nheadings, 2);
  assert_string_equal(b->headings[0].slug, "details");
  assert_string_equal(b->headings[0].id, "b--details");
  assert_xpath_str(b->body, "string(md:heading[1]/@id)", "b--details");
  assert_xpath_str(b->body, "string(md:heading[2]/@id)", "b--more");
  assert_xpath_str(b->body, "string(md:heading[1]/@level)", "2");
  unload(&m);
}

static void duplicate_headings_get_numbered_ids(void **state) {
  (void)state;
  manual m = load_clean();
  mg_section *a = section(&m, "a");
  assert_int_equal(a->nheadings, 3);
  assert_string_equal(a->headings[0].slug, "intro");
  assert_string_equal(a->headings[1].slug, "intro-1");
  assert_string_equal(a->headings[2].slug, "intro-2");
  assert_xpath_str(a->body, "string(md:heading[3]/@id)", "a--intro-2");
  unload(&m);
}

static void heading_named_like_the_section_is_numbered(void **state) {
  (void)state;
  manual m = load("---\nid: a\ntitle: A\n---\n# A\n\n# ！\n", NULL, NULL);
  assert_string_equal(m.diags, "");
  mg_section *a = section(&m, "a");
  /* "a" is the section's own anchor; an empty slug gets a number */
  assert_string_equal(a->headings[0].id, "a--a-1");
  assert_string_equal(a->headings[1].id, "a--h2");
  unload(&m);
}

/* ------------------------------------------------ cross references */

static void link_to_a_section_file_gets_section_chapter_anchor(void **state) {
  (void)state;
  manual m = load_clean();
  xmlNodePtr body = section(&m, "a")->body;
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[1]/@destination)",
                   "b.md");
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[1]/@m:section)", "b");
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[1]/@m:chapter)", "c2");
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[1]/@m:anchor)", "b");
  unload(&m);
}

static void link_with_fragment_points_at_the_heading_id(void **state) {
  (void)state;
  manual m = load_clean();
  xmlNodePtr body = section(&m, "a")->body;
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[2]/@m:section)", "b");
  assert_xpath_str(body, "string(md:paragraph[1]/md:link[2]/@m:anchor)",
                   "b--details");
  unload(&m);
}

static void fragment_naming_the_section_points_at_the_section(void **state) {
  (void)state;
  manual m = load_clean();
  xmlNodePtr body = section(&m, "a")->body;
  assert_xpath_str(body, "string(md:paragraph[2]/md:link[3]/@m:anchor)", "b");
  unload(&m);
}

static void fragment_only_link_points_into_the_same_section(void **state) {
  (void)state;
  manual m = load_clean();
  xmlNodePtr body = section(&m, "a")->body;
  assert_xpath_str(body, "string(md:paragraph[2]/md:link[1]/@m:section)", "a");
  assert_xpath_str(body, "string(md:paragraph[2]/md:link[1]/@m:chapter)", "c1");
  assert_xpath_str(body, "string(md:paragraph[2]/md:link[1]/@m:anchor)",
                   "a--intro");
  unload(&m);
}

static void links_resolve_relative_to_the_linking_file(void **state) {
  (void)state;
  manual m = load_clean();
  assert_xpath_str(section(&m, "a")->body,
                   "string(md:paragraph[2]/md:link[2]/@m:section)", "c");
  xmlNodePtr cb = section(&m, "c")->body;
  assert_xpath_str(cb, "string(md:paragraph/md:link/@m:section)", "b");
  assert_xpath_str(cb, "string(md:paragraph/md:link/@m:anchor)", "b--more");
  unload(&m);
}

static void absolute_urls_are_left_alone(void **state) {
  (void)state;
  manual m = load_clean();
  xmlNodePtr p = NULL;
  xmlXPathObjectPtr r = tu_eval(section(&m, "a")->body, "md:paragraph[3]");
  assert_int_equal(r->nodesetval ? r->nodesetval->nodeNr : 0, 1);
  p = r->nodesetval->nodeTab[0];
  xmlXPathFreeObject(r);
  assert_xpath_num(p, "count(md:link)", 4);
  assert_xpath_num(p, "count(md:link/@*[namespace-uri() = 'urn:manualgen'])",
                   0);
  assert_xpath_str(p, "string(md:link[1]/@destination)",
                   "https://example.com/x.md");
  assert_xpath_str(p, "string(md:link[3]/@destination)", "/abs/y.md");
  unload(&m);
}

static void link_to_a_missing_file_is_an_error(void **state) {
  (void)state;
  manual m =
      load("---\nid: a\ntitle: A\n---\nGo [there](missing.md).\n", NULL, NULL);
  expect_diag(&m, "sections/a.md",
              "5:4: error: broken cross reference: no such section file "
              "'sections/missing.md'");
  unload(&m);
}

static void link_to_a_file_not_in_the_outline_is_an_error(void **state) {
  (void)state;
  const char *extra[] = {"sections/orphan.md",
                         "---\nid: orphan\ntitle: O\n---\n", NULL};
  manual m = load("---\nid: a\ntitle: A\n---\n[o](orphan.md)\n", NULL, extra);
  expect_diag(&m, "sections/a.md",
              "5:1: error: broken cross reference: the outline does not "
              "list 'sections/orphan.md'");
  unload(&m);
}

static void link_to_a_missing_heading_lists_the_headings(void **state) {
  (void)state;
  manual m = load("---\nid: a\ntitle: A\n---\n[n](b.md#nope)\n", NULL, NULL);
  expect_diag(&m, "sections/a.md",
              "5:1: error: broken cross reference: no heading '#nope' in "
              "sections/b.md (it has #details, #more)");
  unload(&m);
}

static void link_to_a_missing_heading_of_the_same_section(void **state) {
  (void)state;
  manual m =
      load("---\nid: a\ntitle: A\n---\n# Top\n\n[n](#bottom)\n", NULL, NULL);
  expect_diag(&m, "sections/a.md",
              "7:1: error: broken cross reference: no heading '#bottom' in "
              "sections/a.md (it has #top)");
  unload(&m);
}

static void link_to_a_non_markdown_file_warns(void **state) {
  (void)state;
  manual m =
      load("---\nid: a\ntitle: A\n---\nSee [notes](notes.txt).\n", NULL, NULL);
  expect_diag(&m, "sections/a.md",
              "5:5: warning: link to 'notes.txt', which is not a section of "
              "the manual: it will be broken in the handbooks");
  assert_not_contains(m.diags, "error:");
  assert_xpath_num(section(&m, "a")->body,
                   "count(.//md:link/@*[namespace-uri() = 'urn:manualgen'])",
                   0);
  unload(&m);
}

/* ----------------------------------------------------------- resolve */

/* b applies only when the store opens at weekends. */
static const char *b_applies = "applies-to: hours/weekend\n";

static xmlDocPtr params(const char *xml) {
  xmlDocPtr d = xmlReadMemory(xml, (int)strlen(xml), "store.xml", NULL, 0);
  assert_non_null(d);
  return d;
}

static void resolve_unlinks_reference_to_a_left_out_section(void **state) {
  (void)state;
  manual m = load(a_md, b_applies, NULL);
  assert_string_equal(m.diags, "");
  xmlDocPtr p = params("<store id='s1' city='x'><hours><weekday open='08:00'/>"
                       "</hours></store>");
  tu_diag_reset();
  xmlDocPtr doc = mg_resolve(m.tree->manual, p, "s1");
  char *d = mg_diag_take_text();
  assert_non_null(doc);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  assert_xpath_num(root, "count(//m:section[@id='b'])", 0);
  assert_xpath_num(root, "count(m:chapter)", 1); /* c2 is left empty */
  xmlNodePtr body = NULL;
  xmlXPathObjectPtr r = tu_eval(root, "//m:section[@id='a']/md:document");
  assert_int_equal(r->nodesetval ? r->nodesetval->nodeNr : 0, 1);
  body = r->nodesetval->nodeTab[0];
  xmlXPathFreeObject(r);
  /* the two links to b are now their text */
  assert_xpath_num(body, "count(md:paragraph[1]/md:link)", 0);
  assert_xpath_str(body, "string(md:paragraph[1])", "See b and details.");
  /* the link to c is kept */
  assert_xpath_str(body,
                   "string(md:paragraph[2]/md:link[@m:section='c']"
                   "/@m:anchor)",
                   "c");
  char *w = mg_xasprintf("%s/sections/a.md:7:5: warning: link to section 'b', "
                         "which this store's handbook leaves out: shown as "
                         "plain text (store s1)\n",
                         m.dir);
  assert_contains(d, w);
  free(w);
  assert_not_contains(d, "error:");
  free(d);
  xmlFreeDoc(doc);
  xmlFreeDoc(p);
  unload(&m);
}

static void resolve_keeps_reference_to_an_included_section(void **state) {
  (void)state;
  manual m = load(a_md, b_applies, NULL);
  xmlDocPtr p = params("<store id='s2' city='x'><hours><weekend open='09:00'/>"
                       "</hours></store>");
  tu_diag_reset();
  xmlDocPtr doc = mg_resolve(m.tree->manual, p, "s2");
  char *d = mg_diag_take_text();
  assert_non_null(doc);
  assert_string_equal(d, "");
  xmlNodePtr root = xmlDocGetRootElement(doc);
  assert_xpath_num(root, "count(//m:section[@id='b'])", 1);
  assert_xpath_str(root,
                   "string(//m:section[@id='a']/md:document/"
                   "md:paragraph[1]/md:link[2]/@m:anchor)",
                   "b--details");
  assert_xpath_str(root, "string(m:store/@id)", "s2");
  free(d);
  xmlFreeDoc(doc);
  xmlFreeDoc(p);
  unload(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(slug_of_ascii_is_lowercase_with_dashes),
      cmocka_unit_test(slug_collapses_and_trims_spaces),
      cmocka_unit_test(slug_keeps_chinese_text),
      cmocka_unit_test(slug_drops_full_width_punctuation),
      cmocka_unit_test(slug_treats_ideographic_space_as_a_space),
      cmocka_unit_test(slug_of_punctuation_only_is_empty),
      cmocka_unit_test(normalize_removes_dot_and_dotdot),
      cmocka_unit_test(normalize_collapses_slashes),
      cmocka_unit_test(normalize_keeps_leading_dotdot_of_relative_paths),
      cmocka_unit_test(normalize_stops_absolute_paths_at_the_root),
      cmocka_unit_test(normalize_of_nothing_is_dot),
      cmocka_unit_test(headings_get_section_id_and_slug),
      cmocka_unit_test(duplicate_headings_get_numbered_ids),
      cmocka_unit_test(heading_named_like_the_section_is_numbered),
      cmocka_unit_test(link_to_a_section_file_gets_section_chapter_anchor),
      cmocka_unit_test(link_with_fragment_points_at_the_heading_id),
      cmocka_unit_test(fragment_naming_the_section_points_at_the_section),
      cmocka_unit_test(fragment_only_link_points_into_the_same_section),
      cmocka_unit_test(links_resolve_relative_to_the_linking_file),
      cmocka_unit_test(absolute_urls_are_left_alone),
      cmocka_unit_test(link_to_a_missing_file_is_an_error),
      cmocka_unit_test(link_to_a_file_not_in_the_outline_is_an_error),
      cmocka_unit_test(link_to_a_missing_heading_lists_the_headings),
      cmocka_unit_test(link_to_a_missing_heading_of_the_same_section),
      cmocka_unit_test(link_to_a_non_markdown_file_warns),
      cmocka_unit_test(resolve_unlinks_reference_to_a_left_out_section),
      cmocka_unit_test(resolve_keeps_reference_to_an_included_section),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
