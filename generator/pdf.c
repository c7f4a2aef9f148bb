/* pdf.c -- Typst sources to PDF, through a pool of long-lived workers.
 *
 * A worker is `node print/worker.mjs` (Typst 0.14 inside typst.ts), spoken
 * to in JSON lines over a socket pair (print-spec.md, "Worker protocol"):
 * a socket, not a pipe, so that writing to a worker that died is an EPIPE
 * (send's MSG_NOSIGNAL), never a SIGPIPE that would kill the build.
 *
 * The pool holds at most one worker per build thread; a worker is started
 * the first time a thread needs one, and replaced after MG_PDF_RECYCLE
 * documents (its memory grows with every document) or when it died. A
 * document that takes longer than the time-out kills its worker and fails
 * with a message: a stuck engine never hangs the build. Freeing the pool
 * closes the sockets (a worker exits at the end of its input) and reaps
 * the workers, killing any that lingers; a worker whose build was killed
 * outright sees its input end the same way.
 *
 * Each document is written as main.typ into a fresh private folder
 * (mkdtemp, mode 0700) that holds nothing else and is the Typst root, so
 * read() and image() in the source can reach nothing but itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "manualgen.h"

extern char **environ;

#define MG_PDF_RECYCLE 10
#define MG_PDF_TIMEOUT 120 /* seconds a document may take */
#define MG_PDF_MAX_LINE (1 << 20)

typedef struct {
  pid_t pid; /* 0: not running */
  int fd;    /* our end of the socket pair */
  int busy;  /* a thread is using it */
  int docs;  /* documents compiled since it started */
  mg_buf in; /* bytes read past the last reply line */
} worker;

struct mg_pdf_pool {
  char *print_dir;
  pthread_mutex_t lock;
  worker *w;
  size_t n;
  int timeout;    /* seconds */
  long next_id;   /* request ids */
  char *version;  /* the engine's, asked once */
  int version_rc; /* 0 asked and known, -1 failed, 1 not asked yet */
};

/* ------------------------------------------------------------ the protocol */

void mg_pdf_reply_free(mg_pdf_reply *r) {
  for (size_t i = 0; i < r->ndiag; i++)
    free(r->diag[i].message);
  free(r->diag);
  free(r->version);
  memset(r, 0, sizeof *r);
}

typedef struct {
  const char *p, *end;
} jp;

static void skip_ws(jp *j) {
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static int hex4(const char *p, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return -1;
    *v = *v * 16 + (unsigned)d;
  }
  return 0;
}

static void put_utf8(mg_buf *b, unsigned c) {
  char u[4];
  size_t n;
  if (c < 0x80) {
    u[0] = (char)c;
    n = 1;
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | c >> 6);
    u[1] = (char)(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | c >> 12);
    u[1] = (char)(0x80 | (c >> 6 & 0x3F));
    u[2] = (char)(0x80 | (c & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | c >> 18);
    u[1] = (char)(0x80 | (c >> 12 & 0x3F));
    u[2] = (char)(0x80 | (c >> 6 & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F));
    n = 4;
  }
  mg_buf_put(b, u, n);
}

/* A JSON string at j->p; *out (caller frees) gets its UTF-8 text, or the
 * string is skipped when out is NULL. 0, or -1 when malformed. */
static int parse_string(jp *j, char **out) {
  if (j->p >= j->end || *j->p != '"')
    return -1;
  j->p++;
  mg_buf b = {0};
  while (j->p < j->end && *j->p != '"') {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20)
      goto bad;
    if (c != '\\') {
      mg_buf_put(&b, j->p++, 1);
      continue;
    }
    if (j->end - j->p < 2)
      goto bad;
    char e = j->p[1];
    j->p += 2;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char to[] = "\"\\/\b\f\n\r\t";
      mg_buf_put(&b, &to[simple - "\"\\/bfnrt"], 1);
      continue;
    }
    unsigned u, lo;
    if (e != 'u' || j->end - j->p < 4 || hex4(j->p, &u))
      goto bad;
    j->p += 4;
    if (u >= 0xD800 && u < 0xDC00) {
      if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
          hex4(j->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
        goto bad;
      j->p += 6;
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    } else if (u >= 0xDC00 && u < 0xE000) {
      goto bad;
    }
    put_utf8(&b, u ? u : 0xFFFD);
  }
  if (j->p >= j->end)
    goto bad;
  j->p++;
  if (out)
    *out = b.data ? b.data : mg_xstrdup("");
  else
    mg_buf_free(&b);
  return 0;
