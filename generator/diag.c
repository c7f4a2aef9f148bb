/* diag.c -- compiler-style diagnostics, collected from every thread.
 *
 * Messages are kept until mg_diag_flush, which sorts them by file, line
 * and column (so output does not depend on thread timing) and merges the
 * same message reported for several stores into one line. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxslt/xsltutils.h>

#include "manualgen.h"

typedef struct {
  mg_level lvl;
  char *file;
  int line, col;
  char *store;
  char *msg;
  size_t seq;
} diag;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static diag *diags;
static size_t ndiags, cap;
static int nerrors, nwarnings;
static int printed_errors, printed_warnings;
static int json; /* mg_diag_json */

void mg_diag_json(void) { json = 1; }

void mg_vdiag(mg_level lvl, const char *file, int line, int col,
              const char *store, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *msg = mg_xmalloc((size_t)n + 1);
  vsnprintf(msg, (size_t)n + 1, fmt, ap);
  /* libxml2 messages end in a newline */
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = '\0';
  pthread_mutex_lock(&lock);
  if (ndiags == cap) {
    cap = cap ? cap * 2 : 32;
    diags = mg_xrealloc(diags, cap * sizeof *diags);
  }
  diags[ndiags] = (diag){lvl,   file ? mg_xstrdup(file) : NULL,   line,
                         col,   store ? mg_xstrdup(store) : NULL, msg,
                         ndiags};
  ndiags++;
  if (lvl == MG_ERROR)
    nerrors++;
  else
    nwarnings++;
  pthread_mutex_unlock(&lock);
}

void mg_diag(mg_level lvl, const char *file, int line, int col, const char *fmt,
             ...) {
  va_list ap;
  va_start(ap, fmt);
  mg_vdiag(lvl, file, line, col, NULL, fmt, ap);
  va_end(ap);
}

void mg_diag_store(mg_level lvl, const char *file, int line, int col,
                   const char *store, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mg_vdiag(lvl, file, line, col, store, fmt, ap);
  va_end(ap);
}

int mg_diag_errors(void) { return nerrors; }
int mg_diag_printed_errors(void) { return printed_errors; }
int mg_diag_printed_warnings(void) { return printed_warnings; }
int mg_diag_warnings(void) { return nwarnings; }

static int strcmp0(const char *a, const char *b) {
  if (!a || !b)
    return a ? 1 : b ? -1 : 0;
  return strcmp(a, b);
}

static int cmp_diag(const void *pa, const void *pb) {
  const diag *a = pa, *b = pb;
  int c;
  if ((c = strcmp0(a->file, b->file)))
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if (a->col != b->col)
    return a->col < b->col ? -1 : 1;
  if (a->lvl != b->lvl)
    return a->lvl == MG_ERROR ? -1 : 1;
  if ((c = strcmp(a->msg, b->msg)))
    return c;
  if ((c = strcmp0(a->store, b->store)))
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Appends s with everything that could act on a terminal made visible:
 * C0 controls (newline and tab too: a message is one line) and DEL as
 * \xNN, C1 controls as \uNNNN, and bytes that are not UTF-8 as \xNN. Text
 * from the content (file names, values, expressions) reaches messages,
 * and must not move the cursor or recolour the terminal. */
static void put_escaped(mg_buf *out, const char *s) {
  size_t n = strlen(s), run = 0; /* s[run..i) is printable as it is */
  for (size_t i = 0; i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    if (k && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F)) {
      i += (size_t)k;
      continue;
    }
    mg_buf_put(out, s + run, i - run);
    if (!k)
      mg_buf_printf(out, "\\x%02X", (unsigned char)s[i]);
    else if (cp < 0x80)
      mg_buf_printf(out, "\\x%02X", cp);
    else
      mg_buf_printf(out, "\\u%04X", cp);
    i += k ? (size_t)k : 1;
    run = i;
  }
  mg_buf_put(out, s + run, n - run);
}

/* s as a JSON string: quotes, backslash and control characters
 * escaped, bytes that are not UTF-8 as U+FFFD (JSON text is UTF-8). */
