/* cli.c -- the command line, parsed: commands, their options, help texts.
 *
 * A pure function of argv (no file is touched, nothing is printed), so
 * that main.c only runs what was asked and the parser can be fuzzed.
 * Each command lists the options it takes; any other is a usage error. */
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manualgen.h"

enum {
  O_CONTENT = 1 << 0,
  O_TEMPLATES = 1 << 1,
  O_OUT = 1 << 2,
  O_STORE = 1 << 3,  /* repeatable */
  O_STORE1 = 1 << 4, /* at most once */
  O_JOBS = 1 << 5,
  O_OUTPUT = 1 << 6,
  O_NOTES = 1 << 7, /* publish */
  O_DATE = 1 << 8,
  O_RESOLVES = 1 << 9,
  O_RELEASE = 1 << 10, /* --version V: a release, not the program's */
  O_SECTION = 1 << 11, /* feedback */
  O_POST = 1 << 12,
  O_TEXT = 1 << 13,
  O_ANSWER = 1 << 14,
  O_STATUS = 1 << 15,
  O_FORMAT = 1 << 16,    /* handbook --format html|pdf */
  O_NO_PDF = 1 << 17,    /* build */
  O_NO_SPLICE = 1 << 18, /* build */
  O_SHARD = 1 << 19,     /* build, check */
  O_PORT = 1 << 20       /* serve */
};

const char *mg_usage_main =
    "usage: manualgen COMMAND [OPTIONS]\n"
    "\n"
    "Builds each store's tailored service-hall handbook from Markdown\n"
    "sections and store parameters.\n"
    "\n"
    "commands:\n"
    "  build     build every store's handbooks: the draft, every release\n"
    "  check     validate the content; write nothing\n"
    "  compile   write the compiled manual (the same for every store)\n"
    "  publish   freeze the content as a numbered release\n"
    "  diff      what changed between two releases, for one store or all\n"
    "  render    print one section's resolved HTML (an author's preview)\n"
    "  params    print a store's effective parameters and their origins\n"
    "  handbook  write one store's single-page handbook\n"
    "  resolve   print a store's resolved manual (the stylesheets' input)\n"
    "  feedback  the field-feedback ledger: add, list, show, accept, reject\n"
    "  index     write the indexes of a build gathered from shards\n"
    "  serve     preview the draft on 127.0.0.1, rebuilt on every save\n"
    "\n"
    "options for every command:\n"
    "  --content DIR     the content folder (default: content)\n"
    "  --templates DIR   the templates folder (default: found next to the\n"
    "                    program, or MANUALGEN_TEMPLATES)\n"
    "  -h, --help        help for a command: manualgen COMMAND --help\n"
    "  --version         print the version\n"
    "\n"
    "Exit status: 0 success, 1 errors in the content (or output that\n"
    "could not be written), 2 usage errors, 128+N stopped by signal N.\n";

