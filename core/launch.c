/* rctr - the parent's side of a run: namespaces, maps, sync, signals and the
 * exit status.  (The parent's side in ../shared/seeds: docker's
 * namespaces/exec.go and youki's container_main_process.rs.)
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/container.h"
#include "core/init.h"
#include "core/mounts.h"
#include "core/util.h"
#include "rootless/userns.h"

static void
notify (const struct rctr_container *c, enum rctr_event_kind kind, const char *text, uint64_t ns)
{
  struct rctr_event ev = { kind, text, ns };

  if (c->notify && (kind != RCTR_EVENT_STEP || c->debug))
    c->notify (c->notify_data, &ev);
}

static void
step (const struct rctr_container *c, const char *name)
{
  if (c->debug)
    notify (c, RCTR_EVENT_STEP, name, rctr_now_ns ());
}

/* Join the holder's user namespace (subordinate ranges), or leave it to
   clone to create one that rctr maps (CLONE_NEWUSER added to *FLAGS). */
static int
enter_userns (struct rctr_container *c, unsigned long *flags, rctr_error_t *err)
{
  cleanup_close int nsfd = -1;

  rctr_userns_prepare (c->userns, &nsfd);
  if (c->userns->notice)
    notify (c, RCTR_EVENT_NOTICE, c->userns->notice, 0);
  if (nsfd < 0)
    {
      *flags |= CLONE_NEWUSER;
      return 0;
    }
  if (setns (nsfd, CLONE_NEWUSER) < 0)
    return rctr_make_error (err, errno, "join the user namespace held by rctr-userns");
  return 0;
}

static void
reap (pid_t pid, int *status)
{
  while (waitpid (pid, status, 0) < 0 && errno == EINTR)
    ;
}

/* Until the command runs: notices, an error, or the steps of the start. */
static int
wait_running (struct rctr_container *c, int sync, pid_t pid, char *scratch, size_t len, int *ret_exit,
              rctr_error_t *err)
{
  struct rctr_sync_msg msg;
  uint32_t i;
  int status = 0;

  for (;;)
    {
      int r = rctr_sync_recv (sync, &msg);

      if (r == 1 && msg.type == RCTR_SYNC_NOTICE)
        {
          notify (c, RCTR_EVENT_NOTICE, msg.text, 0);
          continue;
        }
      if (r == 1 && msg.type == RCTR_SYNC_SCRATCH)
        {
          if (strlen (msg.text) < len)
            memcpy (scratch, msg.text, strlen (msg.text) + 1);
          continue;
        }
      if (r == 1 && msg.type == RCTR_SYNC_RUNNING)
        {
          for (i = 0; i < msg.n_steps; i++)
            notify (c, RCTR_EVENT_STEP, msg.steps[i].name, msg.steps[i].ns);
          return 0;
        }
      reap (pid, &status);
      if (r == 1 && msg.type == RCTR_SYNC_ERROR)
        {
          *ret_exit = msg.exit_code;
          return rctr_sync_error_from_msg (&msg, err);
        }
      *ret_exit = 125;
      if (WIFSIGNALED (status))
        return rctr_make_error (err, 0, "the container's init was killed by signal %d while starting",
                                WTERMSIG (status));
      return rctr_make_error (err, 0, "the container's init exited with status %d while starting",
                              WIFEXITED (status) ? WEXITSTATUS (status) : -1);
    }
}

/* While the command runs: forward signals to PID 1, which forwards them to
   the command; end with PID 1's status. */
static int
forward_until_exit (pid_t pid, const sigset_t *set)
{
  for (;;)
    {
      int status, sig = sigwaitinfo (set, NULL);

      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          (void) kill (pid, sig);
          continue;
        }
      if (waitpid (pid, &status, WNOHANG) == pid)
        return rctr_exit_code_of (status);
    }
}

