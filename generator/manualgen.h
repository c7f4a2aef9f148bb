/* manualgen.h -- the internal API of manualgen, grouped by pipeline stage.
 *
 * The pipeline (see docs/design.md):
 *
 *   outline.c + frontmatter.c + parse.c   content -> store-independent tree
 *   params.c                              store XML -> effective parameters
 *   expr.c                                XPath placeholders and conditions
 *   resolve.c                             tree x parameters -> resolved manual
 *   transform.c                           resolved manual -> HTML pages (XSLT)
 *   write.c                               staged, atomic output files
 *   build.c                               the per-store loop, in parallel
 *   main.c                                the command line
 *   serve.c                               the preview server (a child
 *                                         build after every save)
 *
 * Ownership: unless a comment says otherwise, a function returning a
 * pointer gives the caller ownership; free it with the matching *_free. */
#ifndef MANUALGEN_H
#define MANUALGEN_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <libxml/hash.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxslt/security.h>
#include <libxslt/xsltInternals.h>

/* digest.c (below): declared here for the stages that take one */
typedef struct mg_digest mg_digest;

#define MG_VERSION "0.1.0"

#define MG_NS "urn:manualgen"
/* The version of the compiled manual's vocabulary (compile.c) */
#define MG_COMPILED_FORMAT "1"
#define MD_NS "http://commonmark.org/xml/1.0"

/* ---------------------------------------------------------------- util.c */

/* Allocation never fails from the caller's view: out of memory aborts with
 * a message (the cmark/Redis policy). */
