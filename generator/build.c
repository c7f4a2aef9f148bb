/* build.c -- the run: load and parse once, then every store in parallel.
 *
 *   1. params, outline, sections, templates: loaded, parsed and compiled
 *      once, in the main thread;
 *   2. each store, on a pool of threads: effective parameters, resolve,
 *      transform, stage the pages (docs/design.md);
 *   3. the edition's store index;
 *   4. if no store reported an error, every staged file is renamed into
 *      place; otherwise nothing is.
 *
 * `check` runs 1 and 2 without transforming or writing. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "manualgen.h"

void mg_edition_init(mg_edition *ed, const char *name) {
  ed->name = name;
  time_t t = time(NULL);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (!*end && v >= 0)
      t = (time_t)v;
  }
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(ed->date, sizeof ed->date, "%Y-%m-%d", &tm);
}

typedef struct {
  char *id;
  mg_identity ident; /* for the edition's index */
  int ok;
  int up_to_date; /* its inputs had not changed: nothing was redone */
  size_t pages;
  mg_strv files; /* every file of its folder this build produced */
} store_result;

typedef struct {
  const mg_build_opts *o;
  mg_params *params;
  mg_tree *tree;
  mg_templates *tpl;
  mg_edition ed;
  mg_stage *stage;
  const char **ids;
  size_t nids;
  store_result *results;
  atomic_size_t next;
  pthread_mutex_t progress_lock;
  char *out_root; /* out/draft */
} run;

/* "[k/N] store" on one terminal line, rewritten as stores start. */
static void progress(run *r, size_t i) {
  if (!r->o->progress)
    return;
  pthread_mutex_lock(&r->progress_lock);
  fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, r->nids, r->ids[i]);
  fflush(stderr);
  pthread_mutex_unlock(&r->progress_lock);
}

/* Each store folder records what its pages were built from: */
#define MANIFEST ".manualgen-build"
#define MANIFEST_HEAD "manualgen-build 1\n"

static int page_name(const char *n) {
  if (!*n || n[0] == '.')
    return 0;
  for (const char *p = n; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
          *p == '.' || *p == '_'))
      return 0;
  return 1;
}

/* True when dir's manifest records `digest` and every file it lists is
 * there; then res lists those files, as if it had built them. */
static int up_to_date(const char *dir, const char *digest, store_result *res) {
  char *path = mg_path_join(dir, MANIFEST);
  char *text = mg_read_file(path, NULL);
  free(path);
  if (!text)
    return 0;
  mg_strv files = {0};
  size_t pages = 0;
  char *want = mg_xasprintf(MANIFEST_HEAD "digest %s\n", digest);
  int ok = !strncmp(text, want, strlen(want));
  for (char *line = text + strlen(want), *nl; ok && *line; line = nl + 1) {
    nl = strchr(line, '\n');
    if (!nl)
      break;
    *nl = '\0';
    ok = !strncmp(line, "file ", 5) && page_name(line + 5);
    if (!ok)
      break;
    char *f = mg_path_join(dir, line + 5);
    ok = access(f, R_OK) == 0;
    free(f);
    size_t l = strlen(line);
    pages += l > 5 && !strcmp(line + l - 5, ".html");
    mg_strv_push(&files, mg_xstrdup(line + 5));
  }
  free(want);
  free(text);
  if (!ok || !files.n) {
    mg_strv_free(&files);
    return 0;
  }
  mg_strv_push(&files, mg_xstrdup(MANIFEST));
  res->files = files;
  res->pages = pages;
  return 1;
}

