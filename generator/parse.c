/* parse.c -- Markdown sections to the store-independent tree.
 *
 * Each section is read once, its front matter parsed, its body parsed by
 * cmark-gfm and converted straight from cmark's tree into libxml2 nodes
 * in cmark's own XML vocabulary (no render-and-reparse round trip). The
 * conversion also:
 *
 *   - checks the text cmark decoded (character references) by the rules
 *     of the byte check of the file;
 *   - groups conditional passages into m:choose/m:when/m:otherwise, after
 *     checking that the markers of one `if` share a parent; a comment that
 *     looks like a misspelt marker is an error;
 *   - splits placeholders out of text into m:ph elements (never in code);
 *   - gives every heading an id and records its slug;
 *   - records cross references, resolved once every section is parsed,
 *     without asking the file system about anything outside the content
 *     folder;
 *   - drops raw HTML (a warning) and plain comments (silently).
 *
 * Lookups go through libxml2 hash tables, so that the work stays linear
 * in the size of the input. Expressions are checked against the schema
 * and compiled here, once. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "manualgen.h"

/* ------------------------------------------------------------ helpers */

int mg_char_col(const char *src, size_t len, int line, int bytecol) {
  if (!src || line < 1 || bytecol < 1)
    return bytecol;
  size_t p = 0;
  for (int l = 1; l < line && p < len; p++)
    if (src[p] == '\n')
      l++;
  int col = 1;
  for (int b = 1; b < bytecol && p < len && src[p] != '\n'; b++, p++)
    if (((unsigned char)src[p] & 0xC0) != 0x80)
      col++;
  /* a column inside a multi-byte character: round down */
  return col;
}

int mg_section_col(mg_section *s, int line, int bytecol) {
  if (!s->src || line < 1 || bytecol < 1 || (size_t)line > s->nlines)
    return bytecol;
  size_t start = s->line_starts[line - 1];
  int b = 1, col = 1;
  if (s->colcache.line == line && s->colcache.bytecol <= bytecol) {
    b = s->colcache.bytecol; /* go on from the last position */
    col = s->colcache.charcol;
  }
  for (size_t p = start + (size_t)b - 1;
       b < bytecol && p < s->srclen && s->src[p] != '\n'; b++, p++)
    if (((unsigned char)s->src[p] & 0xC0) != 0x80)
      col++;
  s->colcache.line = line;
  s->colcache.bytecol = b;
  s->colcache.charcol = col;
  return col;
}

static void index_lines(mg_section *s) {
  size_t n = 1;
  for (size_t i = 0; i < s->srclen; i++)
    n += s->src[i] == '\n';
  s->line_starts = mg_xmalloc(n * sizeof *s->line_starts);
  s->nlines = 0;
  s->line_starts[s->nlines++] = 0;
  for (size_t i = 0; i < s->srclen; i++)
    if (s->src[i] == '\n')
      s->line_starts[s->nlines++] = i + 1;
}

char *mg_slugify(const char *text) {
  mg_buf b = {0};
  int dash = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    unsigned char c = *p;
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-' || c >= 0x80) {
      /* full-width punctuation and spaces of CJK text are dropped */
      if (c == 0xE3 && p[1] == 0x80 && (p[2] >= 0x80 && p[2] <= 0x91)) {
        /* U+3000..U+3011: ideographic space and punctuation */
        if (p[2] == 0x80)
          dash = 1;
        p += 2;
        continue;
      }
      if (c == 0xEF && p[1] == 0xBC &&
          (p[2] == 0x81 || p[2] == 0x88 || p[2] == 0x89 || p[2] == 0x8C ||
           p[2] == 0x9A || p[2] == 0x9B || p[2] == 0x9F)) {
        p += 2; /* ！（），：；？ */
        continue;
      }
      if (dash && b.len)
        mg_buf_put(&b, "-", 1);
      dash = 0;
      mg_buf_put(&b, &c, 1);
    } else if (c == ' ' || c == '\t') {
      dash = 1;
    }
  }
  return b.data ? b.data : mg_xstrdup("");
}

/* ----------------------------------------------------------- context */

typedef struct xref {
  xmlNodePtr link;
  mg_section *from;
  char *target; /* path part, may be empty for "#anchor" */
  char *fragment;
  int line, col;
  struct xref *next;
} xref;

typedef struct frame {
  xmlNodePtr choose, branch;
  int line, col, has_else;
} frame;

/* The open conditions of one container, linked to those of the
 * containers around it (for messages about markers split across blocks). */
typedef struct scope {
  const frame *frames;
  size_t nframes;
  const struct scope *outer;
} scope;

/* Deeper nesting than this is refused: no manual needs it, and every
 * later stage (resolve, the stylesheets) walks the tree recursively. */
#define MAX_DEPTH 64

typedef struct {
  mg_tree *t;
  mg_section *sec;
  xmlNsPtr md, m;
  int line_offset;
  xref *xrefs;
  const scope *outer;
  size_t depth;
  int too_deep; /* reported once per section */
  /* base slug -> the first suffix not yet tried for it (add_heading) */
  xmlHashTablePtr suffixes;
  int cell;      /* the column of the table cell being converted */
  int bad_chars; /* forbidden characters in decoded text, this section */
} pctx;

static int lineof(pctx *c, cmark_node *n) {
  int l = cmark_node_get_start_line(n);
  return l > 0 ? l + c->line_offset : 0;
}

static int colof(pctx *c, cmark_node *n, size_t extra_bytes) {
  int col = cmark_node_get_start_column(n);
  if (col <= 0)
    return 0;
  return mg_section_col(c->sec, lineof(c, n), col + (int)extra_bytes);
}

/* Sets attribute `name` of n to the expression raw, trimmed, and `line`
 * and `col` to where its first character is: compile.c checks and
 * compiles it from there (the compiled manual carries its expressions as
 * text). */
static void set_expr(xmlNodePtr n, const char *name, const char *raw, int line,
                     int col) {
  while (*raw == ' ' || *raw == '\t') {
    raw++;
    col++;
  }
  size_t len = strlen(raw);
  while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
    len--;
  char *src = mg_xstrndup(raw, len);
  xmlNewProp(n, BAD_CAST name, BAD_CAST src);
  free(src);
  char buf[32];
  snprintf(buf, sizeof buf, "%d", line);
  xmlNewProp(n, BAD_CAST "line", BAD_CAST buf);
  snprintf(buf, sizeof buf, "%d", col);
  xmlNewProp(n, BAD_CAST "col", BAD_CAST buf);
}

static void set_int(xmlNodePtr n, xmlNsPtr ns, const char *name, long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", v);
  xmlNewNsProp(n, ns, BAD_CAST name, BAD_CAST buf);
}

/* ------------------------------------------------ decoded characters */

/* cmark decodes character references ("&#27;", "&#xFFFE;"), so its text
 * can hold characters that the byte check of the file never saw. The same
 * rules apply to both: what a handbook cannot contain. */

/* Why cp cannot be in a handbook ("a control character"), or NULL when it
 * can: C0 controls except TAB, LF and CR, DEL, C1 controls, and the
 * noncharacters (U+FDD0..U+FDEF and the last two of every plane). */
static const char *forbidden(uint32_t cp) {
  if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
      (cp >= 0x7F && cp <= 0x9F))
    return "a control character";
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
    return "a noncharacter";
  return NULL;
}

#define NOT_UTF8 0xFFFFFFFFu

/* Decodes the UTF-8 character at s[*i] and moves *i past it. Returns
 * NOT_UTF8 (and moves one byte) for a malformed or overlong sequence. */
static uint32_t utf8_next(const char *s, size_t len, size_t *i) {
  unsigned char b = (unsigned char)s[*i];
  size_t n = b < 0x80             ? 1
             : (b & 0xE0) == 0xC0 ? 2
             : (b & 0xF0) == 0xE0 ? 3
             : (b & 0xF8) == 0xF0 ? 4
                                  : 0;
  static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (!n || *i + n > len) {
    (*i)++;
    return NOT_UTF8;
  }
  uint32_t cp = n == 1 ? b : b & (0x7Fu >> n);
  for (size_t k = 1; k < n; k++) {
    unsigned char cb = (unsigned char)s[*i + k];
    if ((cb & 0xC0) != 0x80) {
      (*i)++;
      return NOT_UTF8;
    }
    cp = (cp << 6) | (cb & 0x3Fu);
  }
  if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    (*i)++;
    return NOT_UTF8;
  }
  *i += n;
  return cp;
}

