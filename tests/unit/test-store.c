/* Unit tests: the store's paths, index and locks (image/store.c).  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rundir.h"
#include "core/util.h"
#include "image/store.h"
#include "tests/unit/tap.h"

static const char digest_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static void
test_default_path (void)
{
  rctr_error_t err = NULL;
  char *p = NULL;

  setenv ("RCTR_STORE", "/s/tore", 1);
  tap_ok (rctr_store_default_path (&p, &err) == 0 && strcmp (p, "/s/tore") == 0, "RCTR_STORE first");
  free (p);
  setenv ("RCTR_STORE", "relative", 1);
  tap_ok (rctr_store_default_path (&p, &err) < 0 && err && strstr (err->msg, "absolute"),
          "relative RCTR_STORE refused");
  rctr_error_release (&err);
  unsetenv ("RCTR_STORE");
  setenv ("XDG_DATA_HOME", "/x/data", 1);
  tap_ok (rctr_store_default_path (&p, &err) == 0 && strcmp (p, "/x/data/rctr") == 0,
          "then $XDG_DATA_HOME/rctr");
  free (p);
  unsetenv ("XDG_DATA_HOME");
  setenv ("HOME", "/home/u", 1);
  tap_ok (rctr_store_default_path (&p, &err) == 0 && strcmp (p, "/home/u/.local/share/rctr") == 0,
          "then ~/.local/share/rctr");
  free (p);
}

static void
test_index_key (void)
{
  struct stat a, b;
  cleanup_free char *ka = NULL, *kb = NULL, *kc = NULL;

  memset (&a, 0, sizeof (a));
  a.st_dev = 0x801;
  a.st_ino = 1234;
  a.st_size = 4096;
  a.st_mtim.tv_sec = 1700000000;
  a.st_mtim.tv_nsec = 5;
  a.st_ctim.tv_sec = 1700000001;
  a.st_ctim.tv_nsec = 7;
  b = a;
  ka = rctr_store_index_key (&a);
  tap_is_str (ka, "801-4d2-1000-1700000000.000000005-1700000001.000000007", "key of a file");
  b.st_mtim.tv_nsec = 6;
  kb = rctr_store_index_key (&b);
  tap_ok (strcmp (ka, kb) != 0, "a new mtime is a new key");
  b = a;
  b.st_size = 4097;
  kc = rctr_store_index_key (&b);
  tap_ok (strcmp (ka, kc) != 0, "a new size is a new key");
}

static void
test_store (void)
{
  char base[] = "/tmp/rctr-test-store-XXXXXX";
  cleanup_free char *path = NULL;
  cleanup_free char *cmd = NULL;
  struct rctr_store s = { -1, NULL };
  rctr_error_t err = NULL;
  char digest[RCTR_DIGEST_HEX_LEN + 1];
  struct stat st, file;
  int lock1, lock2;

  if (mkdtemp (base) == NULL)
    abort ();
  path = xasprintf ("%s/a/b/store", base);
  tap_ok (rctr_store_open (&s, path, false, &err) == 0 && s.dirfd < 0,
          "a missing store is not created on lookup");
  rctr_store_close (&s);
  tap_ok (rctr_store_open (&s, path, true, &err) == 0 && s.dirfd >= 0, "created on demand, parents too");
  tap_ok (stat (path, &st) == 0 && (st.st_mode & 07777) == 0700, "the store is 0700");
  tap_ok (rctr_store_prepare (&s, &err) == 0, "subdirectories made");
  tap_ok (fstatat (s.dirfd, "images", &st, 0) == 0 && (st.st_mode & 07777) == 0700, "images/ is 0700");

  memset (&file, 0, sizeof (file));
  file.st_ino = 42;
  tap_ok (rctr_store_index_get (&s, &file, digest) == 0, "unknown file: no index entry");
  tap_ok (rctr_store_index_put (&s, &file, digest_a, &err) == 0, "index entry written");
  tap_ok (rctr_store_index_get (&s, &file, digest) == 1 && strcmp (digest, digest_a) == 0,
          "index entry read back");
  tap_ok (symlinkat ("not-a-digest", s.dirfd, "index/bogus") == 0, "plant a bogus entry");
  tap_ok (rctr_store_open_rootfs (&s, digest_a, &err) < 0 && errno == ENOENT && err == NULL,
          "an image not there is ENOENT without an error");

  lock1 = rctr_store_lock (&s, digest_a, LOCK_SH, &err);
  lock2 = rctr_store_lock (&s, digest_a, LOCK_SH | LOCK_NB, &err);
  tap_ok (lock1 >= 0 && lock2 >= 0, "two shared locks (two running containers)");
  close (lock2);
  lock2 = rctr_store_lock (&s, digest_a, LOCK_EX | LOCK_NB, &err);
  tap_ok (lock2 < 0 && err == NULL && errno == EWOULDBLOCK, "exclusive refused while in use");
  close (lock1);
  lock2 = rctr_store_lock (&s, digest_a, LOCK_EX | LOCK_NB, &err);
  tap_ok (lock2 >= 0, "exclusive once unused");
  close (lock2);
  rctr_store_close (&s);

  /* A store that is someone else's or open to others.  */
  tap_ok (chmod (path, 0755) == 0 && rctr_store_open (&s, path, false, &err) == 0, "a 0755 store opens");
  tap_ok (stat (path, &st) == 0 && (st.st_mode & 07777) == 0700, "and is made 0700 again");
  rctr_store_close (&s);
  cmd = xasprintf ("rm -rf '%s'", base);
  if (system (cmd) != 0)
    tap_diag ("could not remove %s", base);
}