bad:
  mg_buf_free(&b);
  return -1;
}

static int parse_number(jp *j, long *out) {
  char *end;
  errno = 0;
  /* the line is NUL-terminated past its end (mg_buf) or a test literal */
  double d = strtod(j->p, &end);
  if (end == j->p || end > j->end || errno)
    return -1;
  j->p = end;
  if (out)
    *out = d > 1e9 ? 1000000000L : d < -1e9 ? -1000000000L : (long)d;
  return 0;
}

static int skip_value(jp *j, int depth);

static int skip_container(jp *j, char close, int depth) {
  j->p++;
  skip_ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return 0;
  }
  for (;;) {
    skip_ws(j);
    if (close == '}') {
      if (parse_string(j, NULL))
        return -1;
      skip_ws(j);
      if (j->p >= j->end || *j->p++ != ':')
        return -1;
    }
    if (skip_value(j, depth + 1))
      return -1;
    skip_ws(j);
    if (j->p >= j->end)
      return -1;
    char c = *j->p++;
    if (c == close)
      return 0;
    if (c != ',')
      return -1;
  }
}

static int literal(jp *j, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
    return -1;
  j->p += n;
  return 0;
}

static int skip_value(jp *j, int depth) {
  skip_ws(j);
  if (j->p >= j->end || depth > 32)
    return -1;
  switch (*j->p) {
  case '"':
    return parse_string(j, NULL);
  case '{':
    return skip_container(j, '}', depth);
  case '[':
    return skip_container(j, ']', depth);
  case 't':
    return literal(j, "true");
  case 'f':
    return literal(j, "false");
  case 'n':
    return literal(j, "null");
  default:
    return parse_number(j, NULL);
  }
}

/* Calls field(key, j, ctx) for each member of the object at j->p; the
 * callback parses (or skips) the value. 0, or -1 when malformed. */
static int parse_object(jp *j, int (*field)(const char *, jp *, void *),
                        void *ctx) {
  skip_ws(j);
  if (j->p >= j->end || *j->p != '{')
    return -1;
  j->p++;
  skip_ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    return 0;
  }
  for (;;) {
    char *key = NULL;
    skip_ws(j);
    if (parse_string(j, &key))
      return -1;
    skip_ws(j);
    int rc = j->p < j->end && *j->p == ':' ? 0 : -1;
    if (!rc) {
      j->p++;
      skip_ws(j);
      rc = field(key, j, ctx);
    }
    free(key);
    if (rc)
      return -1;
    skip_ws(j);
    if (j->p >= j->end)
      return -1;
    char c = *j->p++;
    if (c == '}')
      return 0;
    if (c != ',')
      return -1;
  }
}

static int diag_field(const char *key, jp *j, void *ctx) {
  mg_pdf_diag *d = ctx;
  if (!strcmp(key, "message") && j->p < j->end && *j->p == '"') {
    free(d->message);
    d->message = NULL;
    return parse_string(j, &d->message);
  }
  if (!strcmp(key, "severity") && j->p < j->end && *j->p == '"') {
    char *s = NULL;
    if (parse_string(j, &s))
      return -1;
    d->warning = !strcmp(s, "warning");
    free(s);
    return 0;
  }
  long v;
  if (!strcmp(key, "line") && j->p < j->end && *j->p != 'n') {
    if (parse_number(j, &v))
      return -1;
    d->line = v > 0 && v < 1000000000 ? (int)v : 0;
    return 0;
  }
  if (!strcmp(key, "col") && j->p < j->end && *j->p != 'n') {
    if (parse_number(j, &v))
      return -1;
    d->col = v > 0 && v < 1000000000 ? (int)v : 0;
    return 0;
  }
  return skip_value(j, 1);
}

