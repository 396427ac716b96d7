/* rctr - the per-user user namespace holder; see holder.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/rundir.h"
#include "core/util.h"
#include "rootless/holder.h"

#define HOLDER_NAME "rctr-userns"

/* What a new holder tells rctr once it has unshared its user namespace. */
struct holder_hello
{
  int32_t errnum;
  int32_t pid;
};

static void
holder_file_names (enum rctr_userns_mode mode, char *pidfile, char *lockfile, size_t len)
{
  snprintf (pidfile, len, "userns-%s.pid", rctr_userns_mode_name (mode));
  snprintf (lockfile, len, "userns-%s.lock", rctr_userns_mode_name (mode));
}

static pid_t
read_pidfile (int rundir, const char *name)
{
  char buf[32];
  long pid;
  char *end;

  if (rctr_read_small_at (rundir, name, buf, sizeof (buf)) <= 0)
    return -1;
  pid = strtol (buf, &end, 10);
  if (pid <= 1 || pid > 1 << 22 || (*end != '\n' && *end != '\0'))
    return -1;
  return (pid_t) pid;
}

/* The map WHICH ("uid_map", "gid_map") of PID. */
static bool
read_proc_map (pid_t pid, const char *which, struct rctr_idmap *map)
{
  char path[64];

  snprintf (path, sizeof (path), "/proc/%d/%s", (int) pid, which);
  return rctr_idmap_read_proc (path, map);
}

static bool
same_map (const struct rctr_idmap *a, const struct rctr_idmap *b)
{
  return a->n == b->n && memcmp (a->l, b->l, a->n * sizeof (a->l[0])) == 0;
}

/* Has PID exited (a zombie not reaped yet counts)?  Its user namespace may
   live on in the zombie's credentials, but a holder that is gone must be
   replaced, not joined.  */
static bool
has_exited (pid_t pid)
{
#if HAVE_DECL_SYS_PIDFD_OPEN
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  struct pollfd p;

  if (pidfd < 0)
    return errno == ESRCH;
  p.fd = pidfd;
  p.events = POLLIN;
  return poll (&p, 1, 0) == 1;
#else
  return kill (pid, 0) < 0 && errno == ESRCH;
#endif
}

/* Open the user namespace of the recorded holder when it is ours and mapped
   as PLAN says; -1 when there is none or it is stale.  */
