/* build.c -- the run: load and parse once, then every hall in parallel.
 *
 *   1. load: parameters, outline, sections and templates are read,
 *      parsed and compiled once, in the main thread; so are the
 *      releases (content/releases), each from its own frozen parts;
 *   2. halls: a pool of worker threads takes the halls of one edition
 *      (the draft, or a release) one by one (effective parameters,
 *      resolve, and what the command does with the result) while the
 *      main thread watches for signals;
 *   3. finish: `build` publishes every edition whole (publish.c) if no
 *      hall of any edition reported an error: each release, `latest`
 *      (the newest release again), the draft, the hall feeds; then the
 *      list of editions and the feedback page. `handbook` and `resolve`
 *      write their one result.
 *
 * Each command is its own hall function over the shared stages:
 * check_hall, build_hall, one_hall; history_hall reads every release
 * first, to know which release changed which hall.
 *
 * Signals. SIGINT, SIGTERM and SIGHUP are blocked in every thread while
 * halls are processed and read by the main thread from a signalfd: the
 * workers stop taking halls, the staging folders are removed and the
 * published editions stay as they were. A worker that does not return
 * within a second (a read that blocks) does not hold the run: the main
 * thread cleans up and exits, so a signal always ends a build quickly. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
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
  char *feedback_email;
  int ok;
  int up_to_date; /* its inputs had not changed: nothing was redone */
  size_t pages;
  mg_buf out;    /* `handbook`, `resolve`: the one result */
  xmlDocPtr eff; /* a draft hall's effective parameters, made for its
                    digest (draft_fresh) and used by its resolve */
  /* a draft hall resolved with lazy bodies (mg_resolve_lazy): what makes
   * them, and the parameters it reads (freed after it) */
  mg_lazy *lazy;
  xmlDocPtr lazy_eff;
} hall_result;

/* One edition: the draft (made from the content), or a release (made
 * from what it froze). */
typedef struct {
  mg_edition ed; /* name ("draft", "1.2") and date */
  const mg_manual *manual;
  mg_templates *tpl;
  mg_params *params;     /* the draft: the content's parameters */
  int domain;            /* the draft of `check` and `build`: its halls
                            pass the domain checks (domain.c) */
  const mg_rules *rules; /* the draft's HQ rules, for `check` and `build` */
  mg_release_data *rel;  /* a release: its parts (owned) */
  size_t index;          /* a release: its place in the register */
  const char **ids;      /* its halls */
  size_t nids;
  hall_result *results;
  mg_publish *pub;
  size_t index_pages;
  /* the draft of `build`: the digest of what every hall's files are made
   * of besides its own parameters (set_inputs), or "" */
  char inputs[33];
  mg_pages pending; /* `index`: its index pages, written last */
} edition;

typedef struct run run;
typedef void (*hall_fn)(run *r, size_t i);

struct run {
  const mg_build_opts *o;
  mg_params *params; /* the content */
  mg_tree *tree;
  mg_templates *tpl;
  mg_releases *releases;
  mg_ledger *ledger;       /* for the feedback releases resolve */
  mg_rules *rules;         /* content/rules.xml (check, build) */
  edition *eds;            /* the releases, oldest first, then the draft */
  size_t neds;             /* releases->n + 1 */
  xmlHashTablePtr history; /* store id -> mg_hall_history */
  mg_publish *latest;      /* OUT/latest: the newest release again */
  mg_pages latest_pending; /* `index`: latest's index pages */
  edition *cur;            /* what the workers do */
  hall_fn hall;
  atomic_size_t next;
  atomic_int interrupted; /* the signal that stops the run, or 0 */
  int donefd;             /* an eventfd: +1 as each worker ends */
  pthread_mutex_t progress_lock;
  /* PDFs (build without --no-pdf, handbook --format pdf): the engines,
   * the current templates (whose print drivers releases made before
   * templates/print use), the digest of the font files */
  mg_pdf_pool *pdf;
  mg_glyphs *glyphs; /* the characters the fonts have */
  mg_templates *cur_tpl;
  int own_cur_tpl;
  char fonts_digest[33];
  mg_splicer *splicer;   /* build: pages rendered once per shape (splice.c) */
  char exe[33];          /* the program's own digest (set_inputs) */
  int feeds_kept;        /* the published feeds are kept (feeds_kept) */
  char feeds_digest[33]; /* what the feeds are made of, or "" */
  /* build: the digest of all a release's hall's files are made of besides
   * its id and its edition (set_release_inputs), or "" */
  char rel_inputs[33];
};

static edition *draft(run *r) { return &r->eds[r->neds - 1]; }

static int is_release(const run *r, const edition *e) {
  return r->releases && e != &r->eds[r->neds - 1];
}

/* "[k/N] hall" on one terminal line, rewritten as halls start. */
static void progress(run *r, size_t i) {
  if (!r->o->progress)
    return;
  pthread_mutex_lock(&r->progress_lock);
  /* the edition is named when there are several */
  fprintf(stderr, "\r\033[K[%s%s%zu/%zu] %s",
          r->releases ? r->cur->ed.name : "", r->releases ? " " : "", i + 1,
          r->cur->nids, r->cur->ids[i]);
  fflush(stderr);
  pthread_mutex_unlock(&r->progress_lock);
}

/* ------------------------------------------------------- one hall */

static char *child_text(xmlDocPtr doc, const char *name) {
  for (xmlNodePtr k = xmlDocGetRootElement(doc)->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name)) {
      xmlChar *v = xmlNodeGetContent(k);
      char *s = v && *v ? mg_xstrdup((const char *)v) : NULL;
      xmlFree(v);
      return s;
    }
  return NULL;
}

/* Hall id's resolved content in edition e (NULL after reporting errors).
 * With res (the hall's own run, not a look at it from another edition),
 * fills in its identity and feedback address, and runs the domain checks
 * when e->domain is set. lazy (a draft hall's own run only): its bodies
 * left to make (res->lazy, mg_resolve_lazy), each traced with e->inputs;
 * res->lazy_eff keeps the parameters they read. */
static xmlDocPtr resolve_in(edition *e, const char *id, hall_result *res,
                            int lazy) {
  xmlDocPtr eff = res && res->eff ? res->eff
                  : e->rel        ? mg_release_params(e->rel, id)
                                  : mg_params_effective(e->params, id);
  if (res)
    res->eff = NULL; /* freed below */
  if (!eff)
    return NULL;
  lazy = lazy && res && !e->rel;
  if (res) {
    mg_params_identity(eff, &res->ident);
    res->feedback_email = child_text(eff, "feedback-email");
  }
  /* a hall the domain checks fail fails like one that does not resolve;
   * it is resolved all the same, for the checks of its text (`named`) */
  int failed = res && e->domain && mg_domain_check(eff, id) > 0;
  xmlNodePtr duties = NULL;
  mg_lazy *lz = NULL;
  xmlDocPtr doc =
      lazy ? mg_resolve_lazy(e->manual, eff, id, e->inputs, &duties, &lz)
           : mg_resolve_duties(e->manual, eff, id, &duties);
  /* resolved: every duty and form has its one owner for the rules */
  if (doc && res && e->domain &&
      mg_rules_check_hall(e->rules, duties, eff, id) > 0)
    failed = 1;
  if (!lz)
    xmlFreeNode(duties); /* else lz's */
  if (failed) {
    xmlFreeDoc(doc);
    doc = NULL;
    mg_lazy_free(lz);
    lz = NULL;
  }
  if (lz) {
    res->lazy = lz;
    res->lazy_eff = eff;
  } else if (e->rel) {
    xmlFreeDoc(eff);
  } else {
    mg_params_effective_free(eff);
  }
  return doc;
}

/* Frees what resolve_in kept for res's lazy bodies. */
static void drop_lazy(hall_result *res) {
  mg_lazy_free(res->lazy);
  res->lazy = NULL;
  mg_params_effective_free(res->lazy_eff);
  res->lazy_eff = NULL;
}

static xmlDocPtr resolve_hall(run *r, size_t i) {
  edition *e = r->cur;
  hall_result *res = &e->results[i];
  res->id = mg_xstrdup(e->ids[i]);
  /* its checks are all made while resolving: the bodies only traced */
  return resolve_in(e, e->ids[i], res, 1);
}

static void check_hall(run *r, size_t i) {
  xmlDocPtr doc = resolve_hall(r, i);
  r->cur->results[i].ok = doc != NULL;
  xmlFreeDoc(doc);
  drop_lazy(&r->cur->results[i]);
}

/* A hall's history across the releases: allocated for every hall of any
 * release before the workers start (they only fill it in). */
static mg_hall_history *history_of(run *r, const char *id) {
  mg_hall_history *h = xmlHashLookup(r->history, BAD_CAST id);
  if (!h) {
    h = mg_xcalloc(1, sizeof *h);
    h->n = r->releases ? r->releases->n : 0;
    h->has = mg_xcalloc(h->n ? h->n : 1, 1);
    h->digest = mg_xcalloc(h->n ? h->n : 1, sizeof *h->digest);
    xmlHashAddEntry(r->history, BAD_CAST id, h);
  }
  return h;
}

static void free_history(void *payload, const xmlChar *name) {
  (void)name;
  mg_hall_history *h = payload;
  free(h->has);
  free(h->digest);
  free(h);
}

/* Pass 1: the hall's content in this release, as a digest. */
static void history_hall(run *r, size_t i) {
  edition *e = r->cur;
  xmlDocPtr doc = resolve_in(e, e->ids[i], NULL, 0);
  mg_hall_history *h = xmlHashLookup(r->history, BAD_CAST e->ids[i]);
  if (doc && h) {
    mg_content_digest(doc, h->digest[e->index]);
    h->has[e->index] = 1;
  }
  e->results[i].ok = doc != NULL;
  xmlFreeDoc(doc);
}

