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
 *
 * Ownership: unless a comment says otherwise, a function returning a
 * pointer gives the caller ownership; free it with the matching *_free. */
#ifndef MANUALGEN_H
#define MANUALGEN_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxslt/security.h>
#include <libxslt/xsltInternals.h>

#define MG_VERSION "0.1.0"

#define MG_NS "urn:manualgen"
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
void mg_buf_puts(mg_buf *b, const char *s);
void mg_buf_printf(mg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg_buf_free(mg_buf *b);

/* Reads a whole file. Returns NULL (errno set) on failure. */
char *mg_read_file(const char *path, size_t *len);
/* Joins two path parts with one '/'. */
char *mg_path_join(const char *a, const char *b);
/* Directory part of a path ("." when there is none). */
char *mg_path_dir(const char *path);
/* Normalises "a/./b/../c" to "a/c" lexically. Returns a new string. */
char *mg_path_normalize(const char *path);
/* mkdir -p. Returns 0 or -1 (errno set). */
int mg_mkdirs(const char *path);
/* True when s is a non-empty [a-z0-9-]+ identifier. */
int mg_is_id(const char *s);
/* Seconds since an arbitrary epoch, monotonic. */
double mg_now(void);

/* Sorted list of the files in dir ending in suffix (names only). */
typedef struct {
  char **v;
  size_t n;
} mg_strv;
int mg_list_dir(const char *dir, const char *suffix, mg_strv *out);
void mg_strv_push(mg_strv *sv, char *s); /* takes ownership of s */
void mg_strv_free(mg_strv *sv);

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
/* For tests: the collected messages as printed, one per line. */
char *mg_diag_take_text(void);
/* Decodes the UTF-8 character at s (at most n bytes): returns its length
 * (1-4) and sets *cp, or 0 when the bytes are not UTF-8. */
int mg_utf8_decode(const char *s, size_t n, unsigned *cp);

/* Installs libxml2/libxslt error handlers that feed mg_diag for the
 * calling thread. Call once per thread that parses or transforms. */
void mg_diag_install_xml_handlers(void);
/* Reports a schema error of libxml2 (validating a parameter file, or
 * parsing the schema) in the author's terms, at the element's '<' or the
 * attribute's name in its file (schemadiag.c). xsd: the schema document,
 * for types, names and documentation; NULL gives libxml2's words only. */
void mg_schema_diag(xmlErrorPtr e, xmlDocPtr xsd);

/* --------------------------------------------------------------- safe.c */

/* Process-wide hardening of libxml2/libxslt; call once from main() before
 * any thread starts. Only files below the allowed roots can be loaded. */
void mg_safe_init(void);
void mg_safe_allow_root(const char *dir);
/* Parser options for every XML file we read: no network, no entities,
 * no DTD loading. */
int mg_safe_xml_options(void);
/* Parses an XML file safely. Errors go to mg_diag. NULL on failure. */
xmlDocPtr mg_safe_read_xml(const char *path);
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

/* --------------------------------------------------------- frontmatter.c */

typedef struct {
  char *id;
  int id_line, id_col;
  char *title;
  mg_strv posts;
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
} mg_expr;

typedef struct mg_schema_names mg_schema_names;

/* The element and attribute names that params.xsd declares. */
mg_schema_names *mg_schema_names_load(xmlDocPtr xsd, const char *xsd_path);
void mg_schema_names_free(mg_schema_names *n);

/* Checks every name in src against the schema and compiles it. Reports
 * errors at file:line:col (col = column of the expression's first byte).
 * Returns the compiled expression or NULL. */
xmlXPathCompExprPtr mg_expr_compile(const mg_schema_names *names,
                                    const char *src, const char *file, int line,
                                    int col);

/* Evaluates against a store's effective <store> element. xpctx is a
 * per-thread context (mg_expr_context_new). */
xmlXPathContextPtr mg_expr_context_new(xmlDocPtr params);
/* Returns 1/0 for the condition, -1 after reporting an error. */
int mg_expr_bool(xmlXPathContextPtr ctx, const mg_expr *e, const char *store);
/* Returns the string value (caller frees), NULL after reporting that the
 * expression selects nothing or failed. */
char *mg_expr_string(xmlXPathContextPtr ctx, const mg_expr *e,
                     const char *store);

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
  xmlNodePtr body;  /* md:document in the tree doc, NULL if parsing failed */
  int applies_expr; /* index into the expression table, -1 when none */
  mg_heading *headings;
  size_t nheadings;
  char *src; /* the file, kept for column conversions */
  size_t srclen;
  size_t *line_starts; /* byte offset of each line (1-based index) */
  size_t nlines;
  struct {
    int line, bytecol, charcol;
  } colcache; /* the last conversion: columns are asked in order */
};

