/* publish.c -- an edition is published whole, or not at all.
 *
 * A build writes the new edition into a staging folder beside the
 * published one, OUT/.manualgen-stage-PID, and then swaps the two folders
 * in one atomic step (renameat2 with RENAME_EXCHANGE): a reader of
 * OUT/NAME sees the old edition or the new one, never a mix. The old one,
 * now under the staging name, is then removed.
 *
 *   - A file whose bytes did not change is not written again: the new
 *     edition gets a hard link to the published file, which keeps its
 *     time stamp (and rsync's, make's and browsers' caches happy).
 *   - Files that are not ours (a hall's own notes) are carried over into
 *     the new edition; files of ours that the build no longer produces
 *     are not. The edition's manifest (.manualgen-edition) says which
 *     files are ours.
 *   - Nothing is ever followed through a symbolic link in the output
 *     tree: every path is opened one component at a time with
 *     O_NOFOLLOW, links are carried over as links, and removal unlinks a
 *     link, never what it points to.
 *   - OUT/.manualgen-lock keeps two builds from writing one edition. A
 *     build killed with SIGKILL leaves its staging folder; the next build
 *     removes it before it starts.
 *
 * Files are created below the staging folder only; the published edition
 * is only read (and, at the end, renamed and removed). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/hash.h>

#include "manualgen.h"

#define STAGE_PREFIX ".manualgen-stage-"
#define OLD_PREFIX ".manualgen-old-"
#define LOCK_NAME MG_OUT_LOCK
#define EDITION_MANIFEST MG_EDITION_MANIFEST
#define EDITION_HEAD MG_EDITION_HEAD

struct mg_publish {
  char *out_dir;  /* OUT, for messages */
  char *name;     /* the edition's folder name, "draft" */
  char *pub_path; /* OUT/NAME, for messages */
  int outfd, lockfd;
  int pubfd; /* the published edition, -1 when there is none */
  int stagefd;
  char stage_name[96];
  pthread_mutex_t lock;
  xmlHashTablePtr produced; /* rel -> (void *)1: files of this build;
                               rel -> an mg_publish: kept from its
                               published edition, not yet linked */
  xmlHashTablePtr old_ours; /* rel -> 1: the published edition's own */
  int have_old_manifest;
  size_t written; /* files with new bytes */
  size_t changes; /* files written, or dropped as stale */
};

/* ----------------------------------------------------------- paths */

/* True when rel is a relative path of plain names: no "", ".", "..",
 * no leading '/'. */
static int rel_ok(const char *rel) {
  if (!rel || !*rel || rel[0] == '/')
    return 0;
  for (const char *p = rel; *p;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.') ||
        (n == 2 && p[0] == '.' && p[1] == '.'))
      return 0;
    p += n;
    if (*p == '/')
      p++;
  }
  return 1;
}

/* Opens the folder made of the first n bytes of rel below dirfd, one
 * component at a time, following no symbolic link; with create, missing
 * folders are made on the way. Returns a new descriptor (a duplicate of
 * dirfd when n is 0) or -1 (errno set; ELOOP for a link). */
static int open_dir_beneath(int dirfd, const char *rel, size_t n, int create) {
  int cur = dup(dirfd);
  const char *p = rel, *end = rel + n;
  while (cur >= 0 && p < end) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!slash)
      slash = end;
    char *comp = mg_xstrndup(p, (size_t)(slash - p));
    if (create && mkdirat(cur, comp, 0777) != 0 && errno != EEXIST) {
      int err = errno;
      free(comp);
      close(cur);
      errno = err;
      return -1;
    }
    int next =
        openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    free(comp);
    close(cur);
    if (next < 0) {
      errno = err == ENOTDIR ? ELOOP : err;
      return -1;
    }
    cur = next;
    p = slash < end ? slash + 1 : end;
  }
  return cur;
}

/* Opens rel below dirfd following no symbolic link, in any component.
 * With O_CREAT in flags, missing folders are created on the way. Returns
 * the descriptor or -1 (errno set). */
