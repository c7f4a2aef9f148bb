/* feedback.c -- the field-feedback ledger (manualgen.h has the contract).
 *
 * content/feedback/FB-0001.xml, one item a file so that two editors
 * adding items never touch the same file. Each file is parsed safely,
 * validated against templates/schema/feedback.xsd, and checked for what
 * the schema cannot say (its name is its id; its status agrees with its
 * answer and its release). A file that fails is reported at its position
 * and never written to; the others load all the same.
 *
 * Writes never leave half a file and never lose one: a new item is
 * written in full to an unnamed file in the folder and then linked to its
 * name, which fails rather than replaces when another editor took that id
 * meanwhile (then the next id is tried); a change is made on a copy of the
 * parsed file (comments survive), checked against the schema, and
 * replaces the file in one step (mg_write_atomic). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/hash.h>
#include <libxml/xmlschemas.h>

#include "manualgen.h"

/* At most this many schema errors are reported for one file. */
/* The text column of `feedback list` is cut at this many columns. */
#define LIST_TEXT_COLS 40
/* How many ids `add` tries when other editors keep taking the next. */
#define ADD_TRIES 1000

static const char *const status_names[] = {"open", "accepted", "rejected",
                                           "resolved"};

const char *mg_fb_status_name(mg_fb_status s) {
  return (unsigned)s < 4 ? status_names[s] : "?";
}

int mg_fb_status_parse(const char *s) {
  for (int i = 0; s && i < 4; i++)
    if (!strcmp(s, status_names[i]))
      return i;
  return -1;
}

/* ------------------------------------------------------------ values */

/* The number of the id s[0, n): "FB-" and four digits, or more without a
 * leading zero (the schema's FeedbackId). 0 when s is not an id. */
static unsigned long id_number(const char *s, size_t n) {
  if (n < 7 || n > 12 || strncmp(s, "FB-", 3) || (n > 7 && s[3] == '0'))
    return 0;
  unsigned long v = 0;
  for (size_t i = 3; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  return v;
}

static char *id_format(unsigned long num) {
  return mg_xasprintf("FB-%04lu", num);
}

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

/* True when s is a real day written YYYY-MM-DD. */
static int is_date(const char *s) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
      !digits(s + 5, 2) || !digits(s + 8, 2))
    return 0;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
    return 0;
  return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* True when s is a release version MAJOR.MINOR, as 1.2 (no leading
 * zeros: 1.02 and 1.2 would be two names of one release). */
static int is_version(const char *s) {
  const char *dot = s ? strchr(s, '.') : NULL;
  if (!dot || dot == s || !dot[1])
    return 0;
  size_t a = (size_t)(dot - s), b = strlen(dot + 1);
  return a <= 6 && b <= 6 && digits(s, a) && digits(dot + 1, b) &&
         (a == 1 || s[0] != '0') && (b == 1 || dot[1] != '0');
}

/* Checks the words an editor gave (what: "the text", "the answer"): not
 * empty, UTF-8, and no character that XML cannot hold or a terminal
 * would act on (control characters but line breaks and tabs,
 * noncharacters). Returns 0, or -1 after reporting. */
static int check_words(const char *what, const char *s) {
  int blank = 1, col = 0;
  for (size_t i = 0, n = strlen(s); i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    col++;
    if (!k) {
      mg_diag(MG_ERROR, NULL, 0, 0,
              "%s is not UTF-8 text (a stray byte 0x%02X at character %d)",
              what, (unsigned char)s[i], col);
      return -1;
    }
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
        (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF) {
      mg_diag(MG_ERROR, NULL, 0, 0,
              "%s has a control character (U+%04X) at character %d; write "
              "plain text",
              what, cp, col);
      return -1;
    }
    if (cp != ' ' && cp != '\n' && cp != '\t' && cp != 0x3000)
      blank = 0;
    i += (size_t)k;
  }
  if (blank) {
    mg_diag(MG_ERROR, NULL, 0, 0, "%s is empty", what);
    return -1;
  }
  return 0;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* s without leading and trailing white space. Caller frees. */
static char *trimmed(const char *s) {
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && is_space(s[n - 1]))
    n--;
  return mg_xstrndup(s, n);
}

/* ------------------------------------------------------------ schema */

/* Validates doc (its URL names its file); returns the number of errors,
 * each reported. */
static int validate(const mg_ledger *l, xmlDocPtr doc) {
  return mg_schema_validate(l->schema, l->xsd_doc, doc);
}

/* ------------------------------------------------------------- items */

static void item_clear(mg_fb_item *it) {
  free(it->id);
  free(it->file);
  free(it->date);
  free(it->store);
  free(it->post);
  free(it->section);
  free(it->heading);
  free(it->text);
  free(it->answer);
  free(it->answer_date);
  free(it->version);
  free(it->resolved_date);
  xmlFreeDoc(it->doc);
  memset(it, 0, sizeof *it);
}

static void item_free(mg_fb_item *it) {
  if (it) {
    item_clear(it);
    free(it);
  }
}

/* The trimmed text of n, or of its attribute name (NULL when it has
 * none). Caller frees. */
static char *value(xmlNodePtr n, const char *attr) {
  if (!n)
    return NULL;
  xmlChar *v = attr ? xmlGetProp(n, BAD_CAST attr) : xmlNodeGetContent(n);
  char *s = v ? trimmed((const char *)v) : NULL;
  xmlFree(v);
  return s;
}

/* The line and column (in characters) of el's '<' in its file, for a
 * message. The column is 0 when the file cannot be read again. */
