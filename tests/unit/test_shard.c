/* test_shard.c -- builds that shard across machines (index.c): which
 * shard a hall belongs to (XXH64 of its id, seed 0, mod N: pinned here,
 * so that a change of hash or seed, which would scatter a gathered
 * build, fails), how --shard K/N is read, and the records `index` reads:
 * what one shard writes comes back, a missing or misplaced shard is
 * named. */
#include "testutil.h"

static void shard_of_is_xxh64_with_seed_0(void **state) {
  (void)state;
  /* XXH64("", seed 0) = 0xef46db3751d8e999, xxHash's own test vector */
  const unsigned long long empty = 0xef46db3751d8e999ULL;
  const unsigned ns[] = {1, 2, 3, 4, 7, 1000, 99991};
  for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
    assert_int_equal(mg_shard_of("", 0, ns[i]), (unsigned)(empty % ns[i]));
  /* the fixture's halls (tests/e2e_shard.py relies on these) */
  assert_int_equal(mg_shard_of("a-flag", 6, 2), 1);
  assert_int_equal(mg_shard_of("a-std", 5, 2), 1);
  assert_int_equal(mg_shard_of("b-county", 8, 2), 0);
  assert_int_equal(mg_shard_of("a-flag", 6, 3), 2);
  assert_int_equal(mg_shard_of("a-std", 5, 3), 0);
  assert_int_equal(mg_shard_of("b-county", 8, 3), 0);
  /* the id's bytes alone: a longer buffer is cut at len */
  assert_int_equal(mg_shard_of("a-flag-and-more", 6, 3), 2);
  for (unsigned n = 1; n < 50; n++)
    assert_true(mg_shard_of("b-county", 8, n) < n);
}

