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
  /* a real equality stays, and so does one between two insertions */
  t = script_text("巡视时间为八点", "巡视时间为八点半", 1);
  assert_string_equal(t, "=巡视时间为八点 +半");
  free(t);
  t = script_text("请在八点到岗", "请务必在八点前到岗", 1);
  assert_string_equal(t, "=请 +务必 =在八点 +前 =到岗");
  free(t);
  t = script_text("甲乙丙", "甲子乙丑丙", 1);
  assert_string_equal(t, "=甲 +子 =乙 +丑 =丙");
  free(t);
}

/* ------------------------------------------------ sections of a hall */

#define DATA TEMPLATES_DIR "/../tests/unit/data/diff/"

/* The saved manuals are read through the confined loader. */
static int setup(void **state) {
  int r = tu_root_setup(state);
  mg_safe_allow_root(DATA);
  return r;
}

static xmlDocPtr load(const char *name) {
  xmlDocPtr d = xmlReadFile(name, NULL, XML_PARSE_NONET);
  if (!d)
    fail_msg("cannot read %s", name);
  return d;
}

/* A one-section manual whose body is the md blocks given. */
static xmlDocPtr manual_of(const char *blocks) {
  char *x = mg_xasprintf(
      "<m:manual xmlns:m='" MG_NS "' xmlns:md='" MD_NS "'>"
      "<m:edition name='draft' date='2026-01-01'/>"
      "<m:chapter id='c' n='1'><m:title>章</m:title>"
      "<m:section id='s'><m:title>节</m:title><md:document>%s</md:document>"
      "</m:section></m:chapter></m:manual>",
      blocks);
  xmlDocPtr d = xmlReadMemory(x, (int)strlen(x), "manual.xml", NULL, 0);
  free(x);
  if (!d)
    fail_msg("not XML: %s", blocks);
  return d;
}

/* The first node xpath selects from n. */
static xmlNodePtr xnode(xmlNodePtr n, const char *xpath) {
  xmlXPathObjectPtr r = tu_eval(n, xpath);
  xmlNodePtr f =
      r->nodesetval && r->nodesetval->nodeNr ? r->nodesetval->nodeTab[0] : NULL;
  xmlXPathFreeObject(r);
  if (!f)
    fail_msg("nothing at %s", xpath);
  return f;
}

static xmlNodePtr section_of(xmlDocPtr d, const char *id) {
  char *xp = mg_xasprintf("//m:section[@id='%s']", id);
  xmlNodePtr n = xnode(xmlDocGetRootElement(d), xp);
  free(xp);
  return n;
}

static const char *kind_name(mg_change_kind k) {
  return k == MG_SECTION_ADDED     ? "added"
         : k == MG_SECTION_REMOVED ? "removed"
         : k == MG_SECTION_CHANGED ? "changed"
                                   : "unchanged";
}

static char *changes_text(const mg_changes *c) {
  mg_buf b = {0};
  for (size_t i = 0; i < c->n; i++)
    mg_buf_printf(&b, "%s %s %s %s\n", kind_name(c->v[i].kind), c->v[i].id,
                  c->v[i].chapter, c->v[i].title);
  return b.data ? b.data : mg_xstrdup("");
}

