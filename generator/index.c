/* index.c -- builds that shard across machines, and what joins them.
 *
 * `build --shard K/N` builds the halls of shard K alone: a hall belongs
 * to shard XXH64(its id, seed 0) mod N, the same on every machine and in
 * every run (the id's bytes, nothing else). Into each folder it publishes
 * (every edition, latest, feeds) the shard writes its halls' files and,
 * instead of what lists every hall (the edition's index.html and
 * manual.css, OUT/index.html, OUT/feedback.html), a shard record,
 * FOLDER/.manualgen-shard-K-of-N:
 *
 *   <m:shard xmlns:m="urn:manualgen" k="1" n="4" folder="1.1"
 *            date="2026-03-01">
 *     <m:store id="a-flag" name="..." city="alpha" city-name="..."
 *              type="flagship"/>                  a row of the index
 *     <m:file path="stores/a-flag/index.html"/>  a file it published
 *   </m:shard>
 *
 * The rows are the shard's halls in the edition's order, the files its
 * own files in byte order: a record is a function of what was built.
 *
 * `index` runs once every shard's output folder was gathered into one
 * (rsync, cp, a shared volume): it reads every record of every folder,
 * checks that they are complete (one N, every K from 0 to N-1), and
 * build.c then writes what a one-process build writes once for all halls
 * (mg_shards_write writes it here): each edition's index, OUT/index.html,
 * OUT/feedback.html, and each folder's manifest (.manualgen-edition, the
 * union of the shards' files: publish.c's format), byte for byte what a
 * one-process build of the same content writes. The records stay (a
 * later shard or `index` needs them); publish.c counts them as ours, so
 * a one-process build drops them. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <xxhash.h>

#include "manualgen.h"

#define MAX_SHARDS 100000u

/* Parses a decimal number of at most six digits, no sign, no spaces.
 * Returns the end, or NULL. */
static const char *number(const char *s, unsigned *v) {
  const char *p = s;
  unsigned n = 0;
  while (*p >= '0' && *p <= '9' && p - s < 7)
    n = n * 10 + (unsigned)(*p++ - '0');
  if (p == s || (*p >= '0' && *p <= '9'))
    return NULL;
  *v = n;
  return p;
}

int mg_shard_parse(const char *s, unsigned *k, unsigned *n) {
  const char *p = number(s, k);
  if (!p || *p != '/')
    return -1;
  p = number(p + 1, n);
  if (!p || *p || *n < 1 || *n > MAX_SHARDS || *k >= *n)
    return -1;
  return 0;
}

unsigned mg_shard_of(const char *id, size_t len, unsigned n) {
  return (unsigned)(XXH64(id, len, 0) % (n ? n : 1));
}

char *mg_shard_record_name(unsigned k, unsigned n) {
  return mg_xasprintf(MG_SHARD_RECORD "%u-of-%u", k, n);
}

char *mg_shard_record(unsigned k, unsigned n, const char *folder,
                      const char *date, const mg_identity *const *rows,
                      size_t nrows, const mg_strv *files, size_t *len) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "shard");
  xmlNsPtr m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, m);
  xmlDocSetRootElement(doc, root);
  char num[16];
  snprintf(num, sizeof num, "%u", k);
  xmlNewProp(root, BAD_CAST "k", BAD_CAST num);
  snprintf(num, sizeof num, "%u", n);
  xmlNewProp(root, BAD_CAST "n", BAD_CAST num);
  xmlNewProp(root, BAD_CAST "folder", BAD_CAST folder);
  xmlNewProp(root, BAD_CAST "date", BAD_CAST date);
  for (size_t i = 0; i < nrows; i++)
    mg_identity_set_props(rows[i],
                          xmlNewChild(root, m, BAD_CAST "store", NULL));
  for (size_t i = 0; i < files->n; i++)
    xmlNewProp(xmlNewChild(root, m, BAD_CAST "file", NULL), BAD_CAST "path",
               BAD_CAST files->v[i]);
  xmlChar *text = NULL;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc, &text, &size, "UTF-8", 1);
  xmlFreeDoc(doc);
  char *out = mg_xstrndup(text ? (const char *)text : "", (size_t)size);
  xmlFree(text);
  *len = (size_t)size;
  return out;
}

/* ------------------------------------------------------ reading them */

/* How messages name a folder: "edition 1.1", "the feeds". */
static char *folder_words(const char *folder) {
  if (!strcmp(folder, "feeds"))
    return mg_xstrdup("the feeds");
  if (!strcmp(folder, "draft"))
    return mg_xstrdup("the draft");
  if (!strcmp(folder, "latest"))
    return mg_xstrdup("latest (the newest release)");
  return mg_xasprintf("edition %s", folder);
}

