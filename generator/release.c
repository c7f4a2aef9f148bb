/* release.c -- numbered releases: publish one, list them, verify them.
 *
 *   content/releases/releases.xml        the register (releases.xsd)
 *   content/releases/VERSION/MANIFEST    "file REL HASH" for every file
 *   content/releases/VERSION/compiled.xml       the compiled manual
 *   content/releases/VERSION/params/ID.xml      each hall's effective
 *                                               parameters
 *   content/releases/VERSION/templates/...      the templates it was
 *                                               built with
 *
 * A release freezes everything a hall's handbook of that release is made
 * from, so that it can be made again, byte for byte, whatever happens to
 * the Markdown, the parameters or the templates afterwards. It is never
 * modified: its MANIFEST lists the XXH3-128 of each file, and the
 * register the XXH3-128 of the MANIFEST; build and check verify both.
 *
 * Publishing is crash-safe: the release is written into a staging
 * folder, renamed to VERSION, and only then entered in the register (the
 * commit point, written with mg_write_atomic). A folder that the register
 * does not list is what an interrupted publish left; the next publish
 * removes it. Feedback items the release resolves are marked after the
 * commit, and a publish that was interrupted there is completed by the
 * next one. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlsave.h>

#include "manualgen.h"

#define REGISTER "releases.xml"
#define MANIFEST "MANIFEST"

/* ------------------------------------------------------------ versions */

int mg_version_parse(const char *s, int *major, int *minor) {
  int v[2] = {0, 0};
  const char *p = s;
  for (int k = 0; k < 2; k++) {
    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
      return -1;
    long n = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
      if (digits == 6)
        return -1; /* a million versions is enough, and no overflow */
      n = n * 10 + (*p - '0');
    }
    v[k] = (int)n;
    if (k == 0 && *p++ != '.')
      return -1;
  }
  if (*p)
    return -1;
  *major = v[0];
  *minor = v[1];
  return 0;
}

int mg_version_cmp(const char *a, const char *b) {
  int am = 0, an = 0, bm = 0, bn = 0;
  mg_version_parse(a, &am, &an);
  mg_version_parse(b, &bm, &bn);
  return am != bm ? (am < bm ? -1 : 1) : an != bn ? (an < bn ? -1 : 1) : 0;
}

/* ------------------------------------------------------- the register */

static void split_ids(const char *s, mg_strv *out) {
  for (const char *p = s ? s : ""; *p;) {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      p++;
    const char *e = p;
    while (*e && *e != ' ' && *e != '\t' && *e != '\n')
      e++;
    if (e > p)
      mg_strv_push(out, mg_xstrndup(p, (size_t)(e - p)));
    p = e;
  }
}