static void shard_parse_takes_k_of_n_and_nothing_else(void **state) {
  (void)state;
  unsigned k = 9, n = 9;
  assert_int_equal(mg_shard_parse("0/1", &k, &n), 0);
  assert_int_equal(k, 0);
  assert_int_equal(n, 1);
  assert_int_equal(mg_shard_parse("3/4", &k, &n), 0);
  assert_int_equal(k, 3);
  assert_int_equal(n, 4);
  assert_int_equal(mg_shard_parse("99999/100000", &k, &n), 0);
  const char *bad[] = {"3/2", "2/2",  "x/2",   "0/0",          "-1/2",     "1/",
                       "/2",  " 1/2", "1/2 ",  "1/2/3",        "0/100001", "1",
                       "",    "+1/2", "0x1/2", "0/99999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (mg_shard_parse(bad[i], &k, &n) != -1)
      fail_msg("'%s' was taken as shard %u of %u", bad[i], k, n);
}

/* Shard k of n's record of folder in out, with one hall and one file. */
static void put_record(const char *out, const char *folder, unsigned k,
                       unsigned n, const char *id) {
  mg_identity row = {(char *)id, "营业厅", "alpha", "甲市", "standard"};
  const mg_identity *rows[] = {&row};
  mg_strv files = {0};
  mg_strv_push(&files, mg_xasprintf("stores/%s/index.html", id));
  size_t len;
  char *text =
      mg_shard_record(k, n, folder, "2026-01-01", rows, 1, &files, &len);
  char *name = mg_shard_record_name(k, n);
  char *rel = mg_path_join(folder, name);
  tu_write_len(out, rel, text, len);
  free(rel);
  free(name);
  free(text);
  mg_strv_free(&files);
}

static void records_read_back_complete(void **state) {
  (void)state;
  char *out = tu_new_dir("out");
  put_record(out, "draft", 0, 2, "b-county");
  put_record(out, "draft", 1, 2, "a-flag");
  mg_shard_set s = {.folder = "draft"};
  unsigned n = 0;
  assert_int_equal(mg_shards_read(out, &s, 1, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(s.nrows, 2);
  assert_string_equal(s.rows[0].id, "b-county");
  assert_string_equal(s.rows[1].id, "a-flag");
  assert_string_equal(s.rows[1].city_name, "甲市");
  assert_string_equal(s.date, "2026-01-01");
  assert_int_equal(s.files.n, 2);
  assert_string_equal(s.files.v[1], "stores/a-flag/index.html");
  mg_shard_set_free(&s);
  /* the manifest: the shards' files and the index pages, sorted */
  mg_shard_set w = {.folder = "draft"};
  mg_strv_push(&w.files, mg_xstrdup("stores/z/index.html"));
  mg_strv_push(&w.files, mg_xstrdup("stores/a/index.html"));
  mg_page pg = {"index.html", "<html></html>", 13};
  mg_pages pages = {&pg, 1};
  assert_int_equal(mg_shards_write(out, &w, &pages), 0);
  char *path = mg_xasprintf("%s/draft/.manualgen-edition", out);
  size_t len;
  char *m = mg_read_file(path, &len);
  assert_string_equal(m, "manualgen-edition 1\n"
                         "file index.html\n"
                         "file stores/a/index.html\n"
                         "file stores/z/index.html\n");
  free(m);
  free(path);
  mg_strv_free(&w.files);
  tu_diag_reset();
  free(out);
}

static void a_missing_or_misplaced_shard_is_named(void **state) {
  (void)state;
  char *out = tu_new_dir("out");
  put_record(out, "1.0", 0, 3, "b-county");
  put_record(out, "1.0", 2, 3, "a-flag");
  put_record(out, "draft", 0, 3, "b-county");
  put_record(out, "draft", 2, 3, "a-flag");
  mg_shard_set s[2] = {{.folder = "1.0"}, {.folder = "draft"}};
  unsigned n = 0;
  tu_diag_reset();
  assert_int_equal(mg_shards_read(out, s, 2, &n), -1);
  char *text = mg_diag_take_text();
  /* missing everywhere: said once */
  assert_contains(text, "error: shard 1 of 3 is missing: no edition has its "
                        "record (.manualgen-shard-1-of-3)");
  assert_int_equal(tu_lines(text), 1);
  free(text);
  mg_shard_set_free(&s[0]);
  mg_shard_set_free(&s[1]);
  /* missing in one folder */
  put_record(out, "1.0", 1, 3, "a-std");
  memset(s, 0, sizeof s);
  s[0].folder = "1.0";
  s[1].folder = "draft";
  assert_int_equal(mg_shards_read(out, s, 2, &n), -1);
  text = mg_diag_take_text();
  assert_contains(text, "/draft: error: shard 1 of 3 of the draft is missing "
                        "(.manualgen-shard-1-of-3)");
  assert_int_equal(tu_lines(text), 1);
  free(text);
  mg_shard_set_free(&s[0]);
  mg_shard_set_free(&s[1]);
  /* a record of shard 2 copied under shard 1's name */
  char *from = mg_xasprintf("%s/draft/.manualgen-shard-2-of-3", out);
  char *to = mg_xasprintf("%s/draft/.manualgen-shard-1-of-3", out);
  size_t len;
  char *bytes = mg_read_file(from, &len);
  tu_write_len(out, "draft/.manualgen-shard-1-of-3", bytes, len);
  memset(s, 0, sizeof s);
  s[0].folder = "1.0";
  s[1].folder = "draft";
  assert_int_equal(mg_shards_read(out, s, 2, &n), -1);
  text = mg_diag_take_text();
  assert_contains(text, "error: this record says it is shard 2 of 3 of "
                        "folder 'draft'");
  free(text);
  mg_shard_set_free(&s[0]);
  mg_shard_set_free(&s[1]);
  /* records of another N */
  unlink(to);
  put_record(out, "draft", 1, 4, "a-std");
  memset(s, 0, sizeof s);
  s[0].folder = "1.0";
  s[1].folder = "draft";
  assert_int_equal(mg_shards_read(out, s, 2, &n), -1);
  text = mg_diag_take_text();
  assert_contains(text, "error: a record of 4 shards, where");
  free(text);
  mg_shard_set_free(&s[0]);
  mg_shard_set_free(&s[1]);
  free(bytes);
  free(from);
  free(to);
  free(out);
}

int main(void) {
  tu_filter();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shard_of_is_xxh64_with_seed_0),
      cmocka_unit_test(shard_parse_takes_k_of_n_and_nothing_else),
      cmocka_unit_test(records_read_back_complete),
      cmocka_unit_test(a_missing_or_misplaced_shard_is_named),
  };
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