static void put_json(mg_buf *out, const char *s) {
  mg_buf_puts(out, "\"");
  size_t n = s ? strlen(s) : 0;
  for (size_t i = 0; i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    if (!k) {
      mg_buf_puts(out, "\\ufffd");
      i++;
    } else if (cp == '"' || cp == '\\') {
      mg_buf_printf(out, "\\%c", (char)cp);
      i += (size_t)k;
    } else if (cp < 0x20 || cp == 0x7F) {
      mg_buf_printf(out, "\\u%04x", cp);
      i += (size_t)k;
    } else {
      mg_buf_put(out, s + i, (size_t)k);
      i += (size_t)k;
    }
  }
  mg_buf_puts(out, "\"");
}

/* diags[i..j), one message, as a JSON object and a newline. */
static void render_json(mg_buf *out, size_t i, size_t j) {
  const diag *d = &diags[i];
  mg_buf_puts(out, "{\"file\":");
  if (d->file)
    put_json(out, d->file);
  else
    mg_buf_puts(out, "null");
  mg_buf_printf(out,
                ",\"line\":%d,\"column\":%d,\"severity\":\"%s\","
                "\"message\":",
                d->line > 0 ? d->line : 0,
                d->line > 0 && d->col > 0 ? d->col : 0,
                d->lvl == MG_ERROR ? "error" : "warning");
  put_json(out, d->msg);
  mg_buf_puts(out, ",\"halls\":[");
  int first = 1;
  for (size_t k = i; k < j; k++) {
    if (!diags[k].store ||
        (k > i && !strcmp0(diags[k].store, diags[k - 1].store)))
      continue;
    if (!first)
      mg_buf_puts(out, ",");
    put_json(out, diags[k].store);
    first = 0;
  }
  mg_buf_puts(out, "]}\n");
}

static void render(mg_buf *out) {
  pthread_mutex_lock(&lock);
  if (ndiags)
    qsort(diags, ndiags, sizeof *diags, cmp_diag);
  for (size_t i = 0; i < ndiags;) {
    diag *d = &diags[i];
    size_t j = i + 1;
    while (j < ndiags && diags[j].lvl == d->lvl && diags[j].line == d->line &&
           diags[j].col == d->col && !strcmp0(diags[j].file, d->file) &&
           !strcmp(diags[j].msg, d->msg))
      j++;
    if (json) {
      if (d->lvl == MG_ERROR)
        printed_errors++;
      else
        printed_warnings++;
      render_json(out, i, j);
      i = j;
      continue;
    }
    if (d->file) {
      put_escaped(out, d->file);
      if (d->line > 0) {
        mg_buf_printf(out, ":%d", d->line);
        if (d->col > 0)
          mg_buf_printf(out, ":%d", d->col);
      }
      mg_buf_puts(out, ": ");
    } else {
      mg_buf_puts(out, "manualgen: ");
    }
    mg_buf_puts(out, d->lvl == MG_ERROR ? "error: " : "warning: ");
    if (d->lvl == MG_ERROR)
      printed_errors++;
    else
      printed_warnings++;
    put_escaped(out, d->msg);
    /* the stores this applies to; the same message repeated without a
     * store is printed once */
    size_t nst = 0;
    for (size_t k = i; k < j; k++)
      if (diags[k].store &&
          (k == i || strcmp0(diags[k].store, diags[k - 1].store)))
        nst++;
    if (nst) {
      mg_buf_puts(out, nst == 1 ? " (store " : " (stores ");
      size_t shown = 0;
      for (size_t k = i; k < j; k++) {
        if (!diags[k].store ||
            (k > i && !strcmp0(diags[k].store, diags[k - 1].store)))
          continue;
        if (shown == 5) {
          mg_buf_printf(out, " and %zu more", nst - shown);
          break;
        }
        if (shown)
          mg_buf_puts(out, ", ");
        put_escaped(out, diags[k].store);
        shown++;
      }
      mg_buf_puts(out, ")");
    }
    mg_buf_puts(out, "\n");
    i = j;
  }
  for (size_t i = 0; i < ndiags; i++) {
    free(diags[i].file);
    free(diags[i].store);
    free(diags[i].msg);
  }
  ndiags = 0;
  pthread_mutex_unlock(&lock);
}

