/* main.c -- runs the command the command line names (cli.c parses it):
 * build, check, handbook and resolve over the halls (build.c), and index
 * (build.c, index.c), which joins the outputs of shards; render and
 * params, which look at one section or one hall; feedback, the ledger of
 * what the halls reported (feedback.c); serve, the preview server
 * (serve.c). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxslt/xslt.h>

#include "manualgen.h"

#ifndef MG_DATADIR
#define MG_DATADIR "/usr/local/share/manualgen"
#endif

static int is_dir(const char *p) {
  struct stat sb;
  return p && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A path below the current folder is shown relative to it in messages. */
static char *relative(char *path) {
  char cwd[PATH_MAX];
  char *real = realpath(path, NULL);
  if (!real || !getcwd(cwd, sizeof cwd)) {
    free(real);
    return path;
  }
  size_t l = strlen(cwd);
  if (!strncmp(real, cwd, l) && real[l] == '/') {
    char *r = mg_xstrdup(real + l + 1);
    free(real);
    free(path);
    return r;
  }
  free(real);
  return path;
}

/* --templates, $MANUALGEN_TEMPLATES, next to the program (a build tree),
 * PREFIX/share/manualgen/templates (an installed program). */
static char *find_templates_dir(const char *opt);
static char *find_templates(const char *opt) {
  return relative(find_templates_dir(opt));
}

static char *find_templates_dir(const char *opt) {
  if (opt)
    return mg_xstrdup(opt);
  const char *env = getenv("MANUALGEN_TEMPLATES");
  if (env && *env)
    return mg_xstrdup(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *dir = mg_path_dir(exe);
    char *cand = mg_path_join(dir, "templates");
    if (is_dir(cand)) {
      free(dir);
      return cand;
    }
    free(cand);
    cand = mg_path_join(dir, "../share/manualgen/templates");
    free(dir);
    if (is_dir(cand))
      return cand;
    free(cand);
  }
  return mg_xstrdup(MG_DATADIR "/templates");
}

/* The PDF engine (worker.mjs and its node_modules): $MANUALGEN_PRINT_DIR,
 * next to the program (a build tree), PREFIX/share/manualgen/print. It
 * belongs to the program, not to the templates: --templates does not move
 * it. */
static char *find_print_dir(void) {
  const char *env = getenv("MANUALGEN_PRINT_DIR");
  if (env && *env)
    return mg_xstrdup(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *dir = mg_path_dir(exe);
    const char *tries[] = {"print", "../share/manualgen/print"};
    for (size_t i = 0; i < 2; i++) {
      char *cand = mg_path_join(dir, tries[i]);
      if (is_dir(cand)) {
        free(dir);
        return cand;
      }
      free(cand);
    }
    free(dir);
  }
  return mg_xstrdup(MG_DATADIR "/print");
}

/* Standard output that was closed when we started: fd 1 then points at
 * /dev/null, opened read-only, so that no file we open takes its number
 * and every write to it fails (and is reported). */
static int stdout_closed;

static void guard_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    int n = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
    if (n >= 0 && n != fd) {
      dup2(n, fd);
      close(n);
    }
    if (fd == 1)
      stdout_closed = 1;
  }
}

/* A full disk or a closed standard output is an error like any other. */
static int finish_stdout(int rc) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout) && !mg_stdout_errno())
    return rc;
  int err = mg_stdout_errno() ? mg_stdout_errno() : errno;
  fprintf(stderr, "manualgen: error: cannot write to standard output: %s\n",
          stdout_closed ? "it is closed"
          : err         ? strerror(err)
                        : "write error");
  return rc && rc != 2 ? rc : 1;
}

static int usage_error(const mg_cli *c) {
  fprintf(stderr, "manualgen: %s\n\n%s", c->error,
          c->cmd ? c->cmd->usage : mg_usage_main);
  return 2;
}

/* What every command needs once its arguments are parsed: the content
 * folder, the templates, and the two folders (only those) opened to the
 * XML loader. Returns 0, or 2 after a usage error. */
static int setup(mg_cli *c, char **tpl) {
  if (!is_dir(c->content)) {
    free(c->error);
    c->error = mg_xasprintf("no content folder '%s'", c->content);
    return usage_error(c);
  }
  *tpl = find_templates(c->templates);
  mg_safe_allow_root(c->content);
  mg_safe_allow_root(*tpl);
  return 0;
}

