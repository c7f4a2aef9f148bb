/* util.c -- allocation, buffers, files and paths. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "manualgen.h"

static void oom(void) {
  fputs("manualgen: out of memory\n", stderr);
  abort();
}

void *mg_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    oom();
  return p;
}

void *mg_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    oom();
  return p;
}

void *mg_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p)
    oom();
  return p;
}

char *mg_xstrdup(const char *s) { return mg_xstrndup(s, strlen(s)); }

char *mg_xstrndup(const char *s, size_t n) {
  char *d = mg_xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *mg_xasprintf(const char *fmt, ...) {
  mg_buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  b.data = mg_xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(b.data, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return b.data;
}

static void buf_grow(mg_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1)
    cap *= 2;
  b->data = mg_xrealloc(b->data, cap);
  b->cap = cap;
}

void mg_buf_reserve(mg_buf *b, size_t n) { buf_grow(b, n); }

void mg_buf_put(mg_buf *b, const void *p, size_t n) {
  buf_grow(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void mg_buf_puts(mg_buf *b, const char *s) { mg_buf_put(b, s, strlen(s)); }

void mg_buf_printf(mg_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  buf_grow(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void mg_buf_free(mg_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* The reason the last mg_read_file of this thread failed. */
static __thread char read_error[128];

const char *mg_read_error(void) { return read_error; }

void mg_set_read_error(const char *why) {
  snprintf(read_error, sizeof read_error, "%s", why);
}

const char *mg_file_kind(mode_t m) {
  return S_ISLNK(m)    ? "a symbolic link"
         : S_ISDIR(m)  ? "a folder"
         : S_ISFIFO(m) ? "a FIFO"
         : S_ISCHR(m)  ? "a device"
         : S_ISBLK(m)  ? "a device"
         : S_ISSOCK(m) ? "a socket"
                       : "not a plain file";
}

char *mg_read_file(const char *path, size_t *len) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    mg_set_read_error(strerror(errno));
    return NULL;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    mg_set_read_error(strerror(errno));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(sb.st_mode)) {
    snprintf(read_error, sizeof read_error, "it is %s, not a regular file",
             mg_file_kind(sb.st_mode));
    close(fd);
    errno = EINVAL;
    return NULL;
  }
  if (sb.st_size > MG_MAX_FILE) {
    snprintf(read_error, sizeof read_error,
             "it is larger than the limit of %d MiB", MG_MAX_FILE >> 20);
    close(fd);
    errno = EFBIG;
    return NULL;
  }
  char *data = mg_read_fd(fd, len);
  close(fd);
  return data;
}

char *mg_read_fd(int fd, size_t *len) {
  mg_buf b = {0};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      mg_set_read_error(strerror(errno));
      mg_buf_free(&b);
      return NULL;
    }
    if (n == 0)
      break;
    if (b.len + (size_t)n > MG_MAX_FILE) { /* it grew while we read */
      snprintf(read_error, sizeof read_error,
               "it is larger than the limit of %d MiB", MG_MAX_FILE >> 20);
      mg_buf_free(&b);
      errno = EFBIG;
      return NULL;
    }
    mg_buf_put(&b, chunk, (size_t)n);
  }
  if (!b.data)
    b.data = mg_xstrdup("");
  if (len)
    *len = b.len;
  return b.data;
}

char *mg_path_join(const char *a, const char *b) {
  if (!a || !*a || b[0] == '/')
    return mg_xstrdup(b);
  size_t la = strlen(a);
  return mg_xasprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *mg_path_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return mg_xstrdup(".");
  if (slash == path)
    return mg_xstrdup("/");
  return mg_xstrndup(path, (size_t)(slash - path));
}

char *mg_path_normalize(const char *path) {
  size_t n = strlen(path);
  char *out = mg_xmalloc(n + 2);
  /* stack of segment start offsets in out */
  size_t *seg = mg_xmalloc(sizeof(size_t) * (n + 1));
  size_t nseg = 0, o = 0, up = 0;
  int abs = path[0] == '/';
  if (abs)
    out[o++] = '/';
  const char *p = path;
  while (*p) {
    while (*p == '/')
      p++;
    const char *e = p;
    while (*e && *e != '/')
      e++;
    size_t l = (size_t)(e - p);
    if (l == 0)
      break;
    if (l == 1 && p[0] == '.') {
      /* skip */
    } else if (l == 2 && p[0] == '.' && p[1] == '.') {
      if (nseg > up) {
        o = seg[--nseg];
        if (o > (size_t)abs)
          o--; /* the slash before it */
      } else if (!abs) {
        if (o > 0 && out[o - 1] != '/')
          out[o++] = '/';
        seg[nseg++] = o;
        up = nseg;
        memcpy(out + o, "..", 2);
        o += 2;
      }
    } else {
      if (o > 0 && out[o - 1] != '/')
        out[o++] = '/';
      seg[nseg++] = o;
      memcpy(out + o, p, l);
      o += l;
    }
    p = e;
  }
  if (o == 0)
    out[o++] = '.';
  out[o] = '\0';
  free(seg);
  return out;
}

