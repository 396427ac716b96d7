/* rctr - planning and making the container's mounts; see mounts.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/mounts.h"
#include "core/path.h"
#include "core/util.h"

#define MS_SAFE (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

/* docker's defaults: what of /proc and /sys the kernel shares with the host
   and a container has no business reading (kcore, keys...) or changing
   (sysctls, sysrq).  */
static const char *const masked_paths[] = { "/proc/acpi",        "/proc/kcore",
                                            "/proc/keys",        "/proc/latency_stats",
                                            "/proc/timer_list",  "/proc/timer_stats",
                                            "/proc/sched_debug", "/proc/scsi",
                                            "/sys/firmware",     "/sys/devices/virtual/powercap" };
static const char *const readonly_paths[]
    = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };

static const struct
{
  const char *link;
  const char *target;
} dev_links[] = {
  { "/dev/ptmx", "pts/ptmx" },          { "/dev/fd", "/proc/self/fd" },
  { "/dev/stdin", "/proc/self/fd/0" },  { "/dev/stdout", "/proc/self/fd/1" },
  { "/dev/stderr", "/proc/self/fd/2" },
};

static struct rctr_mount_op *
plan_add (struct rctr_mount_plan *plan, enum rctr_mount_op_type type, const char *dest, unsigned long flags,
          char *data)
{
  struct rctr_mount_op *op;

  plan->ops = xreallocarray (plan->ops, plan->n + 1, sizeof (*plan->ops));
  op = &plan->ops[plan->n++];
  memset (op, 0, sizeof (*op));
  op->type = type;
  op->dest = dest;
  op->flags = flags;
  op->data = data;
  op->source_fd = -1;
  return op;
}

/* Parse --tmpfs DEST[:OPTIONS]: mount flags, or tmpfs's own size=, mode=,
   nr_inodes=, uid=, gid=. */
