/* rctr - the container's file system: planned by rctr before the start,
 * executed by the container's init in order.  (bubblewrap's SetupOp list.)
 */
#ifndef RCTR_MOUNTS_H
#define RCTR_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/container.h"
#include "core/error.h"

enum rctr_mount_op_type
{
  RCTR_OP_PROC,     /* a new procfs */
  RCTR_OP_SYSFS,    /* sysfs, read-only (the host's, bound, with --net=host) */
  RCTR_OP_TMPFS,    /* a tmpfs with DATA and FLAGS */
  RCTR_OP_DEV_NODE, /* the host's device node SOURCE bound onto a new file */
  RCTR_OP_DEVPTS,   /* a new devpts instance */
  RCTR_OP_MQUEUE,   /* the mqueue of the new IPC namespace */
  RCTR_OP_SYMLINK,  /* DEST -> SOURCE */
  RCTR_OP_BIND,     /* SOURCE_FD bound at DEST (a volume), read-only when asked */
  RCTR_OP_MASK,     /* DEST hidden: /dev/null over a file, an empty read-only tmpfs over a directory */
  RCTR_OP_READONLY  /* DEST bound onto itself, read-only */
};

struct rctr_mount_op
{
  enum rctr_mount_op_type type;
  const char *dest; /* absolute path inside the container */
  const char *source;
  const char *source_path; /* BIND: the source's absolute host path */
  int source_fd;
  bool source_is_dir;
  bool readonly;
  bool ro_root_only; /* only when the root is read-only (then optional) */
  unsigned long flags;
  char *data;  /* owned */
  char *owned; /* a string DEST or SOURCE points into, freed with the op */
};

struct rctr_mount_plan
{
  struct rctr_mount_op *ops;
  size_t n;
};

/* Plan the mounts of C, in the order they are made: /proc, /sys, /dev and
   what is in it, the tmpfs of a read-only root, --tmpfs, then volumes.
   DEVPTS_GID is the gid of /dev/pts entries (5, "tty", when it is mapped;
   -1 to leave it out). */
int rctr_mount_plan_build (const struct rctr_container *c, long devpts_gid, struct rctr_mount_plan *plan,
                           rctr_error_t *err);
void rctr_mount_plan_free (struct rctr_mount_plan *plan);

/* Open PATH again in the current mount namespace and check that it is still
   the file FD (opened by rctr before the clone) is.  A bind mount cannot
   take its source from another mount namespace, so the container's init
   reopens what rctr checked, by path, before anything hides the path. */
int rctr_reopen_in_this_ns (const char *path, int fd, rctr_error_t *err);

/* Reopen the sources of PLAN's bind mounts in this mount namespace. */
int rctr_mount_plan_reopen (struct rctr_mount_plan *plan, rctr_error_t *err);

/* In the container's init: make each mount of PLAN under ROOTFD, making
   missing destinations (which fails only inside a read-only part of the
   image).  OVERLAY says whether the root is an overlay; READ_ONLY whether it
   will be read-only: without an overlay, or with --read-only, /tmp, /run and
   /var/tmp get a tmpfs. */
int rctr_mount_plan_execute (const struct rctr_mount_plan *plan, int rootfd, bool overlay, bool read_only,
                             rctr_error_t *err);

/* Remount the mount at PATH read-only, keeping the flags that the kernel
   locks in a user namespace (nosuid, nodev, noexec, atime). */
int rctr_remount_ro (const char *path, rctr_error_t *err);

#endif
