/* build.c -- the run: load and parse once, then every hall in parallel.
 *
 *   1. load: parameters, outline, sections and templates are read,
 *      parsed and compiled once, in the main thread;
 *   2. halls: a pool of worker threads takes the halls one by one
 *      (effective parameters, resolve, and what the command does with
 *      the result) while the main thread watches for signals;
 *   3. finish: `build` adds the edition's index and publishes the whole
 *      edition in one step (publish.c) if no hall reported an error;
 *      `handbook` and `resolve` write their one result.
 *
 * Each command is its own hall function over the shared stages:
 * check_hall, build_hall and one_hall (handbook, resolve).
 *
 * Signals. SIGINT, SIGTERM and SIGHUP are blocked in every thread while
 * halls are processed and read by the main thread from a signalfd: the
 * workers stop taking halls, the staging folder is removed and the
 * published edition stays as it was. A worker that does not return
 * within a second (a read that blocks) does not hold the run: the main
 * thread cleans up and exits, so a signal always ends a build quickly. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

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
  mg_buf out; /* `handbook`, `resolve`: the one result */
} hall_result;

typedef struct run run;
typedef void (*hall_fn)(run *r, size_t i);

struct run {
  const mg_build_opts *o;
  mg_params *params;
  mg_tree *tree;
  mg_templates *tpl;
  mg_edition ed;
  mg_publish *pub; /* `build` only */
  const char **ids;
  size_t nids;
  hall_result *results;
  hall_fn hall;
  atomic_size_t next;
  atomic_int interrupted; /* the signal that stops the run, or 0 */
  int donefd;             /* an eventfd: +1 as each worker ends */
  pthread_mutex_t progress_lock;
  size_t index_pages;
};

/* "[k/N] hall" on one terminal line, rewritten as halls start. */
static void progress(run *r, size_t i) {
  if (!r->o->progress)
    return;
  pthread_mutex_lock(&r->progress_lock);
  fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, r->nids, r->ids[i]);
  fflush(stderr);
  pthread_mutex_unlock(&r->progress_lock);
}

/* ------------------------------------------------------- one hall */

/* The hall's resolved manual (NULL after reporting errors); fills in its
 * identity for the index. */
static xmlDocPtr resolve_hall(run *r, size_t i) {
  const char *id = r->ids[i];
  hall_result *res = &r->results[i];
  res->id = mg_xstrdup(id);
  xmlDocPtr eff = mg_params_effective(r->params, id);
  if (!eff)
    return NULL;
  mg_params_identity(eff, &res->ident);
  xmlDocPtr doc = mg_resolve(r->tree->manual, eff, id);
  mg_params_effective_free(eff);
  return doc;
}

static void check_hall(run *r, size_t i) {
  xmlDocPtr doc = resolve_hall(r, i);
  r->results[i].ok = doc != NULL;
  xmlFreeDoc(doc);
}

/* What every hall of the edition shares: its name and date, the UI
 * strings. */
static void decorate(run *r, xmlDocPtr doc) {
  mg_resolved_decorate(doc, &r->ed, xmlDocGetRootElement(r->tpl->l10n_doc));
}

static int save_cb(void *ctx, const char *buf, int len) {
  mg_buf_put(ctx, buf, (size_t)len);
  return len;
}

static int close_cb(void *ctx) {
  (void)ctx;
  return 0;
}

/* `handbook` (the single page) and `resolve` (what the stylesheets
 * receive, exactly: no indentation added inside paragraphs). */
static void one_hall(run *r, size_t i) {
  hall_result *res = &r->results[i];
  xmlDocPtr doc = resolve_hall(r, i);
  if (!doc)
    return;
  decorate(r, doc);
  if (r->o->cmd == MG_RESOLVE) {
    xmlSaveCtxtPtr s = xmlSaveToIO(save_cb, close_cb, &res->out, "UTF-8", 0);
    xmlSaveDoc(s, doc);
    xmlSaveClose(s);
    res->ok = 1;
  } else {
    mg_pages pages = {0};
    char *what = mg_xasprintf("store '%s'", res->id);
    const char *hparams[] = {"css", r->tpl->css, NULL};
    if (mg_transform(r->tpl->handbook, doc, hparams, &pages, what) == 0 &&
        pages.n) {
      mg_buf_put(&res->out, pages.v[0].data, pages.v[0].len);
      res->pages = 1;
      res->ok = 1;
    }
    free(what);
    mg_pages_free(&pages);
  }
  xmlFreeDoc(doc);
}