static int cmd_halls(mg_cli *c, const char *tpl) {
  static const mg_command kinds[] = {
      [MG_CMD_BUILD] = MG_BUILD,     [MG_CMD_DIFF] = MG_DIFF,
      [MG_CMD_CHECK] = MG_CHECK,     [MG_CMD_HANDBOOK] = MG_HANDBOOK,
      [MG_CMD_RESOLVE] = MG_RESOLVE, [MG_CMD_INDEX] = MG_INDEX};
  mg_build_opts o = {0};
  o.cmd = kinds[c->cmd->kind];
  o.content_dir = c->content;
  o.templates_dir = tpl;
  o.out_dir = c->out ? c->out : "output";
  o.stores = c->stores;
  o.nstores = c->nstores;
  if (o.cmd == MG_DIFF) {
    o.from = c->arg;
    o.to = c->arg2;
  } else if (c->arg) { /* handbook ID, resolve ID */
    o.stores = &c->arg;
    o.nstores = 1;
  }
  o.jobs = c->jobs;
  o.output = c->output;
  o.release = c->release;
  o.no_pdf = c->no_pdf;
  o.no_splice = c->no_splice;
  o.pdf = c->pdf;
  o.shard_k = c->shard_k;
  o.shard_n = c->shard_n;
  char *print_dir = find_print_dir();
  o.print_dir = print_dir;
  if (o.cmd == MG_HANDBOOK)
    o.post = c->post;
  o.progress = o.cmd == MG_BUILD && isatty(2);
  int rc = mg_build(&o);
  free(print_dir);
  return rc;
}

/* `serve`: the preview server (serve.c). */
static int cmd_serve(mg_cli *c, const char *tpl) {
  mg_serve_opts o = {0};
  o.content_dir = c->content;
  o.out_dir = c->out ? c->out : "output";
  o.templates_dir = tpl;
  o.stores = c->stores;
  o.nstores = c->nstores;
  o.port = c->port >= 0 ? c->port : 8000;
  return mg_serve(&o);
}

static int cmd_params(mg_cli *c, const char *tpl) {
  mg_params *p = mg_params_load(c->content, tpl);
  xmlDocPtr eff =
      p && !mg_diag_errors() ? mg_params_effective(p, c->arg) : NULL;
  if (eff) {
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
      abort();
    mg_params_print(eff, mem);
    fclose(mem);
    mg_write_stdout(text, len);
    free(text);
    mg_params_effective_free(eff);
  }
  int rc = eff && !mg_diag_errors() ? 0 : 1;
  mg_diag_flush(stderr);
  mg_params_free(p);
  return rc;
}

/* `compile`: the compiled manual, when the content has no error. */
static int cmd_compile(mg_cli *c, const char *tpl) {
  int rc = 1;
  mg_params *p = mg_params_load(c->content, tpl);
  mg_outline *o = p ? mg_outline_load(c->content) : NULL;
  mg_tree *t = o ? mg_tree_parse(o, c->content, p->names) : NULL;
  if (!t)
    mg_outline_free(o);
  if (t && t->manual && !mg_diag_errors()) {
    size_t len;
    char *text = mg_manual_serialize(t->manual, &len);
    if (c->output && strcmp(c->output, "-"))
      rc = mg_write_atomic(c->output, text, len) ? 1 : 0;
    else
      rc = mg_write_stdout(text, len) ? 1 : 0;
    free(text);
  }
  mg_diag_flush(stderr);
  mg_tree_free(t);
  mg_params_free(p);
  return rc;
}

/* `publish VERSION`. */
static int cmd_publish(mg_cli *c, const char *tpl) {
  mg_release_opts o = {0};
  o.content_dir = c->content;
  o.templates_dir = tpl;
  o.version = c->arg;
  o.notes = c->notes;
  mg_edition ed;
  mg_edition_init(&ed, c->arg); /* SOURCE_DATE_EPOCH's day, or today */
  o.date = c->date ? c->date : ed.date;
  /* --resolves FB-0003,FB-0007 (spaces allowed too) */
  mg_strv ids = {0};
  for (const char *p = c->resolves ? c->resolves : ""; *p;) {
    while (*p == ',' || *p == ' ')
      p++;
    const char *e = p;
    while (*e && *e != ',' && *e != ' ')
      e++;
    if (e > p)
      mg_strv_push(&ids, mg_xstrndup(p, (size_t)(e - p)));
    p = e;
  }
  o.resolves = (const char **)ids.v;
  o.nresolves = ids.n;
  int rc = mg_publish_release(&o);
  mg_diag_flush(stderr);
  mg_strv_free(&ids);
  return rc;
}