static void position(xmlNodePtr el, int *line, int *col) {
  *line = (int)xmlGetLineNo(el);
  *col = 0;
  size_t len;
  char *src = el->doc && el->doc->URL
                  ? mg_read_file((const char *)el->doc->URL, &len)
                  : NULL;
  if (!src)
    return;
  size_t p = 0;
  for (int l = 1; l < *line && p < len; p++)
    if (src[p] == '\n')
      l++;
  char *tag = mg_xasprintf("<%s", (const char *)el->name);
  size_t tl = strlen(tag);
  for (size_t q = p, c = 1; q < len && src[q] != '\n'; q++) {
    if (q > p && ((unsigned char)src[q] & 0xC0) != 0x80)
      c++; /* the first byte of the next character */
    if (q + tl < len && !strncmp(src + q, tag, tl) &&
        strchr(" \t\r\n/>", src[q + tl])) {
      *col = (int)c;
      break;
    }
  }
  free(tag);
  free(src);
}

/* Reports at el's '<' in its file. */
static void report_at(xmlNodePtr el, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report_at(xmlNodePtr el, const char *fmt, ...) {
  int line, col;
  position(el, &line, &col);
  va_list ap;
  va_start(ap, fmt);
  mg_vdiag(MG_ERROR, (const char *)el->doc->URL, line, col, NULL, fmt, ap);
  va_end(ap);
}

/* Fills it from doc, a valid item (the schema has been checked), and
 * checks that its status agrees with what it holds. Takes doc when it
 * succeeds. Returns 0, or -1 after reporting (it is then cleared). */
static int item_fill(mg_fb_item *it, xmlDocPtr doc) {
  memset(it, 0, sizeof *it);
  xmlNodePtr root = xmlDocGetRootElement(doc), n;
  it->id = value(root, "id");
  it->num = id_number(it->id, strlen(it->id));
  it->file = mg_xstrdup((const char *)doc->URL);
  it->date = value(mg_child(root, "date"), NULL);
  it->store = value(mg_child(root, "store"), NULL);
  if ((n = mg_child(root, "post")) != NULL)
    it->post = value(n, NULL);
  n = mg_child(root, "section");
  it->section = value(n, NULL);
  it->heading = value(n, "heading");
  it->text = value(mg_child(root, "text"), NULL);
  xmlNodePtr st = mg_child(root, "status"), ans = mg_child(root, "answer"),
             res = mg_child(root, "resolved");
  char *s = value(st, NULL);
  it->status = (mg_fb_status)mg_fb_status_parse(s);
  if (ans) {
    it->answer = value(ans, NULL);
    it->answer_date = value(ans, "date");
  }
  if (res) {
    it->version = value(res, "version");
    it->resolved_date = value(res, "date");
  }
  int bad = 1;
  if (it->status == MG_FB_OPEN && ans)
    report_at(ans, "an open item has no answer yet: make <status> accepted "
                   "or rejected, or remove <answer>");
  else if (it->status != MG_FB_RESOLVED && res)
    report_at(res, "only a resolved item names the release that resolved "
                   "it: make <status> resolved, or remove <resolved>");
  else if (it->status != MG_FB_OPEN && !ans)
    report_at(st,
              "an item that is %s needs HQ's answer: <answer "
              "date=\"YYYY-MM-DD\">…</answer> after <status>",
              s);
  else if (it->status == MG_FB_RESOLVED && !res)
    report_at(st, "a resolved item names its release: <resolved "
                  "version=\"1.2\" date=\"YYYY-MM-DD\"/> after <answer>");
  else
    bad = 0;
  free(s);
  if (bad) {
    item_clear(it);
    return -1;
  }
  it->doc = doc;
  return 0;
}

static int cmp_item(const void *a, const void *b) {
  const mg_fb_item *x = *(mg_fb_item *const *)a, *y = *(mg_fb_item *const *)b;
  return x->num < y->num ? -1 : x->num > y->num;
}

/* Adds it to l, keeping l sorted by number. Takes it. */
static void insert(mg_ledger *l, mg_fb_item *it) {
  l->items = mg_xrealloc(l->items, (l->n + 1) * sizeof *l->items);
  size_t i = l->n;
  while (i > 0 && l->items[i - 1]->num > it->num) {
    l->items[i] = l->items[i - 1];
    i--;
  }
  l->items[i] = it;
  l->n++;
}

/* Loads the file name of the folder (a *.xml file) into l, or reports
 * why it cannot be an item. */
static void load_file(mg_ledger *l, const char *name) {
  char *path = mg_path_join(l->dir, name);
  size_t nl = strlen(name) - 4; /* without .xml */
  unsigned long num = id_number(name, nl);
  if (!num) {
    mg_diag(MG_ERROR, path, 0, 0,
            "not a feedback item: an item's file is named after its id, as "
            "FB-0001.xml (manualgen feedback add gives the id)");
    l->nbad++;
    free(path);
    return;
  }
  xmlDocPtr doc = mg_safe_read_xml(path); /* reports what is wrong */
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
  int ok = root != NULL;
  if (ok && strcmp((const char *)root->name, "feedback")) {
    report_at(root, "the root element must be <feedback>, not <%s>",
              (const char *)root->name);
    ok = 0;
  }
  ok = ok && validate(l, doc) == 0;
  if (ok) {
    char *id = value(root, "id");
    if (strlen(id) != nl || strncmp(id, name, nl)) {
      char *expected = mg_xstrndup(name, nl);
      report_at(root,
                "id=\"%s\" does not match the file name (expected "
                "\"%s\")",
                id, expected);
      free(expected);
      ok = 0;
    }
    free(id);
  }
  mg_fb_item *it = ok ? mg_xcalloc(1, sizeof *it) : NULL;
  if (it && item_fill(it, doc) != 0) {
    free(it);
    it = NULL;
  }
  if (it) {
    insert(l, it);
  } else {
    xmlFreeDoc(doc);
    mg_strv_push(&l->bad, mg_xstrndup(name, nl));
    l->nbad++;
  }
  free(path);
}

mg_ledger *mg_ledger_load(const char *content_dir, const char *templates_dir) {
  mg_ledger *l = mg_xcalloc(1, sizeof *l);
  l->dir = mg_path_join(content_dir, "feedback");
  char *xsd = mg_path_join(templates_dir, "schema/feedback.xsd");
  mg_strv names = {0};
  l->xsd_doc = mg_safe_read_xml(xsd);
  if (!l->xsd_doc) {
    mg_diag(MG_ERROR, xsd, 0, 0, "cannot read the feedback schema");
    goto fail;
  }
  l->schema = mg_schema_compile(l->xsd_doc);
  if (!l->schema)
    goto fail;
  struct stat sb;
  if (lstat(l->dir, &sb) != 0) {
    if (errno != ENOENT) {
      mg_diag(MG_ERROR, l->dir, 0, 0, "cannot read the feedback folder: %s",
              strerror(errno));
      l->nbad++;
    }
    goto done; /* no folder: no feedback yet */
  }
  if (!S_ISDIR(sb.st_mode)) {
    mg_diag(MG_ERROR, l->dir, 0, 0,
            "cannot read the feedback folder: it is %s, not a folder",
            mg_file_kind(sb.st_mode));
    l->nbad++;
    goto done;
  }
  if (mg_list_dir(l->dir, ".xml", &names) != 0) {
    mg_diag(MG_ERROR, l->dir, 0, 0, "cannot read the feedback folder: %s",
            strerror(errno));
    l->nbad++;
  }
  for (size_t i = 0; i < names.n; i++)
    load_file(l, names.v[i]);
  if (l->n)
    qsort(l->items, l->n, sizeof *l->items, cmp_item);
done:
  mg_strv_free(&names);
  free(xsd);
  return l;
fail:
  free(xsd);
  mg_ledger_free(l);
  return NULL;
}

void mg_ledger_free(mg_ledger *l) {
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    item_free(l->items[i]);
  free(l->items);
  mg_strv_free(&l->bad);
  xmlSchemaFree(l->schema);
  xmlFreeDoc(l->xsd_doc);
  free(l->dir);
  free(l);
}

mg_fb_item *mg_ledger_find(const mg_ledger *l, const char *id) {
  unsigned long num = id ? id_number(id, strlen(id)) : 0;
  size_t lo = 0, hi = l->n;
  while (num && lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->items[mid]->num == num)
      return l->items[mid];
    if (l->items[mid]->num < num)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static int is_bad(const mg_ledger *l, const char *id) {
  for (size_t i = 0; i < l->bad.n; i++)
    if (!strcmp(l->bad.v[i], id))
      return 1;
  return 0;
}

/* The item id, or NULL after reporting that there is none (or that its
 * file did not load). */
static mg_fb_item *find_or_report(const mg_ledger *l, const char *id) {
  mg_fb_item *it = mg_ledger_find(l, id);
  if (it)
    return it;
  char *path = mg_xasprintf("%s/%s.xml", l->dir, id);
  if (is_bad(l, id))
    mg_diag(MG_ERROR, path, 0, 0,
            "feedback item '%s' cannot be used: its file has errors", id);
  else
    mg_diag(MG_ERROR, path, 0, 0, "no such feedback item '%s'", id);
  free(path);
  return NULL;
}

/* ----------------------------------------------------------- changes */

/* Puts n after ref, on a line of its own indented as ref is. */
static void insert_after(xmlNodePtr ref, xmlNodePtr n) {
  const xmlChar *indent = BAD_CAST "\n  ";
  if (ref->prev && ref->prev->type == XML_TEXT_NODE &&
      xmlIsBlankNode(ref->prev))
    indent = ref->prev->content;
  xmlAddNextSibling(ref, n);
  /* before n, not after ref: a text node after ref would absorb it */
  xmlAddPrevSibling(n, xmlNewDocText(ref->doc, indent));
}

/* A new element name holding text (raw, escaped when written). */
static xmlNodePtr text_node(xmlDocPtr doc, const char *name, const char *text) {
  xmlNodePtr n = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
  if (text)
    xmlNodeAddContent(n, BAD_CAST text);
  return n;
}

/* The bytes of an item's file. Caller frees. */
static char *serialize(xmlDocPtr doc, size_t *len) {
  xmlChar *buf = NULL;
  int n = 0;
  xmlDocDumpMemoryEnc(doc, &buf, &n, "UTF-8");
  if (!buf) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  char *s = mg_xstrndup((const char *)buf, (size_t)n);
  xmlFree(buf);
  *len = (size_t)n;
  return s;
}

/* Makes it what nd (a changed copy of it->doc) says: checks nd against
 * the schema, replaces the item's file with it in one step, and fills it
 * from it. Takes nd. Returns 0, or -1 after reporting (it and its file
 * are then as they were). */
static int commit(mg_ledger *l, mg_fb_item *it, xmlDocPtr nd) {
  mg_fb_item fresh;
  size_t len = 0;
  char *data = NULL;
  if (validate(l, nd) != 0)
    goto fail; /* cannot happen: the values were checked */
  data = serialize(nd, &len);
  if (mg_write_atomic(it->file, data, len) != 0)
    goto fail;
  free(data);
  if (item_fill(&fresh, nd) != 0) { /* cannot happen either */
    xmlFreeDoc(nd);
    return -1;
  }
  item_clear(it);
  *it = fresh;
  return 0;
fail:
  free(data);
  xmlFreeDoc(nd);
  return -1;
}

int mg_ledger_answer(mg_ledger *l, const char *id, mg_fb_status to,
                     const char *answer, const char *date) {
  if (to != MG_FB_ACCEPTED && to != MG_FB_REJECTED) {
    mg_diag(MG_ERROR, NULL, 0, 0, "an answer accepts or rejects an item");
    return -1;
  }
  mg_fb_item *it = find_or_report(l, id);
  if (!it)
    return -1;
  if (it->status != MG_FB_OPEN) {
    mg_diag(MG_ERROR, it->file, 0, 0,
            "%s cannot be %s: it is %s already (%s); only an open item can "
            "be accepted or rejected",
            it->id, mg_fb_status_name(to), mg_fb_status_name(it->status),
            it->status == MG_FB_RESOLVED ? it->resolved_date : it->answer_date);
    return -1;
  }
  if (!is_date(date)) {
    mg_diag(MG_ERROR, NULL, 0, 0, "'%s' is not a date (YYYY-MM-DD)", date);
    return -1;
  }
  if (check_words("the answer", answer) != 0)
    return -1;
  xmlDocPtr nd = xmlCopyDoc(it->doc, 1);
  xmlNodePtr root = xmlDocGetRootElement(nd);
  xmlNodePtr st = mg_child(root, "status");
  xmlNodeSetContent(st, BAD_CAST mg_fb_status_name(to));
  char *words = trimmed(answer);
  xmlNodePtr a = text_node(nd, "answer", words);
  free(words);
  xmlNewProp(a, BAD_CAST "date", BAD_CAST date);
  insert_after(st, a);
  return commit(l, it, nd);
}

/* Why it cannot be resolved, reported at its file. */
static void not_resolvable(const mg_fb_item *it) {
  if (it->status == MG_FB_OPEN)
    mg_diag(MG_ERROR, it->file, 0, 0,
            "%s cannot be resolved: it is open, not accepted (accept it "
            "first: manualgen feedback accept %s --answer …)",
            it->id, it->id);
  else if (it->status == MG_FB_REJECTED)
    mg_diag(MG_ERROR, it->file, 0, 0,
            "%s cannot be resolved: it was rejected (%s), not accepted", it->id,
            it->answer_date);
  else
    mg_diag(MG_ERROR, it->file, 0, 0,
            "%s cannot be resolved: it was resolved already, in release %s",
            it->id, it->version);
}

int mg_ledger_check_resolvable(const mg_ledger *l, const char *const *ids,
                               size_t n) {
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    int twice = 0;
    for (size_t j = 0; j < i && !twice; j++)
      twice = !strcmp(ids[i], ids[j]);
    if (twice) {
      mg_diag(MG_ERROR, NULL, 0, 0, "feedback item '%s' is named twice",
              ids[i]);
      rc = -1;
      continue;
    }
    mg_fb_item *it = find_or_report(l, ids[i]);
    if (!it || it->status != MG_FB_ACCEPTED) {
      if (it)
        not_resolvable(it);
      rc = -1;
    }
  }
  return rc;
}

int mg_ledger_mark_resolved(mg_ledger *l, const char *id, const char *version,
                            const char *date) {
  mg_fb_item *it = find_or_report(l, id);
  if (!it)
    return -1;
  if (!is_version(version)) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "'%s' is not a release version (MAJOR.MINOR, as 1.2)", version);
    return -1;
  }
  if (!is_date(date)) {
    mg_diag(MG_ERROR, NULL, 0, 0, "'%s' is not a date (YYYY-MM-DD)", date);
    return -1;
  }
  if (it->status != MG_FB_ACCEPTED) {
    not_resolvable(it);
    return -1;
  }
  xmlDocPtr nd = xmlCopyDoc(it->doc, 1);
  xmlNodePtr root = xmlDocGetRootElement(nd);
  xmlNodeSetContent(mg_child(root, "status"), BAD_CAST "resolved");
  xmlNodePtr r = xmlNewDocNode(nd, NULL, BAD_CAST "resolved", NULL);
  xmlNewProp(r, BAD_CAST "version", BAD_CAST version);
  xmlNewProp(r, BAD_CAST "date", BAD_CAST date);
  insert_after(mg_child(root, "answer"), r);
  return commit(l, it, nd);
}

