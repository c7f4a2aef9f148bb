/* fuzz_cli.c -- libFuzzer harness for the command line (cli.c).
 *
 * The input is split at NUL bytes into arguments (at most 32) after the
 * program's name, and parsed as main() would: mg_cli_parse touches no
 * file and prints nothing, so any argv can be thrown at it. What it
 * accepts must keep its contract: a known command, only the options that
 * command takes, store ids that cannot leave the output folder, no store
 * twice, and a message for every usage error.
 *
 *   make fuzz FUZZ=cli
 */
#include "fuzz.h"

#define MAX_ARGS 33

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  if (!buf)
    abort();
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[MAX_ARGS + 1];
  int argc = 0;
  argv[argc++] = "manualgen";
  for (size_t i = 0; i <= size && argc < MAX_ARGS;) {
    argv[argc++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  argv[argc] = NULL;
  mg_cli c;
  int rc = mg_cli_parse(argc, argv, &c);
  if (rc == 2 && (!c.error || !*c.error))
    abort();
  if (rc == -1 && !c.help && !c.version)
    abort();
  if (rc == 0) {
    if (!c.cmd || !c.content || c.error)
      abort();
    if (c.cmd->arg == 2 && !mg_is_id(c.arg))
      abort(); /* a store id names an output folder */
    if (c.cmd->arg && !c.arg)
      abort();
    int major, minor; /* a release is named by a version, always */
    if ((c.cmd->arg == 5 || c.cmd->arg == 6) &&
        mg_version_parse(c.arg, &major, &minor))
      abort();
    if (c.cmd->arg == 6 &&
        (!c.arg2 ||
         (strcmp(c.arg2, "draft") && mg_version_parse(c.arg2, &major, &minor))))
      abort();
    if (c.release && strcmp(c.release, "draft") &&
        mg_version_parse(c.release, &major, &minor))
      abort();
    if (c.date && !mg_date_ok(c.date))
      abort();
    if (c.nstores > 1 &&
        (c.cmd->kind == MG_CMD_RENDER || c.cmd->kind == MG_CMD_DIFF))
      abort();
    for (size_t i = 0; i < c.nstores; i++) {
      if (!mg_is_id(c.stores[i]))
        abort();
      for (size_t k = 0; k < i; k++)
        if (!strcmp(c.stores[i], c.stores[k]))
          abort();
    }
    if (c.jobs < 0 || c.jobs > 256)
      abort();
  }
  if (rc != 0 && rc != -1 && rc != 2)
    abort();
  mg_cli_free(&c);
  free(buf);
  return 0;
}