static char *prop(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetProp(n, BAD_CAST name);
  char *s = mg_xstrdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

mg_releases *mg_releases_load(const char *content_dir,
                              const char *templates_dir) {
  mg_releases *r = mg_xcalloc(1, sizeof *r);
  r->dir = mg_path_join(content_dir, "releases");
  char *path = mg_path_join(r->dir, REGISTER);
  struct stat sb;
  if (lstat(path, &sb) != 0 && errno == ENOENT) {
    free(path);
    return r; /* nothing published yet */
  }
  xmlDocPtr doc = mg_safe_read_xml(path);
  char *xsd = mg_path_join(templates_dir, "schema/releases.xsd");
  if (!doc || mg_validate(doc, xsd) != 0) {
    xmlFreeDoc(doc);
    free(xsd);
    free(path);
    mg_releases_free(r);
    return NULL;
  }
  free(xsd);
  int ok = 1;
  for (xmlNodePtr e = xmlDocGetRootElement(doc)->children; e; e = e->next) {
    if (e->type != XML_ELEMENT_NODE)
      continue;
    r->v = mg_xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    mg_release *rel = &r->v[r->n++];
    memset(rel, 0, sizeof *rel);
    rel->version = prop(e, "version");
    rel->date = prop(e, "date");
    rel->manifest = prop(e, "manifest");
    xmlChar *notes = xmlNodeGetContent(mg_child(e, "notes"));
    rel->notes = mg_xstrdup(notes ? (const char *)notes : "");
    xmlFree(notes);
    xmlNodePtr s = mg_child(e, "sections");
    char *a = prop(s, "added"), *c = prop(s, "changed"),
         *d = prop(s, "removed");
    split_ids(a, &rel->added);
    split_ids(c, &rel->changed);
    split_ids(d, &rel->removed);
    free(a);
    free(c);
    free(d);
    xmlChar *res = xmlNodeGetContent(mg_child(e, "resolves"));
    split_ids((const char *)res, &rel->resolves);
    xmlFree(res);
    if (r->n > 1 && mg_version_cmp(r->v[r->n - 2].version, rel->version) >= 0) {
      mg_diag(MG_ERROR, path, (int)xmlGetLineNo(e), 0,
              "release %s is listed after %s: versions only move forward",
              rel->version, r->v[r->n - 2].version);
      ok = 0;
    }
  }
  xmlFreeDoc(doc);
  free(path);
  if (!ok) {
    mg_releases_free(r);
    return NULL;
  }
  return r;
}

static void release_clear(mg_release *rel) {
  free(rel->version);
  free(rel->date);
  free(rel->manifest);
  free(rel->notes);
  mg_strv_free(&rel->added);
  mg_strv_free(&rel->changed);
  mg_strv_free(&rel->removed);
  mg_strv_free(&rel->resolves);
}

void mg_releases_free(mg_releases *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    release_clear(&r->v[i]);
  free(r->v);
  free(r->dir);
  free(r);
}

const mg_release *mg_releases_find(const mg_releases *r, const char *version) {
  for (size_t i = 0; r && i < r->n; i++)
    if (!strcmp(r->v[i].version, version))
      return &r->v[i];
  return NULL;
}

char *mg_release_path(const mg_releases *r, const mg_release *rel,
                      const char *rel_path) {
  char *dir = mg_path_join(r->dir, rel->version);
  char *p = rel_path ? mg_path_join(dir, rel_path) : mg_xstrdup(dir);
  free(dir);
  return p;
}

/* ------------------------------------------------------- verification */

/* Lists the files below dir (relative paths, sorted), lstat-based: a
 * symbolic link or anything else that is not a plain file or folder is
 * listed too, to be refused. */
static void walk(const char *dir, const char *pre, mg_strv *out) {
  mg_strv names = {0};
  if (mg_list_dir(dir, "", &names) != 0)
    return;
  for (size_t i = 0; i < names.n; i++) {
    char *path = mg_path_join(dir, names.v[i]);
    char *rel =
        *pre ? mg_xasprintf("%s/%s", pre, names.v[i]) : mg_xstrdup(names.v[i]);
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
      walk(path, rel, out);
      free(rel);
    } else {
      mg_strv_push(out, rel);
    }
    free(path);
  }
  mg_strv_free(&names);
}

/* Checks one release against its digests. Returns the number of
 * problems, each reported naming the file. */
