/* outline.c -- content/manual.xml: title, language, chapters, sections. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/hash.h>
#include <libxml/parser.h>

#include "manualgen.h"

static char *text_of(xmlNodePtr n) {
  xmlChar *c = xmlNodeGetContent(n);
  char *s = mg_xstrdup(c ? (const char *)c : "");
  xmlFree(c);
  /* trim */
  char *b = s;
  while (*b == ' ' || *b == '\n' || *b == '\t' || *b == '\r')
    b++;
  size_t l = strlen(b);
  while (l && (b[l - 1] == ' ' || b[l - 1] == '\n' || b[l - 1] == '\t' ||
               b[l - 1] == '\r'))
    l--;
  char *r = mg_xstrndup(b, l);
  free(s);
  return r;
}

static int is_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The pages every hall's site has besides its chapters' (<id>.html):
 * site.xsl's and handbook.xsl's, which build.c writes into the hall's
 * folder. A chapter with one of these ids would overwrite it. */
static const char *const reserved[][2] = {
    {"index", "the contents page"},
    {"handbook", "the printable handbook"},
    {"changes", "what a release changed"},
    {"versions", "the list of releases"},
    {"duty-matrix", "the duty matrix"},
    {"forms", "the forms"},
};

/* What the page a chapter id would overwrite is, or NULL. */
static const char *reserved_page(const char *id) {
  for (size_t i = 0; id && i < sizeof reserved / sizeof *reserved; i++)
    if (!strcmp(id, reserved[i][0]))
      return reserved[i][1];
  return NULL;
}

mg_outline *mg_outline_load(const char *content_dir) {
  char *path = mg_path_join(content_dir, "manual.xml");
  xmlDocPtr doc = mg_safe_read_xml(path);
  if (!doc) {
    if (!mg_diag_errors())
      mg_diag(MG_ERROR, path, 0, 0, "cannot read the manual outline");
    free(path);
    return NULL;
  }
  int errors = mg_diag_errors();
  mg_outline *o = mg_xcalloc(1, sizeof *o);
  o->path = path;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!root || !is_el(root, "manual")) {
    mg_diag(MG_ERROR, path, root ? (int)xmlGetLineNo(root) : 1, 0,
            "the outline's root element must be <manual>");
    goto done;
  }
  o->lang = mg_prop(root, "lang");
  if (!o->lang)
    o->lang = mg_xstrdup("zh-CN");
  size_t nch = 0;
  for (xmlNodePtr c = root->children; c; c = c->next)
    if (is_el(c, "chapter"))
      nch++;
  o->chapters = mg_xcalloc(nch, sizeof *o->chapters);
  for (xmlNodePtr c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    int line = (int)xmlGetLineNo(c);
    if (is_el(c, "title")) {
      free(o->title);
      o->title = text_of(c);
    } else if (is_el(c, "organisation")) {
      free(o->organisation);
      o->organisation = text_of(c);
    } else if (is_el(c, "chapter")) {
      mg_chapter *ch = &o->chapters[o->nchapters++];
      ch->line = line;
      ch->id = mg_prop(c, "id");
      if (!mg_is_id(ch->id)) {
        mg_diag(MG_ERROR, path, line, 0,
                "chapter id '%s' must be lowercase letters, digits and '-'",
                ch->id ? ch->id : "");
      }
      const char *page = reserved_page(ch->id);
      if (page)
        mg_diag(MG_ERROR, path, line, 0,
                "chapter id '%s' would make the page %s.html, which every "
                "hall's site already has (%s): choose another id",
                ch->id, ch->id, page);
      for (size_t k = 0; k + 1 < o->nchapters && ch->id; k++)
        if (o->chapters[k].id && !strcmp(o->chapters[k].id, ch->id))
          mg_diag(MG_ERROR, path, line, 0,
                  "duplicate chapter id '%s' (first used at line %d)", ch->id,
                  o->chapters[k].line);
      for (xmlNodePtr s = c->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
          continue;
        if (is_el(s, "title")) {
          free(ch->title);
          ch->title = text_of(s);
        } else if (is_el(s, "section")) {
          char *href = mg_prop(s, "href");
          if (!href || !*href) {
            mg_diag(MG_ERROR, path, (int)xmlGetLineNo(s), 0,
                    "<section> needs an href naming a Markdown file");
            free(href);
            continue;
          }
          char *norm = mg_path_normalize(href);
          if (norm[0] == '/' || !strncmp(norm, "..", 2)) {
            /* only the content folder is published */
            mg_diag(MG_ERROR, path, (int)xmlGetLineNo(s), 0,
                    "section '%s' is outside the content folder; give a "
                    "path relative to it, such as 'sections/x.md'",
                    href);
            free(norm);
            free(href);
            continue;
          }
          free(href);
          mg_section *sec = mg_xcalloc(1, sizeof *sec);
          sec->path = norm;
          sec->file = mg_path_join(content_dir, sec->path);
          sec->outline_line = (int)xmlGetLineNo(s);
          sec->chapter = ch;
          ch->sections = mg_xrealloc(ch->sections, sizeof(mg_section *) *
                                                       (ch->nsections + 1));
          ch->sections[ch->nsections++] = sec;
        } else {
          mg_diag(MG_ERROR, path, (int)xmlGetLineNo(s), 0,
                  "unexpected <%s> in <chapter> (expected <title> or "
                  "<section>)",
                  (const char *)s->name);
        }
      }
      if (!ch->title)
        mg_diag(MG_ERROR, path, line, 0, "chapter '%s' has no <title>",
                ch->id ? ch->id : "");
    } else {
      mg_diag(MG_ERROR, path, line, 0,
              "unexpected <%s> in <manual> (expected <title>, "
              "<organisation> or <chapter>)",
              (const char *)c->name);
    }
  }
  if (!o->title)
    mg_diag(MG_ERROR, path, (int)xmlGetLineNo(root), 0,
            "the manual has no <title>");
  if (!o->organisation)
    o->organisation = mg_xstrdup("");
  if (strcmp(o->lang, "zh-CN") && strcmp(o->lang, "en"))
    mg_diag(MG_ERROR, path, (int)xmlGetLineNo(root), 0,
            "unsupported language '%s' (zh-CN or en)", o->lang);