static int parse_diagnostics(jp *j, mg_pdf_reply *r) {
  if (j->p >= j->end || *j->p != '[')
    return -1;
  j->p++;
  skip_ws(j);
  if (j->p < j->end && *j->p == ']') {
    j->p++;
    return 0;
  }
  for (;;) {
    r->diag = mg_xrealloc(r->diag, (r->ndiag + 1) * sizeof *r->diag);
    mg_pdf_diag *d = &r->diag[r->ndiag++];
    memset(d, 0, sizeof *d);
    if (parse_object(j, diag_field, d))
      return -1;
    if (!d->message)
      d->message = mg_xstrdup("(no message)");
    skip_ws(j);
    if (j->p >= j->end)
      return -1;
    char c = *j->p++;
    if (c == ']')
      return 0;
    if (c != ',')
      return -1;
  }
}

static int reply_field(const char *key, jp *j, void *ctx) {
  mg_pdf_reply *r = ctx;
  long v;
  if (!strcmp(key, "id")) {
    if (j->p < j->end && *j->p == 'n') {
      r->id = -1;
      return literal(j, "null");
    }
    if (parse_number(j, &v))
      return -1;
    r->id = v;
    return 0;
  }
  if (!strcmp(key, "ok")) {
    if (!literal(j, "true")) {
      r->ok = 1;
      return 0;
    }
    r->ok = 0;
    return literal(j, "false");
  }
  if (!strcmp(key, "pages")) {
    if (parse_number(j, &v))
      return -1;
    r->pages = v > 0 ? v : 0;
    return 0;
  }
  if (!strcmp(key, "version") && j->p < j->end && *j->p == '"') {
    free(r->version);
    r->version = NULL;
    return parse_string(j, &r->version);
  }
  if (!strcmp(key, "diagnostics"))
    return parse_diagnostics(j, r);
  return skip_value(j, 1);
}

int mg_pdf_parse_reply(const char *line, size_t len, mg_pdf_reply *r) {
  memset(r, 0, sizeof *r);
  r->id = -1;
  /* strtod needs a terminator: work on a NUL-terminated copy */
  char *copy = mg_xstrndup(line, len);
  jp j = {copy, copy + len};
  int rc = parse_object(&j, reply_field, r);
  skip_ws(&j);
  if (!rc && j.p != j.end)
    rc = -1;
  free(copy);
  if (rc)
    mg_pdf_reply_free(r);
  if (!rc && !r->ok && !r->ndiag) {
    /* a failure that says nothing still says it failed */
    r->diag = mg_xcalloc(1, sizeof *r->diag);
    r->diag[0].message = mg_xstrdup("the engine failed without a message");
    r->ndiag = 1;
  }
  return rc;
}

/* s as a JSON string literal, appended to b. */
static void put_json_string(mg_buf *b, const char *s) {
  mg_buf_puts(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      mg_buf_printf(b, "\\%c", *p);
    else if (*p < 0x20)
      mg_buf_printf(b, "\\u%04x", *p);
    else
      mg_buf_put(b, p, 1);
  }
  mg_buf_puts(b, "\"");
}

char *mg_pdf_request(long id, const char *root, const char *main_typ,
                     const char *out_pdf) {
  mg_buf b = {0};
  mg_buf_printf(&b, "{\"id\": %ld, \"root\": ", id);
  put_json_string(&b, root);
  mg_buf_puts(&b, ", \"main\": ");
  put_json_string(&b, main_typ);
  mg_buf_puts(&b, ", \"out\": ");
  put_json_string(&b, out_pdf);
  mg_buf_puts(&b, "}\n");
  return b.data;
}

/* ---------------------------------------------------------------- workers */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ends a worker: closes its socket (it exits at the end of its input),
 * waits a little, then kills it. */