static const mg_command_info commands[] = {
    {"build", MG_CMD_BUILD, 0,
     O_CONTENT | O_TEMPLATES | O_OUT | O_STORE | O_JOBS | O_NO_PDF |
         O_NO_SPLICE | O_SHARD,
     "usage: manualgen build [--content DIR] [--out DIR] [--store ID]...\n"
     "                       [--shard K/N] [--jobs N] [--no-pdf] "
     "[--no-splice]\n"
     "                       [--templates DIR]\n"
     "\n"
     "Builds the draft edition into OUT/draft (default output/draft), and\n"
     "when releases were published (see publish) every release into\n"
     "OUT/VERSION, the newest again into OUT/latest, the list of editions\n"
     "OUT/index.html, a feed per store OUT/feeds/ID.xml and the feedback\n"
     "page OUT/feedback.html; every release is verified first. An edition:\n"
     "  index.html                  every store, its city and type\n"
     "  stores/ID/index.html        the store's handbook: contents page,\n"
     "  stores/ID/CHAPTER.html      one page per chapter\n"
     "  stores/ID/handbook.html     the same handbook as one printable page\n"
     "  stores/ID/*.pdf             its printed handbook, patrol sheets,\n"
     "                              forms, post cards (and sign-off sheet\n"
     "                              of a release), from templates/print\n"
     "The edition is published whole: it is built in a staging folder\n"
     "beside OUT/draft and swapped in with one atomic rename once every\n"
     "store succeeded, so readers see the old edition or the new one.\n"
     "A failed or interrupted build (Ctrl-C) changes nothing, and what a\n"
     "killed build left behind is removed by the next one. A store whose\n"
     "resolved manual and templates are unchanged, and whose pages are\n"
     "intact, is not rebuilt (stores/ID/.manualgen-build records what it\n"
     "was built from); unchanged pages keep their time stamps. Pages of\n"
     "chapters or stores that no longer exist are dropped; files of your\n"
     "own in OUT/draft are kept. Symbolic links there are never followed.\n"
     "--store limits the build to the given stores (repeatable); the\n"
     "other stores' pages stay as they are. --jobs sets the number of\n"
     "threads (default: one per CPU). The date of the edition is today,\n"
     "or SOURCE_DATE_EPOCH when set. --no-pdf makes no PDF (and the pages\n"
     "then link to none), for fast draft iterations. Pages are rendered\n"
     "once for every set of stores that differ only in their own values\n"
     "(names, contacts, times) and those values put in; --no-splice runs\n"
     "the stylesheets for every store instead (the reference: the same\n"
     "bytes, slower).\n"
     "--shard K/N builds shard K (0 to N-1) of N alone, for builds spread\n"
     "over machines: the stores whose id hashes to K (XXH64 mod N), in\n"
     "every edition, and a record of them (EDITION/.manualgen-shard-K-of-N)\n"
     "instead of the indexes; other stores' files in OUT stay as they are.\n"
     "Gather every shard's OUT into one folder and run `manualgen index`\n"
     "there (docs/sharding.md).\n"},
    {"check", MG_CMD_CHECK, 0,
     O_CONTENT | O_TEMPLATES | O_STORE | O_JOBS | O_SHARD | O_FORMAT,
     "usage: manualgen check [--content DIR] [--store ID]... [--shard K/N]\n"
     "                       [--jobs N] [--templates DIR] [--format FMT]\n"
     "\n"
     "Validates the outline, every section, every store's parameters and\n"
     "every store's handbook (conditions, placeholders, cross references),\n"
     "runs the domain checks (every duty one owner, someone in charge at\n"
     "every opening hour, patrols, staffing, appraisal, calendar, forms,\n"
     "posts and zones named) and content/rules.xml on every store of the\n"
     "draft, and reports every problem as\n"
     "FILE:LINE:COL: error|warning: MESSAGE [RULE] (stores).\n"
     "--shard K/N checks the stores of shard K of N alone (see build).\n"
     "--format json prints each message on standard output as one JSON\n"
     "object a line instead: {\"file\", \"line\", \"column\", \"severity\",\n"
     "\"message\", \"halls\"} (line and column 0 when unknown; halls: every\n"
     "store the message is about). --format text is the default.\n"
     "Writes nothing. Exit status 1 when there is an error.\n"},
    {"compile", MG_CMD_COMPILE, 0, O_CONTENT | O_TEMPLATES | O_OUTPUT,
     "usage: manualgen compile [-o FILE] [--content DIR] [--templates DIR]\n"
     "\n"
     "Checks the manual and writes the compiled manual: every section\n"
     "parsed, its placeholders and conditions as elements carrying their\n"
     "expressions (docs/design.md, templates/schema/compiled.xsd). It is\n"
     "the same for every store; a release keeps it, so that a handbook can\n"
     "be made again without the Markdown. To FILE, or standard output.\n"},
    {"publish", MG_CMD_PUBLISH, 5,
     O_CONTENT | O_TEMPLATES | O_NOTES | O_DATE | O_RESOLVES,
     "usage: manualgen publish VERSION [--notes TEXT] [--date YYYY-MM-DD]\n"
     "                         [--resolves FB-ID,...] [--content DIR]\n"
     "\n"
     "Freezes the content as release VERSION (MAJOR.MINOR, after the latest\n"
     "release) in CONTENT/releases/VERSION: the compiled manual, every\n"
     "store's effective parameters and the templates, so that its handbooks\n"
     "can be made again byte for byte; and enters it, with its date, notes,\n"
     "the sections changed since the last release and the feedback it\n"
     "resolves, in CONTENT/releases/releases.xml. --date is the day it takes\n"
     "effect (default: SOURCE_DATE_EPOCH's day, or today). --resolves marks\n"
     "those accepted feedback items resolved by this release.\n"
     "Refused, with nothing written: a version that is not after the\n"
     "latest, content with errors, feedback that is unknown or not\n"
     "accepted, a release that was modified. An interrupted publish leaves\n"
     "the previous state; the next one removes what it left.\n"},
    {"diff", MG_CMD_DIFF, 6, O_CONTENT | O_TEMPLATES | O_STORE1,
     "usage: manualgen diff V1 V2 [--store ID] [--content DIR]\n"
     "\n"
     "What changed from release V1 to V2 (V2 may be 'draft', the content as\n"
     "it is now): sections added, removed and changed. With --store, on\n"
     "that store's handbooks: a change of the store's parameters or of a\n"
     "condition counts, a change to a section the store does not have does\n"
     "not. Exit status 0 when there is no difference, 1 when there is, 2\n"
     "on trouble.\n"},
    {"render", MG_CMD_RENDER, 1, O_CONTENT | O_TEMPLATES | O_STORE1,
     "usage: manualgen render FILE.md [--store ID] [--content DIR]\n"
     "                        [--templates DIR]\n"
     "\n"
     "Prints the HTML body of one section, resolved for a store (conditions,\n"
     "placeholders, links). Without --store, the first store is used when\n"
     "the section needs one. FILE.md need not be listed in the outline.\n"
     "When the store leaves the section out, a note says so and nothing\n"
     "is printed.\n"},
    {"params", MG_CMD_PARAMS, 2, O_CONTENT | O_TEMPLATES,
     "usage: manualgen params ID [--content DIR] [--templates DIR]\n"
     "\n"
     "Prints the effective parameters of store ID, one value a line, as the\n"
     "path to use in an expression, the value, and the file and line that\n"
     "set it (defaults, city or store).\n"},
    {"handbook", MG_CMD_HANDBOOK, 2,
     O_CONTENT | O_TEMPLATES | O_OUTPUT | O_RELEASE | O_FORMAT | O_POST,
     "usage: manualgen handbook ID [--version V] [-o FILE] [--format FMT]\n"
     "                          [--post KEY] [--content DIR] [--templates "
     "DIR]\n"
     "\n"
     "Writes store ID's single-page handbook to FILE, or to standard\n"
     "output (no -o, or -o -). FILE is replaced in one step; anything but\n"
     "a regular file (a symbolic link, a device, a FIFO) is refused.\n"
     "--version V: the handbook of release V, byte for byte what `build`\n"
     "writes for it (made from the release alone). --format pdf: the\n"
     "printed handbook (handbook.pdf) instead, to FILE (-o is needed);\n"
     "with --post KEY, the pocket card of that post alone.\n"},
    {"resolve", MG_CMD_RESOLVE, 2,
     O_CONTENT | O_TEMPLATES | O_OUTPUT | O_RELEASE,
     "usage: manualgen resolve ID [--version V] [-o FILE] [--content DIR]\n"
     "                         [--templates DIR]\n"
     "\n"
     "Prints the manual resolved for store ID: the XML document every\n"
     "stylesheet driver receives (docs/design.md), for template authors.\n"},
    {"feedback", MG_CMD_FEEDBACK, 3,
     O_CONTENT | O_TEMPLATES | O_STORE1 | O_SECTION | O_POST | O_TEXT |
         O_ANSWER | O_STATUS | O_OUTPUT,
     "usage: manualgen feedback add --store ID --section SECTION[#HEADING]\n"
     "                              [--post KEY] --text TEXT\n"
     "       manualgen feedback list [--status S] [--store ID] [--section "
     "SECTION]\n"
     "       manualgen feedback show FB-ID\n"
     "       manualgen feedback accept FB-ID --answer TEXT\n"
     "       manualgen feedback reject FB-ID --answer TEXT\n"
     "       manualgen feedback page [-o FILE]\n"
     "(each also takes --content DIR and --templates DIR)\n"
     "\n"
     "The field-feedback ledger: what staff of a store reported about a\n"
     "passage of the manual, and what headquarters did with it. One file an\n"
     "item, CONTENT/feedback/FB-0001.xml (templates/schema/feedback.xsd).\n"
     "  add     records a report about a section (by the id in its front\n"
     "          matter; #HEADING names one of its headings) from a store and,\n"
     "          with --post, the post of the person who raised it; prints\n"
     "          the new id. The store, section, heading and post must exist.\n"
     "  list    one line an item: id, status, date, store, section, post,\n"
     "          the start of the text; --status (open, accepted, rejected,\n"
     "          resolved), --store and --section select.\n"
     "  show    everything about an item, with its history.\n"
     "  accept  HQ takes up an open item, and says how (--answer);\n"
     "  reject  or declines it, and says why. A release resolves accepted\n"
     "          items (publish --resolves).\n"
     "  page    HQ's page of the ledger (feedback.html): open items by\n"
     "          section and by store, every item's history; to FILE or to\n"
     "          standard output.\n"
     "The date is today's, or SOURCE_DATE_EPOCH's when set. Files are never\n"
     "half-written, a file with errors is reported and never rewritten, and\n"
     "two editors adding at once get two ids.\n"},
    {"index", MG_CMD_INDEX, 0, O_CONTENT | O_TEMPLATES | O_OUT,
     "usage: manualgen index [--out DIR] [--content DIR] [--templates DIR]\n"
     "\n"
     "Finishes a build made by shards (build --shard K/N on one machine\n"
     "each) once their output folders were gathered into OUT (default\n"
     "output): checks that every shard of every edition is there, then\n"
     "writes each edition's index.html, OUT/index.html and\n"
     "OUT/feedback.html, byte for byte what one `build` of every store\n"
     "writes. A missing shard is an error, and then nothing is written.\n"
     "The content (releases, feedback, templates) is read as build does.\n"},
    {"serve", MG_CMD_SERVE, 0,
     O_CONTENT | O_TEMPLATES | O_OUT | O_STORE | O_PORT,
     "usage: manualgen serve [--port N] [--store ID]... [--content DIR]\n"
     "                       [--out DIR] [--templates DIR]\n"
     "\n"
     "A preview server on 127.0.0.1 (never another address): builds the\n"
     "draft as `build --no-pdf` does (the PDFs, slow, are left to build),\n"
     "serves OUT (default output) at http://127.0.0.1:N/ (N: --port,\n"
     "default 8000; 0 takes any free port) and prints that address once\n"
     "the first build is done. Every save below the content and templates\n"
     "folders builds again, the same incremental build (bursts of changes\n"
     "within 100 ms are one build; a change during a build queues one\n"
     "more), and the open pages of the stores whose pages changed reload.\n"
     "When the content has errors, every page shows them, as the terminal\n"
     "does (FILE:LINE:COL: error: MESSAGE), until they are fixed; the last\n"
     "good pages stay served meanwhile. Also at /_manualgen/errors.\n"
     "--store builds those stores alone (repeatable), as build does.\n"
     "Only files below OUT are served: no symbolic link, no hidden file,\n"
     "no '..'; GET and HEAD only. The pages on disk are those of a build:\n"
     "the reload script is added as they are sent. Ctrl-C (SIGINT),\n"
     "SIGTERM or SIGHUP stops the build under way and the server; the exit\n"
     "status is then 0.\n"},
};

