/* test_markers.c -- section bodies as parsed by mg_outline_load +
 * mg_tree_parse: conditional markers, placeholders, raw HTML, input
 * checks. The section's front matter takes lines 1-4, so the body starts
 * on line 5 of sections/a.md. */
#include "testutil.h"

static const char outline_xml[] = "<manual lang=\"en\">\n"
                                  "  <title>Manual</title>\n"
                                  "  <chapter id=\"ch\">\n"
                                  "    <title>Chapter</title>\n"
                                  "    <section href=\"sections/a.md\"/>\n"
                                  "  </chapter>\n"
                                  "</manual>\n";

static const char fm[] = "---\nid: a\ntitle: A\n---\n";

typedef struct {
  char *dir;
  char *file; /* dir/sections/a.md, as in messages */
  mg_tree *tree;
  mg_section *s;
  char *diags;
} parsed;

/* Parses a section whose file is exactly `bytes` (len bytes). */
static parsed parse_raw(const char *bytes, size_t len) {
  parsed r = {0};
  r.dir = tu_new_dir("content");
  tu_write(r.dir, "manual.xml", outline_xml);
  tu_write_len(r.dir, "sections/a.md", bytes, len);
  r.file = mg_path_join(r.dir, "sections/a.md");
  tu_diag_reset();
  mg_outline *o = mg_outline_load(r.dir);
  assert_non_null(o);
  r.tree = mg_tree_parse(o, r.dir, NULL);
  assert_int_equal(r.tree->nsections, 1);
  r.s = r.tree->sections[0];
  r.diags = mg_diag_take_text();
  return r;
}

/* Parses a section with the standard front matter and this body. */
static parsed parse_body(const char *body) {
  char *src = mg_xasprintf("%s%s", fm, body);
  parsed r = parse_raw(src, strlen(src));
  free(src);
  return r;
}

/* Same, and fails unless parsing reported nothing. */
static parsed parse_clean(const char *body) {
  parsed r = parse_body(body);
  if (*r.diags)
    fail_msg("unexpected diagnostics:\n%s", r.diags);
  assert_non_null(r.s->body);
  return r;
}

static void done(parsed *r) {
  mg_tree_free(r->tree); /* frees the outline too */
  free(r->diags);
  free(r->file);
  free(r->dir);
}

/* Expects the diagnostics to contain "<file>:<where>: <msg>". */
static void expect_diag(const parsed *r, const char *where_msg) {
  char *want = mg_xasprintf("%s:%s", r->file, where_msg);
  assert_contains(r->diags, want);
  free(want);
}

/* ------------------------------------------------------ conditionals */

static void block_if_else_becomes_choose_when_otherwise(void **state) {
  (void)state;
  parsed r = parse_clean("<!-- if: hours -->\n"
                         "Open.\n"
                         "<!-- else -->\n"
                         "Closed.\n"
                         "<!-- endif -->\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(*)", 1);
  assert_xpath_num(b, "count(m:choose)", 1);
  assert_xpath_num(b, "count(m:choose/*)", 2);
  assert_xpath_str(b, "string(m:choose/m:when/md:paragraph)", "Open.");
  assert_xpath_str(b, "string(m:choose/m:otherwise/md:paragraph)", "Closed.");
  /* the condition, as text with its place, compiled by compile.c */
  assert_xpath_str(b, "string(m:choose/m:when/@test)", "hours");
  assert_xpath_str(b, "string(m:choose/m:when/@line)", "5");
  assert_xpath_str(b, "string(m:choose/m:when/@col)", "10");
  assert_int_equal(r.tree->manual->nexprs, 1);
  assert_string_equal(r.tree->manual->exprs[0]->src, "hours");
  assert_int_equal(r.tree->manual->exprs[0]->line, 5);
  assert_int_equal(r.tree->manual->exprs[0]->col, 10);
  done(&r);
}

