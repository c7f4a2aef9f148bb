/* test_splice.c -- splice.c against the drivers themselves.
 *
 * Each test gives mg_splice_pages a tiny pair of drivers (site and
 * handbook, compiled from strings) and a resolved-manual-like document,
 * and requires either the very bytes mg_transform makes of the same
 * document (spliced: 0) or a refusal (1) that leaves the document as it
 * was: where the serializer writes a value in text, in an attribute, in
 * a URI attribute; a value the stylesheet takes apart, writes in a
 * comment or a script; quotes that would change an attribute's quoting;
 * token characters in the content. */
#include "testutil.h"

#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>

#define XSL_HEAD                                                               \
  "<xsl:stylesheet version='1.0' "                                             \
  "xmlns:xsl='http://www.w3.org/1999/XSL/Transform' xmlns:m='urn:manualgen' "  \
  "exclude-result-prefixes='m'>"                                               \
  "<xsl:output method='xml' encoding='UTF-8' indent='no'/>"                    \
  "<xsl:param name='css' select=\"''\"/>"

/* A driver writing one page, NAME.html, whose body is BODY (XSLT). */
static xsltStylesheetPtr driver(const char *name, const char *body) {
  char *text = mg_xasprintf(
      XSL_HEAD "<xsl:template match='/'><m:pages><m:page href='%s.html'>"
               "<html><head><title><xsl:value-of select='/m:manual/m:store/"
               "@name'/></title></head><body>%s</body></html></m:page>"
               "</m:pages></xsl:template></xsl:stylesheet>",
      name, body);
  xmlDocPtr d = xmlReadMemory(text, (int)strlen(text), "driver.xsl", NULL,
                              mg_safe_xml_options());
  free(text);
  assert_non_null(d);
  xsltStylesheetPtr s = xsltParseStylesheetDoc(d);
  assert_non_null(s);
  return s;
}

/* A hall's document: its name (holed), a text from a placeholder (holed)
 * and one that is not. */
static xmlDocPtr hall(const char *name, const char *value, const char *text) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "manual");
  xmlNsPtr m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, m);
  xmlDocSetRootElement(doc, root);
  xmlNodePtr st = xmlNewChild(root, m, BAD_CAST "store", NULL);
  xmlNewProp(st, BAD_CAST "id", BAD_CAST "a-1");
  xmlNewProp(st, BAD_CAST "name", BAD_CAST name);
  xmlNodePtr p = xmlNewChild(root, m, BAD_CAST "p", NULL);
  xmlNodePtr t = xmlNewText(BAD_CAST value);
  t->_private = (void *)&mg_placeholder_mark;
  xmlAddChild(p, t);
  xmlNewTextChild(root, m, BAD_CAST "q", BAD_CAST text);
  return doc;
}

typedef struct {
  mg_templates tpl;
  mg_splicer *s;
} fixture;

static void setup(fixture *f, const char *site_body) {
  memset(f, 0, sizeof *f);
  f->tpl.site = driver("index", site_body);
  f->tpl.handbook = driver("handbook", "<p><xsl:value-of select='//m:p'/></p>");
  memcpy(f->tpl.digest, "0123456789abcdef0123456789abcdef", 33);
  f->s = mg_splicer_new((size_t)1 << 20);
}

static void teardown(fixture *f) {
  xsltFreeStylesheet(f->tpl.site);
  xsltFreeStylesheet(f->tpl.handbook);
  mg_splicer_free(f->s);
}

static char *serialize(xmlDocPtr doc) {
  xmlChar *buf = NULL;
  int n = 0;
  xmlDocDumpMemory(doc, &buf, &n);
  char *s = mg_xstrdup((const char *)buf);
  xmlFree(buf);
  return s;
}

/* mg_splice_pages on doc; when it splices, the pages must be the
 * reference's byte for byte. Either way doc must be as it was. Returns
 * its result. */
static int splice_or_refuse(fixture *f, xmlDocPtr doc) {
  const char *hp[] = {"css", "x", NULL};
  char *before = serialize(doc);
  mg_pages got = {0}, want = {0};
  int rc = mg_splice_pages(f->s, &f->tpl, doc, hp, &got, "test");
  char *after = serialize(doc);
  assert_string_equal(before, after);
  assert_int_equal(mg_transform(f->tpl.site, doc, NULL, &want, "ref"), 0);
  assert_int_equal(mg_transform(f->tpl.handbook, doc, hp, &want, "ref"), 0);
  if (rc == 0) {
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < got.n; i++) {
      assert_string_equal(got.v[i].href, want.v[i].href);
      assert_int_equal(got.v[i].len, want.v[i].len);
      assert_memory_equal(got.v[i].data, want.v[i].data, want.v[i].len);
    }
  } else {
    assert_int_equal(got.n, 0);
  }
  mg_pages_free(&got);
  mg_pages_free(&want);
  free(before);
  free(after);
  return rc;
}

static size_t rendered(fixture *f) {
  size_t r, s, t;
  mg_splicer_stats(f->s, &r, &s, &t);
  return r;
}

