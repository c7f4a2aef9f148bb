/* digest.c -- what a handbook was built from, to skip unchanged work.
 *
 * A store's pages are a pure function of its resolved manual and of the
 * templates (docs/design.md). Both are hashed with XXH3-128 (libxxhash);
 * when the digest equals the one recorded with the store's last build and
 * its files are all there, the transform is skipped. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlsave.h>
#include <xxhash.h>

#include "manualgen.h"

mg_digest *mg_digest_new(void) {
  XXH3_state_t *st = XXH3_createState();
  if (!st) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  XXH3_128bits_reset(st);
  return (mg_digest *)st;
}

void mg_digest_update(mg_digest *d, const void *data, size_t len) {
  XXH3_128bits_update((XXH3_state_t *)d, data, len);
}

static void to_hex(const XXH128_canonical_t *c, char hex[33]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++) {
    hex[2 * i] = digits[c->digest[i] >> 4];
    hex[2 * i + 1] = digits[c->digest[i] & 15];
  }
  hex[32] = '\0';
}

void mg_digest_finish(mg_digest *d, char hex[33]) {
  XXH128_hash_t h = XXH3_128bits_digest((XXH3_state_t *)d);
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, h);
  to_hex(&c, hex);
  XXH3_freeState((XXH3_state_t *)d);
}

void mg_hash_hex(const void *data, size_t len, char hex[33]) {
  /* one call, no state to allocate: the hash of many short keys */
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(data, len));
  to_hex(&c, hex);
}

static int write_cb(void *ctx, const char *buf, int len) {
  mg_digest_update(ctx, buf, (size_t)len);
  return len;
}

static int close_cb(void *ctx) {
  (void)ctx;
  return 0;
}

void mg_digest_doc(mg_digest *d, xmlDocPtr doc) {
  /* streamed: the document is never copied into one buffer */
  xmlSaveCtxtPtr s = xmlSaveToIO(write_cb, close_cb, d, "UTF-8", 0);
  if (!s) {
    fputs("manualgen: out of memory\n", stderr);
    abort();
  }
  xmlSaveDoc(s, doc);
  xmlSaveClose(s);
}

/* The attributes that say where something was written, not what. */
static int positional(xmlAttrPtr a) {
  const char *n = (const char *)a->name;
  return !strcmp(n, "line") || !strcmp(n, "col") || !strcmp(n, "file") ||
         !strcmp(n, "display");
}

void mg_digest_content(mg_digest *d, xmlNodePtr n) {
  if (n->type == XML_TEXT_NODE) {
    mg_digest_update(d, "t", 1);
    if (n->content)
      mg_digest_update(d, n->content, strlen((const char *)n->content) + 1);
    return;
  }
  if (n->type != XML_ELEMENT_NODE)
    return;
  mg_digest_update(d, "<", 1);
  if (n->ns)
    mg_digest_update(d, n->ns->href, strlen((const char *)n->ns->href) + 1);
  mg_digest_update(d, n->name, strlen((const char *)n->name) + 1);
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    if (positional(a))
      continue;
    xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
    mg_digest_update(d, "@", 1);
    if (a->ns)
      mg_digest_update(d, a->ns->href, strlen((const char *)a->ns->href) + 1);
    mg_digest_update(d, a->name, strlen((const char *)a->name) + 1);
    mg_digest_update(d, v ? v : BAD_CAST "",
                     v ? strlen((const char *)v) + 1 : 1);
    xmlFree(v);
  }
  for (xmlNodePtr k = n->children; k; k = k->next)
    mg_digest_content(d, k);
  mg_digest_update(d, ">", 1);
}

int mg_digest_files(mg_digest *d, const char *dir) {
  mg_strv names = {0};
  int errors = 0;
  if (mg_list_dir(dir, "", &names) != 0) { /* sorted: deterministic */
    mg_diag(MG_ERROR, dir, 0, 0, "cannot read the folder: %s", strerror(errno));
    return 1;
  }
  for (size_t i = 0; i < names.n; i++) {
    char *path = mg_path_join(dir, names.v[i]);
    struct stat sb;
    /* lstat: a symbolic link to a folder is not followed (no loops); one
     * to a file is read if it stays below the allowed roots */
    if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
      errors += mg_digest_files(d, path);
    } else {
      size_t len;
      char *data = mg_safe_read_file(path, &len);
      mg_digest_update(d, names.v[i], strlen(names.v[i]) + 1);
      if (data) {
        mg_digest_update(d, data, len);
      } else {
        mg_diag(MG_ERROR, path, 0, 0, "cannot read: %s", mg_read_error());
        errors++;
      }
      free(data);
    }
    free(path);
  }
  mg_strv_free(&names);
  return errors;
}
