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
  unsigned seen = 0; /* the keys met so far, one bit each */
  while (!done) {
    if (!yaml_parser_parse(&parser, &ev)) {
      mg_diag(MG_ERROR, path, LINE(parser.problem_mark),
              COL(parser.problem_mark), "front matter: %s%s%s",
              parser.problem ? parser.problem : "invalid YAML",
              parser.context ? " " : "", parser.context ? parser.context : "");
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
      if (state == KEY) {
        key = mg_xstrdup(v);
        keymark = ev.start_mark;
        static const char *known[] = {"id", "title", "posts", "applies-to"};
        int ok = 0;
        for (size_t i = 0; i < 4; i++)
          ok |= !strcmp(key, known[i]);
        if (!ok)
          mg_diag(MG_ERROR, path, LINE(keymark), COL(keymark),
                  "front matter: unknown key '%s' (expected id, title, posts, "
                  "applies-to)",
                  key);
        else {
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
        if (*v)
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
