/* serve.c -- `manualgen serve`: a preview of the draft edition on
 * 127.0.0.1, rebuilt on every save.
 *
 * The main thread owns everything that changes: it reads signals from a
 * signalfd, the content and templates folders' changes from inotify, and
 * the standard error of the running build from a pipe, in one poll()
 * loop. Each rebuild is a child process of this same program
 * (`/proc/self/exe build --no-pdf ...`): mg_build keeps process-wide state
 * (the diagnostics, libxml2's globals, its signal handling), and a child
 * is exactly the incremental build an author runs in a terminal. A build
 * publishes its edition whole or not at all, so a failed one leaves the
 * last good pages in place: they stay served, with the failed build's
 * messages, as the terminal showed them, in a panel above them.
 *
 * libmicrohttpd answers requests on its own threads (one a connection):
 * files below the output folder, opened one path component at a time
 * without following a symbolic link; the events stream
 * (/_manualgen/events, Server-Sent Events) that tells pages to reload;
 * and the errors page (/_manualgen/errors). What those threads share with
 * the main thread (the messages, the events) is behind one mutex. The
 * reload script and the panel are put into HTML responses as they are
 * sent; the files on disk stay those of a normal build. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "manualgen.h"

extern char **environ;

/* ------------------------------------------------------------ the URL */

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int mg_serve_path(const char *url, char **rel) {
  *rel = NULL;
  if (!url || url[0] != '/')
    return 400;
  mg_buf b = {0};
  const char *p = url + 1;
  int status = 0;
  while (*p) {
    if (*p == '/') { /* "//": an empty segment */
      status = 400;
      break;
    }
    size_t start = b.len;
    while (*p && *p != '/') {
      unsigned char c = (unsigned char)*p;
      if (c == '%') {
        int h = hexval((unsigned char)p[1]);
        int l = h >= 0 ? hexval((unsigned char)p[2]) : -1;
        if (l < 0) {
          status = 400;
          break;
        }
        c = (unsigned char)(h * 16 + l);
        p += 3;
        if (c == '/') { /* a separator hidden in a segment */
          status = 403;
          break;
        }
      } else {
        p++;
      }
      if (c == '\\') {
        status = 403;
        break;
      }
      if (c < 0x20 || c == 0x7f) { /* NUL (%00) and control characters */
        status = 400;
        break;
      }
      mg_buf_put(&b, &c, 1);
    }
    if (status)
      break;
    const char *seg = b.data + start;
    size_t n = b.len - start;
    if (seg[0] == '.') { /* "." and "..": traversal; others: ours */
      status = n == 1 || (n == 2 && seg[1] == '.') ? 403 : 404;
      break;
    }
    if (*p == '/') {
      mg_buf_put(&b, "/", 1);
      p++;
    }
  }
  if (status) {
    mg_buf_free(&b);
    return status;
  }
  *rel = b.data ? b.data : mg_xstrdup("");
  return 0;
}

/* ------------------------------------------------------ shared state */

#define NEVENTS 64
#define EVENTS_PATH "/_manualgen/events"
#define ERRORS_PATH "/_manualgen/errors"

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stopping;
  unsigned long seq;     /* events so far; the last NEVENTS are kept */
  char *events[NEVENTS]; /* events[i % NEVENTS]: "event: ...\n\n" */
  char *errors;          /* the failed build's messages, or NULL */
  char lang[16];         /* the manual's language, from its pages */
  char *words[3];        /* the panel's words in that language, or NULL */
  const char *out_dir;   /* read-only after start */
  const char *templates_dir;
} server;

/* Appends an event for the events streams and wakes them. Takes the
 * lock. */
