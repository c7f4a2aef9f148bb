/* fuzz_section.c -- libFuzzer harness for the Markdown front end.
 *
 * Feeds arbitrary bytes as a section file through the whole parse stage
 * (byte checks, front matter, cmark-gfm, markers, placeholders, headings,
 * cross references, duty items and 《form》 names checked against the
 * fixture's duties.xml and forms.xml) and resolves it against the
 * fixture's first store, so that resolve.c's walk over what parse.c
 * produced is fuzzed too. Last, the literal check (literal.c) of that
 * section alone, which finds each time and count it reports in the
 * Markdown again.
 *
 *   make fuzz FUZZ=section      build/fuzz/fuzz_section fuzz/corpus/section
 */
#include "fuzz.h"

static mg_params *params;
static xmlDocPtr eff;
static char *path;

static void init(void) {
  fz_init_library();
  params = mg_params_load(FIXTURE, TEMPLATES);
  eff = params ? mg_params_effective(params, "a-flag") : NULL;
  if (!eff)
    abort();
  path = mg_path_join(fz_scratch("section"), "section.md");
  fz_diag_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!params)
    init();
  fz_put(path, data, size);
  mg_outline *o = mg_outline_load(FIXTURE);
  mg_tree *t = mg_tree_parse(o, FIXTURE, params->names);
  mg_section *s = mg_tree_add_file(t, path);
  if (s->body) {
    xmlDocPtr doc = mg_resolve_section(t->manual, s->el, eff, "a-flag");
    xmlFreeDoc(doc);
    /* mg_literal_check checks the sections of a tree: a view of t whose
     * one section is the input's */
    mg_tree one = *t;
    one.sections = &s;
    one.nsections = 1;
    mg_literal_check(&one, params);
  }
  mg_tree_free(t);
  fz_diag_reset();
  return 0;
}
