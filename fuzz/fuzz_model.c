/* fuzz_model.c -- libFuzzer harness for the declared model of issue 8:
 * duties and forms (duties.c) and HQ's rules (rules.c), with every hall
 * of the fixture.
 *
 * The input holds three files separated by a line "--8<--":
 *
 *   <duties>...</duties>
 *   --8<--
 *   <forms name-suffixes="...">...</forms>
 *   --8<--
 *   <rules>...</rules>
 *
 * written as duties.xml, forms.xml and rules.xml of a scratch copy of
 * tests/fixtures/basic (its outline, sections and parameters). A file
 * whose part is missing (fewer separators) is not written, so missing
 * files are tested too. Then the sections are parsed (mg_tree_parse,
 * which loads the duties and forms and checks each duty item and
 * 《form》 of the sections against them), the rules are loaded, and for
 * each hall of the fixture: mg_resolve (which assigns the duties for the
 * duty matrix), mg_duties_assign and mg_rules_check_hall; last the
 * literal check. The parameters do not depend on the input: they are
 * loaded once.
 *
 *   make fuzz FUZZ=model        build/fuzz/fuzz_model fuzz/corpus/model
 */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"

#define SEP "\n--8<--\n"

static const char *dir;
static char *files[3];
static mg_params *params;

/* Copies FIXTURE/rel to dir/rel. */
static void copy_in(const char *rel) {
  char *from = mg_path_join(FIXTURE, rel), *to = mg_path_join(dir, rel);
  size_t len;
  char *data = mg_read_file(from, &len);
  if (!data)
    abort();
  fz_put(to, data, len);
  free(data);
  free(from);
  free(to);
}

static void init(void) {
  static const char *const fixture[] = {
      "manual.xml",          "defaults.xml",       "cities/alpha.xml",
      "cities/beta.xml",     "stores/a-flag.xml",  "stores/a-std.xml",
      "stores/b-county.xml", "sections/county.md", "sections/lobby.md",
      "sections/manager.md", "sections/rounds.md", NULL};
  static const char *const subdirs[] = {"cities", "stores", "sections", NULL};
  fz_init_library();
  dir = fz_scratch("model");
  for (size_t i = 0; subdirs[i]; i++) {
    char *d = mg_path_join(dir, subdirs[i]);
    if (mg_mkdirs(d) != 0)
      abort();
    free(d);
  }
  for (size_t i = 0; fixture[i]; i++)
    copy_in(fixture[i]);
  files[0] = mg_path_join(dir, "duties.xml");
  files[1] = mg_path_join(dir, "forms.xml");
  files[2] = mg_path_join(dir, "rules.xml");
  params = mg_params_load(dir, TEMPLATES);
  if (!params || !params->store_ids.n)
    abort();
  fz_diag_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir)
    init();
  const char *p = (const char *)data, *end = p + size;
  for (int i = 0; i < 3; i++) {
    const char *sep = p ? memmem(p, (size_t)(end - p), SEP, strlen(SEP)) : NULL;
    const char *stop = i < 2 && sep ? sep : end;
    fz_put(files[i], p, p ? (size_t)(stop - p) : 0);
    p = i < 2 && sep ? sep + strlen(SEP) : NULL;
  }
  mg_outline *o = mg_outline_load(dir);
  if (!o)
    abort(); /* the fixture's outline, which the input does not touch */
  mg_tree *t = mg_tree_parse(o, dir, params->names);
  mg_rules *rules = mg_rules_load(dir, TEMPLATES, params->names);
  for (size_t i = 0; t->manual && i < params->store_ids.n; i++) {
    const char *id = params->store_ids.v[i];
    xmlDocPtr eff = mg_params_effective(params, id);
    if (!eff)
      continue;
    xmlNodePtr duties = NULL;
    xmlFreeDoc(mg_resolve_duties(t->manual, eff, id, &duties));
    xmlFreeNode(duties);
    /* also when the resolve failed: assigned again, as HQ's rules see it */
    duties = mg_duties_assign(t->manual, eff, id);
    mg_rules_check_hall(rules, duties, eff, id);
    xmlFreeNode(duties);
    mg_params_effective_free(eff);
  }
  mg_literal_check(t, params);
  mg_rules_free(rules);
  mg_tree_free(t);
  fz_diag_reset();
  return 0;
}
