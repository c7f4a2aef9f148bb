/* fuzz_section.c -- libFuzzer harness for the Markdown front end.
 *
 * Feeds arbitrary bytes as a section file through the whole parse stage
 * (byte checks, front matter, cmark-gfm, markers, placeholders, headings,
 * cross references) and resolves it against the fixture's first store, so
 * that resolve.c's walk over what parse.c produced is fuzzed too.
 *
 *   make fuzz            builds build/fuzz/fuzz_section (clang)
 *   build/fuzz/fuzz_section fuzz/corpus -max_total_time=60
 */
#define _DEFAULT_SOURCE
#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../generator/manualgen.h"

#ifndef FIXTURE
#define FIXTURE "tests/fixtures/basic"
#endif
#ifndef TEMPLATES
#define TEMPLATES "templates"
#endif

static mg_params *params;
static xmlDocPtr eff;
static char path[64];

static void init(void) {
  xmlInitParser();
  mg_safe_init();
  mg_safe_allow_root(FIXTURE);
  mg_safe_allow_root(TEMPLATES);
  mg_diag_install_xml_handlers();
  params = mg_params_load(FIXTURE, TEMPLATES);
  eff = params ? mg_params_effective(params, "a-flag") : NULL;
  if (!eff)
    abort();
  snprintf(path, sizeof path, "/tmp/mg-fuzz-%ld.md", (long)getpid());
  free(mg_diag_take_text());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!params)
    init();
  FILE *f = fopen(path, "wb");
  if (!f)
    return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  mg_outline *o = mg_outline_load(FIXTURE);
  mg_tree *t = mg_tree_parse(o, FIXTURE, params->names);
  mg_section *s = mg_tree_add_file(t, path);
  if (s->body) {
    xmlDocPtr doc = mg_resolve_section(t, s, eff, "a-flag");
    xmlFreeDoc(doc);
  }
  mg_tree_free(t);
  free(mg_diag_take_text());
  return 0;
}