done:
  xmlFreeDoc(doc);
  if (mg_diag_errors() > errors) {
    /* keep going with what we have so that sections are still checked,
     * unless the outline is unusable */
    if (!o->nchapters) {
      mg_outline_free(o);
      return NULL;
    }
  }
  return o;
}

void mg_outline_free(mg_outline *o) {
  if (!o)
    return;
  for (size_t i = 0; i < o->nchapters; i++) {
    mg_chapter *ch = &o->chapters[i];
    free(ch->id);
    free(ch->title);
    for (size_t k = 0; k < ch->nsections; k++)
      mg_section_free(ch->sections[k]);
    free(ch->sections);
  }
  free(o->chapters);
  free(o->path);
  free(o->title);
  free(o->organisation);
  free(o->lang);
  free(o);
}

/* ------------------------------------------------- unlisted sections */

static int is_md(const char *name) {
  size_t l = strlen(name);
  return l > 3 && !strcmp(name + l - 3, ".md");
}

/* Warns for each Markdown file below dir (rel: its path relative to the
 * content folder, NULL at the top) whose path is not in listed. Hidden
 * entries are skipped; a symbolic link is taken for a file only when it
 * points at one, and a folder is entered only when it is not a link, so
 * the walk stays inside the content folder and ends. */
static void walk(const mg_outline *o, xmlHashTablePtr listed, const char *dir,
                 const char *rel) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  mg_strv names = {0};
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.')
      mg_strv_push(&names, mg_xstrdup(e->d_name));
  closedir(d); /* before going down: deep trees must not use up the fds */
  for (size_t i = 0; i < names.n; i++) {
    char *path = mg_path_join(dir, names.v[i]);
    char *r = rel ? mg_path_join(rel, names.v[i]) : mg_xstrdup(names.v[i]);
    struct stat st;
    if (lstat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        walk(o, listed, path, r);
      } else if (is_md(names.v[i]) &&
                 (S_ISREG(st.st_mode) ||
                  (S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
                   S_ISREG(st.st_mode))) &&
                 !xmlHashLookup(listed, BAD_CAST r)) {
        mg_diag(MG_WARNING, path, 0, 0,
                "not listed in %s: no handbook includes this section", o->path);
      }
    }
    free(r);
    free(path);
  }
  mg_strv_free(&names);
}

void mg_outline_warn_unlisted(const mg_outline *o, const char *content_dir) {
  if (!o)
    return;
  xmlHashTablePtr listed = xmlHashCreate(64);
  if (!listed) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  for (size_t i = 0; i < o->nchapters; i++)
    for (size_t k = 0; k < o->chapters[i].nsections; k++)
      xmlHashAddEntry(listed, BAD_CAST o->chapters[i].sections[k]->path,
                      (void *)1); /* listed twice: reported elsewhere */
  walk(o, listed, content_dir, NULL);
  xmlHashFree(listed, NULL);
}