#define MANIFEST ".manualgen-build"

/* The hall's files are carried into the new edition unchanged when its
 * manifest records `digest` and every file it lists is there with the
 * recorded size and bytes. Returns 1 when they were, 0 when the hall must
 * be built (nothing was carried), -1 on an error (reported). */
static int keep_if_fresh(run *r, size_t i, const char *digest) {
  hall_result *res = &r->results[i];
  char *dir = mg_xasprintf("stores/%s", res->id);
  char *mpath = mg_xasprintf("%s/" MANIFEST, dir);
  size_t len;
  char *text = mg_publish_read_old(r->pub, mpath, &len);
  mg_manifest m = {0};
  int fresh = text && mg_manifest_parse(text, len, &m) == 0 &&
              !strcmp(m.digest, digest);
  free(text);
  if (!fresh) {
    mg_manifest_free(&m);
    free(dir);
    free(mpath);
    return 0;
  }
  int *fds = mg_xcalloc(m.n + 1, sizeof *fds);
  size_t nfd = 0, pages = 0;
  for (size_t k = 0; k < m.n && fresh; k++) {
    char *rel = mg_xasprintf("%s/%s", dir, m.files[k].name);
    int fd = mg_publish_open_old(r->pub, rel);
    free(rel);
    size_t n = 0;
    char *bytes = NULL;
    if (fd >= 0) {
      bytes = mg_read_fd(fd, &n);
      fds[nfd++] = fd;
    }
    char hash[33] = "";
    if (bytes)
      mg_hash_hex(bytes, n, hash);
    fresh = bytes && n == m.files[k].size && !strcmp(hash, m.files[k].hash);
    free(bytes);
    size_t l = strlen(m.files[k].name);
    pages += l > 5 && !strcmp(m.files[k].name + l - 5, ".html");
  }
  int rc = 0;
  int mfd = fresh ? mg_publish_open_old(r->pub, mpath) : -1;
  if (mfd >= 0) {
    rc = 1;
    for (size_t k = 0; k <= m.n && rc == 1; k++) {
      char *rel = k < m.n ? mg_xasprintf("%s/%s", dir, m.files[k].name)
                          : mg_xstrdup(mpath);
      if (mg_publish_link(r->pub, rel, k < m.n ? fds[k] : mfd) != 0) {
        mg_diag(MG_ERROR, rel, 0, 0, "cannot carry into the new edition: %s",
                strerror(errno));
        rc = -1;
      }
      free(rel);
    }
    close(mfd);
    res->pages = pages;
  }
  for (size_t k = 0; k < nfd; k++)
    close(fds[k]);
  free(fds);
  mg_manifest_free(&m);
  free(dir);
  free(mpath);
  return rc;
}