static int
open_recorded (int rundir, const char *pidfile, const struct rctr_userns_plan *plan, pid_t *ret_pid)
{
  struct rctr_idmap uids, gids;
  char path[64];
  cleanup_close int nsfd = -1;
  uid_t owner;
  pid_t pid = read_pidfile (rundir, pidfile);

  *ret_pid = pid;
  if (pid < 0)
    return -1;
  snprintf (path, sizeof (path), "/proc/%d/ns/user", (int) pid);
  nsfd = open (path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    return -1;
  /* The pid may have been reused since the file was written: whatever holds
     it now must be a user namespace of ours with exactly the maps wanted,
     which makes it as good as the holder itself.  */
  if (ioctl (nsfd, NS_GET_OWNER_UID, &owner) < 0 || owner != plan->host_uid)
    return -1;
  if (!read_proc_map (pid, "uid_map", &uids) || !read_proc_map (pid, "gid_map", &gids))
    return -1;
  if (!same_map (&uids, &plan->uid_map) || !same_map (&gids, &plan->gid_map) || has_exited (pid))
    return -1;
  return TAKE_FD (nsfd);
}

/* Stop PID if it is a holder of ours (by its name), e.g. one left stale. */
static bool
stop_if_holder (pid_t pid)
{
  char path[64], comm[32];

  if (pid <= 1)
    return false;
  snprintf (path, sizeof (path), "/proc/%d/comm", (int) pid);
  if (rctr_read_small_at (AT_FDCWD, path, comm, sizeof (comm)) <= 0)
    return false;
  comm[strcspn (comm, "\n")] = '\0';
  if (strcmp (comm, HOLDER_NAME) != 0)
    return false;
  return kill (pid, SIGTERM) == 0;
}

/* Watch PIDFILE in RUNDIR, and RUNDIR itself: the holder is done when its
   pid file is replaced (a new holder was recorded) or removed, or the
   runtime directory is (logind removes /run/user/UID at logout).  */
static int
watch_record (int rundir, const char *pidfile)
{
  char path[96];
  int ifd = inotify_init1 (IN_CLOEXEC);

  if (ifd < 0)
    return -1;
  snprintf (path, sizeof (path), "/proc/self/fd/%d/%s", rundir, pidfile);
  if (inotify_add_watch (ifd, path, IN_DELETE_SELF | IN_MOVE_SELF) < 0)
    return -1;
  snprintf (path, sizeof (path), "/proc/self/fd/%d", rundir);
  if (inotify_add_watch (ifd, path, IN_DELETE_SELF | IN_MOVE_SELF) < 0)
    return -1;
  return ifd;
}

/* The holder itself: in its new user namespace, wait to be mapped and
   recorded, then sit there with nothing open but a watch on its record,
   until that goes or SIGTERM comes.  */
static void __attribute__ ((noreturn)) holder_main (int ready, int go, int rundir, const char *pidfile)
{
  struct holder_hello hello;
  char events[4096];
  sigset_t all;
  char c = 0;
  int null, ifd;

  hello.pid = (int32_t) getpid ();
  hello.errnum = unshare (CLONE_NEWUSER) < 0 ? errno : 0;
  if (rctr_write_all (ready, &hello, sizeof (hello)) < 0 || hello.errnum != 0)
    _exit (1);
  if (rctr_read_all (go, &c, 1) != 1 || c != 'g')
    _exit (1);

  (void) chdir ("/");
  (void) prctl (PR_SET_NAME, HOLDER_NAME, 0, 0, 0);
  rctr_proctitle_set (HOLDER_NAME);
  ifd = watch_record (rundir, pidfile);
  if (ifd < 0)
    _exit (1);
  {
    int keep[] = { ifd };

    (void) rctr_close_fds (3, keep, 1, false);
  }
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    {
      (void) dup2 (null, 0);
      (void) dup2 (null, 1);
      (void) dup2 (null, 2);
      if (null > 2)
        close (null);
    }
  /* SIGTERM (kill's default) ends it; everything else waits.  */
  sigfillset (&all);
  sigdelset (&all, SIGTERM);
  signal (SIGTERM, SIG_DFL);
  sigprocmask (SIG_SETMASK, &all, NULL);
  while (read (ifd, events, sizeof (events)) < 0 && errno == EINTR)
    ;
  _exit (0);
}

/* Start a holder for PLAN and record it in PIDFILE; called under the lock. */
static int
spawn_holder (int rundir, const char *pidfile, const struct rctr_userns_plan *plan, rctr_error_t *err)
{
  struct holder_hello hello;
  int ready[2] = { -1, -1 }, go[2] = { -1, -1 };
  char buf[32];
  pid_t first;
  int status, r = -1;

  if (pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (go, O_CLOEXEC) < 0)
    {
      rctr_make_error (err, errno, "pipe");
      goto out;
    }
  first = fork ();
  if (first < 0)
    {
      rctr_make_error (err, errno, "fork the user namespace holder");
      goto out;
    }
  if (first == 0)
    {
      /* Detach: a session of its own, and reparented away from rctr, so
         that neither a closed terminal nor rctr's exit touches it.  */
      pid_t second;

      close (ready[0]);
      close (go[1]);
      if (setsid () < 0)
        _exit (1);
      second = fork ();
      if (second < 0)
        _exit (1);
      if (second == 0)
        holder_main (ready[1], go[0], rundir, pidfile);
      _exit (0);
    }
  rctr_close_quietly (TAKE_FD (ready[1]));
  rctr_close_quietly (TAKE_FD (go[0]));
  while (waitpid (first, &status, 0) < 0 && errno == EINTR)
    ;
  if (rctr_read_all (ready[0], &hello, sizeof (hello)) != (ssize_t) sizeof (hello))
    {
      rctr_make_error (err, 0, "the user namespace holder did not start");
      goto out;
    }
  if (hello.errnum != 0)
    {
      rctr_make_error (err, hello.errnum, "create a user namespace");
      goto out;
    }
  /* On any failure, closing GO makes the holder exit.  */
  if (rctr_userns_write_maps (plan, hello.pid, err) < 0)
    goto out;
  snprintf (buf, sizeof (buf), "%d\n", (int) hello.pid);
  if (rctr_write_file_atomic (rundir, pidfile, buf, strlen (buf), 0600, err) < 0)
    goto out;
  if (rctr_write_all (go[1], "g", 1) < 0)
    {
      rctr_make_error (err, errno, "start the user namespace holder");
      goto out;
    }
  r = 0;
out:
  rctr_close_quietly (ready[0]);
  rctr_close_quietly (ready[1]);
  rctr_close_quietly (go[0]);
  rctr_close_quietly (go[1]);
  return r;
}

int
rctr_holder_open (const struct rctr_userns_plan *plan, rctr_error_t *err)
{
  char pidfile[64], lockfile[64];
  cleanup_close int rundir = -1;
  cleanup_close int lock = -1;
  pid_t old;
  int nsfd;

  holder_file_names (plan->mode, pidfile, lockfile, sizeof (pidfile));
  rundir = rctr_runtime_dir_open (plan->run_dir, err);
  if (rundir < 0)
    return -1;
  nsfd = open_recorded (rundir, pidfile, plan, &old);
  if (nsfd >= 0)
    return nsfd;

  /* None, or stale: start one, once, however many runs start together.  */
  lock = openat (rundir, lockfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0)
    return rctr_make_error (err, errno, "open lock `%s`", lockfile);
  if (rctr_flock (lock, LOCK_EX) < 0)
    return rctr_make_error (err, errno, "lock `%s`", lockfile);
  nsfd = open_recorded (rundir, pidfile, plan, &old);
  if (nsfd >= 0)
    return nsfd;
  (void) stop_if_holder (old);
  if (spawn_holder (rundir, pidfile, plan, err) < 0)
    return -1;
  nsfd = open_recorded (rundir, pidfile, plan, &old);
  if (nsfd < 0)
    return rctr_make_error (err, 0, "the new user namespace holder (pid %d) is not mapped as asked",
                            (int) old);
  return nsfd;
}