/* The attribute of el, or "" (never NULL). Caller frees. */
static char *attr(xmlNodePtr el, const char *name) {
  xmlChar *v = xmlGetProp(el, BAD_CAST name);
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

/* A record: its K and N, from its name (".manualgen-shard-K-of-N"). */
static int record_name(const char *name, unsigned *k, unsigned *n) {
  size_t l = strlen(MG_SHARD_RECORD);
  if (strncmp(name, MG_SHARD_RECORD, l))
    return 0;
  const char *p = number(name + l, k);
  if (!p || strncmp(p, "-of-", 4))
    return 0;
  p = number(p + 4, n);
  return p && !*p && *n >= 1 && *k < *n;
}

/* Reads the record OUT/FOLDER/name, shard k of n, into s (its rows and
 * files appended; s->date set from shard 0). seen: store id -> the
 * record that listed it, for the whole folder. Returns 0, or -1 after
 * reporting. */
static int read_record(const char *dir, const char *name, unsigned k,
                       unsigned n, mg_shard_set *s, xmlHashTablePtr seen) {
  char *path = mg_path_join(dir, name);
  size_t len;
  char *text = mg_read_file(path, &len);
  xmlDocPtr doc =
      text ? xmlReadMemory(text, (int)len, path, NULL, mg_safe_xml_options())
           : NULL;
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
  int rc = -1;
  if (!text) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot read this shard record: %s",
            mg_read_error());
    goto done;
  }
  if (!root || strcmp((const char *)root->name, "shard") || !root->ns ||
      strcmp((const char *)root->ns->href, MG_NS)) {
    mg_diag(MG_ERROR, path, 0, 0,
            "this is not a shard record of manualgen: build the shard "
            "again");
    goto done;
  }
  char *ks = attr(root, "k"), *ns = attr(root, "n");
  char *folder = attr(root, "folder");
  char *want = mg_xasprintf("%u", k), *wantn = mg_xasprintf("%u", n);
  const char *base = strrchr(dir, '/');
  base = base ? base + 1 : dir;
  int ok = !strcmp(ks, want) && !strcmp(ns, wantn) && !strcmp(folder, base);
  if (!ok)
    mg_diag(MG_ERROR, path, 0, 0,
            "this record says it is shard %s of %s of folder '%s': it was "
            "renamed or copied to the wrong place",
            ks, ns, folder);
  free(ks);
  free(ns);
  free(folder);
  free(want);
  free(wantn);
  if (!ok)
    goto done;
  if (k == 0) {
    free(s->date);
    s->date = attr(root, "date");
  }
  rc = 0;
  for (xmlNodePtr c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (!strcmp((const char *)c->name, "file")) {
      mg_strv_push(&s->files, attr(c, "path"));
      continue;
    }
    if (strcmp((const char *)c->name, "store"))
      continue;
    mg_identity id = {attr(c, "id"), attr(c, "name"), attr(c, "city"),
                      attr(c, "city-name"), attr(c, "type")};
    void *other = xmlHashLookup(seen, BAD_CAST id.id);
    if (other) {
      mg_diag(MG_ERROR, path, 0, 0,
              "store '%s' is in this shard and in shard %u: were the "
              "shards built by different versions of manualgen?",
              id.id, (unsigned)((uintptr_t)other - 1));
      mg_identity_free(&id);
      rc = -1;
      continue;
    }
    xmlHashAddEntry(seen, BAD_CAST id.id, (void *)((uintptr_t)k + 1));
    s->rows = mg_xrealloc(s->rows, (s->nrows + 1) * sizeof *s->rows);
    s->rows[s->nrows++] = id;
  }
done:
  xmlFreeDoc(doc);
  free(text);
  free(path);
  return rc;
}

/* The shard records in OUT/folder: their names, sorted. */
static void list_records(const char *dir, mg_strv *names) {
  DIR *d = opendir(dir);
  for (struct dirent *de; d && (de = readdir(d));) {
    unsigned k, n;
    if (record_name(de->d_name, &k, &n))
      mg_strv_push(names, mg_xstrdup(de->d_name));
  }
  if (d)
    closedir(d);
}

