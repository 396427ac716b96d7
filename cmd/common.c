/* rctr - what the commands share: printing, option errors.  */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

void
rctr_print_line (const char *prefix, const char *text)
{
  fprintf (stderr, "rctr: %s%s\n", prefix, text);
}

int
rctr_unknown_option (const char *cmd, int c, int argc, char **argv, rctr_error_t *err)
{
  const char *arg = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
  const char *what = c == ':' ? "needs an argument" : "is not known";
  const char *sep = cmd ? ": " : "";

  if (cmd == NULL)
    cmd = "";
  /* getopt_long leaves the offending option in ARGV for long options, and
     its letter in OPTOPT for short ones.  */
  if (strncmp (arg, "--", 2) == 0)
    return rctr_make_error (err, 0, "%s%soption `%.*s` %s (see `rctr %s%s--help`)", cmd, sep,
                            (int) strcspn (arg, "="), arg, what, cmd, *cmd ? " " : "");
  if (optopt > 32 && optopt < 127)
    return rctr_make_error (err, 0, "%s%soption `-%c` %s (see `rctr %s%s--help`)", cmd, sep, optopt, what,
                            cmd, *cmd ? " " : "");
  return rctr_make_error (err, 0, "%s%soption `%s` %s (see `rctr %s%s--help`)", cmd, sep, arg, what, cmd,
                          *cmd ? " " : "");
}
