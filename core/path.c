/* rctr - paths inside a root filesystem; see path.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "core/path.h"
#include "core/util.h"

#define MAX_SYMLINKS 40 /* as the kernel's own limit */

char *
rctr_path_clean (const char *path)
{
  size_t len = strlen (path);
  char *out = xmalloc (len + 1);
  size_t o = 0;
  const char *p = path;

  while (*p)
    {
      const char *start, *end;
      size_t n;

      while (*p == '/')
        p++;
      start = p;
      while (*p && *p != '/')
        p++;
      end = p;
      n = (size_t) (end - start);
      if (n == 0 || (n == 1 && start[0] == '.'))
        continue;
      if (n == 2 && start[0] == '.' && start[1] == '.')
        {
          /* Drop the last component written; at the root, ".." is the root.  */
          while (o > 0 && out[o - 1] != '/')
            o--;
          if (o > 0)
            o--;
          continue;
        }
      if (o > 0)
        out[o++] = '/';
      memcpy (out + o, start, n);
      o += n;
    }
  out[o] = '\0';
  return out;
}

void
rctr_path_split (const char *clean, char **ret_dir, char **ret_base)
{
  const char *slash = strrchr (clean, '/');

  if (slash == NULL)
    {
      *ret_dir = xstrdup ("");
      *ret_base = xstrdup (clean);
      return;
    }
  *ret_dir = xstrndup (clean, (size_t) (slash - clean));
  *ret_base = xstrdup (slash + 1);
}

static bool force_walk;
static int openat2_state; /* 0 unknown, 1 works, -1 ENOSYS */

void
rctr_path_force_walk (bool force)
{
  force_walk = force;
}

static int
try_openat2 (int rootfd, const char *path, int flags)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int i, fd = -1;

  /* The kernel answers EAGAIN when a concurrent rename could have let ".."
     escape; trying again is what it asks for.  */
  for (i = 0; i < 16; i++)
    {
      fd = (int) syscall (SYS_openat2, rootfd, *path ? path : ".", &how, sizeof (how));
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
  /* ENOSYS before Linux 5.6; EPERM from the seccomp filter of an enclosing
     container that does not know it: the walk does the same work.  */
  if (fd < 0 && (errno == ENOSYS || (errno == EPERM && openat2_state == 0)))
    openat2_state = -1;
  else
    openat2_state = 1;
  return fd;
#else
  (void) rootfd, (void) path, (void) flags;
  openat2_state = -1;
  errno = ENOSYS;
  return -1;
#endif
}