static void push_event(server *s, const char *name, const char *data) {
  char *e = mg_xasprintf("event: %s\ndata: %s\n\n", name, data);
  pthread_mutex_lock(&s->mu);
  free(s->events[s->seq % NEVENTS]);
  s->events[s->seq % NEVENTS] = e;
  s->seq++;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

/* ------------------------------------------------------- the words */

/* The panel's few words, in the manual's language (the built pages'
 * <html lang>), from the templates' language strings; the key itself if
 * they could not be read. Under the lock. */
static const char *const word_keys[] = {"preview.errors", "preview.ok",
                                        "preview.title"};

static const char *word(const server *s, int k) {
  return s->words[k] ? s->words[k] : word_keys[k];
}

/* Loads the words of language lang (the lock is not held). */
static void load_words(server *s, const char *lang) {
  xmlDocPtr l10n = mg_l10n_load(s->templates_dir, lang);
  char *w[3];
  for (int k = 0; k < 3; k++)
    w[k] = l10n ? mg_l10n_string(l10n, word_keys[k]) : NULL;
  xmlFreeDoc(l10n);
  pthread_mutex_lock(&s->mu);
  for (int k = 0; k < 3; k++) {
    free(s->words[k]);
    s->words[k] = w[k];
  }
  pthread_mutex_unlock(&s->mu);
}

static void put_escaped(mg_buf *b, const char *t) {
  for (; *t; t++) {
    switch (*t) {
    case '&':
      mg_buf_puts(b, "&amp;");
      break;
    case '<':
      mg_buf_puts(b, "&lt;");
      break;
    case '>':
      mg_buf_puts(b, "&gt;");
      break;
    case '"':
      mg_buf_puts(b, "&quot;");
      break;
    case '\'':
      mg_buf_puts(b, "&#39;");
      break;
    default:
      mg_buf_put(b, t, 1);
    }
  }
}

/* The reload script: reloads when the event names this page's hall (or
 * on every change, on the indexes and the errors page), and when the
 * errors appear or are cleared. */
static const char reload_script[] =
    "<script>/* manualgen serve */(function(){"
    "var p=location.pathname,"
    "m=/^\\/draft\\/stores\\/([a-z0-9-]+)\\//.exec(p),"
    "x=/^\\/((draft\\/)?(index\\.html)?|_manualgen\\/.*)$/.test(p),"
    "e=new EventSource(\"" EVENTS_PATH "\");"
    "function r(){e.close();location.reload();}"
    "e.addEventListener(\"reload\",function(v){var l=v.data.split(\" \");"
    "if(x||l.indexOf(\"*\")>=0||(m&&l.indexOf(m[1])>=0))r();});"
    "e.addEventListener(\"errors\",r);e.addEventListener(\"ok\",r);"
    "})();</script>";

/* The panel of the failed build's messages, under the lock. */
static void put_panel(mg_buf *b, const server *s) {
  if (!s->errors)
    return;
  mg_buf_puts(b, "<div id=\"manualgen-errors\" role=\"alert\" style=\""
                 "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;"
                 "max-height:50vh;overflow:auto;margin:0;padding:.75em 1em;"
                 "background:#fff4f4;color:#700;border-top:3px solid #c00;"
                 "font:14px/1.45 monospace\"><p style=\"margin:0 0 .5em;"
                 "font-weight:bold\">");
  put_escaped(b, word(s, 0));
  mg_buf_puts(b, "</p><pre style=\"margin:0;white-space:pre-wrap\">");
  put_escaped(b, s->errors);
  mg_buf_puts(b, "</pre></div>");
}

/* ---------------------------------------------------------- responses */

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
                                 const char *type, const char *body,
                                 size_t len) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(r, "Allow", "GET, HEAD");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_status(struct MHD_Connection *c, unsigned status) {
  const char *t = status == 400   ? "400 bad request\n"
                  : status == 403 ? "403 forbidden\n"
                  : status == 405 ? "405 method not allowed\n"
                  : status == 503 ? "503 stopping\n"
                                  : "404 not found\n";
  return send_text(c, status, "text/plain; charset=utf-8", t, strlen(t));
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Location", to);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
  MHD_destroy_response(r);
  return ret;
}