const mg_command_info *mg_cli_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(commands[i].name, name))
      return &commands[i];
  return NULL;
}

enum {
  OPT_CONTENT = 1000,
  OPT_TEMPLATES,
  OPT_OUT,
  OPT_STORE,
  OPT_JOBS,
  OPT_VERSION,
  OPT_NOTES,
  OPT_DATE,
  OPT_RESOLVES,
  OPT_RELEASE,
  OPT_SECTION,
  OPT_POST,
  OPT_TEXT,
  OPT_ANSWER,
  OPT_STATUS,
  OPT_FORMAT,
  OPT_NO_PDF,
  OPT_NO_SPLICE,
  OPT_SHARD,
  OPT_PORT
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
    {"notes", required_argument, NULL, OPT_NOTES},
    {"date", required_argument, NULL, OPT_DATE},
    {"resolves", required_argument, NULL, OPT_RESOLVES},
    {"section", required_argument, NULL, OPT_SECTION},
    {"post", required_argument, NULL, OPT_POST},
    {"text", required_argument, NULL, OPT_TEXT},
    {"answer", required_argument, NULL, OPT_ANSWER},
    {"status", required_argument, NULL, OPT_STATUS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"no-pdf", no_argument, NULL, OPT_NO_PDF},
    {"no-splice", no_argument, NULL, OPT_NO_SPLICE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"port", required_argument, NULL, OPT_PORT},
    {NULL, 0, NULL, 0}};