static void elif_adds_a_second_when(void **state) {
  (void)state;
  parsed r = parse_clean("<!-- if: type = 'flagship' -->\n"
                         "Big.\n"
                         "<!-- elif: type = 'county' -->\n"
                         "Small.\n"
                         "<!-- else -->\n"
                         "Normal.\n"
                         "<!-- endif -->\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(m:choose/m:when)", 2);
  assert_xpath_str(b, "string(m:choose/m:when[2]/md:paragraph)", "Small.");
  assert_xpath_str(b, "string(m:choose/m:when[2]/@test)", "type = 'county'");
  assert_xpath_str(b, "local-name(m:choose/*[3])", "otherwise");
  assert_string_equal(r.tree->manual->exprs[1]->src, "type = 'county'");
  assert_int_equal(r.tree->manual->exprs[1]->line, 7);
  assert_int_equal(r.tree->manual->exprs[1]->col, 12);
  done(&r);
}

static void if_without_else_has_one_branch(void **state) {
  (void)state;
  parsed r = parse_clean("Before.\n\n<!-- if: hours -->\nInside.\n"
                         "<!-- endif -->\n\nAfter.\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(*)", 3);
  assert_xpath_str(b, "local-name(*[2])", "choose");
  assert_xpath_num(b, "count(m:choose/*)", 1);
  assert_xpath_str(b, "string(md:paragraph[2])", "After.");
  done(&r);
}

static void conditionals_nest(void **state) {
  (void)state;
  parsed r = parse_clean("<!-- if: hours -->\n"
                         "Outer.\n"
                         "<!-- if: posts -->\n"
                         "Inner.\n"
                         "<!-- endif -->\n"
                         "<!-- endif -->\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(m:choose)", 1);
  assert_xpath_str(b, "string(m:choose/m:when/md:paragraph)", "Outer.");
  assert_xpath_str(b, "string(m:choose/m:when/m:choose/m:when/md:paragraph)",
                   "Inner.");
  done(&r);
}

static void inline_markers_stay_in_the_paragraph(void **state) {
  (void)state;
  parsed r = parse_clean("We are <!-- if: hours -->open<!-- else -->closed"
                         "<!-- endif --> today.\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(md:paragraph)", 1);
  assert_xpath_str(b, "string(md:paragraph/md:text[1])", "We are ");
  assert_xpath_str(b, "string(md:paragraph/m:choose/m:when/md:text)", "open");
  assert_xpath_str(b, "string(md:paragraph/m:choose/m:otherwise/md:text)",
                   "closed");
  assert_xpath_str(b, "string(md:paragraph/md:text[2])", " today.");
  assert_int_equal(r.tree->manual->exprs[0]->col, 17);
  done(&r);
}

static void markers_inside_one_list_item_are_fine(void **state) {
  (void)state;
  parsed r = parse_clean("- one\n"
                         "  <!-- if: hours -->\n"
                         "  two\n"
                         "  <!-- endif -->\n"
                         "- three\n");
  xmlNodePtr b = r.s->body;
  assert_xpath_num(b, "count(md:list/md:item[1]/m:choose)", 1);
  done(&r);
}

static void endif_without_if_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("Text.\n\n<!-- endif -->\n");
  expect_diag(&r, "7:1: error: 'endif' without a matching 'if'");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void else_without_if_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- else -->\n");
  expect_diag(&r, "5:1: error: 'else' without a matching 'if'");
  done(&r);
}

static void if_without_endif_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("Text.\n\n<!-- if: hours -->\nMore.\n");
  expect_diag(&r, "7:1: error: 'if' without a matching 'endif' in the same "
                  "block");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void markers_across_list_items_are_errors(void **state) {
  (void)state;
  parsed r = parse_body("- <!-- if: hours -->\n"
                        "  one\n"
                        "- two\n"
                        "  <!-- endif -->\n");
  expect_diag(&r, "5:3: error: 'if' without a matching 'endif' in the same "
                  "block");
  expect_diag(&r, "8:3: error: 'endif' without a matching 'if'");
  done(&r);
}

