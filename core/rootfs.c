/* rctr - the container's root; see rootfs.h.  */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/mounts.h"
#include "core/path.h"
#include "core/rootfs.h"
#include "core/util.h"

/* Any directory of the host serves: the tmpfs hides it in the container's
   mount namespace only.  Everything rctr needs from the host afterwards it
   opened before (the image, volume sources).  */
#define STAGING_DIR "/tmp"

int
rctr_staging_mount (rctr_error_t *err)
{
  int fd;

  if (mount ("tmpfs", STAGING_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
    return rctr_make_error (err, errno, "mount the staging tmpfs on %s", STAGING_DIR);
  fd = open (STAGING_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open the staging tmpfs");
  return fd;
}

static int
write_file_at (int dirfd, const char *name, const char *text, rctr_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

  if (fd < 0)
    return rctr_make_error (err, errno, "create `%s`", name);
  if (rctr_write_all (fd, text, strlen (text)) < 0 || fchmod (fd, 0644) < 0 || close (TAKE_FD (fd)) < 0)
    return rctr_make_error (err, errno, "write `%s`", name);
  return 0;
}

/* Give the upper layer a directory NAME unless the image has one: the mount
   points rctr uses must be real directories, not whatever the image put
   there (a symlink to some host path, say), which the upper directory then
   hides.  With MIRROR the directory is made even when the image has one,
   with the image's mode and owner (it merges with the image's). */
static int
upper_dir (int lowerfd, int upperfd, const char *name, mode_t mode, bool mirror, rctr_error_t *err)
{
  struct stat st;
  uid_t uid = 0;
  gid_t gid = 0;

  if (fstatat (lowerfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
    {
      if (!mirror)
        return 0;
      mode = st.st_mode & 07777;
      uid = st.st_uid;
      gid = st.st_gid;
    }
  if (mkdirat (upperfd, name, 0700) < 0)
    return rctr_make_error (err, errno, "create `%s` in the upper layer", name);
  if (fchownat (upperfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return rctr_make_error (err, errno, "chown `%s` in the upper layer", name);
  if (fchmodat (upperfd, name, mode, 0) < 0)
    return rctr_make_error (err, errno, "chmod `%s` in the upper layer", name);
  return 0;
}

static int
prepare_upper (const struct rctr_container *c, int lowerfd, int stagefd, int basefd, rctr_error_t *err)
{
  static const struct
  {
    const char *name;
    mode_t mode;
  } mount_points[] = { { "proc", 0555 }, { "sys", 0555 }, { "dev", 0755 }, { "tmp", 01777 } };
  cleanup_close int upper = -1;
  cleanup_close int etc = -1;
  struct stat root;
  size_t i;

  /* The upper directory is the merged root's own: it takes the image's. */
  if (fstat (lowerfd, &root) < 0)
    return rctr_make_error (err, errno, "stat the image root");
  if (mkdirat (basefd, "upper", 0700) < 0 || mkdirat (basefd, "work", 0700) < 0
      || (mkdirat (stagefd, "root", 0700) < 0 && errno != EEXIST))
    return rctr_make_error (err, errno, "create the overlay directories");
  upper = openat (basefd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (upper < 0)
    return rctr_make_error (err, errno, "open the upper layer");
  if (fchown (upper, root.st_uid, root.st_gid) < 0 && errno != EINVAL)
    return rctr_make_error (err, errno, "chown the upper layer");
  if (fchmod (upper, root.st_mode & 07777) < 0)
    return rctr_make_error (err, errno, "chmod the upper layer");

  for (i = 0; i < RCTR_ARRAY_SIZE (mount_points); i++)
    if (upper_dir (lowerfd, upper, mount_points[i].name, mount_points[i].mode, false, err) < 0)
      return -1;

  /* The generated files go straight into the upper layer: no copy-up, and
     nothing is ever written through a symlink the image has there.  */
  if (upper_dir (lowerfd, upper, "etc", 0755, true, err) < 0)
    return -1;
  etc = openat (upper, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (etc < 0)
    return rctr_make_error (err, errno, "open `etc` in the upper layer");
  if (write_file_at (etc, "hosts", c->etc_hosts, err) < 0
      || write_file_at (etc, "hostname", c->etc_hostname, err) < 0
      || write_file_at (etc, "resolv.conf", c->etc_resolv, err) < 0)
    return rctr_error_wrap (err, "generated /etc files");
  return 0;
}

static int
open_root (int stagefd, rctr_error_t *err)
{
  int fd = openat (stagefd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return rctr_make_error (err, errno, "open the new root");
  return fd;
}

static int
mount_overlay (int lowerfd, int stagefd, int basefd, rctr_error_t *err)
{
  cleanup_close int upper = openat (basefd, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int work = openat (basefd, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int root = openat (stagefd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char opts[256], target[32];

  if (upper < 0 || work < 0 || root < 0)
    return rctr_make_error (err, errno, "open the overlay directories");
  /* Paths through /proc/self/fd: the store's path may hold "," or ":",
     which the option string could not carry.  userxattr: the overlay's own
     attributes in user.*, as a user namespace may set them.  */
  snprintf (opts, sizeof (opts),
            "lowerdir=/proc/self/fd/%d,upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d,userxattr", lowerfd,
            upper, work);
  if (mount ("overlay", rctr_proc_fd_path (target, sizeof (target), root), "overlay", 0, opts) < 0)
    return rctr_make_error (err, errno, "mount the overlay root");
  return 0;
}

/* The names rctr mounts on: always real, empty directories of the tmpfs
   root, whatever the image has there.  */
static bool
is_mount_point_name (const char *name)
{
  static const char *const names[] = { "proc", "sys", "dev", "tmp", "run" };
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (names); i++)
    if (strcmp (name, names[i]) == 0)
      return true;
  return false;
}

/* Put the image's top-level entry NAME on the tmpfs root ROOT: a directory
   or file bound read-only, a symlink copied (it resolves inside the
   container's root either way).  */
static int
place_entry (int lowerfd, int root, const char *name, rctr_error_t *err)
{
  cleanup_close int src = -1;
  cleanup_close int dst = -1;
  char spath[32], dpath[32], target[PATH_MAX];
  struct stat st;
  ssize_t n;

  if (fstatat (lowerfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return rctr_make_error (err, errno, "stat `/%s` in the image", name);
  if (S_ISLNK (st.st_mode))
    {
      n = readlinkat (lowerfd, name, target, sizeof (target) - 1);
      if (n < 0)
        return rctr_make_error (err, errno, "read the symlink `/%s` in the image", name);
      target[n] = '\0';
      if (symlinkat (target, root, name) < 0)
        return rctr_make_error (err, errno, "copy the symlink `/%s`", name);
      return 0;
    }
  if (!S_ISDIR (st.st_mode) && !S_ISREG (st.st_mode))
    return 0;
  if (S_ISDIR (st.st_mode) ? mkdirat (root, name, 0755) < 0
                           : (dst = openat (root, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
    return rctr_make_error (err, errno, "create the mount point `/%s`", name);
  rctr_close_quietly (TAKE_FD (dst));
  src = openat (lowerfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  dst = openat (root, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0 || dst < 0)
    return rctr_make_error (err, errno, "open `/%s`", name);
  if (mount (rctr_proc_fd_path (spath, sizeof (spath), src), rctr_proc_fd_path (dpath, sizeof (dpath), dst),
             NULL, MS_BIND | MS_REC, NULL)
      < 0)
    return rctr_make_error (err, errno, "bind `/%s` of the image", name);
  rctr_close_quietly (TAKE_FD (dst));
  dst = openat (root, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return rctr_make_error (err, errno, "open `/%s`", name);
  return rctr_remount_ro (rctr_proc_fd_path (dpath, sizeof (dpath), dst), err);
}

/* Without overlayfs: a tmpfs root holding the image's top-level entries,
   each bound read-only, and empty directories to mount /proc, /sys, /dev,
   /tmp and /run on.  Nothing of the image can be changed, and no mount
   point needs to exist in it.  The tmpfs itself is made read-only once the
   mounts are in place (rctr_rootfs_seal).  */
static int
tmpfs_root_with_binds (int lowerfd, int stagefd, rctr_error_t *err)
{
  cleanup_dir DIR *dir = NULL;
  cleanup_close int root = -1;
  char target[32];
  struct dirent *de;
  size_t i;
  static const char *const mount_points[] = { "proc", "sys", "dev", "tmp", "run" };

  if (mkdirat (stagefd, "root", 0755) < 0 && errno != EEXIST)
    return rctr_make_error (err, errno, "create the new root");
  root = openat (stagefd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0
      || mount ("tmpfs", rctr_proc_fd_path (target, sizeof (target), root), "tmpfs", 0, "mode=0755") < 0)
    return rctr_make_error (err, errno, "mount the tmpfs root");
  rctr_close_quietly (TAKE_FD (root));
  root = openat (stagefd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = rctr_opendir_fd (lowerfd);
  if (root < 0 || dir == NULL)
    return rctr_make_error (err, errno, "read the image's root");
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0 || is_mount_point_name (de->d_name))
        continue;
      if (place_entry (lowerfd, root, de->d_name, err) < 0)
        return -1;
    }
  for (i = 0; i < RCTR_ARRAY_SIZE (mount_points); i++)
    if (mkdirat (root, mount_points[i], 0755) < 0)
      return rctr_make_error (err, errno, "create the mount point `/%s`", mount_points[i]);
  return 0;
}

bool
rctr_staging_has_user_xattrs (void)
{
  if (setxattr (STAGING_DIR, "user.rctr.probe", "1", 1, 0) < 0)
    return false;
  (void) removexattr (STAGING_DIR, "user.rctr.probe");
  return true;
}

int
rctr_rootfs_disk_upper (int scratchfd, char *ret_name, size_t len, int *ret_lockfd, rctr_error_t *err)
{
  char id[17];
  int fd;

  /* Runs that were killed left theirs: they are unlocked now.  */
  rctr_remove_abandoned (scratchfd);
  if (rctr_random_hex (8, id, err) < 0)
    return -1;
  snprintf (ret_name, len, "run.%s", id);
  /* Locked by PID 1 for the container's life: no cleaning takes it meanwhile.  */
  fd = rctr_make_locked_dir (scratchfd, ret_name, ret_lockfd, err);
  if (fd < 0)
    return rctr_error_wrap (err, "the upper layer in the store");
  rctr_close_quietly (fd);
  return 0;
}

int
rctr_rootfs_mount (const struct rctr_container *c, int lowerfd, int stagefd, int basefd, bool *ret_overlay,
                   rctr_error_t *err)
{
  *ret_overlay = false;
  if (!c->no_overlay)
    {
      if (prepare_upper (c, lowerfd, stagefd, basefd, err) < 0)
        return -1;
      if (mount_overlay (lowerfd, stagefd, basefd, err) == 0)
        {
          *ret_overlay = true;
          return open_root (stagefd, err);
        }
      /* An upper layer on disk the kernel will not take (a store on NFS):
         the tmpfs, which can do all but make directories opaque.  */
      if (basefd != stagefd)
        {
          rctr_error_release (err);
          return rctr_rootfs_mount (c, lowerfd, stagefd, stagefd, ret_overlay, err);
        }
      /* Before 5.11 a user namespace may not mount overlayfs: the caller
         says so and the root is the image itself, read-only.  */
      if ((*err)->status != EPERM && (*err)->status != EINVAL && (*err)->status != ENODEV)
        return -1;
      rctr_error_release (err);
    }
  if (tmpfs_root_with_binds (lowerfd, stagefd, err) < 0)
    return -1;
  return open_root (stagefd, err);
}

int
rctr_rootfs_bind_etc (const struct rctr_container *c, int stagefd, int rootfd, rctr_error_t *err)
{
  const struct
  {
    const char *name;
    const char *text;
  } files[]
      = { { "hosts", c->etc_hosts }, { "hostname", c->etc_hostname }, { "resolv.conf", c->etc_resolv } };
  cleanup_close int dir = -1;
  size_t i;

  if (mkdirat (stagefd, "etc", 0755) < 0 && errno != EEXIST)
    return rctr_make_error (err, errno, "create the generated /etc files");
  dir = openat (stagefd, "etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return rctr_make_error (err, errno, "open the generated /etc files");
  for (i = 0; i < RCTR_ARRAY_SIZE (files); i++)
    {
      cleanup_free char *path = xasprintf ("etc/%s", files[i].name);
      cleanup_close int src = -1;
      cleanup_close int target = -1;
      rctr_error_t ignored = NULL;
      char spath[32], tpath[32];
      struct stat st;

      if (write_file_at (dir, files[i].name, files[i].text, err) < 0)
        return -1;
      /* Only over a regular file of the image: a read-only root can get no
         new file, and a symlink is never followed for this.  */
      target = rctr_open_in_root (rootfd, path, O_PATH | O_NOFOLLOW, &ignored);
      if (target < 0 || fstat (target, &st) < 0 || !S_ISREG (st.st_mode))
        {
          rctr_error_release (&ignored);
          continue;
        }
      src = openat (dir, files[i].name, O_PATH | O_CLOEXEC);
      if (src < 0)
        return rctr_make_error (err, errno, "open the generated /%s", path);
      if (mount (rctr_proc_fd_path (spath, sizeof (spath), src),
                 rctr_proc_fd_path (tpath, sizeof (tpath), target), NULL, MS_BIND, NULL)
          < 0)
        return rctr_make_error (err, errno, "bind the generated /%s", path);
    }
  return 0;
}

int
rctr_rootfs_seal (int rootfd, rctr_error_t *err)
{
  char path[32];

  return rctr_remount_ro (rctr_proc_fd_path (path, sizeof (path), rootfd), err);
}

int
rctr_rootfs_pivot (int rootfd, rctr_error_t *err)
{
  /* pivot_root(".", "."): the old root ends up stacked under the new one at
     "/", from where it is detached; no directory for it is needed.  */
  if (fchdir (rootfd) < 0)
    return rctr_make_error (err, errno, "chdir to the new root");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return rctr_make_error (err, errno, "pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return rctr_make_error (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return rctr_make_error (err, errno, "chdir /");
  return 0;
}