static void one_store(run *r, size_t i) {
  const char *id = r->ids[i];
  store_result *res = &r->results[i];
  res->id = mg_xstrdup(id);
  xmlDocPtr eff = mg_params_effective(r->params, id);
  if (!eff)
    return;
  mg_params_identity(eff, &res->ident);
  xmlDocPtr doc = mg_resolve(r->tree, eff, id, &r->ed,
                             xmlDocGetRootElement(r->tpl->l10n_doc));
  mg_params_effective_free(eff);
  if (!doc)
    return;
  if (r->o->dump_resolved) {
    /* `resolve`: what the stylesheets receive, for template authors */
    fflush(stdout); /* exact: no indentation added inside paragraphs */
    xmlSaveFormatFileEnc("-", doc, "UTF-8", 0);
    res->ok = 1;
    xmlFreeDoc(doc);
    return;
  }
  if (!r->o->write) {
    res->ok = 1;
    xmlFreeDoc(doc);
    return;
  }
  char digest[33] = "";
  if (!r->o->single_store) {
    /* the pages are a function of these two: unchanged, nothing to do */
    mg_digest *d = mg_digest_new();
    mg_digest_update(d, r->tpl->digest, 32);
    mg_digest_doc(d, doc);
    mg_digest_finish(d, digest);
    char *dir = mg_xasprintf("%s/stores/%s", r->out_root, id);
    int fresh = up_to_date(dir, digest, res);
    free(dir);
    if (fresh) {
      res->ok = res->up_to_date = 1;
      xmlFreeDoc(doc);
      return;
    }
  }
  mg_pages pages = {0};
  char *what = mg_xasprintf("store '%s'", id);
  const char *hparams[] = {"css", r->tpl->css, NULL};
  int rc = 0;
  if (r->o->single_store) {
    rc = mg_transform(r->tpl->handbook, doc, hparams, &pages, what);
  } else {
    rc = mg_transform(r->tpl->site, doc, NULL, &pages, what);
    if (!rc)
      rc = mg_transform(r->tpl->handbook, doc, hparams, &pages, what);
  }
  free(what);
  xmlFreeDoc(doc);
  if (!rc && r->o->single_store) {
    /* `handbook`: the one page, to a file or stdout */
    const mg_page *pg = &pages.v[0];
    if (r->o->single_out) {
      rc = mg_stage_file(r->stage, r->o->single_out, pg->data, pg->len);
    } else {
      fwrite(pg->data, 1, pg->len, stdout);
    }
    res->pages = 1;
  } else if (!rc) {
    char *dir = mg_xasprintf("%s/stores/%s", r->out_root, id);
    for (size_t k = 0; k < pages.n && !rc; k++) {
      char *path = mg_path_join(dir, pages.v[k].href);
      rc = mg_stage_file(r->stage, path, pages.v[k].data, pages.v[k].len);
      mg_strv_push(&res->files, mg_xstrdup(pages.v[k].href));
      free(path);
    }
    mg_strv_push(&res->files, mg_xstrdup("manual.css"));
    char *css = mg_path_join(dir, "manual.css");
    if (!rc)
      rc = mg_stage_file(r->stage, css, r->tpl->css, strlen(r->tpl->css));
    free(css);
    mg_strv_push(&res->files, mg_xstrdup(MANIFEST));
    if (!rc) {
      mg_buf m = {0};
      mg_buf_printf(&m, MANIFEST_HEAD "digest %s\n", digest);
      for (size_t k = 0; k < res->files.n; k++)
        if (strcmp(res->files.v[k], MANIFEST))
          mg_buf_printf(&m, "file %s\n", res->files.v[k]);
      char *mpath = mg_path_join(dir, MANIFEST);
      rc = mg_stage_file(r->stage, mpath, m.data, m.len);
      free(mpath);
      mg_buf_free(&m);
    }
    free(dir);
    res->pages = pages.n;
  }
  mg_pages_free(&pages);
  res->ok = rc == 0;
}

/* Generated files only: what a build writes into a store's folder. */
static int generated_name(const char *n) {
  size_t l = strlen(n);
  return !strcmp(n, MANIFEST) || (l > 5 && !strcmp(n + l - 5, ".html")) ||
         (l > 4 && !strcmp(n + l - 4, ".css"));
}

/* After a successful build: a chapter a store no longer has, or a store
 * that no longer exists, must not leave its old pages behind (a store
 * that syncs its folder would keep reading them). Only generated files
 * are removed, and only folders named like store ids. */
static void prune(run *r) {
  for (size_t i = 0; i < r->nids; i++) {
    store_result *res = &r->results[i];
    if (!res->ok)
      continue;
    char *dir = mg_xasprintf("%s/stores/%s", r->out_root, res->id);
    mg_strv names = {0};
    mg_list_dir(dir, "", &names);
    for (size_t k = 0; k < names.n; k++) {
      int keep = !generated_name(names.v[k]);
      for (size_t j = 0; j < res->files.n && !keep; j++)
        keep = !strcmp(res->files.v[j], names.v[k]);
      if (!keep) {
        char *f = mg_path_join(dir, names.v[k]);
        unlink(f);
        free(f);
      }
    }
    mg_strv_free(&names);
    free(dir);
  }
  if (r->o->nstores)
    return; /* a partial build says nothing about the other stores */
  char *sdir = mg_path_join(r->out_root, "stores");
  mg_strv dirs = {0};
  mg_list_dir(sdir, "", &dirs);
  for (size_t k = 0; k < dirs.n; k++) {
    int known = !mg_is_id(dirs.v[k]);
    for (size_t j = 0; j < r->nids && !known; j++)
      known = !strcmp(r->ids[j], dirs.v[k]);
    if (known)
      continue;
    char *dir = mg_path_join(sdir, dirs.v[k]);
    mg_strv names = {0};
    mg_list_dir(dir, "", &names);
    for (size_t j = 0; j < names.n; j++) {
      if (!generated_name(names.v[j]))
        continue;
      char *f = mg_path_join(dir, names.v[j]);
      unlink(f);
      free(f);
    }
    char *manifest = mg_path_join(dir, MANIFEST); /* a dot-file: unlisted */
    unlink(manifest);
    free(manifest);
    rmdir(dir); /* only when nothing else was in it */
    mg_strv_free(&names);
    free(dir);
  }
  mg_strv_free(&dirs);
  free(sdir);
}