/* True when n or a node below it carries expressions (compile.c). */
static int has_expressions(xmlNodePtr n) {
  if (n->_private)
    return 1;
  for (xmlNodePtr k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && has_expressions(k))
      return 1;
  return 0;
}

/* `render`: one section for one hall, as the author edits it. */
static int cmd_render(mg_cli *c, const char *tpl) {
  const char *store = c->nstores ? c->stores[0] : NULL;
  int rc = 1;
  mg_params *p = mg_params_load(c->content, tpl);
  mg_outline *o = p ? mg_outline_load(c->content) : NULL;
  mg_tree *t = o ? mg_tree_parse(o, c->content, p->names) : NULL;
  mg_templates *tp = t ? mg_templates_load(tpl, o->lang) : NULL;
  xmlDocPtr eff = NULL;
  if (!tp)
    goto done;
  struct stat sb;
  int st = stat(c->arg, &sb);
  if (st != 0 || !S_ISREG(sb.st_mode)) {
    const char *why = st ? strerror(errno) : mg_file_kind(sb.st_mode);
    mg_diag_keep_file(NULL);
    mg_diag(MG_ERROR, c->arg, 0, 0, "cannot read: %s%s", st ? "" : "it is ",
            why);
    goto done;
  }
  /* errors elsewhere in the manual are not this preview's business */
  mg_section *s = mg_tree_find_section_by_file(t, c->arg);
  mg_diag_keep_file(s ? s->file : NULL);
  if (!s)
    s = mg_tree_add_file(t, c->arg);
  if (!store && has_expressions(s->el) && p->store_ids.n) {
    store = p->store_ids.v[0];
    fprintf(stderr,
            "manualgen: note: previewing for store '%s' (choose with "
            "--store)\n",
            store);
  }
  eff = store ? mg_params_effective(p, store) : NULL;
  if (store && !eff)
    goto done;
  const mg_expr_list *applies = s->el->_private;
  if (eff && applies && applies->v[0]) {
    xmlXPathContextPtr xp = mg_expr_context_new(eff);
    int yes = mg_expr_bool(xp, applies->v[0], store);
    xmlXPathFreeContext(xp);
    if (yes == 0) {
      /* the hall's handbook has nothing of it: nothing to preview, and
       * its placeholders need not select anything there */
      fprintf(stderr,
              "manualgen: note: store '%s' leaves this section out "
              "(applies-to: %s); nothing to show\n",
              store, s->fm.applies_to);
      rc = mg_diag_errors() ? 1 : 0;
      goto done;
    }
  }
  if (!mg_diag_errors() && s->body) {
    xmlDocPtr doc = mg_resolve_section(t->manual, s->el, eff, store);
    if (doc) {
      char *html = mg_transform_fragment(tp->body, doc);
      if (html && !mg_diag_errors()) {
        rc = mg_write_stdout(html, strlen(html)) ? 1 : 0;
      }
      free(html);
      xmlFreeDoc(doc);
    }
  }
  if (mg_diag_errors())
    rc = 1;
done:
  mg_params_effective_free(eff);
  mg_diag_flush(stderr);
  mg_templates_free(tp);
  if (t)
    mg_tree_free(t);
  else
    mg_outline_free(o);
  mg_params_free(p);
  return rc;
}

/* ---------------------------------------------------------- feedback */

/* What a feedback command may need of the content: the halls, and the
 * sections with their headings. */
typedef struct {
  mg_params *p;
  mg_outline *o;
  mg_tree *t; /* owns o once parsed */
} fb_content;

static void fb_content_load(fb_content *ct, const mg_cli *c, const char *tpl) {
  ct->p = mg_params_load(c->content, tpl);
  ct->o = ct->p ? mg_outline_load(c->content) : NULL;
  ct->t = ct->o ? mg_tree_parse(ct->o, c->content, ct->p->names) : NULL;
}