static void endif_nested_below_its_if_names_the_if_line(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: hours -->\n"
                        "\n"
                        "- item\n"
                        "  <!-- endif -->\n");
  expect_diag(&r, "8:3: error: 'endif' is not in the same block as its 'if' "
                  "(line 5): the markers of one condition must share a list "
                  "item, paragraph or quote");
  expect_diag(&r, "5:1: error: 'if' without a matching 'endif' in the same "
                  "block");
  done(&r);
}

static void else_after_else_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: hours -->\nA\n<!-- else -->\nB\n"
                        "<!-- else -->\nC\n<!-- endif -->\n");
  expect_diag(&r, "9:1: error: 'else' after 'else' (the 'if' is at line 5)");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void elif_after_else_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: hours -->\nA\n<!-- else -->\nB\n"
                        "<!-- elif: posts -->\nC\n<!-- endif -->\n");
  expect_diag(&r, "9:1: error: 'elif' after 'else' (the 'if' is at line 5)");
  done(&r);
}

static void text_after_a_marker_on_its_line_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: hours --> Open today.\n<!-- endif -->\n");
  expect_diag(&r, "5:1: error: text after a marker on the same line would be "
                  "lost; put the marker on a line of its own");
  done(&r);
}

static void malformed_marker_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if x -->\nText.\n");
  expect_diag(&r, "5:1: error: '<!-- if x -->' is not a marker; write "
                  "'<!-- if: x -->'");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void misspelt_endif_is_a_malformed_marker(void **state) {
  (void)state;
  parsed r = parse_body("<!-- end if -->\n");
  expect_diag(&r, "5:1: error: '<!-- end if -->' is not a marker; write "
                  "'<!-- endif -->'");
  done(&r);
}

/* Each comment looks like a marker (its first word, in any case and with
 * spaces, '-' and '_' left out, is a keyword, an alias or a keyword with
 * one typo) but is not exactly one. */
static void misspelt_markers_are_errors_that_give_the_spelling(void **state) {
  (void)state;
  static const char *cases[][2] = {
      {"<!-- Else -->", "<!-- else -->"},
      {"<!-- ELSE -->", "<!-- else -->"},
      {"<!-- els -->", "<!-- else -->"},
      {"<!-- esle -->", "<!-- else -->"},
      {"<!-- else: x -->", "<!-- else -->"},
      {"<!-- elseif: type = 'county' -->", "<!-- elif: type = 'county' -->"},
      {"<!-- else if hours -->", "<!-- elif: hours -->"},
      {"<!-- Else-If: hours -->", "<!-- elif: hours -->"},
      {"<!-- elsif(hours) -->", "<!-- elif: (hours) -->"},
      {"<!-- Elif: hours -->", "<!-- elif: hours -->"},
      {"<!-- end if -->", "<!-- endif -->"},
      {"<!-- end_if -->", "<!-- endif -->"},
      {"<!-- end -->", "<!-- endif -->"},
      {"<!-- fi -->", "<!-- endif -->"},
      {"<!-- ENDIF -->", "<!-- endif -->"},
      {"<!-- endiff -->", "<!-- endif -->"},
      {"<!-- endif: x -->", "<!-- endif -->"},
      {"<!-- if x -->", "<!-- if: x -->"},
      {"<!-- If: hours -->", "<!-- if: hours -->"},
      {"<!-- if : hours -->", "<!-- if: hours -->"},
      {"<!-- if\xEF\xBC\x9Ahours -->", "<!-- if: hours -->"}, /* U+FF1A */
      {"<!-- else", "<!-- else -->"},                         /* unclosed */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *body = mg_xasprintf("%s\n", cases[i][0]);
    parsed r = parse_body(body);
    char *want = mg_xasprintf("5:1: error: '%s' is not a marker; write '%s'",
                              cases[i][0], cases[i][1]);
    expect_diag(&r, want);
    assert_int_equal(tu_lines(r.diags), 1);
    free(want);
    free(body);
    done(&r);
  }
}