static void values_in_text_attributes_and_uris(void **state) {
  (void)state;
  fixture f;
  setup(&f, "<h1><xsl:value-of select='/m:manual/m:store/@name'/></h1>"
            "<p title='{/m:manual/m:store/@name}'>"
            "<xsl:value-of select='/m:manual/m:p'/></p>"
            "<a href='https://x.example/{/m:manual/m:p}?h={/m:manual/m:store/"
            "@name}'>go</a><img src='{/m:manual/m:p}' alt=''/>");
  const char *names[] = {"南京 1 号", "A&B <东> >", "x\ty\nz", "50% & %41"};
  const char *values[] = {"12", "路 & 街 <8>", "a b/c?d=e#f", "é ü"};
  for (int i = 0; i < 4; i++) {
    xmlDocPtr d = hall(names[i], values[i], "普通文字");
    assert_int_equal(splice_or_refuse(&f, d), 0);
    xmlFreeDoc(d);
  }
  /* one shape for the four: rendered once */
  assert_int_equal(rendered(&f), 1);
  teardown(&f);
}

static void equal_values_share_a_token(void **state) {
  (void)state;
  fixture f;
  setup(&f, "<xsl:if test='/m:manual/m:store/@name = /m:manual/m:p'>"
            "<p>same</p></xsl:if><xsl:value-of select='/m:manual/m:p'/>");
  xmlDocPtr d1 = hall("甲厅", "甲厅", "t");
  xmlDocPtr d2 = hall("乙厅", "丙厅", "t");
  assert_int_equal(splice_or_refuse(&f, d1), 0);
  assert_int_equal(splice_or_refuse(&f, d2), 0);
  /* the equality is part of the shape: two renderings */
  assert_int_equal(rendered(&f), 2);
  xmlFreeDoc(d1);
  xmlFreeDoc(d2);
  teardown(&f);
}

static void refused_where_a_token_cannot_be_put_back(void **state) {
  (void)state;
  const char *bodies[] = {
      /* taken apart */
      "<p><xsl:value-of select='substring(/m:manual/m:store/@name, 2)'/></p>",
      /* in a comment, in a script */
      "<xsl:comment><xsl:value-of select='/m:manual/m:p'/></xsl:comment>",
      "<script><xsl:value-of select='/m:manual/m:p'/></script>",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
    fixture f;
    setup(&f, bodies[i]);
    xmlDocPtr d = hall("某某厅", "值", "t");
    assert_int_equal(splice_or_refuse(&f, d), 1);
    xmlFreeDoc(d);
    teardown(&f);
  }
}

static void refused_when_a_value_would_change_the_quoting(void **state) {
  (void)state;
  fixture f;
  setup(&f, "<p title='{/m:manual/m:store/@name}'>x</p>"
            "<a href='{/m:manual/m:p}'>y</a>");
  xmlDocPtr ok = hall("plain", "https://a.example/", "t");
  assert_int_equal(splice_or_refuse(&f, ok), 0);
  xmlDocPtr quote = hall("他说\"好\"", "https://a.example/", "t");
  assert_int_equal(splice_or_refuse(&f, quote), 1);
  xmlDocPtr apos = hall("it's", "https://a.example/", "t");
  assert_int_equal(splice_or_refuse(&f, apos), 1);
  /* a URI's leading blanks are stripped by the serializer */
  xmlDocPtr blank = hall("plain", " https://a.example/", "t");
  assert_int_equal(splice_or_refuse(&f, blank), 1);
  xmlFreeDoc(ok);
  xmlFreeDoc(quote);
  xmlFreeDoc(apos);
  xmlFreeDoc(blank);
  teardown(&f);
}

static void refused_when_the_content_holds_the_token_characters(void **state) {
  (void)state;
  fixture f;
  setup(&f, "<p><xsl:value-of select='/m:manual/m:q'/></p>");
  xmlDocPtr d = hall("厅", "值",
                     "私用区\xEE\x80\x80"
                     "0\xEE\x80\x81字符");
  assert_int_equal(splice_or_refuse(&f, d), 1);
  xmlFreeDoc(d);
  teardown(&f);
}

static void numbers_stay_literal_in_attributes(void **state) {
  (void)state;
  fixture f;
  /* a stylesheet may test an attribute as a number: not holed */
  setup(&f, "<xsl:if test='/m:manual/m:store/@id &gt; 5'>big</xsl:if>");
  xmlDocPtr d = hall("厅", "7", "t");
  xmlSetProp(xmlDocGetRootElement(d)->children, BAD_CAST "id", BAD_CAST "9");
  assert_int_equal(splice_or_refuse(&f, d), 0);
  xmlSetProp(xmlDocGetRootElement(d)->children, BAD_CAST "id", BAD_CAST "3");
  assert_int_equal(splice_or_refuse(&f, d), 0);
  assert_int_equal(rendered(&f), 2);
  xmlFreeDoc(d);
  teardown(&f);
}

int main(void) {
  tu_filter();
  xmlInitParser();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(values_in_text_attributes_and_uris),
      cmocka_unit_test(equal_values_share_a_token),
      cmocka_unit_test(refused_where_a_token_cannot_be_put_back),
      cmocka_unit_test(refused_when_a_value_would_change_the_quoting),
      cmocka_unit_test(refused_when_the_content_holds_the_token_characters),
      cmocka_unit_test(numbers_stay_literal_in_attributes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
