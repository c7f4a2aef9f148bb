/* test_serve_path.c -- the URL paths `manualgen serve` accepts
 * (mg_serve_path, serve.c): decoded once, a folder keeps its '/', and
 * every way out of the served folder is refused before any file is
 * opened: "..", "." and hidden segments, plain or percent-encoded, a '/'
 * or '\' hidden in a segment, NUL and control characters, bad escapes. */
#include "testutil.h"

static void ok(const char *url, const char *want) {
  char *rel = (char *)"unset";
  int st = mg_serve_path(url, &rel);
  if (st != 0)
    fail_msg("'%s': status %d, expected the path '%s'", url, st, want);
  assert_string_equal(rel, want);
  free(rel);
}

static void refused(const char *url, int want) {
  char *rel = (char *)"unset";
  int st = mg_serve_path(url, &rel);
  if (st != want)
    fail_msg("'%s': status %d, expected %d", url, st, want);
  assert_null(rel);
}

static void paths_below_the_folder_are_decoded_once(void **state) {
  (void)state;
  ok("/", "");
  ok("/index.html", "index.html");
  ok("/draft/", "draft/");
  ok("/draft/stores/a-flag/index.html", "draft/stores/a-flag/index.html");
  ok("/draft/stores/a-flag", "draft/stores/a-flag");
  ok("/a%20b.html", "a b.html");
  ok("/%E7%94%B2.html", "\xE7\x94\xB2.html"); /* UTF-8, as browsers send */
  ok("/a%2525.html", "a%25.html");            /* once, not twice */
  ok("/x..y/a.b..c", "x..y/a.b..c");          /* dots inside a name */
}

static void traversal_is_forbidden(void **state) {
  (void)state;
  const char *const bad[] = {"/..",
                             "/../etc/passwd",
                             "/draft/../../etc/passwd",
                             "/draft/..",
                             "/draft/../",
                             "/.",
                             "/draft/./index.html",
                             "/%2e%2e/etc/passwd",
                             "/%2E%2E/etc/passwd",
                             "/.%2e/etc/passwd",
                             "/%2e./etc/passwd",
                             "/draft/..%2f..%2fetc/passwd",
                             "/draft%2F..%2F..%2Fetc/passwd",
                             "/draft/stores%2fa-flag/index.html",
                             "/draft/..%5c..%5cetc/passwd",
                             "/draft\\..\\etc\\passwd",
                             "/%5c"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    refused(bad[i], 403);
}

static void malformed_paths_are_bad_requests(void **state) {
  (void)state;
  const char *const bad[] = {"",
                             "index.html",
                             "//etc/passwd",
                             "/draft//index.html",
                             "/index.html%00.png",
                             "/%00",
                             "/a%0a.html",
                             "/a%7f",
                             "/a%zz",
                             "/a%2",
                             "/a%",
                             "/a\tb"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    refused(bad[i], 400);
  char *rel = (char *)"unset";
  assert_int_equal(mg_serve_path(NULL, &rel), 400);
  assert_null(rel);
}

static void hidden_files_are_not_found(void **state) {
  (void)state;
  refused("/.manualgen-lock", 404);
  refused("/draft/.manualgen-edition", 404);
  refused("/draft/stores/a-flag/.manualgen-build", 404);
  refused("/draft/stores/a-flag/%2emanualgen-build", 404);
  refused("/.git/config", 404);
  refused("/...", 404);
}

int main(void) {
  tu_filter();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paths_below_the_folder_are_decoded_once),
      cmocka_unit_test(traversal_is_forbidden),
      cmocka_unit_test(malformed_paths_are_bad_requests),
      cmocka_unit_test(hidden_files_are_not_found),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
