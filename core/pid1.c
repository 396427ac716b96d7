/* rctr - PID 1 of the container and the command's process; see init.h.  */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/env.h"
#include "core/init.h"
#include "core/util.h"

/* What the command's process tells PID 1 when it cannot exec. */
struct exec_failure
{
  int32_t stage; /* STAGE_CHDIR or STAGE_EXEC */
  int32_t errnum;
};

enum
{
  STAGE_CHDIR,
  STAGE_CAPS,
  STAGE_NO_NEW_PRIVS,
  STAGE_SECCOMP,
  STAGE_EXEC
};

void
rctr_forwarded_signals (sigset_t *set)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  size_t i;

  sigemptyset (set);
  for (i = 0; i < RCTR_ARRAY_SIZE (sigs); i++)
    sigaddset (set, sigs[i]);
}

/* execvpe, but with the PATH of the container's environment, and without
   glibc's fallback of running a file that is not executable with /bin/sh.
   Returns the errno the user should hear.  */
static int
exec_in_path (char *const *argv, char *const *envp)
{
  const char *name = argv[0];
  const char *path = NULL;
  bool denied = false;
  size_t i;

  if (strchr (name, '/'))
    {
      execve (name, argv, envp);
      return errno;
    }
  for (i = 0; envp[i]; i++)
    if (strncmp (envp[i], "PATH=", 5) == 0)
      path = envp[i] + 5;
  if (path == NULL)
    path = RCTR_DEFAULT_PATH;
  while (*path)
    {
      const char *colon = strchr (path, ':');
      size_t n = colon ? (size_t) (colon - path) : strlen (path);
      char full[PATH_MAX];

      /* After pivot_root these are the container's own paths.  */
      if (snprintf (full, sizeof (full), "%.*s%s%s", (int) n, path, n ? "/" : "", name) < (int) sizeof (full))
        {
          execve (full, argv, envp);
          if (errno == EACCES)
            denied = true;
          else if (errno != ENOENT && errno != ENOTDIR)
            return errno;
        }
      path += n + (colon ? 1 : 0);
      if (colon && *path == '\0')
        break;
    }
  return denied ? EACCES : ENOENT;
}

struct spawn
{
  const struct rctr_container *c;
  struct rctr_caps_prep caps;  /* made by PID 1, applied by the child */
  struct exec_failure failure; /* written by the child, in PID 1's memory */
};

/* _exit for the command's process: the raw syscall, in a function not
   declared noreturn, so that no sanitizer takes the process's own stack for
   a bad one on the way out.  The callers return after it for the compiler's
   sake; it does not come back.  */
static int
child_exit (int code)
{
  syscall (SYS_exit, code);
  return code;
}

/* The command's process, on a stack of its own in PID 1's memory (CLONE_VM
   | CLONE_VFORK, as posix_spawn does): PID 1 sleeps until the exec, so
   nothing is copied, and a failure is simply left in S.  Only syscalls and
   stack buffers here: no allocation, nothing that locks.  */
static int
command_main (void *arg)
{
  struct spawn *s = arg;
  const struct rctr_container *c = s->c;
  sigset_t none;
  int fd;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* Nothing of rctr's reaches the command: every fd above stderr is closed
     but the ones --preserve-fds passes on, which lose close-on-exec.  */
  if (rctr_close_fds (3 + (int) c->preserve_fds, NULL, 0, false) < 0)
    {
      s->failure = (struct exec_failure){ STAGE_EXEC, errno };
      return child_exit (126);
    }
  for (fd = 3; fd < 3 + (int) c->preserve_fds; fd++)
    (void) fcntl (fd, F_SETFD, 0);
  /* The working directory is entered only now, after pivot_root and with
     no fd of the host left to lead there (CVE-2024-21626).  */
  if (chdir (c->workdir ? c->workdir : "/") < 0)
    {
      s->failure = (struct exec_failure){ STAGE_CHDIR, errno };
      return child_exit (125);
    }
  /* In runc's order, last before exec: the capability sets, no_new_privs,
     then the seccomp filter, as late as can be.  Without no_new_privs the
     kernel takes a filter only from a holder of CAP_SYS_ADMIN: then it
     comes first, while the full set is still there.  */
  if (!c->no_new_privs && c->seccomp && rctr_seccomp_load (c->seccomp) < 0)
    {
      s->failure = (struct exec_failure){ STAGE_SECCOMP, errno };
      return child_exit (125);
    }
  if (rctr_caps_apply (&s->caps) < 0)
    {
      s->failure = (struct exec_failure){ STAGE_CAPS, errno };
      return child_exit (125);
    }
  if (c->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      s->failure = (struct exec_failure){ STAGE_NO_NEW_PRIVS, errno };
      return child_exit (125);
    }
  if (c->no_new_privs && c->seccomp && rctr_seccomp_load (c->seccomp) < 0)
    {
      s->failure = (struct exec_failure){ STAGE_SECCOMP, errno };
      return child_exit (125);
    }
  s->failure = (struct exec_failure){ STAGE_EXEC, exec_in_path (c->argv, c->env) };
  return child_exit (s->failure.errnum == ENOENT ? 127 : 126);
}