static void build_hall(run *r, size_t i) {
  hall_result *res = &r->results[i];
  xmlDocPtr doc = resolve_hall(r, i);
  if (!doc)
    return;
  /* the pages are a function of the hall's content, the edition and the
   * templates (the UI strings among them): unchanged, nothing to do */
  mg_manifest m = {0};
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, r->tpl->digest, 32);
  mg_digest_update(d, r->ed.name, strlen(r->ed.name) + 1);
  mg_digest_update(d, r->ed.date, strlen(r->ed.date) + 1);
  mg_digest_doc(d, doc);
  mg_digest_finish(d, m.digest);
  int fresh = keep_if_fresh(r, i, m.digest);
  if (fresh != 0) {
    res->ok = res->up_to_date = fresh == 1;
    xmlFreeDoc(doc);
    return;
  }
  decorate(r, doc);
  mg_pages pages = {0};
  char *what = mg_xasprintf("store '%s'", res->id);
  const char *hparams[] = {"css", r->tpl->css, NULL};
  int rc = mg_transform(r->tpl->site, doc, NULL, &pages, what);
  if (!rc)
    rc = mg_transform(r->tpl->handbook, doc, hparams, &pages, what);
  free(what);
  xmlFreeDoc(doc);
  for (size_t k = 0; k < pages.n && !rc; k++) {
    const mg_page *pg = &pages.v[k];
    if (!mg_manifest_name_ok(pg->href, strlen(pg->href))) {
      mg_diag(MG_ERROR, "templates", 0, 0, "bad page name '%s' for a hall",
              pg->href);
      rc = -1;
      break;
    }
    char *rel = mg_xasprintf("stores/%s/%s", res->id, pg->href);
    rc = mg_publish_file(r->pub, rel, pg->data, pg->len);
    mg_manifest_add(&m, pg->href, pg->data, pg->len);
    free(rel);
  }
  if (!rc) {
    char *rel = mg_xasprintf("stores/%s/manual.css", res->id);
    size_t csslen = strlen(r->tpl->css);
    rc = mg_publish_file(r->pub, rel, r->tpl->css, csslen);
    mg_manifest_add(&m, "manual.css", r->tpl->css, csslen);
    free(rel);
  }
  if (!rc) {
    size_t len;
    char *text = mg_manifest_format(&m, &len);
    char *rel = mg_xasprintf("stores/%s/" MANIFEST, res->id);
    rc = mg_publish_file(r->pub, rel, text, len);
    free(rel);
    free(text);
  }
  res->pages = pages.n;
  mg_pages_free(&pages);
  mg_manifest_free(&m);
  res->ok = rc == 0;
}

/* ------------------------------------------------ workers, signals */

static void *worker(void *arg) {
  run *r = arg;
  mg_diag_install_xml_handlers();
  while (!atomic_load(&r->interrupted)) {
    size_t i = atomic_fetch_add(&r->next, 1);
    if (i >= r->nids)
      break;
    progress(r, i);
    r->hall(r, i);
  }
  uint64_t one = 1;
  ssize_t w = write(r->donefd, &one, sizeof one);
  (void)w; /* an eventfd write of 1 cannot fail */
  return NULL;
}

static int ncpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void stop_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGHUP);
}

/* The signal pending for the process, taken, or 0. */
static int pending_signal(void) {
  sigset_t set;
  stop_signals(&set);
  struct timespec zero = {0, 0};
  int sig = sigtimedwait(&set, NULL, &zero);
  return sig > 0 ? sig : 0;
}

/* Runs r->hall for every hall on `jobs` threads, the main thread
 * watching for signals (which the caller has blocked). Returns 0 when
 * every hall was done; otherwise the signal that stopped the run, with
 * *stuck set when a worker did not return within a second of it. */
static int run_halls(run *r, int jobs, int *stuck) {
  sigset_t set;
  stop_signals(&set);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  r->donefd = eventfd(0, EFD_CLOEXEC);
  *stuck = 0;
  if (sfd < 0 || r->donefd < 0) {
    fprintf(stderr, "manualgen: cannot watch for signals: %s\n",
            strerror(errno));
    abort();
  }
  pthread_t *th = mg_xcalloc((size_t)jobs, sizeof *th);
  int started = 0;
  for (int i = 0; i < jobs; i++)
    if (pthread_create(&th[i], NULL, worker, r) == 0)
      started++;
  if (!started) {
    fprintf(stderr, "manualgen: cannot start a thread\n");
    abort();
  }
  int sig = 0, finished = 0;
  double deadline = 0;
  while (finished < started) {
    struct pollfd pf[2] = {{sfd, POLLIN, 0}, {r->donefd, POLLIN, 0}};
    int timeout = -1;
    if (sig) {
      double left = deadline - mg_now();
      if (left <= 0)
        break;
      timeout = (int)(left * 1000) + 1;
    }
    if (poll(pf, 2, timeout) < 0 && errno != EINTR)
      break;
    if (pf[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (sig) /* a second Ctrl-C: stop waiting */
          break;
        sig = (int)si.ssi_signo;
        atomic_store(&r->interrupted, sig);
        deadline = mg_now() + 1.0;
      }
    }
    if (pf[1].revents & POLLIN) {
      uint64_t n;
      if (read(r->donefd, &n, sizeof n) == (ssize_t)sizeof n)
        finished += (int)n;
    }
  }
  if (finished == started) {
    for (int i = 0; i < started; i++)
      pthread_join(th[i], NULL);
  } else {
    *stuck = 1;
  }
  free(th);
  close(sfd);
  if (!*stuck)
    close(r->donefd);
  return sig;
}