/* If s[i..len) starts with a numeric character reference ("&#27;",
 * "&#x1B;"), returns its length and sets *cp to what cmark decodes it to
 * (U+FFFD for 0, surrogates and beyond U+10FFFF); else returns 0. */
static size_t numeric_ref(const char *s, size_t len, size_t i, uint32_t *cp) {
  if (i + 3 >= len || s[i] != '&' || s[i + 1] != '#')
    return 0;
  size_t p = i + 2;
  int hex = s[p] == 'x' || s[p] == 'X';
  p += (size_t)hex;
  size_t digits = 0;
  uint32_t v = 0;
  for (; p < len; p++, digits++) {
    char d = s[p];
    int x = d >= '0' && d <= '9'          ? d - '0'
            : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
            : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
                                          : -1;
    if (x < 0)
      break;
    if (v < 0x110000)
      v = v * (hex ? 16u : 10u) + (uint32_t)x;
  }
  if (!digits || digits > (hex ? 6u : 7u) || p >= len || s[p] != ';')
    return 0;
  if (v == 0 || v >= 0x110000 || (v >= 0xD800 && v <= 0xDFFF))
    v = 0xFFFD;
  *cp = v;
  return p + 1 - i;
}

/* Where a node's decoded text came from in the section's source: the
 * references that produced its forbidden characters are looked for in
 * from..to, in order, and then once more from retry. */
typedef struct {
  size_t from, to, retry; /* byte offsets into c->sec->src */
  cmark_node *node;       /* its position, when no reference is found */
} origin;

/* The byte offset of a 1-based line and byte column of the section,
 * clamped to the source. */
static size_t offset_of(const mg_section *s, int line, int bytecol) {
  if (line < 1 || (size_t)line > s->nlines)
    return s->srclen;
  size_t o = s->line_starts[line - 1] + (size_t)(bytecol > 1 ? bytecol - 1 : 0);
  return o < s->srclen ? o : s->srclen;
}

/* The offset just past the end of a 1-based line (its '\n'). */
static size_t line_end(const mg_section *s, int line) {
  if (line < 1 || (size_t)line >= s->nlines)
    return s->srclen;
  return s->line_starts[line];
}

/* The origin of node n: its lines, from its first byte. */
static origin origin_of(pctx *c, cmark_node *n) {
  const mg_section *s = c->sec;
  int line = lineof(c, n), end = cmark_node_get_end_line(n);
  end = end > 0 ? end + c->line_offset : line;
  origin o;
  o.from = offset_of(s, line, cmark_node_get_start_column(n));
  o.retry = offset_of(s, line, 1);
  o.to = line_end(s, end > line ? end : line);
  o.node = n;
  return o;
}

/* Finds the next reference in o->from..o->to (then o->retry..o->to) that
 * decodes to cp, not escaped by a backslash. Returns its offset and sets
 * *len, or returns SIZE_MAX. */
static size_t find_ref(const mg_section *s, origin *o, uint32_t cp,
                       size_t *len) {
  for (int pass = 0; pass < 2; pass++) {
    size_t from = pass ? o->retry : o->from;
    if (pass && from >= o->from)
      break;
    for (size_t i = from; i < o->to && i < s->srclen; i++) {
      uint32_t v;
      size_t n = numeric_ref(s->src, s->srclen, i, &v);
      if (!n || v != cp)
        continue;
      size_t bs = 0;
      while (bs < i && s->src[i - 1 - bs] == '\\')
        bs++;
      if (bs % 2)
        continue;
      *len = n;
      return i;
    }
  }
  return SIZE_MAX;
}