static const char *content_type(const char *name) {
  static const char *const types[][2] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".pdf", "application/pdf"},
      {".atom", "application/atom+xml"},
      {".xml", "application/xml"}, /* the feeds: Atom, served as XML */
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"}};
  const char *dot = strrchr(name, '.');
  for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
    if (!strcmp(dot, types[i][0]))
      return types[i][1];
  return "application/octet-stream";
}

/* Opens rel (a checked path, '/'-separated, maybe ending in '/') below
 * the folder dirfd one component at a time, never through a symbolic
 * link. Returns a descriptor, or -1 with errno (ELOOP: a link). */
static int open_beneath(int dirfd, const char *rel) {
  int cur = dup(dirfd);
  const char *p = rel;
  while (cur >= 0 && *p) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *comp = mg_xstrndup(p, n);
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
    if (e)
      flags |= O_DIRECTORY;
    int fd = openat(cur, comp, flags);
    int err = errno;
    struct stat sb; /* O_DIRECTORY says ENOTDIR for a link: say ELOOP */
    if (fd < 0 && fstatat(cur, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(sb.st_mode))
      err = ELOOP;
    free(comp);
    close(cur);
    errno = err;
    cur = fd;
    p = e ? e + 1 : p + n;
  }
  return cur;
}

/* The page of the last build's messages. */
static enum MHD_Result send_errors_page(server *s, struct MHD_Connection *c) {
  mg_buf b = {0};
  pthread_mutex_lock(&s->mu);
  mg_buf_printf(&b,
                "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta "
                "charset=\"utf-8\"><title>",
                s->lang);
  put_escaped(&b, word(s, 2));
  mg_buf_puts(&b, "</title></head><body><h1>");
  put_escaped(&b, word(s, 2));
  mg_buf_puts(&b, "</h1>");
  if (s->errors) {
    mg_buf_puts(&b, "<p>");
    put_escaped(&b, word(s, 0));
    mg_buf_puts(&b, "</p><pre id=\"errors\">");
    put_escaped(&b, s->errors);
    mg_buf_puts(&b, "</pre>");
  } else {
    mg_buf_puts(&b, "<p id=\"no-errors\">");
    put_escaped(&b, word(s, 1));
    mg_buf_puts(&b, "</p>");
  }
  pthread_mutex_unlock(&s->mu);
  mg_buf_puts(&b, reload_script);
  mg_buf_puts(&b, "</body></html>\n");
  enum MHD_Result r =
      send_text(c, 200, "text/html; charset=utf-8", b.data, b.len);
  mg_buf_free(&b);
  return r;
}

/* An HTML page, with the panel (when the last build failed) and the
 * reload script put before its </body>. */
static enum MHD_Result send_page(server *s, struct MHD_Connection *c, int fd) {
  size_t len;
  char *html = mg_read_fd(fd, &len);
  close(fd);
  if (!html)
    return send_status(c, 404);
  const char *body = NULL;
  for (const char *q = html; (q = strstr(q, "</body>")); q++)
    body = q;
  size_t at = body ? (size_t)(body - html) : len;
  mg_buf b = {0};
  mg_buf_reserve(&b, len + 4096);
  mg_buf_put(&b, html, at);
  pthread_mutex_lock(&s->mu);
  put_panel(&b, s);
  pthread_mutex_unlock(&s->mu);
  mg_buf_puts(&b, reload_script);
  mg_buf_put(&b, html + at, len - at);
  free(html);
  enum MHD_Result r =
      send_text(c, 200, "text/html; charset=utf-8", b.data, b.len);
  mg_buf_free(&b);
  return r;
}