/* --------------------------------------------------------------- add */

/* The document of a new open item. */
static xmlDocPtr new_item(const char *path, const char *id,
                          const mg_fb_report *r, const char *text,
                          const char *date) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  doc->URL = xmlStrdup(BAD_CAST path);
  xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "feedback", NULL);
  xmlDocSetRootElement(doc, root);
  xmlNewProp(root, BAD_CAST "id", BAD_CAST id);
  const char *names[] = {"date", "store", "post", "section", "text", "status"};
  const char *values[] = {date, r->store, r->post, r->section, text, "open"};
  for (size_t i = 0; i < 6; i++) {
    if (!values[i])
      continue;
    xmlAddChild(root, xmlNewDocText(doc, BAD_CAST "\n  "));
    xmlNodePtr n = xmlAddChild(root, text_node(doc, names[i], values[i]));
    if (!strcmp(names[i], "section") && r->heading)
      xmlNewProp(n, BAD_CAST "heading", BAD_CAST r->heading);
  }
  xmlAddChild(root, xmlNewDocText(doc, BAD_CAST "\n"));
  return doc;
}

/* Gives data the name path in dir, unless path exists. The bytes are
 * written in full to a file without a name (or a hidden one where the file
 * system has no unnamed files) before the name is linked to it, so that
 * nobody ever sees half an item, and link() never replaces. Returns 0,
 * 1 when path exists, or -1 after reporting. */