#define NOPTS (sizeof longopts / sizeof *longopts)

static int fail(mg_cli *c, const char *fmt, const char *arg) {
  free(c->error);
  c->error = mg_xasprintf(fmt, arg);
  return 2;
}

/* ---------------------------------------------------------- feedback */

/* The forms of `feedback`: whether each names an item, the options it
 * takes and those it needs. */
static const struct {
  const char *name;
  int item;
  int options, needs;
} fb_subs[] = {
    {"add", 0, O_CONTENT | O_TEMPLATES | O_STORE1 | O_SECTION | O_POST | O_TEXT,
     O_STORE1 | O_SECTION | O_TEXT},
    {"list", 0, O_CONTENT | O_TEMPLATES | O_STORE1 | O_SECTION | O_STATUS, 0},
    {"show", 1, O_CONTENT | O_TEMPLATES, 0},
    {"accept", 1, O_CONTENT | O_TEMPLATES | O_ANSWER, O_ANSWER},
    {"reject", 1, O_CONTENT | O_TEMPLATES | O_ANSWER, O_ANSWER},
    {"page", 0, O_CONTENT | O_TEMPLATES | O_OUTPUT, 0},
};
#define NSUBS (sizeof fb_subs / sizeof *fb_subs)

static const char *option_name(int bit) {
  switch (bit) {
  case O_CONTENT:
    return "--content";
  case O_TEMPLATES:
    return "--templates";
  case O_STORE1:
    return "--store";
  case O_SECTION:
    return "--section";
  case O_POST:
    return "--post";
  case O_TEXT:
    return "--text";
  case O_ANSWER:
    return "--answer";
  case O_STATUS:
    return "--status";
  default:
    return "-o";
  }
}

