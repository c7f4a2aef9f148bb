/* replay.c -- runs a harness over saved inputs, without libFuzzer.
 *
 *   replay_<name> [--fork] [--timeout=SECONDS] FILE|FOLDER...
 *
 * Like libFuzzer's StandaloneFuzzTargetMain: calls LLVMFuzzerTestOneInput
 * once per file, the files of a folder in sorted order (so that a run is
 * repeatable), each in a buffer of exactly its size. Linked with gcc's
 * sanitizers for the tests (tests/run, suite "fuzz") and with clang's
 * coverage instrumentation for `make fuzz-coverage`.
 *
 * By default every input runs in this process, and the first crash or
 * sanitizer report ends it (the file is then named on standard error).
 * With --fork, the harness is set up once here (with an empty input) and
 * each input runs in a child process, so that every failing input is
 * found and named, and an input that runs longer than --timeout (default
 * 60 s) is stopped and counted as failed.
 *
 * Exit status: 0 when every input ran cleanly, 1 when an input failed
 * (--fork) or a file could not be read, 2 on bad usage; without --fork, a
 * crash exits with the sanitizers' status. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../generator/manualgen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sanitizers call this after their report (weak: absent without
 * them). */
void __sanitizer_set_death_callback(void (*callback)(void))
    __attribute__((weak));

static const char *current;
static int use_fork;
static unsigned timeout_s = 60;

static void name_current(void) {
  if (current)
    fprintf(stderr, "replay: the input above is %s\n", current);
}

static void run_input(const char *path, const uint8_t *data, size_t len) {
  current = path;
  LLVMFuzzerTestOneInput(data, len);
  current = NULL;
}

/* Runs the input in a child process and waits for it, at most timeout_s
 * seconds. Returns 0 when it exited with status 0, else -1 after naming
 * the input and what happened to it. */
static int run_forked(const char *path, const uint8_t *data, size_t len) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "replay: fork: %s\n", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    alarm(timeout_s);
    run_input(path, data, len);
    exit(0); /* atexit handlers: LeakSanitizer, coverage */
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    fprintf(stderr, "replay: %s: timed out after %u s\n", path, timeout_s);
  else if (WIFSIGNALED(status))
    fprintf(stderr, "replay: %s: killed by signal %d\n", path,
            WTERMSIG(status));
  else
    fprintf(stderr, "replay: %s: exit status %d\n", path, WEXITSTATUS(status));
  return -1;
}

/* Runs one file. Returns 0, or -1 after saying why it failed. */
static int replay_file(const char *path) {
  size_t len;
  char *data = mg_read_file(path, &len);
  if (!data) {
    fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
    return -1;
  }
  /* exactly len bytes, so that a read past the input is caught */
  uint8_t *copy = mg_xmalloc(len);
  memcpy(copy, data, len);
  free(data);
  int rc = 0;
  if (use_fork)
    rc = run_forked(path, copy, len);
  else
    run_input(path, copy, len);
  free(copy);
  return rc;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of a folder (not recursive), in sorted order.
 * Adds the number run to *n. Returns the number of files that failed. */
static int replay_dir(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
    return 1;
  }
  mg_strv names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      mg_strv_push(&names, mg_xstrdup(e->d_name));
  closedir(d);
  if (names.n)
    qsort(names.v, names.n, sizeof *names.v, by_name);
  int failed = 0;
  for (size_t i = 0; i < names.n; i++) {
    char *p = mg_path_join(dir, names.v[i]);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      failed += replay_file(p) != 0;
      ++*n;
    }
    free(p);
  }
  mg_strv_free(&names);
  return failed;
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
    if (!strcmp(argv[i], "--fork"))
      use_fork = 1;
    else if (!strncmp(argv[i], "--timeout=", 10) && atoi(argv[i] + 10) > 0)
      timeout_s = (unsigned)atoi(argv[i] + 10);
    else
      break;
  }
  if (i == argc || !strncmp(argv[i], "--", 2)) {
    fprintf(stderr, "usage: %s [--fork] [--timeout=SECONDS] FILE|FOLDER...\n",
            argv[0]);
    return 2;
  }
  if (__sanitizer_set_death_callback)
    __sanitizer_set_death_callback(name_current);
  if (use_fork) /* set the harness up once, for every child */
    run_input("(an empty input)", (const uint8_t *)"", 0);
  size_t n = 0;
  int failed = 0;
  for (; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      failed += replay_dir(argv[i], &n);
    } else {
      failed += replay_file(argv[i]) != 0;
      n++;
    }
  }
  fprintf(stderr, "replay: %zu inputs, %d failed\n", n, failed);
  return failed ? 1 : 0;
}
