/* glyphs.c -- every character of a print must be in a font the print uses.
 *
 * Typst sets the prints in the Noto CJK family (MG_FONT_DIR) and, for a
 * character no font of that folder has, silently falls back to the fonts
 * it embeds, or prints a blank box: a hall would find a hole in its
 * printed handbook. So, before a hall's PDFs are made, every character
 * of the document the print drivers read (text and attribute values; the
 * UI words too) is looked up in the union of the charsets of the font
 * files (fontconfig's, read once at load), and one that is missing is a
 * build error, reported once per hall, at the place it was written:
 *
 *   - in a section: the section's Markdown file, at the line and column
 *     of the compiled manual's text that holds it (md:text keeps m:line
 *     and m:col; the resolved text does not);
 *   - in the declared duties or forms: their file and line;
 *   - a parameter's value: the parameter file and line that set it
 *     (mg_params_origin over the hall's effective parameters);
 *   - else the section's file without a line, or no position at all (a UI
 *     word of the templates).
 *
 * The font set is read-only once loaded, so the worker threads share it.
 * Characters of the Basic Multilingual Plane are looked up in a bitmap
 * made at load; the others in the fontconfig charset. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fontconfig/fontconfig.h>
#include <libxml/hash.h>

#include "manualgen.h"

struct mg_glyphs {
  FcCharSet *cs;
  unsigned char bmp[0x10000 / 8];
};

mg_glyphs *mg_glyphs_load(const char *dir) {
  mg_strv names = {0};
  if (mg_list_dir(dir, "", &names)) {
    mg_diag(MG_ERROR, dir, 0, 0,
            "cannot read the folder of the fonts the prints use: %s",
            strerror(errno));
    return NULL;
  }
  mg_glyphs *g = mg_xcalloc(1, sizeof *g);
  g->cs = FcCharSetCreate();
  FcFontSet *set = FcFontSetCreate();
  if (!g->cs || !set) {
    fprintf(stderr, "manualgen: out of memory\n");
    abort();
  }
  for (size_t i = 0; i < names.n; i++) {
    char *path = mg_path_join(dir, names.v[i]);
    int count = 0;
    /* every face of a collection (.ttc); a file that is no font adds
     * none */
    FcFreeTypeQueryAll((const FcChar8 *)path, (unsigned)-1, NULL, &count, set);
    free(path);
  }
  for (int i = 0; i < set->nfont; i++) {
    FcCharSet *c;
    if (FcPatternGetCharSet(set->fonts[i], FC_CHARSET, 0, &c) == FcResultMatch)
      FcCharSetMerge(g->cs, c, NULL);
  }
  int faces = set->nfont;
  FcFontSetDestroy(set);
  mg_strv_free(&names);
  if (!faces) {
    mg_diag(MG_ERROR, dir, 0, 0,
            "no font here: the prints need the Noto CJK fonts (Debian "
            "package fonts-noto-cjk)");
    mg_glyphs_free(g);
    return NULL;
  }
  for (unsigned cp = 0; cp < 0x10000; cp++)
    if (FcCharSetHasChar(g->cs, cp))
      g->bmp[cp >> 3] |= (unsigned char)(1u << (cp & 7));
  return g;
}

void mg_glyphs_free(mg_glyphs *g) {
  if (!g)
    return;
  if (g->cs)
    FcCharSetDestroy(g->cs);
  free(g);
}

/* Characters that are never drawn: controls (a tab, a line break) and the
 * invisible format characters (zero-width space and joiners, marks of
 * direction, line and paragraph separators, word joiner, byte order
 * mark), which Typst lays out without a glyph. */
static int invisible(unsigned cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF;
}

int mg_glyphs_has(const mg_glyphs *g, unsigned cp) {
  if (invisible(cp))
    return 1;
  if (cp < 0x10000)
    return g->bmp[cp >> 3] >> (cp & 7) & 1;
  return FcCharSetHasChar(g->cs, cp);
}

/* --------------------------------------------------- where it was written */

static long num_attr(xmlNodePtr n, const char *name, int mine) {
  xmlChar *v = mine ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST MG_NS)
                    : xmlGetNoNsProp(n, BAD_CAST name);
  long r = v ? atol((const char *)v) : 0;
  xmlFree(v);
  return r;
}

/* Characters (not bytes) of s[0, n). */
static long chars(const char *s, size_t n) {
  long k = 0;
  for (size_t i = 0; i < n; i++)
    k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

/* The first place in the compiled subtree n where ch (UTF-8) is written:
 * a md:text's m:line and m:col (plus the characters before it), else the
 * line (m:line or line) of the nearest element that has one. Returns 1
 * with *line and *col set (*col 0 when unknown), 0 when ch is not
 * there. */
static int find_compiled(xmlNodePtr n, const char *ch, long *line, long *col) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    const char *hit = NULL;
    xmlChar *text = NULL;
    for (xmlAttrPtr a = n->properties; a && !hit; a = a->next) {
      xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
      if (v && strstr((const char *)v, ch))
        hit = "attribute";
      xmlFree(v);
    }
    for (xmlNodePtr t = n->children; t && !hit; t = t->next)
      if (t->type == XML_TEXT_NODE && t->content &&
          strstr((const char *)t->content, ch)) {
        hit = "text";
        text = t->content;
      }
    if (!hit) {
      if (find_compiled(n->children, ch, line, col))
        return 1;
      continue;
    }
    for (xmlNodePtr p = n; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
      long l = num_attr(p, "line", 1);
      int mine = l > 0;
      if (!mine)
        l = num_attr(p, "line", 0);
      if (l <= 0)
        continue;
      *line = l;
      *col = 0;
      long c0 = num_attr(p, "col", mine);
      if (p == n && text && c0 > 0)
        *col = c0 + chars((const char *)text,
                          (size_t)(strstr((const char *)text, ch) -
                                   (const char *)text));
      return 1;
    }
    *line = *col = 0;
    return 1;
  }
  return 0;
}

