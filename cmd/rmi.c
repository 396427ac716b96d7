/* rctr - `rctr rmi`: remove images from the store.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/util.h"
#include "image/image.h"

static const char usage[] = "Usage: rctr rmi [-a] [IMAGE...]\n"
                            "\n"
                            "Remove images from the store.  IMAGE is an image archive (the image\n"
                            "unpacked from it) or an image id of at least 4 hex digits (see\n"
                            "`rctr images`).  An image a running container uses is not removed.\n"
                            "\n"
                            "  -a, --all     remove every image\n"
                            "  -h, --help    print this help\n";

/* ARG names an archive file: its digest, from the index or by hashing. */
static int
digest_of_file (struct rctr_store *store, const char *arg, char digest[RCTR_DIGEST_HEX_LEN + 1],
                rctr_error_t *err)
{
  cleanup_close int fd = open (arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return rctr_make_error (err, errno, "rmi: `%s`", arg);
  if (rctr_store_index_get (store, &st, digest))
    return 0;
  return rctr_sha256_fd (fd, arg, digest, err);
}

static int
remove_one (struct rctr_store *store, struct rctr_userns_plan *plan, const char *arg, rctr_error_t *err)
{
  char digest[RCTR_DIGEST_HEX_LEN + 1];
  struct stat st;

  if (stat (arg, &st) == 0 && S_ISREG (st.st_mode))
    {
      if (digest_of_file (store, arg, digest, err) < 0)
        return -1;
    }
  else if (rctr_image_find (store, arg, digest, err) < 0)
    return rctr_error_wrap (err, "rmi");
  if (rctr_image_remove (store, digest, plan, err) < 0)
    return rctr_error_wrap (err, "rmi %s", arg);
  printf ("%s\n", digest);
  return 0;
}

int
rctr_cmd_rmi (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err)
{
  static const struct option options[] = {
    { "all", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct rctr_store store = { -1, NULL };
  struct rctr_userns_plan plan;
  struct rctr_image_info *infos = NULL;
  cleanup_free char *path = NULL;
  cleanup_free char *run_dir = NULL;
  bool all = false;
  size_t n = 0, i;
  int c, status = 125;

  (void) g;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+:ah", options, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      default:
        rctr_unknown_option ("rmi", c, argc, argv, err);
        return 125;
      }
  if (!all && optind >= argc)
    {
      rctr_make_error (err, 0, "rmi: no image given (rctr rmi IMAGE... or rctr rmi --all)");
      return 125;
    }
  if (rctr_userns_plan_init (&plan, RCTR_USERNS_AUTO, NULL, NULL, err) < 0)
    return 125;
  if (rctr_store_default_path (&path, err) < 0 || rctr_store_open (&store, path, false, err) < 0)
    goto out;
  run_dir = rctr_store_run_dir (&store);
  plan.run_dir = run_dir;
  if (store.dirfd < 0)
    {
      if (!all)
        rctr_make_error (err, 0, "rmi: the store `%s` holds no images", path);
      status = all ? 0 : 125;
      goto out;
    }
  if (all && rctr_image_list (&store, &infos, &n, err) < 0)
    goto out;
  for (i = 0; i < n; i++)
    if (remove_one (&store, &plan, infos[i].digest, err) < 0)
      goto out;
  for (i = (size_t) optind; i < (size_t) argc; i++)
    if (remove_one (&store, &plan, argv[i], err) < 0)
      goto out;
  status = 0;
out:
  rctr_image_info_free (infos, n);
  rctr_store_close (&store);
  rctr_userns_plan_release (&plan);
  return status;
}
