/* test_ledger.c -- the field-feedback ledger's API, as `publish
 * --resolves` uses it: loading (every field, sorted, a corrupt file
 * reported and left out), checking that items can be resolved, marking
 * them resolved (one file replaced, nothing else touched), and the ids
 * `add` gives. */
#include "testutil.h"

#ifndef TEMPLATES_DIR
#error "compile with -DTEMPLATES_DIR='\"/path/to/templates\"'"
#endif

/* An item file; status and the rest of its elements after <text>. */
static char *item(const char *id, const char *status, const char *rest) {
  return mg_xasprintf(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<feedback id=\"%s\">\n"
      "  <date>2026-01-02</date>\n"
      "  <store>nj-a</store>\n"
      "  <post>clerk</post>\n"
      "  <section heading=\"开门巡视\">patrol-rounds</section>\n"
      "  <text>开门巡视的时间比开门早二十分钟，大堂里还没有客户。</text>\n"
      "  <status>%s</status>\n"
      "%s"
      "</feedback>\n",
      id, status, rest);
}

static const char accepted[] =
    "  <answer date=\"2026-01-05\">采纳：改为开门后十分钟内巡视。</answer>\n";
static const char rejected[] =
    "  <answer date=\"2026-01-06\">不采纳：开门前须检查设备。</answer>\n";
static const char resolved[] =
    "  <answer date=\"2026-01-05\">采纳。</answer>\n"
    "  <resolved version=\"1.1\" date=\"2026-01-20\"/>\n";

static void put(const char *dir, const char *id, const char *status,
                const char *rest) {
  char *rel = mg_xasprintf("feedback/%s.xml", id);
  char *text = item(id, status, rest);
  tu_write(dir, rel, text);
  free(text);
  free(rel);
}

/* The bytes of dir/feedback/id.xml. Caller frees. */
static char *file_of(const char *dir, const char *id) {
  char *path = mg_xasprintf("%s/feedback/%s.xml", dir, id);
  char *data = mg_read_file(path, NULL);
  if (!data)
    fail_msg("cannot read %s: %s", path, mg_read_error());
  free(path);
  return data;
}

/* A content folder with one item of each status but open twice:
 * FB-0001 open, FB-0002 accepted, FB-0003 rejected, FB-0005 resolved,
 * FB-0010 open. Caller frees. */
static char *ledger_dir(void) {
  char *d = tu_new_dir("content");
  put(d, "FB-0010", "open", "");
  put(d, "FB-0002", "accepted", accepted);
  put(d, "FB-0001", "open", "");
  put(d, "FB-0005", "resolved", resolved);
  put(d, "FB-0003", "rejected", rejected);
  return d;
}

static mg_ledger *load_clean(const char *dir) {
  tu_diag_reset();
  mg_ledger *l = mg_ledger_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  if (!l || *d || l->nbad)
    fail_msg("loading %s: %s", dir, d);
  free(d);
  return l;
}

static void load_sorts_by_number_and_keeps_every_field(void **state) {
  (void)state;
  char *dir = ledger_dir();
  mg_ledger *l = load_clean(dir);
  assert_int_equal(l->n, 5);
  const char *order[] = {"FB-0001", "FB-0002", "FB-0003", "FB-0005", "FB-0010"};
  for (size_t i = 0; i < 5; i++)
    assert_string_equal(l->items[i]->id, order[i]);
  const mg_fb_item *it = mg_ledger_find(l, "FB-0005");
  assert_non_null(it);
  assert_int_equal(it->num, 5);
  assert_int_equal(it->status, MG_FB_RESOLVED);
  assert_string_equal(it->date, "2026-01-02");
  assert_string_equal(it->store, "nj-a");
  assert_string_equal(it->post, "clerk");
  assert_string_equal(it->section, "patrol-rounds");
  assert_string_equal(it->heading, "开门巡视");
  assert_string_equal(it->text,
                      "开门巡视的时间比开门早二十分钟，大堂里还没有客户。");
  assert_string_equal(it->answer, "采纳。");
  assert_string_equal(it->answer_date, "2026-01-05");
  assert_string_equal(it->version, "1.1");
  assert_string_equal(it->resolved_date, "2026-01-20");
  assert_contains(it->file, "/feedback/FB-0005.xml");
  it = mg_ledger_find(l, "FB-0001");
  assert_int_equal(it->status, MG_FB_OPEN);
  assert_null(it->answer);
  assert_null(it->version);
  assert_null(mg_ledger_find(l, "FB-0004"));
  assert_null(mg_ledger_find(l, "FB-5"));
  mg_ledger_free(l);
  free(dir);
}