/* The store-independent tree: every section parsed once. */
typedef struct {
  mg_outline *outline;
  xmlDocPtr doc;         /* holds the md:document bodies */
  mg_section **sections; /* all sections in manual order */
  size_t nsections;
  mg_expr *exprs;
  size_t nexprs, cap_exprs;
  const mg_schema_names *names;
  char *content_dir;
  mg_section **extra; /* files parsed on their own (`render`) */
  size_t nextra;
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
  mg_strv store_ids; /* every content/stores/<id>.xml, sorted */
  pthread_mutex_t lock;
} mg_params;

/* Loads the schema, defaults and cities, and lists the stores. NULL after
 * reporting errors that make the rest pointless (no schema). */
mg_params *mg_params_load(const char *content_dir, const char *templates_dir);
void mg_params_free(mg_params *p);
/* The effective parameters of a store: defaults <- city <- store, each
 * file validated. Every node's _private points at the name of the file
 * that set it (static for the life of p). NULL after reporting errors. */
xmlDocPtr mg_params_effective(mg_params *p, const char *store_id);
/* Frees what mg_params_effective returned. */
void mg_params_effective_free(xmlDocPtr eff);
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

/* ------------------------------------------------------------ resolve.c */

typedef struct {
  const char *name; /* "draft" */
  char date[16];    /* YYYY-MM-DD */
} mg_edition;

/* Resolves the tree for one store: drops sections whose applies-to is
 * false, picks the branches of conditional passages, replaces
 * placeholders, resolves cross references. Pure: reads t and params, and
 * returns a new document (the resolved manual, docs/design.md). NULL after
 * reporting errors. */
xmlDocPtr mg_resolve(const mg_tree *t, xmlDocPtr params, const char *store_id,
                     const mg_edition *ed, xmlNodePtr l10n);
/* Resolves one section only (md:document as root), for `render`. */
xmlDocPtr mg_resolve_section(const mg_tree *t, const mg_section *s,
                             xmlDocPtr params, const char *store_id);

/* ---------------------------------------------------------- transform.c */

typedef struct {
  char *templates_dir;
  xsltStylesheetPtr site, handbook, index, body;
  xmlDocPtr l10n_doc; /* <m:l10n>: language strings over English */
  char *css;
  char digest[33]; /* every file of the templates, and the version */
} mg_templates;

mg_templates *mg_templates_load(const char *templates_dir, const char *lang);
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

/* Applies a driver to doc and serializes each page of its m:pages result
 * as HTML5. params: NULL-terminated name/value pairs, passed as literal
 * strings. Returns 0, or -1 after reporting errors. */
int mg_transform(xsltStylesheetPtr style, xmlDocPtr doc, const char **params,
                 mg_pages *out, const char *what);
/* Serializes an HTML fragment (body.xsl's output). */
char *mg_transform_fragment(xsltStylesheetPtr style, xmlDocPtr doc);

/* -------------------------------------------------------------- write.c */

/* Staged output: files are written next to their destination under a
 * temporary name, then all renamed into place by mg_stage_commit, or all
 * removed by mg_stage_abort. A file whose content is unchanged is left
 * alone (its time stamp too). Thread-safe. */
typedef struct mg_stage mg_stage;
mg_stage *mg_stage_new(void);
int mg_stage_file(mg_stage *st, const char *path, const char *data, size_t len);
/* Returns the number of files that changed, -1 on error. */
int mg_stage_commit(mg_stage *st);
void mg_stage_abort(mg_stage *st);
void mg_stage_free(mg_stage *st);

/* ------------------------------------------------------------- digest.c */

/* An XXH3-128 digest being computed (libxxhash). */
typedef struct mg_digest mg_digest;
mg_digest *mg_digest_new(void);
void mg_digest_update(mg_digest *d, const void *data, size_t len);
/* Hashes a document as serialized, without building the serialization. */
void mg_digest_doc(mg_digest *d, xmlDocPtr doc);
/* Hashes every file below dir (names and contents, in sorted order). */
void mg_digest_files(mg_digest *d, const char *dir);
/* Writes 32 hex digits and a NUL to hex, and frees d. */
void mg_digest_finish(mg_digest *d, char hex[33]);

/* -------------------------------------------------------------- build.c */

typedef struct {
  const char *content_dir;
  const char *out_dir;
  const char *templates_dir;
  const char **stores; /* NULL = every store */
  size_t nstores;
  int jobs;                 /* worker threads, 0 = number of CPUs */
  int write;                /* 0 for `check` */
  int progress;             /* show progress on stderr */
  const char *single_store; /* `handbook`: just this store's one page */
  const char *single_out;   /* `handbook -o FILE`, NULL = stdout */
  int dump_resolved; /* `resolve`: print the stylesheets' input instead */
} mg_build_opts;

/* Runs check or build. Returns the exit code (0, 1). */
int mg_build(const mg_build_opts *o);
/* The edition for this run (SOURCE_DATE_EPOCH when set). */
void mg_edition_init(mg_edition *ed, const char *name);

#endif
