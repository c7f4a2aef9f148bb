/* main.c -- the command line: build, check, render, params, handbook. */
#define _DEFAULT_SOURCE
#include <getopt.h>
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

static const char *usage_main =
    "usage: manualgen COMMAND [OPTIONS]\n"
    "\n"
    "Builds each store's tailored service-hall handbook from Markdown\n"
    "sections and store parameters.\n"
    "\n"
    "commands:\n"
    "  build     build every store's handbook (the draft edition)\n"
    "  check     validate the content; write nothing\n"
    "  render    print one section's resolved HTML (an author's preview)\n"
    "  params    print a store's effective parameters and their origins\n"
    "  handbook  write one store's single-page handbook\n"
    "  resolve   print a store's resolved manual (the stylesheets' input)\n"
    "\n"
    "options for every command:\n"
    "  --content DIR     the content folder (default: content)\n"
    "  --templates DIR   the templates folder (default: found next to the\n"
    "                    program, or MANUALGEN_TEMPLATES)\n"
    "  -h, --help        help for a command: manualgen COMMAND --help\n"
    "  --version         print the version\n"
    "\n"
    "Exit status: 0 success, 1 errors in the content, 2 usage errors.\n";

static const char *usage_build =
    "usage: manualgen build [--content DIR] [--out DIR] [--store ID]...\n"
    "                       [--jobs N]\n"
    "\n"
    "Builds the draft edition into OUT/draft (default output/draft):\n"
    "  index.html                  every store, its city and type\n"
    "  stores/ID/index.html        the store's handbook: contents page,\n"
    "  stores/ID/CHAPTER.html      one page per chapter\n"
    "  stores/ID/handbook.html     the same handbook as one printable page\n"
    "Nothing is written unless the whole build succeeds; on Ctrl-C the\n"
    "build stops and removes what it had staged. A store whose resolved\n"
    "manual and templates are unchanged since its last build is skipped\n"
    "(stores/ID/.manualgen-build records what it was built from); pages\n"
    "of chapters or stores that no longer exist are removed.\n"
    "--store limits the build to the given stores (repeatable). --jobs sets\n"
    "the number of threads (default: one per CPU). The date of the edition\n"
    "is today, or SOURCE_DATE_EPOCH when set.\n";

static const char *usage_check =
    "usage: manualgen check [--content DIR]\n"
    "\n"
    "Validates the outline, every section, every store's parameters and\n"
    "every store's handbook (conditions, placeholders, cross references),\n"
    "and reports every problem as FILE:LINE:COL: error|warning: MESSAGE.\n"
    "Writes nothing. Exit status 1 when there is an error.\n";

static const char *usage_render =
    "usage: manualgen render FILE.md [--store ID] [--content DIR]\n"
    "\n"
    "Prints the HTML body of one section, resolved for a store (conditions,\n"
    "placeholders, links). Without --store, the first store is used when\n"
    "the section needs one. FILE.md need not be listed in the outline.\n";

static const char *usage_params =
    "usage: manualgen params ID [--content DIR]\n"
    "\n"
    "Prints the effective parameters of store ID, one value a line, as the\n"
    "path to use in an expression, the value, and the file and line that\n"
    "set it (defaults, city or store).\n";

static const char *usage_handbook =
    "usage: manualgen handbook ID [-o FILE] [--content DIR]\n"
    "\n"
    "Writes store ID's single-page handbook to FILE (atomically), or to\n"
    "standard output.\n";

static const char *usage_resolve =
    "usage: manualgen resolve ID [--content DIR]\n"
    "\n"
    "Prints the manual resolved for store ID: the XML document every\n"
    "stylesheet driver receives (docs/design.md), for template authors.\n";

static int usage_error(const char *cmd_usage, const char *fmt,
                       const char *arg) {
  fputs("manualgen: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n\n", stderr);
  fputs(cmd_usage, stderr);
  return 2;
}

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

enum {
  OPT_CONTENT = 1000,
  OPT_TEMPLATES,
  OPT_OUT,
  OPT_STORE,
  OPT_JOBS,
  OPT_VERSION
};