static void __attribute__ ((noreturn))
report_exec_failure (const struct rctr_container *c, int sync, pid_t pid, const struct exec_failure *f)
{
  struct rctr_sync_msg msg;
  int status = 0;

  memset (&msg, 0, sizeof (msg));
  msg.type = RCTR_SYNC_ERROR;
  msg.errnum = f->errnum;
  if (f->stage == STAGE_CHDIR)
    {
      msg.exit_code = 125;
      snprintf (msg.text, sizeof (msg.text), "workdir `%s`: %s", c->workdir ? c->workdir : "/",
                strerror (f->errnum));
    }
  else if (f->stage == STAGE_CAPS || f->stage == STAGE_NO_NEW_PRIVS || f->stage == STAGE_SECCOMP)
    {
      msg.exit_code = 125;
      snprintf (msg.text, sizeof (msg.text), "%s: %s",
                f->stage == STAGE_CAPS           ? "set the command's capabilities"
                : f->stage == STAGE_NO_NEW_PRIVS ? "set no_new_privs"
                                                 : "load the seccomp filter",
                strerror (f->errnum));
    }
  else
    {
      msg.exit_code = f->errnum == ENOENT ? 127 : 126;
      if (f->errnum == ENOENT && strchr (c->argv[0], '/') == NULL)
        snprintf (msg.text, sizeof (msg.text), "exec \"%s\": executable file not found in $PATH", c->argv[0]);
      else
        snprintf (msg.text, sizeof (msg.text), "exec \"%s\": %s", c->argv[0], strerror (f->errnum));
    }
  (void) rctr_sync_send (sync, &msg);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  _exit (msg.exit_code);
}

/* A stack for the command's process until its exec. */
static char spawn_stack[64 * 1024] __attribute__ ((aligned (16)));

void
rctr_pid1_main (const struct rctr_container *c, int sync, struct rctr_sync_msg *running)
{
  struct spawn s = { c, { NULL, 0, 0 }, { STAGE_EXEC, 0 } };
  rctr_error_t err = NULL;
  sigset_t set;
  pid_t pid;

  if (rctr_caps_prepare (c->caps, &s.caps, &err) < 0)
    {
      (void) rctr_sync_send_error (sync, err, 125);
      _exit (125);
    }
  pid = clone (command_main, spawn_stack + sizeof (spawn_stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &s);
  if (pid < 0)
    {
      rctr_make_error (&err, errno, "start the command");
      (void) rctr_sync_send_error (sync, err, 125);
      _exit (125);
    }
  /* Back here once the command has exec'd, or failed to.  */
  if (s.failure.errnum != 0)
    report_exec_failure (c, sync, pid, &s.failure);
  rctr_caps_prep_release (&s.caps);
  rctr_step (running, "exec");
  (void) rctr_sync_send (sync, running);
  close (sync);
  /* PID 1 needs no capability to reap and to forward signals.  */
  (void) rctr_caps_drop_all ();

  /* rctr blocked these before clone; they wait here to be taken.  */
  rctr_forwarded_signals (&set);
  sigaddset (&set, SIGCHLD);
  for (;;)
    {
      int sig = sigwaitinfo (&set, NULL);

      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          (void) kill (pid, sig);
          continue;
        }
      for (;;)
        {
          int status;
          pid_t p = waitpid (-1, &status, WNOHANG);

          if (p <= 0)
            break;
          /* When the command ends, so does the container: the kernel kills
             whatever is left in the PID namespace when PID 1 exits.  */
          if (p == pid)
            _exit (rctr_exit_code_of (status));
        }
    }
}