static void fb_content_free(fb_content *ct) {
  if (ct->t)
    mg_tree_free(ct->t);
  else
    mg_outline_free(ct->o);
  mg_params_free(ct->p);
}

/* The ledger, when it loaded without an error: a change waits until
 * every file of it is sound. NULL after reporting. */
static mg_ledger *fb_ledger_to_change(const mg_cli *c, const char *tpl,
                                      const char *what) {
  mg_ledger *l = mg_ledger_load(c->content, tpl);
  if (l && l->nbad) {
    mg_diag_flush(stderr); /* what is wrong, then what it means */
    mg_diag(MG_ERROR, NULL, 0, 0,
            "the feedback ledger has errors (above); correct them first: "
            "nothing was %s",
            what);
    mg_ledger_free(l);
    l = NULL;
  }
  return l;
}

/* `feedback add`: checked against the content first. The content's own
 * mistakes are `check`'s business; they are shown only when they keep
 * the report from being checked. */
static int fb_add(const mg_cli *c, const char *tpl) {
  fb_content ct = {0};
  mg_ledger *l = NULL;
  char *slug = NULL, *id = NULL;
  const char *hash = strchr(c->section, '#');
  char *section = mg_xstrndup(c->section, hash ? (size_t)(hash - c->section)
                                               : strlen(c->section));
  mg_fb_report r = {c->stores[0], c->post, section, hash ? hash + 1 : NULL,
                    c->text};
  fb_content_load(&ct, c, tpl);
  if (mg_fb_check_report(ct.p, ct.t, &r, &slug) != 0)
    goto done;
  free(mg_diag_take_text());
  r.heading = slug;
  l = fb_ledger_to_change(c, tpl, "added");
  mg_edition ed;
  mg_edition_init(&ed, "feedback");
  id = l ? mg_ledger_add(l, &r, ed.date) : NULL;
  if (id) {
    mg_write_stdout(id, strlen(id));
    mg_write_stdout("\n", 1);
  }
done:
  mg_diag_flush(stderr);
  free(id);
  free(slug);
  free(section);
  mg_ledger_free(l);
  fb_content_free(&ct);
  return mg_diag_printed_errors() ? 1 : 0;
}

static int names_store(const mg_ledger *l, const char *id) {
  for (size_t i = 0; id && i < l->n; i++)
    if (!strcmp(l->items[i]->store, id))
      return 1;
  return !id;
}

static int names_section(const mg_ledger *l, const char *id) {
  for (size_t i = 0; id && i < l->n; i++)
    if (!strcmp(l->items[i]->section, id))
      return 1;
  return !id;
}

/* `feedback list`: what the ledger holds. A --store or --section that no
 * item names must at least be the content's, or it is a typo. */
static int fb_list(const mg_cli *c, const char *tpl) {
  fb_content ct = {0};
  mg_fb_filter f = {c->status ? mg_fb_status_parse(c->status) : -1,
                    c->nstores ? c->stores[0] : NULL, c->section};
  mg_ledger *l = mg_ledger_load(c->content, tpl);
  if (!l)
    goto done;
  if (!names_store(l, f.store) || !names_section(l, f.section)) {
    /* the content is only asked what it has: its mistakes are check's */
    mg_diag_flush(stderr);
    fb_content_load(&ct, c, tpl);
    free(mg_diag_take_text());
    if (mg_fb_check_filter(l, ct.p, ct.t, &f) != 0)
      goto done;
  }
  mg_buf out = {0};
  mg_ledger_list(l, &f, &out);
  if (out.len)
    mg_write_stdout(out.data, out.len);
  mg_buf_free(&out);
done:
  mg_diag_flush(stderr);
  mg_ledger_free(l);
  fb_content_free(&ct);
  return mg_diag_printed_errors() ? 1 : 0;
}

static int fb_show(const mg_cli *c, const char *tpl) {
  mg_ledger *l = mg_ledger_load(c->content, tpl);
  mg_buf out = {0};
  if (l && mg_ledger_show(l, c->item, &out) == 0)
    mg_write_stdout(out.data, out.len);
  mg_buf_free(&out);
  mg_diag_flush(stderr);
  mg_ledger_free(l);
  return mg_diag_printed_errors() ? 1 : 0;
}