static enum MHD_Result send_file(server *s, struct MHD_Connection *c,
                                 const char *url) {
  char *rel;
  int status = mg_serve_path(url, &rel);
  if (status)
    return send_status(c, (unsigned)status);
  int dir = open(s->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = dir >= 0 ? open_beneath(dir, rel) : -1;
  int err = errno;
  struct stat sb = {0}; /* a descriptor that fstat refuses: not regular */
  enum MHD_Result ret;
  if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    size_t n = strlen(rel);
    if (n && rel[n - 1] != '/') { /* so that relative links work */
      close(fd);
      char *to = mg_xasprintf("%s/", url);
      ret = redirect(c, to);
      free(to);
      goto done;
    }
    int idx = openat(fd, "index.html",
                     O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    err = errno;
    close(fd);
    fd = idx;
    if (fd < 0 && !*rel && err == ENOENT &&
        faccessat(dir, "draft/index.html", R_OK, AT_SYMLINK_NOFOLLOW) == 0) {
      ret = redirect(c, "/draft/"); /* no release yet: the draft */
      goto done;
    }
    if (fd >= 0)
      fstat(fd, &sb);
  }
  if (fd < 0 && !*rel && err == ENOENT) {
    ret = redirect(c, ERRORS_PATH); /* no good build yet: why */
  } else if (fd < 0) {
    ret = send_status(c, err == ELOOP || err == EACCES ? 403 : 404);
  } else if (!S_ISREG(sb.st_mode)) {
    close(fd);
    ret = send_status(c, 403);
  } else {
    const char *type = content_type(*rel ? rel : "index.html");
    size_t n = strlen(rel);
    if (n == 0 || rel[n - 1] == '/')
      type = content_type("index.html");
    if (!strncmp(type, "text/html", 9)) {
      ret = send_page(s, c, fd);
    } else {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      struct MHD_Response *r =
          MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
      if (!r) {
        close(fd);
        ret = MHD_NO;
        goto done;
      }
      MHD_add_response_header(r, "Content-Type", type);
      MHD_add_response_header(r, "Cache-Control", "no-store");
      MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
      ret = MHD_queue_response(c, 200, r);
      MHD_destroy_response(r);
    }
  }
done:
  if (dir >= 0)
    close(dir);
  free(rel);
  return ret;
}

/* ------------------------------------------------------------ events */

typedef struct {
  server *s;
  unsigned long next; /* the next event this client gets */
  int hello;
} sse_client;

/* The events stream: an event when there is one, a comment every 15 s
 * to keep the connection open, the end once the server stops. Runs on
 * the connection's own thread, which may wait here. */
static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
  sse_client *c = cls;
  server *s = c->s;
  (void)pos;
  if (!c->hello) {
    static const char hello[] = "retry: 1000\n: manualgen\n\n";
    c->hello = 1;
    if (max < sizeof hello - 1)
      return 0;
    memcpy(buf, hello, sizeof hello - 1);
    return (ssize_t)(sizeof hello - 1);
  }
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 15;
  ssize_t n = 0;
  pthread_mutex_lock(&s->mu);
  while (!s->stopping && c->next == s->seq)
    if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
      break;
  if (s->stopping) {
    n = MHD_CONTENT_READER_END_OF_STREAM;
  } else if (c->next == s->seq) {
    if (max >= 3) {
      memcpy(buf, ":\n\n", 3);
      n = 3;
    }
  } else {
    if (s->seq - c->next > NEVENTS)
      c->next = s->seq - NEVENTS;
    const char *e = s->events[c->next % NEVENTS];
    size_t l = strlen(e);
    if (l <= max) {
      memcpy(buf, e, l);
      n = (ssize_t)l;
      c->next++;
    }
  }
  pthread_mutex_unlock(&s->mu);
  return n;
}