/* The parameter file and line that set a value of eff holding ch.
 * Returns 1 with *file and *line set, or 0. */
static int find_param(xmlNodePtr n, const char *ch, const char **file,
                      long *line) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
      int hit = v && strstr((const char *)v, ch);
      xmlFree(v);
      if (hit && mg_params_origin((xmlNodePtr)a, file, line))
        return 1;
    }
    for (xmlNodePtr t = n->children; t; t = t->next)
      if (t->type == XML_TEXT_NODE && t->content &&
          strstr((const char *)t->content, ch) &&
          mg_params_origin(n, file, line))
        return 1;
    if (find_param(n->children, ch, file, line))
      return 1;
  }
  return 0;
}

/* ------------------------------------------------------------ the check */

typedef struct {
  const mg_glyphs *g;
  const mg_manual *man; /* may be NULL */
  xmlDocPtr eff;        /* may be NULL */
  const char *store;
  xmlHashTablePtr seen; /* characters reported in this hall */
  int missing;
  int report; /* 0: count only */
} gctx;

/* The compiled part of the manual that resolved node n comes from: its
 * m:section, or the declared duties or forms. NULL when none. */
static xmlNodePtr compiled_of(const gctx *c, xmlNodePtr n, xmlNodePtr *sec) {
  *sec = NULL;
  for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
    if (!c->man)
      return NULL;
    if (mg_is_m(n, "section")) {
      xmlChar *id = xmlGetProp(n, BAD_CAST "id");
      int i = id ? mg_manual_section_index(c->man, (const char *)id) : -1;
      xmlFree(id);
      *sec = i >= 0 ? c->man->sections[i] : NULL;
      return *sec;
    }
    int top = n->parent == xmlDocGetRootElement(n->doc);
    if (top && mg_is_m(n, "duties"))
      return c->man->duties;
    if (top && mg_is_m(n, "forms"))
      return c->man->forms;
  }
  return NULL;
}

static void report(gctx *c, xmlNodePtr where, unsigned cp, const char *ch) {
  xmlNodePtr sec;
  xmlNodePtr src = compiled_of(c, where, &sec);
  const char *file = NULL;
  long line = 0, col = 0;
  if (src && find_compiled(src->children, ch, &line, &col))
    file = mg_manual_file(c->man, src);
  else if (!(c->eff &&
             find_param(xmlDocGetRootElement(c->eff), ch, &file, &line)) &&
           sec)
    file = mg_manual_file(c->man, sec);
  mg_diag_store(MG_ERROR, file, (int)line, (int)col, c->store,
                "'%s' (U+%04X) is in no font the printed handbook uses "
                "(" MG_FONT_FAMILY "): replace it, or write it out in words "
                "[print]",
                ch, cp);
}

/* Checks the UTF-8 text s, found in resolved node where. */
static void check_text(gctx *c, xmlNodePtr where, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    if (k <= 0) { /* not UTF-8: libxml2 never gives us such text */
      i++;
      continue;
    }
    if (!mg_glyphs_has(c->g, cp)) {
      char ch[5] = {0};
      memcpy(ch, s + i, (size_t)k);
      if (!c->report) {
        c->missing++;
        return;
      }
      if (!xmlHashLookup(c->seen, BAD_CAST ch)) {
        xmlHashAddEntry(c->seen, BAD_CAST ch, (void *)1);
        c->missing++;
        report(c, where, cp, ch);
      }
    }
    i += (size_t)k;
  }
}

static void walk(gctx *c, xmlNodePtr n) {
  for (; n && (c->report || !c->missing); n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        check_text(c, n->parent, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
      xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
      if (v)
        check_text(c, n, (const char *)v);
      xmlFree(v);
    }
    walk(c, n->children);
  }
}

int mg_glyphs_lacks(const mg_glyphs *g, xmlDocPtr doc) {
  gctx c = {0};
  c.g = g;
  walk(&c, xmlDocGetRootElement(doc));
  return c.missing > 0;
}

int mg_glyphs_check(const mg_glyphs *g, xmlDocPtr doc, const mg_manual *man,
                    xmlDocPtr eff, const char *store) {
  gctx c = {0};
  c.g = g;
  c.man = man;
  c.eff = eff;
  c.store = store;
  c.report = 1;
  c.seen = xmlHashCreate(8);
  walk(&c, xmlDocGetRootElement(doc));
  xmlHashFree(c.seen, NULL);
  return c.missing;
}
