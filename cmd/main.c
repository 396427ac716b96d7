/* rctr - rootless containers: main, global options and dispatch.  */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/util.h"

static const struct
{
  const char *name;
  rctr_cmd_fn fn;
  const char *summary;
} commands[] = {
  { "run", rctr_cmd_run, "run a command in a new container from an image archive" },
  { "images", rctr_cmd_images, "list the images in the store" },
  { "rmi", rctr_cmd_rmi, "remove images from the store" },
};

static void
usage (FILE *out)
{
  size_t i;

  fprintf (out, "Usage: rctr [--help] [--version] COMMAND [OPTIONS] [ARG...]\n\n"
                "Rootless containers: no root, no daemon, no /etc/subuid entry needed.\n\nCommands:\n");
  for (i = 0; i < sizeof (commands) / sizeof (commands[0]); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun `rctr COMMAND --help` for a command's options; see rctr(1).\n");
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  struct rctr_global_args g = { argv[0] };
  rctr_error_t err = NULL;
  size_t i;
  int c, status;

  rctr_proctitle_init (argc, argv);
  opterr = 0;
  /* "+": stop at the command, whose options are its own.  */
  while ((c = getopt_long (argc, argv, "+:hV", options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        usage (stdout);
        return 0;
      case 'V':
        printf ("rctr %s\n", PACKAGE_VERSION);
        return 0;
      default:
        rctr_unknown_option (NULL, c, argc, argv, &err);
        rctr_print_line ("", err->msg);
        return 125;
      }
  if (optind >= argc)
    {
      usage (stderr);
      return 125;
    }
  for (i = 0; i < sizeof (commands) / sizeof (commands[0]); i++)
    if (strcmp (argv[optind], commands[i].name) == 0)
      break;
  if (i == sizeof (commands) / sizeof (commands[0]))
    {
      fprintf (stderr, "rctr: unknown command `%s` (see `rctr --help`)\n", argv[optind]);
      return 125;
    }
  argc -= optind;
  argv += optind;
  optind = 0; /* the command's getopt_long starts over */
  status = commands[i].fn (&g, argc, argv, &err);
  if (err)
    {
      rctr_print_line ("", err->msg);
      rctr_error_release (&err);
      if (status == 0)
        status = 125;
    }
  if (fflush (stdout) != 0 || ferror (stdout))
    return status ? status : 125;
  return status;
}
