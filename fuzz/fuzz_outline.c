/* fuzz_outline.c -- libFuzzer harness for the outline (outline.c).
 *
 * The input is written as manual.xml of a scratch content folder and
 * loaded with mg_outline_load: libxml2 with the program's safe options,
 * then the checks on <manual>, <chapter> and <section>. The sections it
 * lists are not read (their paths are arbitrary).
 *
 *   make fuzz FUZZ=outline      build/fuzz/fuzz_outline fuzz/corpus/outline
 */
#include "fuzz.h"

static const char *dir;
static char *path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir) {
    fz_init_library();
    dir = fz_scratch("outline");
    path = mg_path_join(dir, "manual.xml");
  }
  fz_put(path, data, size);
  mg_outline *o = mg_outline_load(dir);
  if (o && (!o->lang || !o->organisation))
    abort(); /* the contract: both are always set on success */
  mg_outline_free(o);
  fz_diag_reset();
  return 0;
}
