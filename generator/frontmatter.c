/* frontmatter.c -- the YAML block at the top of a section (libyaml).
 *
 *   ---
 *   id: post-store-manager
 *   title: 店长岗位职责
 *   posts: [store-manager]
 *   applies-to: "posts/post[@key='lobby-manager']"
 *   ---
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "manualgen.h"

/* Finds the end of the front matter. Returns the offset of the closing
 * line's first byte, sets *body to the offset after it and *lines to the
 * number of lines before the body. -1 when there is none. */
static long find_end(const char *src, size_t len, size_t *body, int *lines) {
  size_t p = 0;
  int line = 1;
  /* skip the opening line */
  while (p < len && src[p] != '\n')
    p++;
  if (p < len)
    p++;
  line++;
  while (p < len) {
    size_t e = p;
    while (e < len && src[e] != '\n')
      e++;
    size_t l = e - p;
    if (l && src[p + l - 1] == '\r')
      l--;
    if ((l == 3 && !memcmp(src + p, "---", 3)) ||
        (l == 3 && !memcmp(src + p, "...", 3))) {
      *body = e < len ? e + 1 : e;
      *lines = line;
      return (long)p;
    }
    p = e < len ? e + 1 : e;
    line++;
  }
  return -1;
}

static int is_opening(const char *src, size_t len) {
  return len >= 3 && !memcmp(src, "---", 3) &&
         (len == 3 || src[3] == '\n' ||
          (src[3] == '\r' && len > 4 && src[4] == '\n'));
}

/* yaml marks are 0-based; the YAML text starts on line 2 of the file */
#define LINE(m) ((int)(m).line + 2)
#define COL(m) ((int)(m).column + 1)

/* Adds a post key, and where it stands (for the check that it exists). */
static void push_post(mg_frontmatter *fm, const char *v, yaml_mark_t m) {
  size_t n = fm->posts.n + 1;
  fm->posts_line = mg_xrealloc(fm->posts_line, n * sizeof *fm->posts_line);
  fm->posts_col = mg_xrealloc(fm->posts_col, n * sizeof *fm->posts_col);
  fm->posts_line[n - 1] = LINE(m);
  fm->posts_col[n - 1] = COL(m);
  mg_strv_push(&fm->posts, mg_xstrdup(v));
}

/* ---------------------------------------------------- YAML mistakes
 *
 * libyaml words its errors for programmers ("could not find expected ':'
 * while scanning a simple key") and often reports them on the line after
 * the mistake. The mistakes authors make are recognised on the lines
 * libyaml was reading, and said in their terms, with libyaml's words
 * after ours. libyaml's marks count characters, as editors do. */

/* U+FF1A and U+3000, as a Chinese input method types ':' and ' ' */
#define FULLWIDTH_COLON "\xEF\xBC\x9A"
#define FULLWIDTH_SPACE "\xE3\x80\x80"

static int starts(const char *s, size_t n, const char *lit) {
  size_t l = strlen(lit);
  return n >= l && !memcmp(s, lit, l);
}

/* Line number l (0-based) of the YAML text y[0, n): sets *len to its
 * length without the line break and returns it ("" past the end). */
static const char *yaml_line(const char *y, size_t n, size_t l, size_t *len) {
  size_t i = 0;
  for (; l > 0 && i < n; i++)
    if (y[i] == '\n')
      l--;
  size_t e = i;
  while (e < n && y[e] != '\n')
    e++;
  if (e > i && y[e - 1] == '\r')
    e--;
  *len = l ? 0 : e - i;
  return l ? "" : y + i;
}

/* The number of characters in s[0, n). */
static int chars(const char *s, size_t n) {
  int c = 0;
  for (size_t i = 0; i < n; c++) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    i += k ? (size_t)k : 1;
  }
  return c;
}

/* The byte offset of character column col (0-based) of line s[0, n). */
static size_t col_offset(const char *s, size_t n, size_t col) {
  size_t i = 0;
  for (; col > 0 && i < n; col--) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    i += k ? (size_t)k : 1;
  }
  return i;
}

/* Looks at one line of the front matter, s[0, n), for the mistakes made
 * when typing YAML from memory or with a Chinese input method: tabs or
 * full-width spaces as indentation, a full-width colon, no space after
 * ':' or after a list item's '-'. Returns the message (caller frees) and
 * sets *at to the byte offset of the offending character, or returns
 * NULL. */
