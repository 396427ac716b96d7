/* rctr - the per-user image store; see store.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/rundir.h"
#include "core/util.h"
#include "image/store.h"

static const char *const subdirs[] = { "images", "index", "locks", "tmp" };

int
rctr_store_default_path (char **ret, rctr_error_t *err)
{
  const char *env = getenv ("RCTR_STORE");
  const char *home;

  if (env && *env)
    {
      if (env[0] != '/')
        return rctr_make_error (err, 0, "RCTR_STORE=%s: not an absolute path", env);
      *ret = xstrdup (env);
      return 0;
    }
  env = getenv ("XDG_DATA_HOME");
  if (env && env[0] == '/')
    {
      *ret = xasprintf ("%s/rctr", env);
      return 0;
    }
  home = getenv ("HOME");
  if (home == NULL || home[0] != '/')
    {
      struct passwd *pw = getpwuid (getuid ());

      home = pw ? pw->pw_dir : NULL;
    }
  if (home == NULL || home[0] != '/')
    return rctr_make_error (err, 0, "no store: set RCTR_STORE, XDG_DATA_HOME or HOME");
  *ret = xasprintf ("%s/.local/share/rctr", home);
  return 0;
}

/* mkdir -p for the store's own path (a path of the user's, not of an
   image): parents are made 0700 as XDG asks. */
static int
make_parents (const char *path, rctr_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  char *p;

  for (p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, 0700) < 0 && errno != EEXIST)
        return rctr_make_error (err, errno, "create store directory `%s`", copy);
      *p = '/';
    }
  return 0;
}

int
rctr_store_open (struct rctr_store *s, const char *path, bool create, rctr_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;
  char *copy = xstrdup (path);

  /* PATH may be S->path itself: from here on, only the copy.  */
  free (s->path);
  s->path = copy;
  path = copy;
  rctr_close_quietly (s->dirfd);
  s->dirfd = -1;
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create)
    {
      if (make_parents (path, err) < 0)
        return -1;
      if (mkdir (path, 0700) < 0 && errno != EEXIST)
        return rctr_make_error (err, errno, "create store `%s`", path);
      fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  if (fd < 0 && errno == ENOENT && !create)
    return 0;
  if (fd < 0)
    return rctr_make_error (err, errno, "open store `%s`", path);
  if (fstat (fd, &st) < 0)
    return rctr_make_error (err, errno, "stat store `%s`", path);
  if (st.st_uid != geteuid ())
    return rctr_make_error (err, 0, "store `%s` belongs to uid %u, not to you", path, (unsigned) st.st_uid);
  if ((st.st_mode & 077) && fchmod (fd, 0700) < 0)
    return rctr_make_error (err, errno, "make store `%s` private (chmod 0700)", path);
  s->dirfd = TAKE_FD (fd);
  return 0;
}

void
rctr_store_close (struct rctr_store *s)
{
  rctr_close_quietly (s->dirfd);
  s->dirfd = -1;
  free (s->path);
  s->path = NULL;
}

char *
rctr_store_run_dir (const struct rctr_store *s)
{
  struct utsname u;

  if (uname (&u) < 0)
    snprintf (u.nodename, sizeof (u.nodename), "localhost");
  return xasprintf ("%s/run/%s", s->path, u.nodename);
}

int
rctr_store_prepare (struct rctr_store *s, rctr_error_t *err)
{
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (subdirs); i++)
    {
      cleanup_free char *display = xasprintf ("%s/%s", s->path, subdirs[i]);
      int fd = rctr_private_dir_open (s->dirfd, subdirs[i], display, err);

      if (fd < 0)
        return -1;
      rctr_close_quietly (fd);
    }
  return 0;
}

char *
rctr_store_index_key (const struct stat *st)
{
  return xasprintf ("%" PRIx64 "-%" PRIx64 "-%" PRIx64 "-%" PRId64 ".%09ld-%" PRId64 ".%09ld",
                    (uint64_t) st->st_dev, (uint64_t) st->st_ino, (uint64_t) st->st_size,
                    (int64_t) st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (int64_t) st->st_ctim.tv_sec,
                    st->st_ctim.tv_nsec);
}

int
rctr_store_index_get (struct rctr_store *s, const struct stat *st, char ret_digest[RCTR_DIGEST_HEX_LEN + 1])
{
  cleanup_free char *key = rctr_store_index_key (st);
  cleanup_free char *path = xasprintf ("index/%s", key);
  char buf[RCTR_DIGEST_HEX_LEN + 2];
  ssize_t n;

  if (s->dirfd < 0)
    return 0;
  n = readlinkat (s->dirfd, path, buf, sizeof (buf));
  if (n != RCTR_DIGEST_HEX_LEN)
    return 0;
  buf[n] = '\0';
  if (!rctr_is_hex_string (buf, RCTR_DIGEST_HEX_LEN))
    return 0;
  memcpy (ret_digest, buf, RCTR_DIGEST_HEX_LEN + 1);
  return 1;
}

int
rctr_store_index_put (struct rctr_store *s, const struct stat *st, const char *digest, rctr_error_t *err)
{
  cleanup_free char *key = rctr_store_index_key (st);
  cleanup_free char *path = xasprintf ("index/%s", key);
  cleanup_free char *tmp = NULL;
  char suffix[17];

  if (rctr_random_hex (8, suffix, err) < 0)
    return -1;
  tmp = xasprintf ("index/.%s.tmp", suffix);
  if (symlinkat (digest, s->dirfd, tmp) < 0)
    return rctr_make_error (err, errno, "write the store index `%s/%s`", s->path, tmp);
  if (renameat (s->dirfd, tmp, s->dirfd, path) < 0)
    {
      rctr_make_error (err, errno, "write the store index `%s/%s`", s->path, path);
      (void) unlinkat (s->dirfd, tmp, 0);
      return -1;
    }
  return 0;
}

int
rctr_store_open_rootfs (struct rctr_store *s, const char *digest, rctr_error_t *err)
{
  cleanup_free char *path = xasprintf ("images/%s/rootfs", digest);
  int fd;

  if (s->dirfd < 0)
    {
      errno = ENOENT;
      return -1;
    }
  fd = openat (s->dirfd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return rctr_make_error (err, errno, "open image `%s/%s`", s->path, path);
  return fd;
}

int
rctr_store_lock (struct rctr_store *s, const char *digest, int how, rctr_error_t *err)
{
  cleanup_free char *path = xasprintf ("locks/%s.lock", digest);
  cleanup_close int fd = openat (s->dirfd, path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return rctr_make_error (err, errno, "open lock `%s/%s`", s->path, path);
  if (rctr_flock (fd, how) < 0)
    {
      if (errno == EWOULDBLOCK)
        return -1;
      return rctr_make_error (err, errno, "lock `%s/%s`", s->path, path);
    }
  return TAKE_FD (fd);
}