int mg_section_line_at(const mg_section *s, size_t off) {
  size_t lo = 0, hi = s->nlines;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->line_starts[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  return (int)lo + 1;
}

/* Reports cp, one of the forbidden characters of the decoded text `what`
 * ("the text", "the link's address"), at the reference that produced it
 * when there is one in o, else at the node. At most 20 per section, as
 * for the bytes of the file. */
static void report_decoded(pctx *c, origin *o, uint32_t cp, const char *why,
                           const char *what) {
  mg_section *s = c->sec;
  if (c->bad_chars++ >= 20)
    return;
  size_t len = 0, at = find_ref(s, o, cp, &len);
  if (at == SIZE_MAX) {
    mg_diag(MG_ERROR, s->file, lineof(c, o->node), colof(c, o->node, 0),
            "%s contains U+%04X, %s, which a handbook cannot contain", what,
            (unsigned)cp, why);
    return;
  }
  int line = mg_section_line_at(s, at);
  int col = mg_section_col(s, line, (int)(at - s->line_starts[line - 1]) + 1);
  mg_diag(MG_ERROR, s->file, line, col,
          "'%.*s' stands for U+%04X, %s, which a handbook cannot contain",
          (int)len, s->src + at, (unsigned)cp, why);
  o->from = at + len;
}

/* Checks decoded text (as cmark gives it) before it goes into the tree.
 * Returns NULL when it is fine; else reports each forbidden character
 * (when o is given) and returns a copy with each one replaced by U+FFFD,
 * so that nothing after this (ids, messages, `resolve`) ever sees it. The
 * caller frees the copy. */
static char *check_decoded(pctx *c, const char *text, origin *o,
                           const char *what) {
  if (!text)
    return NULL;
  size_t len = strlen(text);
  mg_buf out = {0};
  size_t done = 0;
  for (size_t i = 0; i < len;) {
    size_t at = i;
    uint32_t cp = utf8_next(text, len, &i);
    if (cp == NOT_UTF8) {
      /* cmark writes U+FFFE and U+FFFF as the bytes FE and FF (utf8proc's
       * legacy); nothing else of its output is malformed, but whatever is
       * must not reach the tree either */
      unsigned char b = (unsigned char)text[at];
      cp = b == 0xFE ? 0xFFFE : b == 0xFF ? 0xFFFF : NOT_UTF8;
    }
    const char *why = cp == NOT_UTF8 ? "" : forbidden(cp);
    if (!why)
      continue;
    if (o && *why)
      report_decoded(c, o, cp, why, what);
    mg_buf_put(&out, text + done, at - done);
    mg_buf_puts(&out, "\xEF\xBF\xBD");
    done = i;
  }
  if (!out.data)
    return NULL;
  mg_buf_put(&out, text + done, len - done);
  return out.data;
}

/* ------------------------------------------------------- placeholders */

/* Splits s at "{{ expr }}" and calls emit for each piece: text (expr
 * NULL), or a placeholder's expression with the column just after its
 * "{{". With emit NULL, only checks that every "{{" is closed. Returns
 * the number of placeholders. */
typedef void (*piece_fn)(pctx *c, xmlNodePtr parent, const char *text,
                         size_t len, const char *expr, int line, int col);

static int scan_placeholders(pctx *c, xmlNodePtr parent, const char *s,
                             int line, int bytecol0, cmark_node *at,
                             piece_fn emit) {
  int found = 0;
  const char *p = s;
  for (;;) {
    const char *open = strstr(p, "{{");
    int tcol = at ? colof(c, at, (size_t)(p - s) + (size_t)bytecol0) : 0;
    if (!open) {
      if (emit && *p)
        emit(c, parent, p, strlen(p), NULL, line, tcol);
      break;
    }
    if (emit && open > p)
      emit(c, parent, p, (size_t)(open - p), NULL, line, tcol);
    const char *close = strstr(open + 2, "}}");
    int col = at ? colof(c, at, (size_t)(open - s) + (size_t)bytecol0) : 0;
    if (!close) {
      mg_diag(MG_ERROR, c->sec->file, line, col,
              "'{{' without a closing '}}' (placeholders cannot span lines)");
      if (emit)
        emit(c, parent, open, strlen(open), NULL, 0, 0);
      break;
    }
    char *src = mg_xstrndup(open + 2, (size_t)(close - open - 2));
    /* column just after "{{"; set_expr skips the spaces */
    int ecol = at ? colof(c, at, (size_t)(open + 2 - s) + (size_t)bytecol0) : 0;
    if (emit)
      emit(c, parent, NULL, 0, src, line, ecol);
    free(src);
    found++;
    p = close + 2;
  }
  return found;
}

static void emit_text(pctx *c, xmlNodePtr parent, const char *text, size_t len,
                      const char *expr, int line, int col) {
  if (!expr) {
    xmlNodePtr t = xmlNewNode(c->md, BAD_CAST "text");
    xmlNodePtr tx = xmlNewTextLen(BAD_CAST text, (int)len);
    xmlAddChild(t, tx);
    xmlAddChild(parent, t);
    if (line > 0) {
      set_int(t, c->m, "line", line);
      set_int(t, c->m, "col", col);
    }
    return;
  }
  xmlNodePtr ph = xmlNewChild(parent, c->m, BAD_CAST "ph", NULL);
  set_expr(ph, "expr", expr, line, col);
}

/* --------------------------------------------------------- raw HTML */

enum marker { M_NONE, M_COMMENT, M_RAW, M_IF, M_ELIF, M_ELSE, M_ENDIF };

static const char *marker_name(enum marker m) {
  return m == M_IF     ? "if"
         : m == M_ELIF ? "elif"
         : m == M_ELSE ? "else"
                       : "endif";
}

static int is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int is_letter(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* True when the n lowercase letters of a are the word b, or b with one
 * typo: a letter left out, added or changed, or two neighbours swapped. */
static int one_typo(const char *a, size_t n, const char *b) {
  size_t m = strlen(b), i = 0;
  while (i < n && i < m && a[i] == b[i])
    i++;
  if (i == n && i == m)
    return 1;
  if (n == m)
    return !memcmp(a + i + 1, b + i + 1, n - i - 1) ||
           (i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
            !memcmp(a + i + 2, b + i + 2, n - i - 2));
  if (n + 1 == m)
    return !memcmp(a + i, b + i + 1, n - i);
  if (n == m + 1)
    return !memcmp(a + i + 1, b + i, m - i);
  return 0;
}

/* How authors write the markers, compared in lowercase with the spaces,
 * '-' and '_' between two words left out ("Else If", "end-if"). */
static const struct {
  const char *word;
  enum marker kind;
} spellings[] = {
    {"if", M_IF},       {"elif", M_ELIF},  {"else", M_ELSE}, {"endif", M_ENDIF},
    {"elseif", M_ELIF}, {"elsif", M_ELIF}, {"end", M_ENDIF}, {"fi", M_ENDIF},
};

/* Reads a word (ASCII letters) at *p, before e, into w (lowercase, after
 * the n letters already there). Returns the new length, or 0 when the
 * word is longer than any spelling with a typo. */
static size_t read_word(const char **p, const char *e, char *w, size_t n,
                        size_t cap) {
  for (; *p < e && is_letter(**p); (*p)++) {
    if (n == cap)
      return 0;
    char ch = **p;
    w[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
  }
  return n;
}

/* The marker that the comment text in..e looks like, or M_COMMENT: its
 * first word, or its first two words run together ("end if"), is one of
 * the spellings; or its first word is if/elif/else/endif with one typo,
 * for the keywords of four letters or more ("els", "esle"; every short
 * word is one typo away from "if"). *rest gets what follows the words. */
static enum marker looks_like(const char *in, const char *e,
                              const char **rest) {
  char w[8], w2[16];
  const char *p = in;
  size_t n = read_word(&p, e, w, 0, sizeof w);
  if (!n)
    return M_COMMENT;
  const char *q = p;
  while (q < e && (*q == ' ' || *q == '\t' || *q == '-' || *q == '_'))
    q++;
  if (q > p && q < e && is_letter(*q)) {
    memcpy(w2, w, n);
    size_t n2 = read_word(&q, e, w2, n, sizeof w2);
    for (size_t i = 0; n2 && i < sizeof spellings / sizeof *spellings; i++)
      if (strlen(spellings[i].word) == n2 &&
          !memcmp(w2, spellings[i].word, n2)) {
        *rest = q;
        return spellings[i].kind;
      }
  }
  *rest = p;
  for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++)
    if (strlen(spellings[i].word) == n && !memcmp(w, spellings[i].word, n))
      return spellings[i].kind;
  for (enum marker k = M_ELIF; k <= M_ENDIF; k++)
    if (one_typo(w, n, marker_name(k)))
      return k;
  return M_COMMENT;
}

/* Appends s..e to b as one line: whitespace with a line break in it
 * becomes one space, and more than max characters end in "...". */
static void put_line(mg_buf *b, const char *s, const char *e, size_t max) {
  size_t chars = 0;
  while (s < e) {
    if (is_space(*s)) {
      const char *w = s;
      int br = 0;
      for (; w < e && is_space(*w); w++)
        br |= *w == '\n' || *w == '\r';
      if (br) {
        mg_buf_put(b, " ", 1);
        chars++;
        s = w;
        continue;
      }
    }
    if (chars == max) {
      mg_buf_puts(b, "...");
      return;
    }
    /* one character, all of its bytes */
    const char *ch = s++;
    while (s < e && ((unsigned char)*s & 0xC0) == 0x80)
      s++;
    mg_buf_put(b, ch, (size_t)(s - ch));
    chars++;
  }
}

/* Classifies an html node: raw HTML, a plain comment, or a marker. A
 * marker is exactly "<!--", optional whitespace, the keyword in lowercase
 * and, for if/elif, a colon directly after it and an expression, then
 * optional whitespace and "-->" ("<!--if:x-->" is one too). A comment that
 * looks like a marker but is not exactly one is an error that gives the
 * right spelling (it is then dropped as a comment), so that a misspelt
 * marker never lets both branches print. For if/elif, *expr gets the
 * expression (the caller frees it) and *expr_off its byte offset in the
 * literal. */
static enum marker classify(pctx *c, cmark_node *n, char **expr,
                            size_t *expr_off) {
  const char *lit = cmark_node_get_literal(n);
  if (!lit)
    return M_RAW;
  const char *p = lit;
  while (is_space(*p))
    p++;
  if (strncmp(p, "<!--", 4))
    return M_RAW;
  const char *in = p + 4;
  while (is_space(*in))
    in++;
  /* an unclosed comment swallows the block: look at its first line */
  const char *end = strstr(in, "-->");
  const char *ie = end ? end : in + strcspn(in, "\n");
  while (ie > in && is_space(ie[-1]))
    ie--;
  const char *rest;
  enum marker kind = looks_like(in, ie, &rest);
  if (kind == M_COMMENT)
    return M_COMMENT;
  const char *name = marker_name(kind);
  size_t nl = strlen(name);
  const char *e = rest; /* the expression of if/elif */
  if (kind == M_IF || kind == M_ELIF) {
    while (e < ie && is_space(*e))
      e++;
    if (e < ie && *e == ':')
      e++;
    else if (ie - e >= 3 && !memcmp(e, "\xEF\xBC\x9A", 3))
      e += 3; /* a full-width colon */
    while (e < ie && is_space(*e))
      e++;
  }
  int exact =
      end && rest == in + nl && !memcmp(in, name, nl) &&
      (kind == M_IF || kind == M_ELIF ? rest < ie && *rest == ':' && e < ie
                                      : rest == ie);
  if (!exact) {
    mg_buf shown = {0}, right = {0};
    put_line(&shown, p, end ? end + 3 : ie, 60);
    if (kind == M_ELSE || kind == M_ENDIF)
      mg_buf_printf(&right, "<!-- %s -->", name);
    else if (e < ie) {
      mg_buf_printf(&right, "<!-- %s: ", name);
      put_line(&right, e, ie, 200);
      mg_buf_puts(&right, " -->");
    }
    if (right.len)
      mg_diag(MG_ERROR, c->sec->file, lineof(c, n), colof(c, n, 0),
              "'%s' is not a marker; write '%s'", shown.data, right.data);
    else
      mg_diag(MG_ERROR, c->sec->file, lineof(c, n), colof(c, n, 0),
              "'%s' is not a marker; write '<!-- %s: condition -->', with "
              "the condition after the colon",
              shown.data, name);
    mg_buf_free(&shown);
    mg_buf_free(&right);
    return M_COMMENT;
  }
  /* nothing may follow the comment on its line: cmark keeps it in the
   * same block, so the author's text would vanish */
  const char *after = end + 3;
  while (is_space(*after))
    after++;
  if (*after) {
    mg_diag(MG_ERROR, c->sec->file, lineof(c, n), colof(c, n, 0),
            "text after a marker on the same line would be lost; put the "
            "marker on a line of its own");
  }
  if (kind == M_IF || kind == M_ELIF) {
    *expr = mg_xstrndup(e, (size_t)(ie - e));
    *expr_off = (size_t)(e - lit);
  }
  return kind;
}

/* ----------------------------------------------------------- convert */

static void convert_children(pctx *c, cmark_node *parent, xmlNodePtr out);

static void plain_text(cmark_node *n, mg_buf *b, int depth) {
  if (depth > MAX_DEPTH)
    return; /* reported by convert_children */
  for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k)) {
    cmark_node_type t = cmark_node_get_type(k);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      const char *lit = cmark_node_get_literal(k);
      /* placeholders do not take part in slugs: they vary by store */
      for (const char *p = lit; p && *p;) {
        const char *o = strstr(p, "{{");
        const char *e = o ? strstr(o, "}}") : NULL;
        if (t == CMARK_NODE_CODE || !o || !e) {
          mg_buf_puts(b, p);
          break;
        }
        mg_buf_put(b, p, (size_t)(o - p));
        p = e + 2;
      }
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      mg_buf_puts(b, " ");
    } else {
      plain_text(k, b, depth + 1);
    }
  }
}