/* The document hall i's pages are made from: its content, decorated with
 * the edition, the UI strings and, for a release, what the release says
 * of this hall. NULL after reporting errors. lazy: a draft hall's bodies
 * may be left to make (res->lazy). */
static xmlDocPtr page_doc(run *r, edition *e, size_t i, int lazy) {
  hall_result *res = &e->results[i];
  free(res->id);
  res->id = mg_xstrdup(e->ids[i]);
  mg_identity_free(&res->ident);
  free(res->feedback_email);
  res->feedback_email = NULL;
  xmlDocPtr doc = resolve_in(e, e->ids[i], res, lazy && !is_release(r, e));
  if (!doc)
    return NULL;
  mg_resolved_decorate(doc, &e->ed, xmlDocGetRootElement(e->tpl->l10n_doc));
  if (!is_release(r, e)) {
    mg_decorate_draft(doc, res->feedback_email);
    return doc;
  }
  mg_hall_history *h = xmlHashLookup(r->history, BAD_CAST e->ids[i]);
  mg_hall_context c = {0};
  c.releases = r->releases;
  c.index = e->index;
  c.history = h;
  c.ledger = r->ledger;
  c.feedback_email = res->feedback_email;
  if (e->index > 0 && h && h->has[e->index - 1])
    c.prev = resolve_in(&r->eds[e->index - 1], e->ids[i], NULL, 0);
  char *latest = NULL;
  size_t last = r->releases->n - 1;
  if (e->index < last && h && h->has[last]) {
    /* the pages the hall has in the latest release: the notice of an
     * older one links to the same page there when it exists */
    xmlDocPtr ld = resolve_in(&r->eds[last], e->ids[i], NULL, 0);
    mg_buf pages = {0};
    mg_buf_puts(&pages, "index.html changes.html versions.html handbook.html");
    for (xmlNodePtr k = ld ? xmlDocGetRootElement(ld)->children : NULL; k;
         k = k->next)
      if (k->type == XML_ELEMENT_NODE &&
          !strcmp((const char *)k->name, "chapter")) {
        xmlChar *id = xmlGetProp(k, BAD_CAST "id");
        mg_buf_printf(&pages, " %s.html", id ? (const char *)id : "");
        xmlFree(id);
      }
    latest = pages.data;
    xmlFreeDoc(ld);
  }
  c.latest_pages = latest;
  mg_decorate_release(doc, &c);
  free(latest);
  xmlFreeDoc(c.prev);
  return doc;
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
static int put_file(run *r, edition *e, const char *rel, const char *data,
                    size_t len);

/* The templates whose print drivers make e's PDFs: e's own, or, for a
 * release made before templates/print, the current ones. NULL when no
 * PDF is made (--no-pdf, or no print driver anywhere). */
static mg_templates *print_tpl(run *r, edition *e) {
  if (!r->pdf)
    return NULL;
  mg_templates *t = e->tpl && e->tpl->has_print ? e->tpl : r->cur_tpl;
  for (int k = 0; t && k < MG_PRINT_N; k++)
    if (t->print[k] && (k != MG_PRINT_SIGNOFF || is_release(r, e)))
      return t;
  return NULL;
}

/* <m:pdf><m:file kind="handbook" href="handbook.pdf"/>...</m:pdf>: the
 * PDFs the hall's pages may link to (print-spec.md, "Links from HTML"). */
static void add_pdf_list(run *r, edition *e, mg_templates *pt, xmlDocPtr doc) {
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNsPtr m = xmlSearchNsByHref(doc, root, BAD_CAST MG_NS);
  xmlNodePtr list = xmlNewChild(root, m, BAD_CAST "pdf", NULL);
  for (int k = 0; k < MG_PRINT_N; k++) {
    if (!pt->print[k] || (k == MG_PRINT_SIGNOFF && !is_release(r, e)))
      continue;
    xmlNodePtr f = xmlNewChild(list, m, BAD_CAST "file", NULL);
    char *href = mg_xasprintf("%s.pdf", mg_print_names[k]);
    xmlNewProp(f, BAD_CAST "kind", BAD_CAST mg_print_names[k]);
    xmlNewProp(f, BAD_CAST "href", BAD_CAST href);
    free(href);
  }
}

/* What else a hall's PDFs are made of: the current print templates when
 * e borrows them, the engine's version and the font files. Returns 0, or
 * -1 after reporting (no engine). */
static int digest_print(run *r, edition *e, mg_templates *pt, mg_digest *d) {
  const char *v = mg_pdf_engine_version(r->pdf);
  if (!v)
    return -1;
  if (pt != e->tpl)
    mg_digest_update(d, pt->digest, 32);
  mg_digest_update(d, v, strlen(v) + 1);
  mg_digest_update(d, r->fonts_digest, 32);
  return 0;
}

/* A release made before templates/print froze UI strings without the
 * print.* words: its PDFs, made by the current print drivers, take the
 * current strings too (after its pages, which keep the frozen ones). */
static void borrow_strings(edition *e, mg_templates *pt, xmlDocPtr doc) {
  if (pt == e->tpl || !pt->l10n_doc)
    return;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr old = mg_m_child(root, "l10n");
  xmlNodePtr now = xmlDocCopyNode(xmlDocGetRootElement(pt->l10n_doc), doc, 1);
  if (old) {
    xmlReplaceNode(old, now);
    xmlFreeNode(old);
  } else {
    xmlAddChild(root, now);
  }
}

/* The Typst source of print driver k over doc, compiled to PDF bytes
 * (*len; caller frees), or NULL after reporting. */
static char *make_pdf(run *r, mg_templates *pt, int k, xmlDocPtr doc,
                      const char **params, const char *id, size_t *len) {
  char *what = mg_xasprintf("store '%s': %s.pdf", id, mg_print_names[k]);
  size_t tlen;
  char *typ = mg_transform_text(pt->print[k], doc, params, &tlen, what);
  char *pdf = typ ? mg_pdf_make(r->pdf, typ, tlen, len, what) : NULL;
  free(typ);
  free(what);
  return pdf;
}

/* Every character of hall id's print document doc is in a font the
 * prints use (glyphs.c): Typst would print a box or another font's glyph.
 * The hall's parameters, which say where a value was set, are made again
 * only when one is not. Returns 0, or -1 after reporting each character
 * once. */
static int check_glyphs(run *r, edition *e, xmlDocPtr doc, const char *id) {
  if (!mg_glyphs_lacks(r->glyphs, doc))
    return 0;
  xmlDocPtr eff = e->rel ? mg_release_params(e->rel, id)
                         : mg_params_effective(e->params, id);
  mg_glyphs_check(r->glyphs, doc, e->manual, eff, id);
  if (e->rel)
    xmlFreeDoc(eff);
  else
    mg_params_effective_free(eff);
  return -1;
}

/* Makes the hall's PDFs into e (and its manifest m). Returns 0, or -1
 * after reporting. */
static int build_pdfs(run *r, edition *e, mg_templates *pt, xmlDocPtr doc,
                      const char *id, mg_manifest *m) {
  borrow_strings(e, pt, doc);
  if (check_glyphs(r, e, doc, id))
    return -1;
  for (int k = 0; k < MG_PRINT_N; k++) {
    if (!pt->print[k] || (k == MG_PRINT_SIGNOFF && !is_release(r, e)))
      continue;
    if (atomic_load(&r->interrupted))
      return -1;
    size_t len;
    char *pdf = make_pdf(r, pt, k, doc, NULL, id, &len);
    if (!pdf)
      return -1;
    char *name = mg_xasprintf("%s.pdf", mg_print_names[k]);
    char *rel = mg_xasprintf("stores/%s/%s", id, name);
    int rc = put_file(r, e, rel, pdf, len);
    mg_manifest_add(m, name, pdf, len);
    free(rel);
    free(name);
    free(pdf);
    if (rc)
      return -1;
  }
  return 0;
}

/* handbook --post KEY: the hall must have the post (keys of m:duties'
 * m:post). Returns 0, or -1 after reporting with a suggestion. */
static int check_post(xmlDocPtr doc, const char *id, const char *post) {
  mg_strv keys = {0};
  for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "duties"))
      continue;
    for (xmlNodePtr p = c->children; p; p = p->next)
      if (p->type == XML_ELEMENT_NODE &&
          !strcmp((const char *)p->name, "post")) {
        xmlChar *k = xmlGetProp(p, BAD_CAST "key");
        if (k)
          mg_strv_push(&keys, mg_xstrdup((const char *)k));
        xmlFree(k);
      }
  }
  int found = 0;
  for (size_t i = 0; i < keys.n && !found; i++)
    found = !strcmp(keys.v[i], post);
  if (!found) {
    const char *m = mg_suggest(&keys, post, strlen(post));
    mg_diag(MG_ERROR, NULL, 0, 0, "store '%s' has no post '%s'%s%s%s", id, post,
            m ? "; did you mean '" : "", m ? m : "", m ? "'?" : "");
  }
  mg_strv_free(&keys);
  return found ? 0 : -1;
}

/* handbook --format pdf: the printed handbook, or one post's card. */
static void one_pdf(run *r, edition *e, hall_result *res, xmlDocPtr doc) {
  mg_templates *pt = print_tpl(r, e);
  int k = r->o->post ? MG_PRINT_CARDS : MG_PRINT_HANDBOOK;
  if (!pt || !pt->print[k]) {
    mg_diag(MG_ERROR, NULL, 0, 0, "the templates have no print/%s.xsl",
            mg_print_names[k]);
    return;
  }
  if (r->o->post && check_post(doc, res->id, r->o->post))
    return;
  borrow_strings(e, pt, doc);
  if (check_glyphs(r, e, doc, res->id))
    return;
  const char *params[] = {"post", r->o->post, NULL};
  size_t len;
  char *pdf =
      make_pdf(r, pt, k, doc, r->o->post ? params : NULL, res->id, &len);
  if (pdf) {
    mg_buf_put(&res->out, pdf, len);
    res->pages = 1;
    res->ok = 1;
  }
  free(pdf);
}