/* Ctrl-C or a TERM: the workers finish the store in hand, then the whole
 * build is abandoned and its staged files removed. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

static void *worker(void *arg) {
  run *r = arg;
  mg_diag_install_xml_handlers();
  for (;;) {
    if (interrupted)
      break;
    size_t i = atomic_fetch_add(&r->next, 1);
    if (i >= r->nids)
      break;
    progress(r, i);
    one_store(r, i);
  }
  return NULL;
}

static int ncpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* The edition's front page: every store, its city and type. */
static int build_index(run *r, size_t *pages) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "stores");
  xmlNsPtr m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, m);
  xmlDocSetRootElement(doc, root);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST r->tree->outline->lang);
  xmlNewTextChild(root, m, BAD_CAST "title", BAD_CAST r->tree->outline->title);
  xmlNewTextChild(root, m, BAD_CAST "organisation",
                  BAD_CAST r->tree->outline->organisation);
  xmlNodePtr ed = xmlNewChild(root, m, BAD_CAST "edition", NULL);
  xmlNewProp(ed, BAD_CAST "name", BAD_CAST r->ed.name);
  xmlNewProp(ed, BAD_CAST "date", BAD_CAST r->ed.date);
  xmlAddChild(root,
              xmlDocCopyNode(xmlDocGetRootElement(r->tpl->l10n_doc), doc, 1));
  /* every store of the content, not only those built this time */
  for (size_t i = 0; i < r->params->store_ids.n; i++) {
    const char *id = r->params->store_ids.v[i];
    const mg_identity *ident = NULL;
    mg_identity tmp = {0};
    for (size_t k = 0; k < r->nids && !ident; k++)
      if (!strcmp(r->results[k].id, id))
        ident = &r->results[k].ident;
    if (!ident) {
      xmlDocPtr eff = mg_params_effective(r->params, id);
      if (!eff)
        continue;
      mg_params_identity(eff, &tmp);
      mg_params_effective_free(eff);
      ident = &tmp;
    }
    mg_identity_set_props(ident, xmlNewChild(root, m, BAD_CAST "store", NULL));
    mg_identity_free(&tmp);
  }
  mg_pages pg = {0};
  int rc = mg_transform(r->tpl->index, doc, NULL, &pg, "the store index");
  for (size_t k = 0; k < pg.n && !rc; k++) {
    char *path = mg_path_join(r->out_root, pg.v[k].href);
    rc = mg_stage_file(r->stage, path, pg.v[k].data, pg.v[k].len);
    free(path);
  }
  if (!rc) {
    char *css = mg_path_join(r->out_root, "manual.css");
    rc = mg_stage_file(r->stage, css, r->tpl->css, strlen(r->tpl->css));
    free(css);
  }
  *pages += pg.n;
  mg_pages_free(&pg);
  xmlFreeDoc(doc);
  return rc;
}