static int verify_one(const mg_releases *r, const mg_release *rel) {
  char *dir = mg_release_path(r, rel, NULL);
  char *mpath = mg_path_join(dir, MANIFEST);
  size_t len;
  char *text = mg_safe_read_file(mpath, &len);
  int problems = 0;
  if (!text) {
    mg_diag(MG_ERROR, mpath, 0, 0, "release %s cannot be verified: %s",
            rel->version, mg_read_error());
    free(mpath);
    free(dir);
    return 1;
  }
  char hash[33];
  mg_hash_hex(text, len, hash);
  if (strcmp(hash, rel->manifest)) {
    mg_diag(MG_ERROR, mpath, 0, 0,
            "release %s has been modified: this file is not the one "
            "published (a release is never changed; publish a new one)",
            rel->version);
    problems++;
  }
  xmlHashTablePtr listed = xmlHashCreate(64);
  for (char *line = text, *nl; problems == 0 && *line; line = nl + 1) {
    nl = strchr(line, '\n');
    if (!nl)
      break;
    *nl = '\0';
    char *sp = strrchr(line, ' ');
    if (strncmp(line, "file ", 5) || !sp || sp - line <= 5) {
      mg_diag(MG_ERROR, mpath, 0, 0, "malformed line '%s'", line);
      problems++;
      break;
    }
    *sp = '\0';
    const char *name = line + 5, *want = sp + 1;
    xmlHashAddEntry(listed, BAD_CAST name, (void *)1);
    char *fpath = mg_path_join(dir, name);
    size_t flen;
    char *data = mg_safe_read_file(fpath, &flen);
    if (!data) {
      mg_diag(MG_ERROR, fpath, 0, 0,
              "release %s has been modified: this file cannot be read (%s)",
              rel->version, mg_read_error());
      problems++;
    } else {
      mg_hash_hex(data, flen, hash);
      if (strcmp(hash, want)) {
        mg_diag(MG_ERROR, fpath, 0, 0,
                "release %s has been modified: this file is not the one "
                "published (a release is never changed; publish a new one)",
                rel->version);
        problems++;
      }
    }
    free(data);
    free(fpath);
  }
  if (!problems) { /* nothing may have been added either */
    mg_strv all = {0};
    walk(dir, "", &all);
    for (size_t i = 0; i < all.n; i++)
      if (strcmp(all.v[i], MANIFEST) &&
          !xmlHashLookup(listed, BAD_CAST all.v[i])) {
        char *fpath = mg_path_join(dir, all.v[i]);
        mg_diag(MG_ERROR, fpath, 0, 0,
                "release %s has been modified: this file was not published "
                "with it",
                rel->version);
        free(fpath);
        problems++;
      }
    mg_strv_free(&all);
  }
  xmlHashFree(listed, NULL);
  free(text);
  free(mpath);
  free(dir);
  return problems;
}

int mg_releases_verify(const mg_releases *r) {
  int problems = 0;
  for (size_t i = 0; r && i < r->n; i++)
    problems += verify_one(r, &r->v[i]);
  return problems;
}

/* ------------------------------------------------- one release's parts */

mg_release_data *mg_release_open(const mg_releases *r, const mg_release *rel) {
  mg_release_data *d = mg_xcalloc(1, sizeof *d);
  d->rel = rel;
  d->dir = mg_release_path(r, rel, NULL);
  char *tpl = mg_path_join(d->dir, "templates");
  char *cpath = mg_path_join(d->dir, "compiled.xml");
  /* messages about its sections name the files the release was made from */
  char *base = mg_path_dir(r->dir);
  d->manual = mg_manual_read(cpath, tpl, NULL, base);
  free(base);
  free(cpath);
  d->tpl = d->manual ? mg_templates_load(tpl, d->manual->lang) : NULL;
  /* the names are not checked again (the release was checked when it
   * was made), only their types read */
  char *xsd = mg_path_join(tpl, "schema/params.xsd");
  xmlDocPtr xdoc = d->manual ? mg_safe_read_xml(xsd) : NULL;
  if (xdoc) {
    d->names = mg_schema_names_load(xdoc, xsd);
    d->manual->names = d->names;
    xmlFreeDoc(xdoc);
  }
  free(xsd);
  free(tpl);
  char *pdir = mg_path_join(d->dir, "params");
  if (mg_list_dir(pdir, ".xml", &d->store_ids) != 0)
    mg_diag(MG_ERROR, pdir, 0, 0, "cannot read the folder: %s",
            strerror(errno));
  for (size_t i = 0; i < d->store_ids.n; i++) /* "a-std.xml" -> "a-std" */
    d->store_ids.v[i][strlen(d->store_ids.v[i]) - 4] = '\0';
  free(pdir);
  if (!d->manual || !d->tpl) {
    mg_release_close(d);
    return NULL;
  }
  return d;
}

int mg_release_has_store(const mg_release_data *d, const char *id) {
  for (size_t i = 0; i < d->store_ids.n; i++)
    if (!strcmp(d->store_ids.v[i], id))
      return 1;
  return 0;
}

xmlDocPtr mg_release_params(const mg_release_data *d, const char *id) {
  if (!mg_is_id(id) || !mg_release_has_store(d, id)) {
    mg_diag(MG_ERROR, d->dir, 0, 0, "release %s has no store '%s'",
            d->rel->version, id);
    return NULL;
  }
  char *path = mg_xasprintf("%s/params/%s.xml", d->dir, id);
  xmlDocPtr doc = mg_safe_read_xml(path);
  free(path);
  return doc;
}