static int
plan_user_tmpfs (struct rctr_mount_plan *plan, const char *arg, rctr_error_t *err)
{
  const char *colon = strchr (arg, ':');
  cleanup_free char *opts = colon ? xstrdup (colon + 1) : NULL;
  cleanup_free char *data = NULL;
  unsigned long flags = MS_NOSUID | MS_NODEV;
  bool has_mode = false;
  char *opt, *save = NULL;
  struct rctr_mount_op *op;

  if (arg[0] != '/')
    return rctr_make_error (err, 0, "--tmpfs `%s`: the destination must be an absolute path", arg);
  for (opt = opts ? strtok_r (opts, ",", &save) : NULL; opt; opt = strtok_r (NULL, ",", &save))
    {
      static const struct
      {
        const char *name;
        unsigned long set, clear;
      } flag_opts[] = {
        { "ro", MS_RDONLY, 0 },   { "rw", 0, MS_RDONLY },     { "noexec", MS_NOEXEC, 0 },
        { "exec", 0, MS_NOEXEC }, { "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
        { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
      };
      static const char *const data_opts[] = { "size=", "mode=", "nr_inodes=", "uid=", "gid=" };
      size_t i;
      bool known = false;

      for (i = 0; i < RCTR_ARRAY_SIZE (flag_opts) && !known; i++)
        if (strcmp (opt, flag_opts[i].name) == 0)
          {
            flags = (flags | flag_opts[i].set) & ~flag_opts[i].clear;
            known = true;
          }
      for (i = 0; i < RCTR_ARRAY_SIZE (data_opts) && !known; i++)
        if (strncmp (opt, data_opts[i], strlen (data_opts[i])) == 0)
          {
            char *joined = data ? xasprintf ("%s,%s", data, opt) : xstrdup (opt);

            free (data);
            data = joined;
            has_mode |= i == 1;
            known = true;
          }
      if (!known)
        return rctr_make_error (err, 0, "--tmpfs `%s`: unknown option `%s`", arg, opt);
    }
  if (!has_mode)
    {
      char *joined = data ? xasprintf ("mode=1777,%s", data) : xstrdup ("mode=1777");

      free (data);
      data = joined;
    }
  op = plan_add (plan, RCTR_OP_TMPFS, arg, flags, steal_pointer (&data));
  if (colon)
    op->dest = op->owned = xstrndup (arg, (size_t) (colon - arg));
  return 0;
}

int
rctr_mount_plan_build (const struct rctr_container *c, long devpts_gid, struct rctr_mount_plan *plan,
                       rctr_error_t *err)
{
  size_t i;

  memset (plan, 0, sizeof (*plan));
  plan_add (plan, RCTR_OP_PROC, "/proc", MS_SAFE, NULL);
  plan_add (plan, RCTR_OP_SYSFS, "/sys", MS_SAFE | MS_RDONLY, NULL);
  plan_add (plan, RCTR_OP_TMPFS, "/dev", MS_NOSUID | MS_STRICTATIME, xstrdup ("mode=755,size=65536k"));
  for (i = 0; i < RCTR_ARRAY_SIZE (dev_nodes); i++)
    {
      char *path = xasprintf ("/dev/%s", dev_nodes[i]);
      struct rctr_mount_op *op = plan_add (plan, RCTR_OP_DEV_NODE, path, 0, NULL);

      op->source = path; /* the host's node of the same name */
      op->owned = path;
    }
  plan_add (plan, RCTR_OP_DEVPTS, "/dev/pts", MS_NOSUID | MS_NOEXEC,
            devpts_gid >= 0 ? xasprintf ("newinstance,ptmxmode=0666,mode=0620,gid=%ld", devpts_gid)
                            : xstrdup ("newinstance,ptmxmode=0666,mode=0620"));
  plan_add (plan, RCTR_OP_TMPFS, "/dev/shm", MS_SAFE, xstrdup ("mode=1777,size=65536k"));
  plan_add (plan, RCTR_OP_MQUEUE, "/dev/mqueue", MS_SAFE, NULL);
  for (i = 0; i < RCTR_ARRAY_SIZE (dev_links); i++)
    plan_add (plan, RCTR_OP_SYMLINK, dev_links[i].link, 0, NULL)->source = dev_links[i].target;

  /* A read-only root still needs somewhere to write, as podman's
     --read-only-tmpfs gives.  Whether the root is read-only is known only
     in the container (the kernel may refuse the overlay).  */
  plan_add (plan, RCTR_OP_TMPFS, "/tmp", MS_NOSUID | MS_NODEV, xstrdup ("mode=1777"))->ro_root_only = true;
  plan_add (plan, RCTR_OP_TMPFS, "/var/tmp", MS_NOSUID | MS_NODEV, xstrdup ("mode=1777"))->ro_root_only
      = true;
  plan_add (plan, RCTR_OP_TMPFS, "/run", MS_NOSUID | MS_NODEV, xstrdup ("mode=755"))->ro_root_only = true;
  for (i = 0; i < c->n_tmpfs; i++)
    if (plan_user_tmpfs (plan, c->tmpfs[i], err) < 0)
      return -1;
  for (i = 0; i < c->n_volumes; i++)
    {
      const struct rctr_volume *v = &c->volumes[i];
      struct rctr_mount_op *op = plan_add (plan, RCTR_OP_BIND, v->dest, 0, NULL);

      if (strcmp (v->dest, "/") == 0 || v->dest[0] != '/')
        return rctr_make_error (err, 0,
                                "volume `%s:%s`: the destination must be an absolute path other than /",
                                v->source, v->dest);
      op->source = v->source;
      op->source_path = v->source_path;
      op->source_fd = v->source_fd;
      op->source_is_dir = v->source_is_dir;
      op->readonly = v->readonly;
    }
  /* Last, so that no volume or tmpfs undoes them.  */
  for (i = 0; i < RCTR_ARRAY_SIZE (masked_paths); i++)
    plan_add (plan, RCTR_OP_MASK, masked_paths[i], MS_RDONLY | MS_SAFE, NULL);
  for (i = 0; i < RCTR_ARRAY_SIZE (readonly_paths); i++)
    plan_add (plan, RCTR_OP_READONLY, readonly_paths[i], 0, NULL);
  return 0;
}

void
rctr_mount_plan_free (struct rctr_mount_plan *plan)
{
  size_t i;

  for (i = 0; i < plan->n; i++)
    {
      free (plan->ops[i].owned);
      free (plan->ops[i].data);
    }
  free (plan->ops);
  plan->ops = NULL;
  plan->n = 0;
}

int
rctr_remount_ro (const char *path, rctr_error_t *err)
{
  struct statvfs sv;
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

  if (statvfs (path, &sv) < 0)
    return rctr_make_error (err, errno, "statvfs `%s`", path);
  /* In a user namespace the kernel refuses a remount that would clear a
     flag the mount was made with where it is locked.  */
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  if (mount (NULL, path, NULL, flags, NULL) < 0)
    return rctr_make_error (err, errno, "remount `%s` read-only", path);
  return 0;
}

/* The destination of OP inside ROOTFD, as an O_PATH fd: a directory, or a
   file for binds of files and device nodes.  */
static int
op_target (int rootfd, const struct rctr_mount_op *op, bool want_dir, rctr_error_t *err)
{
  cleanup_free char *clean = rctr_path_clean (op->dest);
  cleanup_free char *dir = NULL;
  cleanup_free char *base = NULL;
  cleanup_close int parent = -1;
  cleanup_close int created = -1;
  int fd;

  if (want_dir)
    return rctr_mkdir_p_in_root (rootfd, clean, 0755, err);
  fd = rctr_open_in_root (rootfd, clean, O_PATH, err);
  if (fd >= 0 || (*err)->status != ENOENT)
    return fd;
  rctr_error_release (err);
  rctr_path_split (clean, &dir, &base);
  parent = rctr_mkdir_p_in_root (rootfd, dir, 0755, err);
  if (parent < 0)
    return -1;
  created = openat (parent, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (created < 0)
    return rctr_make_error (err, errno, "create `%s`", op->dest);
  return rctr_open_in_root (rootfd, clean, O_PATH | O_NOFOLLOW, err);
}

static int
mount_at (const char *source, int target, const char *fstype, unsigned long flags, const char *data)
{
  char path[32];

  return mount (source, rctr_proc_fd_path (path, sizeof (path), target), fstype, flags, data);
}

static const char *
op_what (const struct rctr_mount_op *op)
{
  switch (op->type)
    {
    case RCTR_OP_PROC:
      return "proc";
    case RCTR_OP_SYSFS:
      return "sysfs";
    case RCTR_OP_TMPFS:
      return "tmpfs";
    case RCTR_OP_DEV_NODE:
    case RCTR_OP_SYMLINK:
    case RCTR_OP_BIND:
      return op->source;
    case RCTR_OP_DEVPTS:
      return "devpts";
    case RCTR_OP_MQUEUE:
      return "mqueue";
    case RCTR_OP_MASK:
      return "a mask";
    case RCTR_OP_READONLY:
      return "a read-only bind";
    }
  return "?";
}

/* Make the mount now at DEST (just made over what was there) read-only,
   with every mount below it: mount_setattr(AT_RECURSIVE) on Linux 5.12 and
   later; before, only the top one can be (a remount is per mount).  */
static int
remount_dest_ro (int rootfd, const char *dest, rctr_error_t *err)
{
  cleanup_close int fd = rctr_open_in_root (rootfd, dest, O_PATH, err);
  char path[32];

  if (fd < 0)
    return -1;
#if HAVE_DECL_SYS_MOUNT_SETATTR
  {
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

    if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof (attr)) == 0)
      return 0;
    if (errno != ENOSYS)
      return rctr_make_error (err, errno, "make `%s` read-only", dest);
  }
#endif
  return rctr_remount_ro (rctr_proc_fd_path (path, sizeof (path), fd), err);
}

static int
mount_sysfs (int rootfd, const struct rctr_mount_op *op, int target, rctr_error_t *err)
{
  if (mount_at ("sysfs", target, "sysfs", op->flags, NULL) == 0)
    return 0;
  if (errno != EPERM && errno != EACCES)
    return rctr_make_error (err, errno, "mount sysfs on `%s`", op->dest);
  /* Sharing a network namespace it does not own (--net=host), a user
     namespace may not mount sysfs: bind the host's, read-only.  */
  if (mount_at ("/sys", target, NULL, MS_BIND | MS_REC, NULL) < 0)
    return rctr_make_error (err, errno, "bind the host's /sys on `%s`", op->dest);
  return remount_dest_ro (rootfd, op->dest, err);
}

static int
mount_bind (int rootfd, const struct rctr_mount_op *op, int target, rctr_error_t *err)
{
  char src[32];

  if (mount_at (rctr_proc_fd_path (src, sizeof (src), op->source_fd), target, NULL, MS_BIND | MS_REC, NULL)
      < 0)
    return rctr_make_error (err, errno, "volume `%s:%s`: bind mount", op->source, op->dest);
  if (op->readonly && remount_dest_ro (rootfd, op->dest, err) < 0)
    return rctr_error_wrap (err, "volume `%s:%s`", op->source, op->dest);
  return 0;
}

/* The host's /dev/null, checked to be the real 1:3 character device: what
   masks files must read as nothing and refuse writes, whatever the host's
   /dev holds.  */
static int
open_dev_null (rctr_error_t *err)
{
  cleanup_close int fd = open ("/dev/null", O_PATH | O_CLOEXEC);
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return rctr_make_error (err, errno, "open /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return rctr_make_error (err, 0, "/dev/null of the host is not the 1:3 character device");
  return TAKE_FD (fd);
}

/* Hide DEST: /dev/null over a file, an empty read-only tmpfs over a
   directory.  A path this kernel does not have is skipped.  Resolved in the
   root without following a symlink: these are the new /proc and /sys.  */
static int
mask_path (int rootfd, const struct rctr_mount_op *op, rctr_error_t *err)
{
  cleanup_close int target = -1;
  cleanup_close int null = -1;
  char src[32];
  struct stat st;

  target = rctr_open_in_root (rootfd, op->dest, O_PATH | O_NOFOLLOW, err);
  if (target < 0 && (*err)->status == ENOENT)
    {
      rctr_error_release (err);
      return 0;
    }
  if (target < 0 || fstat (target, &st) < 0)
    return target < 0 ? -1 : rctr_make_error (err, errno, "stat `%s`", op->dest);
  if (S_ISDIR (st.st_mode))
    {
      if (mount_at ("tmpfs", target, "tmpfs", op->flags, "size=0,mode=0555") < 0)
        return rctr_make_error (err, errno, "mask `%s` with an empty tmpfs", op->dest);
      return 0;
    }
  null = open_dev_null (err);
  if (null < 0)
    return -1;
  if (mount_at (rctr_proc_fd_path (src, sizeof (src), null), target, NULL, MS_BIND, NULL) < 0)
    return rctr_make_error (err, errno, "mask `%s` with /dev/null", op->dest);
  return 0;
}

/* Bind DEST onto itself and make that read-only. */
static int
readonly_path (int rootfd, const struct rctr_mount_op *op, rctr_error_t *err)
{
  cleanup_close int target = rctr_open_in_root (rootfd, op->dest, O_PATH | O_NOFOLLOW, err);
  char path[32];

  if (target < 0 && (*err)->status == ENOENT)
    {
      rctr_error_release (err);
      return 0;
    }
  if (target < 0)
    return -1;
  rctr_proc_fd_path (path, sizeof (path), target);
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return rctr_make_error (err, errno, "bind `%s` read-only", op->dest);
  return remount_dest_ro (rootfd, op->dest, err);
}

static int
execute_op (const struct rctr_mount_op *op, int rootfd, bool read_only, rctr_error_t *err)
{
  cleanup_close int target = -1;
  bool want_dir = !(op->type == RCTR_OP_DEV_NODE || (op->type == RCTR_OP_BIND && !op->source_is_dir));
  int r = 0;

  if (op->type == RCTR_OP_SYMLINK)
    {
      cleanup_free char *clean = rctr_path_clean (op->dest);
      cleanup_free char *dir = NULL;
      cleanup_free char *base = NULL;
      cleanup_close int parent = -1;

      rctr_path_split (clean, &dir, &base);
      parent = rctr_open_in_root (rootfd, dir, O_PATH | O_DIRECTORY, err);
      if (parent < 0)
        return -1;
      if (symlinkat (op->source, parent, base) < 0 && errno != EEXIST)
        return rctr_make_error (err, errno, "symlink `%s`", op->dest);
      return 0;
    }

  if (op->ro_root_only && !read_only)
    return 0;
  if (op->type == RCTR_OP_MASK)
    return mask_path (rootfd, op, err);
  if (op->type == RCTR_OP_READONLY)
    return readonly_path (rootfd, op, err);
  target = op_target (rootfd, op, want_dir, err);
  if (target < 0 && op->ro_root_only && ((*err)->status == ENOENT || (*err)->status == EROFS))
    {
      rctr_error_release (err); /* the image has no such directory, nor room for one */
      return 0;
    }
  if (target < 0)
    return rctr_error_wrap (err, "mount point `%s`", op->dest);
  switch (op->type)
    {
    case RCTR_OP_PROC:
      r = mount_at ("proc", target, "proc", op->flags, NULL);
      break;
    case RCTR_OP_SYSFS:
      return mount_sysfs (rootfd, op, target, err);
    case RCTR_OP_TMPFS:
      r = mount_at ("tmpfs", target, "tmpfs", op->flags, op->data);
      break;
    case RCTR_OP_DEV_NODE:
      r = mount_at (op->source, target, NULL, MS_BIND, NULL);
      break;
    case RCTR_OP_DEVPTS:
      r = mount_at ("devpts", target, "devpts", op->flags, op->data);
      break;
    case RCTR_OP_MQUEUE:
      r = mount_at ("mqueue", target, "mqueue", op->flags, NULL);
      break;
    case RCTR_OP_BIND:
      return mount_bind (rootfd, op, target, err);
    case RCTR_OP_SYMLINK:
    case RCTR_OP_MASK:
    case RCTR_OP_READONLY:
      break;
    }
  if (r < 0)
    return rctr_make_error (err, errno, "mount %s on `%s`", op_what (op), op->dest);
  return 0;
}

int
rctr_reopen_in_this_ns (const char *path, int fd, rctr_error_t *err)
{
  cleanup_close int here = open (path, O_PATH | O_CLOEXEC);
  struct stat a, b;

  if (here < 0)
    return rctr_make_error (err, errno, "open `%s`", path);
  if (fstat (here, &a) < 0 || fstat (fd, &b) < 0)
    return rctr_make_error (err, errno, "stat `%s`", path);
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return rctr_make_error (err, 0, "`%s` was replaced while the container started", path);
  return TAKE_FD (here);
}

int
rctr_mount_plan_reopen (struct rctr_mount_plan *plan, rctr_error_t *err)
{
  size_t i;

  for (i = 0; i < plan->n; i++)
    {
      struct rctr_mount_op *op = &plan->ops[i];
      int fd;

      if (op->type != RCTR_OP_BIND)
        continue;
      fd = rctr_reopen_in_this_ns (op->source_path, op->source_fd, err);
      if (fd < 0)
        return rctr_error_wrap (err, "volume `%s:%s`", op->source, op->dest);
      op->source_fd = fd; /* the original stays open in rctr, which closes it */
    }
  return 0;
}

int
rctr_mount_plan_execute (const struct rctr_mount_plan *plan, int rootfd, bool overlay, bool read_only,
                         rctr_error_t *err)
{
  size_t i;

  for (i = 0; i < plan->n; i++)
    if (execute_op (&plan->ops[i], rootfd, read_only || !overlay, err) < 0)
      return -1;
  return 0;
}