int mg_mkdirs(const char *path) {
  char *p = mg_xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      free(p);
      return -1;
    }
    *s = '/';
  }
  int rc = mkdir(p, 0777);
  free(p);
  if (rc != 0 && errno != EEXIST)
    return -1;
  return 0;
}

int mg_date_ok(const char *s) {
  int y, m, d;
  char tail;
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
      sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
         d <= days[m - 1] + (m == 2 && leap);
}

int mg_is_id(const char *s) {
  if (!s || !*s)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return 0;
  return 1;
}

/* Decodes the UTF-8 character at s (at most n bytes): returns its length
 * and sets *cp, or returns 0 when the bytes are not UTF-8 (a stray or
 * truncated sequence, an overlong form, a surrogate, beyond U+10FFFF). */
int mg_utf8_decode(const char *s, size_t n, unsigned *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (!n)
    return 0;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  size_t len = (u[0] & 0xE0) == 0xC0   ? 2
               : (u[0] & 0xF0) == 0xE0 ? 3
               : (u[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
  if (!len || len > n)
    return 0;
  unsigned c = u[0] & (0x7Fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((u[k] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (u[k] & 0x3Fu);
  }
  if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
      (len == 4 && c < 0x10000) || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return (int)len;
}

/* East Asian wide and fullwidth characters (and everything beyond the
 * BMP, mostly ideographs and emoji) take two columns of a terminal. */
static int wide(unsigned cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x10000;
}

int mg_text_width(const char *s) {
  int w = 0;
  for (size_t i = 0, n = strlen(s); i < n;) {
    unsigned cp;
    int k = mg_utf8_decode(s + i, n - i, &cp);
    w += k && wide(cp) ? 2 : 1;
    i += k ? (size_t)k : 1;
  }
  return w;
}

size_t mg_edit_distance(const char *a, size_t la, const char *b) {
  size_t lb = strlen(b);
  size_t *d = mg_xcalloc((la + 1) * (lb + 1), sizeof *d);
#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (size_t i = 0; i <= la; i++)
    D(i, 0) = i;
  for (size_t j = 0; j <= lb; j++)
    D(0, j) = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
      if (D(i - 1, j) + 1 < best)
        best = D(i - 1, j) + 1;
      if (D(i, j - 1) + 1 < best)
        best = D(i, j - 1) + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          D(i - 2, j - 2) + 1 < best)
        best = D(i - 2, j - 2) + 1;
      D(i, j) = best;
    }
  size_t r = D(la, lb);
#undef D
  free(d);
  return r;
}

const char *mg_suggest(const mg_strv *v, const char *s, size_t n) {
  const char *best = NULL;
  size_t bd = (size_t)-1;
  for (size_t i = 0; i < v->n; i++) {
    size_t d = mg_edit_distance(s, n, v->v[i]);
    if (d < bd) {
      bd = d;
      best = v->v[i];
    }
  }
  return bd > 0 && mg_is_typo(bd, n) ? best : NULL;
}

int mg_is_typo(size_t d, size_t n) {
  return d <= (n <= 4 ? 1u : n <= 9 ? 2u : 3u);
}

int mg_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, p + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      if (w == 0)
        errno = ENOSPC;
      return -1;
    }
    off += (size_t)w;
  }
  return 0;
}

static int stdout_errno;

int mg_write_stdout(const void *data, size_t len) {
  if (len && fwrite(data, 1, len, stdout) != len) {
    if (!stdout_errno)
      stdout_errno = errno ? errno : EIO;
    return -1;
  }
  return 0;
}

int mg_stdout_errno(void) { return stdout_errno; }

double mg_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mg_strv_push(mg_strv *sv, char *s) {
  if (sv->n == sv->cap) {
    sv->cap = sv->cap ? sv->cap * 2 : 8;
    sv->v = mg_xrealloc(sv->v, sizeof(char *) * sv->cap);
  }
  sv->v[sv->n++] = s;
}

void mg_strv_free(mg_strv *sv) {
  for (size_t i = 0; i < sv->n; i++)
    free(sv->v[i]);
  free(sv->v);
  sv->v = NULL;
  sv->n = sv->cap = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int mg_list_dir(const char *dir, const char *suffix, mg_strv *out) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  size_t ls = strlen(suffix);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || l <= ls || strcmp(e->d_name + l - ls, suffix))
      continue;
    mg_strv_push(out, mg_xstrdup(e->d_name));
  }
  closedir(d);
  if (out->n)
    qsort(out->v, out->n, sizeof(char *), cmp_str);
  return 0;
}