static void misspelt_inline_marker_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("We are <!-- if: hours -->open<!-- Else -->closed"
                        "<!-- endif --> today.\n");
  expect_diag(&r, "5:30: error: '<!-- Else -->' is not a marker; write "
                  "'<!-- else -->'");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void marker_without_a_condition_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: -->\n\n<!-- elif -->\n");
  expect_diag(&r, "5:1: error: '<!-- if: -->' is not a marker; write "
                  "'<!-- if: condition -->', with the condition after the "
                  "colon");
  expect_diag(&r, "7:1: error: '<!-- elif -->' is not a marker; write "
                  "'<!-- elif: condition -->', with the condition after the "
                  "colon");
  assert_int_equal(tu_lines(r.diags), 2);
  done(&r);
}

static void long_comment_is_shown_shortened_on_one_line(void **state) {
  (void)state;
  parsed r = parse_body("<!-- else\n"
                        "this comment goes on and on, far longer than any "
                        "message should -->\n");
  expect_diag(&r, "5:1: error: '<!-- else this comment goes on and on, far "
                  "longer than any m...' is not a marker; write "
                  "'<!-- else -->'");
  done(&r);
}

static void markers_without_spaces_are_markers(void **state) {
  (void)state;
  parsed r = parse_clean("<!--if:hours-->\nOpen.\n<!--else-->\nClosed.\n"
                         "<!--endif-->\n");
  assert_xpath_num(r.s->body, "count(m:choose/m:when)", 1);
  assert_xpath_num(r.s->body, "count(m:choose/m:otherwise)", 1);
  assert_string_equal(r.tree->manual->exprs[0]->src, "hours");
  assert_int_equal(r.tree->manual->exprs[0]->col, 8);
  done(&r);
}

static void comments_that_merely_start_with_a_word_stay_comments(void **state) {
  (void)state;
  parsed r = parse_clean("<!-- elsewhere we say more -->\n\n"
                         "<!-- TODO: check -->\n\n"
                         "<!-- endless -->\n\n"
                         "<!-- iffy wording -->\n\n"
                         "<!-- finally -->\n\n"
                         "<!-- 如果 -->\n\n"
                         "Text <!-- elsewhere --> here.\n");
  assert_xpath_num(r.s->body, "count(*)", 1);
  done(&r);
}

static void bad_condition_is_reported_at_its_column(void **state) {
  (void)state;
  parsed r = parse_body("<!-- if: posts[ -->\nA\n<!-- endif -->\n");
  expect_diag(&r, "5:10: error: invalid expression 'posts['");
  done(&r);
}

static void bad_applies_to_is_reported_inside_its_quotes(void **state) {
  (void)state;
  static const char src[] =
      "---\nid: a\ntitle: A\napplies-to: \"posts[\"\n---\nText.\n";
  parsed r = parse_raw(src, sizeof src - 1);
  expect_diag(&r, "4:14: error: invalid expression 'posts['");
  const mg_expr_list *l = r.s->el->_private;
  assert_non_null(l);
  assert_null(l->v[0]); /* it did not compile */
  done(&r);
}

static void applies_to_is_compiled_once(void **state) {
  (void)state;
  static const char src[] =
      "---\nid: a\ntitle: A\napplies-to: hours/weekend\n---\nText.\n";
  parsed r = parse_raw(src, sizeof src - 1);
  assert_string_equal(r.diags, "");
  const mg_expr_list *l = r.s->el->_private;
  assert_ptr_equal(l->v[0], r.tree->manual->exprs[0]);
  assert_string_equal(r.tree->manual->exprs[0]->src, "hours/weekend");
  assert_int_equal(r.tree->manual->exprs[0]->line, 4);
  assert_int_equal(r.tree->manual->exprs[0]->col, 13);
  done(&r);
}

