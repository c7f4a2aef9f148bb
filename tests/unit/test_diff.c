/* test_diff.c -- the diff engine (diff.c): the Myers core, what changed
 * between two resolved manuals of a hall, and the marks in the text.
 *
 * The manual-level tests load two resolved manuals of the hall a-std
 * saved in tests/unit/data/diff (regenerate them with the `regen` script
 * there): the fixture tests/fixtures/basic, then a revision of it with a
 * sentence changed, a list item changed, a paragraph added, a section
 * removed, and the hall's own parameters changed (its manager, its
 * appraisal weights, and its type, which brings in the county section). */
#include "testutil.h"

#include <libxml/parser.h>

/* ------------------------------------------------------------ helpers */

/* The longest common subsequence, by the textbook O(n*m) table. */
static size_t lcs(const uint64_t *a, size_t na, const uint64_t *b, size_t nb) {
  size_t *prev = calloc(nb + 1, sizeof *prev);
  size_t *cur = calloc(nb + 1, sizeof *cur);
  for (size_t i = 1; i <= na; i++) {
    for (size_t j = 1; j <= nb; j++)
      cur[j] = a[i - 1] == b[j - 1]   ? prev[j - 1] + 1
               : prev[j] > cur[j - 1] ? prev[j]
                                      : cur[j - 1];
    size_t *t = prev;
    prev = cur;
    cur = t;
  }
  size_t r = prev[nb];
  free(prev);
  free(cur);
  return r;
}

/* Fails unless s turns a into b: runs in order and contiguous, equal
 * runs really equal, the cost their sum, and each stretch of edits one
 * deletion then one insertion. */
static void check_script(const uint64_t *a, size_t na, const uint64_t *b,
                         size_t nb, const mg_diff_script *s) {
  size_t pa = 0, pb = 0, cost = 0;
  for (size_t i = 0; i < s->n; i++) {
    const mg_diff_op *op = &s->v[i];
    assert_true(op->n > 0);
    assert_int_equal(op->a, pa);
    assert_int_equal(op->b, pb);
    if (i) {
      mg_diff_kind prev = s->v[i - 1].kind;
      assert_true(prev != op->kind);
      assert_false(prev == MG_DIFF_INSERT && op->kind == MG_DIFF_DELETE);
    }
    if (op->kind == MG_DIFF_EQUAL) {
      for (size_t k = 0; k < op->n; k++)
        assert_true(a[pa + k] == b[pb + k]);
      pa += op->n, pb += op->n;
    } else if (op->kind == MG_DIFF_DELETE) {
      pa += op->n, cost += op->n;
    } else {
      pb += op->n, cost += op->n;
    }
  }
  assert_int_equal(pa, na);
  assert_int_equal(pb, nb);
  assert_int_equal(s->cost, cost);
}

/* The codepoints of a UTF-8 string. Caller frees. */
static uint64_t *cps(const char *s, size_t *n) {
  size_t len = strlen(s);
  uint64_t *v = malloc((len + 1) * sizeof *v);
  *n = 0;
  for (size_t i = 0; i < len;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, len - i, &cp);
    assert_true(k > 0);
    v[(*n)++] = cp;
    i += (size_t)k;
  }
  return v;
}