/* Room for one more item in an array of n items that grows by doubling:
 * reallocates when n is 0 or a power of two. */
static void *grow(void *v, size_t n, size_t size) {
  if (n & (n - 1))
    return v;
  return mg_xrealloc(v, (n ? 2 * n : 1) * size);
}

/* Gives heading h an id unique inside the section: its slug, else "slug-1",
 * "slug-2"... (a slug is taken when an earlier heading or the section id
 * has it). c->suffixes keeps, per slug, the first suffix not yet tried;
 * every suffix below it is taken, so no candidate is tried twice and the
 * headings of a section take linear time. */
static void add_heading(pctx *c, cmark_node *n, xmlNodePtr h) {
  mg_buf b = {0};
  plain_text(n, &b, 0);
  /* the text nodes report what is wrong; the id must not carry it */
  char *clean = check_decoded(c, b.data, NULL, NULL);
  char *slug = mg_slugify(clean ? clean : b.data ? b.data : "");
  free(clean);
  mg_buf_free(&b);
  mg_section *s = c->sec;
  if (!*slug) {
    free(slug);
    slug = mg_xasprintf("h%zu", s->nheadings + 1);
  }
  char *uniq;
  if (!xmlHashLookup(s->anchors, BAD_CAST slug)) {
    uniq = slug;
  } else {
    uintptr_t k = (uintptr_t)xmlHashLookup(c->suffixes, BAD_CAST slug);
    for (k = k ? k : 1;; k++) {
      uniq = mg_xasprintf("%s-%lu", slug, (unsigned long)k);
      if (!xmlHashLookup(s->anchors, BAD_CAST uniq))
        break;
      free(uniq);
    }
    xmlHashUpdateEntry(c->suffixes, BAD_CAST slug, (void *)(k + 1), NULL);
    free(slug);
  }
  s->headings = grow(s->headings, s->nheadings, sizeof *s->headings);
  mg_heading *hd = &s->headings[s->nheadings++];
  hd->slug = uniq;
  hd->id = mg_xasprintf("%s--%s", s->fm.id ? s->fm.id : "section", uniq);
  xmlHashAddEntry(s->anchors, BAD_CAST uniq, hd->id);
  xmlNewProp(h, BAD_CAST "id", BAD_CAST hd->id);
}

static int is_scheme(const char *d) {
  /* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
  const char *p = d;
  if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
    return 0;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':';
}

/* Checks the decoded address and title of link or image n. Returns
 * copies without forbidden characters where needed (see check_decoded). */
static void check_link(pctx *c, cmark_node *n, char **dest, char **title) {
  /* both follow the link text: look for references after it */
  origin o = origin_of(c, n);
  cmark_node *last = cmark_node_last_child(n);
  if (last && cmark_node_get_end_line(last) > 0) {
    size_t after =
        offset_of(c->sec, cmark_node_get_end_line(last) + c->line_offset,
                  cmark_node_get_end_column(last) + 1);
    if (after > o.from)
      o.from = after;
  }
  o.retry = o.from;
  int image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
  *dest = check_decoded(c, cmark_node_get_url(n), &o,
                        image ? "the image's address" : "the link's address");
  *title = check_decoded(c, cmark_node_get_title(n), &o,
                         image ? "the image's title" : "the link's title");
}

/* Sets the attributes of link or image x from dest and title, splits out
 * their placeholders and records a cross reference (unless `checked` is 0:
 * dest had forbidden characters). */
static void link_attrs(pctx *c, cmark_node *n, xmlNodePtr x, const char *dest,
                       const char *title, int checked) {
  xmlNewProp(x, BAD_CAST "destination", BAD_CAST dest);
  xmlNewProp(x, BAD_CAST "title", BAD_CAST title);
  int line = lineof(c, n);
  /* placeholders in the destination and title stay in them as "{{ … }}"
   * (compile.c finds them there); their position is the link's, as cmark
   * does not keep the destination's own */
  int found = 0;
  if (strstr(dest, "{{"))
    found += scan_placeholders(c, NULL, dest, line, 0, n, NULL);
  if (strstr(title, "{{"))
    found += scan_placeholders(c, NULL, title, line, 0, n, NULL);
  if (found) {
    set_int(x, c->m, "line", line);
    set_int(x, c->m, "col", colof(c, n, 0));
  }
  if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && *dest && !is_scheme(dest) &&
      dest[0] != '/' && !strstr(dest, "{{")) {
    mg_diag(MG_WARNING, c->sec->file, line, colof(c, n, 0),
            "image '%s' is not copied into the handbooks: use an address "
            "the handbook's readers can reach",
            dest);
    return;
  }
  if (cmark_node_get_type(n) != CMARK_NODE_LINK || strstr(dest, "{{") ||
      !checked)
    return; /* an address with forbidden characters is reported already */
  if (!*dest || is_scheme(dest) || dest[0] == '/' || dest[0] == '?')
    return;
  /* a relative link: a section file, or an anchor in this section */
  const char *hash = strchr(dest, '#');
  size_t plen = hash ? (size_t)(hash - dest) : strlen(dest);
  int col = colof(c, n, 0);
  if (plen && !(plen > 3 && !strncmp(dest + plen - 3, ".md", 3))) {
    mg_diag(MG_WARNING, c->sec->file, line, col,
            "link to '%s', which is not a section of the manual: it will be "
            "broken in the handbooks",
            dest);
    return;
  }
  xref *r = mg_xcalloc(1, sizeof *r);
  r->link = x;
  r->from = c->sec;
  r->target = mg_xstrndup(dest, plen);
  r->fragment = hash ? mg_xstrdup(hash + 1) : NULL;
  r->line = line;
  r->col = col;
  r->next = c->xrefs;
  c->xrefs = r;
  set_int(x, c->m, "line", line);
  set_int(x, c->m, "col", col);
}