static int link_new(const char *dir, const char *path, const char *data,
                    size_t len) {
  char *tmp = NULL;
  int rc = -1, fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd >= 0) {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (mg_write_all(fd, data, len) != 0)
      goto error;
    if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
      rc = 0;
    else if (errno == EEXIST)
      rc = 1;
    else if (errno != ENOENT) /* ENOENT: no /proc; try a named file */
      goto error;
    close(fd);
    fd = -1;
    if (rc >= 0)
      return rc;
  }
  tmp = mg_xasprintf("%s/.feedback-XXXXXX", dir);
  fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    free(tmp);
    tmp = NULL;
    goto error;
  }
  fchmod(fd, 0644);
  if (mg_write_all(fd, data, len) != 0 || close(fd) != 0) {
    fd = -1;
    goto error;
  }
  fd = -1;
  if (link(tmp, path) == 0)
    rc = 0;
  else if (errno == EEXIST)
    rc = 1;
  else
    goto error;
  unlink(tmp);
  free(tmp);
  return rc;
error:
  mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
  if (fd >= 0)
    close(fd);
  if (tmp)
    unlink(tmp);
  free(tmp);
  return -1;
}

/* True when s can be a heading's slug: no white space, no '#'. */
static int is_slug(const char *s) {
  for (const char *p = s; *p; p++)
    if (is_space(*p) || *p == '#')
      return 0;
  return *s != '\0';
}