/* -------------------------------------------------------- finishing */

/* The edition's front page: every hall, its city and type. */
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
  /* every hall of the content, not only those built this time */
  for (size_t i = 0; i < r->params->store_ids.n; i++) {
    const char *id = r->params->store_ids.v[i];
    const mg_identity *ident = NULL;
    mg_identity tmp = {0};
    if (!r->o->nstores) /* every hall was done, in this order */
      ident = &r->results[i].ident;
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
  for (size_t k = 0; k < pg.n && !rc; k++)
    rc = mg_publish_file(r->pub, pg.v[k].href, pg.v[k].data, pg.v[k].len);
  if (!rc)
    rc =
        mg_publish_file(r->pub, "manual.css", r->tpl->css, strlen(r->tpl->css));
  *pages += pg.n;
  mg_pages_free(&pg);
  xmlFreeDoc(doc);
  return rc;
}

/* A build limited to some halls (--store) rewrites the edition's own
 * files and those halls' folders; it keeps every other hall as it is. */
static int managed(const char *rel, void *ctx) {
  run *r = ctx;
  if (!strchr(rel, '/'))
    return 1;
  if (strncmp(rel, "stores/", 7))
    return 0;
  const char *id = rel + 7, *end = strchr(id, '/');
  if (!end)
    return 0;
  for (size_t i = 0; i < r->nids; i++)
    if (strlen(r->ids[i]) == (size_t)(end - id) &&
        !strncmp(r->ids[i], id, (size_t)(end - id)))
      return 1;
  return 0;
}