static char *line_mistake(const char *s, size_t n, size_t *at) {
  size_t i = 0;
  for (;; i++) {
    if (i < n && s[i] == ' ')
      continue;
    *at = i;
    if (i < n && s[i] == '\t')
      return mg_xstrdup("a tab is used for indentation: indent with spaces");
    if (starts(s + i, n - i, FULLWIDTH_SPACE))
      return mg_xstrdup("'" FULLWIDTH_SPACE "' is a full-width space: use "
                        "ordinary spaces (or none) before a key");
    break;
  }
  if (i < n && s[i] == '-') {
    if (i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\t') {
      *at = i;
      return mg_xasprintf("a list item needs a space after '-': write '- %.*s'",
                          (int)(n - i - 1), s + i + 1);
    }
    return NULL; /* a list item: its value may hold anything */
  }
  if (i == n || strchr("\"'[{#", s[i]))
    return NULL;
  size_t k = i;
  while (k < n && s[k] != ':' && !starts(s + k, n - k, FULLWIDTH_COLON))
    k++;
  *at = k;
  if (k == n)
    return NULL;
  if (s[k] != ':')
    return mg_xstrdup("'" FULLWIDTH_COLON "' is a full-width colon; write ':' "
                      "followed by a space");
  if (starts(s + k + 1, n - k - 1, FULLWIDTH_SPACE)) {
    *at = k + 1;
    return mg_xstrdup("':' is followed by a full-width space '" FULLWIDTH_SPACE
                      "'; write an ordinary space");
  }
  int word = k > i;
  for (size_t j = i; j < k; j++)
    word &= (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
            (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_';
  if (word && k + 1 < n && s[k + 1] != ' ' && s[k + 1] != '\t')
    return mg_xasprintf("a space is missing after ':': write '%.*s: %.*s'",
                        (int)(k - i), s + i, (int)(n - k - 1), s + k + 1);
  return NULL;
}

/* Reports a line's mistake (see line_mistake) at its position: line l
 * (0-based) of the YAML text y[0, n). Returns 1 when there was one. */
static int report_line_mistake(const char *path, const char *y, size_t n,
                               size_t l, const char *libyaml) {
  size_t ll, at;
  const char *s = yaml_line(y, n, l, &ll);
  char *what = line_mistake(s, ll, &at);
  if (!what)
    return 0;
  mg_diag(MG_ERROR, path, (int)l + 2, chars(s, at) + 1,
          "front matter: %s%s%s%s", what, libyaml ? " (libyaml: " : "",
          libyaml ? libyaml : "", libyaml ? ")" : "");
  free(what);
  return 1;
}

/* Reports libyaml's error on the YAML text y[0, n) (line 2 of path on):
 * the first mistake on the lines it was reading, or what its problem
 * means where it is best seen. */
static void yaml_error(const char *path, const char *y, size_t n,
                       const yaml_parser_t *p) {
  const char *pr = p->problem ? p->problem : "invalid YAML";
  const char *cx = p->context ? p->context : "";
  char *words = mg_xasprintf("%s%s%s", pr, *cx ? " " : "", cx);
  /* where libyaml started what it could not finish: the context mark,
   * except for the block mapping that holds everything */
  int opened = *cx && !strstr(cx, "block") && !strstr(cx, "next token");
  yaml_mark_t m = opened ? p->context_mark : p->problem_mark;
  for (size_t l = m.line; l <= p->problem_mark.line; l++)
    if (report_line_mistake(path, y, n, l, words)) {
      free(words);
      return;
    }
  size_t ll;
  const char *s = yaml_line(y, n, m.line, &ll);
  size_t at = col_offset(s, ll, m.column);
  char c = at < ll ? s[at] : '\0';
  char *what = NULL;
  if (strstr(cx, "quoted scalar") && strstr(pr, "end of stream") &&
      (c == '"' || c == '\'')) {
    what = mg_xasprintf("this %c is not closed: end the value with %c", c, c);
  } else if (strstr(pr, "unknown escape")) {
    /* the problem mark is at the backslash */
    m = p->problem_mark;
    s = yaml_line(y, n, m.line, &ll);
    at = col_offset(s, ll, m.column) + 1;
    unsigned cp;
    int k = at < ll ? mg_utf8_decode(s + at, ll - at, &cp) : 0;
    what = mg_xasprintf("'\\%.*s' is not an escape: write '\\\\' for a "
                        "backslash, or put the value in single quotes",
                        k, s + at);
  } else if (strstr(cx, "flow sequence") && c == '[') {
    what = mg_xstrdup("this '[' is not closed: end the list with ']'");
  } else if (strstr(cx, "flow mapping") && c == '{') {
    what = mg_xstrdup("this '{' is not closed: end it with '}'");
  } else if (strstr(pr, "expected ':'")) {
    /* a line that is not "key: value": after a list item, an item whose
     * '- ' is missing */
    size_t pl = m.line, plen = 0;
    const char *ps = "";
    while (pl > 0 && !plen)
      ps = yaml_line(y, n, --pl, &plen);
    size_t i = 0;
    while (i < plen && ps[i] == ' ')
      i++;
    if (i < plen && ps[i] == '-')
      what = mg_xstrdup("a list item must start with '- '");
    else
      what = mg_xstrdup("this line must be 'key: value'");
  } else if (strstr(pr, "mapping values")) {
    /* a second ": " in a value, or a key indented under another */
    const char *colon = memchr(s, ':', at);
    if (colon && colon + 1 < s + at && colon[1] == ' ')
      what = mg_xstrdup("a value that contains ': ' must be in quotes, e.g. "
                        "title: \"a: b\"");
    else
      what = mg_xstrdup("this key is indented: write it at the start of the "
                        "line");
  } else if (strstr(pr, "cannot start any token") && (c == '@' || c == '`')) {
    what = mg_xasprintf("a value cannot start with '%c': put it in quotes", c);
  } else if (strstr(pr, "expected key")) {
    size_t i = at;
    while (i > 0 && s[i - 1] == ' ')
      i--;
    if (i > 0 && (s[i - 1] == '"' || s[i - 1] == '\''))
      what = mg_xstrdup("text after the closing quote: put the whole value in "
                        "quotes");
  }
  mg_diag(MG_ERROR, path, LINE(m), COL(m), "front matter: %s (libyaml: %s)",
          what ? what : "this is not valid YAML", words);
  free(what);
  free(words);
}

/* Reports a decoded value that holds a character no page may contain: a
 * control character (C0 but tab and newline, DEL, C1) or a noncharacter.
 * Double-quoted values decode escapes ("\e", "\x1b", "\uFFFE"), so these
 * get past the check of the file's bytes. Returns 1 when reported. */
static int bad_value(const char *path, const char *key, const char *v, size_t n,
                     yaml_mark_t m) {
  for (size_t i = 0; i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(v + i, n - i, &cp);
    if (!k)
      return 0; /* libyaml gives UTF-8; the file's bytes were checked */
    i += (size_t)k;
    int control =
        (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
    if (control || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
      mg_diag(MG_ERROR, path, LINE(m), COL(m),
              "front matter: the value of '%s' contains U+%04X, %s, which a "
              "section cannot contain",
              key ? key : "?", cp,
              control ? "a control character" : "a noncharacter");
      return 1;
    }
  }
  return 0;
}

int mg_frontmatter_parse(const char *path, const char *src, size_t len,
                         mg_frontmatter *fm) {
  memset(fm, 0, sizeof *fm);
  fm->body_line = 1;
  if (!is_opening(src, len)) {
    mg_diag(MG_ERROR, path, 1, 1,
            "a section must start with front matter: a line '---', then "
            "'id:' and 'title:', then '---'");
    return -1;
  }
  size_t body;
  int lines;
  long end = find_end(src, len, &body, &lines);
  if (end < 0) {
    mg_diag(MG_ERROR, path, 1, 1,
            "front matter is not closed: add a line '---' after it");
    return -1;
  }
  fm->body_offset = body;
  fm->body_line = lines + 1;
  size_t start = 4;
  if (src[3] == '\r')
    start = 5;

  int errors = mg_diag_errors();
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)src + start,
                               (size_t)end - start);
  yaml_event_t ev;
  enum { TOP, KEY, VALUE, SEQ } state = TOP;
  char *key = NULL;
  yaml_mark_t keymark = {0};
  int depth = 0, done = 0;
  int unknown = 0;   /* the current key was reported unknown */
  unsigned seen = 0; /* the keys met so far, one bit each */
  while (!done) {
    if (!yaml_parser_parse(&parser, &ev)) {
      yaml_error(path, src + start, (size_t)end - start, &parser);
      break;
    }
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_MAPPING_START_EVENT:
      if (state == TOP && depth == 0) {
        state = KEY;
        depth = 1;
      } else {
        if (!unknown) /* the key's error says enough */
          mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                  "front matter: '%s' must be a plain value, not a mapping",
                  key ? key : "?");
        done = 1;
      }
      break;
    case YAML_SEQUENCE_START_EVENT:
      if (state == VALUE && key && !strcmp(key, "posts")) {
        state = SEQ;
      } else {
        if (!unknown)
          mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                  "front matter: '%s' must be a single value, not a list",
                  key ? key : "?");
        done = 1;
      }
      break;
    case YAML_SEQUENCE_END_EVENT:
      state = KEY;
      free(key);
      key = NULL;
      break;
    case YAML_MAPPING_END_EVENT:
      state = TOP;
      break;
    case YAML_ALIAS_EVENT:
      mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
              "front matter: aliases are not allowed");
      done = 1;
      break;
    case YAML_SCALAR_EVENT: {
      const char *v = (const char *)ev.data.scalar.value;
      if (state == VALUE || state == SEQ)
        bad_value(path, key, v, ev.data.scalar.length, ev.start_mark);
      if (state == KEY) {
        key = mg_xstrdup(v);
        keymark = ev.start_mark;
        static const char *known[] = {"id", "title", "posts", "applies-to"};
        int ok = 0;
        for (size_t i = 0; i < 4; i++)
          ok |= !strcmp(key, known[i]);
        unknown = !ok;
        if (!ok && !report_line_mistake(path, src + start, (size_t)end - start,
                                        keymark.line, NULL))
          mg_diag(MG_ERROR, path, LINE(keymark), COL(keymark),
                  "front matter: unknown key '%s' (expected id, title, posts, "
                  "applies-to)",
                  key);
        else if (ok) {
          unsigned bit = 0;
          for (size_t i = 0; i < 4; i++)
            if (!strcmp(key, known[i]))
              bit = 1u << i;
          if (seen & bit)
            mg_diag(MG_ERROR, path, LINE(keymark), COL(keymark),
                    "front matter: duplicate key '%s'", key);
          seen |= bit;
        }
        state = VALUE;
      } else if (state == VALUE) {
        if (!strcmp(key, "id")) {
          free(fm->id);
          fm->id = mg_xstrdup(v);
          fm->id_line = LINE(ev.start_mark);
          fm->id_col = COL(ev.start_mark);
          if (!mg_is_id(v))
            mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                    "section id '%s' must be lowercase letters, digits and "
                    "'-'",
                    v);
        } else if (!strcmp(key, "title")) {
          free(fm->title);
          fm->title = mg_xstrdup(v);
        } else if (!strcmp(key, "applies-to")) {
          free(fm->applies_to);
          fm->applies_to = mg_xstrdup(v);
          fm->applies_line = LINE(ev.start_mark);
          fm->applies_col =
              COL(ev.start_mark) +
              (ev.data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                       ev.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                   ? 1
                   : 0);
        } else if (!strcmp(key, "posts")) {
          if (*v && !mg_is_id(v))
            mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                    "post key '%s' must be lowercase letters, digits and '-'",
                    v);
          if (*v)
            push_post(fm, v, ev.start_mark);
        }
        free(key);
        key = NULL;
        state = KEY;
      } else if (state == SEQ) {
        if (!mg_is_id(v))
          mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                  "post key '%s' must be lowercase letters, digits and '-'", v);
        push_post(fm, v, ev.start_mark);
      } else {
        if (*v && !report_line_mistake(path, src + start, (size_t)end - start,
                                       ev.start_mark.line, NULL))
          mg_diag(MG_ERROR, path, LINE(ev.start_mark), COL(ev.start_mark),
                  "front matter must be a list of 'key: value' lines");
        done = 1;
      }
      break;
    }
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  free(key);
  yaml_parser_delete(&parser);
  if (mg_diag_errors() == errors) {
    if (!fm->id)
      mg_diag(MG_ERROR, path, 1, 1, "front matter has no 'id'");
    if (!fm->title || !*fm->title)
      mg_diag(MG_ERROR, path, 1, 1, "front matter has no 'title'");
  }
  return mg_diag_errors() == errors ? 0 : -1;
}

void mg_frontmatter_free(mg_frontmatter *fm) {
  free(fm->id);
  free(fm->title);
  free(fm->applies_to);
  mg_strv_free(&fm->posts);
  free(fm->posts_line);
  free(fm->posts_col);
  memset(fm, 0, sizeof *fm);
}