/* --------------------------------------------------------- raw HTML */

static void raw_html_block_is_dropped_with_a_warning(void **state) {
  (void)state;
  parsed r = parse_body("Text.\n\n<div class=\"x\">hi</div>\n");
  expect_diag(&r, "7:1: warning: raw HTML is not allowed in a manual and is "
                  "left out");
  assert_not_contains(r.diags, "error:");
  assert_xpath_num(r.s->body, "count(*)", 1);
  assert_xpath_num(r.s->body, "count(.//md:html_block)", 0);
  done(&r);
}

static void raw_inline_html_is_dropped_with_a_warning(void **state) {
  (void)state;
  parsed r = parse_body("Some <b>bold</b> text.\n");
  expect_diag(&r, "5:6: warning: raw HTML is not allowed");
  expect_diag(&r, "5:13: warning: raw HTML is not allowed");
  assert_xpath_str(r.s->body, "string(md:paragraph)", "Some bold text.");
  assert_xpath_num(r.s->body, "count(.//md:html_inline)", 0);
  done(&r);
}

static void plain_comments_are_dropped_silently(void **state) {
  (void)state;
  parsed r = parse_clean("<!-- a note for editors -->\n\n"
                         "Text <!-- inline note --> here.\n");
  assert_xpath_num(r.s->body, "count(*)", 1);
  assert_xpath_str(r.s->body, "string(md:paragraph)", "Text  here.");
  done(&r);
}

/* ----------------------------------------------------- placeholders */

static void placeholder_is_split_into_m_ph(void **state) {
  (void)state;
  parsed r = parse_clean("Open from {{ hours/weekday/@open }} daily.\n");
  xmlNodePtr p = r.s->body->children;
  assert_non_null(p);
  assert_xpath_num(p, "count(*)", 3);
  assert_xpath_str(p, "string(md:text[1])", "Open from ");
  assert_xpath_str(p, "local-name(*[2])", "ph");
  assert_xpath_str(p, "string(m:ph/@expr)", "hours/weekday/@open");
  assert_xpath_str(p, "string(md:text[2])", " daily.");
  /* the expression, trimmed, at the column of its first character */
  assert_int_equal(r.tree->manual->nexprs, 1);
  assert_string_equal(r.tree->manual->exprs[0]->src, "hours/weekday/@open");
  assert_int_equal(r.tree->manual->exprs[0]->line, 5);
  assert_int_equal(r.tree->manual->exprs[0]->col, 14);
  done(&r);
}

static void several_placeholders_in_one_text(void **state) {
  (void)state;
  parsed r = parse_clean("{{name}} and {{ type }}\n");
  xmlNodePtr p = r.s->body->children;
  assert_xpath_num(p, "count(m:ph)", 2);
  assert_xpath_str(p, "string(m:ph[2]/@expr)", "type");
  assert_int_equal(r.tree->manual->exprs[0]->col, 3);
  assert_string_equal(r.tree->manual->exprs[1]->src, "type");
  assert_int_equal(r.tree->manual->exprs[1]->col, 17);
  done(&r);
}

static void placeholder_in_a_heading(void **state) {
  (void)state;
  parsed r = parse_clean("## Welcome to {{ name }}\n");
  assert_xpath_num(r.s->body, "count(md:heading/m:ph)", 1);
  done(&r);
}

static void no_placeholders_in_code_spans(void **state) {
  (void)state;
  parsed r = parse_clean("Write `{{ name }}` literally.\n");
  assert_xpath_num(r.s->body, "count(.//m:ph)", 0);
  assert_xpath_str(r.s->body, "string(md:paragraph/md:code)", "{{ name }}");
  assert_int_equal(r.tree->manual->nexprs, 0);
  done(&r);
}