void *mg_xmalloc(size_t n);
void *mg_xcalloc(size_t n, size_t size);
void *mg_xrealloc(void *p, size_t n);
char *mg_xstrdup(const char *s);
char *mg_xstrndup(const char *s, size_t n);
char *mg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated. */
typedef struct {
  char *data;
  size_t len, cap;
} mg_buf;
void mg_buf_put(mg_buf *b, const void *p, size_t n);
/* Room for n more bytes, so that puts do not move the data. */
void mg_buf_reserve(mg_buf *b, size_t n);
void mg_buf_puts(mg_buf *b, const char *s);
void mg_buf_printf(mg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg_buf_free(mg_buf *b);

/* No input file may be larger than this (a section is a few KB). */
#define MG_MAX_FILE (16 << 20)
/* Reads a whole regular file of at most MG_MAX_FILE bytes; never blocks
 * on a FIFO and never reads a device. Returns the bytes, NUL-terminated
 * (the caller frees them), or NULL with the reason in mg_read_error(). */
char *mg_read_file(const char *path, size_t *len);
/* The same for an open file (read from its current offset). */
char *mg_read_fd(int fd, size_t *len);
/* Why the calling thread's last read failed ("it is a FIFO, not a
 * regular file", "No such file or directory"). Static; do not free. */
const char *mg_read_error(void);
void mg_set_read_error(const char *why);
/* Joins two path parts with one '/'. */
char *mg_path_join(const char *a, const char *b);
/* Directory part of a path ("." when there is none). */
char *mg_path_dir(const char *path);
/* Normalises "a/./b/../c" to "a/c" lexically. Returns a new string. */
char *mg_path_normalize(const char *path);
/* mkdir -p. Returns 0 or -1 (errno set). */
int mg_mkdirs(const char *path);
/* True when s is a day written YYYY-MM-DD that exists. */
int mg_date_ok(const char *s);
/* True when s is a non-empty [a-z0-9-]+ identifier. */
int mg_is_id(const char *s);
/* Decodes the UTF-8 character at s (at most n bytes): returns its length
 * (1-4) and sets *cp, or 0 when the bytes are not UTF-8. */
int mg_utf8_decode(const char *s, size_t n, unsigned *cp);
/* The columns UTF-8 text takes in a terminal: CJK characters take two.
 * A byte that is not UTF-8 counts one. */
int mg_text_width(const char *s);
/* Writes all of data to fd (retrying short writes). 0, or -1 with errno. */
int mg_write_all(int fd, const void *data, size_t len);
/* What a file of this mode is, for messages: "a FIFO", "a folder". */
const char *mg_file_kind(mode_t m);
/* Writes to standard output; -1 on failure, whose errno is kept for
 * mg_stdout_errno() (main reports it once, at exit). */
int mg_write_stdout(const void *data, size_t len);
int mg_stdout_errno(void);
/* Seconds since an arbitrary epoch, monotonic. */
double mg_now(void);

/* Sorted list of the files in dir ending in suffix (names only). */
typedef struct {
  char **v;
  size_t n, cap;
} mg_strv;
int mg_list_dir(const char *dir, const char *suffix, mg_strv *out);
void mg_strv_push(mg_strv *sv, char *s); /* takes ownership of s */
void mg_strv_free(mg_strv *sv);
/* Edit distance between a[0, la) and b, a swap of two neighbours
 * counting one. */
size_t mg_edit_distance(const char *a, size_t la, const char *b);
/* True when distance d makes a word of n bytes a likely typo: one edit
 * in 4 letters, two in 9, three beyond. */
int mg_is_typo(size_t d, size_t n);
/* The entry of v closest to s[0, n), when it is a likely typo of it, or
 * NULL. */
const char *mg_suggest(const mg_strv *v, const char *s, size_t n);

/* ---------------------------------------------------------------- cli.c */

typedef enum {
  MG_CMD_BUILD,
  MG_CMD_CHECK,
  MG_CMD_COMPILE,
  MG_CMD_PUBLISH,
  MG_CMD_DIFF,
  MG_CMD_RENDER,
  MG_CMD_PARAMS,
  MG_CMD_HANDBOOK,
  MG_CMD_RESOLVE,
  MG_CMD_FEEDBACK,
  MG_CMD_INDEX,
  MG_CMD_SERVE
} mg_cmd_kind;

typedef struct {
  const char *name;
  mg_cmd_kind kind;
  int arg;     /* 0 none, 1 a file, 2 a store id, 3 a feedback subcommand,
                  5 a version, 6 two versions */
  int options; /* the options it takes (cli.c) */
  const char *usage;
} mg_command_info;

/* The command line, parsed. Strings point into argv. */
typedef struct {
  const mg_command_info *cmd;
  const char *content, *templates, *out, *output, *arg, *arg2;
  const char *notes, *date, *resolves; /* publish */
  const char *release;                 /* --version V (handbook, resolve) */
  const char **stores;                 /* --store, without repeats */
  size_t nstores;
  int jobs;
  /* feedback: the subcommand (add, list, ...; also in arg), the item's
   * id (FB-0001),
   * and --section (ID or ID#HEADING), --post, --text, --answer, --status
   * (a status mg_fb_status_parse knows) */
  const char *sub, *item, *section, *post, *text, *answer, *status;
  int pdf;                   /* handbook --format pdf */
  int json;                  /* check --format json */
  int no_pdf;                /* build --no-pdf */
  int no_splice;             /* build --no-splice */
  unsigned shard_k, shard_n; /* build, check --shard K/N (n 0: none) */
  int port;                  /* serve --port N (-1: not given) */
  int help, version;         /* asked for; cmd is NULL for the program's own */
  char *error;               /* the usage error, when mg_cli_parse returned 2 */
} mg_cli;

extern const char *mg_usage_main;
/* Parses argv (argv[1] is the command). Touches no file and prints
 * nothing. Returns 0 to run c->cmd, -1 for --help or --version, 2 for a
 * usage error (c->error says what). GNU getopt may reorder argv. Free
 * with mg_cli_free in every case. */
int mg_cli_parse(int argc, char **argv, mg_cli *c);
void mg_cli_free(mg_cli *c);
const mg_command_info *mg_cli_command(const char *name);

/* --------------------------------------------------------------- diag.c */

/* Diagnostics are collected (from any thread), then sorted by file, line
 * and column, merged when several stores report the same thing, and
 * printed compiler-style: "path:line:col: error: message". */
typedef enum { MG_WARNING, MG_ERROR } mg_level;

void mg_diag(mg_level lvl, const char *file, int line, int col, const char *fmt,
             ...) __attribute__((format(printf, 5, 6)));
/* Same, on behalf of one store (merged across stores when printed). */
void mg_diag_store(mg_level lvl, const char *file, int line, int col,
                   const char *store, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void mg_vdiag(mg_level lvl, const char *file, int line, int col,
              const char *store, const char *fmt, va_list ap);
int mg_diag_errors(void);
int mg_diag_warnings(void);
/* The number of lines printed so far, by level (a message reported for
 * several stores is one line). */
int mg_diag_printed_errors(void);
int mg_diag_printed_warnings(void);
/* Prints and clears everything collected so far. */
void mg_diag_flush(FILE *out);
/* From now on mg_diag_flush prints to standard output, whatever out it is
 * given, one JSON object a line: {"file", "line", "column", "severity",
 * "message", "halls"} (`check --format json`, for editors and CI). */
void mg_diag_json(void);
/* Forgets every message collected so far but those about file (all of
 * them when file is NULL): `render` previews one section and does not
 * report another's mistakes. */
void mg_diag_keep_file(const char *file);
/* For tests: the collected messages as printed, one per line. */
char *mg_diag_take_text(void);

/* Installs libxml2/libxslt error handlers that feed mg_diag for the
 * calling thread. Call once per thread that parses or transforms. */
void mg_diag_install_xml_handlers(void);
/* Reports a schema error of libxml2 (validating a parameter file, or
 * parsing the schema) in the author's terms, at the element's '<' or the
 * attribute's name in its file (schemadiag.c). xsd: the schema document,
 * for types, names and documentation; NULL gives libxml2's words only. */
void mg_schema_diag(xmlErrorPtr e, xmlDocPtr xsd);
/* Where element el of file (parsed before, and not changed since)
 * begins: *line and *col (in characters) of its '<', or with attr, of
 * the first character of that attribute's value. Returns 0, or -1 when
 * it cannot be found (then *line and *col are unchanged). */
int mg_xml_locate(const char *file, xmlNodePtr el, const char *attr, int *line,
                  int *col);
/* Compiles the XSD document xsd, reporting its errors. NULL on failure. */
xmlSchemaPtr mg_schema_compile(xmlDocPtr xsd);
/* Validates doc (its URL names its file) against schema, compiled from
 * xsd, reporting errors in the author's terms: at most 50 a file, then
 * how many more. Returns the number of errors (0: valid). */
int mg_schema_validate(xmlSchemaPtr schema, xmlDocPtr xsd, xmlDocPtr doc);

/* --------------------------------------------------------------- safe.c */

/* Process-wide hardening of libxml2/libxslt; call once from main() before
 * any thread starts. Only files below the allowed roots can be loaded. */
void mg_safe_init(void);
void mg_safe_allow_root(const char *dir);
/* Parser options for every XML file we read: no network, no entities,
 * no DTD loading. */
int mg_safe_xml_options(void);
/* Parses an XML file safely: a regular file below an allowed root, at
 * most MG_MAX_FILE bytes, without DTD. Errors go to mg_diag (a file that
 * cannot be read is one). NULL on failure. */
xmlDocPtr mg_safe_read_xml(const char *path);
/* mg_read_file, for a file that must be below an allowed root (after
 * symbolic links are resolved). NULL with mg_read_error() on failure. */
char *mg_safe_read_file(const char *path, size_t *len);
/* Security preferences for a transform: no writes, no network. */
xsltSecurityPrefsPtr mg_safe_xslt_prefs(void);

/* ------------------------------------------------------------ outline.c */

typedef struct mg_section mg_section;
typedef struct mg_chapter mg_chapter;

struct mg_chapter {
  char *id;
  char *title;
  int line;
  mg_section **sections;
  size_t nsections;
};

typedef struct {
  char *path; /* content/manual.xml */
  char *title;
  char *organisation;
  char *lang;
  mg_chapter *chapters;
  size_t nchapters;
} mg_outline;

/* Reads content_dir/manual.xml. Returns NULL after reporting errors. The
 * sections are allocated but not parsed (only their paths are set). */
mg_outline *mg_outline_load(const char *content_dir);
void mg_outline_free(mg_outline *o);
/* Warns once for each *.md file below content_dir that o does not list
 * (no handbook would include it). Hidden entries are skipped and linked
 * folders never followed. o may be NULL (nothing is done). */
void mg_outline_warn_unlisted(const mg_outline *o, const char *content_dir);

/* --------------------------------------------------------- frontmatter.c */

typedef struct {
  char *id;
  int id_line, id_col;
  char *title;
  mg_strv posts;
  int *posts_line, *posts_col; /* where each entry of posts stands */
  char *applies_to;
  int applies_line, applies_col;
  int body_line;      /* 1-based line where the Markdown body starts */
  size_t body_offset; /* byte offset of the body in the file */
} mg_frontmatter;

/* Parses the YAML front matter at the start of src (path for messages).
 * Returns 0, or -1 after reporting errors. */
int mg_frontmatter_parse(const char *path, const char *src, size_t len,
                         mg_frontmatter *fm);
void mg_frontmatter_free(mg_frontmatter *fm);

/* --------------------------------------------------------------- expr.c */

/* XPath expressions found in the content, compiled once. */
typedef struct {
  char *src;
  xmlXPathCompExprPtr comp;
  const char *file; /* borrowed */
  int line, col;
  size_t uniq; /* the same for every expression of the manual with this
                  src: 0 .. mg_manual.nuniq - 1 (compile.c) */
} mg_expr;

typedef struct mg_schema_names mg_schema_names;

/* The element and attribute names that params.xsd declares, and the
 * values of those whose type is an enumeration. */
mg_schema_names *mg_schema_names_load(xmlDocPtr xsd, const char *xsd_path);
void mg_schema_names_free(mg_schema_names *n);
/* The key universe: the `key` of every element of doc (a parameter file)
 * joins the keys of its element name. */
void mg_schema_names_add_keys(mg_schema_names *n, xmlDocPtr doc);
/* Declares the universe complete: from then on, a literal compared with
 * the key of an element E must be a key that some E has. where names the
 * files the keys come from, for messages. */
void mg_schema_names_keys_complete(mg_schema_names *n, const char *where);

/* A name set for expressions over a document that adds to the
 * parameters (rules.xml's check document): base's names, enumerations
 * and keys, and these element and attribute names (NULL-terminated;
 * either list may be NULL). It shares base's tables: free it (with
 * mg_schema_names_free) before base. */
mg_schema_names *mg_schema_names_extend(const mg_schema_names *base,
                                        const char *const *elements,
                                        const char *const *attributes);
/* The local name of the named type that the schema gives attribute
 * `attribute` of element `element` ("Time", "string"), or NULL (an
 * inline type, or no such declaration). Borrowed from n. With attribute
 * "", the type of the element's text (for a value with attributes, the
 * simple type it derives from: "Email" for EmailValue). */
const char *mg_schema_attr_type(const mg_schema_names *n, const char *element,
                                const char *attribute);

/* Checks every name in src against the schema and compiles it; then
 * checks every string literal compared (= or !=) with a location path
 * against the values the path's last step can have (an enumeration of
 * the schema; for a `key`, the key universe). Reports errors at
 * file:line:col (col = column of the expression's first byte).
 * An expression longer than 1,000 characters, or with ( and [ nested
 * deeper than 32 levels, is refused before it is compiled. Returns the
 * compiled expression or NULL. */
xmlXPathCompExprPtr mg_expr_compile(const mg_schema_names *names,
                                    const char *src, const char *file, int line,
                                    int col);

/* The same for an expression whose context node is an element named
 * context (NULL: unknown; then a relative path's literals are not
 * checked against its last step's values). */
xmlXPathCompExprPtr mg_expr_compile_in(const mg_schema_names *names,
                                       const char *src, const char *context,
                                       const char *file, int line, int col);
/* The same again, for an expression written in an XML attribute: as is
 * the value as the file spells it ("counters &lt; 8"), so that columns
 * count the file's characters. as may be NULL (src itself). */
xmlXPathCompExprPtr mg_expr_compile_written(const mg_schema_names *names,
                                            const char *src, const char *as,
                                            const char *context,
                                            const char *file, int line,
                                            int col);
/* The name of the elements that src (which compiled), evaluated at an
 * element named context (NULL: unknown), selects, as far as its last step
 * tells ("posts/post[@key='x']" selects post); NULL when it cannot tell.
 * Caller frees. */
char *mg_expr_selects(const char *src, const char *context);

/* Checks that each post key of a section's front matter `posts` is a
 * post that exists (the schema's enumeration; the key universe when it is
 * complete). Reports errors at each entry's position. names may be NULL
 * (nothing is checked). */
void mg_expr_check_posts(const mg_schema_names *names, const char *file,
                         const mg_frontmatter *fm);

/* The params.xsd these names come from (the folder of the other
 * schemas). Static for the life of names. */
const char *mg_schema_names_path(const mg_schema_names *names);
/* When key is not a post that can exist (the PostKey enumeration, then
 * the key universe): why, as the tail of a message (caller frees).
 * NULL when it can. */
char *mg_expr_post_unknown(const mg_schema_names *names, const char *key);

/* The most XPath steps one expression may take (libxml2's opLimit):
 * far above what any placeholder, condition or rule over one hall's
 * parameters needs, far below what makes a build hang. */
#define MG_EXPR_MAX_OPS 1000000UL

/* Evaluates against a store's effective <store> element. xpctx is a
 * per-thread context (mg_expr_context_new). */
xmlXPathContextPtr mg_expr_context_new(xmlDocPtr params);
/* Evaluates e with node as its context node (NULL: the root element of
 * ctx's document). Returns the result (free it with xmlXPathFreeObject),
 * or NULL after reporting that it failed. */
xmlXPathObjectPtr mg_expr_eval(xmlXPathContextPtr ctx, const mg_expr *e,
                               xmlNodePtr node, const char *store);
/* Returns 1/0 for the condition, -1 after reporting an error. */
int mg_expr_bool(xmlXPathContextPtr ctx, const mg_expr *e, const char *store);
/* Returns the string value (caller frees), NULL after reporting that the
 * expression selects nothing or failed. An expression that selects
 * several nodes gives all their values in document order, joined by the
 * list separator set with mg_expr_context_set_separator (", " when none):
 * `{{ scope/business/@name }}` lists the hall's business. */
char *mg_expr_string(xmlXPathContextPtr ctx, const mg_expr *e,
                     const char *store);
/* The same; and when the value is one attribute's or element's, *type is
 * the local name of the type names gives it ("Phone", "Email"), else
 * NULL. */
char *mg_expr_value(xmlXPathContextPtr ctx, const mg_expr *e, const char *store,
                    const mg_schema_names *names, const char **type);
/* The separator of a list in language lang: "、" for zh-CN, ", " else. */
const char *mg_list_separator(const char *lang);
/* Sets the list separator of ctx's placeholders (a static string). */
void mg_expr_context_set_separator(xmlXPathContextPtr ctx, const char *sep);

/* -------------------------------------------------------------- parse.c */

typedef struct {
  char *slug;
  char *id; /* <section-id>--<slug> */
} mg_heading;

struct mg_section {
  char *path; /* as written in the outline, relative to content dir */
  char *file; /* content_dir/path, for messages */
  int outline_line;
  mg_chapter *chapter;
  size_t index; /* position in the manual */
  mg_frontmatter fm;
  xmlNodePtr el;   /* its m:section in the compiled manual */
  xmlNodePtr body; /* its md:document there, NULL if parsing failed */
  mg_heading *headings;
  size_t nheadings;
  /* slug -> heading id, and the section id -> itself: the anchors a
   * cross reference may name (values borrowed from headings and fm) */
  xmlHashTablePtr anchors;
  char *src; /* the file, kept for column conversions */
  size_t srclen;
  size_t *line_starts; /* byte offset of each line (1-based index) */
  size_t nlines;
  struct {
    int line, bytecol, charcol;
  } colcache; /* the last conversion: columns are asked in order */
};

/* ------------------------------------------------------------ compile.c */

/* The expressions of one node of the compiled manual, in order (see
 * compile.c); an entry is NULL when its expression did not compile. */
typedef struct mg_expr_list {
  struct mg_expr_list *next; /* the manual's list of lists */
  size_t n;
  mg_expr *v[];
} mg_expr_list;

/* The compiled manual, ready to resolve: the document, its sections, and
 * every expression compiled (each node's _private points at its
 * mg_expr_list). Read-only once made, so shared by every thread. */
typedef struct {
  xmlDocPtr doc;
  int owns; /* mg_manual_free frees doc */
  const mg_schema_names *names;
  char *lang, *title, *organisation;
  xmlNodePtr *sections; /* every m:section in manual order */
  size_t nsections;
  xmlHashTablePtr ids; /* section id -> index + 1 */
  mg_expr **exprs;     /* every expression, in document order */
  size_t nexprs, cap;
  mg_expr_list *lists;
  xmlDictPtr files;     /* the file names messages show */
  xmlHashTablePtr uniq; /* an expression's text -> its uniq + 1 */
  size_t nuniq;         /* how many texts the expressions have */
  char *base;           /* the content folder: sections' files are below it */
  int errors;           /* expressions that did not compile (reported) */
  /* declared duties and forms (duties.c), NULL when none */
  xmlNodePtr duties, forms;  /* m:duties, m:forms */
  xmlHashTablePtr duty_decl; /* duty id -> its m:duty */
  xmlHashTablePtr duty_item; /* duty id -> the md:item describing it */
  /* the checks of the draft (docs/design.md) run: set for the content,
   * never for a release, which is frozen */
  int checks;
  /* rule `named`: post titles and zone names of every parameter file
   * (mg_duties_learn_names); NULL: the rule is not checked */
  struct mg_named *named;
} mg_manual;

/* Checks (against names, when not NULL) and compiles every expression of
 * a compiled manual, reporting errors at their file:line:col (sections'
 * files are relative to base, the content folder). Takes doc over when
 * owns is set. NULL only when doc is not a compiled manual; otherwise
 * m->errors counts the expressions that failed. */
mg_manual *mg_manual_compile(xmlDocPtr doc, int owns,
                             const mg_schema_names *names, const char *base);
/* The file, as messages show it, of the section that holds n. Interned:
 * valid as long as m. */
const char *mg_manual_file(const mg_manual *m, xmlNodePtr n);
/* Compiles the expressions of one more m:section of m->doc (`render`'s
 * file outside the outline); it is not added to m->sections. */
void mg_manual_add(mg_manual *m, xmlNodePtr section);
/* The index in m->sections of the section with this id, or -1. */
int mg_manual_section_index(const mg_manual *m, const char *id);
/* The vocabulary's small tools, for every stage that walks a compiled or
 * resolved manual. mg_is_m: n (may be NULL) is an element of our
 * namespace named name (any name when NULL). mg_m_child: n's first such
 * child, or NULL. mg_m_child_text: its text ("" when there is none;
 * the caller frees). */
int mg_is_m(xmlNodePtr n, const char *name);
xmlNodePtr mg_m_child(xmlNodePtr n, const char *name);
char *mg_m_child_text(xmlNodePtr n, const char *name);
/* The same for any element, by its local name: mg_child, n's first
 * element child named name (n may be NULL); mg_prop, a copy of n's
 * attribute name, or NULL when n or the attribute is absent (the caller
 * frees). */
xmlNodePtr mg_child(xmlNodePtr n, const char *name);
char *mg_prop(xmlNodePtr n, const char *name);
/* The title of m->sections[i] ("" when there is none). Caller frees. */
char *mg_manual_section_title(const mg_manual *m, int i);
/* A section's md:document, NULL when the section failed to parse. */
xmlNodePtr mg_manual_body(xmlNodePtr section);
void mg_manual_free(mg_manual *m);
/* The compiled manual as a file's bytes (UTF-8, no indentation added).
 * Caller frees. */
char *mg_manual_serialize(const mg_manual *m, size_t *len);
/* Reads a compiled manual written by mg_manual_serialize (a release's),
 * validates it against TEMPLATES/schema/compiled.xsd and compiles it.
 * NULL after reporting errors. */
mg_manual *mg_manual_read(const char *path, const char *templates_dir,
                          const mg_schema_names *names, const char *base);
/* Validates doc against the XSD at xsd_path, reporting each error.
 * Returns 0 or -1. */
int mg_validate(xmlDocPtr doc, const char *xsd_path);

/* The store-independent tree: every section parsed once, into the
 * compiled manual (doc), and that manual compiled. */
typedef struct {
  mg_outline *outline;
  xmlDocPtr doc;         /* the compiled manual (owned by the tree) */
  mg_manual *manual;     /* doc, its expressions compiled */
  mg_section **sections; /* all sections in manual order */
  size_t nsections;
  const mg_schema_names *names;
  char *content_dir;
  xmlHashTablePtr by_path; /* section path -> its first listing */
  mg_section **extra;      /* files parsed on their own (`render`) */
  size_t nextra;
  struct mg_decls *decls; /* duties.xml and forms.xml, while parsing */
} mg_tree;

/* Parses every section of the outline. Errors are reported; the tree is
 * returned anyway (sections that failed have body == NULL) so that all
 * errors of a run are found. */
mg_tree *mg_tree_parse(mg_outline *o, const char *content_dir,
                       const mg_schema_names *names);
/* The section whose file is path (relative to the content folder or as
 * given on the command line), NULL when the outline does not list it. */
mg_section *mg_tree_find_section_by_file(mg_tree *t, const char *path);
/* Parses a Markdown file that the outline does not list (front matter
 * optional), for `render`. The section belongs to the tree. */
mg_section *mg_tree_add_file(mg_tree *t, const char *file);
void mg_tree_free(mg_tree *t);
void mg_section_free(mg_section *s);
/* The slug of a heading text ("第一步 表示理解" -> "第一步-表示理解"). */
char *mg_slugify(const char *text);
/* Converts a 1-based byte column on a line of src to a character column. */
int mg_char_col(const char *src, size_t len, int line, int bytecol);
/* The same for a section, in constant time for positions asked in order. */
int mg_section_col(mg_section *s, int line, int bytecol);
/* The 1-based line of s's source that holds byte offset off. */
int mg_section_line_at(const mg_section *s, size_t off);

/* ------------------------------------------------------------- params.c */

typedef struct {
  char *content_dir;
  char *xsd_path;
  xmlSchemaPtr schema;
  xmlDocPtr xsd_doc;
  mg_schema_names *names;
  xmlDocPtr defaults;
  /* cities, parsed once each */
  char **city_ids;
  xmlDocPtr *city_docs;
  size_t ncities;
  mg_strv store_ids;     /* every content/stores/<id>.xml, sorted */
  xmlDocPtr *store_docs; /* parsed once each, by index; NULL if it failed */
  pthread_mutex_t lock;
} mg_params;

/* Loads the schema, defaults, cities and stores, each file parsed and
 * validated once (errors reported). NULL after reporting errors that make
 * the rest pointless (no schema). */
mg_params *mg_params_load(const char *content_dir, const char *templates_dir);
void mg_params_free(mg_params *p);
/* The effective parameters of a store: defaults <- city <- store, in time
 * linear in the size of the files. Every node's _private points at the
 * name of the file that set it (static for the life of p). NULL after
 * reporting errors. Thread-safe: p is only read. */
xmlDocPtr mg_params_effective(mg_params *p, const char *store_id);
/* mg_params_effective in two steps: the merge, and the check that the
 * result is a valid store (0, or -1 after reporting; then free it). A
 * build checks only a hall it must make: one whose digest is that of a
 * hall it made before was valid then. */
xmlDocPtr mg_params_merge(mg_params *p, const char *store_id);
int mg_params_effective_check(mg_params *p, xmlDocPtr eff,
                              const char *store_id);
/* Frees what mg_params_effective returned. */
void mg_params_effective_free(xmlDocPtr eff);
/* Where node n of effective parameters was set: the file (static for the
 * life of the mg_params) and the line of the element that set it, which
 * for an element spread over lines is the line of its start tag's '>'.
 * n may be an attribute (cast to xmlNodePtr): its own origin, which may
 * be a more specific file than its element's. Returns 1, or 0 when n has
 * no known origin (not from mg_params_effective, or added after). */
int mg_params_origin(xmlNodePtr n, const char **file, long *line);
/* Prints "path = value    file:line" for every value. */
void mg_params_print(xmlDocPtr eff, FILE *out);
/* What the index and every page header show of a store. */
typedef struct {
  char *id, *name, *city, *city_name, *type;
} mg_identity;
/* Reads them from effective parameters (missing values are ""). */
void mg_params_identity(xmlDocPtr eff, mg_identity *out);
/* Sets them as the attributes id, name, city, city-name, type of n. */
void mg_identity_set_props(const mg_identity *id, xmlNodePtr n);
void mg_identity_free(mg_identity *id);

/* ------------------------------------------------------------- domain.c */

/* Times are minutes since midnight. "HH:MM" (00:00 to 23:59) gives its
 * minutes, anything else -1. */
int mg_time_parse(const char *s);
/* Writes "HH:MM" and a NUL ("--:--" for a value outside the day). */
void mg_time_format(int minutes, char out[6]);
/* Days are counted in a leap year, so that 02-29 is one: "MM-DD" gives
 * 0 (01-01) to 365 (12-31), a day that does not exist -1. */
#define MG_LEAP_YEAR_DAYS 366
int mg_month_day(const char *s);
void mg_month_day_format(int day, char out[6]);
/* The first stretch of [from, to) that none of the n intervals
 * [a[i], b[i]) covers: returns 1 and sets [*gap_from, *gap_to), or
 * returns 0 when the intervals cover it all. */
int mg_cover_gap(const int *a, const int *b, size_t n, int from, int to,
                 int *gap_from, int *gap_to);
/* The domain checks of one hall's effective parameters (draft edition
 * only; docs/design.md): in-charge, patrol, staffing, appraisal, calendar
 * and policy. Each violation is reported with mg_diag_store at the file,
 * line and column that set the value at fault. A check whose values are
 * absent is skipped. Returns the number of errors reported. */
int mg_domain_check(xmlDocPtr eff, const char *store);

/* ------------------------------------------------- rules.c, literal.c */

/* HQ's rules, content/rules.xml (templates/schema/rules.xsd): an ISO
 * Schematron subset evaluated per hall over its check document. */
typedef struct mg_rules mg_rules;
/* Reads, validates and compiles content_dir/rules.xml: every XPath once,
 * its names checked against names (the parameters') and the names of
 * the check document's additions (NULL: not checked), each mistake
 * reported at its position in rules.xml. A content folder without the
 * file has no rules (an empty set). NULL after reporting errors. */
mg_rules *mg_rules_load(const char *content_dir, const char *templates_dir,
                        const mg_schema_names *names);
void mg_rules_free(mg_rules *r);
/* The number of rules (asserts and reports) r holds. */
size_t mg_rules_count(const mg_rules *r);
/* Evaluates every rule over check_doc (mg_check_doc) on behalf of store:
 * each assert that fails and each report that holds is reported at its
 * element in rules.xml, as an error or (role="warning") a warning.
 * Thread-safe: r is only read. Returns the number of errors reported
 * (warnings do not count; an expression that cannot be evaluated does). */
int mg_rules_check(const mg_rules *r, xmlDocPtr check_doc, const char *store);
/* The document the rules see for a hall: a copy of its effective
 * parameters eff, with copies of duties and forms (either may be NULL)
 * appended to the root. eff is not changed. Free with xmlFreeDoc. */
xmlDocPtr mg_check_doc(xmlDocPtr eff, xmlNodePtr duties, xmlNodePtr forms);
/* Evaluates r for one hall, given its effective parameters eff and its
 * duties and forms (mg_resolve_duties's; NULL: none): over the check
 * document (mg_check_doc). Returns the number of errors. */
int mg_rules_check_hall(const mg_rules *r, xmlNodePtr duties, xmlDocPtr eff,
                        const char *store);

/* Check 9 (`literal`): warns, once per section of t, at each time and
 * count of counters written in the text (not in code, placeholders or
 * markers) that some parameter file of p sets, naming the parameter to
 * write instead. Returns the number of warnings. */
int mg_literal_check(mg_tree *t, const mg_params *p);

/* ------------------------------------------------------------ resolve.c */

typedef struct {
  const char *name; /* "draft" */
  char date[16];    /* YYYY-MM-DD */
} mg_edition;

/* Resolves the compiled manual for one store: drops sections whose
 * applies-to is false, picks the branches of conditional passages,
 * replaces placeholders, resolves cross references. Pure: reads man and
 * params, and returns a new document (the resolved manual,
 * docs/design.md) holding the store's content only. NULL after reporting
 * errors. */
xmlDocPtr mg_resolve(const mg_manual *man, xmlDocPtr params,
                     const char *store_id);
/* mg_resolve, handing the hall's duties and forms (mg_duties_assign's
 * element, NULL for a manual without declarations) to the caller, who
 * frees them with xmlFreeNode: the rules see them without a second
 * assignment. *duties is set only when a document is returned. */
xmlDocPtr mg_resolve_duties(const mg_manual *man, xmlDocPtr params,
                            const char *store_id, xmlNodePtr *duties);
/* Lazy bodies: mg_resolve_duties, but each section body (md:document of
 * m:section) is left empty and only traced: what decides its copy (the
 * branches taken, the links and duty items kept, the strings it puts in
 * attributes, its placeholders' values, holed as splice.c holes them) is
 * digested into a key that, with seed (what the compiled manual and the
 * templates are), determines the body as splice.c sees it. Every message
 * a full resolve gives is given now. *duties (may be NULL) is owned by
 * *lazy, which also reads params: both live until mg_lazy_free. Body i
 * is the i-th md:document of m:section in document order. */
typedef struct mg_lazy mg_lazy;
xmlDocPtr mg_resolve_lazy(const mg_manual *man, xmlDocPtr params,
                          const char *store_id, const char *seed,
                          xmlNodePtr *duties, mg_lazy **lazy);
size_t mg_lazy_count(const mg_lazy *lz);
xmlNodePtr mg_lazy_node(const mg_lazy *lz, size_t i);
const char *mg_lazy_key(const mg_lazy *lz, size_t i);
/* body i's holed values, distinct, in order of first appearance */
size_t mg_lazy_values(const mg_lazy *lz, size_t i, char ***values);
/* a value of body i holds the token characters (splice.c) */
int mg_lazy_unsafe(const mg_lazy *lz, size_t i);
int mg_lazy_made(const mg_lazy *lz, size_t i);
/* Makes body i (its children, as mg_resolve_duties would have made
 * them); every body; neither reports anything. */
void mg_lazy_make(mg_lazy *lz, size_t i);
void mg_lazy_make_all(mg_lazy *lz); /* lz may be NULL */
void mg_lazy_free(mg_lazy *lz);     /* lz may be NULL */
/* Adds what every store of an edition shares to a resolved manual: the
 * edition (name, date) and the UI strings (l10n, copied; may be NULL). */
void mg_resolved_decorate(xmlDocPtr doc, const mg_edition *ed, xmlNodePtr l10n);
/* Resolves one section only (md:document as root), for `render`. params
 * may be NULL (no store). */
xmlDocPtr mg_resolve_section(const mg_manual *man, xmlNodePtr section,
                             xmlDocPtr params, const char *store_id);

/* --------------------------------------------------------------- hall.c */

/* Appends to parent the hall's m:hall element (print-spec, "The print
 * document"; m is the manualgen namespace): its hours, patrol rounds and
 * zones (with their owners' post titles), contacts and, when params set
 * <site-url>, m:online and m:qr. Pure: reads params only. Returns 0, or
 * -1 after reporting an address too long for a QR code (m:hall is then
 * written without m:qr). parent NULL: nothing is written, the address
 * only checked (pages and checks need no m:hall: only print reads it). */
int mg_hall_write(xmlNodePtr parent, xmlNsPtr m, xmlDocPtr params,
                  const char *store_id);
/* The hall's online address: site (trailing slashes dropped) +
 * "/latest/stores/ID/index.html". Caller frees. */
char *mg_hall_online_url(const char *site, const char *store_id);
/* The QR code of text (libqrencode, level M, 8-bit mode) as width*width
 * '0'/'1' characters, row by row, '1' dark; *size is set to the width.
 * NULL when text does not fit a QR code. Caller frees. */
char *mg_qr_modules(const char *text, int *size);

/* ------------------------------------------------------------- duties.c */

/* Declared duties and forms (content/duties.xml, content/forms.xml,
 * docs/design.md "Duties and forms"): loaded once with the sections, put
 * into the compiled manual, and assigned per hall. */
typedef struct mg_decls mg_decls;

/* Reads CONTENT/duties.xml and CONTENT/forms.xml when they exist, each
 * validated against duties.xsd / forms.xsd (beside names' params.xsd) and
 * checked (duplicate ids and titles, unknown post and outside keys), and
 * appends what they declare to root (the compiled manual) as m:duties and
 * m:forms. Errors are reported. Never NULL; without names, no file is
 * read (nothing is declared). Free with mg_decls_free. */
mg_decls *mg_decls_load(xmlNodePtr root, const char *content_dir,
                        const mg_schema_names *names);
/* parse.c: a list item of section file starts with "[id]" at line:col.
 * Returns 1 when id is declared (the item is recorded as its
 * description), 0 after reporting that it is not. */
int mg_decls_duty_item(mg_decls *d, const char *id, const char *file, int line,
                       int col);
/* parse.c: checks the 《X》 of a text of file (line, its first byte at
 * byte column bytecol; col converts a byte column to characters). */
void mg_decls_form_refs(mg_decls *d, const char *text, const char *file,
                        int line, int bytecol, mg_section *s);
/* Once every section is parsed: a declared duty described by two items,
 * and when every section parsed (complete), one described by none and a
 * declared form no section names (a warning). */
void mg_decls_finish(mg_decls *d, int complete);
void mg_decls_free(mg_decls *d);

/* The owners of every duty and form in a hall (eff: its effective
 * parameters), by the reassignments: a new element <duties> (no
 * namespace, in no document; free with xmlFreeNode) holding <post key
 * title count> for each post the hall has, then <duty id title
 * declared-owner owner? outside? owner-title? section? status> with
 * status own | reassigned | outside | not-applicable, then <form id
 * title filled-by owner? owner-title?>. When man->checks, a duty or a
 * form without exactly one owner is reported (rules duty-owner, forms)
 * and NULL returned; otherwise such a duty keeps its declared owner.
 * A manual without declarations gives an empty <duties>. */
xmlNodePtr mg_duties_assign(const mg_manual *man, xmlDocPtr eff,
                            const char *store);
/* Learns the post titles and zone names of every parameter file of p
 * (defaults, cities, stores: post/@title, zone/@name, each with its key)
 * into man->named, for rule `named` (a name a hall's handbook uses for
 * something that hall does not have). Once, before the halls. */
/* The names rule `named` knows (mg_duties_learn_names), into d. */
void mg_named_digest(const mg_manual *man, mg_digest *d);
void mg_duties_learn_names(mg_manual *man, mg_params *p);
void mg_named_free(struct mg_named *n);
/* Per hall: absent[i] is set when the hall (eff) has no post or zone of
 * the key of the i-th name (a post: its posts list has it; a zone: its
 * zones list). A name that two keys share is absent only when both are.
 * NULL when n is NULL. Caller frees. */
unsigned char *mg_named_absent(const struct mg_named *n, xmlDocPtr eff);
/* A name found in a text. Strings are borrowed from the mg_named. */
typedef struct {
  size_t off, len;  /* bytes, in the text */
  const char *name; /* as the parameter file gives it */
  const char *key;  /* the post's or zone's key */
  int zone;         /* 0: a post */
} mg_named_hit;
/* Finds the next name of a thing the hall lacks in text (len bytes) from
 * byte *pos on, in one pass: at each character, the longest name starting there
 * (终端体验区专员 before 终端体验区), a name the hall has being skipped
 * whole. Returns 1 with *hit set and *pos after the name, or 0 at the
 * end of the text. */
int mg_named_next(const struct mg_named *n, const unsigned char *absent,
                  const char *text, size_t len, size_t *pos, mg_named_hit *hit);
/* mg_named_next over md:text text of the manual, whose names were found
 * once when they were learned: *pos counts its names (start at 0).
 * Returns 1 or 0 as mg_named_next does; -1 when text is not the
 * manual's (then scan it with mg_named_next). */
int mg_named_next_in(const struct mg_named *n, const unsigned char *absent,
                     xmlNodePtr text, size_t *pos, mg_named_hit *hit);
/* Whether element el of a section's body is inert: its copy is the same
 * in every hall (no placeholder, condition, link or duty item under it)
 * and no text under it names a post or a zone; found once, with the
 * names. 0 when not known (n NULL). */
int mg_named_inert(const struct mg_named *nm, xmlNodePtr el);

/* ---------------------------------------------------------- transform.c */

/* The printed outputs of a hall, in the order they are made: the driver
 * templates/print/NAME.xsl makes NAME.pdf. */
enum {
  MG_PRINT_HANDBOOK,
  MG_PRINT_PATROL,
  MG_PRINT_FORMS,
  MG_PRINT_CARDS,
  MG_PRINT_SIGNOFF, /* releases only */
  MG_PRINT_N
};
extern const char *const mg_print_names[MG_PRINT_N];

typedef struct {
  char *templates_dir;
  xsltStylesheetPtr site, handbook, index, body;
  /* optional (NULL when the templates have none: a release's frozen
   * templates may predate them) */
  xsltStylesheetPtr feedback, feed, editions;
  /* the print drivers (templates/print/<name>.xsl, writing Typst), each
   * NULL when absent; has_print: the templates have a print/ folder */
  xsltStylesheetPtr print[MG_PRINT_N];
  int has_print;
  int print_loaded; /* print[] compiled (mg_templates_load_print) */
  /* site.xsl and handbook.xsl both declare that they only print
   * m:store/@type and @type-label (m:prints-store): splice.c holes them */
  int prints_type;
  xmlDocPtr l10n_doc; /* <m:l10n>: language strings over English */
  char *css;
  /* js/search.js, the search's script, which the single-page handbook
   * carries (driver parameter search.script); NULL when the templates
   * have none (a release's frozen templates may predate it) */
  char *search_js;
  /* js/stores.js, the edition index's filter, written beside it; NULL
   * when the templates have none */
  char *stores_js;
  char digest[33]; /* every file of the templates, and the version */
} mg_templates;

mg_templates *mg_templates_load(const char *templates_dir, const char *lang);
/* Compiles t's print drivers (print[]), once; before the threads that use
 * them start. Returns 0, or -1 after reporting a driver that does not
 * compile. t may be NULL. */
int mg_templates_load_print(mg_templates *t);
void mg_templates_free(mg_templates *t);

/* One generated page. */
typedef struct {
  char *href;
  char *data;
  size_t len;
} mg_page;
typedef struct {
  mg_page *v;
  size_t n;
} mg_pages;
void mg_pages_free(mg_pages *p);
/* The UI strings of the templates in dir for language lang: every key of
 * l10n/en.xml, in lang where it has one (<m:l10n><m:string key>). NULL
 * after reporting that a file cannot be read. Caller frees. */
xmlDocPtr mg_l10n_load(const char *dir, const char *lang);
/* The string of key in l10n (caller frees), or NULL. */
char *mg_l10n_string(xmlDocPtr l10n, const char *key);

/* Applies a driver to doc and serializes each page of its m:pages result
 * as HTML5. params: NULL-terminated name/value pairs, passed as literal
 * strings. Returns 0, or -1 after reporting errors. */
int mg_transform(xsltStylesheetPtr style, xmlDocPtr doc, const char **params,
                 mg_pages *out, const char *what);
/* Applies a print driver (xsl:output method="text") to doc: the Typst
 * source, *len bytes (caller frees), or NULL after reporting errors. */
char *mg_transform_text(xsltStylesheetPtr style, xmlDocPtr doc,
                        const char **params, size_t *len, const char *what);
/* Serializes an HTML fragment (body.xsl's output). */
char *mg_transform_fragment(xsltStylesheetPtr style, xmlDocPtr doc);

/* -------------------------------------------------------------- splice.c */

/* Render once per shape, splice per hall (splice.c): the site and
 * handbook drivers run once for every set of halls whose resolved
 * manuals differ only in the hall's own strings; each hall's pages are
 * those, its values put in. One splicer serves a whole run (every
 * edition, every thread); it keeps the cut pages of up to cap_bytes. */
typedef struct mg_splicer mg_splicer;
extern const char mg_placeholder_mark; /* _private of a placeholder's text */
mg_splicer *mg_splicer_new(size_t cap_bytes);
void mg_splicer_free(mg_splicer *s);
/* The pages mg_transform(site) then mg_transform(handbook, hparams) would
 * make of doc, appended to out. Returns 0; 1 when doc cannot be spliced
 * (the caller runs the drivers: out untouched, doc as it was); -1 after
 * reporting a failed transformation. doc is changed while it runs and
 * restored before it returns. */
int mg_splice_pages(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                    const char **hparams, mg_pages *out, const char *what);
/* mg_splice_pages for a document whose bodies are lazy (mg_resolve_lazy):
 * it makes only the bodies it has to render (lz may be NULL: none is).
 * On 1, make every body (mg_lazy_make_all) before running the drivers. */
int mg_splice_lazy(mg_splicer *s, const mg_templates *tpl, xmlDocPtr doc,
                   mg_lazy *lz, const char **hparams, mg_pages *out,
                   const char *what);
/* Whether splice.c holes value v (numbers: numeric values too); whether s
 * holds the characters of its tokens (then a hall is not spliced). */
int mg_splice_holeable(const char *v, int numbers);
int mg_splice_token_chars(const char *s);
/* Every node from n on (its following siblings too), with every
 * attribute, into d: two trees that hash alike serialize alike. */
void mg_digest_tree(mg_digest *d, xmlNodePtr n);
/* How many shapes were rendered, halls spliced, halls that took the
 * reference path. */
void mg_splicer_stats(const mg_splicer *s, size_t *rendered, size_t *spliced,
                      size_t *fallbacks);
/* How many lazy section bodies (mg_splice_lazy) were made to be rendered,
 * of how many the halls had. */
void mg_splicer_bodies(const mg_splicer *s, size_t *made, size_t *bodies);

/* ---------------------------------------------------------------- pdf.c */

/* Typst sources to PDF through long-lived engine processes (node
 * print/worker.mjs; print-spec.md, "Worker protocol"). */
typedef struct mg_pdf_pool mg_pdf_pool;
/* The fonts the prints may use (Debian fonts-noto-cjk), and no other. */
#define MG_FONT_DIR "/usr/share/fonts/opentype/noto"
/* A pool of at most `workers` engines (one per build thread), started
 * lazily from print_dir (the folder of worker.mjs and its node_modules).
 * Never fails; starting an engine may, later. Free with mg_pdf_pool_free,
 * which ends the engines. */
mg_pdf_pool *mg_pdf_pool_new(const char *print_dir, int workers);
void mg_pdf_pool_free(mg_pdf_pool *pool);
/* Compiles the Typst source typ (len bytes) to the PDF out_pdf: writes it
 * as main.typ into a fresh private folder (the Typst root), asks an
 * engine, removes the folder. Thread-safe. Returns 0, or -1 after
 * reporting Typst's diagnostics as "WHAT: error: typst: ..." (out_pdf is
 * then not there). */
int mg_pdf_render(mg_pdf_pool *pool, const char *typ, size_t len,
                  const char *out_pdf, const char *what);
/* mg_pdf_render into a private folder of its own: the PDF's bytes
 * (*pdf_len of them; caller frees), or NULL after reporting. */
char *mg_pdf_make(mg_pdf_pool *pool, const char *typ, size_t len,
                  size_t *pdf_len, const char *what);
/* "typst 0.14 / typst-ts 0.7.0", asked once; NULL after reporting when no
 * engine starts. Owned by the pool. */
const char *mg_pdf_engine_version(mg_pdf_pool *pool);
/* The process id of engine i, 0 when none runs (for the tests). */
pid_t mg_pdf_pool_worker_pid(mg_pdf_pool *pool, size_t i);

/* A reply of the engine, parsed. */
typedef struct {
  char *message;
  int line, col; /* 1-based in main.typ; 0 when unknown */
  int warning;
} mg_pdf_diag;
typedef struct {
  long id; /* -1 when null */
  int ok;
  long pages;
  char *version;
  mg_pdf_diag *diag;
  size_t ndiag;
} mg_pdf_reply;
/* Parses one reply line (len bytes; JSON). Returns 0 with *r filled (a
 * failure always has at least one diagnostic), or -1 when the line is not
 * a reply (*r is then empty). Free with mg_pdf_reply_free. */
int mg_pdf_parse_reply(const char *line, size_t len, mg_pdf_reply *r);
void mg_pdf_reply_free(mg_pdf_reply *r);
/* A render request line, newline-terminated. Caller frees. */
char *mg_pdf_request(long id, const char *root, const char *main_typ,
                     const char *out_pdf);

/* ------------------------------------------------------------- glyphs.c */

/* The family the prints are set in (templates/print/common/typst.xsl),
 * for messages. */
#define MG_FONT_FAMILY "Noto Sans CJK SC"
/* The characters the fonts of a folder have (every face of every file,
 * through fontconfig). Read-only once made: threads share it. NULL after
 * reporting (no folder, no font in it). Free with mg_glyphs_free. */
typedef struct mg_glyphs mg_glyphs;
mg_glyphs *mg_glyphs_load(const char *dir);
void mg_glyphs_free(mg_glyphs *g);
/* True when a font has code point cp, or it is never drawn (a control or
 * an invisible format character). */
int mg_glyphs_has(const mg_glyphs *g, unsigned cp);
/* True when a character of doc (a text or an attribute value) is in no
 * font of g: the fast look, stopping at the first, reporting nothing. */
int mg_glyphs_lacks(const mg_glyphs *g, xmlDocPtr doc);
/* Reports each character of doc (a hall's print document) in no font of
 * g, once, on behalf of store: at the compiled manual's text that has it
 * (man; may be NULL), else at the parameter that set it (eff, the hall's
 * effective parameters; may be NULL), else at its section's file or with
 * no position. Returns the number of characters reported. */
int mg_glyphs_check(const mg_glyphs *g, xmlDocPtr doc, const mg_manual *man,
                    xmlDocPtr eff, const char *store);

/* -------------------------------------------------------------- write.c */

/* Writes path in one step: the bytes go to a temporary file in the same
 * folder, renamed over path when complete. Refuses (with a message) a
 * path that exists and is not a regular file: a symbolic link, a device,
 * a FIFO, a folder. Returns 0, or -1 after reporting. */
int mg_write_atomic(const char *path, const char *data, size_t len);
/* mg_write_atomic unless path holds these bytes already (its time stamp
 * then stays). Returns 0, or -1 after reporting. */
int mg_write_if_changed(const char *path, const char *data, size_t len);

/* ------------------------------------------------------------ publish.c */

/* An edition is published whole: its files are written into a staging
 * folder beside OUT/NAME, which is swapped in by mg_publish_commit in one
 * atomic step (see publish.c). Every path is relative to the edition's
 * folder and is opened without following symbolic links. The write and
 * link functions are thread-safe. */
typedef struct mg_publish mg_publish;
/* Takes OUT's lock (OUT/.manualgen-lock, flock) for a writer that is
 * not a publish (`index`). Returns its descriptor (close to release), or
 * -1 after reporting another build holding it. */
int mg_out_lock(const char *out_dir);
/* Locks OUT, removes what interrupted builds left there, and opens a
 * staging folder. NULL after reporting errors. */
mg_publish *mg_publish_begin(const char *out_dir, const char *name);
/* Opens a regular file of the published edition (no symbolic link in
 * any component). Returns a descriptor, or -1. */
int mg_publish_open_old(mg_publish *p, const char *rel);
/* Reads such a file whole; NULL when there is none. Caller frees. */
char *mg_publish_read_old(mg_publish *p, const char *rel, size_t *len);
/* Puts the open file fd (from mg_publish_open_old) into the new edition
 * at rel, as a hard link. Returns 0 or -1 (errno set). */
int mg_publish_link(mg_publish *p, const char *rel, int fd);
/* Keeps file rel of src's published edition (src may be p) as rel of
 * p's new edition, unchanged. Nothing is linked yet: when nothing else
 * of the edition changes, mg_publish_commit leaves the published one as
 * it is without making a staging copy of it at all; otherwise the kept
 * files are linked into the new edition then. src must be committed
 * after p. Returns 0. */
int mg_publish_keep(mg_publish *p, const char *rel, mg_publish *src);
/* Keeps every file of ours of the published edition (its manifest's). */
void mg_publish_keep_all(mg_publish *p);
/* Writes a file of the new edition (linking the published one instead
 * when its bytes are the same). Returns 0, or -1 after reporting. */
int mg_publish_file(mg_publish *p, const char *rel, const char *data,
                    size_t len);
/* Carries into the new edition what it does not have from the published
 * one: files that are not ours, and ours for which managed(rel, ctx) is
 * false (NULL: every file is managed); then swaps the new edition in and
 * removes the old. Returns the number of files changed (0 when nothing
 * did: the published edition is left untouched), or -1 after reporting.
 * Either way p is finished: free it with mg_publish_free. */
int mg_publish_commit(mg_publish *p, int (*managed)(const char *rel, void *),
                      void *ctx);
/* Appends the files written or linked into the new edition so far, in
 * byte order (what its manifest will list as produced). */
void mg_publish_list(mg_publish *p, mg_strv *out);
/* Removes the staging folder; the published edition stays as it was. */
void mg_publish_abort(mg_publish *p);
/* Removes the staging folder without touching p: for a run that ends
 * (_exit) while a worker still holds p, whose writes then fail. */
void mg_publish_abandon(mg_publish *p);
/* Aborts if need be, and releases the lock. */
void mg_publish_free(mg_publish *p);
/* Removes path and everything below it, following no symbolic link (a
 * link is removed, not what it points to). 0, or -1 (errno set). */
int mg_remove_tree(const char *path);

/* ----------------------------------------------------------- manifest.c */

/* A hall's .manualgen-build: the digest of its inputs and its files. */
typedef struct {
  char *name; /* relative to the hall's folder */
  size_t size;
  char hash[33]; /* XXH3-128 of the bytes */
} mg_manifest_file;
typedef struct {
  char digest[33];
  mg_manifest_file *files;
  size_t n;
} mg_manifest;
/* Parses a manifest (len bytes, need not be NUL-terminated). Returns 0,
 * or -1 when it is not a well-formed manifest (m is then empty). */
int mg_manifest_parse(const char *text, size_t len, mg_manifest *m);
/* Appends a file, hashing its bytes. */
void mg_manifest_add(mg_manifest *m, const char *name, const void *data,
                     size_t len);
/* The manifest's text. Caller frees. */
char *mg_manifest_format(const mg_manifest *m, size_t *len);
void mg_manifest_free(mg_manifest *m);
/* True when s (n bytes) is a name a manifest may list. */
int mg_manifest_name_ok(const char *s, size_t n);

/* ------------------------------------------------------------- digest.c */

/* An XXH3-128 digest being computed (libxxhash). */
typedef struct mg_digest mg_digest;
mg_digest *mg_digest_new(void);
void mg_digest_update(mg_digest *d, const void *data, size_t len);
/* Hashes a document as serialized, without building the serialization. */
void mg_digest_doc(mg_digest *d, xmlDocPtr doc);
/* Hashes every file below dir (names and contents, in sorted order).
 * Returns the number of files that could not be read (each reported). */
int mg_digest_files(mg_digest *d, const char *dir);
/* Writes 32 hex digits and a NUL to hex, and frees d. */
void mg_digest_finish(mg_digest *d, char hex[33]);
/* Hashes what node n says, not where it was written: its name, its
 * attributes but line, col, file and display, its text, recursively. Two
 * sections with the same content hash alike wherever they stand. */
void mg_digest_content(mg_digest *d, xmlNodePtr n);
/* The XXH3-128 of data, as 32 hex digits and a NUL. */
void mg_hash_hex(const void *data, size_t len, char hex[33]);

/* ----------------------------------------------------------- feedback.c */

/* The field-feedback ledger: what the staff of a hall reported about a
 * passage of the manual, and what headquarters did with it, so that each
 * revision can be traced to the reports that caused it. One item a file,
 * CONTENT/feedback/FB-0001.xml, validated by templates/schema/feedback.xsd
 * (which documents every field). An item is open when raised; HQ accepts
 * or rejects it with an answer; a release resolves an accepted one.
 *
 * A file is only ever rewritten after it loaded cleanly: a corrupt file is
 * reported at its position and left as it is. A new item is linked into
 * place without replacing anything (two editors adding at once get two
 * ids); a change replaces the item's file in one step (mg_write_atomic).
 * Dates are YYYY-MM-DD (mg_edition_init gives today's, or
 * SOURCE_DATE_EPOCH's). */

typedef enum {
  MG_FB_OPEN,
  MG_FB_ACCEPTED,
  MG_FB_REJECTED,
  MG_FB_RESOLVED
} mg_fb_status;

/* "open", "accepted", "rejected", "resolved". Static. */
const char *mg_fb_status_name(mg_fb_status s);
/* The status named s, or -1. */
int mg_fb_status_parse(const char *s);

/* One item, as its file holds it. Every string belongs to the ledger. */
typedef struct {
  char *id;          /* "FB-0007" */
  unsigned long num; /* 7 */
  char *file;        /* CONTENT/feedback/FB-0007.xml */
  char *date;        /* the day it was raised */
  char *store;       /* the hall that raised it */
  char *post;        /* the post of the person who raised it, or NULL */
  char *section;     /* the section's id */
  char *heading;     /* the slug of one of its headings, or NULL */
  char *text;
  mg_fb_status status;
  char *answer, *answer_date;    /* HQ's answer and its day; NULL when open */
  char *version, *resolved_date; /* the release that resolved it (and its
                                    date); NULL unless resolved */
  xmlDocPtr doc; /* the file as parsed: a change keeps its comments */
} mg_fb_item;

typedef struct {
  char *dir;          /* CONTENT/feedback */
  mg_fb_item **items; /* every item that loaded, sorted by number */
  size_t n;
  mg_strv bad;         /* the ids whose file did not load (each was reported) */
  size_t nbad;         /* files that did not load, with a valid name or not */
  xmlSchemaPtr schema; /* feedback.xsd, to check every change */
  xmlDocPtr xsd_doc;
} mg_ledger;

/* Loads every CONTENT/feedback/FB-NNNN.xml (a missing folder is an empty
 * ledger). Each file must be a regular file below the content folder,
 * well-formed, valid against TEMPLATES/schema/feedback.xsd, named after
 * its id, and consistent (its status agrees with its answer and release);
 * one that is not is reported at its position and left out (l->nbad,
 * l->bad), and the others are loaded all the same. Returns NULL only when
 * the schema cannot be read (reported). Free with mg_ledger_free. */
mg_ledger *mg_ledger_load(const char *content_dir, const char *templates_dir);
void mg_ledger_free(mg_ledger *l);
/* The item with this id, or NULL (also for an id whose file did not
 * load). The item belongs to l. */
mg_fb_item *mg_ledger_find(const mg_ledger *l, const char *id);
/* For `publish --resolves`: checks that each of the n ids names an item
 * of l that is accepted (not open, rejected or already resolved), and
 * that none is named twice. Reports every id that fails, naming it.
 * Returns 0, or -1 after reporting. Changes nothing. */
int mg_ledger_check_resolvable(const mg_ledger *l, const char *const *ids,
                               size_t n);
/* Marks the accepted item id resolved by release version (MAJOR.MINOR),
 * effective on date (YYYY-MM-DD), and rewrites its file in one step.
 * Returns 0, or -1 after reporting (unknown id, an item that is not
 * accepted, a malformed version or date, a file that cannot be written:
 * then the item and its file are as they were). */
int mg_ledger_mark_resolved(mg_ledger *l, const char *id, const char *version,
                            const char *date);

/* What a hall reports (`feedback add`). heading: a slug of the section's
 * headings, or its text as written, or NULL. */
typedef struct {
  const char *store, *post, *section, *heading, *text;
} mg_fb_report;
/* Checks a report against the content: the hall exists (p), the section
 * is one of the manual's (t), the heading one of the section's, the post
 * one that this hall has. Each that fails is reported, with a suggestion
 * when it looks like a typo. On success, *slug is the heading's slug
 * (NULL when no heading was given; the caller frees it). Returns 0, or -1
 * after reporting. p and t may be NULL (their content failed to load):
 * then the report cannot be checked, which is an error. */
int mg_fb_check_report(mg_params *p, const mg_tree *t, const mg_fb_report *r,
                       char **slug);
/* Adds an open item raised on date (r->heading is a slug by now), with
 * the next id: one more than the highest in the folder, whatever loaded,
 * so an id is never reused; if another editor takes that id meanwhile,
 * the next one. The file is written in full before it is linked into
 * place. Refuses (with a message) a text that is empty or holds control
 * characters. Returns the new id (the caller frees it; the item is in l),
 * or NULL after reporting. */
char *mg_ledger_add(mg_ledger *l, const mg_fb_report *r, const char *date);
/* Accepts or rejects (to) the open item id with HQ's answer, on date.
 * Returns 0, or -1 after reporting (unknown id, an item that is not open,
 * an empty answer, a file that cannot be written: nothing changed). */
int mg_ledger_answer(mg_ledger *l, const char *id, mg_fb_status to,
                     const char *answer, const char *date);

/* `feedback list`: which items. status < 0, store or section NULL: any. */
typedef struct {
  int status;
  const char *store, *section;
} mg_fb_filter;
/* Reports a store or section of f that is neither in l nor in the
 * content (p, t; either may be NULL), with a suggestion. Returns 0, or -1
 * after reporting. */
int mg_fb_check_filter(const mg_ledger *l, mg_params *p, const mg_tree *t,
                       const mg_fb_filter *f);
/* Appends one line an item that f selects: id, status (and release),
 * date, hall, section[#heading], post, and the start of the text, in
 * columns aligned for a terminal (CJK characters take two). */
void mg_ledger_list(const mg_ledger *l, const mg_fb_filter *f, mg_buf *out);
/* Appends everything about item id, with its history: raised, accepted
 * or rejected with HQ's answer, resolved in a release. Returns 0, or -1
 * after reporting that l has no such item. */
int mg_ledger_show(const mg_ledger *l, const char *id, mg_buf *out);

/* The HQ page of the ledger. */
typedef struct {
  const char *title;    /* the manual's title */
  const char *lang;     /* its language: the templates' strings are in it */
  const char *date;     /* "generated on" in the footer, or NULL */
  const char *css_href; /* where the page links to manual.css, or NULL
                           to put the stylesheet inside the page */
  const mg_tree *tree;  /* optional: section titles, in manual order */
  mg_params *params;    /* optional: the halls' names */
} mg_fb_page_opts;
/* Produces feedback.html through t->feedback (templates/html/
 * feedback.xsl): the open items by section and by hall, and every item
 * with its history up to the release that resolved it. Appends to out
 * (free with mg_pages_free). Returns 0, or -1 after reporting. */
int mg_ledger_page(const mg_ledger *l, const mg_templates *t,
                   const mg_fb_page_opts *o, mg_pages *out);

/* ------------------------------------------------------------ release.c */

/* One entry of content/releases/releases.xml. */
typedef struct {
  char *version;  /* MAJOR.MINOR */
  char *date;     /* YYYY-MM-DD: the day it takes effect */
  char *manifest; /* XXH3-128 of its MANIFEST */
  char *notes;
  mg_strv added, changed, removed; /* section ids, against the one before */
  mg_strv resolves;                /* feedback ids */
} mg_release;

typedef struct {
  char *dir; /* CONTENT/releases */
  mg_release *v;
  size_t n; /* oldest first */
} mg_releases;

/* Parses "MAJOR.MINOR" (no leading zeros). 0, or -1. */
int mg_version_parse(const char *s, int *major, int *minor);
/* <0, 0, >0 as a is before, the same as, after b (both valid). */
int mg_version_cmp(const char *a, const char *b);
/* Reads the register, validated against TEMPLATES/schema/releases.xsd
 * (none yet: an empty list). NULL after reporting errors. */
mg_releases *mg_releases_load(const char *content_dir,
                              const char *templates_dir);
void mg_releases_free(mg_releases *r);
const mg_release *mg_releases_find(const mg_releases *r, const char *version);
/* CONTENT/releases/VERSION[/rel_path]. Caller frees. */
char *mg_release_path(const mg_releases *r, const mg_release *rel,
                      const char *rel_path);
/* The sections of compiled manual cur against prev (NULL: none): added,
 * changed (their content, not where they were written) and removed, as
 * section ids appended to the three lists. */
void mg_manual_changes(const mg_manual *prev, const mg_manual *cur,
                       mg_strv *added, mg_strv *changed, mg_strv *removed);
/* Checks every file of every release against the digests it was
 * published with. Returns the number of problems, each reported naming
 * the file. */
int mg_releases_verify(const mg_releases *r);

/* A release, opened to make its handbooks: its compiled manual (read
 * and compiled), its templates (loaded), its halls. */
typedef struct {
  const mg_release *rel;
  char *dir;
  mg_manual *manual;
  mg_templates *tpl;
  mg_strv store_ids; /* sorted */
  /* its templates' params.xsd: the types of the values placeholders
   * print (a phone number is a link), NULL when it cannot be read */
  mg_schema_names *names;
} mg_release_data;
/* NULL after reporting errors. */
mg_release_data *mg_release_open(const mg_releases *r, const mg_release *rel);
void mg_release_close(mg_release_data *d);
int mg_release_has_store(const mg_release_data *d, const char *id);
/* The effective parameters store id had in the release (a plain
 * document: free with xmlFreeDoc). NULL after reporting. */
xmlDocPtr mg_release_params(const mg_release_data *d, const char *id);

typedef struct {
  const char *content_dir, *templates_dir;
  const char *version, *notes, *date; /* date: YYYY-MM-DD */
  const char **resolves;              /* feedback ids */
  size_t nresolves;
} mg_release_opts;
/* `publish`: freezes the content as release o->version. Refuses, with a
 * message and nothing written, a version that is not after the latest,
 * content with errors, feedback that is unknown or not accepted, a
 * release that was modified. Returns the exit code (0 or 1). */
int mg_publish_release(const mg_release_opts *o);

/* --------------------------------------------------------------- diff.c */

/* What changed between two resolved manuals of one hall (issue 7). */

/* An edit script from sequence a to sequence b: runs in order, each
 * EQUAL (a[a, a+n) = b[b, b+n)), DELETE (a[a, a+n) removed before b[b])
 * or INSERT (b[b, b+n) inserted before a[a]). Between two EQUAL runs
 * there is at most one DELETE, then at most one INSERT. */
typedef enum { MG_DIFF_EQUAL, MG_DIFF_DELETE, MG_DIFF_INSERT } mg_diff_kind;
typedef struct {
  mg_diff_kind kind;
  size_t a, b, n;
} mg_diff_op;
typedef struct {
  mg_diff_op *v;
  size_t n, cap;
  size_t cost;  /* elements deleted plus inserted */
  int replaced; /* the bound was hit: the middle is replaced whole */
} mg_diff_script;

/* Myers' O(ND) diff of a[0, na) and b[0, nb) (codepoints, hashes), in
 * linear space. The script is minimal when the edit distance is at most
 * max_cost (0: mg_diff_default_cost). Beyond that, the search stops: the
 * common prefix and suffix are kept, everything between is one deletion
 * and one insertion, and out->replaced is set. Time O((na + nb) *
 * max_cost), memory O(max_cost). Never fails; free out with
 * mg_diff_script_free. a and b may be NULL when empty. */
void mg_diff_seq(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
                 size_t max_cost, mg_diff_script *out);
/* The bound for sequences of these lengths: about 2^25 steps of work,
 * and never less than 256 edits. */
size_t mg_diff_default_cost(size_t na, size_t nb);
/* Makes a script easier to read, no longer minimal: an equal run no
 * longer than the edits on both sides of it becomes part of them. */
void mg_diff_cleanup(mg_diff_script *s);
void mg_diff_script_free(mg_diff_script *s);

typedef enum {
  MG_SECTION_UNCHANGED,
  MG_SECTION_ADDED,
  MG_SECTION_REMOVED,
  MG_SECTION_CHANGED
} mg_change_kind;

/* One section of either manual. Strings are owned (freed by
 * mg_changes_free); the sections are borrowed from the two documents,
 * which must outlive the changes. */
typedef struct {
  mg_change_kind kind;
  char *id;
  char *title, *chapter;         /* in the new manual (the old, when removed) */
  char *old_title, *old_chapter; /* in the old one when in both, or NULL */
  xmlNodePtr old_section, new_section; /* m:section, NULL when absent */
  size_t new_index; /* position among the new sections; SIZE_MAX if none */
  size_t marks;     /* set by mg_diff_mark_manual: the anchors numbered */
} mg_change;
typedef struct {
  mg_change *v;
  size_t n;
  size_t unchanged, added, removed, changed;
} mg_changes;

/* Compares two resolved manuals (docs/design.md) section by section, by
 * id: every section once, in the new manual's order, a removed one after
 * the section it followed in the old. Changed = the canonical content of
 * m:section differs (its attributes, title and body; not the whitespace
 * of a serialization, not how text is split into md:text). Only
 * m:chapter/m:section count: the edition, the l10n strings and the store
 * element do not. old or new_doc may be NULL (no manual: every section
 * added, or removed). Returns 0, or -1 after reporting a document that
 * is not a resolved manual (out is then empty). */
int mg_diff_manuals(xmlDocPtr old, xmlDocPtr new_doc, mg_changes *out);
void mg_changes_free(mg_changes *c);

/* The new section's md:document, a new unlinked node of doc (which should
 * be where it will be linked: the m and md namespaces of doc's root are
 * used, or declared on the node) with the changes since old_section
 * marked. Both sections are m:section elements; old_section NULL gives
 * a plain copy. The marks (namespace urn:manualgen):
 *
 *   m:ins-block, m:del-block  a whole block added, or removed and put
 *                             back where it was (top-level blocks, list
 *                             items, table rows: it wraps the md element)
 *   m:ins                     inserted inline content (md inline nodes)
 *   m:del                     deleted old text, at its place, with its
 *                             emphasis and code but no links and no ids
 *
 * Inside md:code_block, m:ins and m:del hold plain text. Each block-level
 * mark, and the first mark inside each block, has id="<section-id>--chg-N"
 * (N = 1, 2, ... in document order). *marks (may be NULL) is set to the
 * number of such anchors. Returns NULL when new_section has no body. */
xmlNodePtr mg_diff_mark_section(xmlNodePtr old_section, xmlNodePtr new_section,
                                xmlDocPtr doc, size_t *marks);
/* A copy of new_doc (the new manual ch was computed on) in which each
 * changed section's body is marked (mg_diff_mark_section), and the
 * m:section of each added or changed section has change="added" or
 * "changed". Sets each change's marks. Caller frees with xmlFreeDoc. */
xmlDocPtr mg_diff_mark_manual(xmlDocPtr new_doc, mg_changes *ch);

/* ------------------------------------------------------------ history.c */

/* The digest of a hall's resolved content (mg_resolve's document, before
 * or after decoration: the edition and strings are left out). Two
 * releases in which a hall's digests differ changed that hall. */
void mg_content_digest(xmlDocPtr resolved, char hex[33]);

/* One hall across the n releases of the register. */
typedef struct {
  size_t n;
  unsigned char *has; /* has[i]: the hall is in release i */
  char (*digest)[33]; /* its content digest there */
} mg_hall_history;
/* True when release i changed the hall's handbook (or first has it). */
int mg_hall_changed(const mg_hall_history *h, size_t i);

/* What a release's pages of one hall show besides the manual. */
typedef struct {
  const mg_releases *releases;
  size_t index; /* the release, in releases->v */
  const mg_hall_history *history;
  xmlDocPtr prev; /* the hall's resolved content in the release before, or
                     NULL when it was not in it */
  const mg_ledger *ledger;    /* feedback texts; may be NULL */
  const char *feedback_email; /* HQ's address, or NULL */
  const char *latest_pages;   /* the hall's pages in the latest release,
                                 space-separated, or NULL */
} mg_hall_context;
/* Decorates a hall's resolved manual (already mg_resolved_decorate'd) for
 * a release page: m:edition kind, latest, previous and notes; m:releases;
 * m:changes (marked by diff.c); m:revised-for on sections the release's
 * feedback revised; feedback links (docs/design.md). */
void mg_decorate_release(xmlDocPtr doc, const mg_hall_context *c);
/* The same for the draft: its kind, and the feedback links. */
void mg_decorate_draft(xmlDocPtr doc, const char *feedback_email);

/* -------------------------------------------------------------- build.c */

typedef enum {
  MG_CHECK,    /* validate and resolve every hall; write nothing */
  MG_BUILD,    /* publish the draft edition */
  MG_HANDBOOK, /* one hall's single-page handbook */
  MG_RESOLVE,  /* one hall's resolved manual (the stylesheets' input) */
  MG_DIFF,     /* what changed between two editions */
  MG_INDEX     /* the indexes of a build gathered from shards (index.c) */
} mg_command;

typedef struct {
  mg_command cmd;
  const char *content_dir;
  const char *out_dir; /* MG_BUILD: the edition goes to OUT/draft */
  const char *templates_dir;
  const char **stores; /* the halls to do (one for handbook and resolve);
                          none = every hall */
  size_t nstores;
  int jobs;              /* worker threads, 0 = number of CPUs */
  int progress;          /* show progress on stderr */
  const char *output;    /* handbook/resolve: a file, or NULL or "-" for
                            standard output */
  const char *release;   /* handbook/resolve: of this release, not the draft */
  const char *from, *to; /* diff: two releases, the second may be "draft" */
  int no_pdf;            /* build: make no PDF */
  int no_splice;         /* build: every hall through the stylesheets */
  const char *print_dir; /* the PDF engine (print/worker.mjs) */
  int pdf;               /* handbook: the printed handbook (to output) */
  const char *post;      /* handbook --format pdf: this post's card only */
  unsigned shard_k, shard_n; /* build, check: shard K of N alone (N 0:
                                every hall; index.c) */
} mg_build_opts;

/* Runs a command over the halls. Returns the exit code: 0, 1 when there
 * were errors, 128 + N when signal N stopped it. MG_DIFF: 0 when the two
 * editions are the same, 1 when they differ, 2 on errors. */
int mg_build(const mg_build_opts *o);
/* The edition for this run (SOURCE_DATE_EPOCH when set). */
void mg_edition_init(mg_edition *ed, const char *name);

/* -------------------------------------------------------------- serve.c */

/* `manualgen serve`: a preview server of the draft edition. */
typedef struct {
  const char *content_dir, *out_dir, *templates_dir;
  const char **stores; /* --store: the halls the previews build (none: all) */
  size_t nstores;
  int port; /* on 127.0.0.1; 0: any free port (the one bound is printed) */
} mg_serve_opts;

/* Serves OUT on 127.0.0.1:port until SIGINT, SIGTERM or SIGHUP. Builds
 * the draft once (a child process: `manualgen build --no-pdf`), then
 * again after every change below the content and templates folders
 * (inotify, bursts of changes 100 ms apart taken as one), and tells the
 * open pages of the halls whose pages changed to reload (Server-Sent
 * Events). A failed build's messages are shown on every page, the last
 * good pages served meanwhile. Prints the URL on stderr once the first
 * build is done. Returns 0 when stopped by a signal, 1 when it could not
 * listen or watch (after saying why). */
int mg_serve(const mg_serve_opts *o);
/* Checks the path of a request URL (as sent: percent-encoded, without
 * the query) and decodes it once. Returns 0 and sets *rel to the path
 * relative to the served folder ("" for "/", a trailing '/' kept for a
 * folder), which the caller frees; or an HTTP status with *rel NULL:
 * 400 for a malformed path (no leading '/', "//", a bad or NUL %-escape,
 * a control character), 403 for traversal (a "." or ".." segment, plain
 * or encoded, a '/' encoded inside a segment, a '\' in any form), 404
 * for a hidden file (any other segment starting with '.': the build's
 * own files). Pure: touches no file. */
int mg_serve_path(const char *url, char **rel);

/* -------------------------------------------------------------- index.c */

/* Builds that shard across machines (`build --shard K/N`) and `index`,
 * which joins their gathered outputs (index.c, docs/sharding.md). */
#define MG_SHARD_RECORD ".manualgen-shard-" /* then K-of-N */
/* publish.c's bookkeeping: an edition's manifest and its first line,
 * and the lock of OUT */
#define MG_EDITION_MANIFEST ".manualgen-edition"
#define MG_EDITION_HEAD "manualgen-edition 1\n"
#define MG_OUT_LOCK ".manualgen-lock"

/* Parses "K/N" (0 <= K < N, 1 <= N <= 100000, decimal). 0, or -1. */
int mg_shard_parse(const char *s, unsigned *k, unsigned *n);
/* The shard of N that the hall id[0, len) belongs to: XXH64 of its
 * bytes, seed 0, mod N. */
unsigned mg_shard_of(const char *id, size_t len, unsigned n);
/* ".manualgen-shard-K-of-N". Caller frees. */
char *mg_shard_record_name(unsigned k, unsigned n);
/* The record shard k of n writes into folder (an edition, latest,
 * feeds): the edition's date, its halls' index rows (in the edition's
 * order) and the files it published there (sorted). Caller frees. */
char *mg_shard_record(unsigned k, unsigned n, const char *folder,
                      const char *date, const mg_identity *const *rows,
                      size_t nrows, const mg_strv *files, size_t *len);

/* What the records of one folder say, together. */
typedef struct {
  const char *folder; /* set by the caller: OUT/folder */
  char *date;         /* shard 0's edition date */
  mg_identity *rows;  /* every shard's rows, shard by shard */
  size_t nrows;
  mg_strv files; /* every shard's files */
} mg_shard_set;
/* Reads the shard records of every folder sets[0, n) of out_dir and
 * checks them: one N everywhere (set in *shards), every K from 0 to N-1
 * in every folder, each saying what its name says, no hall in two. Returns
 * 0, or -1 after reporting every problem. Free each set with
 * mg_shard_set_free either way. */
int mg_shards_read(const char *out_dir, mg_shard_set *sets, size_t n,
                   unsigned *shards);
void mg_shard_set_free(mg_shard_set *s);
/* Takes OUT's lock (publish.c's), as a build does. Returns the
 * descriptor (close it to release), or -1 after reporting. */
int mg_shards_lock(const char *out_dir);
/* Writes pages (plain file names) into OUT/s->folder, each in one step
 * and only when its bytes changed, then the folder's manifest: the
 * shards' files and these pages, as publish.c writes it. Returns 0, or
 * -1 after reporting. */
int mg_shards_write(const char *out_dir, const mg_shard_set *s,
                    const mg_pages *pages);

#endif