static void sections_added_removed_changed_in_new_order(void **state) {
  (void)state;
  xmlDocPtr old = load(DATA "a-std-old.xml"), nw = load(DATA "a-std-new.xml");
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, nw, &ch), 0);
  char *t = changes_text(&ch);
  assert_string_equal(t, "changed manager duties 店长\n"
                         "unchanged uniform duties 仪容仪表\n"
                         "changed rounds patrol 巡视时间\n"
                         "removed notice patrol 营业厅公告\n"
                         "added county patrol 县级厅补充规定\n");
  free(t);
  assert_int_equal(ch.changed, 2);
  assert_int_equal(ch.unchanged, 1);
  assert_int_equal(ch.removed, 1);
  assert_int_equal(ch.added, 1);
  assert_null(ch.v[3].new_section);
  assert_non_null(ch.v[3].old_section);
  assert_null(ch.v[4].old_section);
  assert_string_equal(ch.v[0].old_title, "店长");
  assert_int_equal(ch.v[2].new_index, 2);
  assert_int_equal(ch.v[3].new_index, SIZE_MAX);
  mg_changes_free(&ch);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void a_removed_first_section_comes_first(void **state) {
  (void)state;
  xmlDocPtr old = load(DATA "a-std-old.xml"), nw = load(DATA "a-std-old.xml");
  xmlNodePtr m = section_of(nw, "manager");
  xmlUnlinkNode(m);
  xmlFreeNode(m);
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, nw, &ch), 0);
  assert_int_equal(ch.v[0].kind, MG_SECTION_REMOVED);
  assert_string_equal(ch.v[0].id, "manager");
  assert_int_equal(ch.unchanged, 3);
  mg_changes_free(&ch);
  /* no old manual: every section is new */
  assert_int_equal(mg_diff_manuals(NULL, nw, &ch), 0);
  assert_int_equal(ch.added, 3);
  assert_int_equal(ch.n, 3);
  mg_changes_free(&ch);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

/* The same resolved content, serialized another way: indented, and with
 * a paragraph's text nodes merged into one. */
static void the_serialization_does_not_count(void **state) {
  (void)state;
  xmlDocPtr old = load(DATA "a-std-old.xml");
  xmlChar *x;
  int n;
  xmlDocDumpFormatMemoryEnc(old, &x, &n, "UTF-8", 1);
  assert_non_null(strstr((const char *)x, "\n    <m:section"));
  xmlDocPtr pretty = xmlReadMemory((const char *)x, n, "pretty.xml", NULL, 0);
  xmlFree(x);
  xmlNodePtr p = xnode(xmlDocGetRootElement(pretty),
                       "//m:section[@id='manager']//md:paragraph");
  xmlXPathObjectPtr r = tu_eval(p, "md:text");
  assert_int_equal(r->nodesetval->nodeNr, 5);
  mg_buf all = {0};
  for (int i = 0; i < r->nodesetval->nodeNr; i++) {
    xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
    mg_buf_puts(&all, (const char *)t);
    xmlFree(t);
  }
  for (int i = 1; i < r->nodesetval->nodeNr; i++) {
    xmlUnlinkNode(r->nodesetval->nodeTab[i]);
    xmlFreeNode(r->nodesetval->nodeTab[i]);
  }
  xmlNodeSetContent(r->nodesetval->nodeTab[0], BAD_CAST all.data);
  mg_buf_free(&all);
  xmlXPathFreeObject(r);
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, pretty, &ch), 0);
  assert_int_equal(ch.unchanged, 4);
  assert_int_equal(ch.changed + ch.added + ch.removed, 0);
  mg_changes_free(&ch);
  xmlFreeDoc(old);
  xmlFreeDoc(pretty);
}