static void summary(run *r, int rc, double secs) {
  const mg_build_opts *o = r->o;
  int warnings = mg_diag_printed_warnings(), errors = mg_diag_printed_errors();
  size_t pages = 0, built = 0, fresh = 0;
  for (size_t i = 0; i < r->nids; i++) {
    pages += r->results[i].pages;
    built += r->results[i].ok;
    fresh += r->results[i].up_to_date;
  }
  if (o->cmd == MG_CHECK) {
    fprintf(stderr, "checked %zu store%s: %d error%s, %d warning%s (%.2f s)\n",
            r->nids, r->nids == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s", secs);
  } else if (o->cmd != MG_BUILD) {
    if (rc == 0 && o->output && strcmp(o->output, "-"))
      fprintf(stderr, "wrote %s\n", o->output);
  } else if (rc == 0) {
    char uptodate[48] = "";
    if (fresh)
      snprintf(uptodate, sizeof uptodate, " (%zu up to date)", fresh);
    fprintf(stderr,
            "built %zu handbook%s%s, %zu pages, %d warning%s in %.2f s "
            "-> %s/draft/index.html\n",
            built, built == 1 ? "" : "s", uptodate, pages + r->index_pages,
            warnings, warnings == 1 ? "" : "s", secs, o->out_dir);
  } else {
    fprintf(stderr,
            "build failed: %d error%s, %d warning%s; nothing was "
            "written (%.2f s)\n",
            errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
            secs);
  }
}

/* Writes the one result of `handbook` or `resolve` to the output file or
 * standard output. Returns 0, or 1 after reporting. */
static int write_result(run *r) {
  const mg_buf *out = &r->results[0].out;
  const char *dest = r->o->output;
  if (dest && strcmp(dest, "-"))
    return mg_write_atomic(dest, out->data ? out->data : "", out->len) ? 1 : 0;
  /* a failure is reported by main, which checks standard output */
  return mg_write_stdout(out->data, out->len) ? 1 : 0;
}

/* Loads everything that is the same for every hall. Returns 0, or -1
 * after reporting. */
static int load(run *r) {
  const mg_build_opts *o = r->o;
  r->params = mg_params_load(o->content_dir, o->templates_dir);
  mg_outline *outline = mg_outline_load(o->content_dir);
  if (r->params && outline)
    r->tree = mg_tree_parse(outline, o->content_dir, r->params->names);
  else
    mg_outline_free(outline);
  if (o->cmd == MG_CHECK || o->cmd == MG_BUILD)
    mg_outline_warn_unlisted(r->tree ? r->tree->outline : NULL, o->content_dir);
  if (r->tree)
    r->tpl = mg_templates_load(o->templates_dir, r->tree->outline->lang);
  return r->params && r->tree && r->tpl ? 0 : -1;
}

/* The halls of this run: those named, or every hall. */
static void select_halls(run *r) {
  const mg_build_opts *o = r->o;
  const mg_strv *all = &r->params->store_ids;
  size_t n = o->nstores ? o->nstores : all->n;
  r->ids = mg_xcalloc(n ? n : 1, sizeof *r->ids);
  for (size_t i = 0; i < n; i++)
    r->ids[r->nids++] = o->nstores ? o->stores[i] : all->v[i];
  r->results = mg_xcalloc(r->nids ? r->nids : 1, sizeof *r->results);
}

int mg_build(const mg_build_opts *o) {
  double t0 = mg_now();
  run r = {0};
  r.o = o;
  pthread_mutex_init(&r.progress_lock, NULL);
  mg_edition_init(&r.ed, "draft");
  r.hall = o->cmd == MG_CHECK   ? check_hall
           : o->cmd == MG_BUILD ? build_hall
                                : one_hall;
  int rc = 1;
  sigset_t set, old;
  stop_signals(&set);
  /* from here on, a signal is read by run_halls, never delivered */
  pthread_sigmask(SIG_BLOCK, &set, &old);
  if (load(&r) != 0) {
    mg_diag_flush(stderr);
    fprintf(stderr, "%s failed: %d error%s; nothing was written\n",
            o->cmd == MG_CHECK ? "check" : "build", mg_diag_printed_errors(),
            mg_diag_printed_errors() == 1 ? "" : "s");
    goto cleanup;
  }
  select_halls(&r);
  if (o->cmd == MG_BUILD && !mg_diag_errors())
    r.pub = mg_publish_begin(o->out_dir, r.ed.name);
  if (o->cmd == MG_BUILD && !r.pub)
    r.hall = check_hall; /* it will fail: still report every mistake */
  int jobs = o->jobs > 0 ? o->jobs : ncpus();
  if ((size_t)jobs > r.nids)
    jobs = (int)(r.nids ? r.nids : 1);
  int stuck = 0, sig = run_halls(&r, jobs, &stuck);
  if (o->progress)
    fputs("\r\033[K", stderr);
  if (!sig && o->cmd == MG_BUILD && r.pub && !mg_diag_errors())
    build_index(&r, &r.index_pages);
  if (!sig)
    sig = pending_signal(); /* a last look before anything is published */
  if (sig) {
    mg_publish_abort(r.pub);
    mg_diag_flush(stderr);
    fprintf(stderr, "interrupted; nothing was written\n");
    rc = 128 + sig;
    if (stuck) /* a worker is blocked: its resources cannot be freed */
      _exit(rc);
    goto cleanup;
  }
  rc = mg_diag_errors() ? 1 : 0;
  if (o->cmd == MG_BUILD && r.pub) {
    if (rc || mg_publish_commit(r.pub, o->nstores ? managed : NULL, &r) < 0)
      rc = 1;
  } else if (rc == 0 && (o->cmd == MG_HANDBOOK || o->cmd == MG_RESOLVE)) {
    rc = write_result(&r);
  }
  mg_diag_flush(stderr);
  summary(&r, rc, mg_now() - t0);
cleanup:
  mg_publish_free(r.pub);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  for (size_t i = 0; i < r.nids; i++) {
    free(r.results[i].id);
    mg_identity_free(&r.results[i].ident);
    mg_buf_free(&r.results[i].out);
  }
  free(r.results);
  free(r.ids);
  mg_templates_free(r.tpl);
  mg_tree_free(r.tree);
  mg_params_free(r.params);
  pthread_mutex_destroy(&r.progress_lock);
  return rc;
}
