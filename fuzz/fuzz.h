/* fuzz.h -- what every harness shares: the libFuzzer entry point, the
 * fixture paths, and a per-process scratch folder under /tmp.
 *
 * A harness is one LLVMFuzzerTestOneInput in fuzz/fuzz_<name>.c. It is
 * linked two ways (see the Makefile's fuzz section): with clang's libFuzzer
 * for `make fuzz`, and with fuzz/replay.c (gcc, ASan+UBSan) for the tests,
 * which replay fuzz/corpus/<name>/ through it.
 *
 * Harnesses use only the public functions of generator/manualgen.h. They
 * keep nothing from one input to the next except what init() built once,
 * write only below their scratch folder, and do not depend on time or on
 * randomness. Everything here is static: each harness is one translation
 * unit plus the generator objects. */
#ifndef MG_FUZZ_H
#define MG_FUZZ_H

#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "../generator/manualgen.h"

#ifndef FIXTURE
#define FIXTURE "tests/fixtures/basic"
#endif
#ifndef TEMPLATES
#define TEMPLATES "templates"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process-wide set-up that main() does in the program: hardened
 * libxml2, the fixture and templates allowed, diagnostics collected. */
static inline void fz_init_library(void) {
  xmlInitParser();
  mg_safe_init();
  mg_safe_allow_root(FIXTURE);
  mg_safe_allow_root(TEMPLATES);
  mg_diag_install_xml_handlers();
}

/* Throws away the diagnostics of the last input (they are not checked:
 * a harness looks for crashes, leaks and undefined behaviour). */
static inline void fz_diag_reset(void) { free(mg_diag_take_text()); }

/* ------------------------------------------------------ scratch folder */

static char fz_scratch_dir[64];
static pid_t fz_scratch_owner;

static inline int fz_rm_cb(const char *p, const struct stat *sb, int flag,
                           struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

/* Removes the folder, in the process that made it only (replay --fork
 * runs each input in a child that shares it). */
static inline void fz_scratch_remove(void) {
  if (fz_scratch_dir[0] && getpid() == fz_scratch_owner)
    nftw(fz_scratch_dir, fz_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates /tmp/mg-fuzz-<name>-<pid> (emptied first, in case a crashed run
 * with the same pid left it), allows it for the XML loader and removes it
 * at exit. Returns its path (static), or aborts: a harness that cannot
 * write its input cannot test anything. */
static inline const char *fz_scratch(const char *name) {
  snprintf(fz_scratch_dir, sizeof fz_scratch_dir, "/tmp/mg-fuzz-%s-%ld", name,
           (long)getpid());
  fz_scratch_owner = getpid();
  fz_scratch_remove();
  if (mkdir(fz_scratch_dir, 0700) != 0) {
    fprintf(stderr, "fuzz: cannot create %s: %s\n", fz_scratch_dir,
            strerror(errno));
    abort();
  }
  mg_safe_allow_root(fz_scratch_dir);
  atexit(fz_scratch_remove);
  return fz_scratch_dir;
}

/* Writes exactly len bytes to path, or removes path when data is NULL
 * (so that a harness can also test a missing file). Aborts on failure. */
static inline void fz_put(const char *path, const void *data, size_t len) {
  if (!data) {
    if (remove(path) != 0 && errno != ENOENT)
      abort();
    return;
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
    abort();
  }
}

#endif