static void a_missing_folder_is_an_empty_ledger(void **state) {
  (void)state;
  char *dir = tu_new_dir("content");
  mg_ledger *l = load_clean(dir);
  assert_int_equal(l->n, 0);
  assert_null(mg_ledger_find(l, "FB-0001"));
  mg_ledger_free(l);
  free(dir);
}

static void a_corrupt_file_is_reported_and_the_others_load(void **state) {
  (void)state;
  char *dir = ledger_dir();
  tu_write(dir, "feedback/FB-0004.xml",
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<feedback id=\"FB-0004\">\n"
           "  <date>2026-01-02</date>\n"
           "  <store>nj-a</store>\n"
           "  <section>patrol-rounds</section>\n"
           "  <text>没有关闭的标签\n"
           "  <status>open</status>\n"
           "</feedback>\n");
  tu_diag_reset();
  mg_ledger *l = mg_ledger_load(dir, TEMPLATES_DIR);
  char *d = mg_diag_take_text();
  assert_non_null(l);
  assert_contains(d, "/feedback/FB-0004.xml:8:1: error: </feedback> does "
                     "not close <text> (opened on line 6)");
  assert_int_equal(tu_lines(d), 1);
  assert_int_equal(l->n, 5);
  assert_int_equal(l->nbad, 1);
  assert_string_equal(l->bad.v[0], "FB-0004");
  assert_null(mg_ledger_find(l, "FB-0004"));
  /* it cannot be resolved, and says why */
  const char *ids[] = {"FB-0004"};
  assert_int_equal(mg_ledger_check_resolvable(l, ids, 1), -1);
  free(d);
  d = mg_diag_take_text();
  assert_contains(d, "FB-0004.xml: error: feedback item 'FB-0004' cannot be "
                     "used: its file has errors");
  free(d);
  mg_ledger_free(l);
  free(dir);
}

static void check_resolvable_names_each_id_that_is_not_accepted(void **state) {
  (void)state;
  char *dir = ledger_dir();
  mg_ledger *l = load_clean(dir);
  const char *good[] = {"FB-0002"};
  assert_int_equal(mg_ledger_check_resolvable(l, good, 1), 0);
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
  const char *bad[] = {"FB-0002", "FB-0001", "FB-0003",
                       "FB-0005", "FB-0099", "FB-0002"};
  assert_int_equal(mg_ledger_check_resolvable(l, bad, 6), -1);
  d = mg_diag_take_text();
  assert_contains(d, "FB-0001.xml: error: FB-0001 cannot be resolved: it is "
                     "open, not accepted (accept it first: manualgen "
                     "feedback accept FB-0001 --answer …)");
  assert_contains(d, "FB-0003.xml: error: FB-0003 cannot be resolved: it "
                     "was rejected (2026-01-06), not accepted");
  assert_contains(d, "FB-0005.xml: error: FB-0005 cannot be resolved: it "
                     "was resolved already, in release 1.1");
  assert_contains(d, "FB-0099.xml: error: no such feedback item 'FB-0099'");
  assert_contains(d, "manualgen: error: feedback item 'FB-0002' is named "
                     "twice");
  assert_int_equal(tu_lines(d), 5);
  free(d);
  /* nothing changed */
  assert_int_equal(mg_ledger_find(l, "FB-0002")->status, MG_FB_ACCEPTED);
  mg_ledger_free(l);
  free(dir);
}

