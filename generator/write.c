/* write.c -- staged, atomic output.
 *
 * A build writes each file under a temporary name beside its destination
 * and renames it into place only when the whole build has succeeded; a
 * failed build removes its temporary files, so the previous output stays
 * as it was. A page whose bytes did not change is not rewritten, which
 * keeps its time stamp (and rsync, make and browsers' caches happy). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manualgen.h"

typedef struct {
  char *path, *tmp;
} staged;

struct mg_stage {
  pthread_mutex_t lock;
  staged *v;
  size_t n, cap;
  mg_strv dirs; /* folders this build created, removed again on abort */
  unsigned long seq;
};

mg_stage *mg_stage_new(void) {
  mg_stage *st = mg_xcalloc(1, sizeof *st);
  pthread_mutex_init(&st->lock, NULL);
  return st;
}

static int same_content(const char *path, const char *data, size_t len) {
  struct stat sb;
  if (stat(path, &sb) != 0 || (size_t)sb.st_size != len)
    return 0;
  size_t n;
  char *old = mg_read_file(path, &n);
  int same = old && n == len && !memcmp(old, data, len);
  free(old);
  return same;
}

/* mkdir -p, remembering each folder it creates. */
static int make_dirs(mg_stage *st, const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
    return 0; /* the common case: one stat instead of a mkdir a level */
  char *p = mg_xstrdup(dir);
  int rc = 0;
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0777) == 0) {
      pthread_mutex_lock(&st->lock);
      mg_strv_push(&st->dirs, mg_xstrdup(p));
      pthread_mutex_unlock(&st->lock);
    } else if (errno != EEXIST) {
      rc = -1;
    }
    *s = c;
    if (!c || rc)
      break;
  }
  free(p);
  return rc;
}

int mg_stage_file(mg_stage *st, const char *path, const char *data,
                  size_t len) {
  if (same_content(path, data, len))
    return 0;
  char *dir = mg_path_dir(path);
  if (make_dirs(st, dir) != 0) {
    mg_diag(MG_ERROR, dir, 0, 0, "cannot create folder: %s", strerror(errno));
    free(dir);
    return -1;
  }
  free(dir);
  pthread_mutex_lock(&st->lock);
  unsigned long seq = st->seq++;
  pthread_mutex_unlock(&st->lock);
  char *tmp = mg_xasprintf("%s.tmp-%ld-%lu", path, (long)getpid(), seq);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    mg_diag(MG_ERROR, tmp, 0, 0, "cannot write: %s", strerror(errno));
    free(tmp);
    return -1;
  }
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
      close(fd);
      unlink(tmp);
      free(tmp);
      return -1;
    }
    off += (size_t)w;
  }
  if (close(fd) != 0) {
    mg_diag(MG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  pthread_mutex_lock(&st->lock);
  if (st->n == st->cap) {
    st->cap = st->cap ? st->cap * 2 : 64;
    st->v = mg_xrealloc(st->v, st->cap * sizeof *st->v);
  }
  st->v[st->n++] = (staged){mg_xstrdup(path), tmp};
  pthread_mutex_unlock(&st->lock);
  return 0;
}

int mg_stage_commit(mg_stage *st) {
  int changed = 0;
  for (size_t i = 0; i < st->n; i++) {
    if (rename(st->v[i].tmp, st->v[i].path) != 0) {
      mg_diag(MG_ERROR, st->v[i].path, 0, 0, "cannot rename into place: %s",
              strerror(errno));
      unlink(st->v[i].tmp);
      continue;
    }
    changed++;
  }
  for (size_t i = 0; i < st->n; i++) {
    free(st->v[i].path);
    free(st->v[i].tmp);
  }
  st->n = 0;
  mg_strv_free(&st->dirs);
  return changed;
}

void mg_stage_abort(mg_stage *st) {
  for (size_t i = 0; i < st->n; i++) {
    unlink(st->v[i].tmp);
    free(st->v[i].path);
    free(st->v[i].tmp);
  }
  st->n = 0;
  /* deepest first: a folder is created after its parent */
  for (size_t i = st->dirs.n; i-- > 0;)
    rmdir(st->dirs.v[i]);
  mg_strv_free(&st->dirs);
}

void mg_stage_free(mg_stage *st) {
  if (!st)
    return;
  mg_stage_abort(st);
  free(st->v);
  pthread_mutex_destroy(&st->lock);
  free(st);
}
