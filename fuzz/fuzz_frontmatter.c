/* fuzz_frontmatter.c -- libFuzzer harness for the YAML front matter
 * (frontmatter.c, libyaml).
 *
 * The input is the start of a section file, passed with its exact length
 * and no terminating NUL (so that AddressSanitizer sees any read past
 * len). On success the result must keep its contract.
 *
 *   make fuzz FUZZ=frontmatter  build/fuzz/fuzz_frontmatter \
 *                                 fuzz/corpus/frontmatter
 */
#include "fuzz.h"

static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ready) {
    fz_init_library();
    ready = 1;
  }
  mg_frontmatter fm;
  int rc = mg_frontmatter_parse("fuzz.md", (const char *)data, size, &fm);
  if (fm.body_offset > size || fm.body_line < 1)
    abort();
  if (rc == 0 && (!fm.id || !fm.title || !*fm.title))
    abort();
  mg_frontmatter_free(&fm);
  fz_diag_reset();
  return 0;
}