void mg_release_close(mg_release_data *d) {
  if (!d)
    return;
  mg_manual_free(d->manual);
  mg_templates_free(d->tpl);
  mg_schema_names_free(d->names);
  mg_strv_free(&d->store_ids);
  free(d->dir);
  free(d);
}

/* ------------------------------------------------------ the feedback */

/* Checks that the n ids are accepted items of the ledger (changes
 * nothing). Returns 0, or -1 after reporting. */
static int check_resolves(const char *content_dir, const char *templates_dir,
                          const char *const *ids, size_t n) {
  mg_ledger *l = mg_ledger_load(content_dir, templates_dir);
  int rc = l ? mg_ledger_check_resolvable(l, ids, n) : -1;
  mg_ledger_free(l);
  return rc;
}

/* Marks resolved every item a release of r resolves that its file still
 * has as accepted: after a publish, or to complete one that was
 * interrupted after its commit. */
static void finish_resolutions(const char *content_dir,
                               const char *templates_dir,
                               const mg_releases *r) {
  mg_ledger *l = NULL;
  for (size_t i = 0; r && i < r->n; i++)
    for (size_t k = 0; k < r->v[i].resolves.n; k++) {
      if (!l && !(l = mg_ledger_load(content_dir, templates_dir)))
        return;
      const mg_fb_item *it = mg_ledger_find(l, r->v[i].resolves.v[k]);
      if (it && it->status == MG_FB_ACCEPTED)
        mg_ledger_mark_resolved(l, it->id, r->v[i].version, r->v[i].date);
    }
  mg_ledger_free(l);
}

/* ----------------------------------------------------------- publish */

/* Copies the regular files below src into dst (made), adding each to the
 * manifest as PRE/REL. Returns the number of errors. */
static int copy_tree(const char *src, const char *dst, const char *pre,
                     mg_buf *manifest) {
  mg_strv names = {0};
  int errors = 0;
  if (mg_list_dir(src, "", &names) != 0 || mg_mkdirs(dst) != 0) {
    mg_diag(MG_ERROR, src, 0, 0, "cannot copy: %s", strerror(errno));
    return 1;
  }
  for (size_t i = 0; i < names.n; i++) {
    char *s = mg_path_join(src, names.v[i]), *d = mg_path_join(dst, names.v[i]);
    char *rel = mg_xasprintf("%s/%s", pre, names.v[i]);
    struct stat sb;
    if (lstat(s, &sb) == 0 && S_ISDIR(sb.st_mode)) {
      errors += copy_tree(s, d, rel, manifest);
    } else {
      size_t len;
      char *data = mg_safe_read_file(s, &len);
      if (!data || mg_write_atomic(d, data, len) != 0) {
        if (!data)
          mg_diag(MG_ERROR, s, 0, 0, "cannot read: %s", mg_read_error());
        errors++;
      } else {
        char hash[33];
        mg_hash_hex(data, len, hash);
        mg_buf_printf(manifest, "file %s %s\n", rel, hash);
      }
      free(data);
    }
    free(s);
    free(d);
    free(rel);
  }
  mg_strv_free(&names);
  return errors;
}

/* Writes dir/rel (folders made) and adds it to the manifest. */
static int put(const char *dir, const char *rel, const char *data, size_t len,
               mg_buf *manifest) {
  char *path = mg_path_join(dir, rel);
  char *parent = mg_path_dir(path);
  int rc = mg_mkdirs(parent) == 0 ? mg_write_atomic(path, data, len) : -1;
  if (rc == 0) {
    char hash[33];
    mg_hash_hex(data, len, hash);
    mg_buf_printf(manifest, "file %s %s\n", rel, hash);
  } else {
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
  }
  free(parent);
  free(path);
  return rc;
}

