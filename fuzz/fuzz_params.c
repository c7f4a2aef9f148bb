/* fuzz_params.c -- libFuzzer harness for the store parameters (params.c):
 * load, validate and merge defaults <- city <- store, then print.
 *
 * The input holds three files separated by a line "--8<--":
 *
 *   <defaults>...</defaults>
 *   --8<--
 *   <city id="alpha">...</city>
 *   --8<--
 *   <store id="a-flag" city="alpha">...</store>
 *
 * written as defaults.xml, cities/alpha.xml and stores/a-flag.xml of a
 * scratch content folder. A file whose part is missing (fewer separators)
 * is not written, so missing files are tested too. Then mg_params_load,
 * mg_params_effective for a-flag, mg_params_print to /dev/null,
 * mg_params_identity and the domain checks (mg_domain_check), which read
 * the values the schema lets through: times, days of a year that wrap,
 * shift lists, counts and HQ's policy.
 *
 *   make fuzz FUZZ=params       build/fuzz/fuzz_params fuzz/corpus/params
 */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"

#define SEP "\n--8<--\n"

static const char *dir;
static char *files[3];
static FILE *devnull;

static void init(void) {
  fz_init_library();
  dir = fz_scratch("params");
  char *cities = mg_path_join(dir, "cities");
  char *stores = mg_path_join(dir, "stores");
  if (mg_mkdirs(cities) != 0 || mg_mkdirs(stores) != 0)
    abort();
  files[0] = mg_path_join(dir, "defaults.xml");
  files[1] = mg_path_join(cities, "alpha.xml");
  files[2] = mg_path_join(stores, "a-flag.xml");
  free(cities);
  free(stores);
  devnull = fopen("/dev/null", "w");
  if (!devnull)
    abort();
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
  mg_params *params = mg_params_load(dir, TEMPLATES);
  xmlDocPtr eff = params ? mg_params_effective(params, "a-flag") : NULL;
  if (eff) {
    mg_params_print(eff, devnull);
    mg_identity id;
    mg_params_identity(eff, &id);
    mg_identity_free(&id);
    mg_domain_check(eff, "a-flag");
  }
  mg_params_effective_free(eff);
  mg_params_free(params);
  fz_diag_reset();
  return 0;
}