/* Remove the upper layer the container kept on disk, once it is gone.  In
   the holder's namespace rctr may remove what the container's ids made;
   otherwise they are all the user's own.  What cannot be removed now, the
   next unpack or disk-backed run removes (it is no longer locked).  */
static void
remove_scratch (const struct rctr_container *c, const char *name)
{
  cleanup_close int dir = -1;
  rctr_error_t err = NULL;

  if (name[0] == '\0' || c->scratch_path == NULL)
    return;
  dir = open (c->scratch_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0 && rctr_remove_tree_at (dir, name, &err) == 0)
    return;
  if (err)
    {
      rctr_error_wrap (&err, "remove the container's upper layer from `%s`", c->scratch_path);
      notify (c, RCTR_EVENT_NOTICE, err->msg, 0);
      rctr_error_release (&err);
    }
}

static void
kill_and_reap (pid_t pid)
{
  int status;

  (void) kill (pid, SIGKILL);
  reap (pid, &status);
}

int
rctr_container_run (struct rctr_container *c, int *ret_exit, rctr_error_t *err)
{
  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
  struct rctr_mount_plan plan;
  cleanup_close int sync = -1;
  enum rctr_init_start how;
  char scratch[32] = "";
  sigset_t set, old;
  int fds[2], r = -1;
  pid_t pid;

  *ret_exit = 125;
  if (c->net == RCTR_NET_NONE)
    flags |= CLONE_NEWNET;
  memset (&plan, 0, sizeof (plan));
  if (enter_userns (c, &flags, err) < 0)
    goto out;
  /* After the user namespace is settled: a failing newuidmap may have left
     only the single-id mapping, without gid 5 for /dev/pts.  */
  if (rctr_mount_plan_build (c, rctr_idmap_has_inside (&c->userns->gid_map, 5) ? 5 : -1, &plan, err) < 0)
    goto out;
  step (c, "userns");
  if (rctr_sync_pair (fds, err) < 0)
    goto out;

  /* Blocked from before the clone: PID 1 inherits the mask and takes them
     with sigwaitinfo, and none is lost in between.  */
  rctr_forwarded_signals (&set);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, &old);

  how = !(flags & CLONE_NEWUSER)                                           ? RCTR_INIT_MAPPED
        : c->userns->writer == RCTR_MAP_DIRECT && c->userns->host_uid != 0 ? RCTR_INIT_SELF_MAP
                                                                           : RCTR_INIT_GO;
  pid = (pid_t) syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    {
      close (fds[0]);
      rctr_init_main (c, &plan, fds[1], how);
    }
  rctr_close_quietly (fds[1]);
  sync = fds[0];
  if (pid < 0)
    {
      int e = errno;
      cleanup_free char *why = (flags & CLONE_NEWUSER) ? rctr_userns_explain_failure (e) : NULL;

      rctr_make_error (err, e, "create the container's namespaces%s%s%s", why ? " (" : "", why ? why : "",
                       why ? ")" : "");
      goto restore;
    }
  step (c, "clone");

  if (how == RCTR_INIT_GO)
    {
      if (rctr_userns_write_maps (c->userns, pid, err) < 0)
        {
          rctr_error_wrap (err, "map the container's user namespace");
          kill_and_reap (pid);
          goto restore;
        }
      step (c, "maps");
      if (rctr_sync_send_type (sync, RCTR_SYNC_GO) < 0)
        {
          rctr_make_error (err, errno, "start the container's init");
          kill_and_reap (pid);
          goto restore;
        }
    }
  if (wait_running (c, sync, pid, scratch, sizeof (scratch), ret_exit, err) < 0)
    goto restore;
  rctr_close_quietly (TAKE_FD (sync));
  *ret_exit = forward_until_exit (pid, &set);
  r = 0;

restore:
  remove_scratch (c, scratch);
  sigprocmask (SIG_SETMASK, &old, NULL);
out:
  rctr_mount_plan_free (&plan);
  return r;
}