static int open_beneath(int dirfd, const char *rel, int flags, mode_t mode) {
  if (!rel_ok(rel)) {
    errno = EINVAL;
    return -1;
  }
  const char *slash = strrchr(rel, '/');
  int dfd = open_dir_beneath(dirfd, rel, slash ? (size_t)(slash - rel) : 0,
                             (flags & O_CREAT) != 0);
  if (dfd < 0)
    return -1;
  int fd = openat(dfd, slash ? slash + 1 : rel, flags | O_NOFOLLOW | O_CLOEXEC,
                  mode);
  int err = errno;
  close(dfd);
  errno = err;
  return fd;
}

/* Removes name below dirfd and everything in it, following no link.
 * Returns 0 or -1 (what could be removed is). */
static int remove_tree(int dirfd, const char *name) {
  struct stat sb;
  if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(sb.st_mode))
    return unlinkat(dirfd, name, 0);
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    if (remove_tree(fd, e->d_name) != 0)
      rc = -1;
  }
  closedir(d); /* closes fd */
  if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0)
    rc = -1;
  return rc;
}

int mg_remove_tree(const char *path) { return remove_tree(AT_FDCWD, path); }

/* The files a build generates, for an edition without a manifest (built
 * by manualgen 0.1) and for the temporary files 0.1 could leave. */
static int generated_name(const char *rel) {
  const char *n = strrchr(rel, '/');
  n = n ? n + 1 : rel;
  size_t l = strlen(n);
  return !strcmp(n, ".manualgen-build") || !strcmp(n, EDITION_MANIFEST) ||
         (l > 5 && !strcmp(n + l - 5, ".html")) ||
         (l > 4 && !strcmp(n + l - 4, ".css"));
}

/* NAME.tmp-PID-SEQ: a page that manualgen 0.1 was writing when killed */
static int old_temporary(const char *rel) {
  const char *t = strstr(rel, ".tmp-");
  if (!t)
    return 0;
  const char *q = t + 5;
  int dash = 0, digits = 0;
  for (; *q; q++) {
    if (*q == '-' && digits && !dash) {
      dash = 1;
      digits = 0;
    } else if (*q >= '0' && *q <= '9') {
      digits++;
    } else {
      return 0;
    }
  }
  return dash && digits;
}

static int is_ours(mg_publish *p, const char *rel) {
  /* a shard's record (index.c): a build of every hall drops it */
  if (old_temporary(rel) ||
      !strncmp(rel, MG_SHARD_RECORD, strlen(MG_SHARD_RECORD)))
    return 1;
  if (p->have_old_manifest)
    return xmlHashLookup(p->old_ours, BAD_CAST rel) != NULL ||
           !strcmp(rel, EDITION_MANIFEST);
  return generated_name(rel);
}

/* Reads the published edition's manifest into p->old_ours. */
static void load_old_manifest(mg_publish *p) {
  size_t len;
  char *text = mg_publish_read_old(p, EDITION_MANIFEST, &len);
  if (!text || strncmp(text, EDITION_HEAD, strlen(EDITION_HEAD))) {
    free(text);
    return;
  }
  p->have_old_manifest = 1;
  char *save = NULL;
  for (char *line = strtok_r(text + strlen(EDITION_HEAD), "\n", &save); line;
       line = strtok_r(NULL, "\n", &save))
    if (!strncmp(line, "file ", 5) && rel_ok(line + 5))
      xmlHashAddEntry(p->old_ours, BAD_CAST(line + 5), (void *)1);
  free(text);
}

/* ------------------------------------------------------------ begin */

static void remove_leftovers(mg_publish *p) {
  int fd = dup(p->outfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return;
  }
  mg_strv names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (!strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) ||
        !strncmp(e->d_name, OLD_PREFIX, strlen(OLD_PREFIX)))
      mg_strv_push(&names, mg_xstrdup(e->d_name));
  closedir(d);
  for (size_t i = 0; i < names.n; i++)
    if (remove_tree(p->outfd, names.v[i]) != 0)
      mg_diag(MG_WARNING, p->out_dir, 0, 0,
              "cannot remove '%s', left by an interrupted build: %s",
              names.v[i], strerror(errno));
  mg_strv_free(&names);
}