static void edition_strings_and_store_are_not_content(void **state) {
  (void)state;
  xmlDocPtr old = load(DATA "a-std-old.xml"), nw = load(DATA "a-std-old.xml");
  xmlNodePtr root = xmlDocGetRootElement(nw);
  xmlXPathObjectPtr r = tu_eval(root, "m:edition | m:store | m:l10n/m:string");
  for (int i = 0; i < r->nodesetval->nodeNr; i++) {
    xmlNodePtr e = r->nodesetval->nodeTab[i];
    if (!strcmp((const char *)e->name, "edition"))
      xmlSetProp(e, BAD_CAST "date", BAD_CAST "2027-03-01");
    else if (!strcmp((const char *)e->name, "store"))
      xmlSetProp(e, BAD_CAST "name", BAD_CAST "改名厅");
    else
      xmlNodeSetContent(e, BAD_CAST "x");
  }
  xmlXPathFreeObject(r);
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, nw, &ch), 0);
  assert_int_equal(ch.unchanged, 4);
  mg_changes_free(&ch);
  /* but a section's attribute is */
  xmlSetProp(section_of(nw, "uniform"), BAD_CAST "posts", BAD_CAST "clerk");
  assert_int_equal(mg_diff_manuals(old, nw, &ch), 0);
  assert_int_equal(ch.changed, 1);
  assert_string_equal(ch.v[1].id, "uniform");
  assert_int_equal(ch.v[1].kind, MG_SECTION_CHANGED);
  mg_changes_free(&ch);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void a_document_that_is_no_manual_is_refused(void **state) {
  (void)state;
  tu_diag_reset();
  xmlDocPtr old = load(DATA "a-std-old.xml");
  xmlDocPtr bad = xmlReadMemory("<x/>", 4, "x.xml", NULL, 0);
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, bad, &ch), -1);
  assert_int_equal(ch.n, 0);
  char *t = mg_diag_take_text();
  assert_contains(t, "x.xml:1: error: this is not a resolved manual: its "
                     "root element is <x>, not <m:manual>");
  free(t);
  xmlFreeDoc(bad);
  bad = manual_of("");
  xmlNodePtr s = section_of(bad, "s");
  xmlAddNextSibling(s, xmlCopyNode(s, 1));
  assert_int_equal(mg_diff_manuals(old, bad, &ch), -1);
  t = mg_diag_take_text();
  assert_contains(t, "error: the section id 's' is used twice in the manual");
  free(t);
  xmlFreeDoc(bad);
  xmlFreeDoc(old);
}

/* ------------------------------------------------------------- marks */

/* The marked body of section s between two one-section manuals. The
 * node is linked into the new manual in place of the old body, so that
 * it is freed with it. */
static xmlNodePtr marked(xmlDocPtr old, xmlDocPtr nw, size_t *marks) {
  xmlNodePtr ns = section_of(nw, "s");
  xmlNodePtr m = mg_diff_mark_section(section_of(old, "s"), ns, nw, marks);
  assert_non_null(m);
  xmlNodePtr body = NULL;
  for (xmlNodePtr c = ns->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE &&
        !strcmp((const char *)c->name, "document"))
      body = c;
  xmlReplaceNode(body, m);
  xmlFreeNode(body);
  return m;
}

#define P(text) "<md:paragraph><md:text>" text "</md:text></md:paragraph>"

