/* rctr - the command line: one handler per subcommand.  Only cmd/ prints. */
#ifndef RCTR_CMD_H
#define RCTR_CMD_H

#include <stdbool.h>

#include "core/error.h"

struct rctr_global_args
{
  const char *argv0;
};

/* A handler returns the exit status; with *ERR set, main prints it first
   (and a status of 0 becomes 125). */
typedef int (*rctr_cmd_fn) (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err);

int rctr_cmd_run (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err);
int rctr_cmd_images (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err);
int rctr_cmd_rmi (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err);

/* Print "rctr: TEXT" on stderr. */
void rctr_print_line (const char *prefix, const char *text);

/* Turn getopt_long's '?' or ':' (C) for ARGV into a one-line error; CMD is
   the command's name, NULL for rctr's own options. */
int rctr_unknown_option (const char *cmd, int c, int argc, char **argv, rctr_error_t *err);

#endif
