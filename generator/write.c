/* write.c -- one file, replaced in one step (`handbook -o FILE`).
 *
 * The bytes go to a temporary file in the destination's folder (an
 * unnamed O_TMPFILE where the file system has them), which is renamed
 * over the destination once complete: a reader sees the old file or the
 * new one, never half of one. A destination that is not a regular file
 * (a symbolic link, a device such as /dev/full, a FIFO, a folder) is
 * refused: renaming over it would replace it. Editions of the whole
 * manual are published by publish.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manualgen.h"

int mg_write_atomic(const char *path, const char *data, size_t len) {
  struct stat sb;
  if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
    mg_diag(MG_ERROR, path, 0, 0,
            "refusing to write here: it is %s, not a regular file",
            mg_file_kind(sb.st_mode));
    return -1;
  }
  char *dir = mg_path_dir(path);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char *tmp = NULL;
  int named = 0;
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) { /* no O_TMPFILE here: a named temporary file */
    tmp = mg_xasprintf("%s/.%s.manualgen-XXXXXX", dir, base);
    fd = mkostemp(tmp, O_CLOEXEC);
    named = fd >= 0;
    if (named)
      fchmod(fd, 0644);
  }
  int rc = -1;
  if (fd < 0) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  if (mg_write_all(fd, data, len) != 0) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  if (!named) {
    /* give the unnamed file a name, then rename it over path */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    for (int i = 0; i < 100 && !named; i++) {
      free(tmp);
      tmp =
          mg_xasprintf("%s/.%s.manualgen-%ld-%d", dir, base, (long)getpid(), i);
      if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
        named = 1;
      else if (errno != EEXIST)
        break;
    }
    if (!named) {
      mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
      goto done;
    }
  }
  if (close(fd) != 0) {
    fd = -1;
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
    goto done;
  }
  named = 0; /* it is path now */
  rc = 0;
done:
  if (fd >= 0)
    close(fd);
  if (named)
    unlink(tmp);
  free(tmp);
  free(dir);
  return rc;
}

int mg_write_if_changed(const char *path, const char *data, size_t len) {
  size_t n;
  char *old = mg_read_file(path, &n);
  int same = old && n == len && !memcmp(old, data, len);
  free(old);
  return same ? 0 : mg_write_atomic(path, data, len);
}