/* The marked bodies of the fixture's changed sections. */
static void marks_of_the_fixture(void **state) {
  (void)state;
  xmlDocPtr old = load(DATA "a-std-old.xml"), nw = load(DATA "a-std-new.xml");
  mg_changes ch;
  assert_int_equal(mg_diff_manuals(old, nw, &ch), 0);
  xmlDocPtr m = mg_diff_mark_manual(nw, &ch);
  assert_non_null(m);
  xmlNodePtr root = xmlDocGetRootElement(m);

  /* rounds: "八点" -> "八点半" marks exactly 半, the bold kept */
  xmlNodePtr rounds = section_of(m, "rounds");
  assert_xpath_str(rounds, "@change", "changed");
  assert_xpath_num(rounds, "count(.//m:ins)", 2);
  assert_xpath_num(rounds, "count(.//m:del)", 0);
  assert_xpath_str(rounds, "md:document/md:paragraph[2]/m:ins", "半");
  assert_xpath_str(rounds, "md:document/md:paragraph[2]/m:ins/@id",
                   "rounds--chg-1");
  assert_xpath_str(rounds, "md:document/md:paragraph[2]/md:strong/md:text",
                   "值班经理");
  assert_xpath_str(rounds, "md:document/md:paragraph[2]",
                   "夜间巡视时间为八点半，由值班经理负责。");
  assert_xpath_str(rounds,
                   "md:document/md:paragraph[2]/m:ins/preceding-sibling::*[1]",
                   "夜间巡视时间为八点");
  /* one item changed: the list and the other items are not marked */
  assert_xpath_num(rounds, "count(.//m:ins-block | .//m:del-block)", 0);
  assert_xpath_str(rounds, "md:document/md:list/md:item[3]/md:paragraph/m:ins",
                   "和票据");
  assert_xpath_str(rounds, "md:document/md:list/md:item[3]//m:ins/@id",
                   "rounds--chg-2");
  assert_xpath_num(rounds,
                   "count(md:document/md:list/md:item[3]/md:paragraph/*)", 2);
  assert_int_equal(ch.v[2].marks, 2);

  /* manager: a parameter (李二 -> 王五), the table (70 -> 75, 30 -> 25),
   * a new paragraph */
  xmlNodePtr mgr = section_of(m, "manager");
  assert_xpath_str(mgr, "md:document/md:paragraph[1]/m:del", "李二");
  assert_xpath_str(mgr, "md:document/md:paragraph[1]/m:del/@id",
                   "manager--chg-1");
  assert_xpath_str(
      mgr,
      "md:document/md:paragraph[1]/m:del/following-sibling::*[1]/self::m:ins",
      "王五");
  assert_xpath_str(mgr, "md:document/md:paragraph[1]",
                   "店长 李二王五 负责 甲市标准厅 的全面管理。");
  assert_xpath_str(
      mgr, "md:document/md:table/md:table_row[1]/md:table_cell[2]/m:del", "0");
  assert_xpath_str(
      mgr, "md:document/md:table/md:table_row[1]/md:table_cell[2]/m:ins", "5");
  assert_xpath_str(
      mgr, "md:document/md:table/md:table_row[1]/md:table_cell[2]/m:del/@id",
      "manager--chg-2");
  assert_xpath_str(
      mgr, "md:document/md:table/md:table_row[2]/md:table_cell[2]/m:del", "30");
  assert_xpath_str(
      mgr, "md:document/md:table/md:table_row[2]/md:table_cell[2]/m:ins", "25");
  assert_xpath_str(mgr, "md:document/m:ins-block/md:paragraph",
                   "每月末店长组织一次服务质量复盘。");
  assert_xpath_str(mgr, "md:document/m:ins-block/@id", "manager--chg-4");
  assert_xpath_str(mgr, "name(md:document/m:ins-block/preceding-sibling::*[1])",
                   "md:table");
  assert_int_equal(ch.v[0].marks, 4);

  /* unchanged and added sections are left as they are */
  assert_xpath_num(root, "count(//m:section[@id='uniform']/@change)", 0);
  assert_xpath_str(root, "//m:section[@id='county']/@change", "added");
  assert_xpath_num(root, "count(//m:section[@id='county']//m:ins-block)", 0);
  /* the namespaces are the manual's: none declared again */
  xmlChar *x;
  int n;
  xmlDocDumpMemory(m, &x, &n);
  const char *body = strstr((const char *)x, "<m:chapter");
  assert_non_null(body);
  assert_null(strstr(body, "xmlns"));
  xmlFree(x);
  xmlFreeDoc(m);
  mg_changes_free(&ch);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void a_removed_block_is_put_back_where_it_was(void **state) {
  (void)state;
  xmlDocPtr old = manual_of(
                "<md:heading level='3' "
                "id='s--甲'><md:text>甲</md:text></md:heading>" P("第一段。")
                    P("第二段，见<md:link "
                      "destination='x'><md:text>链接</md:text></md:link>。")
                        P("第三段。")),
            nw = manual_of(P("第一段。") P("新的一段。") P("第三段。"));
  size_t marks;
  xmlNodePtr b = marked(old, nw, &marks);
  assert_int_equal(marks, 3);
  assert_xpath_str(b, "name(*[1])", "m:del-block");
  assert_xpath_str(b, "*[1]/@id", "s--chg-1");
  assert_xpath_num(b, "count(*[1]/md:heading/@id)", 0); /* no duplicate id */
  assert_xpath_str(b, "*[2]", "第一段。");
  assert_xpath_str(b, "name(*[3])", "m:del-block");
  assert_xpath_str(b, "*[3]", "第二段，见链接。");
  assert_xpath_num(b, "count(*[3]//md:link)", 0);
  assert_xpath_str(b, "name(*[4])", "m:ins-block");
  assert_xpath_str(b, "*[4]/@id", "s--chg-3");
  assert_xpath_str(b, "*[4]", "新的一段。");
  assert_xpath_str(b, "*[5]", "第三段。");
  assert_xpath_num(b, "count(*)", 5);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void marks_keep_the_inline_structure(void **state) {
  (void)state;
  /* an insertion inside bold stays inside it; a deletion after a link is
   * put after the link, not in it */
  xmlDocPtr old = manual_of(
                "<md:paragraph><md:text>请</md:text><md:strong><md:text>店长</"
                "md:text></md:strong>"
                "<md:text>见</md:text><md:link "
                "destination='x'><md:text>职责</md:text></md:link>"
                "<md:text>和附录。</md:text></md:paragraph>"),
            nw = manual_of(
                "<md:paragraph><md:text>请</"
                "md:text><md:strong><md:text>店长本人</md:text></md:strong>"
                "<md:text>见</md:text><md:link "
                "destination='x'><md:text>职责</md:text></md:link>"
                "<md:text>。</md:text></md:paragraph>");
  size_t marks;
  xmlNodePtr b = marked(old, nw, &marks);
  assert_int_equal(marks, 1);
  assert_xpath_str(b, "md:paragraph/md:strong/m:ins", "本人");
  assert_xpath_str(b, "md:paragraph/md:strong/m:ins/@id", "s--chg-1");
  assert_xpath_str(b, "md:paragraph/md:strong/md:text", "店长");
  assert_xpath_str(b, "md:paragraph/md:link", "职责");
  assert_xpath_str(b, "md:paragraph/m:del", "和附录");
  assert_xpath_str(b, "name(md:paragraph/m:del/preceding-sibling::*[1])",
                   "md:link");
  assert_xpath_str(b, "md:paragraph/md:text[last()]", "。");
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void
deleted_text_keeps_its_emphasis_and_inserted_elements_are_whole(void **state) {
  (void)state;
  xmlDocPtr
      old = manual_of(
          "<md:paragraph><md:text>甲</md:text><md:emph><md:text>乙丙</md:text>"
          "<md:code>丁</md:code></md:emph><md:text>戊己庚辛</md:text></"
          "md:paragraph>"),
      nw = manual_of("<md:paragraph><md:text>甲戊己</"
                     "md:text><md:strong><md:text>新</md:text>"
                     "</md:strong><md:text>庚辛</md:text></md:paragraph>");
  xmlNodePtr b = marked(old, nw, NULL);
  /* the deleted 乙丙丁 keep their emphasis and code, in one m:del */
  assert_xpath_num(b, "count(.//m:del)", 1);
  assert_xpath_str(b, "md:paragraph/m:del/md:emph/md:text", "乙丙");
  assert_xpath_str(b, "md:paragraph/m:del/md:emph/md:code", "丁");
  assert_xpath_num(b, "count(md:paragraph/m:del/md:emph)", 1);
  /* the new bold word is inserted whole */
  assert_xpath_str(b, "name(md:paragraph/m:ins/*)", "md:strong");
  assert_xpath_str(b, "md:paragraph/m:ins", "新");
  assert_xpath_str(b, "md:paragraph", "甲乙丙丁戊己新庚辛");
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void making_a_word_bold_or_relinking_it_is_marked(void **state) {
  (void)state;
  xmlDocPtr
      old = manual_of(
          P("巡视由店长负责。") "<md:paragraph><md:link destination='a.md'>"
                                "<md:text>职责</md:text></md:link></"
                                "md:paragraph>"),
      nw = manual_of(
          "<md:paragraph><md:text>巡视由</md:text><md:strong><md:text>店长</"
          "md:text>"
          "</md:strong><md:text>负责。</md:text></md:paragraph>"
          "<md:paragraph><md:link destination='b.md'><md:text>职责</md:text>"
          "</md:link></md:paragraph>");
  size_t marks;
  xmlNodePtr b = marked(old, nw, &marks);
  assert_int_equal(marks, 2);
  assert_xpath_str(b, "md:paragraph[1]/m:del", "店长");
  assert_xpath_str(b, "md:paragraph[1]/m:ins/md:strong", "店长");
  assert_xpath_str(b, "md:paragraph[2]/m:del", "职责");
  assert_xpath_str(b, "md:paragraph[2]/m:ins/md:link/@destination", "b.md");
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void a_rewritten_paragraph_is_a_deletion_and_an_insertion(void **state) {
  (void)state;
  xmlDocPtr old = manual_of(P("开门前十分钟完成巡视。")),
            nw = manual_of(P("每天下班后由值班经理检查门锁和监控。"));
  size_t marks;
  xmlNodePtr b = marked(old, nw, &marks);
  assert_int_equal(marks, 2);
  assert_xpath_str(b, "name(*[1])", "m:del-block");
  assert_xpath_str(b, "name(*[2])", "m:ins-block");
  assert_xpath_num(b, "count(.//m:ins | .//m:del)", 0);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void code_blocks_are_marked_with_text(void **state) {
  (void)state;
  xmlDocPtr old = manual_of(
                "<md:code_block info='sh'>make all\n</md:code_block>"),
            nw = manual_of(
                "<md:code_block info='sh'>make -j2 all\n</md:code_block>");
  xmlNodePtr b = marked(old, nw, NULL);
  assert_xpath_str(b, "md:code_block/m:ins", "-j2 ");
  assert_xpath_num(b, "count(md:code_block/m:ins/*)", 0);
  assert_xpath_str(b, "md:code_block", "make -j2 all\n");
  assert_xpath_str(b, "md:code_block/@info", "sh");
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void an_item_added_to_a_list_is_an_inserted_item(void **state) {
  (void)state;
  xmlDocPtr old = manual_of("<md:list type='bullet' tight='true'><md:item>" P(
                "检查叫号机") "</md:item>"
                              "<md:item>" P(
                                  "整理宣传资料") "</md:item></md:list>"),
            nw = manual_of("<md:list type='bullet' tight='true'><md:item>" P(
                "检查叫号机") "</md:item>"
                              "<md:item>" P(
                                  "打开空调") "</md:item>"
                                              "<md:item>" P(
                                                  "整理宣传资料") "</md:item></"
                                                                  "md:list>");
  xmlNodePtr b = marked(old, nw, NULL);
  assert_xpath_str(b, "name(md:list/*[2])", "m:ins-block");
  assert_xpath_str(b, "md:list/m:ins-block/md:item", "打开空调");
  assert_xpath_num(b, "count(md:list/md:item)", 2);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

/* Marked into a document that does not declare the namespaces (a page of
 * its own), the body declares them itself and serializes as XML that
 * reads back the same. */
static void
a_body_marked_for_a_bare_document_declares_its_namespaces(void **state) {
  (void)state;
  xmlDocPtr old = manual_of(P("巡视时间为八点")),
            nw = manual_of(P("巡视时间为八点半"));
  xmlDocPtr page = xmlNewDoc(BAD_CAST "1.0");
  size_t marks;
  xmlNodePtr b = mg_diff_mark_section(section_of(old, "s"), section_of(nw, "s"),
                                      page, &marks);
  assert_int_equal(marks, 1);
  xmlDocSetRootElement(page, b);
  xmlChar *x;
  int n;
  xmlDocDumpMemory(page, &x, &n);
  xmlDocPtr again = xmlReadMemory((const char *)x, n, "page.xml", NULL, 0);
  xmlFree(x);
  assert_non_null(again);
  xmlNodePtr r = xmlDocGetRootElement(again);
  assert_xpath_str(r, "md:paragraph/m:ins", "半");
  assert_xpath_str(r, "md:paragraph/m:ins/@id", "s--chg-1");
  xmlFreeDoc(again);
  xmlFreeDoc(page);
  /* without an old section: a plain copy, nothing marked */
  page = xmlNewDoc(BAD_CAST "1.0");
  b = mg_diff_mark_section(NULL, section_of(nw, "s"), page, &marks);
  xmlDocSetRootElement(page, b);
  assert_int_equal(marks, 0);
  assert_xpath_str(b, "md:paragraph", "巡视时间为八点半");
  assert_xpath_num(b, "count(.//m:ins | .//m:del)", 0);
  xmlFreeDoc(page);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
}

static void unrelated_long_paragraphs_are_replaced_fast(void **state) {
  (void)state;
  size_t n = 34000;
  mg_buf a = {0}, b = {0};
  uint64_t *x = random_cjk(n, 3), *y = random_cjk(n, 4);
  mg_buf_puts(&a, "<md:paragraph><md:text>");
  mg_buf_puts(&b, "<md:paragraph><md:text>");
  for (size_t i = 0; i < n; i++) {
    char u[3] = {(char)(0xE0 | x[i] >> 12), (char)(0x80 | ((x[i] >> 6) & 0x3F)),
                 (char)(0x80 | (x[i] & 0x3F))};
    char v[3] = {(char)(0xE0 | y[i] >> 12), (char)(0x80 | ((y[i] >> 6) & 0x3F)),
                 (char)(0x80 | (y[i] & 0x3F))};
    mg_buf_put(&a, u, 3);
    mg_buf_put(&b, v, 3);
  }
  mg_buf_puts(&a, "</md:text></md:paragraph>");
  mg_buf_puts(&b, "</md:text></md:paragraph>");
  assert_true(a.len > 100000);
  xmlDocPtr old = manual_of(a.data), nw = manual_of(b.data);
  double t0 = mg_now();
  xmlNodePtr m = marked(old, nw, NULL);
  double dt = mg_now() - t0;
  if (dt > 1.0)
    fail_msg("marking two unrelated 100 KB paragraphs took %.2f s", dt);
  assert_xpath_str(m, "name(*[1])", "m:del-block");
  assert_xpath_str(m, "name(*[2])", "m:ins-block");
  assert_xpath_num(m, "count(*)", 2);
  xmlFreeDoc(old);
  xmlFreeDoc(nw);
  mg_buf_free(&a);
  mg_buf_free(&b);
  free(x);
  free(y);
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
      cmocka_unit_test(sections_added_removed_changed_in_new_order),
      cmocka_unit_test(a_removed_first_section_comes_first),
      cmocka_unit_test(the_serialization_does_not_count),
      cmocka_unit_test(edition_strings_and_store_are_not_content),
      cmocka_unit_test(a_document_that_is_no_manual_is_refused),
      cmocka_unit_test(marks_of_the_fixture),
      cmocka_unit_test(a_removed_block_is_put_back_where_it_was),
      cmocka_unit_test(marks_keep_the_inline_structure),
      cmocka_unit_test(
          deleted_text_keeps_its_emphasis_and_inserted_elements_are_whole),
      cmocka_unit_test(making_a_word_bold_or_relinking_it_is_marked),
      cmocka_unit_test(a_rewritten_paragraph_is_a_deletion_and_an_insertion),
      cmocka_unit_test(code_blocks_are_marked_with_text),
      cmocka_unit_test(an_item_added_to_a_list_is_an_inserted_item),
      cmocka_unit_test(
          a_body_marked_for_a_bare_document_declares_its_namespaces),
      cmocka_unit_test(unrelated_long_paragraphs_are_replaced_fast),
  };
  tu_filter();
  return cmocka_run_group_tests(tests, setup, tu_root_teardown);
}