int mg_build(const mg_build_opts *o) {
  double t0 = mg_now();
  run r = {0};
  r.o = o;
  pthread_mutex_init(&r.progress_lock, NULL);
  mg_edition_init(&r.ed, "draft");
  r.params = mg_params_load(o->content_dir, o->templates_dir);
  mg_outline *outline = mg_outline_load(o->content_dir);
  if (r.params && outline)
    r.tree = mg_tree_parse(outline, o->content_dir, r.params->names);
  else
    mg_outline_free(outline);
  mg_outline_warn_unlisted(r.tree ? r.tree->outline : NULL, o->content_dir);
  if (r.tree)
    r.tpl = mg_templates_load(o->templates_dir, r.tree->outline->lang);
  int rc = 1;
  if (!r.params || !r.tree || !r.tpl)
    goto done;

  /* which stores */
  if (o->single_store) {
    r.ids = mg_xcalloc(1, sizeof *r.ids);
    r.ids[r.nids++] = o->single_store;
  } else if (o->nstores) {
    r.ids = mg_xcalloc(o->nstores, sizeof *r.ids);
    for (size_t i = 0; i < o->nstores; i++)
      r.ids[r.nids++] = o->stores[i];
  } else {
    r.ids = mg_xcalloc(r.params->store_ids.n, sizeof *r.ids);
    for (size_t i = 0; i < r.params->store_ids.n; i++)
      r.ids[r.nids++] = r.params->store_ids.v[i];
  }
  if (!r.nids && !o->single_store)
    mg_diag(MG_WARNING, o->content_dir, 0, 0, "no stores in %s/stores",
            o->content_dir);
  r.results = mg_xcalloc(r.nids ? r.nids : 1, sizeof *r.results);
  r.stage = mg_stage_new();
  r.out_root = mg_path_join(o->out_dir ? o->out_dir : "output", "draft");

  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  int jobs = o->jobs > 0 ? o->jobs : ncpus();
  if ((size_t)jobs > r.nids)
    jobs = (int)(r.nids ? r.nids : 1);
  pthread_t *th = mg_xcalloc((size_t)jobs, sizeof *th);
  int started = 0;
  if (jobs > 1)
    for (int i = 0; i < jobs; i++)
      if (pthread_create(&th[i], NULL, worker, &r) == 0)
        started++;
  if (!started)
    worker(&r);
  for (int i = 0; i < started; i++)
    pthread_join(th[i], NULL);
  free(th);
  if (o->progress)
    fputs("\r\033[K", stderr);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (interrupted) {
    mg_stage_abort(r.stage);
    mg_diag_flush(stderr);
    fprintf(stderr, "interrupted; nothing was written\n");
    rc = 128 + interrupted;
    goto cleanup;
  }

  size_t pages = 0, built = 0, fresh = 0;
  for (size_t i = 0; i < r.nids; i++) {
    pages += r.results[i].pages;
    built += r.results[i].ok;
    fresh += r.results[i].up_to_date;
  }
  if (o->write && !o->single_store && !mg_diag_errors())
    build_index(&r, &pages);
  if (mg_diag_errors()) {
    mg_stage_abort(r.stage);
  } else {
    mg_stage_commit(r.stage);
    if (o->write && !o->single_store)
      prune(&r);
  }
  rc = mg_diag_errors() ? 1 : 0;
  mg_diag_flush(stderr);
  int warnings = mg_diag_printed_warnings(), errors = mg_diag_printed_errors();
  double secs = mg_now() - t0;
  if (o->single_store) {
    if (rc == 0 && o->single_out)
      fprintf(stderr, "wrote %s\n", o->single_out);
  } else if (!o->write) {
    fprintf(stderr, "checked %zu store%s: %d error%s, %d warning%s (%.2f s)\n",
            r.nids, r.nids == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s", secs);
  } else if (rc == 0) {
    char uptodate[48] = "";
    if (fresh)
      snprintf(uptodate, sizeof uptodate, " (%zu up to date)", fresh);
    fprintf(stderr,
            "built %zu handbook%s%s, %zu pages, %d warning%s in %.2f s "
            "-> %s/index.html\n",
            built, built == 1 ? "" : "s", uptodate, pages, warnings,
            warnings == 1 ? "" : "s", secs, r.out_root);
  } else {
    fprintf(stderr,
            "build failed: %d error%s, %d warning%s; nothing was "
            "written (%.2f s)\n",
            errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
            secs);
  }
  goto cleanup;
done:
  mg_diag_flush(stderr);
  fprintf(stderr, "%s failed: %d error%s; nothing was written\n",
          o->write ? "build" : "check", mg_diag_printed_errors(),
          mg_diag_printed_errors() == 1 ? "" : "s");
cleanup:
  for (size_t i = 0; i < r.nids; i++) {
    free(r.results[i].id);
    mg_identity_free(&r.results[i].ident);
    mg_strv_free(&r.results[i].files);
  }
  free(r.results);
  free(r.ids);
  free(r.out_root);
  mg_stage_free(r.stage);
  mg_templates_free(r.tpl);
  mg_tree_free(r.tree);
  mg_params_free(r.params);
  pthread_mutex_destroy(&r.progress_lock);
  return rc;
}