static enum MHD_Result send_events(server *s, struct MHD_Connection *c) {
  sse_client *cl = mg_xcalloc(1, sizeof *cl);
  cl->s = s;
  pthread_mutex_lock(&s->mu);
  cl->next = s->seq; /* what happens from now on */
  int stopping = s->stopping;
  pthread_mutex_unlock(&s->mu);
  if (stopping) {
    free(cl);
    return send_status(c, 503);
  }
  struct MHD_Response *r = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 1024, sse_read, cl, free);
  if (!r) {
    free(cl);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", "text/event-stream");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
  server *s = cls;
  (void)version;
  (void)upload;
  (void)upload_size;
  (void)con_cls;
  if (strcmp(method, "GET") && strcmp(method, "HEAD"))
    return send_status(c, 405);
  if (!strcmp(url, EVENTS_PATH))
    return send_events(s, c);
  if (!strcmp(url, ERRORS_PATH))
    return send_errors_page(s, c);
  return send_file(s, c, url);
}

/* The path is checked by mg_serve_path, which decodes it once: leave it
 * as it came. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

/* ------------------------------------------------------------ builds */

/* Everything that says whether a hall's pages changed: for each hall of
 * the published draft, "ID\n" and its manifest's file lines (the
 * pages' sizes and hashes); the draft's index as "index\n" and its
 * bytes. */
static void snapshot(const char *out_dir, mg_strv *v) {
  char *stores = mg_xasprintf("%s/draft/stores", out_dir);
  DIR *d = opendir(stores);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.' || !mg_is_id(e->d_name))
      continue;
    char *m = mg_xasprintf("%s/%s/.manualgen-build", stores, e->d_name);
    size_t len;
    char *text = mg_read_file(m, &len);
    const char *files = text ? strstr(text, "\nfile ") : NULL;
    mg_strv_push(v, mg_xasprintf("%s\n%s", e->d_name, files ? files : ""));
    free(text);
    free(m);
  }
  if (d)
    closedir(d);
  free(stores);
  char *idx = mg_xasprintf("%s/draft/index.html", out_dir);
  size_t len;
  char *text = mg_read_file(idx, &len);
  mg_strv_push(v, mg_xasprintf("index\n%s", text ? text : ""));
  free(text);
  free(idx);
}

static const char *find_entry(const mg_strv *v, const char *id, size_t n) {
  for (size_t i = 0; i < v->n; i++)
    if (!strncmp(v->v[i], id, n) && v->v[i][n] == '\n')
      return v->v[i];
  return NULL;
}

/* The halls (and "index") whose entry differs between a and b,
 * space-separated, into out. */
static void changed(const mg_strv *a, const mg_strv *b, mg_buf *out) {
  for (int pass = 0; pass < 2; pass++) {
    const mg_strv *x = pass ? b : a, *y = pass ? a : b;
    for (size_t i = 0; i < x->n; i++) {
      size_t n = strcspn(x->v[i], "\n");
      const char *other = find_entry(y, x->v[i], n);
      if (pass && other)
        continue; /* compared in the first pass */
      if (other && !strcmp(other, x->v[i]))
        continue;
      if (out->len)
        mg_buf_puts(out, " ");
      mg_buf_put(out, x->v[i], n);
    }
  }
}

/* The language of the built pages (<html lang="...">), into s->lang. */
static void read_lang(server *s) {
  char *idx = mg_xasprintf("%s/draft/index.html", s->out_dir);
  size_t len;
  char *text = mg_read_file(idx, &len);
  const char *l = text ? strstr(text, "<html lang=\"") : NULL;
  if (l) {
    l += 12;
    size_t n = strcspn(l, "\"");
    pthread_mutex_lock(&s->mu);
    int fresh = n < sizeof s->lang &&
                (strlen(s->lang) != n || memcmp(s->lang, l, n) || !s->words[0]);
    if (n < sizeof s->lang) {
      memcpy(s->lang, l, n);
      s->lang[n] = '\0';
    }
    char lang[sizeof s->lang];
    memcpy(lang, s->lang, sizeof lang);
    pthread_mutex_unlock(&s->mu);
    if (fresh)
      load_words(s, lang);
  }
  free(text);
  free(idx);
}