static void no_placeholders_in_code_blocks(void **state) {
  (void)state;
  parsed r = parse_clean("```xml\n<name>{{ name }}</name>\n```\n\n"
                         "    {{ indented }}\n");
  assert_xpath_num(r.s->body, "count(.//m:ph)", 0);
  assert_xpath_num(r.s->body, "count(md:code_block)", 2);
  assert_xpath_str(r.s->body, "string(md:code_block[1])",
                   "<name>{{ name }}</name>\n");
  assert_xpath_str(r.s->body, "string(md:code_block[1]/@info)", "xml");
  done(&r);
}

static void unclosed_placeholder_is_an_error(void **state) {
  (void)state;
  parsed r = parse_body("Open from {{ hours/weekday/@open daily.\n");
  expect_diag(&r, "5:11: error: '{{' without a closing '}}' (placeholders "
                  "cannot span lines)");
  assert_int_equal(tu_lines(r.diags), 1);
  done(&r);
}

static void placeholder_columns_count_characters(void **state) {
  (void)state;
  parsed r = parse_body("营业时间 {{ posts[ }}\n");
  expect_diag(&r, "5:9: error: invalid expression 'posts['");
  done(&r);
}

/* ------------------------------------------------------------ input */

static void control_character_is_reported_with_position(void **state) {
  (void)state;
  parsed r = parse_body("Line one.\nab\x01"
                        "c\n");
  expect_diag(&r, "6:3: error: control character U+0001 is not allowed");
  assert_null(r.s->body);
  done(&r);
}

static void c1_control_character_is_reported(void **state) {
  (void)state;
  parsed r = parse_body("店\xC2\x85\n");
  expect_diag(&r, "5:2: error: control character U+0085 is not allowed");
  done(&r);
}

static void invalid_utf8_is_reported_with_position(void **state) {
  (void)state;
  parsed r = parse_body("Caf\xE9 au lait.\n");
  expect_diag(&r, "5:4: error: invalid UTF-8 (byte 0xE9); save the file as "
                  "UTF-8");
  assert_null(r.s->body);
  done(&r);
}

static void overlong_utf8_is_invalid(void **state) {
  (void)state;
  parsed r = parse_body("a\xC0\xAF\n");
  expect_diag(&r, "5:2: error: invalid UTF-8 (byte 0xC0)");
  done(&r);
}

static void tabs_and_crlf_are_not_control_characters(void **state) {
  (void)state;
  parsed r = parse_clean("a\tb\r\nc\r\n");
  assert_xpath_num(r.s->body, "count(md:paragraph)", 1);
  done(&r);
}

static void byte_order_mark_is_accepted(void **state) {
  (void)state;
  static const char src[] = "\xEF\xBB\xBF---\nid: a\ntitle: A\n---\nText.\n";
  parsed r = parse_raw(src, sizeof src - 1);
  assert_string_equal(r.diags, "");
  assert_non_null(r.s->body);
  assert_string_equal(r.s->fm.id, "a");
  assert_xpath_str(r.s->body, "string(md:paragraph)", "Text.");
  done(&r);
}

/* ------------------------------------------ character references */

#define CONTROL "a control character, which a handbook cannot contain"
#define NONCHAR "a noncharacter, which a handbook cannot contain"
#define FFFD "\xEF\xBF\xBD"

static void
control_character_reference_is_reported_where_written(void **state) {
  (void)state;
  parsed r = parse_body("营业 &#27;[x] and &#x1B;\n");
  expect_diag(&r, "5:4: error: '&#27;' stands for U+001B, " CONTROL);
  expect_diag(&r, "5:17: error: '&#x1B;' stands for U+001B, " CONTROL);
  assert_int_equal(tu_lines(r.diags), 2);
  /* the tree never holds the character itself */
  assert_xpath_str(r.s->body, "string(md:paragraph)",
                   "营业 " FFFD "[x] and " FFFD);
  done(&r);
}