char *mg_ledger_add(mg_ledger *l, const mg_fb_report *r, const char *date) {
  if (check_words("the text", r->text) != 0)
    return NULL;
  if (!mg_is_id(r->store) || !mg_is_id(r->section) ||
      (r->post && !mg_is_id(r->post)) || (r->heading && !is_slug(r->heading))) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "invalid store, section, heading or post: '%s', '%s', '%s', '%s'",
            r->store, r->section, r->heading ? r->heading : "",
            r->post ? r->post : "");
    return NULL;
  }
  if (!is_date(date)) {
    mg_diag(MG_ERROR, NULL, 0, 0, "'%s' is not a date (YYYY-MM-DD)", date);
    return NULL;
  }
  struct stat sb;
  if (mkdir(l->dir, 0777) != 0 && errno != EEXIST) {
    mg_diag(MG_ERROR, l->dir, 0, 0, "cannot create the feedback folder: %s",
            strerror(errno));
    return NULL;
  }
  if (lstat(l->dir, &sb) != 0) {
    mg_diag(MG_ERROR, l->dir, 0, 0, "cannot write: %s", strerror(errno));
    return NULL;
  }
  if (!S_ISDIR(sb.st_mode)) {
    mg_diag(MG_ERROR, l->dir, 0, 0,
            "refusing to write here: it is %s, not a folder",
            mg_file_kind(sb.st_mode));
    return NULL;
  }
  /* one more than any id in the folder, so that an id is never given
   * twice, not even that of an item whose file is broken */
  unsigned long next = 1;
  for (size_t i = 0; i < l->n; i++)
    if (l->items[i]->num >= next)
      next = l->items[i]->num + 1;
  for (size_t i = 0; i < l->bad.n; i++) {
    unsigned long b = id_number(l->bad.v[i], strlen(l->bad.v[i]));
    if (b >= next)
      next = b + 1;
  }
  char *text = trimmed(r->text), *id = NULL;
  int rc = 1;
  for (int tries = 0; rc == 1 && tries < ADD_TRIES; tries++, next++) {
    char *nid = id_format(next);
    char *path = mg_xasprintf("%s/%s.xml", l->dir, nid);
    xmlDocPtr doc = new_item(path, nid, r, text, date);
    size_t len;
    char *data = serialize(doc, &len);
    rc = validate(l, doc) ? -1 : link_new(l->dir, path, data, len);
    free(data);
    free(path);
    mg_fb_item *it = rc == 0 ? mg_xcalloc(1, sizeof *it) : NULL;
    if (it && item_fill(it, doc) == 0) {
      insert(l, it);
      id = nid;
      break;
    }
    rc = rc == 0 ? -1 : rc; /* linked, but not an item: cannot happen */
    free(it);
    xmlFreeDoc(doc);
    free(nid);
  }
  if (rc == 1) /* every id tried was taken meanwhile */
    mg_diag(MG_ERROR, l->dir, 0, 0,
            "could not find a free id after %d tries: other editors keep "
            "adding items",
            ADD_TRIES);
  free(text);
  return id;
}

/* ------------------------------------------------------------ checks */

static int in_strv(const mg_strv *v, const char *s) {
  for (size_t i = 0; i < v->n; i++)
    if (!strcmp(v->v[i], s))
      return 1;
  return 0;
}

/* "; did you mean 'x'?" when s looks like a typo of an entry of v, else
 * "". Caller frees. */
static char *did_you_mean(const mg_strv *v, const char *s) {
  const char *m = mg_suggest(v, s, strlen(s));
  return m ? mg_xasprintf("; did you mean '%s'?", m) : mg_xstrdup("");
}

/* v joined by ", ". Caller frees. */
static char *joined(const mg_strv *v) {
  mg_buf b = {0};
  for (size_t i = 0; i < v->n; i++)
    mg_buf_printf(&b, "%s%s", i ? ", " : "", v->v[i]);
  return b.data ? b.data : mg_xstrdup("");
}

/* The section of t whose id is id, or NULL. */
static mg_section *find_section(const mg_tree *t, const char *id) {
  for (size_t i = 0; t && i < t->nsections; i++)
    if (t->sections[i]->fm.id && !strcmp(t->sections[i]->fm.id, id))
      return t->sections[i];
  return NULL;
}

static void section_ids(const mg_tree *t, mg_strv *v) {
  for (size_t i = 0; t && i < t->nsections; i++)
    if (t->sections[i]->fm.id && !in_strv(v, t->sections[i]->fm.id))
      mg_strv_push(v, mg_xstrdup(t->sections[i]->fm.id));
}

