/* parse.c -- Markdown sections to the store-independent tree.
 *
 * Each section is read once, its front matter parsed, its body parsed by
 * cmark-gfm and converted straight from cmark's tree into libxml2 nodes
 * in cmark's own XML vocabulary (no render-and-reparse round trip). The
 * conversion also:
 *
 *   - groups conditional passages into m:choose/m:when/m:otherwise, after
 *     checking that the markers of one `if` share a parent;
 *   - splits placeholders out of text into m:ph elements (never in code);
 *   - gives every heading an id and records its slug;
 *   - records cross references, resolved once every section is parsed;
 *   - drops raw HTML (a warning) and plain comments (silently).
 *
 * Expressions are checked against the schema and compiled here, once. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static int add_expr(pctx *c, const char *raw, int line, int col) {
  /* trim: the column is that of the expression's first character */
  while (*raw == ' ' || *raw == '\t') {
    raw++;
    col++;
  }
  size_t n = strlen(raw);
  while (n && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
    n--;
  char *src = mg_xstrndup(raw, n);
  xmlXPathCompExprPtr comp =
      mg_expr_compile(c->t->names, src, c->sec->file, line, col);
  if (!comp) {
    free(src);
    return -1;
  }
  mg_tree *t = c->t;
  if (t->nexprs == t->cap_exprs) {
    t->cap_exprs = t->cap_exprs ? t->cap_exprs * 2 : 64;
    t->exprs = mg_xrealloc(t->exprs, t->cap_exprs * sizeof *t->exprs);
  }
  t->exprs[t->nexprs] = (mg_expr){src, comp, c->sec->file, line, col};
  return (int)t->nexprs++;
}

static void set_int(xmlNodePtr n, xmlNsPtr ns, const char *name, long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", v);
  xmlNewNsProp(n, ns, BAD_CAST name, BAD_CAST buf);
}

/* ------------------------------------------------------- placeholders */

/* Splits s at "{{ expr }}" and calls emit for each piece. Returns the
 * expression indexes found (in order) through idx, -1 entries for those
 * that failed. */
typedef void (*piece_fn)(pctx *c, xmlNodePtr parent, const char *text,
                         size_t len, int expr, int line, int col);

static int scan_placeholders(pctx *c, xmlNodePtr parent, const char *s,
                             int line, int bytecol0, cmark_node *at,
                             piece_fn emit, mg_buf *indexes) {
  int errors = 0;
  const char *p = s;
  for (;;) {
    const char *open = strstr(p, "{{");
    if (!open) {
      if (emit && *p)
        emit(c, parent, p, strlen(p), -2, 0, 0);
      break;
    }
    if (emit && open > p)
      emit(c, parent, p, (size_t)(open - p), -2, 0, 0);
    const char *close = strstr(open + 2, "}}");
    int col = at ? colof(c, at, (size_t)(open - s) + (size_t)bytecol0) : 0;
    if (!close) {
      mg_diag(MG_ERROR, c->sec->file, line, col,
              "'{{' without a closing '}}' (placeholders cannot span lines)");
      errors++;
      if (emit)
        emit(c, parent, open, strlen(open), -2, 0, 0);
      break;
    }
    char *src = mg_xstrndup(open + 2, (size_t)(close - open - 2));
    /* column just after "{{"; add_expr skips the spaces */
    int ecol = at ? colof(c, at, (size_t)(open + 2 - s) + (size_t)bytecol0) : 0;
    int idx = add_expr(c, src, line, ecol);
    free(src);
    if (idx < 0)
      errors++;
    if (indexes)
      mg_buf_printf(indexes, "%s%d", indexes->len ? " " : "", idx);
    if (emit)
      emit(c, parent, NULL, 0, idx, line, ecol);
    p = close + 2;
  }
  return errors;
}