static void mark_resolved_rewrites_one_file_and_keeps_comments(void **state) {
  (void)state;
  char *dir = ledger_dir();
  /* a comment an editor wrote must survive the change */
  char *text = item("FB-0002", "accepted", accepted);
  char *commented = mg_xasprintf("%.*s<!-- 电话里确认过 -->\n%s",
                                 (int)(strstr(text, "<feedback") - text), text,
                                 strstr(text, "<feedback"));
  tu_write(dir, "feedback/FB-0002.xml", commented);
  char *before = file_of(dir, "FB-0001");
  mg_ledger *l = load_clean(dir);
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0002", "1.2", "2026-03-01"),
                   0);
  char *d = mg_diag_take_text();
  assert_string_equal(d, "");
  free(d);
  const mg_fb_item *it = mg_ledger_find(l, "FB-0002");
  assert_int_equal(it->status, MG_FB_RESOLVED);
  assert_string_equal(it->version, "1.2");
  assert_string_equal(it->resolved_date, "2026-03-01");
  char *after = file_of(dir, "FB-0002");
  assert_contains(after, "<!-- 电话里确认过 -->\n<feedback id=\"FB-0002\">");
  assert_contains(after,
                  "  <status>resolved</status>\n"
                  "  <answer date=\"2026-01-05\">采纳：改为开门后十分钟内"
                  "巡视。</answer>\n"
                  "  <resolved version=\"1.2\" date=\"2026-03-01\"/>\n"
                  "</feedback>\n");
  /* the other files are as they were */
  char *other = file_of(dir, "FB-0001");
  assert_string_equal(other, before);
  mg_ledger_free(l);
  /* and a new load sees the change */
  l = load_clean(dir);
  it = mg_ledger_find(l, "FB-0002");
  assert_int_equal(it->status, MG_FB_RESOLVED);
  assert_string_equal(it->version, "1.2");
  /* once resolved, it cannot be resolved again */
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0002", "1.3", "2026-04-01"),
                   -1);
  d = mg_diag_take_text();
  assert_contains(d, "FB-0002 cannot be resolved: it was resolved already, "
                     "in release 1.2");
  free(d);
  mg_ledger_free(l);
  free(other);
  free(after);
  free(before);
  free(commented);
  free(text);
  free(dir);
}

static void mark_resolved_refuses_and_changes_nothing(void **state) {
  (void)state;
  char *dir = ledger_dir();
  mg_ledger *l = load_clean(dir);
  char *accepted_before = file_of(dir, "FB-0002");
  char *open_before = file_of(dir, "FB-0001");
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0002", "1.2.3", "2026-03-01"),
                   -1);
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0002", "1.02", "2026-03-01"),
                   -1);
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0002", "1.2", "2026-02-30"),
                   -1);
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0001", "1.2", "2026-03-01"),
                   -1);
  assert_int_equal(mg_ledger_mark_resolved(l, "FB-0077", "1.2", "2026-03-01"),
                   -1);
  char *d = mg_diag_take_text();
  assert_contains(d, "'1.2.3' is not a release version (MAJOR.MINOR, as 1.2)");
  assert_contains(d, "'1.02' is not a release version");
  assert_contains(d, "'2026-02-30' is not a date (YYYY-MM-DD)");
  assert_contains(d, "FB-0001 cannot be resolved: it is open, not accepted");
  assert_contains(d, "no such feedback item 'FB-0077'");
  free(d);
  assert_int_equal(mg_ledger_find(l, "FB-0002")->status, MG_FB_ACCEPTED);
  char *a = file_of(dir, "FB-0002"), *o = file_of(dir, "FB-0001");
  assert_string_equal(a, accepted_before);
  assert_string_equal(o, open_before);
  free(a);
  free(o);
  free(accepted_before);
  free(open_before);
  mg_ledger_free(l);
  free(dir);
}