static int has_store(const mg_params *p, const char *id) {
  return p && in_strv(&p->store_ids, id);
}

static void unknown_store(const mg_strv *known, const char *content_dir,
                          const char *id) {
  char *m = did_you_mean(known, id);
  mg_diag(MG_ERROR, NULL, 0, 0,
          "unknown store '%s': there is no %s/stores/%s.xml%s", id,
          content_dir ? content_dir : "content", id, m);
  free(m);
}

static void unknown_section(const mg_strv *known, const mg_tree *t,
                            const char *id) {
  char *m = did_you_mean(known, id);
  mg_diag(MG_ERROR, NULL, 0, 0,
          "unknown section '%s': no section that %s lists has this id%s", id,
          t && t->outline ? t->outline->path : "the outline", m);
  free(m);
}

/* The post keys of the effective parameters eff. */
static void post_keys(xmlDocPtr eff, mg_strv *v) {
  xmlNodePtr posts = mg_child(xmlDocGetRootElement(eff), "posts");
  for (xmlNodePtr k = posts ? posts->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, BAD_CAST "post")) {
      xmlChar *key = xmlGetProp(k, BAD_CAST "key");
      if (key)
        mg_strv_push(v, mg_xstrdup((const char *)key));
      xmlFree(key);
    }
}

/* Checks r->post against the posts of hall r->store. */
static int check_post(mg_params *p, const mg_fb_report *r) {
  xmlDocPtr eff = mg_params_effective(p, r->store);
  if (!eff) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "cannot check the post: the parameters of store '%s' have "
            "errors",
            r->store);
    return -1;
  }
  mg_strv posts = {0};
  post_keys(eff, &posts);
  mg_params_effective_free(eff);
  int rc = 0;
  if (!in_strv(&posts, r->post)) {
    char *m = did_you_mean(&posts, r->post), *all = joined(&posts);
    mg_diag(MG_ERROR, NULL, 0, 0,
            "store '%s' has no post '%s'%s (its posts: %s)", r->store, r->post,
            m, all);
    free(m);
    free(all);
    rc = -1;
  }
  mg_strv_free(&posts);
  return rc;
}

/* Checks heading (a slug, or a heading's text) against section s; sets
 * *slug to the slug it names. */
static int check_heading(mg_section *s, const char *heading, char **slug) {
  if (!s->body) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "cannot check the heading: section '%s' (%s) has errors", s->fm.id,
            s->file);
    return -1;
  }
  char *slugged = mg_slugify(heading);
  mg_strv slugs = {0};
  for (size_t i = 0; i < s->nheadings; i++) {
    const char *h = s->headings[i].slug;
    if (!*slug && (!strcmp(h, heading) || !strcmp(h, slugged)))
      *slug = mg_xstrdup(h);
    mg_strv_push(&slugs, mg_xstrdup(h));
  }
  free(slugged);
  int rc = 0;
  if (!*slug) {
    char *m = did_you_mean(&slugs, heading), *all = joined(&slugs);
    mg_diag(MG_ERROR, NULL, 0, 0,
            "section '%s' (%s) has no heading '%s'%s (%s%s)", s->fm.id, s->file,
            heading, m, slugs.n ? "its headings: " : "it has none", all);
    free(m);
    free(all);
    rc = -1;
  }
  mg_strv_free(&slugs);
  return rc;
}

int mg_fb_check_report(mg_params *p, const mg_tree *t, const mg_fb_report *r,
                       char **slug) {
  *slug = NULL;
  int rc = 0;
  if (!p) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "cannot check the store: the parameters did not load");
    rc = -1;
  } else if (!has_store(p, r->store)) {
    unknown_store(&p->store_ids, p->content_dir, r->store);
    rc = -1;
  } else if (r->post && check_post(p, r) != 0) {
    rc = -1;
  }
  mg_section *s = find_section(t, r->section);
  if (!t) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "cannot check the section: the outline did not load");
    rc = -1;
  } else if (!s) {
    mg_strv ids = {0};
    section_ids(t, &ids);
    unknown_section(&ids, t, r->section);
    mg_strv_free(&ids);
    rc = -1;
  } else if (r->heading && check_heading(s, r->heading, slug) != 0) {
    rc = -1;
  }
  if (rc) {
    free(*slug);
    *slug = NULL;
  }
  return rc;
}

int mg_fb_check_filter(const mg_ledger *l, mg_params *p, const mg_tree *t,
                       const mg_fb_filter *f) {
  int rc = 0;
  mg_strv stores = {0}, sections = {0};
  for (size_t i = 0; p && i < p->store_ids.n; i++)
    mg_strv_push(&stores, mg_xstrdup(p->store_ids.v[i]));
  section_ids(t, &sections);
  for (size_t i = 0; i < l->n; i++) {
    if (!in_strv(&stores, l->items[i]->store))
      mg_strv_push(&stores, mg_xstrdup(l->items[i]->store));
    if (!in_strv(&sections, l->items[i]->section))
      mg_strv_push(&sections, mg_xstrdup(l->items[i]->section));
  }
  if (f->store && !in_strv(&stores, f->store)) {
    unknown_store(&stores, p ? p->content_dir : NULL, f->store);
    rc = -1;
  }
  if (f->section && !in_strv(&sections, f->section)) {
    unknown_section(&sections, t, f->section);
    rc = -1;
  }
  mg_strv_free(&stores);
  mg_strv_free(&sections);
  return rc;
}

/* ---------------------------------------------------- list and show */

/* s made safe for a terminal: control characters become U+FFFD; with
 * oneline, line breaks and tabs become spaces and runs of spaces one.
 * Caller frees. */
