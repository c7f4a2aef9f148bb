/* test_duties_assign.c -- who owns a duty in a hall (duties.c,
 * mg_duties_assign) when duties.xml has mistakes its load reported: the
 * assignment of a hall must still not crash (the fuzz_model harness runs
 * it whatever the load said). */
#include "testutil.h"

#include <libxml/parser.h>

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

static char *content;
static mg_params *params;

static int setup(void **state) {
  if (tu_root_setup(state))
    return -1;
  content = tu_new_dir("content");
  tu_write(content, "defaults.xml",
           "<defaults>\n"
           "  <posts><post key=\"store-manager\" count=\"1\" title=\"店长\"/>"
           "</posts>\n"
           "</defaults>\n");
  tu_write(content, "cities/c.xml", "<city id=\"c\"/>\n");
  tu_write(content, "stores/s.xml", "<store id=\"s\" city=\"c\"/>\n");
  tu_write(content, "manual.xml",
           "<manual lang=\"zh-CN\">\n"
           "  <title>手册</title>\n"
           "  <organisation>公司</organisation>\n"
           "  <chapter id=\"duties\">\n"
           "    <title>岗位职责</title>\n"
           "    <section href=\"sections/lobby.md\"/>\n"
           "  </chapter>\n"
           "</manual>\n");
  tu_write(content, "sections/lobby.md",
           "---\nid: lobby\ntitle: 大堂经理\n---\n"
           "- [LM-01] 维持大堂秩序。\n");
  params = mg_params_load(content, TEMPLATES_DIR);
  tu_diag_reset();
  return params ? 0 : -1;
}

static int teardown(void **state) {
  mg_params_free(params);
  free(content);
  return tu_root_teardown(state);
}

/* Parses the content with this duties.xml and assigns hall s's duties.
 * Returns the diagnostics of the assignment alone (caller frees). */
static char *assign(const char *duties) {
  tu_write(content, "duties.xml", duties);
  mg_outline *o = mg_outline_load(content);
  assert_non_null(o);
  mg_tree *t = mg_tree_parse(o, content, params->names);
  assert_non_null(t->manual);
  char *load = mg_diag_take_text();
  xmlDocPtr eff = mg_params_effective(params, "s");
  assert_non_null(eff);
  xmlNodePtr out = mg_duties_assign(t->manual, eff, "s");
  char *text = mg_diag_take_text();
  /* a duty without its one owner fails the hall when checking */
  assert_null(out);
  assert_contains(load, "a reassignment needs exactly one of to");
  free(load);
  mg_params_effective_free(eff);
  mg_tree_free(t);
  return text;
}

/* <reassign from="lobby-manager"/> names no new owner (an error when
 * loaded). In a hall without the post, it matched, and following it
 * copied the owner it does not name (NULL): a crash. It moves nothing. */
static void reassignment_without_new_owner_moves_nothing(void **state) {
  (void)state;
  char *text = assign("<duties>\n"
                      "  <duty id=\"LM-01\" owner=\"lobby-manager\" "
                      "title=\"大堂秩序\"/>\n"
                      "  <reassign from=\"lobby-manager\"/>\n"
                      "</duties>\n");
  assert_contains(text, "duty LM-01 (大堂秩序) has no owner: this hall has no "
                        "post 'lobby-manager'");
  free(text);
}

/* The same for a reassignment of one duty (a `duty`, no `from`). */
static void duty_reassignment_without_new_owner_moves_nothing(void **state) {
  (void)state;
  char *text = assign("<duties>\n"
                      "  <duty id=\"LM-01\" owner=\"lobby-manager\" "
                      "title=\"大堂秩序\"/>\n"
                      "  <reassign duty=\"LM-01\"/>\n"
                      "</duties>\n");
  assert_contains(text, "duty LM-01 (大堂秩序) has no owner: this hall has no "
                        "post 'lobby-manager'");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reassignment_without_new_owner_moves_nothing),
      cmocka_unit_test(duty_reassignment_without_new_owner_moves_nothing),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, teardown);
}