int mg_shards_read(const char *out_dir, mg_shard_set *sets, size_t nsets,
                   unsigned *shards) {
  int rc = 0;
  unsigned n = 0;
  const char *first = NULL; /* the folder that set n */
  mg_strv *names = mg_xcalloc(nsets ? nsets : 1, sizeof *names);
  /* one N everywhere */
  for (size_t f = 0; f < nsets; f++) {
    char *dir = mg_path_join(out_dir, sets[f].folder);
    list_records(dir, &names[f]);
    for (size_t i = 0; i < names[f].n; i++) {
      unsigned k, m;
      record_name(names[f].v[i], &k, &m);
      if (!n) {
        n = m;
        first = sets[f].folder;
      } else if (m != n) {
        char *p = mg_path_join(dir, names[f].v[i]);
        mg_diag(MG_ERROR, p, 0, 0,
                "a record of %u shards, where %s/%s has records of %u: "
                "remove the records of the build you no longer use",
                m, out_dir, first, n);
        free(p);
        rc = -1;
      }
    }
    free(dir);
  }
  if (!n && !rc) {
    mg_diag(MG_ERROR, out_dir, 0, 0,
            "there is no shard record here (such as draft/" MG_SHARD_RECORD
            "0-of-4): run `manualgen build --shard K/N` for every shard "
            "and gather their output folders here first");
    rc = -1;
  }
  /* every K in every folder (a shard missing everywhere is said once),
   * then what they say */
  unsigned char *has = mg_xcalloc(nsets ? nsets : 1, 1);
  int missing = 0;
  for (unsigned k = 0; k < n && !rc; k++) {
    char *name = mg_shard_record_name(k, n);
    size_t found = 0;
    for (size_t f = 0; f < nsets; f++) {
      has[f] = 0;
      for (size_t i = 0; i < names[f].n && !has[f]; i++)
        has[f] = !strcmp(names[f].v[i], name);
      found += has[f];
    }
    if (!found)
      mg_diag(MG_ERROR, out_dir, 0, 0,
              "shard %u of %u is missing: no edition has its record (%s); "
              "gather its output folder here",
              k, n, name);
    for (size_t f = 0; f < nsets && found < nsets; f++) {
      if (has[f] || !found)
        continue;
      char *dir = mg_path_join(out_dir, sets[f].folder);
      char *words = folder_words(sets[f].folder);
      mg_diag(MG_ERROR, dir, 0, 0, "shard %u of %u of %s is missing (%s)", k, n,
              words, name);
      free(words);
      free(dir);
    }
    free(name);
    missing |= found < nsets;
  }
  free(has);
  if (missing)
    rc = -1;
  for (size_t f = 0; f < nsets && !rc; f++) {
    char *dir = mg_path_join(out_dir, sets[f].folder);
    xmlHashTablePtr seen = xmlHashCreate(256);
    for (unsigned k = 0; k < n; k++) {
      char *name = mg_shard_record_name(k, n);
      if (read_record(dir, name, k, n, &sets[f], seen))
        rc = -1;
      free(name);
    }
    xmlHashFree(seen, NULL);
    free(dir);
  }
  for (size_t f = 0; f < nsets; f++)
    mg_strv_free(&names[f]);
  free(names);
  *shards = n;
  return rc;
}

void mg_shard_set_free(mg_shard_set *s) {
  for (size_t i = 0; i < s->nrows; i++)
    mg_identity_free(&s->rows[i]);
  free(s->rows);
  free(s->date);
  mg_strv_free(&s->files);
  s->rows = NULL;
  s->date = NULL;
  s->nrows = 0;
}

/* ---------------------------------------------------------- writing */

int mg_shards_lock(const char *out_dir) {
  struct stat sb;
  if (stat(out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    mg_diag(MG_ERROR, out_dir, 0, 0,
            "there is no output folder here: gather the output folders of "
            "every shard (build --shard K/N) into it first");
    return -1;
  }
  return mg_out_lock(out_dir);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int mg_shards_write(const char *out_dir, const mg_shard_set *s,
                    const mg_pages *pages) {
  char *dir = mg_path_join(out_dir, s->folder);
  struct stat sb;
  int rc = 0;
  if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    mg_diag(MG_ERROR, dir, 0, 0, "refusing to write here: it is %s",
            lstat(dir, &sb) != 0 ? "missing" : mg_file_kind(sb.st_mode));
    free(dir);
    return -1;
  }
  /* what the folder's manifest lists: the shards' files and these */
  mg_strv all = {0};
  for (size_t i = 0; i < s->files.n; i++)
    mg_strv_push(&all, mg_xstrdup(s->files.v[i]));
  for (size_t i = 0; i < pages->n && !rc; i++) {
    const char *href = pages->v[i].href;
    if (!mg_manifest_name_ok(href, strlen(href)) || strchr(href, '/') ||
        href[0] == '.') {
      mg_diag(MG_ERROR, "templates", 0, 0,
              "bad page name '%s' for an edition's index", href);
      rc = -1;
      break;
    }
    char *path = mg_path_join(dir, href);
    rc = mg_write_if_changed(path, pages->v[i].data, pages->v[i].len);
    free(path);
    mg_strv_push(&all, mg_xstrdup(href));
  }
  if (!rc) {
    if (all.n)
      qsort(all.v, all.n, sizeof *all.v, by_name);
    mg_buf m = {0};
    mg_buf_puts(&m, MG_EDITION_HEAD);
    for (size_t i = 0; i < all.n; i++)
      if (!i || strcmp(all.v[i], all.v[i - 1]))
        mg_buf_printf(&m, "file %s\n", all.v[i]);
    char *path = mg_path_join(dir, MG_EDITION_MANIFEST);
    rc = mg_write_if_changed(path, m.data, m.len);
    free(path);
    mg_buf_free(&m);
  }
  mg_strv_free(&all);
  free(dir);
  return rc;
}