static void answer_accepts_an_open_item_only(void **state) {
  (void)state;
  char *dir = ledger_dir();
  mg_ledger *l = load_clean(dir);
  assert_int_equal(mg_ledger_answer(l, "FB-0010", MG_FB_REJECTED,
                                    "  不采纳：\n这是总部的规定。  ",
                                    "2026-02-01"),
                   0);
  const mg_fb_item *it = mg_ledger_find(l, "FB-0010");
  assert_int_equal(it->status, MG_FB_REJECTED);
  assert_string_equal(it->answer, "不采纳：\n这是总部的规定。");
  assert_string_equal(it->answer_date, "2026-02-01");
  assert_int_equal(
      mg_ledger_answer(l, "FB-0010", MG_FB_ACCEPTED, "好", "2026-02-02"), -1);
  assert_int_equal(
      mg_ledger_answer(l, "FB-0001", MG_FB_ACCEPTED, " \n ", "2026-02-02"), -1);
  assert_int_equal(mg_ledger_answer(l, "FB-0001", MG_FB_ACCEPTED, "好\x1b[31m",
                                    "2026-02-02"),
                   -1);
  char *d = mg_diag_take_text();
  assert_contains(d, "FB-0010 cannot be accepted: it is rejected already "
                     "(2026-02-01); only an open item can be accepted or "
                     "rejected");
  assert_contains(d, "the answer is empty");
  assert_contains(d, "the answer has a control character (U+001B) at "
                     "character 2; write plain text");
  free(d);
  assert_int_equal(mg_ledger_find(l, "FB-0001")->status, MG_FB_OPEN);
  mg_ledger_free(l);
  free(dir);
}

static void add_takes_the_next_id_and_never_replaces(void **state) {
  (void)state;
  char *dir = tu_new_dir("content");
  put(dir, "FB-0001", "open", "");
  put(dir, "FB-0005", "open", "");
  mg_ledger *l = load_clean(dir);
  mg_fb_report r = {"nj-a", "greeter", "service-greeting", NULL,
                    "迎宾岗的站位离门太远。"};
  /* one more than the highest: a gap is never filled, so a deleted item's
   * id is not given again */
  char *id = mg_ledger_add(l, &r, "2026-02-01");
  assert_string_equal(id, "FB-0006");
  free(id);
  /* another editor adds FB-0007 meanwhile: this one takes FB-0008 */
  tu_write(dir, "feedback/FB-0007.xml", "someone else's\n");
  id = mg_ledger_add(l, &r, "2026-02-01");
  assert_string_equal(id, "FB-0008");
  free(id);
  char *theirs = file_of(dir, "FB-0007");
  assert_string_equal(theirs, "someone else's\n");
  free(theirs);
  char *mine = file_of(dir, "FB-0008");
  assert_string_equal(mine, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<feedback id=\"FB-0008\">\n"
                            "  <date>2026-02-01</date>\n"
                            "  <store>nj-a</store>\n"
                            "  <post>greeter</post>\n"
                            "  <section>service-greeting</section>\n"
                            "  <text>迎宾岗的站位离门太远。</text>\n"
                            "  <status>open</status>\n"
                            "</feedback>\n");
  free(mine);
  const mg_fb_item *it = mg_ledger_find(l, "FB-0008");
  assert_non_null(it);
  assert_int_equal(it->status, MG_FB_OPEN);
  assert_int_equal(l->n, 4);
  mg_ledger_free(l);
  /* a broken file keeps its id: the next one is past it */
  l = mg_ledger_load(dir, TEMPLATES_DIR);
  tu_diag_reset();
  assert_int_equal(l->nbad, 1);
  id = mg_ledger_add(l, &r, "2026-02-01");
  assert_string_equal(id, "FB-0009");
  free(id);
  mg_ledger_free(l);
  free(dir);
}

int main(void) {
  tu_filter();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(load_sorts_by_number_and_keeps_every_field),
      cmocka_unit_test(a_missing_folder_is_an_empty_ledger),
      cmocka_unit_test(a_corrupt_file_is_reported_and_the_others_load),
      cmocka_unit_test(check_resolvable_names_each_id_that_is_not_accepted),
      cmocka_unit_test(mark_resolved_rewrites_one_file_and_keeps_comments),
      cmocka_unit_test(mark_resolved_refuses_and_changes_nothing),
      cmocka_unit_test(answer_accepts_an_open_item_only),
      cmocka_unit_test(add_takes_the_next_id_and_never_replaces),
  };
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