static void emit_text(pctx *c, xmlNodePtr parent, const char *text, size_t len,
                      int expr, int line, int col) {
  if (expr == -2) {
    xmlNodePtr t = xmlNewNode(c->md, BAD_CAST "text");
    xmlNodePtr tx = xmlNewTextLen(BAD_CAST text, (int)len);
    xmlAddChild(t, tx);
    xmlAddChild(parent, t);
    return;
  }
  xmlNodePtr ph = xmlNewChild(parent, c->m, BAD_CAST "ph", NULL);
  /* the position is the expression's own (c->t->exprs[expr]) */
  (void)line;
  (void)col;
  set_int(ph, NULL, "e", expr);
}

/* --------------------------------------------------------- raw HTML */

enum marker { M_NONE, M_COMMENT, M_RAW, M_IF, M_ELIF, M_ELSE, M_ENDIF };

/* Classifies an html node. For if/elif, *expr gets the expression and
 * *expr_off its byte offset in the literal. */
static enum marker classify(pctx *c, cmark_node *n, char **expr,
                            size_t *expr_off) {
  const char *lit = cmark_node_get_literal(n);
  if (!lit)
    return M_RAW;
  const char *p = lit;
  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;
  if (strncmp(p, "<!--", 4))
    return M_RAW;
  const char *end = strstr(p + 4, "-->");
  if (!end)
    return M_COMMENT; /* an unclosed comment swallows the block: harmless */
  const char *in = p + 4;
  while (*in == ' ' || *in == '\t')
    in++;
  const char *ie = end;
  while (ie > in && (ie[-1] == ' ' || ie[-1] == '\t'))
    ie--;
  size_t il = (size_t)(ie - in);
  enum marker kind = M_COMMENT;
  if (il >= 3 && !strncmp(in, "if:", 3))
    kind = M_IF;
  else if (il >= 5 && !strncmp(in, "elif:", 5))
    kind = M_ELIF;
  else if (il == 4 && !strncmp(in, "else", 4))
    kind = M_ELSE;
  else if (il == 5 && !strncmp(in, "endif", 5))
    kind = M_ENDIF;
  else {
    /* a marker word followed by a space, '(' or ':' (or nothing) is a
     * marker written wrong; "elsewhere ..." is an ordinary comment */
    static const char *looks[] = {"if",     "elif",   "else", "endif",
                                  "end if", "end-if", "fi",   "elsif"};
    for (size_t i = 0; i < sizeof looks / sizeof *looks; i++) {
      size_t l = strlen(looks[i]);
      if (il >= l && !strncmp(in, looks[i], l) &&
          (il == l || strchr(" (:", in[l]))) {
        mg_diag(MG_ERROR, c->sec->file, lineof(c, n), colof(c, n, 0),
                "malformed marker '<!-- %.*s -->' (expected 'if: EXPR', "
                "'elif: EXPR', 'else' or 'endif')",
                (int)il, in);
        return M_COMMENT;
      }
    }
    return M_COMMENT;
  }
  /* nothing may follow the comment on its line: cmark keeps it in the
   * same block, so the author's text would vanish */
  const char *after = end + 3;
  while (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r')
    after++;
  if (*after) {
    mg_diag(MG_ERROR, c->sec->file, lineof(c, n), colof(c, n, 0),
            "text after a marker on the same line would be lost; put the "
            "marker on a line of its own");
  }
  if (kind == M_IF || kind == M_ELIF) {
    const char *e = in + (kind == M_IF ? 3 : 5);
    while (*e == ' ' || *e == '\t')
      e++;
    *expr = mg_xstrndup(e, (size_t)(ie - e));
    *expr_off = (size_t)(e - lit);
  }
  return kind;
}

static const char *marker_name(enum marker m) {
  return m == M_ELIF ? "elif" : m == M_ELSE ? "else" : "endif";
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

static void add_heading(pctx *c, cmark_node *n, xmlNodePtr h) {
  mg_buf b = {0};
  plain_text(n, &b, 0);
  char *slug = mg_slugify(b.data ? b.data : "");
  mg_buf_free(&b);
  mg_section *s = c->sec;
  if (!*slug) {
    free(slug);
    slug = mg_xasprintf("h%zu", s->nheadings + 1);
  }
  /* unique inside the section: "x", "x-1", "x-2" */
  char *uniq = mg_xstrdup(slug);
  for (int k = 1;; k++) {
    int clash = !strcmp(uniq, s->fm.id ? s->fm.id : "");
    for (size_t i = 0; i < s->nheadings && !clash; i++)
      clash = !strcmp(s->headings[i].slug, uniq);
    if (!clash)
      break;
    free(uniq);
    uniq = mg_xasprintf("%s-%d", slug, k);
  }
  free(slug);
  s->headings =
      mg_xrealloc(s->headings, (s->nheadings + 1) * sizeof *s->headings);
  mg_heading *hd = &s->headings[s->nheadings++];
  hd->slug = uniq;
  hd->id = mg_xasprintf("%s--%s", s->fm.id ? s->fm.id : "section", uniq);
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

static void convert_link(pctx *c, cmark_node *n, xmlNodePtr x) {
  const char *dest = cmark_node_get_url(n);
  const char *title = cmark_node_get_title(n);
  dest = dest ? dest : "";
  title = title ? title : "";
  xmlNewProp(x, BAD_CAST "destination", BAD_CAST dest);
  xmlNewProp(x, BAD_CAST "title", BAD_CAST title);
  int line = lineof(c, n);
  /* placeholders in the destination and title: the columns are those of
   * the link; the destination's own position is not kept by cmark */
  mg_buf idx = {0};
  if (strstr(dest, "{{")) {
    scan_placeholders(c, NULL, dest, line, 0, n, NULL, &idx);
    xmlNewNsProp(x, c->m, BAD_CAST "dest-e", BAD_CAST idx.data);
    mg_buf_free(&idx);
  }
  if (strstr(title, "{{")) {
    scan_placeholders(c, NULL, title, line, 0, n, NULL, &idx);
    xmlNewNsProp(x, c->m, BAD_CAST "title-e", BAD_CAST idx.data);
    mg_buf_free(&idx);
  }
  if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && *dest && !is_scheme(dest) &&
      dest[0] != '/' && !strstr(dest, "{{")) {
    mg_diag(MG_WARNING, c->sec->file, line, colof(c, n, 0),
            "image '%s' is not copied into the handbooks: use an address "
            "the handbook's readers can reach",
            dest);
    return;
  }
  if (cmark_node_get_type(n) != CMARK_NODE_LINK || strstr(dest, "{{"))
    return;
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

static xmlNodePtr convert_node(pctx *c, cmark_node *n, xmlNodePtr out) {
  cmark_node_type t = cmark_node_get_type(n);
  const char *name = cmark_node_get_type_string(n);
  xmlNodePtr x;
  switch (t) {
  case CMARK_NODE_TEXT: {
    const char *lit = cmark_node_get_literal(n);
    const char *br = lit ? strstr(lit, "](") : NULL;
    if (br && strstr(br, "{{")) {
      /* "[text](tel:{{ x }})": a destination with spaces is no link in
       * CommonMark, and the author would get the brackets as text */
      mg_diag(MG_WARNING, c->sec->file, lineof(c, n),
              colof(c, n, (size_t)(br - lit)),
              "this is not a link: a destination with spaces must be "
              "written in angle brackets, as [text](<... {{ expr }} ...>)");
    }
    if (lit && strstr(lit, "{{")) {
      scan_placeholders(c, out, lit, lineof(c, n), 0, n, emit_text, NULL);
      return NULL;
    }
    x = xmlNewChild(out, c->md, BAD_CAST "text", NULL);
    xmlAddChild(x, xmlNewText(BAD_CAST(lit ? lit : "")));
    return x;
  }
  case CMARK_NODE_CODE:
  case CMARK_NODE_CODE_BLOCK: {
    const char *lit = cmark_node_get_literal(n);
    x = xmlNewChild(out, c->md, BAD_CAST name, NULL);
    if (t == CMARK_NODE_CODE_BLOCK) {
      const char *info = cmark_node_get_fence_info(n);
      if (info && *info)
        xmlNewProp(x, BAD_CAST "info", BAD_CAST info);
    }
    xmlAddChild(x, xmlNewText(BAD_CAST(lit ? lit : "")));
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
    int i = 0;
    for (cmark_node *k = cmark_node_previous(n); k; k = cmark_node_previous(k))
      i++;
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
      int idx = add_expr(c, expr, line, colof(c, n, off));
      frames = mg_xrealloc(frames, (nframes + 1) * sizeof *frames);
      frame *f = &frames[nframes++];
      f->choose = xmlNewChild(target, c->m, BAD_CAST "choose", NULL);
      set_int(f->choose, NULL, "line", line);
      f->branch = xmlNewChild(f->choose, c->m, BAD_CAST "when", NULL);
      set_int(f->branch, NULL, "e", idx);
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
        int idx = add_expr(c, expr, line, colof(c, n, off));
        f->branch = xmlNewChild(f->choose, c->m, BAD_CAST "when", NULL);
        set_int(f->branch, NULL, "e", idx);
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

static void parse_section(mg_tree *t, mg_section *s, xmlNodePtr holder, pctx *c,
                          int optional_fm) {
  size_t len;
  s->src = mg_read_file(s->file, &len);
  if (!s->src) {
    mg_diag(MG_ERROR, t->outline->path, s->outline_line, 0,
            "cannot read section '%s': %s", s->path, strerror(errno));
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
    return;
  }
  mg_expr_check_posts(t->names, s->file, &s->fm);
  if (s->fm.applies_to)
    s->applies_expr = add_expr(&(pctx){.t = t, .sec = s}, s->fm.applies_to,
                               s->fm.applies_line, s->fm.applies_col);
  cmark_parser *p = new_parser();
  cmark_parser_feed(p, src + s->fm.body_offset, len - s->fm.body_offset);
  cmark_node *doc = cmark_parser_finish(p);
  cmark_consolidate_text_nodes(doc);
  c->sec = s;
  c->line_offset = s->fm.body_line - 1;
  c->depth = 0;
  c->too_deep = 0;
  c->outer = NULL;
  s->body = xmlNewChild(holder, c->md, BAD_CAST "document", NULL);
  convert_children(c, doc, s->body);
  if (c->too_deep) {
    /* reported; later stages must not walk what is left */
    xmlUnlinkNode(s->body);
    xmlFreeNode(s->body);
    s->body = NULL;
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
}

static int pct_decode(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (p[0] == '%' && p[1] && p[2]) {
      char h[3] = {p[1], p[2], 0};
      char *end;
      long v = strtol(h, &end, 16);
      if (!*end) {
        *o++ = (char)v;
        p += 2;
        continue;
      }
    }
    *o++ = *p;
  }
  *o = '\0';
  return 0;
}

static void resolve_xrefs(mg_tree *t, pctx *c) {
  for (xref *r = c->xrefs, *next; r; r = next) {
    next = r->next;
    mg_section *target = r->from;
    if (*r->target) {
      char *dir = mg_path_dir(r->from->path);
      char *dec = mg_xstrdup(r->target);
      pct_decode(dec);
      char *joined = mg_path_join(dir, dec);
      char *norm = mg_path_normalize(joined);
      target = NULL;
      for (size_t i = 0; i < t->nsections && !target; i++)
        if (!strcmp(t->sections[i]->path, norm))
          target = t->sections[i];
      if (!target) {
        char *full = mg_path_join(t->content_dir, norm);
        FILE *f = fopen(full, "r");
        mg_diag(MG_ERROR, r->from->file, r->line, r->col,
                "broken cross reference: %s '%s'",
                f ? "the outline does not list" : "no such section file", norm);
        if (f)
          fclose(f);
        free(full);
      }
      free(dir);
      free(dec);
      free(joined);
      free(norm);
    }
    if (target && target->fm.id) {
      const char *anchor = target->fm.id;
      if (r->fragment && *r->fragment) {
        pct_decode(r->fragment);
        anchor = NULL;
        for (size_t i = 0; i < target->nheadings && !anchor; i++)
          if (!strcmp(target->headings[i].slug, r->fragment))
            anchor = target->headings[i].id;
        if (!strcmp(r->fragment, target->fm.id))
          anchor = target->fm.id;
        if (!anchor) {
          mg_buf known = {0};
          for (size_t i = 0; i < target->nheadings && i < 8; i++)
            mg_buf_printf(&known, "%s#%s", i ? ", " : "",
                          target->headings[i].slug);
          mg_diag(MG_ERROR, r->from->file, r->line, r->col,
                  "broken cross reference: no heading '#%s' in %s%s%s%s",
                  r->fragment, target->path, known.len ? " (it has " : "",
                  known.len ? known.data : "", known.len ? ")" : "");
          mg_buf_free(&known);
        }
      }
      if (anchor) {
        xmlNewNsProp(r->link, c->m, BAD_CAST "section", BAD_CAST target->fm.id);
        xmlNewNsProp(r->link, c->m, BAD_CAST "chapter",
                     BAD_CAST target->chapter->id);
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
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "tree");
  xmlDocSetRootElement(t->doc, root);
  pctx c = {0};
  c.t = t;
  c.m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  c.md = xmlNewNs(root, BAD_CAST MD_NS, BAD_CAST "md");
  for (size_t i = 0; i < o->nchapters; i++)
    for (size_t k = 0; k < o->chapters[i].nsections; k++) {
      mg_section *s = o->chapters[i].sections[k];
      for (size_t j = 0; j < t->nsections; j++)
        if (!strcmp(t->sections[j]->path, s->path))
          mg_diag(MG_ERROR, o->path, s->outline_line, 0,
                  "section '%s' is listed twice (also at line %d)", s->path,
                  t->sections[j]->outline_line);
      s->index = t->nsections;
      t->sections =
          mg_xrealloc(t->sections, (t->nsections + 1) * sizeof *t->sections);
      t->sections[t->nsections++] = s;
    }
  for (size_t i = 0; i < t->nsections; i++)
    parse_section(t, t->sections[i], root, &c, 0);
  /* ids are unique across the manual */
  for (size_t i = 0; i < t->nsections; i++)
    for (size_t j = 0; j < i; j++) {
      mg_section *a = t->sections[j], *b = t->sections[i];
      if (a->fm.id && b->fm.id && !strcmp(a->fm.id, b->fm.id)) {
        mg_diag(MG_ERROR, b->file, b->fm.id_line, b->fm.id_col,
                "duplicate section id '%s' (also used by %s)", b->fm.id,
                a->file);
        break;
      }
    }
  resolve_xrefs(t, &c);
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
  s->applies_expr = -1;
  s->index = t->nsections;
  pctx c = {0};
  c.t = t;
  xmlNodePtr root = xmlDocGetRootElement(t->doc);
  c.m = xmlSearchNsByHref(t->doc, root, BAD_CAST MG_NS);
  c.md = xmlSearchNsByHref(t->doc, root, BAD_CAST MD_NS);
  parse_section(t, s, root, &c, 1);
  resolve_xrefs(t, &c);
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
  free(s->src);
  free(s->line_starts);
  free(s);
}

void mg_tree_free(mg_tree *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->nexprs; i++) {
    free(t->exprs[i].src);
    xmlXPathFreeCompExpr(t->exprs[i].comp);
  }
  free(t->exprs);
  free(t->sections);
  for (size_t i = 0; i < t->nextra; i++)
    mg_section_free(t->extra[i]);
  free(t->extra);
  mg_outline_free(t->outline);
  xmlFreeDoc(t->doc);
  free(t->content_dir);
  free(t);
}