/* The script of a -> b as text: "=巡视 -八 +九". */
static char *script_text(const char *a, const char *b, int cleanup) {
  size_t na, nb;
  uint64_t *x = cps(a, &na), *y = cps(b, &nb);
  mg_diff_script s;
  mg_diff_seq(x, na, y, nb, 0, &s);
  check_script(x, na, y, nb, &s);
  if (cleanup) {
    mg_diff_cleanup(&s);
    check_script(x, na, y, nb, &s);
  }
  mg_buf out = {0};
  for (size_t i = 0; i < s.n; i++) {
    const mg_diff_op *op = &s.v[i];
    const uint64_t *src = op->kind == MG_DIFF_INSERT ? y + op->b : x + op->a;
    mg_buf_printf(&out, "%s%c", i ? " " : "", "=-+"[op->kind]);
    for (size_t k = 0; k < op->n; k++) {
      char u[8];
      uint64_t c = src[k];
      int l = c < 0x80    ? (u[0] = (char)c, 1)
              : c < 0x800 ? (u[0] = (char)(0xC0 | c >> 6),
                             u[1] = (char)(0x80 | (c & 0x3F)), 2)
                          : (u[0] = (char)(0xE0 | c >> 12),
                             u[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
                             u[2] = (char)(0x80 | (c & 0x3F)), 3);
      mg_buf_put(&out, u, (size_t)l);
    }
  }
  mg_diff_script_free(&s);
  free(x);
  free(y);
  return out.data ? out.data : mg_xstrdup("");
}

#define assert_script(a, b, expected)                                          \
  do {                                                                         \
    char *t_ = script_text(a, b, 0);                                           \
    assert_string_equal(t_, expected);                                         \
    free(t_);                                                                  \
  } while (0)

/* ------------------------------------------------------- Myers core */

static void empty_inputs_give_an_empty_script(void **state) {
  (void)state;
  mg_diff_script s;
  mg_diff_seq(NULL, 0, NULL, 0, 0, &s);
  assert_int_equal(s.n, 0);
  assert_int_equal(s.cost, 0);
  assert_false(s.replaced);
  mg_diff_script_free(&s);
  assert_script("", "abc", "+abc");
  assert_script("abc", "", "-abc");
}

static void equal_inputs_are_one_equal_run(void **state) {
  (void)state;
  assert_script("巡视时间", "巡视时间", "=巡视时间");
}

static void inputs_with_nothing_in_common_are_replaced(void **state) {
  (void)state;
  assert_script("abc", "xyz", "-abc +xyz");
}

static void single_insertion_and_deletion(void **state) {
  (void)state;
  assert_script("巡视时间为八点", "巡视时间为八点半", "=巡视时间为八点 +半");
  assert_script("巡视时间为八点半", "巡视时间为八点", "=巡视时间为八点 -半");
  assert_script("abd", "abcd", "=ab +c =d");
  assert_script("abcd", "acd", "=a -b =cd");
  assert_script("b", "ab", "+a =b");
}

static void known_lcs_cases(void **state) {
  (void)state;
  /* the example of Myers' paper: distance 5, LCS 4 */
  size_t na, nb;
  uint64_t *a = cps("ABCABBA", &na), *b = cps("CBABAC", &nb);
  mg_diff_script s;
  mg_diff_seq(a, na, b, nb, 0, &s);
  check_script(a, na, b, nb, &s);
  assert_int_equal(s.cost, 5);
  mg_diff_script_free(&s);
  free(a);
  free(b);
  assert_script("店长李二负责", "店长王五负责", "=店长 -李二 +王五 =负责");
}

static void random_inputs_match_the_textbook_lcs(void **state) {
  (void)state;
  srand(7);
  for (int round = 0; round < 3000; round++) {
    size_t na = (size_t)rand() % 40, nb = (size_t)rand() % 40;
    int alpha = 2 + rand() % 6;
    uint64_t a[40] = {0}, b[40] = {0};
    for (size_t i = 0; i < na; i++)
      a[i] = (uint64_t)(rand() % alpha);
    for (size_t i = 0; i < nb; i++)
      b[i] = round % 3 && i < na && rand() % 4 ? a[i] /* mostly alike */
                                               : (uint64_t)(rand() % alpha);
    mg_diff_script s;
    mg_diff_seq(a, na, b, nb, 0, &s);
    check_script(a, na, b, nb, &s);
    assert_int_equal(s.cost, na + nb - 2 * lcs(a, na, b, nb));
    assert_false(s.replaced);
    mg_diff_script_free(&s);
  }
}

static void longer_random_inputs_match_the_textbook_lcs(void **state) {
  (void)state;
  srand(11);
  for (int round = 0; round < 40; round++) {
    size_t na = 200 + (size_t)rand() % 400, nb = 200 + (size_t)rand() % 400;
    uint64_t *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
    for (size_t i = 0; i < na; i++)
      a[i] = (uint64_t)(rand() % 4);
    for (size_t i = 0; i < nb; i++)
      b[i] = (uint64_t)(rand() % 4);
    mg_diff_script s;
    mg_diff_seq(a, na, b, nb, 0, &s);
    check_script(a, na, b, nb, &s);
    assert_int_equal(s.cost, na + nb - 2 * lcs(a, na, b, nb));
    mg_diff_script_free(&s);
    free(a);
    free(b);
  }
}

static void a_distance_over_the_bound_replaces_the_middle(void **state) {
  (void)state;
  size_t na, nb;
  uint64_t *a = cps("开头abcdefgh结尾", &na), *b = cps("开头stuvwxyz结尾", &nb);
  mg_diff_script s;
  mg_diff_seq(a, na, b, nb, 4, &s); /* the distance is 16 */
  check_script(a, na, b, nb, &s);
  assert_true(s.replaced);
  assert_int_equal(s.n, 4);
  assert_int_equal(s.v[0].kind, MG_DIFF_EQUAL);
  assert_int_equal(s.v[0].n, 2);
  assert_int_equal(s.v[1].kind, MG_DIFF_DELETE);
  assert_int_equal(s.v[2].kind, MG_DIFF_INSERT);
  assert_int_equal(s.v[3].n, 2);
  mg_diff_script_free(&s);
  /* within the bound, the exact script */
  mg_diff_seq(a, na, b, nb, 16, &s);
  assert_false(s.replaced);
  assert_int_equal(s.cost, 16);
  mg_diff_script_free(&s);
  free(a);
  free(b);
}

/* n random CJK characters (100 KB of UTF-8 for n = 34,000). */
static uint64_t *random_cjk(size_t n, unsigned seed) {
  uint64_t *v = malloc(n * sizeof *v);
  srand(seed);
  for (size_t i = 0; i < n; i++)
    v[i] = 0x4E00 + (uint64_t)(rand() % 3000);
  return v;
}

static void unrelated_long_texts_end_fast_as_replaced(void **state) {
  (void)state;
  size_t n = 34000;
  uint64_t *a = random_cjk(n, 1), *b = random_cjk(n, 2);
  double t0 = mg_now();
  mg_diff_script s;
  mg_diff_seq(a, n, b, n, 0, &s);
  double dt = mg_now() - t0;
  check_script(a, n, b, n, &s);
  assert_true(s.replaced);
  if (dt > 1.0)
    fail_msg("two unrelated 100 KB texts took %.2f s", dt);
  mg_diff_script_free(&s);
  /* the worst case for the snakes: long runs that almost match */
  for (size_t i = 0; i < n; i++)
    a[i] = i % 2, b[i] = (i + 1) % 2 + (i % 997 == 0 ? 5 : 0);
  t0 = mg_now();
  mg_diff_seq(a, n, b, n, 0, &s);
  dt = mg_now() - t0;
  check_script(a, n, b, n, &s);
  if (dt > 1.0)
    fail_msg("two long periodic texts took %.2f s", dt);
  mg_diff_script_free(&s);
  free(a);
  free(b);
}

static void cleanup_joins_a_coincidental_equality(void **state) {
  (void)state;
  char *t = script_text("八点开始", "九点半开始", 1);
  assert_string_equal(t, "-八点 +九点半 =开始");
  free(t);
  /* a real equality stays */
  t = script_text("巡视时间为八点", "巡视时间为八点半", 1);
  assert_string_equal(t, "=巡视时间为八点 +半");
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(empty_inputs_give_an_empty_script),
      cmocka_unit_test(equal_inputs_are_one_equal_run),
      cmocka_unit_test(inputs_with_nothing_in_common_are_replaced),
      cmocka_unit_test(single_insertion_and_deletion),
      cmocka_unit_test(known_lcs_cases),
      cmocka_unit_test(random_inputs_match_the_textbook_lcs),
      cmocka_unit_test(longer_random_inputs_match_the_textbook_lcs),
      cmocka_unit_test(a_distance_over_the_bound_replaces_the_middle),
      cmocka_unit_test(unrelated_long_texts_end_fast_as_replaced),
      cmocka_unit_test(cleanup_joins_a_coincidental_equality),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, tu_root_setup, tu_root_teardown);
}