static char *doc_text(xmlDocPtr doc, size_t *len) {
  xmlChar *buf = NULL;
  int n = 0;
  xmlDocDumpFormatMemoryEnc(doc, &buf, &n, "UTF-8", 0);
  char *s = mg_xstrndup(buf ? (const char *)buf : "", buf ? (size_t)n : 0);
  xmlFree(buf);
  *len = buf ? (size_t)n : 0;
  return s;
}

void mg_manual_changes(const mg_manual *prev, const mg_manual *cur,
                       mg_strv *added, mg_strv *changed, mg_strv *removed) {
  for (size_t i = 0; i < cur->nsections; i++) {
    xmlChar *id = xmlGetProp(cur->sections[i], BAD_CAST "id");
    int k = prev ? mg_manual_section_index(prev, (const char *)id) : -1;
    if (k < 0) {
      mg_strv_push(added, mg_xstrdup((const char *)id));
    } else {
      char a[33], b[33];
      mg_digest *d = mg_digest_new();
      mg_digest_content(d, prev->sections[k]);
      mg_digest_finish(d, a);
      d = mg_digest_new();
      mg_digest_content(d, cur->sections[i]);
      mg_digest_finish(d, b);
      if (strcmp(a, b))
        mg_strv_push(changed, mg_xstrdup((const char *)id));
    }
    xmlFree(id);
  }
  for (size_t i = 0; prev && i < prev->nsections; i++) {
    xmlChar *id = xmlGetProp(prev->sections[i], BAD_CAST "id");
    if (mg_manual_section_index(cur, (const char *)id) < 0)
      mg_strv_push(removed, mg_xstrdup((const char *)id));
    xmlFree(id);
  }
}

static void put_ids(xmlNodePtr n, const char *name, const mg_strv *v) {
  mg_buf b = {0};
  for (size_t i = 0; i < v->n; i++)
    mg_buf_printf(&b, "%s%s", i ? " " : "", v->v[i]);
  xmlNewProp(n, BAD_CAST name, BAD_CAST(b.data ? b.data : ""));
  mg_buf_free(&b);
}

/* The register with one more release: its text. */
static char *register_text(const mg_releases *r, const mg_release *add,
                           size_t *len) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "releases");
  xmlDocSetRootElement(doc, root);
  for (size_t i = 0; i <= r->n; i++) {
    const mg_release *rel = i < r->n ? &r->v[i] : add;
    xmlAddChild(root, xmlNewText(BAD_CAST "\n  "));
    xmlNodePtr e = xmlNewChild(root, NULL, BAD_CAST "release", NULL);
    xmlNewProp(e, BAD_CAST "version", BAD_CAST rel->version);
    xmlNewProp(e, BAD_CAST "date", BAD_CAST rel->date);
    xmlNewProp(e, BAD_CAST "manifest", BAD_CAST rel->manifest);
    xmlAddChild(e, xmlNewText(BAD_CAST "\n    "));
    xmlNewTextChild(e, NULL, BAD_CAST "notes", BAD_CAST rel->notes);
    xmlAddChild(e, xmlNewText(BAD_CAST "\n    "));
    xmlNodePtr s = xmlNewChild(e, NULL, BAD_CAST "sections", NULL);
    put_ids(s, "added", &rel->added);
    put_ids(s, "changed", &rel->changed);
    put_ids(s, "removed", &rel->removed);
    xmlAddChild(e, xmlNewText(BAD_CAST "\n    "));
    mg_buf b = {0};
    for (size_t k = 0; k < rel->resolves.n; k++)
      mg_buf_printf(&b, "%s%s", k ? " " : "", rel->resolves.v[k]);
    xmlNewTextChild(e, NULL, BAD_CAST "resolves",
                    BAD_CAST(b.data ? b.data : ""));
    mg_buf_free(&b);
    xmlAddChild(e, xmlNewText(BAD_CAST "\n  "));
  }
  xmlAddChild(root, xmlNewText(BAD_CAST "\n"));
  char *text = doc_text(doc, len);
  xmlFreeDoc(doc);
  return text;
}

/* Removes what interrupted publishes left: staging folders, and release
 * folders the register does not list. */
