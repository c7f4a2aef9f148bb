/* fuzz_expr.c -- libFuzzer harness for the expression language (expr.c).
 *
 * The input is one expression, as written in a placeholder or condition
 * (up to its first NUL). It is checked against the names params.xsd
 * declares and compiled with mg_expr_compile; when that succeeds it is
 * evaluated both ways, mg_expr_bool and mg_expr_string, against the
 * effective parameters of the fixture store a-flag.
 *
 *   make fuzz FUZZ=expr         build/fuzz/fuzz_expr fuzz/corpus/expr
 */
#include "fuzz.h"

static mg_params *params;
static xmlDocPtr eff;
static xmlXPathContextPtr ctx;

static void init(void) {
  fz_init_library();
  params = mg_params_load(FIXTURE, TEMPLATES);
  eff = params ? mg_params_effective(params, "a-flag") : NULL;
  if (!eff)
    abort();
  ctx = mg_expr_context_new(eff);
  fz_diag_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!params)
    init();
  char *src = mg_xstrndup((const char *)data, size);
  mg_expr e = {.src = src, .file = "fuzz.md", .line = 1, .col = 1};
  e.comp = mg_expr_compile(params->names, src, e.file, e.line, e.col);
  if (e.comp) {
    mg_expr_bool(ctx, &e, "a-flag");
    free(mg_expr_string(ctx, &e, "a-flag"));
    xmlXPathFreeCompExpr(e.comp);
  }
  free(src);
  fz_diag_reset();
  return 0;
}