static int fb_answer(const mg_cli *c, const char *tpl) {
  mg_fb_status to = strcmp(c->sub, "accept") ? MG_FB_REJECTED : MG_FB_ACCEPTED;
  mg_ledger *l = fb_ledger_to_change(c, tpl, "changed");
  if (l) {
    mg_edition ed;
    mg_edition_init(&ed, "feedback");
    mg_ledger_answer(l, c->item, to, c->answer, ed.date);
  }
  mg_diag_flush(stderr);
  mg_ledger_free(l);
  return mg_diag_printed_errors() ? 1 : 0;
}

/* `feedback page`: the page stands alone (its stylesheet inside), so
 * that it can be mailed or opened from anywhere. Like a build, it needs
 * content without errors, and writes nothing otherwise. */
static int fb_page(const mg_cli *c, const char *tpl) {
  fb_content ct = {0};
  mg_templates *tp = NULL;
  mg_ledger *l = NULL;
  mg_pages pages = {0};
  fb_content_load(&ct, c, tpl);
  if (ct.t && !mg_diag_errors())
    tp = mg_templates_load(tpl, ct.t->outline->lang);
  if (tp && !mg_diag_errors())
    l = mg_ledger_load(c->content, tpl);
  if (!l || mg_diag_errors())
    goto done;
  mg_edition ed;
  mg_edition_init(&ed, "feedback");
  mg_fb_page_opts o = {
      ct.t->outline->title, ct.t->outline->lang, ed.date, NULL, ct.t, ct.p};
  if (mg_ledger_page(l, tp, &o, &pages) != 0 || pages.n != 1 ||
      mg_diag_errors())
    goto done;
  if (c->output && strcmp(c->output, "-"))
    mg_write_atomic(c->output, pages.v[0].data, pages.v[0].len);
  else
    mg_write_stdout(pages.v[0].data, pages.v[0].len);
done:
  mg_diag_flush(stderr);
  mg_pages_free(&pages);
  mg_ledger_free(l);
  mg_templates_free(tp);
  fb_content_free(&ct);
  return mg_diag_printed_errors() ? 1 : 0;
}

static int cmd_feedback(const mg_cli *c, const char *tpl) {
  switch (c->sub[0]) {
  case 'a':
    return strcmp(c->sub, "add") ? fb_answer(c, tpl) : fb_add(c, tpl);
  case 'l':
    return fb_list(c, tpl);
  case 's':
    return fb_show(c, tpl);
  case 'r':
    return fb_answer(c, tpl);
  default:
    return fb_page(c, tpl);
  }
}

static int run(int argc, char **argv) {
  mg_cli c;
  int rc = mg_cli_parse(argc, argv, &c);
  if (rc == -1) {
    if (c.version)
      printf("manualgen %s\n", MG_VERSION);
    else
      fputs(c.cmd ? c.cmd->usage : mg_usage_main, stdout);
    rc = 0;
  } else if (rc == 2) {
    rc = usage_error(&c);
  } else {
    char *tpl = NULL;
    if (c.json)
      mg_diag_json();
    rc = setup(&c, &tpl);
    if (rc == 0) {
      switch (c.cmd->kind) {
      case MG_CMD_RENDER:
        rc = cmd_render(&c, tpl);
        break;
      case MG_CMD_PARAMS:
        rc = cmd_params(&c, tpl);
        break;
      case MG_CMD_COMPILE:
        rc = cmd_compile(&c, tpl);
        break;
      case MG_CMD_PUBLISH:
        rc = cmd_publish(&c, tpl);
        break;
      case MG_CMD_FEEDBACK:
        rc = cmd_feedback(&c, tpl);
        break;
      case MG_CMD_SERVE:
        rc = cmd_serve(&c, tpl);
        break;
      default:
        rc = cmd_halls(&c, tpl);
        break;
      }
    }
    free(tpl);
  }
  mg_cli_free(&c);
  return rc;
}

int main(int argc, char **argv) {
  guard_std_fds();
  xmlInitParser();
  exsltRegisterAll();
  mg_safe_init();
  mg_diag_install_xml_handlers();
  int rc = finish_stdout(run(argc, argv));
  xsltCleanupGlobals();
  xmlCleanupParser();
  return rc;
}