typedef struct {
  const mg_serve_opts *o;
  pid_t pid;      /* the running build, or 0 */
  int errfd;      /* its standard error */
  mg_buf err;     /* what it said */
  mg_strv before; /* the published draft after the last build */
} builder;

/* Starts `manualgen build --no-pdf` for the preview. 0, or -1 after
 * saying why. */
static int build_start(builder *b) {
  const mg_serve_opts *o = b->o;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    fprintf(stderr, "manualgen: error: cannot start a build: %s\n",
            strerror(errno));
    return -1;
  }
  mg_strv av = {0};
  const char *fixed[] = {"manualgen",    "build",          "--content",
                         o->content_dir, "--out",          o->out_dir,
                         "--templates",  o->templates_dir, "--no-pdf"};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    mg_strv_push(&av, mg_xstrdup(fixed[i]));
  for (size_t i = 0; i < o->nstores; i++) {
    mg_strv_push(&av, mg_xstrdup("--store"));
    mg_strv_push(&av, mg_xstrdup(o->stores[i]));
  }
  mg_strv_push(&av, NULL);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 2);
  posix_spawnattr_init(&at);
  sigset_t none, dfl;
  sigemptyset(&none);
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGINT);
  sigaddset(&dfl, SIGTERM);
  sigaddset(&dfl, SIGHUP);
  sigaddset(&dfl, SIGPIPE);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &dfl);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int rc = posix_spawn(&b->pid, "/proc/self/exe", &fa, &at, av.v, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  mg_strv_free(&av);
  close(p[1]);
  if (rc != 0) {
    close(p[0]);
    b->pid = 0;
    fprintf(stderr, "manualgen: error: cannot start a build: %s\n",
            strerror(rc));
    return -1;
  }
  b->errfd = p[0];
  b->err.len = 0;
  if (b->err.data)
    b->err.data[0] = '\0';
  return 0;
}

/* The build ended (its standard error is closed): its status, what it
 * means for the pages, the events. */
static void build_end(builder *b, server *s) {
  int st = 0;
  while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
    ;
  close(b->errfd);
  b->errfd = -1;
  b->pid = 0;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
    mg_strv after = {0};
    snapshot(s->out_dir, &after);
    mg_buf halls = {0};
    changed(&b->before, &after, &halls);
    mg_strv_free(&b->before);
    b->before = after;
    read_lang(s);
    pthread_mutex_lock(&s->mu);
    int had = s->errors != NULL;
    free(s->errors);
    s->errors = NULL;
    pthread_mutex_unlock(&s->mu);
    if (halls.len)
      push_event(s, "reload", halls.len > 2000 ? "*" : halls.data);
    if (had)
      push_event(s, "ok", "0");
    mg_buf_free(&halls);
    return;
  }
  char *text;
  if (b->err.len)
    text = mg_xstrdup(b->err.data);
  else if (WIFEXITED(st))
    text = mg_xasprintf("the build ended with status %d\n", WEXITSTATUS(st));
  else
    text = mg_xasprintf("the build was stopped by signal %d\n",
                        WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  size_t lines = 0;
  for (const char *q = text; *q; q++)
    lines += *q == '\n';
  pthread_mutex_lock(&s->mu);
  free(s->errors);
  s->errors = text;
  pthread_mutex_unlock(&s->mu);
  char n[32];
  snprintf(n, sizeof n, "%zu", lines);
  push_event(s, "errors", n);
}

/* Stops a running build: SIGTERM (it removes its staging folder), then
 * SIGKILL after 5 s. */
static void build_stop(builder *b) {
  if (!b->pid)
    return;
  kill(b->pid, SIGTERM);
  int st;
  for (int i = 0; i < 100; i++) {
    if (waitpid(b->pid, &st, WNOHANG) == b->pid) {
      b->pid = 0;
      break;
    }
    poll(NULL, 0, 50);
  }
  if (b->pid) {
    kill(b->pid, SIGKILL);
    waitpid(b->pid, &st, 0);
    b->pid = 0;
  }
  close(b->errfd);
  b->errfd = -1;
}

