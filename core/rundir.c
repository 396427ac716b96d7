/* rctr - the per-user runtime directory; see rundir.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rundir.h"
#include "core/util.h"

int
rctr_private_dir_open (int dirfd, const char *name, const char *display, rctr_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (mkdirat (dirfd, name, 0700) < 0 && errno != EEXIST)
    return rctr_make_error (err, errno, "create directory `%s`", display);
  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
    return rctr_make_error (err, 0,
                            "`%s` is a symlink or not a directory: refusing it (someone else may have "
                            "made it)",
                            display);
  if (fd < 0)
    return rctr_make_error (err, errno, "open directory `%s`", display);
  if (fstat (fd, &st) < 0)
    return rctr_make_error (err, errno, "stat `%s`", display);
  if (st.st_uid != geteuid ())
    return rctr_make_error (err, 0, "`%s` belongs to uid %u, not to uid %u: refusing it", display,
                            (unsigned) st.st_uid, (unsigned) geteuid ());
  if (st.st_mode & 077)
    return rctr_make_error (err, 0, "`%s` is open to other users (mode %04o): refusing it", display,
                            (unsigned) (st.st_mode & 07777));
  return TAKE_FD (fd);
}

/* Open the absolute PATH, each component from the root down: the ones that
   exist are followed as they are (they are the user's own path), the
   missing ones made 0700; the last one must pass rctr_private_dir_open.  */
static int
private_path_open (const char *path, rctr_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int cur = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *p = copy + 1, *slash;

  if (cur < 0)
    return rctr_make_error (err, errno, "open /");
  while ((slash = strchr (p, '/')) != NULL)
    {
      int next;

      *slash = '\0';
      if (*p && mkdirat (cur, p, 0700) < 0 && errno != EEXIST)
        return rctr_make_error (err, errno, "create directory `%s`", copy);
      next = *p ? openat (cur, p, O_PATH | O_DIRECTORY | O_CLOEXEC) : dup (cur);
      if (next < 0)
        return rctr_make_error (err, errno, "open directory `%s`", copy);
      rctr_close_quietly (cur);
      cur = next;
      *slash = '/';
      p = slash + 1;
    }
  return rctr_private_dir_open (cur, p, path, err);
}

int
rctr_runtime_dir_open (const char *fallback, rctr_error_t *err)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  cleanup_close int base = -1;

  if (xdg && xdg[0] == '/')
    {
      struct stat st;

      base = open (xdg, O_PATH | O_DIRECTORY | O_CLOEXEC);
      /* $XDG_RUNTIME_DIR may be inherited from another user (su without -l). */
      if (base >= 0 && fstat (base, &st) == 0 && st.st_uid == geteuid ())
        {
          cleanup_free char *display = xasprintf ("%s/rctr", xdg);

          return rctr_private_dir_open (base, "rctr", display, err);
        }
      rctr_close_quietly (TAKE_FD (base));
    }
  if (fallback == NULL || fallback[0] != '/')
    return rctr_make_error (err, 0, "no runtime directory: set XDG_RUNTIME_DIR");
  return private_path_open (fallback, err);
}
