/* rctr - writing archive entries inside an image root; see extract.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/path.h"
#include "core/util.h"
#include "image/extract.h"

struct deferred_dir
{
  size_t order; /* position in the archive */
  char *path;   /* cleaned, relative to the root; "" is the root */
  mode_t mode;
  uid_t uid;
  gid_t gid;
  struct timespec mtime;
  bool has_mtime;
};

struct rctr_extract
{
  int rootfd;
  struct rctr_unpack_stats *stats;
  struct deferred_dir *dirs;
  size_t n_dirs, cap_dirs;
  /* The parent directory of the last entry, reused while entries stay in
     one directory; dropped when an entry could change what it resolves to. */
  char *cached_dir;
  int cached_fd;
};

struct rctr_extract *
rctr_extract_new (int rootfd, struct rctr_unpack_stats *stats)
{
  struct rctr_extract *x = xmalloc0 (sizeof (*x));

  x->rootfd = rootfd;
  x->stats = stats;
  x->cached_fd = -1;
  return x;
}

void
rctr_extract_free (struct rctr_extract *x)
{
  size_t i;

  if (x == NULL)
    return;
  for (i = 0; i < x->n_dirs; i++)
    free (x->dirs[i].path);
  free (x->dirs);
  free (x->cached_dir);
  rctr_close_quietly (x->cached_fd);
  free (x);
}

static void
drop_cache (struct rctr_extract *x)
{
  free (x->cached_dir);
  x->cached_dir = NULL;
  rctr_close_quietly (x->cached_fd);
  x->cached_fd = -1;
}