static const struct option longopts[] = {
    {"content", required_argument, NULL, OPT_CONTENT},
    {"templates", required_argument, NULL, OPT_TEMPLATES},
    {"out", required_argument, NULL, OPT_OUT},
    {"store", required_argument, NULL, OPT_STORE},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

typedef struct {
  const char *content, *templates, *out, *output;
  const char **stores;
  size_t nstores;
  int jobs;
  const char *arg; /* the one positional argument */
  char *tpl;       /* the templates folder (owned) */
} args;

static int parse_args(int argc, char **argv, const char *cmd_usage,
                      int want_arg, args *a) {
  memset(a, 0, sizeof *a);
  a->content = "content";
  a->stores = mg_xcalloc((size_t)argc, sizeof *a->stores);
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_CONTENT:
      a->content = optarg;
      break;
    case OPT_TEMPLATES:
      a->templates = optarg;
      break;
    case OPT_OUT:
      a->out = optarg;
      break;
    case 'o':
      a->output = optarg;
      break;
    case OPT_STORE:
      if (!mg_is_id(optarg))
        return usage_error(cmd_usage,
                           "invalid store id '%s' (lowercase letters, "
                           "digits and '-')",
                           optarg);
      a->stores[a->nstores++] = optarg;
      break;
    case OPT_JOBS: {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (*end || j < 1 || j > 256)
        return usage_error(cmd_usage,
                           "--jobs takes a number from 1 to 256, "
                           "not '%s'",
                           optarg);
      a->jobs = (int)j;
      break;
    }
    case 'h':
      fputs(cmd_usage, stdout);
      return -1;
    case OPT_VERSION:
      printf("manualgen %s\n", MG_VERSION);
      return -1;
    case ':':
      return usage_error(cmd_usage, "option '%s' needs a value",
                         argv[optind - 1]);
    default:
      return usage_error(cmd_usage, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (want_arg) {
    if (optind >= argc)
      return usage_error(cmd_usage, "%s", "missing argument");
    a->arg = argv[optind++];
  }
  if (optind < argc)
    return usage_error(cmd_usage, "unexpected argument '%s'", argv[optind]);
  if (!is_dir(a->content))
    return usage_error(cmd_usage, "no content folder '%s'", a->content);
  return 0;
}

enum { NO_ARG, ANY_ARG, STORE_ARG };

/* The prologue of every command: parses the arguments, finds the
 * templates and opens the content and templates folders (only those) to
 * the XML loader. Returns 1 to go on, or 0 with *code set to the exit
 * status to end with (0 after --help or --version, 2 on a usage error).
 * On 1, the caller frees a with args_free. */
static int setup(int argc, char **argv, const char *usage, int want, args *a,
                 int *code) {
  int rc = parse_args(argc, argv, usage, want != NO_ARG, a);
  if (!rc && want == STORE_ARG && !mg_is_id(a->arg))
    rc = usage_error(usage, "invalid store id '%s'", a->arg);
  if (rc) {
    free(a->stores);
    *code = rc < 0 ? 0 : rc;
    return 0;
  }
  a->tpl = find_templates(a->templates);
  mg_safe_allow_root(a->content);
  mg_safe_allow_root(a->tpl);
  return 1;
}

static void args_free(args *a) {
  free(a->stores);
  free(a->tpl);
}

static int cmd_build(int argc, char **argv, int write) {
  args a;
  int rc;
  if (!setup(argc, argv, write ? usage_build : usage_check, NO_ARG, &a, &rc))
    return rc;
  mg_build_opts o = {0};
  o.content_dir = a.content;
  o.templates_dir = a.tpl;
  o.out_dir = a.out ? a.out : "output";
  o.stores = a.stores;
  o.nstores = a.nstores;
  o.jobs = a.jobs;
  o.write = write;
  o.progress = write && isatty(2);
  rc = mg_build(&o);
  args_free(&a);
  return rc;
}

static int cmd_handbook(int argc, char **argv, int resolve_only) {
  args a;
  int rc;
  if (!setup(argc, argv, resolve_only ? usage_resolve : usage_handbook,
             STORE_ARG, &a, &rc))
    return rc;
  mg_build_opts o = {0};
  o.content_dir = a.content;
  o.templates_dir = a.tpl;
  o.write = 1;
  o.single_store = a.arg;
  o.single_out = a.output;
  o.dump_resolved = resolve_only;
  rc = mg_build(&o);
  args_free(&a);
  return rc;
}

static int cmd_params(int argc, char **argv) {
  args a;
  int rc;
  if (!setup(argc, argv, usage_params, STORE_ARG, &a, &rc))
    return rc;
  mg_params *p = mg_params_load(a.content, a.tpl);
  xmlDocPtr eff = p ? mg_params_effective(p, a.arg) : NULL;
  if (eff) {
    mg_params_print(eff, stdout);
    mg_params_effective_free(eff);
  }
  rc = eff && !mg_diag_errors() ? 0 : 1;
  mg_diag_flush(stderr);
  mg_params_free(p);
  args_free(&a);
  return rc;
}

static int cmd_render(int argc, char **argv) {
  args a;
  int rc;
  if (!setup(argc, argv, usage_render, ANY_ARG, &a, &rc))
    return rc;
  const char *store = a.nstores ? a.stores[0] : NULL;
  rc = 1;
  mg_params *p = mg_params_load(a.content, a.tpl);
  mg_outline *o = p ? mg_outline_load(a.content) : NULL;
  mg_tree *t = o ? mg_tree_parse(o, a.content, p->names) : NULL;
  mg_templates *tp = t ? mg_templates_load(a.tpl, o->lang) : NULL;
  if (!tp)
    goto done;
  /* errors elsewhere in the manual are not this preview's business */
  free(mg_diag_take_text());
  if (access(a.arg, R_OK) != 0) {
    mg_diag(MG_ERROR, a.arg, 0, 0, "cannot read this file");
    goto done;
  }
  size_t before = t->nexprs;
  mg_section *s = mg_tree_find_section_by_file(t, a.arg);
  if (!s)
    s = mg_tree_add_file(t, a.arg);
  else
    before = 0; /* parsed with the tree: assume it may need a store */
  int needs_store = t->nexprs > before || s->applies_expr >= 0;
  if (!store && needs_store && p->store_ids.n) {
    store = p->store_ids.v[0];
    fprintf(stderr,
            "manualgen: note: previewing for store '%s' (choose with "
            "--store)\n",
            store);
  }
  xmlDocPtr eff = store ? mg_params_effective(p, store) : NULL;
  if (eff && s->applies_expr >= 0) {
    xmlXPathContextPtr xp = mg_expr_context_new(eff);
    if (mg_expr_bool(xp, &t->exprs[s->applies_expr], store) == 0)
      fprintf(stderr,
              "manualgen: note: store '%s' leaves this section out "
              "(applies-to: %s)\n",
              store, s->fm.applies_to);
    xmlXPathFreeContext(xp);
  }
  if (!mg_diag_errors() && s->body) {
    xmlDocPtr doc = mg_resolve_section(t, s, eff, store);
    if (doc) {
      char *html = mg_transform_fragment(tp->body, doc);
      if (html && !mg_diag_errors()) {
        fputs(html, stdout);
        rc = 0;
      }
      free(html);
      xmlFreeDoc(doc);
    }
  }
  mg_params_effective_free(eff);
  if (mg_diag_errors())
    rc = 1;
done:
  mg_diag_flush(stderr);
  mg_templates_free(tp);
  if (t)
    mg_tree_free(t);
  else
    mg_outline_free(o);
  mg_params_free(p);
  args_free(&a);
  return rc;
}

int main(int argc, char **argv) {
  xmlInitParser();
  exsltRegisterAll();
  mg_safe_init();
  mg_diag_install_xml_handlers();
  int rc;
  if (argc < 2) {
    fputs(usage_main, stderr);
    rc = 2;
  } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
             !strcmp(argv[1], "help")) {
    fputs(usage_main, stdout);
    rc = 0;
  } else if (!strcmp(argv[1], "--version")) {
    printf("manualgen %s\n", MG_VERSION);
    rc = 0;
  } else if (!strcmp(argv[1], "build")) {
    rc = cmd_build(argc - 1, argv + 1, 1);
  } else if (!strcmp(argv[1], "check")) {
    rc = cmd_build(argc - 1, argv + 1, 0);
  } else if (!strcmp(argv[1], "render")) {
    rc = cmd_render(argc - 1, argv + 1);
  } else if (!strcmp(argv[1], "params")) {
    rc = cmd_params(argc - 1, argv + 1);
  } else if (!strcmp(argv[1], "handbook")) {
    rc = cmd_handbook(argc - 1, argv + 1, 0);
  } else if (!strcmp(argv[1], "resolve")) {
    rc = cmd_handbook(argc - 1, argv + 1, 1);
  } else {
    fprintf(stderr, "manualgen: unknown command '%s'\n\n%s", argv[1],
            usage_main);
    rc = 2;
  }
  xsltCleanupGlobals();
  xmlCleanupParser();
  return rc;
}
