/* rctr - `rctr images`: what the store holds.  */
#include <config.h>

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/util.h"
#include "image/image.h"

static const char usage[] = "Usage: rctr images [-q]\n"
                            "\n"
                            "List the images in the store: id (the archive's SHA-256), when it was\n"
                            "unpacked, its number of entries, the owners it could keep (ids:\n"
                            "\"subordinate\" with a subordinate id range, \"single\" without one, when\n"
                            "every file became root's, \"all\" as root) and the archive it came from.\n"
                            "\n"
                            "  -q, --quiet   print the full ids only\n"
                            "  -h, --help    print this help\n";

int
rctr_cmd_images (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err)
{
  static const struct option options[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct rctr_store store = { -1, NULL };
  struct rctr_image_info *infos = NULL;
  cleanup_free char *path = NULL;
  bool quiet = false;
  size_t n = 0, i;
  int c, status = 125;

  (void) g;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+:qh", options, NULL)) != -1)
    switch (c)
      {
      case 'q':
        quiet = true;
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      default:
        rctr_unknown_option ("images", c, argc, argv, err);
        return 125;
      }
  if (optind < argc)
    {
      rctr_make_error (err, 0, "images: unexpected argument `%s`", argv[optind]);
      return 125;
    }
  if (rctr_store_default_path (&path, err) < 0 || rctr_store_open (&store, path, false, err) < 0
      || rctr_image_list (&store, &infos, &n, err) < 0)
    goto out;
  if (!quiet)
    printf ("%-12s  %-19s  %8s  %-11s  %s\n", "IMAGE ID", "UNPACKED", "ENTRIES", "IDS", "SOURCE");
  for (i = 0; i < n; i++)
    {
      char when[32] = "-";
      time_t t = (time_t) infos[i].imported;
      struct tm tm;

      if (quiet)
        {
          printf ("%s\n", infos[i].digest);
          continue;
        }
      if (t > 0 && localtime_r (&t, &tm))
        strftime (when, sizeof (when), "%Y-%m-%d %H:%M:%S", &tm);
      printf ("%.12s  %-19s  %8" PRIu64 "  %-11s  %s\n", infos[i].digest, when, infos[i].entries,
              infos[i].ids ? infos[i].ids : "-", infos[i].source ? infos[i].source : "-");
    }
  status = 0;
out:
  rctr_image_info_free (infos, n);
  rctr_store_close (&store);
  return status;
}
