/* rctr - running work inside a user namespace; see userns.h.  */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sync.h"
#include "core/util.h"
#include "rootless/holder.h"
#include "rootless/userns.h"

void
rctr_userns_prepare (struct rctr_userns_plan *plan, int *ret_nsfd)
{
  rctr_error_t herr = NULL;
  int nsfd;

  *ret_nsfd = -1;
  if (plan->writer != RCTR_MAP_HELPERS)
    return;
  nsfd = rctr_holder_open (plan, &herr);
  if (nsfd >= 0)
    {
      *ret_nsfd = nsfd;
      return;
    }
  /* newuidmap present but failing (no setuid bit, a range it refuses...):
     say why, then go on with what needs no helper.  */
  rctr_userns_plan_single (
      plan, xasprintf ("%s; falling back to mapping only uid %u", herr->msg, (unsigned) plan->host_uid));
  rctr_error_release (&herr);
}

static void __attribute__ ((noreturn))
child_main (pid_t parent, int nsfd, int sync, rctr_userns_fn fn, void *data)
{
  rctr_error_t err = NULL;
  struct rctr_sync_msg msg;

  /* A killed rctr takes its worker along: an unpack must not go on to
     publish behind the back of a user who pressed Ctrl-C.  */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid () != parent)
    _exit (125);

  if (nsfd >= 0)
    {
      if (setns (nsfd, CLONE_NEWUSER) < 0)
        {
          rctr_make_error (&err, errno, "join the user namespace of the holder");
          goto fail;
        }
    }
  else
    {
      if (unshare (CLONE_NEWUSER) < 0)
        {
          int e = errno;
          cleanup_free char *why = rctr_userns_explain_failure (e);

          rctr_make_error (&err, e, "create a user namespace (%s)", why);
          goto fail;
        }
      if (rctr_sync_send_type (sync, RCTR_SYNC_READY) < 0 || rctr_sync_recv (sync, &msg) != 1
          || msg.type != RCTR_SYNC_GO)
        _exit (125);
    }
  /* Root in the namespace: the image's owners can be given to its files.  */
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    {
      rctr_make_error (&err, errno, "become root in the user namespace");
      goto fail;
    }
  memset (&msg, 0, sizeof (msg));
  msg.type = RCTR_SYNC_DONE;
  if (fn (data, msg.text, sizeof (msg.text), &err) < 0)
    goto fail;
  (void) rctr_sync_send (sync, &msg);
  _exit (0);
fail:
  (void) rctr_sync_send_error (sync, err, 125);
  _exit (125);
}

int
rctr_userns_run (struct rctr_userns_plan *plan, rctr_userns_fn fn, void *data, char *result, size_t len,
                 rctr_error_t *err)
{
  pid_t self = getpid ();
  cleanup_close int nsfd = -1;
  cleanup_close int parent_end = -1;
  struct rctr_sync_msg msg;
  int fds[2], status, r;
  pid_t pid;

  rctr_userns_prepare (plan, &nsfd);
  if (rctr_sync_pair (fds, err) < 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    {
      rctr_close_quietly (fds[0]);
      rctr_close_quietly (fds[1]);
      return rctr_make_error (err, errno, "fork");
    }
  if (pid == 0)
    {
      close (fds[0]);
      child_main (self, nsfd, fds[1], fn, data);
    }
  rctr_close_quietly (fds[1]);
  parent_end = fds[0];

  r = rctr_sync_recv (parent_end, &msg);
  if (r == 1 && msg.type == RCTR_SYNC_READY)
    {
      if (rctr_userns_write_maps (plan, pid, err) < 0)
        {
          kill (pid, SIGKILL);
          while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
            ;
          return -1;
        }
      if (rctr_sync_send_type (parent_end, RCTR_SYNC_GO) < 0)
        rctr_make_error (err, errno, "sync with the user namespace child");
      r = rctr_sync_recv (parent_end, &msg);
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (r == 1 && msg.type == RCTR_SYNC_DONE && WIFEXITED (status) && WEXITSTATUS (status) == 0)
    {
      if (result && len > 0)
        snprintf (result, len, "%s", msg.text);
      return 0;
    }
  if (r == 1 && msg.type == RCTR_SYNC_ERROR)
    return rctr_sync_error_from_msg (&msg, err);
  if (WIFSIGNALED (status))
    return rctr_make_error (err, 0, "the process working in the user namespace was killed by signal %d",
                            WTERMSIG (status));
  return rctr_make_error (err, 0,
                          "the process working in the user namespace ended without a word (status %d)",
                          WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}
