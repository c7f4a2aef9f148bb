/* manifest.c -- what a hall's pages were built from (.manualgen-build).
 *
 *   manualgen-build 2
 *   digest 0f3c…                  the hall's resolved manual and templates
 *   file index.html 20412 9a1e…   each page: its size and XXH3-128
 *
 * A hall is skipped only when the digest is the same AND every file the
 * manifest lists is still there with that size and those bytes: a page
 * truncated or edited by hand is built again. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "manualgen.h"

#define HEAD "manualgen-build 2\n"

static int is_hex32(const char *s, size_t n) {
  if (n != 32)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

int mg_manifest_name_ok(const char *s, size_t n) {
  /* "index.html", "sub/page.html": plain names, no "..", no dot-files */
  if (n == 0)
    return 0;
  int start = 1;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '/') {
      if (start)
        return 0;
      start = 1;
      continue;
    }
    if (start && c == '.')
      return 0;
    start = 0;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.' || c == '_'))
      return 0;
  }
  return !start;
}

void mg_manifest_add(mg_manifest *m, const char *name, const void *data,
                     size_t len) {
  m->files = mg_xrealloc(m->files, (m->n + 1) * sizeof *m->files);
  mg_manifest_file *f = &m->files[m->n++];
  f->name = mg_xstrdup(name);
  f->size = len;
  mg_hash_hex(data, len, f->hash);
}

int mg_manifest_parse(const char *text, size_t len, mg_manifest *m) {
  memset(m, 0, sizeof *m);
  size_t hl = strlen(HEAD);
  if (len < hl || memcmp(text, HEAD, hl))
    return -1;
  const char *p = text + hl, *end = text + len;
  int have_digest = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
      goto bad; /* every line ends with a newline */
    size_t l = (size_t)(nl - p);
    if (!have_digest) {
      if (l != 39 || memcmp(p, "digest ", 7) || !is_hex32(p + 7, 32))
        goto bad;
      memcpy(m->digest, p + 7, 32);
      m->digest[32] = '\0';
      have_digest = 1;
    } else {
      /* file NAME SIZE HASH */
      if (l < 5 || memcmp(p, "file ", 5))
        goto bad;
      const char *name = p + 5;
      const char *sp1 = memchr(name, ' ', (size_t)(nl - name));
      const char *sp2 =
          sp1 ? memchr(sp1 + 1, ' ', (size_t)(nl - sp1 - 1)) : NULL;
      if (!sp1 || !sp2 || !mg_manifest_name_ok(name, (size_t)(sp1 - name)) ||
          !is_hex32(sp2 + 1, (size_t)(nl - sp2 - 1)))
        goto bad;
      size_t size = 0;
      if (sp2 == sp1 + 1 || sp2 - sp1 - 1 > 12)
        goto bad;
      for (const char *q = sp1 + 1; q < sp2; q++) {
        if (*q < '0' || *q > '9')
          goto bad;
        size = size * 10 + (size_t)(*q - '0');
      }
      m->files = mg_xrealloc(m->files, (m->n + 1) * sizeof *m->files);
      mg_manifest_file *f = &m->files[m->n++];
      f->name = mg_xstrndup(name, (size_t)(sp1 - name));
      f->size = size;
      memcpy(f->hash, sp2 + 1, 32);
      f->hash[32] = '\0';
    }
    p = nl + 1;
  }
  if (!have_digest || !m->n)
    goto bad;
  return 0;
bad:
  mg_manifest_free(m);
  return -1;
}

char *mg_manifest_format(const mg_manifest *m, size_t *len) {
  mg_buf b = {0};
  mg_buf_printf(&b, HEAD "digest %s\n", m->digest);
  for (size_t i = 0; i < m->n; i++)
    mg_buf_printf(&b, "file %s %zu %s\n", m->files[i].name, m->files[i].size,
                  m->files[i].hash);
  *len = b.len;
  return b.data;
}

void mg_manifest_free(mg_manifest *m) {
  for (size_t i = 0; i < m->n; i++)
    free(m->files[i].name);
  free(m->files);
  memset(m, 0, sizeof *m);
}