/* ----------------------------------------------------------- watches */

typedef struct {
  int fd;
  mg_strv dirs; /* dirs.v[wd]: the watched folder (NULL: none) */
  dev_t out_dev;
  ino_t out_ino;
  int have_out;
} watcher;

static int is_out(watcher *w, const char *path, const char *out_dir) {
  struct stat a, b;
  if (!w->have_out && stat(out_dir, &b) == 0) {
    w->out_dev = b.st_dev;
    w->out_ino = b.st_ino;
    w->have_out = 1;
  }
  return w->have_out && stat(path, &a) == 0 && a.st_dev == w->out_dev &&
         a.st_ino == w->out_ino;
}

#define WATCH_MASK                                                             \
  (IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM |        \
   IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |      \
   IN_DONT_FOLLOW)

/* Watches dir and every folder below it but the output folder and
 * hidden ones (.git). */
static void watch_tree(watcher *w, const char *dir, const char *out_dir,
                       int depth) {
  if (depth > 32 || is_out(w, dir, out_dir))
    return;
  int wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
  if (wd < 0)
    return;
  while (w->dirs.n <= (size_t)wd)
    mg_strv_push(&w->dirs, NULL);
  free(w->dirs.v[wd]);
  w->dirs.v[wd] = mg_xstrdup(dir);
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    char *sub = mg_path_join(dir, e->d_name);
    struct stat sb;
    if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
      watch_tree(w, sub, out_dir, depth + 1);
    free(sub);
  }
  if (d)
    closedir(d);
}

/* Reads the pending inotify events. Returns 1 when one of them may
 * change the build (new folders are watched on the way). */
static int watch_read(watcher *w, const char *out_dir) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  int relevant = 0;
  for (;;) {
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n <= 0)
      break;
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *e = (struct inotify_event *)p;
      p += sizeof *e + e->len;
      if (e->mask & IN_Q_OVERFLOW) {
        relevant = 1;
        continue;
      }
      const char *dir =
          e->wd >= 0 && (size_t)e->wd < w->dirs.n ? w->dirs.v[e->wd] : NULL;
      if (e->mask & IN_IGNORED) {
        if (dir) {
          free(w->dirs.v[e->wd]);
          w->dirs.v[e->wd] = NULL;
        }
        continue;
      }
      if (!dir)
        continue;
      if (!e->len) { /* the folder itself was moved or deleted */
        relevant = 1;
        continue;
      }
      if (e->name[0] == '.') /* editors' swap files, our own dot files */
        continue;
      char *path = mg_path_join(dir, e->name);
      if (is_out(w, path, out_dir)) {
        free(path);
        continue;
      }
      if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)))
        watch_tree(w, path, out_dir, 0);
      free(path);
      relevant = 1;
    }
  }
  return relevant;
}

/* -------------------------------------------------------------- serve */