/* "; did you mean 'x'?" for a word that looks like a typo of one of
 * words (n of them), else "". Caller frees. */
static char *suggestion(const char *s, const char *const *words, size_t n) {
  mg_strv v = {0};
  for (size_t i = 0; i < n; i++)
    mg_strv_push(&v, mg_xstrdup(words[i]));
  const char *m = mg_suggest(&v, s, strlen(s));
  char *r = m ? mg_xasprintf("; did you mean '%s'?", m) : mg_xstrdup("");
  mg_strv_free(&v);
  return r;
}

/* True when s is an item id: FB- and four digits, or more without a
 * leading zero. Else *fix is the id the user probably meant ("FB-7",
 * "fb-0007", "7": FB-0007), or NULL; the caller frees it. */
static int fb_id_ok(const char *s, char **fix) {
  *fix = NULL;
  size_t n = strlen(s), d = n;
  while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
    d--;
  if (d == 3 && !strncmp(s, "FB-", 3) && n - d >= 4 &&
      (n - d == 4 || s[3] != '0'))
    return 1;
  int prefix = d == 0 || ((d == 2 || d == 3) && strchr("fF", s[0]) &&
                          strchr("bB", s[1]) && (d == 2 || s[2] == '-'));
  if (!prefix || d == n)
    return 0;
  size_t z = d;
  while (z + 1 < n && s[z] == '0')
    z++; /* the number without its leading zeros */
  if (n - z <= 9)
    *fix = mg_xasprintf("FB-%04lu", strtoul(s + z, NULL, 10));
  return 0;
}

/* The arguments of `feedback`, after the options: the form, and the item
 * it names. given: the options seen. Returns 0, or 2 (c->error set). */