static char *for_terminal(const char *s, int oneline) {
  mg_buf b = {0};
  mg_buf_puts(&b, "");
  for (size_t i = 0, n = strlen(s); i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    if (k && oneline && (cp == '\n' || cp == '\t' || cp == '\r' || cp == ' ')) {
      if (b.len && b.data[b.len - 1] != ' ')
        mg_buf_puts(&b, " ");
    } else if (!k || (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
               (cp >= 0x80 && cp <= 0x9F)) {
      mg_buf_puts(&b, "\xEF\xBF\xBD");
    } else {
      mg_buf_put(&b, s + i, (size_t)k);
    }
    i += k ? (size_t)k : 1;
  }
  return b.data;
}

/* The first characters of s that fit in cols columns, with "…" when s
 * is longer. Caller frees. */
static char *cut(const char *s, int cols) {
  if (mg_text_width(s) <= cols)
    return mg_xstrdup(s);
  mg_buf b = {0};
  int w = 0;
  for (size_t i = 0, n = strlen(s); i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    char one[5] = {0};
    memcpy(one, s + i, k ? (size_t)k : 1);
    int cw = mg_text_width(one);
    if (w + cw > cols - 1)
      break;
    mg_buf_puts(&b, one);
    w += cw;
    i += k ? (size_t)k : 1;
  }
  mg_buf_puts(&b, "…");
  return b.data;
}

static int selected(const mg_fb_item *it, const mg_fb_filter *f) {
  return (!f || f->status < 0 || (int)it->status == f->status) &&
         (!f || !f->store || !strcmp(it->store, f->store)) &&
         (!f || !f->section || !strcmp(it->section, f->section));
}

#define NCOLS 7

void mg_ledger_list(const mg_ledger *l, const mg_fb_filter *f, mg_buf *out) {
  size_t n = 0;
  char *(*rows)[NCOLS] = mg_xcalloc(l->n ? l->n : 1, sizeof *rows);
  int width[NCOLS] = {0};
  for (size_t i = 0; i < l->n; i++) {
    const mg_fb_item *it = l->items[i];
    if (!selected(it, f))
      continue;
    char *text = for_terminal(it->text, 1);
    char **r = rows[n++];
    r[0] = mg_xstrdup(it->id);
    r[1] = it->version ? mg_xasprintf("resolved %s", it->version)
                       : mg_xstrdup(mg_fb_status_name(it->status));
    r[2] = mg_xstrdup(it->date);
    r[3] = mg_xstrdup(it->store);
    r[4] = it->heading ? mg_xasprintf("%s#%s", it->section, it->heading)
                       : mg_xstrdup(it->section);
    r[5] = mg_xstrdup(it->post ? it->post : "-");
    r[6] = cut(text, LIST_TEXT_COLS);
    free(text);
    for (int c = 0; c < NCOLS; c++) {
      char *safe = for_terminal(r[c], 1);
      free(r[c]);
      r[c] = safe;
      if (mg_text_width(r[c]) > width[c])
        width[c] = mg_text_width(r[c]);
    }
  }
  for (size_t i = 0; i < n; i++) {
    for (int c = 0; c < NCOLS; c++) {
      mg_buf_puts(out, rows[i][c]);
      for (int w = mg_text_width(rows[i][c]); c < NCOLS - 1 && w < width[c] + 2;
           w++)
        mg_buf_puts(out, " ");
      free(rows[i][c]);
    }
    mg_buf_puts(out, "\n");
  }
  free(rows);
}

/* prefix, then text, its further lines indented to where it began. */
static void put_lines(mg_buf *out, const char *prefix, const char *text) {
  char *safe = for_terminal(text, 0);
  int indent = mg_text_width(prefix);
  mg_buf_puts(out, prefix);
  for (const char *p = safe; *p; p++) {
    mg_buf_put(out, p, 1);
    if (*p == '\n' && p[1])
      mg_buf_printf(out, "%*s", indent, "");
  }
  mg_buf_puts(out, "\n");
  free(safe);
}

/* "label    text": the labels make a column of this width. */
#define LABEL 9

static void put_field(mg_buf *out, const char *label, const char *text) {
  char *prefix = mg_xasprintf("%-*s", LABEL, label);
  put_lines(out, prefix, text);
  free(prefix);
}

int mg_ledger_show(const mg_ledger *l, const char *id, mg_buf *out) {
  const mg_fb_item *it = find_or_report(l, id);
  if (!it)
    return -1;
  put_field(out, it->id, mg_fb_status_name(it->status));
  put_field(out, "store", it->store);
  if (it->post)
    put_field(out, "post", it->post);
  char *sec = it->heading ? mg_xasprintf("%s#%s", it->section, it->heading)
                          : mg_xstrdup(it->section);
  put_field(out, "section", sec);
  free(sec);
  put_field(out, "text", it->text);
  /* the history, an event a line: its date, then what happened */
  char *ev = mg_xasprintf("%s  raised", it->date);
  put_field(out, "history", ev);
  free(ev);
  if (it->answer) {
    ev = mg_xasprintf("%*s%s  %s: ", LABEL, "", it->answer_date,
                      it->status == MG_FB_REJECTED ? "rejected" : "accepted");
    put_lines(out, ev, it->answer);
    free(ev);
  }
  if (it->version) {
    ev = mg_xasprintf("%s  resolved in release %s", it->resolved_date,
                      it->version);
    put_field(out, "", ev);
    free(ev);
  }
  put_field(out, "file", it->file);
  return 0;
}

/* -------------------------------------------------------------- page */

/* Adds <m:section id title chapter> for each section the items name: the
 * manual's in its order, then those it no longer has. */
static void page_sections(xmlNodePtr parent, xmlNsPtr m, const mg_ledger *l,
                          const mg_tree *t) {
  xmlHashTablePtr named = xmlHashCreate(16), done = xmlHashCreate(16);
  for (size_t i = 0; i < l->n; i++)
    xmlHashAddEntry(named, BAD_CAST l->items[i]->section, (void *)1);
  for (size_t i = 0; t && i < t->nsections; i++) {
    const mg_section *s = t->sections[i];
    if (!s->fm.id || !xmlHashLookup(named, BAD_CAST s->fm.id) ||
        xmlHashAddEntry(done, BAD_CAST s->fm.id, (void *)1) != 0)
      continue;
    xmlNodePtr n = xmlNewChild(parent, m, BAD_CAST "section", NULL);
    xmlNewProp(n, BAD_CAST "id", BAD_CAST s->fm.id);
    if (s->fm.title)
      xmlNewProp(n, BAD_CAST "title", BAD_CAST s->fm.title);
    if (s->chapter && s->chapter->title)
      xmlNewProp(n, BAD_CAST "chapter", BAD_CAST s->chapter->title);
  }
  for (size_t i = 0; i < l->n; i++) {
    const char *id = l->items[i]->section;
    if (xmlHashAddEntry(done, BAD_CAST id, (void *)1) == 0)
      xmlNewProp(xmlNewChild(parent, m, BAD_CAST "section", NULL),
                 BAD_CAST "id", BAD_CAST id);
  }
  xmlHashFree(named, NULL);
  xmlHashFree(done, NULL);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds <m:store id name city-name> for each hall the items name, by id;
 * the names when p knows the hall. */
static void page_stores(xmlNodePtr parent, xmlNsPtr m, const mg_ledger *l,
                        mg_params *p) {
  mg_strv ids = {0};
  for (size_t i = 0; i < l->n; i++)
    if (!in_strv(&ids, l->items[i]->store))
      mg_strv_push(&ids, mg_xstrdup(l->items[i]->store));
  if (ids.n)
    qsort(ids.v, ids.n, sizeof *ids.v, cmp_str);
  for (size_t i = 0; i < ids.n; i++) {
    xmlNodePtr n = xmlNewChild(parent, m, BAD_CAST "store", NULL);
    xmlNewProp(n, BAD_CAST "id", BAD_CAST ids.v[i]);
    xmlDocPtr eff =
        has_store(p, ids.v[i]) ? mg_params_effective(p, ids.v[i]) : NULL;
    if (eff) {
      mg_identity ident;
      mg_params_identity(eff, &ident);
      xmlNewProp(n, BAD_CAST "name", BAD_CAST ident.name);
      xmlNewProp(n, BAD_CAST "city-name", BAD_CAST ident.city_name);
      mg_identity_free(&ident);
      mg_params_effective_free(eff);
    }
  }
  mg_strv_free(&ids);
}

static void page_item(xmlNodePtr parent, xmlNsPtr m, const mg_fb_item *it) {
  xmlNodePtr n = xmlNewChild(parent, m, BAD_CAST "item", NULL);
  xmlNewProp(n, BAD_CAST "id", BAD_CAST it->id);
  xmlNewProp(n, BAD_CAST "status", BAD_CAST mg_fb_status_name(it->status));
  xmlNewProp(n, BAD_CAST "date", BAD_CAST it->date);
  xmlNewProp(n, BAD_CAST "store", BAD_CAST it->store);
  if (it->post)
    xmlNewProp(n, BAD_CAST "post", BAD_CAST it->post);
  xmlNewProp(n, BAD_CAST "section", BAD_CAST it->section);
  if (it->heading)
    xmlNewProp(n, BAD_CAST "heading", BAD_CAST it->heading);
  xmlNewTextChild(n, m, BAD_CAST "text", BAD_CAST it->text);
  if (it->answer)
    xmlNewProp(xmlNewTextChild(n, m, BAD_CAST "answer", BAD_CAST it->answer),
               BAD_CAST "date", BAD_CAST it->answer_date);
  if (it->version) {
    xmlNodePtr r = xmlNewChild(n, m, BAD_CAST "resolved", NULL);
    xmlNewProp(r, BAD_CAST "version", BAD_CAST it->version);
    xmlNewProp(r, BAD_CAST "date", BAD_CAST it->resolved_date);
  }
}

int mg_ledger_page(const mg_ledger *l, const mg_templates *t,
                   const mg_fb_page_opts *o, mg_pages *out) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "feedback");
  xmlNsPtr m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, m);
  xmlDocSetRootElement(doc, root);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST(o->lang ? o->lang : "en"));
  xmlNewTextChild(root, m, BAD_CAST "title",
                  BAD_CAST(o->title ? o->title : ""));
  xmlAddChild(root, xmlDocCopyNode(xmlDocGetRootElement(t->l10n_doc), doc, 1));
  page_sections(xmlNewChild(root, m, BAD_CAST "sections", NULL), m, l, o->tree);
  page_stores(xmlNewChild(root, m, BAD_CAST "stores", NULL), m, l, o->params);
  for (size_t i = 0; i < l->n; i++)
    page_item(root, m, l->items[i]);
  const char *params[7] = {NULL};
  size_t np = 0;
  if (o->css_href) {
    params[np++] = "css.href";
    params[np++] = o->css_href;
  } else {
    params[np++] = "css";
    params[np++] = t->css;
  }
  if (o->date) {
    params[np++] = "generated.date";
    params[np++] = o->date;
  }
  int rc = -1;
  if (t->feedback)
    rc = mg_transform(t->feedback, doc, params, out, "the feedback page");
  else
    mg_diag(MG_ERROR, t->templates_dir, 0, 0,
            "the templates have no html/feedback.xsl for the feedback page");
  xmlFreeDoc(doc);
  return rc;
}