static void convert_link(pctx *c, cmark_node *n, xmlNodePtr x) {
  char *dest, *title;
  check_link(c, n, &dest, &title);
  const char *d = dest ? dest : cmark_node_get_url(n);
  const char *t = title ? title : cmark_node_get_title(n);
  link_attrs(c, n, x, d ? d : "", t ? t : "", !dest);
  free(dest);
  free(title);
}

/* True when s starts with a duty id in brackets: "[DM-01]". */
static int duty_prefix(const char *s) {
  return s[0] == '[' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' &&
         s[2] <= 'Z' && s[3] == '-' && s[4] >= '0' && s[4] <= '9' &&
         s[5] >= '0' && s[5] <= '9' && s[6] == ']';
}

/* A list item whose text starts with "[XX-NN]" describes that duty: the
 * item gets m:duty (and where it was written), and loses the id from its
 * text (the resolver prints the id and the declared title). An id that
 * is not declared is reported, and the item stays as written. */
static void duty_item(pctx *c, cmark_node *n, xmlNodePtr x) {
  xmlNodePtr para = x->children, text = NULL;
  if (!para || para->type != XML_ELEMENT_NODE ||
      strcmp((const char *)para->name, "paragraph"))
    return;
  text = para->children;
  if (!text || text->type != XML_ELEMENT_NODE ||
      strcmp((const char *)text->name, "text"))
    return;
  xmlChar *v = xmlNodeGetContent(text);
  if (!v || !duty_prefix((const char *)v)) {
    xmlFree(v);
    return;
  }
  char id[6];
  memcpy(id, v + 1, 5);
  id[5] = '\0';
  cmark_node *pn = cmark_node_first_child(n);
  cmark_node *tn = pn ? cmark_node_first_child(pn) : NULL;
  int line = tn ? lineof(c, tn) : lineof(c, n);
  int col = tn ? colof(c, tn, 0) : colof(c, n, 0);
  if (c->t->decls &&
      mg_decls_duty_item(c->t->decls, id, c->sec->file, line, col)) {
    xmlNewNsProp(x, c->m, BAD_CAST "duty", BAD_CAST id);
    set_int(x, c->m, "line", line);
    set_int(x, c->m, "col", col);
    const char *rest = (const char *)v + 7;
    int skipped = 7;
    while (*rest == ' ' || *rest == '\t') {
      rest++;
      skipped++;
    }
    xmlNodeSetContent(text, NULL);
    xmlAddChild(text, xmlNewText(BAD_CAST rest));
    xmlChar *tc = xmlGetNsProp(text, BAD_CAST "col", BAD_CAST MG_NS);
    if (tc) {
      char buf[32];
      snprintf(buf, sizeof buf, "%d", atoi((const char *)tc) + skipped);
      xmlSetNsProp(text, c->m, BAD_CAST "col", BAD_CAST buf);
    }
    xmlFree(tc);
  }
  xmlFree(v);
}

static xmlNodePtr convert_node(pctx *c, cmark_node *n, xmlNodePtr out) {
  cmark_node_type t = cmark_node_get_type(n);
  const char *name = cmark_node_get_type_string(n);
  xmlNodePtr x;
  switch (t) {
  case CMARK_NODE_TEXT: {
    origin o = origin_of(c, n);
    char *fixed = check_decoded(c, cmark_node_get_literal(n), &o, "the text");
    const char *lit = fixed ? fixed : cmark_node_get_literal(n);
    const char *br = lit ? strstr(lit, "](") : NULL;
    if (br && strstr(br, "{{")) {
      /* "[text](tel:{{ x }})": a destination with spaces is no link in
       * CommonMark, and the author would get the brackets as text */
      mg_diag(MG_WARNING, c->sec->file, lineof(c, n),
              colof(c, n, (size_t)(br - lit)),
              "this is not a link: a destination with spaces must be "
              "written in angle brackets, as [text](<... {{ expr }} ...>)");
    }
    if (lit && c->t->decls)
      mg_decls_form_refs(c->t->decls, lit, c->sec->file, lineof(c, n),
                         cmark_node_get_start_column(n), c->sec);
    if (lit && strstr(lit, "{{")) {
      scan_placeholders(c, out, lit, lineof(c, n), 0, n, emit_text);
      x = NULL;
    } else {
      x = xmlNewChild(out, c->md, BAD_CAST "text", NULL);
      xmlAddChild(x, xmlNewText(BAD_CAST(lit ? lit : "")));
      /* where it starts: the checks of a hall point at the Markdown */
      if (lineof(c, n) > 0) {
        set_int(x, c->m, "line", lineof(c, n));
        set_int(x, c->m, "col", colof(c, n, 0));
      }
    }
    free(fixed);
    return x;
  }
  case CMARK_NODE_CODE:
  case CMARK_NODE_CODE_BLOCK: {
    origin o = origin_of(c, n);
    x = xmlNewChild(out, c->md, BAD_CAST name, NULL);
    int flen, foff;
    char fch;
    if (t == CMARK_NODE_CODE_BLOCK &&
        cmark_node_get_fenced(n, &flen, &foff, &fch)) {
      /* the info string is on the opening fence's line */
      origin fence = o;
      fence.to = line_end(c->sec, lineof(c, n));
      const char *info = cmark_node_get_fence_info(n);
      char *fixed = check_decoded(c, info, &fence, "the code block's label");
      if (info && *info)
        xmlNewProp(x, BAD_CAST "info", BAD_CAST(fixed ? fixed : info));
      free(fixed);
      o.from = o.retry = line_end(c->sec, lineof(c, n));
    }
    const char *lit = cmark_node_get_literal(n);
    char *fixed = check_decoded(c, lit, &o, "the code");
    xmlAddChild(x, xmlNewText(BAD_CAST(fixed ? fixed : lit ? lit : "")));
    free(fixed);
    return x;
  }
  default:
    break;
  }
  if (!strcmp(name, "table_row") &&
      cmark_gfm_extensions_get_table_row_is_header(n))
    name = "table_header";
  if (!strcmp(name, "tasklist") || !strcmp(name, "item")) {
    /* cmark-gfm marks task items by their extension */
    name = cmark_node_get_syntax_extension(n) ? "tasklist" : "item";
  }
  x = xmlNewChild(out, c->md, BAD_CAST name, NULL);
  switch (t) {
  case CMARK_NODE_HEADING:
    set_int(x, NULL, "level", cmark_node_get_heading_level(n));
    add_heading(c, n, x);
    break;
  case CMARK_NODE_LIST:
    if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) {
      xmlNewProp(x, BAD_CAST "type", BAD_CAST "ordered");
      set_int(x, NULL, "start", cmark_node_get_list_start(n));
      xmlNewProp(x, BAD_CAST "delim",
                 BAD_CAST(cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM
                              ? "paren"
                              : "period"));
    } else {
      xmlNewProp(x, BAD_CAST "type", BAD_CAST "bullet");
    }
    xmlNewProp(x, BAD_CAST "tight",
               BAD_CAST(cmark_node_get_list_tight(n) ? "true" : "false"));
    break;
  case CMARK_NODE_LINK:
  case CMARK_NODE_IMAGE:
    convert_link(c, n, x);
    break;
  case CMARK_NODE_CUSTOM_BLOCK:
  case CMARK_NODE_CUSTOM_INLINE: {
    const char *on = cmark_node_get_on_enter(n),
               *off = cmark_node_get_on_exit(n);
    xmlNewProp(x, BAD_CAST "on_enter", BAD_CAST(on ? on : ""));
    xmlNewProp(x, BAD_CAST "on_exit", BAD_CAST(off ? off : ""));
    break;
  }
  default:
    break;
  }
  if (!strcmp(name, "tasklist"))
    xmlNewProp(x, BAD_CAST "completed",
               BAD_CAST(cmark_gfm_extensions_get_tasklist_item_checked(n)
                            ? "true"
                            : "false"));
  if (!strcmp(name, "table_cell")) {
    /* alignment comes from the table, by column */
    cmark_node *row = cmark_node_parent(n);
    cmark_node *table = row ? cmark_node_parent(row) : NULL;
    uint8_t *al =
        table ? cmark_gfm_extensions_get_table_alignments(table) : NULL;
    uint16_t ncols = table ? cmark_gfm_extensions_get_table_columns(table) : 0;
    /* cells are converted in order (and hold no tables): count them
     * instead of walking back over the row for each */
    int i = c->cell = cmark_node_previous(n) ? c->cell + 1 : 0;
    if (al && i < ncols) {
      const char *a = al[i] == 'l'   ? "left"
                      : al[i] == 'c' ? "center"
                      : al[i] == 'r' ? "right"
                                     : NULL;
      if (a)
        xmlNewProp(x, BAD_CAST "align", BAD_CAST a);
    }
  }
  convert_children(c, n, x);
  if (t == CMARK_NODE_ITEM && !strcmp(name, "item"))
    duty_item(c, n, x);
  return x;
}