static int feedback_args(mg_cli *c, int ac, char **av, int given) {
  static const char *const names[] = {"add",    "list",   "show",
                                      "accept", "reject", "page"};
  if (optind >= ac)
    return fail(c, "%s",
                "missing feedback command (add, list, show, accept, reject "
                "or page)");
  c->sub = c->arg = av[optind++];
  size_t k = 0;
  while (k < NSUBS && strcmp(fb_subs[k].name, c->sub))
    k++;
  if (k == NSUBS) {
    char *m = suggestion(c->sub, names, NSUBS);
    c->error = mg_xasprintf("unknown feedback command '%s' (add, list, "
                            "show, accept, reject or page)%s",
                            c->sub, m);
    free(m);
    return 2;
  }
  int extra = given & ~fb_subs[k].options, missing = fb_subs[k].needs & ~given;
  if (extra) {
    c->error = mg_xasprintf("option '%s' does not apply to 'feedback %s'",
                            option_name(extra & -extra), c->sub);
    return 2;
  }
  if (fb_subs[k].item) {
    if (optind >= ac)
      return fail(c, "missing feedback id (as FB-0001) after '%s'", c->sub);
    c->item = av[optind++];
    char *fix;
    if (!fb_id_ok(c->item, &fix)) {
      c->error = mg_xasprintf("invalid feedback id '%s' (FB- and four "
                              "digits)%s%s%s",
                              c->item, fix ? "; did you mean '" : "",
                              fix ? fix : "", fix ? "'?" : "");
      free(fix);
      return 2;
    }
  }
  if (missing) {
    c->error = mg_xasprintf("'feedback %s' needs %s", c->sub,
                            option_name(missing & -missing));
    return 2;
  }
  if (c->section) {
    const char *hash = strchr(c->section, '#');
    char *id = mg_xstrndup(c->section, hash ? (size_t)(hash - c->section)
                                            : strlen(c->section));
    int ok = mg_is_id(id) && (!hash || hash[1]);
    free(id);
    if (!ok)
      return fail(c,
                  "invalid section '%s' (the id in the section's front "
                  "matter, optionally followed by #heading)",
                  c->section);
  }
  if (c->status && mg_fb_status_parse(c->status) < 0) {
    static const char *const st[] = {"open", "accepted", "rejected",
                                     "resolved"};
    char *m = suggestion(c->status, st, 4);
    c->error = mg_xasprintf("invalid status '%s' (open, accepted, rejected "
                            "or resolved)%s",
                            c->status, m);
    free(m);
    return 2;
  }
  return 0;
}

/* The mask bit of an option code. */
static int bit(int code) {
  switch (code) {
  case OPT_CONTENT:
    return O_CONTENT;
  case OPT_TEMPLATES:
    return O_TEMPLATES;
  case OPT_OUT:
    return O_OUT;
  case OPT_STORE:
    return O_STORE | O_STORE1;
  case OPT_JOBS:
    return O_JOBS;
  case 'o':
    return O_OUTPUT;
  case OPT_NOTES:
    return O_NOTES;
  case OPT_DATE:
    return O_DATE;
  case OPT_RESOLVES:
    return O_RESOLVES;
  case OPT_RELEASE:
    return O_RELEASE;
  case OPT_SECTION:
    return O_SECTION;
  case OPT_POST:
    return O_POST;
  case OPT_TEXT:
    return O_TEXT;
  case OPT_ANSWER:
    return O_ANSWER;
  case OPT_STATUS:
    return O_STATUS;
  case OPT_FORMAT:
    return O_FORMAT;
  case OPT_NO_PDF:
    return O_NO_PDF;
  case OPT_NO_SPLICE:
    return O_NO_SPLICE;
  case OPT_SHARD:
    return O_SHARD;
  case OPT_PORT:
    return O_PORT;
  default:
    return -1; /* --help, --version: every command */
  }
}

