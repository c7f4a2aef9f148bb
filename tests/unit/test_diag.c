/* test_diag.c -- messages as printed: what reaches the terminal. */
#include "testutil.h"

/* Reports one error and returns the printed text (caller frees). */
static char *printed(const char *file, const char *store, const char *msg) {
  tu_diag_reset();
  mg_diag_store(MG_ERROR, file, 3, 5, store, "%s", msg);
  return mg_diag_take_text();
}

static void escape_sequence_in_message_is_made_visible(void **state) {
  (void)state;
  char *t = printed("a.md", NULL, "value '\x1b[31mred\x1b[0m'");
  assert_string_equal(t, "a.md:3:5: error: value '\\x1B[31mred\\x1B[0m'\n");
  free(t);
}

static void newline_tab_cr_del_and_bell_are_escaped(void **state) {
  (void)state;
  char *t = printed("a.md", NULL,
                    "a\nb\tc\rd\x7f"
                    "e\x07");
  assert_string_equal(t, "a.md:3:5: error: a\\x0Ab\\x09c\\x0Dd\\x7Fe\\x07\n");
  free(t);
}

static void c1_controls_are_escaped_as_code_points(void **state) {
  (void)state;
  /* U+0085 (NEL) and U+009B (CSI: starts an escape sequence on its own) */
  char *t = printed("a.md", NULL,
                    "x\xc2\x85y\xc2\x9b"
                    "2J");
  assert_string_equal(t, "a.md:3:5: error: x\\u0085y\\u009B2J\n");
  free(t);
}

static void bytes_that_are_not_utf8_are_escaped(void **state) {
  (void)state;
  /* a stray continuation byte, a GBK pair, a truncated sequence */
  char *t = printed("a.md", NULL, "\x80|\xc0\xfa|\xe5\xba");
  assert_string_equal(t, "a.md:3:5: error: \\x80|\\xC0\\xFA|\\xE5\\xBA\n");
  free(t);
}

static void file_name_and_store_are_escaped(void **state) {
  (void)state;
  char *t = printed("content/\x1b]0;title\x07.md", "nj-\x1b[2J", "bad");
  assert_string_equal(t, "content/\\x1B]0;title\\x07.md:3:5: error: bad "
                         "(store nj-\\x1B[2J)\n");
  free(t);
}

static void chinese_text_and_symbols_are_kept(void **state) {
  (void)state;
  char *t = printed("content/营业厅.md", "南京-1",
                    "'：' is a full-width colon — “店长” ✓ 😀 \\x41");
  assert_string_equal(t, "content/营业厅.md:3:5: error: '：' is a full-width "
                         "colon — “店长” ✓ 😀 \\x41 (store 南京-1)\n");
  free(t);
}

static void utf8_decoder_rejects_what_is_not_utf8(void **state) {
  (void)state;
  unsigned cp = 0;
  assert_int_equal(mg_utf8_decode("\xe5\xba\x97", 3, &cp), 3);
  assert_int_equal(cp, 0x5E97);
  assert_int_equal(mg_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
  assert_int_equal(cp, 0x1F600);
  assert_int_equal(mg_utf8_decode("\xe5\xba", 2, &cp), 0);     /* short */
  assert_int_equal(mg_utf8_decode("\xc0\xaf", 2, &cp), 0);     /* overlong */
  assert_int_equal(mg_utf8_decode("\xed\xa0\x80", 3, &cp), 0); /* surrogate */
  assert_int_equal(mg_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0); /* > max */
  assert_int_equal(mg_utf8_decode("\xbf", 1, &cp), 0);
  assert_int_equal(mg_utf8_decode("", 0, &cp), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(escape_sequence_in_message_is_made_visible),
      cmocka_unit_test(newline_tab_cr_del_and_bell_are_escaped),
      cmocka_unit_test(c1_controls_are_escaped_as_code_points),
      cmocka_unit_test(bytes_that_are_not_utf8_are_escaped),
      cmocka_unit_test(file_name_and_store_are_escaped),
      cmocka_unit_test(chinese_text_and_symbols_are_kept),
      cmocka_unit_test(utf8_decoder_rejects_what_is_not_utf8),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