/* The output folders this process holds locked: a build publishes
 * several editions into one folder, under one lock. */
static struct held {
  char *path; /* realpath of OUT */
  int fd;
  int users;
} held[8];

/* Takes (or shares) the lock of OUT, open as outfd. Returns the lock's
 * descriptor, or -1 after reporting. *first is set when this process did
 * not hold it yet (then what killed builds left is to be removed). */
/* Opens and locks OUT's lock file (outfd: OUT, open). Returns its
 * descriptor, or -1 after reporting. */
static int lock_out(const char *out_dir, int outfd) {
  int fd =
      openat(outfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    mg_diag(MG_ERROR, out_dir, 0, 0, "cannot create %s: %s", LOCK_NAME,
            strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    mg_diag(MG_ERROR, out_dir, 0, 0,
            "another build is writing to this folder (it holds %s/%s); "
            "wait for it to finish",
            out_dir, LOCK_NAME);
    close(fd);
    return -1;
  }
  return fd;
}

int mg_out_lock(const char *out_dir) {
  int outfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (outfd < 0) {
    mg_diag(MG_ERROR, out_dir, 0, 0, "cannot open the output folder: %s",
            strerror(errno));
    return -1;
  }
  int fd = lock_out(out_dir, outfd);
  close(outfd);
  return fd;
}

static int take_lock(const char *out_dir, int outfd, int *first) {
  char *real = realpath(out_dir, NULL);
  for (size_t i = 0; real && i < sizeof held / sizeof *held; i++)
    if (held[i].path && !strcmp(held[i].path, real)) {
      held[i].users++;
      free(real);
      *first = 0;
      return held[i].fd;
    }
  int fd = lock_out(out_dir, outfd);
  if (fd < 0) {
    free(real);
    return -1;
  }
  *first = 1;
  for (size_t i = 0; real && i < sizeof held / sizeof *held; i++)
    if (!held[i].path) {
      held[i] = (struct held){real, fd, 1};
      return fd;
    }
  free(real);
  return fd; /* not shared: released with this publish */
}

static void release_lock(int fd) {
  for (size_t i = 0; i < sizeof held / sizeof *held; i++)
    if (held[i].path && held[i].fd == fd) {
      if (--held[i].users == 0) {
        close(fd); /* releases the lock */
        free(held[i].path);
        held[i] = (struct held){NULL, -1, 0};
      }
      return;
    }
  close(fd);
}

mg_publish *mg_publish_begin(const char *out_dir, const char *name) {
  mg_publish *p = mg_xcalloc(1, sizeof *p);
  p->outfd = p->lockfd = p->pubfd = p->stagefd = -1;
  p->out_dir = mg_xstrdup(out_dir);
  p->name = mg_xstrdup(name);
  p->pub_path = mg_path_join(out_dir, name);
  pthread_mutex_init(&p->lock, NULL);
  p->produced = xmlHashCreate(1024);
  p->old_ours = xmlHashCreate(1024);
  if (!rel_ok(name) || strchr(name, '/')) {
    mg_diag(MG_ERROR, NULL, 0, 0, "invalid edition name '%s'", name);
    goto fail;
  }
  if (mg_mkdirs(out_dir) != 0 ||
      (p->outfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
    mg_diag(MG_ERROR, out_dir, 0, 0, "cannot open the output folder: %s",
            strerror(errno));
    goto fail;
  }
  int first = 0;
  if ((p->lockfd = take_lock(out_dir, p->outfd, &first)) < 0)
    goto fail;
  if (first)
    remove_leftovers(p);
  p->pubfd =
      openat(p->outfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (p->pubfd >= 0)
    load_old_manifest(p);
  snprintf(p->stage_name, sizeof p->stage_name, STAGE_PREFIX "%ld-%s",
           (long)getpid(), name);
  if (mkdirat(p->outfd, p->stage_name, 0777) != 0 ||
      (p->stagefd = openat(p->outfd, p->stage_name,
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
          0) {
    mg_diag(MG_ERROR, out_dir, 0, 0, "cannot create the staging folder: %s",
            strerror(errno));
    goto fail;
  }
  return p;
fail:
  mg_publish_free(p);
  return NULL;
}

/* ------------------------------------------------- the old edition */

int mg_publish_open_old(mg_publish *p, const char *rel) {
  if (p->pubfd < 0) {
    errno = ENOENT;
    return -1;
  }
  int fd = open_beneath(p->pubfd, rel, O_RDONLY | O_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

char *mg_publish_read_old(mg_publish *p, const char *rel, size_t *len) {
  int fd = mg_publish_open_old(p, rel);
  if (fd < 0)
    return NULL;
  char *data = mg_read_fd(fd, len);
  close(fd);
  return data;
}

/* ------------------------------------------------------- new files */

static void produced(mg_publish *p, const char *rel, int written) {
  pthread_mutex_lock(&p->lock);
  xmlHashAddEntry(p->produced, BAD_CAST rel, (void *)1);
  if (written) {
    p->written++;
    p->changes++;
  }
  pthread_mutex_unlock(&p->lock);
}

/* The staging folder that will hold rel, created if need be; *base is
 * rel's last component. The caller closes the descriptor. */
static int stage_dir(mg_publish *p, const char *rel, const char **base) {
  const char *slash = strrchr(rel, '/');
  *base = slash ? slash + 1 : rel;
  return open_dir_beneath(p->stagefd, rel, slash ? (size_t)(slash - rel) : 0,
                          1);
}

int mg_publish_link(mg_publish *p, const char *rel, int fd) {
  const char *base;
  int dfd = stage_dir(p, rel, &base);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int rc = dfd < 0 ? -1 : linkat(AT_FDCWD, proc, dfd, base, AT_SYMLINK_FOLLOW);
  int err = errno;
  if (dfd >= 0)
    close(dfd);
  if (rc != 0) {
    errno = err;
    return -1;
  }
  produced(p, rel, 0);
  return 0;
}

int mg_publish_file(mg_publish *p, const char *rel, const char *data,
                    size_t len) {
  if (!rel_ok(rel)) {
    mg_diag(MG_ERROR, p->pub_path, 0, 0, "refusing to write '%s'", rel);
    return -1;
  }
  /* the same bytes as published: link, keeping the time stamp */
  int old = mg_publish_open_old(p, rel);
  if (old >= 0) {
    struct stat sb;
    int same = 0;
    if (fstat(old, &sb) == 0 && (size_t)sb.st_size == len) {
      size_t n;
      char *bytes = mg_read_fd(old, &n);
      same = bytes && n == len && !memcmp(bytes, data, len);
      free(bytes);
    }
    int linked = same && mg_publish_link(p, rel, old) == 0;
    close(old);
    if (linked)
      return 0;
  }
  const char *base;
  int dfd = stage_dir(p, rel, &base);
  int fd =
      dfd < 0
          ? -1
          : openat(dfd, base,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  int err = errno;
  if (dfd >= 0)
    close(dfd);
  char *shown = mg_path_join(p->pub_path, rel);
  if (fd < 0) {
    mg_diag(MG_ERROR, shown, 0, 0, "cannot write: %s", strerror(err));
    free(shown);
    return -1;
  }
  if (mg_write_all(fd, data, len) != 0) {
    mg_diag(MG_ERROR, shown, 0, 0, "cannot write: %s", strerror(errno));
    close(fd);
    free(shown);
    return -1;
  }
  if (close(fd) != 0) {
    mg_diag(MG_ERROR, shown, 0, 0, "cannot write: %s", strerror(errno));
    free(shown);
    return -1;
  }
  free(shown);
  produced(p, rel, 1);
  return 0;
}

int mg_publish_keep(mg_publish *p, const char *rel, mg_publish *src) {
  pthread_mutex_lock(&p->lock);
  xmlHashAddEntry(p->produced, BAD_CAST rel, src);
  pthread_mutex_unlock(&p->lock);
  return 0;
}

static void keep_one(void *payload, void *data, const xmlChar *name) {
  (void)payload;
  mg_publish *p = data;
  /* not the manifest (commit writes it), nor shards' records (a build
   * of every hall drops them) */
  if (strcmp((const char *)name, EDITION_MANIFEST) &&
      strncmp((const char *)name, MG_SHARD_RECORD, strlen(MG_SHARD_RECORD)))
    xmlHashAddEntry(p->produced, name, p);
}

void mg_publish_keep_all(mg_publish *p) {
  pthread_mutex_lock(&p->lock);
  xmlHashScan(p->old_ours, keep_one, p);
  pthread_mutex_unlock(&p->lock);
}

/* ---------------------------------------------------------- commit */

typedef struct {
  mg_publish *p;
  int (*managed)(const char *rel, void *ctx);
  void *ctx;
  mg_buf *manifest; /* our files of the new edition */
  int errors;
} carry_ctx;

/* Carries the entries of old folder `ofd` (at rel prefix `pre`) that the
 * new edition does not have into the staging folder: foreign entries
 * always, ours when this build does not manage them (a build limited to
 * some halls keeps the others). */
static void carry(carry_ctx *c, int ofd, const char *pre) {
  int fd = dup(ofd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return;
  }
  rewinddir(d); /* the descriptor is shared with ofd and may have been read */
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
        (!*pre && !strcmp(e->d_name, EDITION_MANIFEST)))
      continue;
    char *rel =
        *pre ? mg_xasprintf("%s/%s", pre, e->d_name) : mg_xstrdup(e->d_name);
    struct stat sb;
    if (fstatat(ofd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
      free(rel);
      continue;
    }
    if (S_ISDIR(sb.st_mode)) {
      int sub = openat(ofd, e->d_name,
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0) {
        carry(c, sub, rel);
        close(sub);
      }
      free(rel);
      continue;
    }
    mg_publish *p = c->p;
    int ours = is_ours(p, rel);
    int exists = xmlHashLookup(p->produced, BAD_CAST rel) != NULL;
    if (!exists) {
      /* a name the new edition uses for a folder, say */
      int probe = open_beneath(p->stagefd, rel, O_RDONLY | O_NONBLOCK, 0);
      exists = probe >= 0 || errno == ELOOP || errno == EISDIR;
      if (probe >= 0)
        close(probe);
    }
    if (exists || (ours && c->managed(rel, c->ctx))) {
      if (!exists)
        p->changes++; /* a stale file of ours: dropped */
      free(rel);
      continue;
    }
    const char *base;
    int dfd = stage_dir(p, rel, &base);
    /* linkat without AT_SYMLINK_FOLLOW links a symbolic link itself */
    if (dfd < 0 || linkat(ofd, e->d_name, dfd, base, 0) != 0) {
      char *shown = mg_path_join(p->pub_path, rel);
      mg_diag(MG_ERROR, shown, 0, 0,
              "cannot carry this file into the new edition: %s",
              strerror(errno));
      free(shown);
      c->errors++;
    } else if (ours) {
      mg_buf_printf(c->manifest, "file %s\n", rel);
    }
    if (dfd >= 0)
      close(dfd);
    free(rel);
  }
  closedir(d);
}

static void add_produced(void *payload, void *data, const xmlChar *name) {
  (void)payload;
  mg_strv *v = data;
  mg_strv_push(v, mg_xstrdup((const char *)name));
}

typedef struct {
  mg_publish *p;
  int errors;
} kept_ctx;

static void same_as_old(void *payload, void *data, const xmlChar *name) {
  (void)payload;
  void **a = data;
  mg_publish *p = a[0];
  int *same = a[1];
  (void)payload; /* kept, or linked for the same bytes */
  if (!xmlHashLookup(p->old_ours, name))
    *same = 0;
}

/* Links a kept file (mg_publish_keep) into the staging folder. */
static void link_kept(void *payload, void *data, const xmlChar *name) {
  kept_ctx *k = data;
  mg_publish *src = payload;
  if (payload == (void *)1 || k->errors)
    return;
  const char *rel = (const char *)name;
  int fd = mg_publish_open_old(src, rel);
  const char *base;
  int dfd = fd < 0 ? -1 : stage_dir(k->p, rel, &base);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (dfd < 0 || linkat(AT_FDCWD, proc, dfd, base, AT_SYMLINK_FOLLOW) != 0) {
    char *shown = mg_path_join(k->p->pub_path, rel);
    mg_diag(MG_ERROR, shown, 0, 0, "cannot carry into the new edition: %s",
            strerror(errno));
    free(shown);
    k->errors++;
  }
  if (dfd >= 0)
    close(dfd);
  if (fd >= 0)
    close(fd);
}

/* True when folder fd (at rel prefix pre) holds a temporary file an
 * older build left, or a shard's record: files of ours that a new
 * edition may drop. */
static int has_temporary(int fd, const char *pre) {
  int dup_fd = dup(fd);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return 1; /* unreadable: let the full commit decide */
  }
  rewinddir(d); /* the descriptor is shared with fd and may have been read */
  int found = 0;
  struct dirent *e;
  while (!found && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    int dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat sb;
      dir = fstatat(fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(sb.st_mode);
    }
    char *rel =
        *pre ? mg_xasprintf("%s/%s", pre, e->d_name) : mg_xstrdup(e->d_name);
    if (dir) {
      int sub = openat(fd, e->d_name,
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      found = sub < 0 || has_temporary(sub, rel);
      if (sub >= 0)
        close(sub);
    } else { /* or a shard's record, which a build of every hall drops */
      found =
          old_temporary(rel) ||
          (!*pre && !strncmp(rel, MG_SHARD_RECORD, strlen(MG_SHARD_RECORD)));
    }
    free(rel);
  }
  closedir(d);
  return found;
}

/* True when the new edition is the published one: nothing written, and
 * exactly the files the published manifest lists produced (kept), so no
 * file of ours is dropped and every other file would be carried as it
 * is; and no temporary file of an older build is there to remove. */
static int unchanged(mg_publish *p) {
  if (p->changes || !p->have_old_manifest || p->pubfd < 0)
    return 0;
  int n_old = xmlHashSize(p->old_ours);
  int n_new = xmlHashSize(p->produced);
  /* old_ours lists our files; the manifest itself is not produced */
  int manifest_listed =
      xmlHashLookup(p->old_ours, BAD_CAST EDITION_MANIFEST) != NULL;
  if (n_old - manifest_listed != n_new)
    return 0;
  int same = 1;
  xmlHashScan(p->produced, same_as_old, (void *[]){p, &same});
  return same && !has_temporary(p->pubfd, "");
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void mg_publish_list(mg_publish *p, mg_strv *out) {
  size_t from = out->n;
  xmlHashScan(p->produced, add_produced, out);
  if (out->n > from)
    qsort(out->v + from, out->n - from, sizeof *out->v, cmp_str);
}

static int always(const char *rel, void *ctx) {
  (void)rel;
  (void)ctx;
  return 1;
}

int mg_publish_commit(mg_publish *p, int (*managed)(const char *, void *),
                      void *ctx) {
  if (unchanged(p)) {
    mg_publish_abort(p);
    return 0;
  }
  kept_ctx k = {p, 0};
  xmlHashScan(p->produced, link_kept, &k);
  if (k.errors) {
    mg_publish_abort(p);
    return -1;
  }
  mg_buf manifest = {0};
  mg_buf_puts(&manifest, EDITION_HEAD);
  mg_strv rels = {0};
  xmlHashScan(p->produced, add_produced, &rels);
  if (rels.n)
    qsort(rels.v, rels.n, sizeof *rels.v, cmp_str);
  for (size_t i = 0; i < rels.n; i++)
    mg_buf_printf(&manifest, "file %s\n", rels.v[i]);
  mg_strv_free(&rels);
  carry_ctx c = {p, managed ? managed : always, ctx, &manifest, 0};
  if (p->pubfd >= 0)
    carry(&c, p->pubfd, "");
  int rc = -1;
  if (c.errors)
    goto done;
  /* nothing new, nothing dropped, the same manifest: keep what is
   * published as it is, folders and all */
  size_t oldlen = 0;
  char *old = mg_publish_read_old(p, EDITION_MANIFEST, &oldlen);
  int same = old && !p->changes && oldlen == manifest.len &&
             !memcmp(old, manifest.data, manifest.len);
  free(old);
  if (same) {
    rc = 0;
    goto done; /* mg_publish_abort below removes the stage */
  }
  if (mg_publish_file(p, EDITION_MANIFEST, manifest.data, manifest.len) != 0)
    goto done;
  struct stat sb;
  int exists = fstatat(p->outfd, p->name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && renameat2(p->outfd, p->stage_name, p->outfd, p->name,
                          RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      mg_diag(MG_ERROR, p->pub_path, 0, 0, "cannot publish: %s",
              strerror(errno));
      goto done;
    }
    /* a file system without RENAME_EXCHANGE: two renames, with a moment
     * when the edition is missing (never mixed) */
    char old_name[96];
    snprintf(old_name, sizeof old_name, OLD_PREFIX "%ld-%s", (long)getpid(),
             p->name);
    if (renameat(p->outfd, p->name, p->outfd, old_name) != 0 ||
        renameat(p->outfd, p->stage_name, p->outfd, p->name) != 0) {
      mg_diag(MG_ERROR, p->pub_path, 0, 0, "cannot publish: %s",
              strerror(errno));
      goto done;
    }
    memcpy(p->stage_name, old_name, sizeof old_name);
  } else if (!exists && renameat2(p->outfd, p->stage_name, p->outfd, p->name,
                                  RENAME_NOREPLACE) != 0) {
    mg_diag(MG_ERROR, p->pub_path, 0, 0, "cannot publish: %s", strerror(errno));
    goto done;
  }
  /* the staging name now holds the previous edition (if any) */
  rc = (int)(p->changes ? p->changes : 1);
done:
  mg_buf_free(&manifest);
  mg_publish_abort(p);
  return rc;
}

void mg_publish_abort(mg_publish *p) {
  if (!p)
    return;
  if (p->stagefd >= 0) {
    close(p->stagefd);
    p->stagefd = -1;
  }
  if (p->outfd >= 0 && p->stage_name[0] &&
      remove_tree(p->outfd, p->stage_name) != 0)
    mg_diag(MG_WARNING, p->out_dir, 0, 0, "cannot remove '%s': %s",
            p->stage_name, strerror(errno));
  p->stage_name[0] = '\0';
}

void mg_publish_abandon(mg_publish *p) {
  /* reads p, writes nothing of it: a worker may still be using it */
  if (p && p->outfd >= 0 && p->stage_name[0])
    remove_tree(p->outfd, p->stage_name);
}

void mg_publish_free(mg_publish *p) {
  if (!p)
    return;
  mg_publish_abort(p);
  if (p->pubfd >= 0)
    close(p->pubfd);
  if (p->lockfd >= 0)
    release_lock(p->lockfd);
  if (p->outfd >= 0)
    close(p->outfd);
  xmlHashFree(p->produced, NULL);
  xmlHashFree(p->old_ours, NULL);
  pthread_mutex_destroy(&p->lock);
  free(p->out_dir);
  free(p->name);
  free(p->pub_path);
  free(p);
}