void mg_diag_flush(FILE *out) {
  mg_buf b = {0};
  render(&b);
  if (json) /* the messages are the output */
    out = stdout;
  if (b.len)
    fputs(b.data, out);
  fflush(out);
  mg_buf_free(&b);
}

char *mg_diag_take_text(void) {
  mg_buf b = {0};
  render(&b);
  pthread_mutex_lock(&lock);
  nerrors = nwarnings = 0;
  pthread_mutex_unlock(&lock);
  return b.data ? b.data : mg_xstrdup("");
}

void mg_diag_keep_file(const char *file) {
  pthread_mutex_lock(&lock);
  size_t k = 0;
  nerrors = nwarnings = 0;
  for (size_t i = 0; i < ndiags; i++) {
    if (file && diags[i].file && !strcmp(diags[i].file, file)) {
      diags[k++] = diags[i];
      if (diags[i].lvl == MG_ERROR)
        nerrors++;
      else
        nwarnings++;
      continue;
    }
    free(diags[i].file);
    free(diags[i].store);
    free(diags[i].msg);
  }
  ndiags = k;
  pthread_mutex_unlock(&lock);
}

/* ------------------------------------------------ XML syntax errors
 *
 * libxml2 words a well-formedness error for programmers
 * ("xmlParseEntityRef: no name") and reports it where its parser stood,
 * which is often after the offending character; then it goes on and
 * reports what follows from that first error. Its column (int2) counts
 * characters, but is not where the author must look. So the first error
 * of a file is located again from the parser's cursor, a byte offset into
 * the file, and said in the author's terms, with libxml2's words after
 * ours; the errors that follow from it are left out. */

/* A sentence in the author's terms and the byte offset it is about. */
typedef struct {
  mg_buf what;
  size_t off;
} xml_fix;