static void one_hall(run *r, size_t i) {
  edition *e = r->cur;
  hall_result *res = &e->results[i];
  xmlDocPtr doc = page_doc(r, e, i, 0);
  if (!doc)
    return;
  if (r->o->cmd == MG_RESOLVE) {
    xmlSaveCtxtPtr s = xmlSaveToIO(save_cb, close_cb, &res->out, "UTF-8", 0);
    xmlSaveDoc(s, doc);
    xmlSaveClose(s);
    res->ok = 1;
  } else if (r->o->pdf) {
    one_pdf(r, e, res, doc);
  } else {
    mg_pages pages = {0};
    char *what = mg_xasprintf("store '%s'", res->id);
    const char *hparams[] = {"css", e->tpl->css, "search.script",
                             e->tpl->search_js ? e->tpl->search_js : "", NULL};
    if (mg_transform(e->tpl->handbook, doc, hparams, &pages, what) == 0 &&
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

/* The newest release's pages also go to OUT/latest, whole. */
static mg_publish *also(run *r, edition *e) {
  return is_release(r, e) && e->index + 1 == r->releases->n ? r->latest : NULL;
}

/* Writes one file of e (and of latest). Returns 0, or -1 after
 * reporting. */
static int put_file(run *r, edition *e, const char *rel, const char *data,
                    size_t len) {
  if (r->o->cmd == MG_INDEX) { /* written once every page is made */
    int newest = is_release(r, e) && e->index + 1 == r->releases->n;
    for (int k = 0; k <= newest; k++) {
      mg_pages *p = k ? &r->latest_pending : &e->pending;
      p->v = mg_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
      p->v[p->n].href = mg_xstrdup(rel);
      p->v[p->n].data = mg_xstrndup(data, len);
      p->v[p->n++].len = len;
    }
    return 0;
  }
  mg_publish *l = also(r, e);
  int rc = mg_publish_file(e->pub, rel, data, len);
  if (!rc && l)
    rc = mg_publish_file(l, rel, data, len);
  return rc;
}

/* Keeps file rel of e's published edition in e (and latest). */
static void put_keep(run *r, edition *e, const char *rel) {
  mg_publish *l = also(r, e);
  mg_publish_keep(e->pub, rel, e->pub);
  if (l)
    mg_publish_keep(l, rel, e->pub);
}

/* The hall's files are carried into the new edition unchanged when its
 * manifest records `digest` and every file it lists is there with the
 * recorded size and bytes. Returns 1 when they were, 0 when the hall must
 * be built (nothing was carried), -1 on an error (reported). */
static int keep_if_fresh(run *r, edition *e, size_t i, const char *digest) {
  hall_result *res = &e->results[i];
  char *dir = mg_xasprintf("stores/%s", res->id);
  char *mpath = mg_xasprintf("%s/" MANIFEST, dir);
  size_t len;
  char *text = mg_publish_read_old(e->pub, mpath, &len);
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
    int fd = mg_publish_open_old(e->pub, rel);
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
  if (fresh) {
    rc = 1;
    for (size_t k = 0; k <= m.n; k++) {
      char *rel = k < m.n ? mg_xasprintf("%s/%s", dir, m.files[k].name)
                          : mg_xstrdup(mpath);
      put_keep(r, e, rel);
      free(rel);
    }
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

/* The digest of a release's hall's inputs (release_probe). Returns 0, or
 * -1 after reporting (no PDF engine). */
static int release_digest(run *r, edition *e, size_t i, mg_templates *pt,
                          char digest[33]) {
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, r->rel_inputs, 32);
  mg_digest_update(d, e->ed.name, strlen(e->ed.name) + 1);
  mg_digest_update(d, e->ids[i], strlen(e->ids[i]) + 1);
  mg_digest_update(d, e->tpl->digest, 32);
  int engine = pt ? digest_print(r, e, pt, d) : 0;
  mg_digest_finish(d, digest);
  return engine;
}

/* A hall of the draft whose inputs are those of its last build is
 * carried over before anything of it is resolved: its digest is that of
 * the edition's inputs (e->inputs: the program, the templates, the
 * compiled manual, the HQ rules, the names rule `named` knows, the
 * edition) and of its effective parameters, which are all a draft hall's
 * files are made of (and all its checks read; a hall is published only
 * once it passed them). *digest is set either way. Returns 1 when carried
 * over, 0 when the hall must be built, -1 on an error (reported). */
static int draft_fresh(run *r, edition *e, size_t i, mg_templates *pt,
                       char digest[33]) {
  hall_result *res = &e->results[i];
  /* merged, not yet checked: a hall carried over was valid when made */
  xmlDocPtr eff = mg_params_merge(e->params, e->ids[i]);
  if (!eff)
    return -1;
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, e->inputs, 32);
  mg_digest_update(d, e->ids[i], strlen(e->ids[i]) + 1);
  mg_digest_tree(d, xmlDocGetRootElement(eff));
  int engine = pt ? digest_print(r, e, pt, d) : 0;
  mg_digest_finish(d, digest);
  int fresh = engine ? -1 : keep_if_fresh(r, e, i, digest);
  if (fresh == 0 && mg_params_effective_check(e->params, eff, e->ids[i]))
    fresh = -1;     /* to be made, and not valid */
  if (fresh == 1) { /* what the edition's index shows of it */
    mg_params_identity(eff, &res->ident);
    res->feedback_email = child_text(eff, "feedback-email");
  }
  if (fresh == 0 && !e->rel)
    res->eff = eff; /* its resolve takes it: no second merge */
  else
    mg_params_effective_free(eff);
  return fresh;
}

static void build_hall(run *r, size_t i) {
  edition *e = r->cur;
  hall_result *res = &e->results[i];
  mg_templates *pt = print_tpl(r, e);
  mg_manifest m = {0};
  if (res->up_to_date) /* carried over by release_probe */
    return;
  if (e->inputs[0]) {
    free(res->id);
    res->id = mg_xstrdup(e->ids[i]);
    int fresh = draft_fresh(r, e, i, pt, m.digest);
    if (fresh != 0) {
      res->ok = res->up_to_date = fresh == 1;
      return;
    }
  }
  if (is_release(r, e) && r->rel_inputs[0] &&
      release_digest(r, e, i, pt, m.digest))
    return;
  /* the bodies made only where they are rendered: not for PDFs, not
   * without a splicer */
  xmlDocPtr doc = page_doc(r, e, i, r->splicer && !pt && e->inputs[0]);
  if (!doc)
    return;
  if (pt)
    add_pdf_list(r, e, pt, doc);
  if (!e->inputs[0] && !m.digest[0]) {
    /* a release: its pages are a function of this document (which its
     * history and the ledger decorate) and the templates */
    mg_digest *d = mg_digest_new();
    mg_digest_update(d, e->tpl->digest, 32);
    mg_digest_doc(d, doc);
    int engine = pt ? digest_print(r, e, pt, d) : 0;
    mg_digest_finish(d, m.digest);
    if (engine) {
      xmlFreeDoc(doc);
      return;
    }
    int fresh = keep_if_fresh(r, e, i, m.digest);
    if (fresh != 0) {
      res->ok = res->up_to_date = fresh == 1;
      xmlFreeDoc(doc);
      return;
    }
  }
  mg_pages pages = {0};
  char *what = mg_xasprintf("store '%s'", res->id);
  const char *hparams[] = {"css", e->tpl->css, "search.script",
                           e->tpl->search_js ? e->tpl->search_js : "", NULL};
  /* the hall's shape rendered once, its values spliced in; or, when it
   * cannot be (or --no-splice), the stylesheets over its own document */
  int rc = r->splicer ? mg_splice_lazy(r->splicer, e->tpl, doc, res->lazy,
                                       hparams, &pages, what)
                      : 1;
  if (rc == 1) {
    mg_lazy_make_all(res->lazy);
    rc = mg_transform(e->tpl->site, doc, NULL, &pages, what);
    if (!rc)
      rc = mg_transform(e->tpl->handbook, doc, hparams, &pages, what);
  }
  free(what);
  for (size_t k = 0; k < pages.n && !rc; k++) {
    const mg_page *pg = &pages.v[k];
    if (!mg_manifest_name_ok(pg->href, strlen(pg->href))) {
      mg_diag(MG_ERROR, "templates", 0, 0, "bad page name '%s' for a hall",
              pg->href);
      rc = -1;
      break;
    }
    char *rel = mg_xasprintf("stores/%s/%s", res->id, pg->href);
    rc = put_file(r, e, rel, pg->data, pg->len);
    mg_manifest_add(&m, pg->href, pg->data, pg->len);
    free(rel);
  }
  if (!rc) {
    char *rel = mg_xasprintf("stores/%s/manual.css", res->id);
    size_t csslen = strlen(e->tpl->css);
    rc = put_file(r, e, rel, e->tpl->css, csslen);
    mg_manifest_add(&m, "manual.css", e->tpl->css, csslen);
    free(rel);
  }
  if (!rc && pt)
    rc = build_pdfs(r, e, pt, doc, res->id, &m);
  xmlFreeDoc(doc);
  drop_lazy(res);
  if (!rc) {
    size_t len;
    char *text = mg_manifest_format(&m, &len);
    char *rel = mg_xasprintf("stores/%s/" MANIFEST, res->id);
    rc = put_file(r, e, rel, text, len);
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
    if (i >= r->cur->nids)
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

/* Runs r->hall for every hall of r->cur on `jobs` threads, the main thread
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
  atomic_store(&r->next, 0);
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

/* A new document for one of the pages that list things (an edition's
 * halls, the editions, a hall's feed): root m:NAME with the manual's
 * language, title and organisation, and the UI strings. *m is set to
 * the m namespace. */
static xmlDocPtr new_listing(const char *name, const mg_manual *man,
                             const mg_templates *tpl, xmlNsPtr *m) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewNode(NULL, BAD_CAST name);
  *m = xmlNewNs(root, BAD_CAST MG_NS, BAD_CAST "m");
  xmlSetNs(root, *m);
  xmlDocSetRootElement(doc, root);
  xmlNewProp(root, BAD_CAST "lang", BAD_CAST man->lang);
  xmlNewTextChild(root, *m, BAD_CAST "title", BAD_CAST man->title);
  xmlNewTextChild(root, *m, BAD_CAST "organisation",
                  BAD_CAST man->organisation);
  xmlAddChild(root,
              xmlDocCopyNode(xmlDocGetRootElement(tpl->l10n_doc), doc, 1));
  return doc;
}

/* The edition's front page: every hall, its city and type. */
static int build_index(run *r, edition *e) {
  xmlNsPtr m;
  xmlDocPtr doc = new_listing("stores", e->manual, e->tpl, &m);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlNodePtr ed = xmlNewChild(root, m, BAD_CAST "edition", NULL);
  xmlNewProp(ed, BAD_CAST "name", BAD_CAST e->ed.name);
  xmlNewProp(ed, BAD_CAST "date", BAD_CAST e->ed.date);
  if (is_release(r, e)) {
    xmlNewProp(ed, BAD_CAST "kind", BAD_CAST "release");
    xmlNewProp(ed, BAD_CAST "latest",
               BAD_CAST r->releases->v[r->releases->n - 1].version);
    if (e->index > 0)
      xmlNewProp(ed, BAD_CAST "previous",
                 BAD_CAST r->releases->v[e->index - 1].version);
    xmlNewTextChild(ed, m, BAD_CAST "notes",
                    BAD_CAST r->releases->v[e->index].notes);
  } else {
    xmlNewProp(ed, BAD_CAST "kind", BAD_CAST "draft");
  }
  /* every hall of the edition there will be, not only those built this
   * time */
  const mg_strv *all = e->rel ? &e->rel->store_ids : &r->params->store_ids;
  for (size_t i = 0; i < all->n; i++) {
    const char *id = all->v[i];
    const mg_identity *ident = NULL;
    mg_identity tmp = {0};
    if (e->nids == all->n) /* every hall was done, in this order */
      ident = &e->results[i].ident;
    for (size_t k = 0; k < e->nids && !ident; k++)
      if (!strcmp(e->results[k].id, id))
        ident = &e->results[k].ident;
    if (!ident) {
      /* not built this time (--store): listed only when its pages are
       * there, kept from the edition as it was published */
      char *page = mg_xasprintf("stores/%s/index.html", id);
      int fd = e->pub ? mg_publish_open_old(e->pub, page) : -1;
      free(page);
      if (fd < 0)
        continue;
      close(fd);
      xmlDocPtr eff = e->rel ? mg_release_params(e->rel, id)
                             : mg_params_effective(r->params, id);
      if (!eff)
        continue;
      mg_params_identity(eff, &tmp);
      if (e->rel)
        xmlFreeDoc(eff);
      else
        mg_params_effective_free(eff);
      ident = &tmp;
    }
    mg_identity_set_props(ident, xmlNewChild(root, m, BAD_CAST "store", NULL));
    mg_identity_free(&tmp);
  }
  mg_pages pg = {0};
  int rc = mg_transform(e->tpl->index, doc, NULL, &pg, "the store index");
  for (size_t k = 0; k < pg.n && !rc; k++)
    rc = put_file(r, e, pg.v[k].href, pg.v[k].data, pg.v[k].len);
  if (!rc)
    rc = put_file(r, e, "manual.css", e->tpl->css, strlen(e->tpl->css));
  if (!rc && e->tpl->stores_js)
    rc = put_file(r, e, "stores.js", e->tpl->stores_js,
                  strlen(e->tpl->stores_js));
  e->index_pages += pg.n;
  mg_pages_free(&pg);
  xmlFreeDoc(doc);
  return rc;
}

/* A build limited to some halls (--store) rewrites the draft's own files
 * and those halls' folders; it keeps every other hall as it is. */
static int managed(const char *rel, void *ctx) {
  edition *e = ctx;
  if (!strchr(rel, '/'))
    return 1;
  if (strncmp(rel, "stores/", 7))
    return 0;
  const char *id = rel + 7, *end = strchr(id, '/');
  if (!end)
    return 0;
  for (size_t i = 0; i < e->nids; i++)
    if (strlen(e->ids[i]) == (size_t)(end - id) &&
        !strncmp(e->ids[i], id, (size_t)(end - id)))
      return 1;
  return 0;
}

/* A shard rewrites its own halls' files (in OUT/EDITION/stores/ID/, or
 * OUT/feeds/ID.xml), and its own record; every other file stays, the
 * indexes (`index` writes them) and the other shards' halls. ctx: the
 * options. */
static int shard_managed(const char *rel, void *ctx) {
  const mg_build_opts *o = ctx;
  const char *id = rel, *end;
  size_t l = strlen(rel);
  if (!strncmp(rel, "stores/", 7)) {
    id = rel + 7;
    end = strchr(id, '/');
  } else if (!strchr(rel, '/') && rel[0] != '.' && l > 4 &&
             !strcmp(rel + l - 4, ".xml")) {
    end = rel + l - 4; /* a feed */
  } else {
    return 0;
  }
  return end && mg_shard_of(id, (size_t)(end - id), o->shard_n) == o->shard_k;
}

#define FEEDS_DIGEST ".manualgen-feeds"

/* Whether the published feeds can be kept as they are: their digest (the
 * releases and the ledger, r->rel_inputs; the draft's templates; the
 * manual's title) is the one they were made from, into digest ("" when
 * there is none to take). A shard makes its own halls' feeds: the digest
 * another shard left in a shared OUT says nothing of them. */
static int feeds_kept(run *r, mg_publish *pub, char digest[33]) {
  edition *d = draft(r);
  digest[0] = '\0';
  if (!r->rel_inputs[0])
    return 0;
  mg_digest *dg = mg_digest_new();
  mg_digest_update(dg, "manualgen feeds 1", 17);
  mg_digest_update(dg, r->rel_inputs, 32);
  mg_digest_update(dg, d->tpl->digest, 32);
  const char *words[] = {d->manual->title, d->manual->organisation,
                         d->manual->lang};
  for (int k = 0; k < 3; k++)
    mg_digest_update(dg, words[k] ? words[k] : "",
                     words[k] ? strlen(words[k]) + 1 : 1);
  mg_digest_finish(dg, digest);
  size_t len = 0;
  char *old = mg_publish_read_old(pub, FEEDS_DIGEST, &len);
  int same = old && len == 32 && !memcmp(old, digest, 32) && !r->o->shard_n;
  free(old);
  return same;
}

/* OUT/feeds/ID.xml: for each hall, an Atom feed of the releases that
 * changed its handbook (newest first), written with the current
 * templates. It needs the history pass, unless the feeds are kept. */
static int build_feeds(run *r, mg_publish *pub) {
  const mg_releases *rel = r->releases;
  edition *d = draft(r);
  int rc = 0;
  const char *digest = r->feeds_digest;
  if (r->feeds_kept) {
    mg_publish_keep_all(pub);
    return 0;
  }
  mg_strv ids = {0};
  for (size_t i = 0; i < rel->n; i++)
    for (size_t k = 0; k < r->eds[i].nids; k++) {
      int seen = 0;
      for (size_t j = 0; j < ids.n && !seen; j++)
        seen = !strcmp(ids.v[j], r->eds[i].ids[k]);
      if (!seen)
        mg_strv_push(&ids, mg_xstrdup(r->eds[i].ids[k]));
    }
  for (size_t s = 0; s < ids.n && !rc; s++) {
    const mg_hall_history *h = xmlHashLookup(r->history, BAD_CAST ids.v[s]);
    xmlNsPtr m;
    xmlDocPtr doc = new_listing("feed", d->manual, d->tpl, &m);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNewProp(root, BAD_CAST "store", BAD_CAST ids.v[s]);
    const char *updated = NULL;
    xmlNodePtr store = xmlNewChild(root, m, BAD_CAST "store", NULL);
    int named = 0;
    for (size_t i = rel->n; i-- > 0;) {
      if (!mg_hall_changed(h, i))
        continue;
      edition *e = &r->eds[i];
      if (!named) { /* the hall as its newest release names it */
        xmlDocPtr eff = mg_release_params(e->rel, ids.v[s]);
        mg_identity ident = {0};
        if (eff)
          mg_params_identity(eff, &ident);
        if (ident.id)
          mg_identity_set_props(&ident, store);
        mg_identity_free(&ident);
        xmlFreeDoc(eff);
        named = 1;
      }
      if (!updated)
        updated = rel->v[i].date;
      xmlNodePtr en = xmlNewChild(root, m, BAD_CAST "entry", NULL);
      xmlNewProp(en, BAD_CAST "version", BAD_CAST rel->v[i].version);
      xmlNewProp(en, BAD_CAST "date", BAD_CAST rel->v[i].date);
      xmlNewTextChild(en, m, BAD_CAST "notes", BAD_CAST rel->v[i].notes);
      /* the sections that changed for this hall */
      xmlDocPtr cur = resolve_in(e, ids.v[s], NULL, 0);
      xmlDocPtr prev = i > 0 && h->has[i - 1]
                           ? resolve_in(&r->eds[i - 1], ids.v[s], NULL, 0)
                           : NULL;
      mg_changes ch = {0};
      if (cur && mg_diff_manuals(prev, cur, &ch) == 0)
        for (size_t k = 0; k < ch.n; k++) {
          if (ch.v[k].kind == MG_SECTION_UNCHANGED)
            continue;
          xmlNodePtr sn = xmlNewChild(en, m, BAD_CAST "section", NULL);
          xmlNewProp(sn, BAD_CAST "status",
                     BAD_CAST(ch.v[k].kind == MG_SECTION_ADDED ? "added"
                              : ch.v[k].kind == MG_SECTION_REMOVED
                                  ? "removed"
                                  : "changed"));
          xmlNewProp(sn, BAD_CAST "id", BAD_CAST ch.v[k].id);
          xmlNewProp(sn, BAD_CAST "title",
                     BAD_CAST(ch.v[k].title ? ch.v[k].title : ""));
        }
      mg_changes_free(&ch);
      xmlFreeDoc(cur);
      xmlFreeDoc(prev);
    }
    xmlNewProp(root, BAD_CAST "updated", BAD_CAST(updated ? updated : ""));
    mg_pages pg = {0};
    char *what = mg_xasprintf("the feed of store '%s'", ids.v[s]);
    if (!d->tpl->feed) {
      mg_diag(MG_ERROR, d->tpl->templates_dir, 0, 0,
              "the templates have no html/feed.xsl for the stores' feeds");
      rc = -1;
    } else {
      rc = mg_transform(d->tpl->feed, doc, NULL, &pg, what);
    }
    free(what);
    for (size_t k = 0; k < pg.n && !rc; k++)
      rc = mg_publish_file(pub, pg.v[k].href, pg.v[k].data, pg.v[k].len);
    mg_pages_free(&pg);
    xmlFreeDoc(doc);
  }
  mg_strv_free(&ids);
  if (!rc && digest[0])
    rc = mg_publish_file(pub, FEEDS_DIGEST, digest, 32);
  return rc;
}

/* OUT/index.html: the releases, newest first, and the draft. */
static int build_editions_page(run *r) {
  edition *d = draft(r);
  xmlNsPtr m;
  xmlDocPtr doc = new_listing("editions", d->manual, d->tpl, &m);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  const mg_releases *rel = r->releases;
  for (size_t i = rel->n; i-- > 0;) {
    xmlNodePtr e = xmlNewChild(root, m, BAD_CAST "edition", NULL);
    xmlNewProp(e, BAD_CAST "name", BAD_CAST rel->v[i].version);
    xmlNewProp(e, BAD_CAST "date", BAD_CAST rel->v[i].date);
    xmlNewProp(e, BAD_CAST "kind", BAD_CAST "release");
    xmlNewProp(e, BAD_CAST "latest", BAD_CAST rel->v[rel->n - 1].version);
    xmlNewTextChild(e, m, BAD_CAST "notes", BAD_CAST rel->v[i].notes);
  }
  xmlNodePtr e = xmlNewChild(root, m, BAD_CAST "edition", NULL);
  xmlNewProp(e, BAD_CAST "name", BAD_CAST d->ed.name);
  xmlNewProp(e, BAD_CAST "date", BAD_CAST d->ed.date);
  xmlNewProp(e, BAD_CAST "kind", BAD_CAST "draft");
  mg_pages pg = {0};
  int rc = -1;
  if (d->tpl->editions)
    rc = mg_transform(d->tpl->editions, doc, NULL, &pg, "the editions");
  else
    mg_diag(MG_ERROR, d->tpl->templates_dir, 0, 0,
            "the templates have no html/editions.xsl for the list of "
            "editions");
  for (size_t k = 0; k < pg.n && !rc; k++) {
    char *path = mg_path_join(r->o->out_dir, pg.v[k].href);
    rc = mg_write_if_changed(path, pg.v[k].data, pg.v[k].len);
    free(path);
  }
  mg_pages_free(&pg);
  xmlFreeDoc(doc);
  return rc;
}

/* OUT/feedback.html: HQ's page of the ledger. */
static int build_feedback_page(run *r) {
  if (!r->ledger)
    return 0;
  edition *d = draft(r);
  mg_fb_page_opts po = {0};
  po.title = d->manual->title;
  po.lang = d->manual->lang;
  po.tree = r->tree;
  po.params = r->params;
  mg_pages pg = {0};
  int rc = mg_ledger_page(r->ledger, d->tpl, &po, &pg);
  for (size_t k = 0; k < pg.n && !rc; k++) {
    char *path = mg_path_join(r->o->out_dir, pg.v[k].href);
    rc = mg_write_if_changed(path, pg.v[k].data, pg.v[k].len);
    free(path);
  }
  mg_pages_free(&pg);
  return rc;
}

static void summary(run *r, int rc, double secs) {
  const mg_build_opts *o = r->o;
  int warnings = mg_diag_printed_warnings(), errors = mg_diag_printed_errors();
  edition *d = draft(r);
  size_t pages = 0, built = 0, fresh = 0, halls = 0;
  size_t from = o->cmd == MG_BUILD ? 0 : r->neds - 1;
  for (size_t k = from; k < r->neds; k++) {
    edition *e = &r->eds[k];
    pages += e->index_pages;
    halls += e->nids;
    for (size_t i = 0; i < e->nids; i++) {
      pages += e->results[i].pages;
      built += e->results[i].ok;
      fresh += e->results[i].up_to_date;
    }
  }
  if (o->cmd == MG_CHECK) {
    fprintf(stderr, "checked %zu store%s: %d error%s, %d warning%s (%.2f s)\n",
            d->nids, d->nids == 1 ? "" : "s", errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s", secs);
  } else if (o->cmd != MG_BUILD) {
    if (rc == 0 && o->output && strcmp(o->output, "-"))
      fprintf(stderr, "wrote %s\n", o->output);
  } else if (rc == 0) {
    char uptodate[48] = "", releases[48] = "";
    if (fresh)
      snprintf(uptodate, sizeof uptodate, " (%zu up to date)", fresh);
    if (r->neds > 1)
      snprintf(releases, sizeof releases, " in %zu release%s and the draft",
               r->neds - 1, r->neds == 2 ? "" : "s");
    fprintf(stderr,
            "built %zu handbook%s%s%s, %zu pages, %d warning%s in %.2f s "
            "-> %s%s%s\n",
            built, built == 1 ? "" : "s", releases, uptodate, pages, warnings,
            warnings == 1 ? "" : "s", secs, o->out_dir,
            o->shard_n    ? "" /* `index` writes them, from every shard */
            : r->neds > 1 ? "/index.html"
                          : "/draft/index.html",
            o->shard_n ? " (one shard: run `manualgen index` there once "
                         "every shard is gathered)"
                       : "");
  } else {
    fprintf(stderr,
            "build failed: %d error%s, %d warning%s; nothing was "
            "written (%.2f s)\n",
            errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
            secs);
  }
  (void)halls;
}

/* Writes the one result of `handbook` or `resolve` to the output file or
 * standard output. Returns 0, or 1 after reporting. */
static int write_result(run *r) {
  edition *e = r->cur;
  const mg_buf *out = &e->results[0].out;
  const char *dest = r->o->output;
  if (dest && strcmp(dest, "-"))
    return mg_write_atomic(dest, out->data ? out->data : "", out->len) ? 1 : 0;
  /* a failure is reported by main, which checks standard output */
  return mg_write_stdout(out->data, out->len) ? 1 : 0;
}

/* The halls of the draft: those named, or every hall; with --shard,
 * those of the shard, in every edition. */
static void select_halls(run *r, edition *e) {
  const mg_build_opts *o = r->o;
  const mg_strv *all = e->rel ? &e->rel->store_ids : &r->params->store_ids;
  size_t n = o->nstores && !e->rel ? o->nstores : all->n;
  e->ids = mg_xcalloc(n ? n : 1, sizeof *e->ids);
  for (size_t i = 0; i < n; i++) {
    const char *id = o->nstores && !e->rel ? o->stores[i] : all->v[i];
    if (!o->shard_n || mg_shard_of(id, strlen(id), o->shard_n) == o->shard_k)
      e->ids[e->nids++] = id;
  }
  e->results = mg_xcalloc(e->nids ? e->nids : 1, sizeof *e->results);
}

/* Loads everything that is the same for every hall: the content (the
 * draft), the releases, the ledger. Returns 0, or -1 after reporting. */
typedef struct {
  const char *dir;
  char *lang;
  mg_templates *tpl;
} tpl_job;

static void *load_templates(void *arg) {
  tpl_job *j = arg;
  mg_diag_install_xml_handlers();
  j->tpl = mg_templates_load(j->dir, j->lang);
  return NULL;
}

static int load(run *r) {
  const mg_build_opts *o = r->o;
  int want_releases = o->cmd == MG_BUILD || o->cmd == MG_INDEX || o->release ||
                      o->cmd == MG_DIFF;
  int want_content = o->cmd == MG_DIFF ? !strcmp(o->to, "draft") : !o->release;
  r->history = xmlHashCreate(64);
  if (want_content) { /* a release needs nothing of the content */
    /* the stylesheets compile on a thread of their own while the content
     * is read: they need only its language (messages are sorted when
     * they are printed, whichever thread gave them) */
    mg_outline *outline = mg_outline_load(o->content_dir);
    tpl_job job = {o->templates_dir, outline ? mg_xstrdup(outline->lang) : NULL,
                   NULL};
    pthread_t tid;
    int threaded =
        outline && pthread_create(&tid, NULL, load_templates, &job) == 0;
    r->params = mg_params_load(o->content_dir, o->templates_dir);
    if (r->params && outline)
      r->tree = mg_tree_parse(outline, o->content_dir, r->params->names);
    else
      mg_outline_free(outline);
    if (o->cmd == MG_CHECK || o->cmd == MG_BUILD)
      mg_outline_warn_unlisted(r->tree ? r->tree->outline : NULL,
                               o->content_dir);
    if (threaded)
      pthread_join(tid, NULL);
    else if (outline)
      load_templates(&job);
    free(job.lang);
    r->tpl = job.tpl;
    if (r->tpl && !r->tree) { /* the content failed: they are not needed */
      mg_templates_free(r->tpl);
      r->tpl = NULL;
    }
    if (!r->params || !r->tree || !r->tpl)
      return -1;
    /* check reports what the print drivers hold too */
    if (o->cmd == MG_CHECK && mg_templates_load_print(r->tpl))
      return -1;
    if (o->cmd == MG_CHECK || o->cmd == MG_BUILD) {
      /* the draft's own checks (releases are frozen) */
      r->rules =
          mg_rules_load(o->content_dir, o->templates_dir, r->params->names);
      mg_literal_check(r->tree, r->params);
    }
  }
  if (o->cmd == MG_BUILD || o->cmd == MG_CHECK || want_releases) {
    r->releases = mg_releases_load(o->content_dir, o->templates_dir);
    if (!r->releases || mg_releases_verify(r->releases))
      return -1;
  }
  size_t nrel = want_releases && r->releases ? r->releases->n : 0;
  r->neds = nrel + 1;
  r->eds = mg_xcalloc(r->neds, sizeof *r->eds);
  for (size_t i = 0; i < nrel; i++) {
    edition *e = &r->eds[i];
    const mg_release *rel = &r->releases->v[i];
    e->rel = mg_release_open(r->releases, rel);
    if (!e->rel)
      return -1;
    e->index = i;
    e->manual = e->rel->manual;
    e->tpl = e->rel->tpl;
    e->ed.name = rel->version;
    snprintf(e->ed.date, sizeof e->ed.date, "%s", rel->date);
  }
  edition *d = draft(r);
  mg_edition_init(&d->ed, "draft");
  if (r->tree) {
    d->manual = r->tree->manual;
    d->tpl = r->tpl;
    d->params = r->params;
    d->domain = o->cmd == MG_CHECK || o->cmd == MG_BUILD;
    d->rules = r->rules;
    /* rule `named`, with the domain checks: the names of every file */
    if (d->domain && r->tree->manual)
      mg_duties_learn_names(r->tree->manual, r->params);
  }
  if (want_releases && nrel) {
    r->ledger = mg_ledger_load(o->content_dir, o->templates_dir);
    if (!r->ledger)
      return -1;
  }
  if (!nrel) { /* keep the draft's "draft" pages as they were */
    mg_releases_free(r->releases);
    r->releases = NULL;
  }
  return mg_diag_errors() ? -1 : 0;
}

static int jobs_for(run *r, edition *e) {
  int jobs = r->o->jobs > 0 ? r->o->jobs : ncpus();
  if ((size_t)jobs > e->nids)
    jobs = (int)(e->nids ? e->nids : 1);
  return jobs;
}

/* Pass 0 of a release's halls (build): a hall whose inputs are those of
 * its last build is carried over before anything of any release is
 * resolved (the history pass, which reads every hall of every release,
 * runs only when some hall was not). Its digest: r->rel_inputs, the
 * edition and the hall's id, and what its PDFs take. */
static void release_probe(run *r, size_t i) {
  edition *e = r->cur;
  hall_result *res = &e->results[i];
  free(res->id);
  res->id = mg_xstrdup(e->ids[i]);
  char digest[33];
  if (release_digest(r, e, i, print_tpl(r, e), digest) ||
      keep_if_fresh(r, e, i, digest) != 1)
    return;
  xmlDocPtr eff = mg_release_params(e->rel, e->ids[i]);
  if (eff) {
    mg_params_identity(eff, &res->ident);
    res->feedback_email = child_text(eff, "feedback-email");
    xmlFreeDoc(eff);
  }
  res->ok = res->up_to_date = 1;
}

/* r->rel_inputs: the program, every release as frozen (content/releases)
 * and the feedback ledger (content/feedback), which are all that the
 * pages of a release's hall are made of but its id, its edition and the
 * templates (each release's own, in its folder; the current ones' print
 * drivers go in with the PDFs). */
static void set_release_inputs(run *r) {
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, "manualgen release inputs 1", 27);
  mg_digest_update(d, r->exe, 32);
  const char *sub[] = {"releases", "feedback"};
  for (int k = 0; k < 2; k++) {
    char *dir = mg_path_join(r->o->content_dir, sub[k]);
    struct stat sb;
    int there = lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    mg_digest_update(d, there ? "+" : "-", 1);
    if (there && mg_digest_files(d, dir) != 0) {
      free(dir);
      mg_digest_finish(d, r->rel_inputs);
      r->rel_inputs[0] = '\0'; /* reported: no carrying over */
      return;
    }
    free(dir);
  }
  mg_digest_finish(d, r->rel_inputs);
}

/* e->inputs for the draft of `build` (draft_fresh): the program itself
 * (its code decides the pages as much as the templates do), the
 * templates, the compiled manual, the HQ rules, the names rule `named`
 * knows, the edition's name and date. */
static void set_inputs(run *r, edition *e) {
  mg_digest *d = mg_digest_new();
  mg_digest_update(d, "manualgen draft inputs 1", 25);
  mg_digest_update(d, r->exe, 32);
  size_t n = 0;
  mg_digest_update(d, e->tpl->digest, 32);
  mg_digest_tree(d, xmlDocGetRootElement(e->manual->doc));
  mg_named_digest(e->manual, d);
  char *path = mg_path_join(r->o->content_dir, "rules.xml");
  char *rules = mg_read_file(path, &n);
  mg_digest_update(d, rules ? rules : "", rules ? n : 0);
  mg_digest_update(d, rules ? "r" : "-", 1);
  free(rules);
  free(path);
  mg_digest_update(d, e->ed.name, strlen(e->ed.name) + 1);
  mg_digest_update(d, e->ed.date, strlen(e->ed.date) + 1);
  mg_digest_finish(d, e->inputs);
}

/* Runs fn over the halls of e. Returns 0, or the signal that stopped it
 * (*stuck: a worker did not come back). */
static int over_halls(run *r, edition *e, hall_fn fn, int *stuck) {
  r->cur = e;
  r->hall = fn;
  return run_halls(r, jobs_for(r, e), stuck);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Readies the PDF engines: the pool (no process yet), the current print
 * templates, the digest of the font files (names and sizes). Returns 0,
 * or -1 after reporting. */
static int setup_pdf(run *r) {
  const mg_build_opts *o = r->o;
  r->cur_tpl = r->tpl;
  if (!r->cur_tpl) { /* a release's handbook: the content was not read */
    const char *lang = "zh-CN";
    xmlChar *l = NULL;
    if (r->neds > 1 && r->eds[0].tpl && r->eds[0].tpl->l10n_doc)
      l = xmlGetProp(xmlDocGetRootElement(r->eds[0].tpl->l10n_doc),
                     BAD_CAST "lang");
    r->cur_tpl = mg_templates_load(o->templates_dir, l ? (char *)l : lang);
    xmlFree(l);
    if (!r->cur_tpl)
      return -1;
    r->own_cur_tpl = 1;
  }
  /* the print drivers of every template set a PDF may be made with */
  int bad = mg_templates_load_print(r->cur_tpl);
  for (size_t k = 0; k < r->neds; k++)
    if (mg_templates_load_print(r->eds[k].tpl))
      bad = -1;
  if (bad)
    return -1;
  mg_digest *d = mg_digest_new();
  DIR *dir = opendir(MG_FONT_DIR);
  mg_strv names = {0};
  for (struct dirent *de; dir && (de = readdir(dir));)
    if (de->d_name[0] != '.')
      mg_strv_push(&names, mg_xstrdup(de->d_name));
  if (dir)
    closedir(dir);
  qsort(names.v, names.n, sizeof *names.v, by_name);
  for (size_t i = 0; i < names.n; i++) {
    char *path = mg_path_join(MG_FONT_DIR, names.v[i]);
    struct stat sb;
    long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
    mg_digest_update(d, names.v[i], strlen(names.v[i]) + 1);
    mg_digest_update(d, &size, sizeof size);
    free(path);
  }
  mg_strv_free(&names);
  mg_digest_finish(d, r->fonts_digest);
  r->glyphs = mg_glyphs_load(MG_FONT_DIR);
  if (!r->glyphs)
    return -1;
  int jobs = o->jobs > 0 ? o->jobs : ncpus();
  r->pdf = mg_pdf_pool_new(o->print_dir ? o->print_dir : "print", jobs);
  return 0;
}

/* `handbook` and `resolve` of a release: which release changed this
 * hall, computed for it alone. */
static void history_for_one(run *r, const char *id) {
  mg_hall_history *h = history_of(r, id);
  for (size_t i = 0; i + 1 < r->neds; i++) {
    edition *e = &r->eds[i];
    if (!mg_release_has_store(e->rel, id))
      continue;
    xmlDocPtr doc = resolve_in(e, id, NULL, 0);
    if (doc) {
      mg_content_digest(doc, h->digest[i]);
      h->has[i] = 1;
    }
    xmlFreeDoc(doc);
  }
}

static void free_editions(run *r) {
  for (size_t k = 0; r->eds && k < r->neds; k++) {
    edition *e = &r->eds[k];
    for (size_t i = 0; i < e->nids; i++) {
      free(e->results[i].id);
      free(e->results[i].feedback_email);
      mg_identity_free(&e->results[i].ident);
      mg_buf_free(&e->results[i].out);
      mg_params_effective_free(e->results[i].eff);
    }
    free(e->results);
    free(e->ids);
    mg_pages_free(&e->pending);
    mg_publish_free(e->pub);
    mg_release_close(e->rel);
  }
  free(r->eds);
}

/* --shard: the record of what shard K published into pub, a folder of
 * edition e (its halls, their files). A hall whose identity the run did
 * not read (it had nothing to do) has it read from its parameters, as
 * build_index does. Returns 0, or -1 after reporting. */
static int put_record(run *r, edition *e, mg_publish *pub, const char *folder) {
  const mg_build_opts *o = r->o;
  const mg_identity **rows = mg_xcalloc(e->nids + 1, sizeof *rows);
  mg_identity *tmp = mg_xcalloc(e->nids + 1, sizeof *tmp);
  for (size_t i = 0; i < e->nids; i++) {
    rows[i] = &e->results[i].ident;
    if (rows[i]->id)
      continue;
    xmlDocPtr eff = e->rel ? mg_release_params(e->rel, e->ids[i])
                           : mg_params_effective(r->params, e->ids[i]);
    if (!eff) {
      free(rows);
      free(tmp);
      return -1;
    }
    mg_params_identity(eff, &tmp[i]);
    if (e->rel)
      xmlFreeDoc(eff);
    else
      mg_params_effective_free(eff);
    rows[i] = &tmp[i];
  }
  mg_strv files = {0};
  mg_publish_list(pub, &files);
  size_t len;
  char *text = mg_shard_record(o->shard_k, o->shard_n, folder, e->ed.date, rows,
                               e->nids, &files, &len);
  char *name = mg_shard_record_name(o->shard_k, o->shard_n);
  int rc = mg_publish_file(pub, name, text, len);
  free(name);
  free(text);
  mg_strv_free(&files);
  for (size_t i = 0; i < e->nids; i++)
    mg_identity_free(&tmp[i]);
  free(tmp);
  free(rows);
  return rc;
}

/* --shard: a record in every folder the shard publishes (the feeds'
 * lists their files only: no index lists the feeds). */
static int put_records(run *r, mg_publish *feeds) {
  int rc = 0;
  for (size_t k = 0; k < r->neds && !rc; k++) {
    edition *e = &r->eds[k];
    rc = put_record(r, e, e->pub, e->ed.name);
    if (!rc && also(r, e))
      rc = put_record(r, e, r->latest, "latest");
  }
  if (!rc && feeds) {
    edition none = {0};
    none.ed = draft(r)->ed;
    rc = put_record(r, &none, feeds, "feeds");
  }
  return rc;
}

/* `index`: the halls of edition e are what the shards' records list
 * (set), in the order of the content (or release) they were built
 * from: every hall of it, none else. Returns 0, or -1 after reporting. */
static int halls_from_records(run *r, edition *e, mg_shard_set *set) {
  const mg_strv *all = e->rel ? &e->rel->store_ids : &r->params->store_ids;
  char *dir = mg_path_join(r->o->out_dir, set->folder);
  xmlHashTablePtr rows = xmlHashCreate(set->nrows + 1);
  for (size_t i = 0; i < set->nrows; i++)
    xmlHashAddEntry(rows, BAD_CAST set->rows[i].id, &set->rows[i]);
  e->ids = mg_xcalloc(all->n + 1, sizeof *e->ids);
  e->results = mg_xcalloc(all->n + 1, sizeof *e->results);
  int rc = 0;
  for (size_t i = 0; i < all->n; i++) {
    mg_identity *row = xmlHashLookup(rows, BAD_CAST all->v[i]);
    if (!row) {
      mg_diag(MG_ERROR, dir, 0, 0,
              "store '%s' of %s %s is in no shard's record: the content "
              "changed since the shards were built; build them again",
              all->v[i], e->rel ? "release" : "the", e->ed.name);
      rc = -1;
      continue;
    }
    hall_result *res = &e->results[e->nids];
    e->ids[e->nids++] = all->v[i];
    res->id = mg_xstrdup(all->v[i]);
    res->ident = *row; /* moved */
    memset(row, 0, sizeof *row);
    res->ok = 1;
  }
  if (!rc && e->nids != set->nrows)
    for (size_t i = 0; i < set->nrows; i++)
      if (set->rows[i].id) {
        mg_diag(MG_ERROR, dir, 0, 0,
                "the shards built store '%s', which %s %s does not have: "
                "the content changed since; build them again",
                set->rows[i].id, e->rel ? "release" : "the", e->ed.name);
        rc = -1;
      }
  xmlHashFree(rows, NULL);
  free(dir);
  return rc;
}

/* `index`: reads every shard record of every folder the shards
 * published (index.c), and writes what a build of every hall writes
 * once: each edition's index (and latest's), the folders' manifests,
 * the editions and feedback pages. Nothing is written unless every
 * record is there and every page was made. Returns 0, or -1 after
 * reporting. */
static int index_all(run *r) {
  const char *out = r->o->out_dir;
  size_t nf = r->neds + (r->releases ? 2 : 0);
  mg_shard_set *sets = mg_xcalloc(nf, sizeof *sets);
  for (size_t k = 0; k < r->neds; k++)
    sets[k].folder = r->eds[k].ed.name;
  if (r->releases) {
    sets[r->neds].folder = "latest";
    sets[r->neds + 1].folder = "feeds";
  }
  unsigned n = 0;
  int lock = mg_shards_lock(out);
  int rc = lock < 0 || mg_shards_read(out, sets, nf, &n) ? -1 : 0;
  for (size_t k = 0; k < r->neds && !rc; k++)
    if (halls_from_records(r, &r->eds[k], &sets[k]))
      rc = -1;
  if (!rc) /* the draft's date is the one its shards printed */
    snprintf(draft(r)->ed.date, sizeof draft(r)->ed.date, "%s",
             sets[r->neds - 1].date);
  for (size_t k = 0; k < r->neds && !rc; k++)
    rc = build_index(r, &r->eds[k]);
  if (!rc && r->releases && !draft(r)->tpl->editions) {
    mg_diag(MG_ERROR, draft(r)->tpl->templates_dir, 0, 0,
            "the templates have no html/editions.xsl for the list of "
            "editions");
    rc = -1;
  }
  for (size_t f = 0; f < nf && !rc; f++) {
    mg_pages none = {0};
    const mg_pages *pg = f < r->neds    ? &r->eds[f].pending
                         : f == r->neds ? &r->latest_pending
                                        : &none;
    rc = mg_shards_write(out, &sets[f], pg);
  }
  if (!rc && r->releases && (build_editions_page(r) || build_feedback_page(r)))
    rc = -1;
  for (size_t f = 0; f < nf; f++)
    mg_shard_set_free(&sets[f]);
  free(sets);
  if (lock >= 0)
    close(lock);
  mg_diag_flush(stderr); /* the warnings, before the summary */
  if (!rc)
    fprintf(stderr, "indexed %zu edition%s built in %u shard%s -> %s/%s\n",
            r->neds, r->neds == 1 ? "" : "s", n, n == 1 ? "" : "s", out,
            r->releases ? "index.html" : "draft/index.html");
  return rc;
}

/* Publishes every staged edition, in order. Returns 0, or -1 after
 * reporting. */
static int commit_all(run *r, mg_publish *feeds) {
  int rc = 0;
  const mg_build_opts *o = r->o;
  int (*shard)(const char *, void *) = o->shard_n ? shard_managed : NULL;
  void *so = (void *)o;
  for (size_t k = 0; k < r->neds && !rc; k++) {
    edition *e = &r->eds[k];
    int partial = !is_release(r, e) && o->nstores;
    /* latest first: the files it keeps are the newest release's, read
     * from that release's published folder before it is replaced */
    if (r->latest && is_release(r, e) && e->index + 1 == r->releases->n &&
        mg_publish_commit(r->latest, shard, so) < 0)
      rc = -1;
    if (!rc && mg_publish_commit(e->pub,
                                 shard     ? shard
                                 : partial ? managed
                                           : NULL,
                                 shard ? so : e) < 0)
      rc = -1;
  }
  if (!rc && feeds && mg_publish_commit(feeds, shard, so) < 0)
    rc = -1;
  /* a shard's halls are not all: `index` writes these */
  if (!rc && r->releases && !shard && build_editions_page(r))
    rc = -1;
  if (!rc && r->releases && !shard && build_feedback_page(r))
    rc = -1;
  return rc;
}

/* The edition named v: a release of the register, or "draft". */
static edition *edition_named(run *r, const char *v) {
  if (!strcmp(v, "draft"))
    return draft(r)->manual ? draft(r) : NULL;
  const mg_release *rel = r->releases ? mg_releases_find(r->releases, v) : NULL;
  return rel ? &r->eds[rel - r->releases->v] : NULL;
}

static const char *status_word(mg_change_kind k) {
  return k == MG_SECTION_ADDED     ? "added"
         : k == MG_SECTION_REMOVED ? "removed"
                                   : "changed";
}

/* `diff V1 V2 [--store ID]`: the sections that differ, one a line on
 * standard output ("changed ID TITLE"). Returns 0 (the same), 1
 * (different) or 2 (errors, reported). */
static int diff_editions(run *r) {
  const mg_build_opts *o = r->o;
  edition *a = edition_named(r, o->from), *b = edition_named(r, o->to);
  if (!a || !b) {
    mg_diag(MG_ERROR, NULL, 0, 0, "there is no release %s",
            !a ? o->from : o->to);
    return 2;
  }
  const char *store = o->nstores ? o->stores[0] : NULL;
  mg_buf out = {0};
  size_t n = 0;
  if (store) {
    /* the hall's handbooks: its parameters and the conditions count */
    int in_a = !a->rel || mg_release_has_store(a->rel, store);
    int in_b = !b->rel || mg_release_has_store(b->rel, store);
    if (!in_a && !in_b) {
      mg_diag(MG_ERROR, NULL, 0, 0, "store '%s' is in neither %s nor %s", store,
              o->from, o->to);
      return 2;
    }
    xmlDocPtr da = in_a ? resolve_in(a, store, NULL, 0) : NULL;
    xmlDocPtr db = in_b ? resolve_in(b, store, NULL, 0) : NULL;
    mg_changes ch = {0};
    int ok =
        (!in_a || da) && (!in_b || db) && mg_diff_manuals(da, db, &ch) == 0;
    for (size_t i = 0; ok && i < ch.n; i++) {
      if (ch.v[i].kind == MG_SECTION_UNCHANGED)
        continue;
      mg_buf_printf(&out, "%-8s %s  %s\n", status_word(ch.v[i].kind),
                    ch.v[i].id, ch.v[i].title ? ch.v[i].title : "");
      n++;
    }
    mg_changes_free(&ch);
    xmlFreeDoc(da);
    xmlFreeDoc(db);
    if (!ok) {
      mg_buf_free(&out);
      return 2;
    }
  } else {
    /* the manual itself, the same for every hall */
    mg_strv added = {0}, changed = {0}, removed = {0};
    mg_manual_changes(a->manual, b->manual, &added, &changed, &removed);
    const mg_strv *lists[] = {&changed, &added, &removed};
    const char *words[] = {"changed", "added", "removed"};
    for (size_t l = 0; l < 3; l++)
      for (size_t i = 0; i < lists[l]->n; i++) {
        const mg_manual *m = l == 2 ? a->manual : b->manual;
        int k = mg_manual_section_index(m, lists[l]->v[i]);
        char *title = mg_manual_section_title(m, k);
        mg_buf_printf(&out, "%-8s %s  %s\n", words[l], lists[l]->v[i], title);
        free(title);
        n++;
      }
    mg_strv_free(&added);
    mg_strv_free(&changed);
    mg_strv_free(&removed);
  }
  mg_write_stdout(out.data, out.len);
  mg_buf_free(&out);
  fprintf(stderr, "%zu section%s differ%s between %s and %s%s%s\n", n,
          n == 1 ? "" : "s", n == 1 ? "s" : "", o->from, o->to,
          store ? " for store " : "", store ? store : "");
  return n ? 1 : 0;
}

int mg_build(const mg_build_opts *o) {
  double t0 = mg_now();
  run r = {0};
  r.o = o;
  pthread_mutex_init(&r.progress_lock, NULL);
  int rc = 1, sig = 0, stuck = 0;
  mg_publish *feeds = NULL;
  sigset_t set, old;
  stop_signals(&set);
  /* from here on, a signal is read by run_halls, never delivered */
  pthread_sigmask(SIG_BLOCK, &set, &old);
  if (load(&r) != 0) {
    mg_diag_flush(stderr);
    if (o->cmd == MG_DIFF)
      rc = 2;
    else
      fprintf(stderr, "%s failed: %d error%s; nothing was written\n",
              o->cmd == MG_CHECK   ? "check"
              : o->cmd == MG_INDEX ? "index"
                                   : "build",
              mg_diag_printed_errors(),
              mg_diag_printed_errors() == 1 ? "" : "s");
    goto cleanup;
  }
  /* a shape's pages are kept up to 64 MB (some 40 shapes of the sample) */
  if (o->cmd == MG_BUILD && !o->no_splice)
    r.splicer = mg_splicer_new((size_t)64 << 20);
  if (((o->cmd == MG_BUILD && !o->no_pdf) ||
       (o->cmd == MG_HANDBOOK && o->pdf)) &&
      setup_pdf(&r)) {
    mg_diag_flush(stderr);
    goto cleanup;
  }
  edition *d = draft(&r);
  if (o->cmd == MG_DIFF) {
    rc = diff_editions(&r);
    mg_diag_flush(stderr);
    goto cleanup;
  }
  if (o->cmd == MG_INDEX) {
    rc = index_all(&r) ? 1 : 0;
    mg_diag_flush(stderr);
    if (rc)
      fprintf(stderr, "index failed: %d error%s; nothing was written\n",
              mg_diag_printed_errors(),
              mg_diag_printed_errors() == 1 ? "" : "s");
    goto cleanup;
  }
  if (o->cmd == MG_HANDBOOK || o->cmd == MG_RESOLVE) {
    /* one hall, of the draft or of a release */
    edition *e = d;
    if (o->release) {
      const mg_release *rel = mg_releases_find(r.releases, o->release);
      if (!rel) {
        mg_diag(MG_ERROR, NULL, 0, 0, "there is no release %s", o->release);
        mg_diag_flush(stderr);
        goto cleanup;
      }
      e = &r.eds[rel - r.releases->v];
      if (!mg_release_has_store(e->rel, o->stores[0])) {
        mg_diag(MG_ERROR, NULL, 0, 0, "release %s has no store '%s'",
                o->release, o->stores[0]);
        mg_diag_flush(stderr);
        goto cleanup;
      }
      history_for_one(&r, o->stores[0]);
    }
    e->ids = mg_xcalloc(1, sizeof *e->ids);
    e->ids[e->nids++] = o->stores[0];
    e->results = mg_xcalloc(1, sizeof *e->results);
    sig = over_halls(&r, e, one_hall, &stuck);
  } else {
    for (size_t k = 0; k < r.neds; k++)
      select_halls(&r, &r.eds[k]);
    if (o->cmd == MG_BUILD && !mg_diag_errors()) {
      for (size_t k = 0; k < r.neds && !mg_diag_errors(); k++)
        r.eds[k].pub = mg_publish_begin(o->out_dir, r.eds[k].ed.name);
      if (r.releases && !mg_diag_errors()) {
        r.latest = mg_publish_begin(o->out_dir, "latest");
        feeds = mg_publish_begin(o->out_dir, "feeds");
      }
    }
    int publishing = o->cmd == MG_BUILD && !mg_diag_errors();
    /* which release changed which hall: every release read first */
    for (size_t k = 0; k + 1 < r.neds && !sig; k++)
      for (size_t i = 0; i < r.eds[k].nids; i++)
        history_of(&r, r.eds[k].ids[i]);
    /* what the program is: its code decides the pages as much as the
     * templates do */
    if (publishing) {
      size_t n = 0;
      char *exe = mg_read_file("/proc/self/exe", &n);
      mg_hash_hex(exe ? exe : MG_VERSION, exe ? n : sizeof MG_VERSION, r.exe);
      free(exe);
      if (r.releases)
        set_release_inputs(&r);
    }
    /* releases: their halls carried over first when nothing of them
     * changed; the history only when some hall must be made again */
    int all_fresh = 1;
    for (size_t k = 0; k + 1 < r.neds && !sig && publishing; k++) {
      if (r.rel_inputs[0] && !mg_diag_errors())
        sig = over_halls(&r, &r.eds[k], release_probe, &stuck);
      for (size_t i = 0; i < r.eds[k].nids; i++)
        all_fresh &= r.eds[k].results[i].up_to_date;
    }
    /* the feeds need the history too, when they are made again */
    r.feeds_kept = feeds && feeds_kept(&r, feeds, r.feeds_digest);
    if (feeds && !r.feeds_kept)
      all_fresh = 0;
    for (size_t k = 0; k + 1 < r.neds && !sig && publishing && !all_fresh; k++)
      sig = over_halls(&r, &r.eds[k], history_hall, &stuck);
    /* then every edition's halls; a build that will fail still checks
     * every hall, to report every mistake */
    if (publishing && d->manual && !mg_diag_errors())
      set_inputs(&r, d);
    for (size_t k = 0; k < r.neds && !sig; k++) {
      edition *e = &r.eds[k];
      if (o->cmd == MG_CHECK && e != d)
        continue;
      sig = over_halls(
          &r, e, publishing && !mg_diag_errors() ? build_hall : check_hall,
          &stuck);
    }
  }
  if (o->progress)
    fputs("\r\033[K", stderr);
  if (!sig && o->cmd == MG_BUILD && !mg_diag_errors()) {
    /* a shard's halls are not all: its record instead (`index`) */
    for (size_t k = 0; k < r.neds && !mg_diag_errors() && !o->shard_n; k++)
      build_index(&r, &r.eds[k]);
    if (feeds && !mg_diag_errors())
      build_feeds(&r, feeds);
    if (o->shard_n && !mg_diag_errors())
      put_records(&r, feeds);
  }
  if (!sig)
    sig = pending_signal(); /* a last look before anything is published */
  if (sig) {
    /* a worker that did not come back may still be writing through the
     * publish objects: then they are only read, the folders removed */
    void (*drop)(mg_publish *) = stuck ? mg_publish_abandon : mg_publish_abort;
    for (size_t k = 0; k < r.neds; k++)
      drop(r.eds[k].pub);
    drop(r.latest);
    drop(feeds);
    mg_diag_flush(stderr);
    fprintf(stderr, "interrupted; nothing was written\n");
    rc = 128 + sig;
    if (stuck) /* a worker is blocked: its resources cannot be freed */
      _exit(rc);
    goto cleanup;
  }
  rc = mg_diag_errors() ? 1 : 0;
  if (o->cmd == MG_BUILD) {
    if (rc || commit_all(&r, feeds) < 0)
      rc = 1;
  } else if (rc == 0 && (o->cmd == MG_HANDBOOK || o->cmd == MG_RESOLVE)) {
    rc = write_result(&r);
  }
  mg_diag_flush(stderr);
  summary(&r, rc, mg_now() - t0);
cleanup:
  if (r.splicer && getenv("MANUALGEN_SPLICE_STATS")) {
    size_t a, b, c, made, bodies;
    mg_splicer_stats(r.splicer, &a, &b, &c);
    mg_splicer_bodies(r.splicer, &made, &bodies);
    fprintf(stderr,
            "splice: %zu shapes rendered, %zu halls spliced, %zu "
            "through the stylesheets; %zu of %zu section bodies made\n",
            a, b, c, made, bodies);
  }
  mg_splicer_free(r.splicer);
  mg_pdf_pool_free(r.pdf);
  mg_glyphs_free(r.glyphs);
  if (r.own_cur_tpl)
    mg_templates_free(r.cur_tpl);
  mg_publish_free(r.latest);
  mg_publish_free(feeds);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  free_editions(&r);
  mg_pages_free(&r.latest_pending);
  xmlHashFree(r.history, free_history);
  mg_ledger_free(r.ledger);
  mg_rules_free(r.rules);
  mg_releases_free(r.releases);
  mg_templates_free(r.tpl);
  mg_tree_free(r.tree);
  mg_params_free(r.params);
  pthread_mutex_destroy(&r.progress_lock);
  return rc;
}