static void worker_stop(worker *w, int kill_now) {
  if (!w->pid)
    return;
  close(w->fd);
  w->fd = -1;
  int status;
  pid_t got = 0;
  if (!kill_now)
    for (int i = 0; i < 100; i++) { /* at most 1 s */
      got = waitpid(w->pid, &status, WNOHANG);
      if (got != 0)
        break;
      struct timespec ts = {0, 10 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
  if (got == 0) {
    kill(w->pid, SIGKILL);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
      ;
  }
  w->pid = 0;
  w->docs = 0;
  mg_buf_free(&w->in);
}

/* Starts a worker. 0, or -1 after reporting (as what). */
static int worker_start(mg_pdf_pool *pool, worker *w, const char *what) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
    mg_diag(MG_ERROR, what, 0, 0, "cannot start the PDF engine: %s",
            strerror(errno));
    return -1;
  }
  char *script = mg_path_join(pool->print_dir, "worker.mjs");
  char *engine =
      mg_path_join(pool->print_dir, "node_modules/@myriaddreamin/"
                                    "typst-ts-node-compiler/package.json");
  int there = access(script, R_OK) == 0 && access(engine, R_OK) == 0;
  free(engine);
  if (!there) {
    mg_diag(MG_ERROR, what, 0, 0,
            "the PDF engine is not installed in %s (run scripts/deps build, "
            "or build with --no-pdf)",
            pool->print_dir);
    close(sv[0]);
    close(sv[1]);
    free(script);
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  /* dup2 clears close-on-exec on the copies */
  posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  /* the build blocks its stop signals to read them from a signalfd: the
   * worker gets them back, and default dispositions */
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char *argv[] = {"node", script, NULL};
  pid_t pid;
  int rc = posix_spawnp(&pid, "node", &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(sv[1]);
  free(script);
  if (rc) {
    close(sv[0]);
    mg_diag(MG_ERROR, what, 0, 0,
            "cannot start the PDF engine (node): %s; run scripts/deps build",
            strerror(rc));
    return -1;
  }
  w->pid = pid;
  w->fd = sv[0];
  w->docs = 0;
  w->in.len = 0;
  return 0;
}

/* Sends a request and reads the reply line into *line (caller frees).
 * 0; -1 when the worker is gone (EOF or a send error: *died set); -2 on
 * the time-out (the worker is then killed). */
static int worker_call(mg_pdf_pool *pool, worker *w, const char *req,
                       char **line, size_t *len) {
  size_t n = strlen(req), off = 0;
  while (off < n) {
    ssize_t k = send(w->fd, req + off, n - off, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    off += (size_t)k;
  }
  double deadline = now() + pool->timeout;
  for (;;) {
    char *nl = w->in.len ? memchr(w->in.data, '\n', w->in.len) : NULL;
    if (nl) {
      *len = (size_t)(nl - w->in.data);
      *line = mg_xstrndup(w->in.data, *len);
      size_t rest = w->in.len - *len - 1;
      memmove(w->in.data, nl + 1, rest);
      w->in.len = rest;
      w->in.data[rest] = 0;
      return 0;
    }
    if (w->in.len > MG_PDF_MAX_LINE)
      return -1;
    double left = deadline - now();
    if (left <= 0)
      return -2;
    struct pollfd p = {w->fd, POLLIN, 0};
    int pr = poll(&p, 1, (int)(left * 1000) + 1);
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr < 0)
      return -1;
    if (pr == 0)
      continue;
    char buf[65536];
    ssize_t k = read(w->fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    mg_buf_put(&w->in, buf, (size_t)k);
  }
}

mg_pdf_pool *mg_pdf_pool_new(const char *print_dir, int workers) {
  mg_pdf_pool *pool = mg_xcalloc(1, sizeof *pool);
  pool->print_dir = mg_xstrdup(print_dir);
  pthread_mutex_init(&pool->lock, NULL);
  pool->n = workers > 0 ? (size_t)workers : 1;
  pool->w = mg_xcalloc(pool->n, sizeof *pool->w);
  for (size_t i = 0; i < pool->n; i++)
    pool->w[i].fd = -1;
  const char *t = getenv("MANUALGEN_PDF_TIMEOUT");
  pool->timeout = t && atoi(t) > 0 ? atoi(t) : MG_PDF_TIMEOUT;
  pool->version_rc = 1;
  return pool;
}

void mg_pdf_pool_free(mg_pdf_pool *pool) {
  if (!pool)
    return;
  for (size_t i = 0; i < pool->n; i++)
    worker_stop(&pool->w[i], 0);
  free(pool->w);
  free(pool->version);
  free(pool->print_dir);
  pthread_mutex_destroy(&pool->lock);
  free(pool);
}

/* An idle worker for the calling thread, marked busy; NULL when all are
 * busy (more threads than the pool was made for). */
static worker *take(mg_pdf_pool *pool, long *id) {
  worker *w = NULL;
  pthread_mutex_lock(&pool->lock);
  /* a running one first, then a slot to start one in */
  for (size_t i = 0; i < pool->n && !w; i++)
    if (!pool->w[i].busy && pool->w[i].pid)
      w = &pool->w[i];
  for (size_t i = 0; i < pool->n && !w; i++)
    if (!pool->w[i].busy)
      w = &pool->w[i];
  if (w)
    w->busy = 1;
  *id = ++pool->next_id;
  pthread_mutex_unlock(&pool->lock);
  return w;
}

static void give_back(mg_pdf_pool *pool, worker *w) {
  pthread_mutex_lock(&pool->lock);
  w->busy = 0;
  pthread_mutex_unlock(&pool->lock);
}

/* One request on a worker of the pool, starting or replacing the worker as
 * needed; a worker found dead is replaced and the request sent once more.
 * Returns 0 with *r filled, or -1 after reporting (as what). */
static int ask(mg_pdf_pool *pool, const char *root, const char *main_typ,
               const char *out_pdf, int version, mg_pdf_reply *r,
               const char *what) {
  long id;
  worker *w = take(pool, &id);
  if (!w) {
    mg_diag(MG_ERROR, what, 0, 0, "no PDF engine free (internal error)");
    return -1;
  }
  char *req = version
                  ? mg_xasprintf("{\"id\": %ld, \"cmd\": \"version\"}\n", id)
                  : mg_pdf_request(id, root, main_typ, out_pdf);
  int rc = -1;
  for (int attempt = 0; attempt < 2; attempt++) {
    if (w->pid && w->docs >= MG_PDF_RECYCLE)
      worker_stop(w, 0);
    if (w->pid && waitpid(w->pid, &(int){0}, WNOHANG) == w->pid) {
      w->pid = 0; /* died while idle: reaped */
      close(w->fd);
      w->fd = -1;
      mg_buf_free(&w->in);
    }
    if (!w->pid && worker_start(pool, w, what))
      break;
    char *line = NULL;
    size_t len = 0;
    int got = worker_call(pool, w, req, &line, &len);
    if (got == -2) {
      worker_stop(w, 1);
      mg_diag(MG_ERROR, what, 0, 0,
              "the PDF engine did not finish within %d s; stopped it",
              pool->timeout);
      break;
    }
    if (got == -1) {
      worker_stop(w, 1);
      if (attempt == 0)
        continue; /* a fresh worker, once */
      mg_diag(MG_ERROR, what, 0, 0, "the PDF engine stopped unexpectedly");
      break;
    }
    if (!version)
      w->docs++;
    int perr = mg_pdf_parse_reply(line, len, r);
    if (perr || r->id != id) {
      if (!perr)
        mg_pdf_reply_free(r);
      mg_diag(MG_ERROR, what, 0, 0,
              "the PDF engine answered out of protocol: %.200s", line);
      worker_stop(w, 1);
      free(line);
      break;
    }
    free(line);
    rc = 0;
    break;
  }
  free(req);
  give_back(pool, w);
  return rc;
}

const char *mg_pdf_engine_version(mg_pdf_pool *pool) {
  pthread_mutex_lock(&pool->lock);
  int known = pool->version_rc;
  pthread_mutex_unlock(&pool->lock);
  if (known == 1) {
    mg_pdf_reply r;
    char *v = NULL;
    if (ask(pool, NULL, NULL, NULL, 1, &r, "the PDF engine") == 0) {
      if (r.ok && r.version)
        v = mg_xstrdup(r.version);
      else
        mg_diag(MG_ERROR, "the PDF engine", 0, 0, "no version: %s",
                r.ndiag ? r.diag[0].message : "");
      mg_pdf_reply_free(&r);
    }
    pthread_mutex_lock(&pool->lock);
    if (pool->version_rc == 1) {
      pool->version = v;
      pool->version_rc = v ? 0 : -1;
      v = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    free(v);
  }
  return pool->version_rc == 0 ? pool->version : NULL;
}

int mg_pdf_render(mg_pdf_pool *pool, const char *typ, size_t len,
                  const char *out_pdf, const char *what) {
  const char *tmp = getenv("TMPDIR");
  char *dir = mg_xasprintf("%s/manualgen-typst-XXXXXX",
                           tmp && *tmp == '/' ? tmp : "/tmp");
  char *main_typ = NULL;
  int rc = -1;
  if (!mkdtemp(dir)) { /* mode 0700 */
    mg_diag(MG_ERROR, what, 0, 0, "cannot make a folder for the PDF: %s",
            strerror(errno));
    free(dir);
    return -1;
  }
  main_typ = mg_path_join(dir, "main.typ");
  int fd = open(main_typ, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  size_t off = 0;
  while (fd >= 0 && off < len) {
    ssize_t k = write(fd, typ + off, len - off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    off += (size_t)k;
  }
  if (fd < 0 || off < len || close(fd)) {
    mg_diag(MG_ERROR, what, 0, 0, "cannot write the Typst source: %s",
            strerror(errno));
    if (fd >= 0 && off < len)
      close(fd);
    goto done;
  }
  mg_pdf_reply r;
  if (ask(pool, dir, main_typ, out_pdf, 0, &r, what))
    goto done;
  if (r.ok) {
    rc = 0;
  } else {
    int said = 0;
    for (size_t i = 0; i < r.ndiag; i++) {
      if (r.diag[i].warning && (said || i + 1 < r.ndiag))
        continue;
      said = 1;
      if (r.diag[i].line > 0)
        mg_diag(MG_ERROR, what, 0, 0,
                "typst: %s (line %d, column %d of the Typst source)",
                r.diag[i].message, r.diag[i].line, r.diag[i].col);
      else
        mg_diag(MG_ERROR, what, 0, 0, "typst: %s", r.diag[i].message);
    }
    unlink(out_pdf); /* nothing half-written */
  }
  mg_pdf_reply_free(&r);
done:
  if (main_typ)
    unlink(main_typ);
  rmdir(dir);
  free(main_typ);
  free(dir);
  return rc;
}

pid_t mg_pdf_pool_worker_pid(mg_pdf_pool *pool, size_t i) {
  return i < pool->n ? pool->w[i].pid : 0;
}

char *mg_pdf_make(mg_pdf_pool *pool, const char *typ, size_t len,
                  size_t *pdf_len, const char *what) {
  const char *tmp = getenv("TMPDIR");
  char *dir = mg_xasprintf("%s/manualgen-pdf-XXXXXX",
                           tmp && *tmp == '/' ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    mg_diag(MG_ERROR, what, 0, 0, "cannot make a folder for the PDF: %s",
            strerror(errno));
    free(dir);
    return NULL;
  }
  char *out = mg_path_join(dir, "out.pdf");
  char *pdf = NULL;
  if (mg_pdf_render(pool, typ, len, out, what) == 0) {
    pdf = mg_read_file(out, pdf_len);
    if (!pdf)
      mg_diag(MG_ERROR, what, 0, 0, "cannot read the PDF made: %s",
              mg_read_error());
  }
  unlink(out);
  rmdir(dir);
  free(out);
  free(dir);
  return pdf;
}