static int is_name_byte(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The offset of the last c in src[stop, from), or -1. */
static long find_back(const char *src, size_t from, size_t stop, char c) {
  while (from > stop)
    if (src[--from] == c)
      return (long)from;
  return -1;
}

/* The line (1-based) of src[off] and its column in characters. A byte
 * that is not UTF-8 counts as one character, as in an editor; a byte
 * order mark does not count. */
static void xml_position(const char *src, size_t len, size_t off, int *line,
                         int *col) {
  size_t start = 0;
  *line = 1;
  for (size_t i = 0; i < off && i < len; i++)
    if (src[i] == '\n') {
      (*line)++;
      start = i + 1;
    }
  if (start == 0 && len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
    start = 3;
  *col = 1;
  for (size_t i = start; i < off && i < len; (*col)++) {
    unsigned cp;
    int k = mg_utf8_decode(src + i, len - i, &cp);
    i += k ? (size_t)k : 1;
  }
}

/* The byte offset in src (the file as read) where libxml2's parser stood
 * when it reported e, or -1 when that cannot be known: the error is not
 * the parser's, the file was converted from another encoding, or the
 * bytes there are not those of the file. */
static long xml_cursor(xmlErrorPtr e, const char *src, size_t len) {
  xmlParserCtxtPtr pc = e->ctxt;
  xmlParserInputPtr in = pc ? pc->input : NULL;
  if (!in || !in->cur || !in->base || pc->inputNr != 1 ||
      (in->buf && in->buf->encoder))
    return -1;
  size_t off = (size_t)in->consumed + (size_t)(in->cur - in->base);
  size_t n = in->end ? (size_t)(in->end - in->cur) : 0;
  if (off > len || (n > 16 ? 16 : n) > len - off ||
      memcmp(src + off, in->cur, n > 16 ? 16 : n))
    return -1;
  return (long)off;
}

/* HTML entities that authors type, with the reference that XML takes. */
static const struct {
  const char *name;
  unsigned cp;
} html_entities[] = {
    {"nbsp", 160},   {"copy", 169},   {"reg", 174},     {"trade", 8482},
    {"mdash", 8212}, {"ndash", 8211}, {"hellip", 8230}, {"ldquo", 8220},
    {"rdquo", 8221}, {"lsquo", 8216}, {"rsquo", 8217},  {"middot", 183},
    {"times", 215},  {"yen", 165},    {"deg", 176},     {"emsp", 8195},
};

/* The name of the attribute whose '=' is before src[off] (skipping
 * blanks), as a new string; "" when there is none. */
static char *attr_before(const char *src, size_t off) {
  while (off > 0 && is_space(src[off - 1]))
    off--;
  if (off > 0 && src[off - 1] == '=')
    off--;
  while (off > 0 && is_space(src[off - 1]))
    off--;
  size_t end = off;
  while (off > 0 && is_name_byte((unsigned char)src[off - 1]))
    off--;
  return mg_xstrndup(src + off, end - off);
}

/* The offset of the second attribute named name in the start tag at
 * src[lt] ('<'), or of the tag when it is not found. */
static size_t second_attr(const char *src, size_t len, size_t lt,
                          const char *name) {
  size_t i = lt + 1, nl = strlen(name);
  int seen = 0;
  while (i < len && is_name_byte((unsigned char)src[i]))
    i++;
  for (;;) {
    while (i < len && is_space(src[i]))
      i++;
    if (i >= len || !is_name_byte((unsigned char)src[i]))
      return lt;
    size_t a = i;
    while (i < len && is_name_byte((unsigned char)src[i]))
      i++;
    if (i - a == nl && !memcmp(src + a, name, nl) && ++seen == 2)
      return a;
    while (i < len && is_space(src[i]))
      i++;
    if (i < len && src[i] == '=')
      i++;
    while (i < len && is_space(src[i]))
      i++;
    if (i < len && (src[i] == '"' || src[i] == '\'')) {
      const char *q = memchr(src + i + 1, src[i], len - i - 1);
      if (!q)
        return lt;
      i = (size_t)(q - src) + 1;
    }
  }
}

/* The offset after the XML declaration ("<?xml …?>") that src starts
 * with, or 0 when it has none. A declaration not closed ends where the
 * next tag starts. */
static size_t xml_declaration_end(const char *src, size_t len) {
  size_t i = len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3) ? 3 : 0;
  if (len - i < 6 || memcmp(src + i, "<?xml", 5) || !is_space(src[i + 5]))
    return 0;
  for (i += 5; i < len && src[i] != '<'; i++)
    if (src[i] == '?' && i + 1 < len && src[i + 1] == '>')
      return i + 2;
  return i;
}

/* Says what is wrong at libxml2's error e, whose parser stood at byte at
 * of src, and where. Sets fix->off; fix->what stays empty when there is
 * nothing better to say than libxml2's words. */
static void explain_xml(xmlErrorPtr e, const char *src, size_t len, size_t at,
                        xml_fix *fix) {
  mg_buf *w = &fix->what;
  const char *s1 = e->str1 ? e->str1 : "";
  unsigned cp;
  int k;
  long p;
  fix->off = at;
  if (at < xml_declaration_end(src, len)) {
    mg_buf_puts(w, "the XML declaration is malformed: the first line must be "
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    return;
  }
  switch ((int)e->code) {
  case XML_ERR_NAME_REQUIRED: /* "xmlParseEntityRef: no name", "StartTag: …" */
    if (at > 0 && src[at - 1] == '&') {
      fix->off = at - 1;
      mg_buf_puts(w, "a bare '&' must be written '&amp;'");
    } else if (at > 0 && src[at - 1] == '<') {
      fix->off = at - 1;
      mg_buf_puts(w, "a bare '<' must be written '&lt;'");
    } else if (at < len && (k = mg_utf8_decode(src + at, len - at, &cp)) &&
               !is_space(src[at])) { /* in a tag, where a name must be */
      mg_buf_printf(w,
                    "'%.*s' cannot stand here in a tag: attributes are "
                    "written name=\"value\", separated by spaces",
                    k, src + at);
    }
    break;
  case XML_ERR_ENTITYREF_SEMICOL_MISSING: /* after the name: "&B<" */
    if ((p = find_back(src, at, 0, '&')) >= 0) {
      fix->off = (size_t)p;
      mg_buf_puts(w, "a bare '&' must be written '&amp;'");
    }
    break;
  case XML_ERR_UNDECLARED_ENTITY: /* after the ';' of "&nbsp;" */
  case XML_WAR_UNDECLARED_ENTITY:
    if ((p = find_back(src, at, 0, '&')) >= 0) {
      fix->off = (size_t)p;
      mg_buf_printf(w,
                    "'&%s;' is not an XML entity (XML knows only &amp; &lt; "
                    "&gt; &quot; &apos;); write ",
                    s1);
      size_t i = 0, n = sizeof html_entities / sizeof *html_entities;
      while (i < n && strcmp(html_entities[i].name, s1))
        i++;
      if (i < n)
        mg_buf_printf(w, "&#%u; instead", html_entities[i].cp);
      else
        mg_buf_puts(w, "the character itself");
    }
    break;
  case XML_ERR_INVALID_HEX_CHARREF: /* "&#xZZ;", after "&#x" */
  case XML_ERR_INVALID_DEC_CHARREF:
  case XML_ERR_INVALID_CHARREF:
    if ((p = find_back(src, at, 0, '&')) >= 0) {
      fix->off = (size_t)p;
      mg_buf_puts(w, "a character reference must be '&#' digits ';' or "
                     "'&#x' hexadecimal digits ';' (a bare '&' must be "
                     "written '&amp;')");
    }
    break;
  case XML_ERR_INVALID_CHAR: /* at the character, or after "&#27;" */
    if (at > 0 && src[at - 1] == ';' && (p = find_back(src, at, 0, '&')) >= 0 &&
        src[p + 1] == '#') {
      fix->off = (size_t)p;
      mg_buf_printf(w, "'%.*s' stands for U+%04X, %swhich XML does not allow",
                    (int)(at - (size_t)p), src + p, (unsigned)e->int1,
                    e->int1 < 0x20 || e->int1 == 0x7F ? "a control character, "
                                                      : "");
    } else if (at < len && !mg_utf8_decode(src + at, len - at, &cp)) {
      mg_buf_printf(w, "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                    (unsigned char)src[at]);
    } else if (at < len) {
      mg_buf_printf(w, "%scharacter U+%04X is not allowed",
                    cp < 0x20 || cp == 0x7F ? "control " : "", cp);
    }
    break;
  case XML_ERR_LT_IN_ATTRIBUTE:        /* at the '<' */
  case XML_ERR_ATTRIBUTE_NOT_FINISHED: /* at the end of the file */
    p = at;
    while (--p >= 0 && src[p] != '"' && src[p] != '\'')
      ;
    if (p >= 0 && (e->code == XML_ERR_ATTRIBUTE_NOT_FINISHED ||
                   memchr(src + p, '\n', at - (size_t)p) ||
                   (at + 1 < len && src[at + 1] == '/'))) {
      /* the value runs on to another line or into a closing tag: its
       * quote is not closed */
      char *a = attr_before(src, (size_t)p);
      fix->off = (size_t)p;
      mg_buf_printf(w,
                    "the value of attribute '%s' is not closed: add a %c "
                    "after it",
                    a, src[p]);
      free(a);
    } else if (e->code == XML_ERR_LT_IN_ATTRIBUTE) {
      mg_buf_puts(w, "a '<' in an attribute value must be written '&lt;'");
    }
    break;
  case XML_ERR_ATTRIBUTE_NOT_STARTED: { /* at what should be the quote */
    char *a = attr_before(src, at);
    k = at < len ? mg_utf8_decode(src + at, len - at, &cp) : 0;
    if (k && (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019 ||
              cp == 0xFF02 || cp == 0xFF07 || cp == 0x300C || cp == 0x300D))
      mg_buf_printf(w,
                    "'%.*s' is a full-width quote: write the value of '%s' in "
                    "ASCII quotes, %s=\"…\"",
                    k, src + at, a, a);
    else
      mg_buf_printf(w,
                    "the value of attribute '%s' must be in quotes: "
                    "%s=\"…\"",
                    a, a);
    free(a);
    break;
  }
  case XML_ERR_ATTRIBUTE_WITHOUT_VALUE: /* after the name */
    p = at;
    while (p > 0 && is_space(src[p - 1]))
      p--;
    while (p > 0 && is_name_byte((unsigned char)src[p - 1]))
      p--;
    fix->off = (size_t)p;
    mg_buf_printf(w, "attribute '%s' has no value: write %s=\"…\"", s1, s1);
    break;
  case XML_ERR_ATTRIBUTE_REDEFINED: /* at the end of the start tag */
    if ((p = find_back(src, at, 0, '<')) >= 0) {
      char *q = e->str2 ? mg_xasprintf("%s:%s", s1, e->str2) : mg_xstrdup(s1);
      size_t n = 1;
      while ((size_t)p + n < len && is_name_byte((unsigned char)src[p + n]))
        n++;
      fix->off = second_attr(src, len, (size_t)p, q);
      mg_buf_printf(w, "attribute '%s' is given twice in <%.*s>", q,
                    (int)(n - 1), src + p + 1);
      free(q);
    }
    break;
  case XML_ERR_SPACE_REQUIRED: /* "attributes construct error" */
    if (at > 0 && (src[at - 1] == '"' || src[at - 1] == '\''))
      mg_buf_puts(w, "attributes must be separated by spaces and written "
                     "name=\"value\"");
    break;
  case XML_ERR_GT_REQUIRED: /* at what follows the tag */
    p = at;
    while (p > 0 && is_space(src[p - 1]))
      p--;
    if (memchr(src + p, '\n', at - (size_t)p))
      fix->off = (size_t)p; /* at the end of the tag's line */
    if (e->str1)
      mg_buf_printf(w, "expected '>' or '/>' to end the tag <%s>", s1);
    else
      mg_buf_puts(w, "expected '>' to end the closing tag");
    break;
  case XML_ERR_TAG_NAME_MISMATCH: /* after the '>' of the closing tag */
    if ((p = find_back(src, at, 0, '<')) >= 0) {
      fix->off = (size_t)p;
      mg_buf_printf(w, "</%s> does not close <%s> (opened on line %d)",
                    e->str2 ? e->str2 : "", s1, e->int1);
    }
    break;
  case XML_ERR_TAG_NOT_FINISHED: { /* at the end of the file */
    /* the element's start tag: the last "<name" on its line */
    size_t i = 0, nl = strlen(s1);
    for (int l = 1; l < e->int1 && i < len; i++)
      if (src[i] == '\n')
        l++;
    for (; i < len && src[i] != '\n'; i++)
      if (src[i] == '<' && i + 1 + nl <= len && !memcmp(src + i + 1, s1, nl) &&
          (i + 1 + nl == len || !is_name_byte((unsigned char)src[i + 1 + nl])))
        fix->off = i;
    mg_buf_printf(w, "<%s> is never closed: add </%s>", s1, s1);
    break;
  }
  case XML_ERR_DOCUMENT_END: { /* at what follows */
    xmlParserCtxtPtr pc = e->ctxt;
    xmlNodePtr root = pc->myDoc ? xmlDocGetRootElement(pc->myDoc) : NULL;
    const char *r = root ? (const char *)root->name : "…";
    mg_buf_printf(w,
                  "this is after the end of <%s>: everything must be inside "
                  "<%s> … </%s>",
                  r, r, r);
    break;
  }
  case XML_ERR_DOCUMENT_EMPTY: {
    size_t i = 0;
    while (i < len && is_space(src[i]))
      i++;
    if (i == len) {
      fix->off = 0;
      mg_buf_puts(w, "the file is empty");
    } else if (at >= len) {
      mg_buf_puts(w, "the file has no element");
    } else {
      mg_buf_puts(w, "expected '<' here: text must be inside an element");
    }
    break;
  }
  case XML_ERR_RESERVED_XML_NAME: /* after "<?xml" */
    if ((p = find_back(src, at, 0, '<')) >= 0) {
      fix->off = (size_t)p;
      mg_buf_puts(w, "the XML declaration <?xml …?> must be at the very start "
                     "of the file, with nothing before it (not even a blank "
                     "line)");
    }
    break;
  case XML_ERR_HYPHEN_IN_COMMENT:
    mg_buf_puts(w, "'--' is not allowed inside a comment");
    break;
  case XML_ERR_COMMENT_NOT_FINISHED:
    mg_buf_puts(w, "a comment is not closed: add '-->'");
    break;
  default:
    break;
  }
}

/* libxml2's message on one line (some have a newline inside). Caller
 * frees. */
static char *xml_words(xmlErrorPtr e) {
  char *m = mg_xstrdup(e->message ? e->message : "unknown XML error");
  size_t n = strlen(m);
  while (n > 0 && is_space(m[n - 1]))
    m[--n] = '\0';
  for (char *c = m; *c; c++)
    if (*c == '\n' || *c == '\r')
      *c = ' ';
  return m;
}

/* Reports the first well-formedness error of a file in the author's
 * terms, at the offending character. Falls back to libxml2's line and
 * column when the file cannot be read again or was converted from
 * another encoding. */
static void xml_syntax_error(xmlErrorPtr e) {
  char *words = xml_words(e);
  size_t len = 0;
  char *src = mg_read_file(e->file, &len);
  long at = src ? xml_cursor(e, src, len) : -1;
  xml_fix fix = {{0}, 0};
  int line = e->line, col = e->int2 > 0 ? e->int2 : 0;
  if (at >= 0) {
    explain_xml(e, src, len, (size_t)at, &fix);
    xml_position(src, len, fix.off, &line, &col);
  }
  mg_diag(MG_ERROR, e->file, line, col, "%s (libxml2: %s)",
          fix.what.len ? fix.what.data : "not well-formed XML", words);
  mg_buf_free(&fix.what);
  free(src);
  free(words);
}

/* libxml2 structured errors: file, line, column (int2, in characters),
 * level. */
static void xml_structured(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (!e || e->level == XML_ERR_NONE)
    return;
  if ((e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE) &&
      e->ctxt) {
    /* the parser goes on after a fatal error, and what it reports then
     * follows from the first one */
    if (!((xmlParserCtxtPtr)e->ctxt)->wellFormed)
      return;
    if (e->domain == XML_FROM_PARSER && e->level == XML_ERR_FATAL && e->file) {
      xml_syntax_error(e);
      return;
    }
  }
  /* validity warnings of the schema module are real problems too */
  mg_level lvl = e->level == XML_ERR_WARNING ? MG_WARNING : MG_ERROR;
  char *words = xml_words(e);
  mg_diag(lvl, e->file, e->line, e->int2 > 0 ? e->int2 : 0, "%s", words);
  free(words);
}

/* libxslt reports through a generic printf-style handler; messages from
 * xsl:message and template errors arrive in pieces, so collect them by
 * line. */
static pthread_key_t xslt_key;
static pthread_once_t xslt_once = PTHREAD_ONCE_INIT;
static void xslt_key_free(void *p) {
  mg_buf *b = p;
  mg_buf_free(b);
  free(b);
}
static void xslt_generic(void *ctx, const char *fmt, ...);
static void xslt_key_init(void) {
  pthread_key_create(&xslt_key, xslt_key_free);
  /* libxslt's handler is one process-wide variable: set it once */
  xsltSetGenericErrorFunc(NULL, xslt_generic);
}

static void xslt_generic(void *ctx, const char *fmt, ...) {
  (void)ctx;
  mg_buf *b = pthread_getspecific(xslt_key);
  if (!b) {
    b = mg_xcalloc(1, sizeof *b);
    pthread_setspecific(xslt_key, b);
  }
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = mg_xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  mg_buf_puts(b, s);
  free(s);
  char *nl;
  while (b->data && (nl = strchr(b->data, '\n')) != NULL) {
    *nl = '\0';
    if (*b->data) {
      const char *m = b->data;
      mg_level lvl = MG_ERROR;
      if (!strncmp(m, "warning: ", 9)) {
        lvl = MG_WARNING;
        m += 9;
      }
      mg_diag(lvl, "templates", 0, 0, "%s", m);
    }
    size_t rest = b->len - (size_t)(nl + 1 - b->data);
    memmove(b->data, nl + 1, rest + 1);
    b->len = rest;
  }
}

void mg_diag_install_xml_handlers(void) {
  pthread_once(&xslt_once, xslt_key_init);
  xmlSetStructuredErrorFunc(NULL, xml_structured); /* per thread */
}
