/* test_pdf.c -- the PDF engine's protocol, and its pool of workers. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static void ok_reply_gives_id_and_pages(void **state) {
  (void)state;
  const char *l = "{\"id\": 7, \"ok\": true, \"pages\": 71}";
  mg_pdf_reply r;
  assert_int_equal(mg_pdf_parse_reply(l, strlen(l), &r), 0);
  assert_int_equal(r.id, 7);
  assert_true(r.ok);
  assert_int_equal(r.pages, 71);
  assert_int_equal(r.ndiag, 0);
  mg_pdf_reply_free(&r);
}

static void failure_gives_every_diagnostic_with_escapes(void **state) {
  (void)state;
  const char *l =
      "{\"id\":8,\"ok\":false,\"diagnostics\":[{\"severity\":\"error\","
      "\"message\":\"unclosed \\\"delimiter\\\" \\u5b57\\ud83d\\ude00\","
      "\"line\":12,\"col\":3},{\"severity\":\"warning\",\"message\":\"w\","
      "\"line\":null,\"col\":0,\"extra\":{\"a\":[1,2,{}]}}]}";
  mg_pdf_reply r;
  assert_int_equal(mg_pdf_parse_reply(l, strlen(l), &r), 0);
  assert_int_equal(r.id, 8);
  assert_false(r.ok);
  assert_int_equal(r.ndiag, 2);
  assert_string_equal(r.diag[0].message,
                      "unclosed \"delimiter\" \xe5\xad\x97\xf0\x9f\x98\x80");
  assert_int_equal(r.diag[0].line, 12);
  assert_int_equal(r.diag[0].col, 3);
  assert_false(r.diag[0].warning);
  assert_true(r.diag[1].warning);
  assert_int_equal(r.diag[1].line, 0);
  mg_pdf_reply_free(&r);
}

static void failure_without_diagnostics_still_says_why(void **state) {
  (void)state;
  const char *l = "{\"id\":null,\"ok\":false}";
  mg_pdf_reply r;
  assert_int_equal(mg_pdf_parse_reply(l, strlen(l), &r), 0);
  assert_int_equal(r.id, -1);
  assert_int_equal(r.ndiag, 1);
  assert_contains(r.diag[0].message, "without a message");
  mg_pdf_reply_free(&r);
}

static void version_reply(void **state) {
  (void)state;
  const char *l = "{\"id\": 1, \"ok\": true, \"version\": \"typst 0.14\"}";
  mg_pdf_reply r;
  assert_int_equal(mg_pdf_parse_reply(l, strlen(l), &r), 0);
  assert_string_equal(r.version, "typst 0.14");
  mg_pdf_reply_free(&r);
}

static void what_is_not_a_reply_is_refused(void **state) {
  (void)state;
  const char *bad[] = {
      "",
      "[]",
      "{\"id\": 1, \"ok\": true",
      "{\"id\": 1, \"ok\": yes}",
      "{\"id\": 1} trailing",
      "{\"id\": 1, \"diagnostics\": [{\"message\": \"\\ud800\"}]}",
      "{\"id\": 1, \"diagnostics\": [{\"message\": \"a\nb\"}]}",
      "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
      "]"
      "]]]]]]]}",
      "{\"id\": 1, \"message\": \"\\u00",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    mg_pdf_reply r;
    assert_int_equal(mg_pdf_parse_reply(bad[i], strlen(bad[i]), &r), -1);
    assert_int_equal(r.ndiag, 0);
  }
}

static void request_escapes_paths(void **state) {
  (void)state;
  char *req = mg_pdf_request(3, "/t/a\"b", "/t/a\"b/main.typ", "/o/x\\y\n.pdf");
  assert_string_equal(req, "{\"id\": 3, \"root\": \"/t/a\\\"b\", \"main\": "
                           "\"/t/a\\\"b/main.typ\", \"out\": "
                           "\"/o/x\\\\y\\u000a.pdf\"}\n");
  free(req);
}

/* ---------------------------------------------------- the real engine */

static char *out_path(const char *name) {
  const char *tmp = getenv("TMPDIR");
  return mg_xasprintf("%s/mg-test-pdf-%d-%s", tmp ? tmp : "/tmp", (int)getpid(),
                      name);
}

