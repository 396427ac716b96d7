/* rctr - the init sequence inside the container; see init.h.
 *
 * The order is runc's standard init (libcontainer/standard_init_linux.go):
 * the root and its mounts (the masked and read-only paths of /proc and /sys
 * last among them), pivot_root, hostname, network, a new session keyring;
 * then the command, whose process sets its capabilities and no_new_privs
 * last before exec.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/init.h"
#include "core/net.h"
#include "core/path.h"
#include "core/rootfs.h"
#include "core/util.h"
#include "rootless/idmap.h"

void
rctr_step (struct rctr_sync_msg *msg, const char *name)
{
  if (msg->n_steps >= RCTR_MAX_STEPS)
    return;
  snprintf (msg->steps[msg->n_steps].name, sizeof (msg->steps[0].name), "%s", name);
  msg->steps[msg->n_steps].ns = rctr_now_ns ();
  msg->n_steps++;
}

static void
send_notice (int sync, const char *text)
{
  struct rctr_sync_msg msg;

  memset (&msg, 0, sizeof (msg));
  msg.type = RCTR_SYNC_NOTICE;
  snprintf (msg.text, sizeof (msg.text), "%s", text);
  (void) rctr_sync_send (sync, &msg);
}

/* Die with rctr, and get mapped.  If rctr died before PR_SET_PDEATHSIG was
   set, its end of the socket is closed: waiting for GO, or peeking, sees
   end of file.  */