int mg_cli_parse(int argc, char **argv, mg_cli *c) {
  memset(c, 0, sizeof *c);
  c->content = "content";
  c->port = -1;
  if (argc < 2)
    return fail(c, "%s", "no command given");
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
    c->help = 1;
    return -1;
  }
  if (!strcmp(name, "--version")) {
    c->version = 1;
    return -1;
  }
  c->cmd = mg_cli_command(name);
  if (!c->cmd)
    return fail(c, "unknown command '%s'", name);
  c->stores = mg_xcalloc((size_t)argc, sizeof *c->stores);
  /* argv + 1: the command is getopt's argv[0] */
  int ac = argc - 1;
  char **av = argv + 1;
  /* --version names a release for the commands that make a release's
   * handbook; for the others it prints the program's version */
  struct option opts[NOPTS];
  memcpy(opts, longopts, sizeof opts);
  for (size_t i = 0; i < NOPTS; i++)
    if (opts[i].name && !strcmp(opts[i].name, "version") &&
        (c->cmd->options & O_RELEASE)) {
      opts[i].has_arg = required_argument;
      opts[i].val = OPT_RELEASE;
    }
  optind = 0; /* a full reset of GNU getopt's state */
  opterr = 0;
  int ch, li = -1, given = 0;
  while ((ch = getopt_long(ac, av, ":ho:", opts, &li)) != -1) {
    /* the option as written, for messages: "--jobs", "-o" */
    char shortopt[3] = {'-', (char)(ch < 128 ? ch : '?'), '\0'};
    const char *opt = li >= 0 ? opts[li].name : shortopt;
    char longname[32];
    if (li >= 0) {
      snprintf(longname, sizeof longname, "--%s", opt);
      opt = longname;
    } else if (ch == ':' || ch == '?') {
      opt = av[optind - 1]; /* what getopt could not match */
    }
    li = -1;
    int b = bit(ch);
    if (ch != ':' && ch != '?' && b > 0 && !(c->cmd->options & b)) {
      /* "--jobs=3" or "--jobs 3": name the option without its value */
      char *o = mg_xstrdup(opt);
      char *eq = strchr(o, '=');
      if (eq)
        *eq = '\0';
      c->error =
          mg_xasprintf("option '%s' does not apply to '%s'", o, c->cmd->name);
      free(o);
      return 2;
    }
    if (b > 0)
      given |= b & c->cmd->options;
    switch (ch) {
    case OPT_CONTENT:
      c->content = optarg;
      break;
    case OPT_TEMPLATES:
      c->templates = optarg;
      break;
    case OPT_OUT:
      c->out = optarg;
      break;
    case 'o':
      c->output = optarg;
      break;
    case OPT_STORE: {
      if (!mg_is_id(optarg))
        return fail(c,
                    "invalid store id '%s' (lowercase letters, digits "
                    "and '-')",
                    optarg);
      if (c->nstores && !(c->cmd->options & O_STORE))
        return fail(c, "--store is given once for '%s'", c->cmd->name);
      int dup = 0; /* --store X --store X is X once */
      for (size_t i = 0; i < c->nstores && !dup; i++)
        dup = !strcmp(c->stores[i], optarg);
      if (!dup)
        c->stores[c->nstores++] = optarg;
      break;
    }
    case OPT_JOBS: {
      char *end;
      long j = strtol(optarg, &end, 10);
      if (!*optarg || *end || j < 1 || j > 256)
        return fail(c, "--jobs takes a number from 1 to 256, not '%s'", optarg);
      c->jobs = (int)j;
      break;
    }
    case OPT_NOTES:
      c->notes = optarg;
      break;
    case OPT_DATE:
      if (!mg_date_ok(optarg))
        return fail(c, "--date takes a day written YYYY-MM-DD, not '%s'",
                    optarg);
      c->date = optarg;
      break;
    case OPT_RESOLVES:
      c->resolves = optarg;
      break;
    case OPT_RELEASE: {
      int major, minor;
      if (strcmp(optarg, "draft") && mg_version_parse(optarg, &major, &minor))
        return fail(c,
                    "--version takes a release such as 1.0 (MAJOR.MINOR), "
                    "not '%s'",
                    optarg);
      c->release = optarg;
      break;
    }
    case OPT_SECTION:
      c->section = optarg;
      break;
    case OPT_POST:
      c->post = optarg;
      break;
    case OPT_TEXT:
      c->text = optarg;
      break;
    case OPT_ANSWER:
      c->answer = optarg;
      break;
    case OPT_STATUS:
      c->status = optarg;
      break;
    case OPT_FORMAT:
      if (c->cmd->kind == MG_CMD_CHECK) {
        if (strcmp(optarg, "text") && strcmp(optarg, "json"))
          return fail(c, "--format takes 'text' or 'json', not '%s'", optarg);
        c->json = !strcmp(optarg, "json");
        break;
      }
      if (strcmp(optarg, "html") && strcmp(optarg, "pdf"))
        return fail(c, "--format takes 'html' or 'pdf', not '%s'", optarg);
      c->pdf = !strcmp(optarg, "pdf");
      break;
    case OPT_NO_PDF:
      c->no_pdf = 1;
      break;
    case OPT_NO_SPLICE:
      c->no_splice = 1;
      break;
    case OPT_SHARD:
      if (mg_shard_parse(optarg, &c->shard_k, &c->shard_n))
        return fail(c,
                    "--shard takes K/N, shard K (from 0 to N-1) of N shards "
                    "such as 0/4, not '%s'",
                    optarg);
      break;
    case OPT_PORT: {
      char *end;
      long port = strtol(optarg, &end, 10);
      if (!*optarg || *end || port < 0 || port > 65535)
        return fail(c,
                    "--port takes a number from 0 (any free port) to 65535, "
                    "not '%s'",
                    optarg);
      c->port = (int)port;
      break;
    }
    case 'h':
      c->help = 1;
      return -1;
    case OPT_VERSION:
      c->version = 1;
      return -1;
    case ':':
      return fail(c, "option '%s' needs a value", opt);
    default:
      return fail(c, "unknown option '%s'", opt);
    }
  }
  int kind = c->cmd->arg;
  if (kind == 3) {
    int rc = feedback_args(c, ac, av, given);
    if (rc)
      return rc;
  } else if (kind) {
    if (optind >= ac)
      return fail(c, "%s",
                  kind == 2   ? "missing store id"
                  : kind == 1 ? "missing file"
                  : kind == 5 ? "missing version (MAJOR.MINOR, such as 1.0)"
                              : "missing versions: give two, such as 1.0 1.1");
    c->arg = av[optind++];
    if (kind == 2 && !mg_is_id(c->arg))
      return fail(c,
                  "invalid store id '%s' (lowercase letters, digits and "
                  "'-')",
                  c->arg);
    if (kind == 6) {
      if (optind >= ac)
        return fail(c, "%s", "missing the second version");
      c->arg2 = av[optind++];
    }
    int major, minor;
    if ((kind == 5 || kind == 6) && mg_version_parse(c->arg, &major, &minor))
      return fail(c, "'%s' is not a version: write MAJOR.MINOR, such as 1.0",
                  c->arg);
    if (kind == 6 && strcmp(c->arg2, "draft") &&
        mg_version_parse(c->arg2, &major, &minor))
      return fail(c,
                  "'%s' is not a version: write MAJOR.MINOR, such as 1.1, "
                  "or 'draft'",
                  c->arg2);
  }
  if (optind < ac)
    return fail(c, "unexpected argument '%s'", av[optind]);
  if (c->shard_n && c->nstores)
    return fail(c, "%s",
                "--shard and --store cannot be used together: a shard "
                "builds the stores that hash to it");
  if (c->cmd->kind == MG_CMD_HANDBOOK && c->post && !c->pdf)
    return fail(c, "%s", "--post gives a post's card: it needs --format pdf");
  if (c->cmd->kind == MG_CMD_HANDBOOK && c->post && !mg_is_id(c->post))
    return fail(c, "invalid post key '%s' (lowercase letters, digits and '-')",
                c->post);
  if (c->pdf && (!c->output || !strcmp(c->output, "-")))
    return fail(c, "%s",
                "--format pdf writes a file: give it with -o FILE (a PDF is "
                "not sent to standard output)");
  return 0;
}

void mg_cli_free(mg_cli *c) {
  free(c->stores);
  free(c->error);
  c->stores = NULL;
  c->error = NULL;
}