static void c1_and_del_references_are_reported(void **state) {
  (void)state;
  parsed r = parse_body("> - a &#x85; b &#127;\n");
  expect_diag(&r, "5:7: error: '&#x85;' stands for U+0085, " CONTROL);
  expect_diag(&r, "5:16: error: '&#127;' stands for U+007F, " CONTROL);
  assert_int_equal(tu_lines(r.diags), 2);
  done(&r);
}

static void noncharacter_references_are_reported(void **state) {
  (void)state;
  /* cmark writes U+FFFE and U+FFFF as the bytes FE and FF */
  parsed r = parse_body("&#xFFFE; &#65535; &#xFDD0; &#x1FFFF;\n");
  expect_diag(&r, "5:1: error: '&#xFFFE;' stands for U+FFFE, " NONCHAR);
  expect_diag(&r, "5:10: error: '&#65535;' stands for U+FFFF, " NONCHAR);
  expect_diag(&r, "5:19: error: '&#xFDD0;' stands for U+FDD0, " NONCHAR);
  expect_diag(&r, "5:28: error: '&#x1FFFF;' stands for U+1FFFF, " NONCHAR);
  assert_int_equal(tu_lines(r.diags), 4);
  assert_xpath_str(r.s->body, "string(md:paragraph)",
                   FFFD " " FFFD " " FFFD " " FFFD);
  done(&r);
}

static void harmless_references_are_fine(void **state) {
  (void)state;
  /* TAB, LF and CR are allowed; cmark turns &#0; and surrogates into
   * U+FFFD; nothing is decoded in code; an escaped '&' is text */
  parsed r = parse_clean("a&#9;b&#10;c&#13;d&#0;e&#xD800;f &#x4E2D; \\&#27;\n"
                         "\n`&#27;`\n\n```\n&#27;\n```\n");
  assert_xpath_str(r.s->body, "string(md:paragraph[1])",
                   "a\tb\nc\rd" FFFD "e" FFFD "f 中 &#27;");
  assert_xpath_str(r.s->body, "string(md:paragraph[2]/md:code)", "&#27;");
  done(&r);
}

static void references_in_links_are_reported_where_written(void **state) {
  (void)state;
  parsed r = parse_body("[&#27;](x&#27;y \"t&#x85;\") ![i](&#xFFFF;)\n");
  expect_diag(&r, "5:2: error: '&#27;' stands for U+001B, " CONTROL);
  expect_diag(&r, "5:10: error: '&#27;' stands for U+001B, " CONTROL);
  expect_diag(&r, "5:19: error: '&#x85;' stands for U+0085, " CONTROL);
  expect_diag(&r, "5:33: error: '&#xFFFF;' stands for U+FFFF, " NONCHAR);
  assert_xpath_str(r.s->body, "string(md:paragraph/md:link/@destination)",
                   "x" FFFD "y");
  assert_xpath_str(r.s->body, "string(md:paragraph/md:link/@title)", "t" FFFD);
  done(&r);
}

static void reference_definition_is_reported_at_the_link(void **state) {
  (void)state;
  /* the definition's position is not in cmark's tree */
  parsed r = parse_body("See [a].\n\n[a]: /x&#27;\n");
  expect_diag(&r, "5:5: error: the link's address contains U+001B, " CONTROL);
  done(&r);
}

static void reference_in_a_code_block_label_is_reported(void **state) {
  (void)state;
  parsed r = parse_body("```c&#27;\nx\n```\n");
  expect_diag(&r, "5:5: error: '&#27;' stands for U+001B, " CONTROL);
  assert_xpath_str(r.s->body, "string(md:code_block/@info)", "c" FFFD);
  done(&r);
}

static void heading_id_never_holds_a_forbidden_character(void **state) {
  (void)state;
  parsed r = parse_body("# a&#x85;b\n");
  expect_diag(&r, "5:4: error: '&#x85;' stands for U+0085, " CONTROL);
  assert_xpath_str(r.s->body, "string(md:heading/@id)", "a--a" FFFD "b");
  done(&r);
}

