/* test_glyphs.c -- the characters the print fonts have (glyphs.c). */
#include "testutil.h"

#include <libxml/parser.h>

static mg_glyphs *noto;

static int setup(void **state) {
  if (tu_root_setup(state))
    return -1;
  noto = mg_glyphs_load(MG_FONT_DIR);
  return noto ? 0 : -1;
}

static int teardown(void **state) {
  mg_glyphs_free(noto);
  return tu_root_teardown(state);
}

static void noto_cjk_has_chinese_and_its_punctuation(void **state) {
  (void)state;
  const unsigned have[] = {'A',
                           0x4E2D /* 中 */,
                           0x3002 /* 。 */,
                           0x3000 /* ideographic space */,
                           0xFF08 /* （ */,
                           0x2014 /* — */,
                           0x2460 /* ① */};
  for (size_t i = 0; i < sizeof have / sizeof *have; i++)
    assert_true(mg_glyphs_has(noto, have[i]));
}

static void emoji_private_use_and_extension_b_are_missing(void **state) {
  (void)state;
  assert_false(mg_glyphs_has(noto, 0x1F600));
  assert_false(mg_glyphs_has(noto, 0xE000));
  assert_false(mg_glyphs_has(noto, 0x20000));
  assert_false(mg_glyphs_has(noto, 0xFFFD));
}

static void controls_and_invisible_characters_need_no_glyph(void **state) {
  (void)state;
  const unsigned none[] = {'\t',   '\n',   '\r',   0x85,
                           0x200B, 0x200D, 0x2060, 0xFEFF};
  for (size_t i = 0; i < sizeof none / sizeof *none; i++)
    assert_true(mg_glyphs_has(noto, none[i]));
}

static void a_folder_without_fonts_is_an_error(void **state) {
  (void)state;
  tu_diag_reset();
  char *dir = tu_new_dir("nofonts");
  tu_write(dir, "README", "not a font\n");
  assert_null(mg_glyphs_load(dir));
  char *t = mg_diag_take_text();
  assert_contains(t, ": error: no font here: the prints need the Noto CJK "
                     "fonts (Debian package fonts-noto-cjk)");
  free(t);
  char *gone = mg_path_join(dir, "gone");
  assert_null(mg_glyphs_load(gone));
  t = mg_diag_take_text();
  assert_contains(t, "gone: error: cannot read the folder of the fonts the "
                     "prints use: No such file or directory");
  free(t);
  free(gone);
  free(dir);
}

static void each_missing_character_is_reported_once(void **state) {
  (void)state;
  tu_diag_reset();
  static const char xml[] =
      "<m:manual xmlns:m='urn:manualgen' title='\xF0\x9F\x98\x80'>"
      "<m:l10n><m:string key='k'>\xEE\x80\x80 \xF0\x9F\x98\x80</m:string>"
      "</m:l10n><p>\xE4\xB8\xAD\t\n</p></m:manual>";
  xmlDocPtr doc = xmlReadMemory(xml, sizeof xml - 1, "t.xml", NULL, 0);
  assert_non_null(doc);
  assert_true(mg_glyphs_lacks(noto, doc));
  assert_int_equal(mg_glyphs_check(noto, doc, NULL, NULL, "s1"), 2);
  char *t = mg_diag_take_text();
  /* no compiled manual, no parameters: no position */
  assert_contains(t, "error: '\xF0\x9F\x98\x80' (U+1F600) is in no font the "
                     "printed handbook uses (Noto Sans CJK SC): replace it, "
                     "or write it out in words [print] (store s1)");
  assert_contains(t, "'\xEE\x80\x80' (U+E000)");
  assert_int_equal(tu_lines(t), 2);
  free(t);
  xmlFreeDoc(doc);
  static const char ok[] = "<p a='\xE3\x80\x82'>\xE4\xB8\xAD\xE6\x96\x87\t"
                           "\xE2\x80\x8B</p>";
  doc = xmlReadMemory(ok, sizeof ok - 1, "ok.xml", NULL, 0);
  assert_false(mg_glyphs_lacks(noto, doc));
  assert_int_equal(mg_glyphs_check(noto, doc, NULL, NULL, "s1"), 0);
  xmlFreeDoc(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(noto_cjk_has_chinese_and_its_punctuation),
      cmocka_unit_test(emoji_private_use_and_extension_b_are_missing),
      cmocka_unit_test(controls_and_invisible_characters_need_no_glyph),
      cmocka_unit_test(a_folder_without_fonts_is_an_error),
      cmocka_unit_test(each_missing_character_is_reported_once),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, teardown);
}