static void convert_children(pctx *c, cmark_node *parent, xmlNodePtr out) {
  frame *frames = NULL;
  size_t nframes = 0;
  if (c->depth >= MAX_DEPTH) {
    if (!c->too_deep)
      mg_diag(MG_ERROR, c->sec->file, lineof(c, parent), colof(c, parent, 0),
              "nesting deeper than %d levels (quotes, lists, emphasis) is "
              "not supported",
              MAX_DEPTH);
    c->too_deep = 1;
    return;
  }
  scope me = {NULL, 0, c->outer};
  const scope *saved = c->outer;
  /* restored before returning */
  // cppcheck-suppress autoVariables
  c->outer = &me;
  c->depth++;

  xmlNodePtr target = out;
  for (cmark_node *n = cmark_node_first_child(parent); n && !c->too_deep;
       n = cmark_node_next(n)) {
    cmark_node_type t = cmark_node_get_type(n);
    if (t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE) {
      me.frames = frames;
      me.nframes = nframes;
      convert_node(c, n, target);
      continue;
    }
    char *expr = NULL;
    size_t off = 0;
    enum marker m = classify(c, n, &expr, &off);
    int line = lineof(c, n), col = colof(c, n, 0);
    switch (m) {
    case M_RAW:
      mg_diag(MG_WARNING, c->sec->file, line, col,
              "raw HTML is not allowed in a manual and is left out");
      break;
    case M_COMMENT:
    case M_NONE:
      break;
    case M_IF: {
      if (c->depth + nframes >= MAX_DEPTH) {
        mg_diag(MG_ERROR, c->sec->file, line, col,
                "conditions and blocks nested deeper than %d levels are not "
                "supported",
                MAX_DEPTH);
        c->too_deep = 1;
        break;
      }
      frames = mg_xrealloc(frames, (nframes + 1) * sizeof *frames);
      frame *f = &frames[nframes++];
      f->choose = xmlNewChild(target, c->m, BAD_CAST "choose", NULL);
      f->branch = xmlNewChild(f->choose, c->m, BAD_CAST "when", NULL);
      set_expr(f->branch, "test", expr, line, colof(c, n, off));
      f->line = line;
      f->col = col;
      f->has_else = 0;
      target = f->branch;
      break;
    }
    case M_ELIF:
    case M_ELSE:
    case M_ENDIF: {
      if (!nframes) {
        /* is there an open `if` in an enclosing block? */
        const frame *of = NULL;
        for (const scope *sc = me.outer; sc && !of; sc = sc->outer)
          if (sc->nframes)
            of = &sc->frames[sc->nframes - 1];
        if (of)
          mg_diag(MG_ERROR, c->sec->file, line, col,
                  "'%s' is not in the same block as its 'if' (line %d): the "
                  "markers of one condition must share a list item, "
                  "paragraph or quote",
                  marker_name(m), of->line);
        else
          mg_diag(MG_ERROR, c->sec->file, line, col,
                  "'%s' without a matching 'if'", marker_name(m));
        break;
      }
      frame *f = &frames[nframes - 1];
      if (m == M_ENDIF) {
        nframes--;
        target = nframes ? frames[nframes - 1].branch : out;
        break;
      }
      if (f->has_else) {
        mg_diag(MG_ERROR, c->sec->file, line, col,
                "'%s' after 'else' (the 'if' is at line %d)", marker_name(m),
                f->line);
        break;
      }
      if (m == M_ELIF) {
        f->branch = xmlNewChild(f->choose, c->m, BAD_CAST "when", NULL);
        set_expr(f->branch, "test", expr, line, colof(c, n, off));
      } else {
        f->branch = xmlNewChild(f->choose, c->m, BAD_CAST "otherwise", NULL);
        f->has_else = 1;
      }
      target = f->branch;
      break;
    }
    }
    free(expr);
  }
  for (size_t i = 0; i < nframes && !c->too_deep; i++) {
    /* an `endif` in an enclosing or nested block is reported there */
    mg_diag(MG_ERROR, c->sec->file, frames[i].line, frames[i].col,
            "'if' without a matching 'endif' in the same block");
  }
  free(frames);
  c->depth--;
  c->outer = saved;
}

/* --------------------------------------------------- checking input */