static void raw_noncharacter_is_reported_with_position(void **state) {
  (void)state;
  parsed r = parse_body("店\xEF\xBF\xBF and \xF4\x8F\xBF\xBE\n");
  expect_diag(&r, "5:2: error: noncharacter U+FFFF is not allowed");
  expect_diag(&r, "5:8: error: noncharacter U+10FFFE is not allowed");
  assert_null(r.s->body);
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(block_if_else_becomes_choose_when_otherwise),
      cmocka_unit_test(elif_adds_a_second_when),
      cmocka_unit_test(if_without_else_has_one_branch),
      cmocka_unit_test(conditionals_nest),
      cmocka_unit_test(inline_markers_stay_in_the_paragraph),
      cmocka_unit_test(markers_inside_one_list_item_are_fine),
      cmocka_unit_test(endif_without_if_is_an_error),
      cmocka_unit_test(else_without_if_is_an_error),
      cmocka_unit_test(if_without_endif_is_an_error),
      cmocka_unit_test(markers_across_list_items_are_errors),
      cmocka_unit_test(endif_nested_below_its_if_names_the_if_line),
      cmocka_unit_test(else_after_else_is_an_error),
      cmocka_unit_test(elif_after_else_is_an_error),
      cmocka_unit_test(text_after_a_marker_on_its_line_is_an_error),
      cmocka_unit_test(malformed_marker_is_an_error),
      cmocka_unit_test(misspelt_endif_is_a_malformed_marker),
      cmocka_unit_test(misspelt_markers_are_errors_that_give_the_spelling),
      cmocka_unit_test(misspelt_inline_marker_is_an_error),
      cmocka_unit_test(marker_without_a_condition_is_an_error),
      cmocka_unit_test(long_comment_is_shown_shortened_on_one_line),
      cmocka_unit_test(markers_without_spaces_are_markers),
      cmocka_unit_test(comments_that_merely_start_with_a_word_stay_comments),
      cmocka_unit_test(bad_condition_is_reported_at_its_column),
      cmocka_unit_test(bad_applies_to_is_reported_inside_its_quotes),
      cmocka_unit_test(applies_to_is_compiled_once),
      cmocka_unit_test(raw_html_block_is_dropped_with_a_warning),
      cmocka_unit_test(raw_inline_html_is_dropped_with_a_warning),
      cmocka_unit_test(plain_comments_are_dropped_silently),
      cmocka_unit_test(placeholder_is_split_into_m_ph),
      cmocka_unit_test(several_placeholders_in_one_text),
      cmocka_unit_test(placeholder_in_a_heading),
      cmocka_unit_test(no_placeholders_in_code_spans),
      cmocka_unit_test(no_placeholders_in_code_blocks),
      cmocka_unit_test(unclosed_placeholder_is_an_error),
      cmocka_unit_test(placeholder_columns_count_characters),
      cmocka_unit_test(control_character_is_reported_with_position),
      cmocka_unit_test(c1_control_character_is_reported),
      cmocka_unit_test(invalid_utf8_is_reported_with_position),
      cmocka_unit_test(overlong_utf8_is_invalid),
      cmocka_unit_test(tabs_and_crlf_are_not_control_characters),
      cmocka_unit_test(byte_order_mark_is_accepted),
      cmocka_unit_test(control_character_reference_is_reported_where_written),
      cmocka_unit_test(c1_and_del_references_are_reported),
      cmocka_unit_test(noncharacter_references_are_reported),
      cmocka_unit_test(harmless_references_are_fine),
      cmocka_unit_test(references_in_links_are_reported_where_written),
      cmocka_unit_test(reference_definition_is_reported_at_the_link),
      cmocka_unit_test(reference_in_a_code_block_label_is_reported),
      cmocka_unit_test(heading_id_never_holds_a_forbidden_character),
      cmocka_unit_test(raw_noncharacter_is_reported_with_position),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
