/* diag.c -- compiler-style diagnostics, collected from every thread.
 *
 * Messages are kept until mg_diag_flush, which sorts them by file, line
 * and column (so output does not depend on thread timing) and merges the
 * same message reported for several stores into one line. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/* Decodes the UTF-8 character at s (at most n bytes): returns its length
 * and sets *cp, or returns 0 when the bytes are not UTF-8 (a stray or
 * truncated sequence, an overlong form, a surrogate, beyond U+10FFFF). */
int mg_utf8_decode(const char *s, size_t n, unsigned *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (!n)
    return 0;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  size_t len = (u[0] & 0xE0) == 0xC0   ? 2
               : (u[0] & 0xF0) == 0xE0 ? 3
               : (u[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
  if (!len || len > n)
    return 0;
  unsigned c = u[0] & (0x7Fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((u[k] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (u[k] & 0x3Fu);
  }
  if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
      (len == 4 && c < 0x10000) || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return (int)len;
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

/* libxml2 structured errors: file, line, column (int2), level. */
static void xml_structured(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (!e || e->level == XML_ERR_NONE)
    return;
  /* validity warnings of the schema module are real problems too */
  mg_level lvl = e->level == XML_ERR_WARNING ? MG_WARNING : MG_ERROR;
  const char *msg = e->message ? e->message : "unknown XML error";
  int col = e->int2 > 0 ? e->int2 : 0;
  if (col > 0 && e->file && e->line > 0) {
    /* libxml2 counts bytes; editors count characters */
    size_t len;
    char *src = mg_read_file(e->file, &len);
    if (src)
      col = mg_char_col(src, len, e->line, col);
    free(src);
  }
  mg_diag(lvl, e->file, e->line, col, "%s", msg);
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