/* Is A equal to B or an ancestor of it, component-wise? */
static bool
is_path_prefix (const char *a, const char *b)
{
  size_t n = strlen (a);

  if (n == 0)
    return true;
  return strncmp (a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

/* The parent directory DIR inside the root, made if missing (tar archives
   often leave out the directories of their files).  Borrowed fd. */
static int
parent_dir (struct rctr_extract *x, const char *dir, rctr_error_t *err)
{
  int fd;

  if (x->cached_dir && strcmp (x->cached_dir, dir) == 0)
    return x->cached_fd;
  drop_cache (x);
  fd = rctr_mkdir_p_in_root (x->rootfd, dir, 0755, err);
  if (fd < 0)
    return -1;
  x->cached_dir = xstrdup (dir);
  x->cached_fd = fd;
  return fd;
}

/* Make room for a new entry NAME in PARENT: whatever is there goes, but a
   non-empty directory is an error (tar would refuse too). */
static int
clear_place (int parent, const char *path, const char *name, rctr_error_t *err)
{
  if (unlinkat (parent, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno == EISDIR || errno == EPERM)
    {
      if (unlinkat (parent, name, AT_REMOVEDIR) == 0)
        return 0;
      if (errno == ENOTEMPTY || errno == EEXIST)
        return rctr_make_error (err, 0, "`/%s`: cannot replace a non-empty directory", path);
    }
  return rctr_make_error (err, errno, "replace `/%s`", path);
}

static void
entry_mtime (struct archive_entry *e, struct timespec ts[2], bool *has)
{
  *has = sym_archive_entry_mtime_is_set (e) != 0;
  ts[0].tv_sec = ts[1].tv_sec = sym_archive_entry_mtime (e);
  ts[0].tv_nsec = ts[1].tv_nsec = sym_archive_entry_mtime_nsec (e);
}

/* Give FD the entry's owner, then its mode (chown clears set-id bits, so
   the mode comes second).  An owner that is not mapped in this user
   namespace (EINVAL) or not ours to give (EPERM) stays the unpacker's. */
static int
apply_owner_mode (int fd, const char *path, uid_t uid, gid_t gid, mode_t mode, rctr_error_t *err)
{
  if (fchown (fd, uid, gid) < 0 && errno != EINVAL && errno != EPERM)
    return rctr_make_error (err, errno, "chown `/%s`", path);
  if (fchmod (fd, mode) < 0)
    return rctr_make_error (err, errno, "chmod `/%s`", path);
  return 0;
}

static void
apply_xattrs (struct rctr_extract *x, int fd, struct archive_entry *e)
{
  const char *name;
  const void *value;
  size_t size;

  if (sym_archive_entry_xattr_reset (e) == 0)
    return;
  while (sym_archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    if (name && fsetxattr (fd, name, value, size, 0) < 0)
      x->stats->xattrs_failed++;
}

static int
write_data (struct archive *a, int fd, const char *path, int64_t size, rctr_error_t *err)
{
  const void *buf;
  size_t len;
  la_int64_t offset;
  int r;

  for (;;)
    {
      r = sym_archive_read_data_block (a, &buf, &len, &offset);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return rctr_make_error (err, 0, "`/%s`: the archive is truncated or corrupt: %s", path,
                                sym_archive_error_string (a));
      while (len > 0)
        {
          ssize_t n = pwrite (fd, buf, len, offset);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            return rctr_make_error (err, errno, "write `/%s`", path);
          buf = (const char *) buf + n;
          len -= (size_t) n;
          offset += n;
        }
    }
  /* A sparse file may end in a hole.  */
  if (size > 0 && ftruncate (fd, size) < 0)
    return rctr_make_error (err, errno, "write `/%s`", path);
  return 0;
}

static int
make_regular (struct rctr_extract *x, struct archive *a, struct archive_entry *e, int parent,
              const char *path, const char *name, rctr_error_t *err)
{
  cleanup_close int fd = -1;
  struct timespec ts[2];
  bool has_mtime;

  if (clear_place (parent, path, name, err) < 0)
    return -1;
  fd = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return rctr_make_error (err, errno, "create `/%s`", path);
  if (write_data (a, fd, path, sym_archive_entry_size (e), err) < 0)
    return -1;
  if (apply_owner_mode (fd, path, sym_archive_entry_uid (e), sym_archive_entry_gid (e),
                        sym_archive_entry_perm (e) & 07777, err)
      < 0)
    return -1;
  /* After chown, which always drops security.capability (a file
     capability, like ping's cap_net_raw, would be lost).  */
  apply_xattrs (x, fd, e);
  entry_mtime (e, ts, &has_mtime);
  if (has_mtime && futimens (fd, ts) < 0)
    return rctr_make_error (err, errno, "set the times of `/%s`", path);
  /* On NFS a full disk may show only at close.  */
  if (close (TAKE_FD (fd)) < 0)
    return rctr_make_error (err, errno, "write `/%s`", path);
  return 0;
}

static int
make_hardlink (struct rctr_extract *x, const char *target, int parent, const char *path, const char *name,
               rctr_error_t *err)
{
  cleanup_free char *clean = rctr_path_clean (target);
  cleanup_free char *tdir = NULL;
  cleanup_free char *tbase = NULL;
  cleanup_close int tparent = -1;

  if (clean[0] == '\0')
    return rctr_make_error (err, 0, "hard link `/%s`: its target is the root", path);
  rctr_path_split (clean, &tdir, &tbase);
  /* The target is found inside the root like any other name, so a link can
     only ever point at a file of the image itself.  */
  tparent = rctr_open_in_root (x->rootfd, tdir, O_PATH | O_DIRECTORY, err);
  if (tparent < 0)
    return rctr_error_wrap (err, "hard link `/%s` to `/%s`", path, clean);
  if (clear_place (parent, path, name, err) < 0)
    return -1;
  if (linkat (tparent, tbase, parent, name, 0) < 0)
    return rctr_make_error (err, errno, "hard link `/%s` to `/%s`", path, clean);
  return 0;
}

static int
make_symlink (struct archive_entry *e, int parent, const char *path, const char *name, rctr_error_t *err)
{
  const char *target = sym_archive_entry_symlink (e);
  struct timespec ts[2];
  bool has_mtime;

  if (target == NULL || target[0] == '\0' || strlen (target) >= PATH_MAX)
    return rctr_make_error (err, 0, "symlink `/%s`: its target is empty or too long", path);
  if (clear_place (parent, path, name, err) < 0)
    return -1;
  if (symlinkat (target, parent, name) < 0)
    return rctr_make_error (err, errno, "symlink `/%s`", path);
  if (fchownat (parent, name, sym_archive_entry_uid (e), sym_archive_entry_gid (e), AT_SYMLINK_NOFOLLOW) < 0
      && errno != EINVAL && errno != EPERM)
    return rctr_make_error (err, errno, "chown `/%s`", path);
  entry_mtime (e, ts, &has_mtime);
  if (has_mtime && utimensat (parent, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return rctr_make_error (err, errno, "set the times of `/%s`", path);
  return 0;
}

static void
defer_dir (struct rctr_extract *x, const char *path, struct archive_entry *e)
{
  struct deferred_dir *d;

  if (x->n_dirs == x->cap_dirs)
    {
      x->cap_dirs = x->cap_dirs ? 2 * x->cap_dirs : 64;
      x->dirs = xreallocarray (x->dirs, x->cap_dirs, sizeof (*x->dirs));
    }
  d = &x->dirs[x->n_dirs];
  d->order = x->n_dirs++;
  d->path = xstrdup (path);
  d->mode = sym_archive_entry_perm (e) & 07777;
  d->uid = sym_archive_entry_uid (e);
  d->gid = sym_archive_entry_gid (e);
  d->has_mtime = sym_archive_entry_mtime_is_set (e) != 0;
  d->mtime.tv_sec = sym_archive_entry_mtime (e);
  d->mtime.tv_nsec = sym_archive_entry_mtime_nsec (e);
}

static int
make_dir (struct rctr_extract *x, struct archive_entry *e, int parent, const char *path, const char *name,
          rctr_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  /* Owner-writable until the end, whatever the archive says.  */
  if (mkdirat (parent, name, 0700) < 0)
    {
      if (errno != EEXIST)
        return rctr_make_error (err, errno, "create directory `/%s`", path);
      if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return rctr_make_error (err, errno, "stat `/%s`", path);
      if (!S_ISDIR (st.st_mode))
        {
          if (clear_place (parent, path, name, err) < 0)
            return -1;
          if (mkdirat (parent, name, 0700) < 0)
            return rctr_make_error (err, errno, "create directory `/%s`", path);
        }
    }
  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    apply_xattrs (x, fd, e);
  defer_dir (x, path, e);
  return 0;
}

static int
make_fifo (struct archive_entry *e, int parent, const char *path, const char *name, rctr_error_t *err)
{
  cleanup_close int fd = -1;

  if (clear_place (parent, path, name, err) < 0)
    return -1;
  if (mkfifoat (parent, name, 0600) < 0)
    return rctr_make_error (err, errno, "create fifo `/%s`", path);
  fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open fifo `/%s`", path);
  if (fchownat (fd, "", sym_archive_entry_uid (e), sym_archive_entry_gid (e), AT_EMPTY_PATH) < 0
      && errno != EINVAL && errno != EPERM)
    return rctr_make_error (err, errno, "chown `/%s`", path);
  if (fchmodat (parent, name, sym_archive_entry_perm (e) & 07777, 0) < 0)
    return rctr_make_error (err, errno, "chmod `/%s`", path);
  return 0;
}

int
rctr_extract_entry (struct rctr_extract *x, struct archive *a, struct archive_entry *e, rctr_error_t *err)
{
  const char *raw = sym_archive_entry_pathname (e);
  const char *hardlink = sym_archive_entry_hardlink (e);
  mode_t type = sym_archive_entry_filetype (e);
  cleanup_free char *path = NULL;
  cleanup_free char *dir = NULL;
  cleanup_free char *name = NULL;
  int parent;

  if (raw == NULL)
    return rctr_make_error (err, 0, "an entry has no name");
  if (strlen (raw) >= PATH_MAX)
    return rctr_make_error (err, ENAMETOOLONG, "entry `%.64s...`", raw);
  x->stats->entries++;
  path = rctr_path_clean (raw);

  if (path[0] == '\0')
    {
      /* "./": the root itself; only its metadata can be taken.  */
      if (type == AE_IFDIR)
        defer_dir (x, "", e);
      return 0;
    }
  if (hardlink == NULL && (type == AE_IFCHR || type == AE_IFBLK))
    {
      x->stats->devices++;
      return 0;
    }
  if (hardlink == NULL && type == AE_IFSOCK)
    {
      x->stats->sockets++;
      return 0;
    }

  /* An entry that replaces the cached directory or one above it changes
     what that name resolves to.  */
  if (x->cached_dir && is_path_prefix (path, x->cached_dir))
    drop_cache (x);
  rctr_path_split (path, &dir, &name);
  parent = parent_dir (x, dir, err);
  if (parent < 0)
    return rctr_error_wrap (err, "entry `%s`", raw);

  if (hardlink)
    return make_hardlink (x, hardlink, parent, path, name, err);
  switch (type)
    {
    case AE_IFREG:
      return make_regular (x, a, e, parent, path, name, err);
    case AE_IFDIR:
      return make_dir (x, e, parent, path, name, err);
    case AE_IFLNK:
      return make_symlink (e, parent, path, name, err);
    case AE_IFIFO:
      return make_fifo (e, parent, path, name, err);
    default:
      return rctr_make_error (err, 0, "entry `%s` has an unknown type (%o)", raw, (unsigned) type);
    }
}

/* Descending by path puts every directory before its parents ("a/b" > "a");
   among entries for the same directory the latest in the archive comes
   first, and is the one applied.  */
static int
compare_dirs (const void *pa, const void *pb)
{
  const struct deferred_dir *a = pa, *b = pb;
  int c = strcmp (b->path, a->path);

  if (c != 0)
    return c;
  return a->order < b->order ? 1 : -1;
}

int
rctr_extract_finish (struct rctr_extract *x, rctr_error_t *err)
{
  size_t i;

  drop_cache (x);
  if (x->n_dirs > 1)
    qsort (x->dirs, x->n_dirs, sizeof (x->dirs[0]), compare_dirs);
  for (i = 0; i < x->n_dirs; i++)
    {
      struct deferred_dir *d = &x->dirs[i];
      cleanup_close int fd = -1;
      rctr_error_t open_err = NULL;

      if (i > 0 && strcmp (d->path, x->dirs[i - 1].path) == 0)
        continue;

      /* O_NOFOLLOW: if a later entry put a symlink where the directory was,
         the symlink keeps its own mode and its target is left alone.  */
      fd = rctr_open_in_root (x->rootfd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, &open_err);
      if (fd < 0)
        {
          int e = open_err->status;

          rctr_error_release (&open_err);
          if (e == ELOOP || e == ENOTDIR || e == ENOENT)
            continue;
          return rctr_make_error (err, e, "open directory `/%s`", d->path);
        }
      if (apply_owner_mode (fd, d->path, d->uid, d->gid, d->mode, err) < 0)
        return -1;
      if (d->has_mtime && futimens (fd, (struct timespec[2]){ d->mtime, d->mtime }) < 0)
        return rctr_make_error (err, errno, "set the times of `/%s`", d->path);
    }
  return 0;
}