/* Reports control characters and invalid UTF-8. Returns the count. */
static int check_bytes(const char *file, const char *s, size_t len) {
  int errors = 0, line = 1, col = 1;
  for (size_t i = 0; i < len && errors < 20;) {
    unsigned char b = (unsigned char)s[i];
    if (b == '\n') {
      line++;
      col = 1;
      i++;
      continue;
    }
    if (b < 0x20 && b != '\t' && b != '\r') {
      mg_diag(MG_ERROR, file, line, col,
              "control character U+%04X is not allowed", b);
      errors++;
      i++;
      col++;
      continue;
    }
    if (b == 0x7F) {
      mg_diag(MG_ERROR, file, line, col,
              "control character U+007F is not "
              "allowed");
      errors++;
      i++;
      col++;
      continue;
    }
    size_t n = b < 0x80             ? 1
               : (b & 0xE0) == 0xC0 ? 2
               : (b & 0xF0) == 0xE0 ? 3
               : (b & 0xF8) == 0xF0 ? 4
                                    : 0;
    int ok = n > 0 && i + n <= len;
    unsigned cp = n == 1   ? b
                  : n == 2 ? (b & 0x1Fu)
                  : n == 3 ? (b & 0x0Fu)
                           : (b & 0x07u);
    for (size_t k = 1; ok && k < n; k++) {
      unsigned char cb = (unsigned char)s[i + k];
      if ((cb & 0xC0) != 0x80)
        ok = 0;
      cp = (cp << 6) | (cb & 0x3Fu);
    }
    if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
               (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = 0;
    if (ok && cp >= 0x80 && cp <= 0x9F) {
      mg_diag(MG_ERROR, file, line, col,
              "control character U+%04X is not allowed", cp);
      errors++;
    } else if (ok && forbidden(cp)) {
      mg_diag(MG_ERROR, file, line, col, "noncharacter U+%04X is not allowed",
              cp);
      errors++;
    }
    if (!ok) {
      mg_diag(MG_ERROR, file, line, col,
              "invalid UTF-8 (byte 0x%02X); save the file as UTF-8", b);
      errors++;
      n = 1;
    }
    i += n;
    col++;
  }
  return errors;
}

/* ------------------------------------------------------------ driver */

static cmark_parser *new_parser(void) {
  static const char *exts[] = {"table", "tasklist", "strikethrough",
                               "autolink"};
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
  for (size_t i = 0; i < 4; i++) {
    cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
    if (!e) {
      fprintf(stderr, "manualgen: cmark-gfm extension '%s' is missing\n",
              exts[i]);
      abort();
    }
    cmark_parser_attach_syntax_extension(p, e);
  }
  return p;
}

/* The section's element of the compiled manual: id, posts, applies-to,
 * title (its body follows). */
static void section_attrs(pctx *c, mg_section *s) {
  xmlNodePtr el = s->el;
  if (s->fm.id)
    xmlNewProp(el, BAD_CAST "id", BAD_CAST s->fm.id);
  if (s->fm.posts.n) {
    mg_buf posts = {0};
    for (size_t i = 0; i < s->fm.posts.n; i++)
      mg_buf_printf(&posts, "%s%s", i ? " " : "", s->fm.posts.v[i]);
    xmlNewProp(el, BAD_CAST "posts", BAD_CAST posts.data);
    mg_buf_free(&posts);
  }
  if (s->fm.applies_to)
    set_expr(el, "applies-to", s->fm.applies_to, s->fm.applies_line,
             s->fm.applies_col);
  xmlNewTextChild(el, c->m, BAD_CAST "title",
                  BAD_CAST(s->fm.title ? s->fm.title : ""));
}

static void parse_section(mg_tree *t, mg_section *s, pctx *c, int optional_fm) {
  size_t len;
  /* the outline's sections must stay inside the content folder; a file
   * previewed with `render` is the author's own choice */
  s->src = optional_fm ? mg_read_file(s->file, &len)
                       : mg_safe_read_file(s->file, &len);
  if (!s->src) {
    mg_diag(MG_ERROR, t->outline->path, s->outline_line, 0,
            "cannot read section '%s': %s", s->path, mg_read_error());
    return;
  }
  s->srclen = len;
  const char *src = s->src;
  if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3)) {
    /* a byte-order mark, as some Windows editors write: drop it */
    memmove(s->src, s->src + 3, len - 3 + 1);
    len -= 3;
    s->srclen = len;
  }
  index_lines(s);
  if (check_bytes(s->file, src, len))
    return;
  if (optional_fm && !(len >= 3 && !memcmp(src, "---", 3))) {
    /* a file outside the manual, previewed on its own */
    memset(&s->fm, 0, sizeof s->fm);
    s->fm.id = mg_xstrdup("preview");
    s->fm.title = mg_xstrdup(s->path);
    s->fm.body_line = 1;
  } else if (mg_frontmatter_parse(s->file, src, len, &s->fm)) {
    /* known by its id (links into it are then not errors of their own),
     * with no body: it is in no handbook */
    if (s->fm.id)
      xmlNewProp(s->el, BAD_CAST "id", BAD_CAST s->fm.id);
    return;
  }
  mg_expr_check_posts(t->names, s->file, &s->fm);
  section_attrs(c, s);
  cmark_parser *p = new_parser();
  cmark_parser_feed(p, src + s->fm.body_offset, len - s->fm.body_offset);
  cmark_node *doc = cmark_parser_finish(p);
  cmark_consolidate_text_nodes(doc);
  c->sec = s;
  c->line_offset = s->fm.body_line - 1;
  c->depth = 0;
  c->too_deep = 0;
  c->bad_chars = 0;
  c->outer = NULL;
  s->anchors = xmlHashCreate(0);
  if (s->fm.id)
    xmlHashAddEntry(s->anchors, BAD_CAST s->fm.id, s->fm.id);
  c->suffixes = xmlHashCreate(0);
  s->body = xmlNewChild(s->el, c->md, BAD_CAST "document", NULL);
  convert_children(c, doc, s->body);
  xmlHashFree(c->suffixes, NULL);
  c->suffixes = NULL;
  if (c->too_deep) {
    /* reported; later stages must not walk what is left */
    xmlUnlinkNode(s->body);
    xmlFreeNode(s->body);
    s->body = NULL;
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
}

static int hex_digit(char ch) {
  return ch >= '0' && ch <= '9'   ? ch - '0'
         : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                  : -1;
}

/* The length of the %-escape at s ("%2F"), 0 when s holds none. */
static size_t pct_escape(const char *s) {
  return s[0] == '%' && hex_digit(s[1]) >= 0 && hex_digit(s[2]) >= 0 ? 3 : 0;
}

/* Percent-decodes s ("%E4%B8%AD" -> "中") into a new string. Returns it
 * and its length through *len: it may hold NUL bytes ("%00"), so the
 * caller must not trust strlen. */
static char *pct_decode(const char *s, size_t *len) {
  char *out = mg_xmalloc(strlen(s) + 1), *o = out;
  while (*s) {
    if (pct_escape(s)) {
      *o++ = (char)(hex_digit(s[1]) * 16 + hex_digit(s[2]));
      s += 3;
    } else {
      *o++ = *s++;
    }
  }
  *o = '\0';
  *len = (size_t)(o - out);
  return out;
}

/* The offset in `written` of the byte at offset `at` of its decoding. */
static size_t written_offset(const char *written, size_t at) {
  size_t w = 0;
  for (size_t d = 0; d < at && written[w]; d++)
    w += pct_escape(written + w) ? 3 : 1;
  return w;
}

/* Checks one decoded part of a cross reference (the file name or the
 * fragment; `written` as the author wrote it, `hash` "#" for a fragment):
 * a control character, a noncharacter or bytes that are not UTF-8 could
 * only make the reference probe for files, or escape into messages.
 * Reports and returns 1 when the part has one, else returns 0. */
static int bad_xref_part(const xref *r, const char *written, const char *dec,
                         size_t len, const char *hash) {
  for (size_t i = 0; i < len;) {
    size_t at = i;
    uint32_t cp = utf8_next(dec, len, &i);
    if (cp == NOT_UTF8) {
      mg_diag(MG_ERROR, r->from->file, r->line, r->col,
              "broken cross reference: the %%-escapes of '%s%s' do not "
              "spell UTF-8 text",
              hash, written);
      return 1;
    }
    const char *why = forbidden(cp);
    if (why) {
      size_t ws = written_offset(written, at);
      size_t we = written_offset(written, i);
      mg_diag(MG_ERROR, r->from->file, r->line, r->col,
              "broken cross reference: in '%s%s', '%.*s' stands for U+%04X, "
              "%s, which a %s cannot contain",
              hash, written, (int)(we - ws), written + ws, (unsigned)cp, why,
              *hash ? "heading" : "file name");
      return 1;
    }
  }
  return 0;
}

/* The section a cross reference names by its file, or NULL after
 * reporting why there is none. The file system is asked only about files
 * inside the content folder, with lstat (a FIFO would block fopen), and
 * only regular files count: a reference cannot tell anything about other
 * files. */
static mg_section *xref_target(mg_tree *t, const xref *r) {
  size_t len;
  char *dec = pct_decode(r->target, &len);
  mg_section *target = NULL;
  if (bad_xref_part(r, r->target, dec, len, "")) {
    free(dec);
    return NULL;
  }
  char *dir = mg_path_dir(r->from->path);
  char *joined = mg_path_join(dir, dec);
  char *norm = mg_path_normalize(joined);
  if (norm[0] == '/' || !strcmp(norm, "..") || !strncmp(norm, "../", 3)) {
    mg_diag(MG_ERROR, r->from->file, r->line, r->col,
            "broken cross reference: '%s' points outside the content folder",
            r->target);
  } else if (!(target = xmlHashLookup(t->by_path, BAD_CAST norm))) {
    char *full = mg_path_join(t->content_dir, norm);
    struct stat st;
    int exists = lstat(full, &st) == 0 && S_ISREG(st.st_mode);
    mg_diag(MG_ERROR, r->from->file, r->line, r->col,
            "broken cross reference: %s '%s'",
            exists ? "the outline does not list" : "no such section file",
            norm);
    free(full);
  }
  free(dir);
  free(dec);
  free(joined);
  free(norm);
  return target;
}

/* Gives each recorded link its section, chapter and anchor, or reports
 * why it has none; frees the records. */