static int is_pdf(const char *path) {
  size_t len = 0;
  char *b = mg_read_file(path, &len);
  int ok = b && len > 5 && !memcmp(b, "%PDF-", 5);
  free(b);
  return ok;
}

static const char doc[] =
    "#set document(date: none)\n#set text(font: "
    "(\"Noto Sans CJK SC\",), lang: \"zh\")\n#\"营业厅\"\n";

static void a_killed_worker_is_replaced(void **state) {
  (void)state;
  tu_diag_reset();
  mg_pdf_pool *pool = mg_pdf_pool_new(PRINT_DIR, 1);
  char *out = out_path("a.pdf");
  assert_int_equal(mg_pdf_render(pool, doc, strlen(doc), out, "a"), 0);
  assert_true(is_pdf(out));
  pid_t first = mg_pdf_pool_worker_pid(pool, 0);
  assert_true(first > 0);
  kill(first, SIGKILL);
  struct timespec ts = {0, 200 * 1000 * 1000};
  nanosleep(&ts, NULL);
  unlink(out);
  assert_int_equal(mg_pdf_render(pool, doc, strlen(doc), out, "b"), 0);
  assert_true(is_pdf(out));
  pid_t second = mg_pdf_pool_worker_pid(pool, 0);
  assert_true(second > 0 && second != first);
  char *t = mg_diag_take_text();
  assert_string_equal(t ? t : "", "");
  free(t);
  unlink(out);
  free(out);
  mg_pdf_pool_free(pool);
  /* the pool reaped its worker */
  assert_int_equal(waitpid(second, NULL, WNOHANG), -1);
}

static void worker_is_recycled_after_ten_documents(void **state) {
  (void)state;
  tu_diag_reset();
  mg_pdf_pool *pool = mg_pdf_pool_new(PRINT_DIR, 1);
  char *out = out_path("r.pdf");
  pid_t first = 0;
  for (int i = 0; i < 11; i++) {
    assert_int_equal(mg_pdf_render(pool, doc, strlen(doc), out, "r"), 0);
    if (i == 0)
      first = mg_pdf_pool_worker_pid(pool, 0);
    if (i == 9)
      assert_int_equal(mg_pdf_pool_worker_pid(pool, 0), first);
  }
  assert_true(mg_pdf_pool_worker_pid(pool, 0) != first);
  unlink(out);
  free(out);
  mg_pdf_pool_free(pool);
}

static void typst_error_is_reported_and_no_file_written(void **state) {
  (void)state;
  tu_diag_reset();
  mg_pdf_pool *pool = mg_pdf_pool_new(PRINT_DIR, 1);
  char *out = out_path("e.pdf");
  const char bad[] = "#set document(date: none)\n#let x = (\n";
  assert_int_equal(mg_pdf_render(pool, bad, strlen(bad), out, "h.pdf"), -1);
  assert_int_equal(access(out, F_OK), -1);
  char *t = mg_diag_take_text();
  assert_contains(t, "h.pdf: error: typst: unclosed delimiter (line 2,");
  free(t);
  /* the source cannot read outside its own folder */
  const char rd[] = "#read(\"/etc/passwd\")\n";
  assert_int_equal(mg_pdf_render(pool, rd, strlen(rd), out, "r.pdf"), -1);
  t = mg_diag_take_text();
  assert_contains(t, "r.pdf: error: typst: ");
  free(t);
  assert_string_equal(mg_pdf_engine_version(pool),
                      "typst 0.14 / typst-ts 0.7.0");
  free(out);
  mg_pdf_pool_free(pool);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ok_reply_gives_id_and_pages),
      cmocka_unit_test(failure_gives_every_diagnostic_with_escapes),
      cmocka_unit_test(failure_without_diagnostics_still_says_why),
      cmocka_unit_test(version_reply),
      cmocka_unit_test(what_is_not_a_reply_is_refused),
      cmocka_unit_test(request_escapes_paths),
      cmocka_unit_test(a_killed_worker_is_replaced),
      cmocka_unit_test(worker_is_recycled_after_ten_documents),
      cmocka_unit_test(typst_error_is_reported_and_no_file_written),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
