/* fuzz_manifest.c -- libFuzzer harness for a hall's build manifest
 * (manifest.c, stores/<id>/.manualgen-build).
 *
 * A manifest is read from the published edition, where anyone may have
 * written anything: the parser gets the input with its exact length and
 * no terminating NUL. What it accepts must keep the contract (names a
 * hall's folder may hold, hashes of 32 hex digits) and must survive a
 * round trip through mg_manifest_format unchanged.
 *
 *   make fuzz FUZZ=manifest
 */
#include "fuzz.h"

static int hex32(const char *h) {
  if (strlen(h) != 32)
    return 0;
  for (const char *p = h; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return 0;
  return 1;
}

/* True when no component of the path is empty or starts with '.' (so
 * neither "." nor ".." can be one): it stays in the hall's folder. */
static int below(const char *name) {
  for (const char *p = name;; p++) {
    if (*p == '\0' || *p == '/' || *p == '.')
      return 0;
    p = strchr(p, '/');
    if (!p)
      return 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* a copy of exactly size bytes: reads past the end are caught */
  char *text = malloc(size ? size : 1);
  if (!text)
    abort();
  memcpy(text, data, size);
  mg_manifest m;
  if (mg_manifest_parse(text, size, &m) == 0) {
    if (!hex32(m.digest) || !m.n)
      abort();
    for (size_t i = 0; i < m.n; i++)
      if (!mg_manifest_name_ok(m.files[i].name, strlen(m.files[i].name)) ||
          !below(m.files[i].name) || !hex32(m.files[i].hash))
        abort();
    size_t len;
    char *again = mg_manifest_format(&m, &len);
    mg_manifest m2;
    if (mg_manifest_parse(again, len, &m2) != 0 || m2.n != m.n ||
        strcmp(m2.digest, m.digest))
      abort();
    for (size_t i = 0; i < m.n; i++)
      if (strcmp(m2.files[i].name, m.files[i].name) ||
          m2.files[i].size != m.files[i].size ||
          strcmp(m2.files[i].hash, m.files[i].hash))
        abort();
    mg_manifest_free(&m2);
    free(again);
    mg_manifest_free(&m);
  } else if (m.n || m.files) {
    abort(); /* a refused manifest leaves nothing behind */
  }
  free(text);
  return 0;
}