int mg_serve(const mg_serve_opts *o) {
  sigset_t sigs, old;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGHUP);
  /* blocked before libmicrohttpd starts its threads, which inherit it */
  pthread_sigmask(SIG_BLOCK, &sigs, &old);
  signal(SIGPIPE, SIG_IGN);
  int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

  server s = {
      .out_dir = o->out_dir, .templates_dir = o->templates_dir, .lang = "en"};
  pthread_mutex_init(&s.mu, NULL);
  pthread_cond_init(&s.cv, NULL);
  builder b = {.o = o, .errfd = -1};
  watcher w = {.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)};
  int rc = 1;
  struct MHD_Daemon *d = NULL;
  if (sfd < 0 || w.fd < 0) {
    fprintf(stderr, "manualgen: error: cannot watch for changes: %s\n",
            strerror(errno));
    goto out;
  }
  watch_tree(&w, o->content_dir, o->out_dir, 0);
  watch_tree(&w, o->templates_dir, o->out_dir, 0);

  struct sockaddr_in sin = {0};
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)o->port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  errno = 0;
  d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
                           MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO,
                       0, NULL, NULL, handle, &s, MHD_OPTION_SOCK_ADDR,
                       (struct sockaddr *)&sin, MHD_OPTION_UNESCAPE_CALLBACK,
                       keep_escaped, NULL, MHD_OPTION_CONNECTION_LIMIT,
                       (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT,
                       (unsigned)120, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "manualgen: error: cannot listen on 127.0.0.1:%d%s%s\n",
            o->port, errno ? ": " : "", errno ? strerror(errno) : "");
    goto out;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = info ? info->port : (unsigned)o->port;

  snapshot(o->out_dir, &b.before);
  if (build_start(&b) != 0)
    goto out;
  int announced = 0, dirty = 0, pending = 0;
  double first = 0, due = 0;
  for (;;) {
    struct pollfd fds[3] = {{sfd, POLLIN, 0}, {w.fd, POLLIN, 0}, {-1, 0, 0}};
    if (b.pid) {
      fds[2].fd = b.errfd;
      fds[2].events = POLLIN;
    }
    int timeout = -1;
    if (dirty) {
      double left = due - mg_now();
      timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
    }
    int n = poll(fds, 3, timeout);
    if (n < 0 && errno != EINTR)
      break;
    if (n > 0 && (fds[0].revents & POLLIN)) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        fprintf(stderr, "\nmanualgen: %s: preview stopped\n",
                strsignal((int)si.ssi_signo));
        rc = 0;
        break;
      }
    }
    if (n > 0 && (fds[1].revents & POLLIN) && watch_read(&w, o->out_dir)) {
      double now = mg_now();
      if (!dirty)
        first = now;
      dirty = 1;
      /* a burst (an editor's temporary file, then a rename) is one
       * change: 100 ms of quiet, or 1 s at most */
      due = now + 0.1 < first + 1.0 ? now + 0.1 : first + 1.0;
    }
    if (n > 0 && b.pid && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[4096];
      ssize_t r = read(b.errfd, buf, sizeof buf);
      if (r > 0) {
        mg_buf_put(&b.err, buf, (size_t)r);
        mg_write_all(2, buf, (size_t)r); /* the terminal sees it too */
      } else if (r == 0 || errno != EINTR) {
        build_end(&b, &s);
        if (!announced) {
          size_t l = strlen(o->content_dir);
          fprintf(stderr,
                  "serving http://127.0.0.1:%u/ (draft of %s%s, Ctrl-C "
                  "stops)\n",
                  port, o->content_dir,
                  l && o->content_dir[l - 1] == '/' ? "" : "/");
          announced = 1;
        }
        if (pending) {
          pending = 0;
          build_start(&b);
        }
      }
    }
    if (dirty && mg_now() >= due) {
      dirty = 0;
      if (b.pid)
        pending = 1; /* one more build once this one ends */
      else
        build_start(&b);
    }
  }

out:
  build_stop(&b);
  pthread_mutex_lock(&s.mu);
  s.stopping = 1;
  pthread_cond_broadcast(&s.cv);
  pthread_mutex_unlock(&s.mu);
  if (d)
    MHD_stop_daemon(d);
  if (w.fd >= 0)
    close(w.fd); /* removes the watches */
  if (sfd >= 0)
    close(sfd);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  for (size_t i = 0; i < w.dirs.n; i++)
    free(w.dirs.v[i]);
  free(w.dirs.v);
  mg_strv_free(&b.before);
  mg_buf_free(&b.err);
  for (size_t i = 0; i < NEVENTS; i++)
    free(s.events[i]);
  free(s.errors);
  for (int k = 0; k < 3; k++)
    free(s.words[k]);
  pthread_cond_destroy(&s.cv);
  pthread_mutex_destroy(&s.mu);
  return rc;
}