static void remove_leftovers(const mg_releases *r) {
  DIR *d = opendir(r->dir);
  if (!d)
    return;
  mg_strv stale = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int major, minor;
    if (!strncmp(e->d_name, ".publish-", 9) ||
        (mg_version_parse(e->d_name, &major, &minor) == 0 &&
         !mg_releases_find(r, e->d_name)))
      mg_strv_push(&stale, mg_xstrdup(e->d_name));
  }
  closedir(d);
  for (size_t i = 0; i < stale.n; i++) {
    char *path = mg_path_join(r->dir, stale.v[i]);
    mg_diag(MG_WARNING, path, 0, 0,
            "removing what an interrupted publish left behind");
    mg_remove_tree(path);
    free(path);
  }
  mg_strv_free(&stale);
}

int mg_publish_release(const mg_release_opts *o) {
  int major, minor;
  if (mg_version_parse(o->version, &major, &minor) != 0) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "'%s' is not a version: write MAJOR.MINOR, such as 1.0 or 2.3",
            o->version);
    return 1;
  }
  char *rdir = mg_path_join(o->content_dir, "releases");
  if (mg_mkdirs(rdir) != 0) {
    mg_diag(MG_ERROR, rdir, 0, 0, "cannot create the folder: %s",
            strerror(errno));
    free(rdir);
    return 1;
  }
  /* the folder itself is the lock: no file of ours among the content */
  int lfd = open(rdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB) != 0) {
    mg_diag(MG_ERROR, rdir, 0, 0, "another publish is under way");
    if (lfd >= 0)
      close(lfd);
    free(rdir);
    return 1;
  }
  free(rdir);
  int rc = 1;
  mg_params *p = NULL;
  mg_tree *t = NULL;
  mg_templates *tpl = NULL;
  mg_rules *rules = NULL;
  mg_release_data *prev = NULL;
  char *stage = NULL;
  mg_release rel = {0};
  mg_buf manifest = {0};
  mg_releases *r = mg_releases_load(o->content_dir, o->templates_dir);
  if (!r)
    goto done;
  if (mg_releases_verify(r))
    goto done;
  remove_leftovers(r);
  finish_resolutions(o->content_dir, o->templates_dir, r);
  if (mg_releases_find(r, o->version)) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "release %s was published already (on %s); a release is never "
            "changed: publish a new version",
            o->version, mg_releases_find(r, o->version)->date);
    goto done;
  }
  if (r->n && mg_version_cmp(o->version, r->v[r->n - 1].version) <= 0) {
    mg_diag(MG_ERROR, NULL, 0, 0,
            "version %s is not after the latest release, %s: versions only "
            "move forward",
            o->version, r->v[r->n - 1].version);
    goto done;
  }
  /* the content: it must check clean, for every hall */
  p = mg_params_load(o->content_dir, o->templates_dir);
  mg_outline *outline = p ? mg_outline_load(o->content_dir) : NULL;
  t = outline ? mg_tree_parse(outline, o->content_dir, p->names) : NULL;
  if (!t)
    mg_outline_free(outline);
  tpl = t ? mg_templates_load(o->templates_dir, t->outline->lang) : NULL;
  if (!tpl || mg_diag_errors())
    goto refused;
  /* and pass the checks `check` makes: the domain checks, HQ's rules */
  rules = mg_rules_load(o->content_dir, o->templates_dir, p->names);
  if (!rules)
    goto refused;
  mg_duties_learn_names(t->manual, p); /* rule `named` */
  for (size_t i = 0; i < p->store_ids.n; i++) {
    const char *id = p->store_ids.v[i];
    xmlDocPtr eff = mg_params_effective(p, id);
    if (eff)
      mg_domain_check(eff, id);
    xmlNodePtr duties = NULL;
    xmlDocPtr doc = eff ? mg_resolve_duties(t->manual, eff, id, &duties) : NULL;
    if (doc)
      mg_rules_check_hall(rules, duties, eff, id);
    xmlFreeNode(duties);
    xmlFreeDoc(doc);
    mg_params_effective_free(eff);
  }
  if (mg_diag_errors())
    goto refused;
  /* the feedback it answers must be accepted items */
  if (o->nresolves && check_resolves(o->content_dir, o->templates_dir,
                                     o->resolves, o->nresolves) != 0)
    goto done;
  /* what changed since the last release */
  if (r->n) {
    prev = mg_release_open(r, &r->v[r->n - 1]);
    if (!prev)
      goto done;
  }
  rel.version = mg_xstrdup(o->version);
  rel.date = mg_xstrdup(o->date);
  rel.notes = mg_xstrdup(o->notes ? o->notes : "");
  mg_manual_changes(prev ? prev->manual : NULL, t->manual, &rel.added,
                    &rel.changed, &rel.removed);
  for (size_t i = 0; i < o->nresolves; i++)
    mg_strv_push(&rel.resolves, mg_xstrdup(o->resolves[i]));
  /* the release, staged */
  stage =
      mg_xasprintf("%s/.publish-%s-%ld", r->dir, o->version, (long)getpid());
  mg_remove_tree(stage);
  size_t len;
  char *text = mg_manual_serialize(t->manual, &len);
  int werr = put(stage, "compiled.xml", text, len, &manifest);
  free(text);
  for (size_t i = 0; i < p->store_ids.n && !werr; i++) {
    xmlDocPtr eff = mg_params_effective(p, p->store_ids.v[i]);
    text = doc_text(eff, &len);
    char *name = mg_xasprintf("params/%s.xml", p->store_ids.v[i]);
    werr = put(stage, name, text, len, &manifest);
    free(name);
    free(text);
    mg_params_effective_free(eff);
  }
  if (!werr) {
    char *tdir = mg_path_join(stage, "templates");
    werr = copy_tree(o->templates_dir, tdir, "templates", &manifest);
    free(tdir);
  }
  if (werr)
    goto done;
  char *mpath = mg_path_join(stage, MANIFEST);
  werr = mg_write_atomic(mpath, manifest.data, manifest.len);
  free(mpath);
  char hash[33];
  mg_hash_hex(manifest.data, manifest.len, hash);
  rel.manifest = mg_xstrdup(hash);
  /* in place, then entered in the register: the commit */
  char *final = mg_path_join(r->dir, o->version);
  if (!werr && renameat2(AT_FDCWD, stage, AT_FDCWD, final, RENAME_NOREPLACE)) {
    mg_diag(MG_ERROR, final, 0, 0, "cannot publish: %s", strerror(errno));
    werr = 1;
  }
  free(final);
  if (werr)
    goto done;
  text = register_text(r, &rel, &len);
  char *reg = mg_path_join(r->dir, REGISTER);
  werr = mg_write_atomic(reg, text, len);
  free(reg);
  free(text);
  if (werr)
    goto done;
  free(stage);
  stage = NULL; /* it is the release now */
  /* after the commit: a failure here is completed by the next publish */
  mg_releases *after = mg_releases_load(o->content_dir, o->templates_dir);
  if (after)
    finish_resolutions(o->content_dir, o->templates_dir, after);
  mg_releases_free(after);
  mg_buf ids = {0};
  for (size_t i = 0; i < rel.resolves.n; i++)
    mg_buf_printf(&ids, "%s%s", i ? ", " : "; resolves ", rel.resolves.v[i]);
  fprintf(stderr,
          "published %s (%s): %zu sections, %zu stores; since %s: %zu "
          "changed, %zu added, %zu removed%s\n",
          rel.version, rel.date, t->manual->nsections, p->store_ids.n,
          r->n ? r->v[r->n - 1].version : "nothing", rel.changed.n, rel.added.n,
          rel.removed.n, ids.data ? ids.data : "");
  mg_buf_free(&ids);
  rc = mg_diag_errors() ? 1 : 0;
  goto done;
refused:
  mg_diag(MG_ERROR, NULL, 0, 0,
          "the content has errors: release %s was not published", o->version);
done:
  if (stage)
    mg_remove_tree(stage);
  free(stage);
  mg_buf_free(&manifest);
  release_clear(&rel);
  mg_release_close(prev);
  mg_templates_free(tpl);
  mg_rules_free(rules);
  mg_tree_free(t);
  mg_params_free(p);
  mg_releases_free(r);
  close(lfd); /* releases the lock */
  return rc;
}