static void resolve_xrefs(mg_tree *t, pctx *c) {
  for (xref *r = c->xrefs, *next; r; r = next) {
    next = r->next;
    mg_section *target = *r->target ? xref_target(t, r) : r->from;
    if (target && target->fm.id) {
      const char *anchor = target->fm.id;
      if (r->fragment && *r->fragment) {
        size_t len;
        char *frag = pct_decode(r->fragment, &len);
        anchor = NULL;
        if (!bad_xref_part(r, r->fragment, frag, len, "#")) {
          anchor = xmlHashLookup(target->anchors, BAD_CAST frag);
          /* a target whose body failed to parse has its own error: no
           * second one for each link into it */
          if (!anchor && (!strcmp(frag, target->fm.id) || !target->body))
            anchor = target->fm.id;
          if (!anchor) {
            mg_buf known = {0};
            for (size_t i = 0; i < target->nheadings && i < 8; i++)
              mg_buf_printf(&known, "%s#%s", i ? ", " : "",
                            target->headings[i].slug);
            mg_diag(MG_ERROR, r->from->file, r->line, r->col,
                    "broken cross reference: no heading '#%s' in %s%s%s%s",
                    frag, target->path, known.len ? " (it has " : "",
                    known.len ? known.data : "", known.len ? ")" : "");
            mg_buf_free(&known);
          }
        }
        free(frag);
      }
      if (anchor) {
        /* a file `render` parses on its own is in no chapter: its links
         * to itself are plain anchors */
        if (target->chapter) {
          xmlNewNsProp(r->link, c->m, BAD_CAST "section",
                       BAD_CAST target->fm.id);
          xmlNewNsProp(r->link, c->m, BAD_CAST "chapter",
                       BAD_CAST target->chapter->id);
        }
        xmlNewNsProp(r->link, c->m, BAD_CAST "anchor", BAD_CAST anchor);
      }
    }
    free(r->target);
    free(r->fragment);
    free(r);
  }
  c->xrefs = NULL;
}

mg_tree *mg_tree_parse(mg_outline *o, const char *content_dir,
                       const mg_schema_names *names) {
  mg_tree *t = mg_xcalloc(1, sizeof *t);
  t->outline = o;
  t->names = names;
  t->content_dir = mg_xstrdup(content_dir);
  t->doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "manual");
  xmlDocSetRootElement(t->doc, root);
  pctx c = {0};
  c.t = t;
  c.m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  c.md = xmlNewNs(root, BAD_CAST MD_NS, BAD_CAST "md");
  xmlSetNs(root, c.m);
  xmlNewProp(root, BAD_CAST "format", BAD_CAST MG_COMPILED_FORMAT);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST o->lang);
  xmlNewTextChild(root, c.m, BAD_CAST "title",
                  BAD_CAST(o->title ? o->title : ""));
  xmlNewTextChild(root, c.m, BAD_CAST "organisation",
                  BAD_CAST(o->organisation ? o->organisation : ""));
  size_t n = 0;
  for (size_t i = 0; i < o->nchapters; i++)
    n += o->chapters[i].nsections;
  t->sections = mg_xcalloc(n ? n : 1, sizeof *t->sections);
  t->by_path = xmlHashCreate(0);
  for (size_t i = 0; i < o->nchapters; i++) {
    xmlNodePtr ch = xmlNewChild(root, c.m, BAD_CAST "chapter", NULL);
    xmlNewProp(ch, BAD_CAST "id",
               BAD_CAST(o->chapters[i].id ? o->chapters[i].id : ""));
    xmlNewTextChild(ch, c.m, BAD_CAST "title",
                    BAD_CAST(o->chapters[i].title ? o->chapters[i].title : ""));
    for (size_t k = 0; k < o->chapters[i].nsections; k++) {
      mg_section *s = o->chapters[i].sections[k];
      s->el = xmlNewChild(ch, c.m, BAD_CAST "section", NULL);
      /* relative to the content folder: a release's compiled manual does
       * not depend on where the content was */
      xmlNewProp(s->el, BAD_CAST "file", BAD_CAST s->path);
      const mg_section *first = xmlHashLookup(t->by_path, BAD_CAST s->path);
      if (first)
        mg_diag(MG_ERROR, o->path, s->outline_line, 0,
                "section '%s' is listed twice (also at line %d)", s->path,
                first->outline_line);
      else
        xmlHashAddEntry(t->by_path, BAD_CAST s->path, s);
      s->index = t->nsections;
      t->sections[t->nsections++] = s;
    }
  }
  t->decls = mg_decls_load(root, content_dir, names);
  for (size_t i = 0; i < t->nsections; i++)
    parse_section(t, t->sections[i], &c, 0);
  /* a section that failed to parse has its own error: its duties and
   * forms are not also missing */
  int complete = 1;
  for (size_t i = 0; i < t->nsections; i++)
    complete &= t->sections[i]->body != NULL;
  mg_decls_finish(t->decls, complete);
  /* ids are unique across the manual */
  xmlHashTablePtr ids = xmlHashCreate(0);
  for (size_t i = 0; i < t->nsections; i++) {
    mg_section *b = t->sections[i];
    if (!b->fm.id)
      continue;
    const mg_section *a = xmlHashLookup(ids, BAD_CAST b->fm.id);
    if (a)
      mg_diag(MG_ERROR, b->file, b->fm.id_line, b->fm.id_col,
              "duplicate section id '%s' (also used by %s)", b->fm.id, a->file);
    else
      xmlHashAddEntry(ids, BAD_CAST b->fm.id, b);
  }
  xmlHashFree(ids, NULL);
  resolve_xrefs(t, &c);
  t->manual = mg_manual_compile(t->doc, 0, names, content_dir);
  if (t->manual)
    t->manual->checks = 1; /* the content: a draft, checked */
  return t;
}

mg_section *mg_tree_add_file(mg_tree *t, const char *file) {
  mg_section *s = mg_xcalloc(1, sizeof *s);
  s->file = mg_xstrdup(file);
  /* its path relative to the content folder, for cross references */
  char *cd = mg_path_normalize(t->content_dir);
  char *f = mg_path_normalize(file);
  size_t l = strlen(cd);
  if (!strncmp(f, cd, l) && f[l] == '/')
    s->path = mg_xstrdup(f + l + 1);
  else
    s->path = mg_xstrdup(f);
  free(cd);
  free(f);
  s->index = t->nsections;
  pctx c = {0};
  c.t = t;
  xmlNodePtr root = xmlDocGetRootElement(t->doc);
  c.m = xmlSearchNsByHref(t->doc, root, BAD_CAST MG_NS);
  c.md = xmlSearchNsByHref(t->doc, root, BAD_CAST MD_NS);
  /* beside the chapters: compiled, but not one of the manual's sections */
  s->el = xmlNewChild(root, c.m, BAD_CAST "section", NULL);
  xmlNewProp(s->el, BAD_CAST "file", BAD_CAST s->path);
  xmlNewProp(s->el, BAD_CAST "display", BAD_CAST s->file);
  parse_section(t, s, &c, 1);
  resolve_xrefs(t, &c);
  if (t->manual)
    mg_manual_add(t->manual, s->el);
  t->extra = mg_xrealloc(t->extra, (t->nextra + 1) * sizeof *t->extra);
  t->extra[t->nextra++] = s;
  return s;
}

mg_section *mg_tree_find_section_by_file(mg_tree *t, const char *path) {
  char *norm = mg_path_normalize(path);
  mg_section *found = NULL;
  for (size_t i = 0; i < t->nsections && !found; i++) {
    mg_section *s = t->sections[i];
    char *f = mg_path_normalize(s->file);
    if (!strcmp(s->path, norm) || !strcmp(f, norm))
      found = s;
    free(f);
  }
  free(norm);
  return found;
}

void mg_section_free(mg_section *s) {
  if (!s)
    return;
  free(s->path);
  free(s->file);
  mg_frontmatter_free(&s->fm);
  for (size_t i = 0; i < s->nheadings; i++) {
    free(s->headings[i].slug);
    free(s->headings[i].id);
  }
  free(s->headings);
  xmlHashFree(s->anchors, NULL);
  free(s->src);
  free(s->line_starts);
  free(s);
}

void mg_tree_free(mg_tree *t) {
  if (!t)
    return;
  mg_manual_free(t->manual);
  mg_decls_free(t->decls);
  free(t->sections);
  xmlHashFree(t->by_path, NULL);
  for (size_t i = 0; i < t->nextra; i++)
    mg_section_free(t->extra[i]);
  free(t->extra);
  mg_outline_free(t->outline);
  xmlFreeDoc(t->doc);
  free(t->content_dir);
  free(t);
}