static bool
same_inode (int a, int b)
{
  struct stat sa, sb;

  if (fstat (a, &sa) < 0 || fstat (b, &sb) < 0)
    return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Replace *CUR with NFD. */
static void
move_to (int *cur, int nfd)
{
  rctr_close_quietly (*cur);
  *cur = nfd;
}

/* The user-space walk: one component at a time, each opened O_NOFOLLOW from
   the directory reached so far; a symlink's text is spliced in front of the
   rest of the path, an absolute one restarting at the root; ".." at the root
   stays there.  */
static int
walk_in_root (int rootfd, const char *path, int flags)
{
  cleanup_free char *todo = xstrdup (path);
  cleanup_close int cur = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char *rest = todo;
  int links = 0;

  if (cur < 0)
    return -1;
  for (;;)
    {
      char comp[NAME_MAX + 1];
      struct stat st;
      char *slash, *next;
      size_t n;
      bool last;
      int fd;

      while (*rest == '/')
        rest++;
      if (*rest == '\0')
        return openat (cur, ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);

      slash = strchr (rest, '/');
      n = slash ? (size_t) (slash - rest) : strlen (rest);
      if (n > NAME_MAX)
        {
          errno = ENAMETOOLONG;
          return -1;
        }
      memcpy (comp, rest, n);
      comp[n] = '\0';
      next = rest + n;
      while (*next == '/')
        next++;
      last = *next == '\0';
      rest = next;

      if (strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          if (!same_inode (cur, rootfd))
            {
              fd = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
              if (fd < 0)
                return -1;
              move_to (&cur, fd);
            }
          continue;
        }

      /* Look before opening: with O_DIRECTORY, opening a symlink with
         O_NOFOLLOW fails with ENOTDIR, which does not say "symlink".  */
      fd = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return -1;
      if (fstat (fd, &st) < 0)
        {
          rctr_close_quietly (fd);
          return -1;
        }
      if (!S_ISLNK (st.st_mode))
        {
          if (!S_ISDIR (st.st_mode) && (!last || (flags & O_DIRECTORY)))
            {
              rctr_close_quietly (fd);
              errno = ENOTDIR;
              return -1;
            }
          if (!last)
            {
              move_to (&cur, fd); /* an O_PATH fd of a directory serves as a dirfd */
              continue;
            }
          if (flags & O_PATH)
            return fd;
          rctr_close_quietly (fd);
          return openat (cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
        }
      if (last && (flags & O_NOFOLLOW))
        {
          if ((flags & O_PATH) && !(flags & O_DIRECTORY))
            return fd;
          rctr_close_quietly (fd);
          errno = ELOOP;
          return -1;
        }
      rctr_close_quietly (fd);

      /* COMP is a symlink: splice its target in front of the rest.  */
      {
        char target[PATH_MAX];
        ssize_t tl;
        char *spliced;

        if (++links > MAX_SYMLINKS)
          {
            errno = ELOOP;
            return -1;
          }
        tl = readlinkat (cur, comp, target, sizeof (target) - 1);
        if (tl < 0)
          return -1;
        target[tl] = '\0';
        if (target[0] == '/')
          {
            fd = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0)
              return -1;
            move_to (&cur, fd);
          }
        spliced = xasprintf ("%s/%s", target, rest);
        free (todo);
        todo = spliced;
        rest = todo;
      }
    }
}

static int
open_in_root_raw (int rootfd, const char *path, int flags)
{
  if (!force_walk && openat2_state >= 0)
    {
      int fd = try_openat2 (rootfd, path, flags);

      if (fd >= 0 || openat2_state > 0)
        return fd;
    }
  return walk_in_root (rootfd, path, flags);
}

/* PATH as the container would name it, for messages. */
static const char *
shown (const char *path)
{
  while (*path == '/')
    path++;
  return path;
}

int
rctr_open_in_root (int rootfd, const char *path, int flags, rctr_error_t *err)
{
  int fd;

  if (flags & O_CREAT)
    return rctr_make_error (err, EINVAL, "open `/%s` in the root: O_CREAT is not supported here",
                            shown (path));
  fd = open_in_root_raw (rootfd, path, flags);
  if (fd < 0)
    return rctr_make_error (err, errno, "open `/%s` in the root", shown (path));
  return fd;
}

/* A dangling symlink at the cleaned prefix CLEAN of a longer path (REST is
   what follows it): the path it stands for, with REST appended, as mkdir -p
   in a chroot would go on.  NULL when CLEAN is not a symlink. */
static char *
splice_dangling (int rootfd, const char *clean, const char *rest)
{
  cleanup_free char *dir = NULL;
  cleanup_free char *base = NULL;
  cleanup_close int parent = -1;
  char target[PATH_MAX];
  ssize_t n;

  rctr_path_split (clean, &dir, &base);
  parent = open_in_root_raw (rootfd, dir, O_PATH | O_DIRECTORY);
  if (parent < 0)
    return NULL;
  n = readlinkat (parent, base, target, sizeof (target) - 1);
  if (n <= 0)
    return NULL;
  target[n] = '\0';
  if (target[0] == '/')
    return xasprintf ("%s/%s", target, rest);
  return xasprintf ("%s/%s/%s", dir, target, rest);
}

static int
mkdir_p (int rootfd, const char *path, mode_t mode, int depth, rctr_error_t *err)
{
  cleanup_free char *clean = rctr_path_clean (path);
  char *p;
  int fd;

  fd = open_in_root_raw (rootfd, clean, O_PATH | O_DIRECTORY);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return rctr_make_error (err, errno, "open directory `/%s` in the root", clean);

  /* Create the missing components one by one, each parent resolved anew in
     the root so that a symlink met on the way is followed inside it.  */
  p = clean;
  for (;;)
    {
      char *slash = strchr (p, '/');
      cleanup_free char *dir = NULL;
      cleanup_free char *base = NULL;
      cleanup_close int parent = -1;

      if (slash)
        *slash = '\0';
      fd = open_in_root_raw (rootfd, clean, O_PATH | O_DIRECTORY);
      if (fd < 0 && errno == ENOENT)
        {
          rctr_path_split (clean, &dir, &base);
          parent = open_in_root_raw (rootfd, dir, O_PATH | O_DIRECTORY);
          if (parent < 0)
            return rctr_make_error (err, errno, "open directory `/%s` in the root", dir);
          if (mkdirat (parent, base, mode) < 0 && errno != EEXIST)
            return rctr_make_error (err, errno, "create directory `/%s` in the root", clean);
          fd = open_in_root_raw (rootfd, clean, O_PATH | O_DIRECTORY);
        }
      if (fd < 0 && errno == ENOENT)
        {
          /* A symlink to a place that does not exist yet: make that place,
             inside the root.  */
          cleanup_free char *spliced = splice_dangling (rootfd, clean, slash ? slash + 1 : "");

          if (spliced == NULL || depth >= MAX_SYMLINKS)
            return rctr_make_error (err, spliced ? ELOOP : ENOENT, "create directory `/%s` in the root",
                                    clean);
          return mkdir_p (rootfd, spliced, mode, depth + 1, err);
        }
      if (fd < 0)
        return rctr_make_error (err, errno, "open directory `/%s` in the root", clean);
      if (slash == NULL)
        return fd;
      rctr_close_quietly (fd);
      *slash = '/';
      p = slash + 1;
    }
}

int
rctr_mkdir_p_in_root (int rootfd, const char *path, mode_t mode, rctr_error_t *err)
{
  return mkdir_p (rootfd, path, mode, 0, err);
}