static int
start (const struct rctr_container *c, int sync, enum rctr_init_start how, rctr_error_t *err)
{
  struct rctr_sync_msg msg;
  char byte;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return rctr_make_error (err, errno, "prctl PR_SET_PDEATHSIG");
  switch (how)
    {
    case RCTR_INIT_GO:
      if (rctr_sync_recv (sync, &msg) != 1 || msg.type != RCTR_SYNC_GO)
        _exit (125);
      break;
    case RCTR_INIT_SELF_MAP:
    case RCTR_INIT_MAPPED:
      if (recv (sync, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
        _exit (125);
      break;
    }
  /* A single id needs no help: the owner of a user namespace may map its own
     uid and gid in it, as `unshare -r` does, which saves a round trip.  */
  if (how == RCTR_INIT_SELF_MAP && rctr_userns_write_maps (c->userns, 0, err) < 0)
    return rctr_error_wrap (err, "map the container's user namespace");
  /* Once mapped (a non-dumpable process may not write its own maps): the
     container's root may not ptrace this process or open /proc/1/fd, where
     it would find rctr's fds of the host (CVE-2016-9962).  Its mm belongs
     to the initial user namespace, where the container has no capability. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return rctr_make_error (err, errno, "prctl PR_SET_DUMPABLE");
  return 0;
}

/* The upper layer on disk, in the store's tmp/: rctr is told its name, to
   remove it once the container is gone.  */
static int
upper_on_disk (int scratchfd, int sync, int *ret_fd, int *ret_lock, rctr_error_t *err)
{
  struct rctr_sync_msg msg;
  char name[32];

  if (rctr_rootfs_disk_upper (scratchfd, name, sizeof (name), ret_lock, err) < 0)
    return -1;
  memset (&msg, 0, sizeof (msg));
  msg.type = RCTR_SYNC_SCRATCH;
  snprintf (msg.text, sizeof (msg.text), "%s", name);
  if (rctr_sync_send (sync, &msg) < 0)
    return rctr_make_error (err, errno, "tell rctr the upper layer's name");
  *ret_fd = openat (scratchfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (*ret_fd < 0)
    return rctr_make_error (err, errno, "open the upper layer `%s`", name);
  return 0;
}

static int
prepare_workdir (const struct rctr_container *c, int rootfd, rctr_error_t *err)
{
  int fd;

  if (c->workdir == NULL)
    return 0;
  /* Made when missing, as docker does (which fails only inside a
     read-only part of the image).  */
  fd = rctr_mkdir_p_in_root (rootfd, c->workdir, 0755, err);
  if (fd < 0)
    return rctr_error_wrap (err, "workdir `%s`", c->workdir);
  rctr_close_quietly (fd);
  return 0;
}

void
rctr_init_main (const struct rctr_container *c, struct rctr_mount_plan *plan, int sync,
                enum rctr_init_start how)
{
  struct rctr_sync_msg running;
  rctr_error_t err = NULL;
  cleanup_close int stagefd = -1;
  cleanup_close int rootfd = -1;
  cleanup_close int lowerfd = -1;
  cleanup_close int scratchfd = -1;
  cleanup_close int diskfd = -1;
  int upper_lock = -1; /* held until PID 1 exits */
  bool overlay = false;

  memset (&running, 0, sizeof (running));
  running.type = RCTR_SYNC_RUNNING;
  if (start (c, sync, how, &err) < 0)
    goto fail;
  rctr_step (&running, how == RCTR_INIT_GO ? "go" : how == RCTR_INIT_SELF_MAP ? "maps" : "joined");

  /* Nothing mounted here may reach the host.  */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    {
      rctr_make_error (&err, errno, "make the mounts private");
      goto fail;
    }
  rctr_step (&running, "propagation");

  /* Before the staging tmpfs hides any host path.  */
  lowerfd = rctr_reopen_in_this_ns (c->rootfs_path, c->rootfs_fd, &err);
  if (lowerfd < 0 || rctr_mount_plan_reopen (plan, &err) < 0)
    goto fail;
  if (c->scratch_path)
    scratchfd = open (c->scratch_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  stagefd = rctr_staging_mount (&err);
  if (stagefd < 0)
    goto fail;
  if (!c->no_overlay && scratchfd >= 0 && (c->upper_on_disk || !rctr_staging_has_user_xattrs ()))
    {
      if (upper_on_disk (scratchfd, sync, &diskfd, &upper_lock, &err) < 0)
        goto fail;
      rctr_step (&running, "upper-on-disk");
    }
  rootfd = rctr_rootfs_mount (c, lowerfd, stagefd, diskfd >= 0 ? diskfd : stagefd, &overlay, &err);
  if (rootfd < 0)
    goto fail;
  if (!overlay && !c->no_overlay)
    send_notice (sync,
                 "the kernel refused an unprivileged overlay mount (it needs Linux 5.11): the root is the "
                 "image, read-only, with tmpfs on /tmp, /run and /var/tmp");
  if (!overlay && rctr_rootfs_bind_etc (c, stagefd, rootfd, &err) < 0)
    goto fail;
  rctr_step (&running, overlay ? "rootfs-overlay" : "rootfs-readonly");

  if (rctr_mount_plan_execute (plan, rootfd, overlay, c->read_only, &err) < 0)
    goto fail;
  rctr_step (&running, "mounts");

  if (prepare_workdir (c, rootfd, &err) < 0)
    goto fail;
  if ((c->read_only || !overlay) && rctr_rootfs_seal (rootfd, &err) < 0)
    goto fail;

  if (rctr_rootfs_pivot (rootfd, &err) < 0)
    goto fail;
  rctr_step (&running, "pivot_root");

  if (rctr_set_hostname (c->hostname, &err) < 0)
    goto fail;
  if (c->net == RCTR_NET_NONE && rctr_loopback_up (&err) < 0)
    goto fail;
  rctr_step (&running, "hostname+lo");

  /* A session keyring of the container's own: the kernel keyring is not
     namespaced, and the host session's may hold its user's credentials
     (Kerberos tickets on HPC nodes).  As runc's init; where keyrings are
     not built in, there is nothing to leave.  */
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
    {
      rctr_make_error (&err, errno, "join a new session keyring");
      goto fail;
    }

  /* A session of its own: no controlling terminal shared with the host.  */
  if (setsid () < 0)
    {
      rctr_make_error (&err, errno, "setsid");
      goto fail;
    }
  /* PID 1 keeps nothing of the host but its socket to rctr and the lock of
     its upper layer on disk: no fd of the store, the image, a volume's
     source, or whatever rctr's caller left open (CVE-2016-9962) but the ones
     --preserve-fds passes on.  */
  {
    int keep[] = { sync, upper_lock };

    stagefd = rootfd = lowerfd = scratchfd = diskfd = -1;
    if (rctr_close_fds (3 + (int) c->preserve_fds, keep, RCTR_ARRAY_SIZE (keep), false) < 0)
      {
        rctr_make_error (&err, errno, "close rctr's fds");
        goto fail;
      }
  }
  rctr_pid1_main (c, sync, &running);

fail:
  (void) rctr_sync_send_error (sync, err, 125);
  _exit (125);
}