static void
test_rundir (void)
{
  char base[] = "/tmp/rctr-test-rundir-XXXXXX";
  cleanup_free char *rctr = NULL;
  cleanup_free char *cmd = NULL;
  rctr_error_t err = NULL;
  struct stat st;
  int fd;

  if (mkdtemp (base) == NULL)
    abort ();
  rctr = xasprintf ("%s/rctr", base);
  setenv ("XDG_RUNTIME_DIR", base, 1);
  fd = rctr_runtime_dir_open (NULL, &err);
  tap_ok (fd >= 0 && stat (rctr, &st) == 0 && (st.st_mode & 07777) == 0700,
          "$XDG_RUNTIME_DIR/rctr made 0700");
  close (fd);
  chmod (rctr, 0755);
  fd = rctr_runtime_dir_open (NULL, &err);
  tap_ok (fd < 0 && err && strstr (err->msg, "open to other users"), "refused when open to others: %s",
          err ? err->msg : "");
  rctr_error_release (&err);
  rmdir (rctr);
  if (symlink ("/tmp", rctr) < 0)
    abort ();
  fd = rctr_runtime_dir_open (NULL, &err);
  tap_ok (fd < 0 && err && strstr (err->msg, "symlink"), "refused when a symlink: %s", err ? err->msg : "");
  rctr_error_release (&err);
  unlink (rctr);
  if (geteuid () == 0)
    {
      /* Someone else's directory at the predictable path.  */
      mkdir (rctr, 0700);
      if (chown (rctr, 65534, 65534) < 0)
        abort ();
      fd = rctr_runtime_dir_open (NULL, &err);
      tap_ok (fd < 0 && err && strstr (err->msg, "belongs to uid 65534"), "refused when another user's: %s",
              err ? err->msg : "");
      rctr_error_release (&err);
    }
  else
    tap_diag ("another user's directory: only root can make one to test with");
  {
    cleanup_free char *fallback = xasprintf ("%s/store/run/host", base);

    unsetenv ("XDG_RUNTIME_DIR");
    fd = rctr_runtime_dir_open (NULL, &err);
    tap_ok (fd < 0 && err && strstr (err->msg, "XDG_RUNTIME_DIR"),
            "no $XDG_RUNTIME_DIR and no fallback: said");
    rctr_error_release (&err);
    fd = rctr_runtime_dir_open (fallback, &err);
    tap_ok (fd >= 0 && stat (fallback, &st) == 0 && (st.st_mode & 07777) == 0700,
            "no $XDG_RUNTIME_DIR: the fallback is made, 0700, with its parents");
    close (fd);
  }
  cmd = xasprintf ("rm -rf '%s'", base);
  if (system (cmd) != 0)
    tap_diag ("could not remove %s", base);
}

/* rctr_remove_tree_at: a tree deeper than the fds a process may open, with
   a 0555 directory on the way, removed with only a few fds. */
static void
test_remove_deep (void)
{
  char base[] = "/tmp/rctr-test-rm-XXXXXX";
  struct rlimit old, few = { 32, 32 };
  rctr_error_t err = NULL;
  cleanup_close int top = -1;
  int cur, next, i, r;

  if (mkdtemp (base) == NULL)
    abort ();
  top = open (base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cur = dup (top);
  for (i = 0; i < 1500; i++)
    {
      if (mkdirat (cur, "d", 0755) < 0 || (next = openat (cur, "d", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        abort ();
      close (cur);
      cur = next;
    }
  close (openat (cur, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  close (cur);
  for (i = 0; i < 50; i++)
    {
      char name[32];

      snprintf (name, sizeof (name), "wide%d", i);
      mkdirat (top, name, 0555);
    }
  getrlimit (RLIMIT_NOFILE, &old);
  setrlimit (RLIMIT_NOFILE, &few);
  r = rctr_remove_tree_at (top, "d", &err);
  setrlimit (RLIMIT_NOFILE, &old);
  tap_ok (r == 0, "a tree 1500 deep is removed with 32 fds%s%s", err ? ": " : "", err ? err->msg : "");
  rctr_error_release (&err);
  close (top);
  top = open ("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
  tap_ok (rctr_remove_tree_at (top, base + 5, &err) == 0 && access (base, F_OK) < 0,
          "and a directory of 0555 directories");
  rctr_error_release (&err);
}

int
main (void)
{
  test_default_path ();
  test_index_key ();
  test_store ();
  test_rundir ();
  test_remove_deep ();
  return tap_done ();
}
