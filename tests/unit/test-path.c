/* Unit tests: path cleaning and resolution inside a root (core/path.c),
   both with openat2 and with the user-space walk.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/path.h"
#include "core/util.h"
#include "tests/unit/tap.h"

static void
test_clean (void)
{
  static const struct
  {
    const char *in, *want;
  } cases[] = {
    { "", "" },
    { "/", "" },
    { ".", "" },
    { "./", "" },
    { "a", "a" },
    { "/a/b", "a/b" },
    { "a//b/", "a/b" },
    { "./a/./b/.", "a/b" },
    { "a/../b", "b" },
    { "../../etc/passwd", "etc/passwd" },
    { "/../x", "x" },
    { "a/b/../../..", "" },
    { "a/b/../../../c", "c" },
    { "...", "..." },
    { "a/..b", "a/..b" },
    { ".wh..wh..opq", ".wh..wh..opq" },
  };
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *got = rctr_path_clean (cases[i].in);
      cleanup_free char *name = xasprintf ("clean(\"%s\") = \"%s\"", cases[i].in, cases[i].want);

      tap_is_str (got, cases[i].want, name);
    }
}

static void
test_split (void)
{
  cleanup_free char *d1 = NULL, *b1 = NULL, *d2 = NULL, *b2 = NULL;

  rctr_path_split ("a/b/c", &d1, &b1);
  tap_is_str (d1, "a/b", "split dir of a/b/c");
  tap_is_str (b1, "c", "split base of a/b/c");
  rctr_path_split ("c", &d2, &b2);
  tap_is_str (d2, "", "split dir of c is the root");
  tap_is_str (b2, "c", "split base of c");
}

/* A root with traps:
     root/etc/passwd           a file inside
     root/lib -> usr/lib       a relative symlink that stays inside
     root/usr/lib/libx         reached through it
     root/abs -> /usr          an absolute symlink: the root's /usr
     root/up -> ../../..       a relative symlink climbing out
     root/loop -> loop         a loop
   and, outside the root, outside/secret.  */
static char base[64];
static int rootfd;

static void
make_tree (void)
{
  int fd;

  snprintf (base, sizeof (base), "/tmp/rctr-test-path-XXXXXX");
  if (mkdtemp (base) == NULL)
    abort ();
  fd = open (base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (mkdirat (fd, "root", 0755) || mkdirat (fd, "outside", 0755) || mkdirat (fd, "root/etc", 0755)
      || mkdirat (fd, "root/usr", 0755) || mkdirat (fd, "root/usr/lib", 0755))
    abort ();
  close (openat (fd, "root/etc/passwd", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  close (openat (fd, "root/usr/lib/libx", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  close (openat (fd, "outside/secret", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
  if (symlinkat ("usr/lib", fd, "root/lib") || symlinkat ("/usr", fd, "root/abs")
      || symlinkat ("../../..", fd, "root/up") || symlinkat ("loop", fd, "root/loop")
      || symlinkat ("/etc/passwd", fd, "root/etc/link-to-passwd")
      || symlinkat ("/made/by", fd, "root/dangling")
      || symlinkat ("../../../escape-dangling", fd, "root/dangling-up"))
    abort ();
  rootfd = openat (fd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  close (fd);
}

/* Does FD name the file BASE/REL? */
static int
same_file (int fd, const char *rel)
{
  cleanup_free char *path = xasprintf ("%s/%s", base, rel);
  struct stat a, b;

  return fd >= 0 && fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

static void
test_resolve (const char *mode)
{
  rctr_error_t err = NULL;
  int fd;

  fd = rctr_open_in_root (rootfd, "etc/passwd", O_RDONLY, &err);
  tap_ok (same_file (fd, "root/etc/passwd"), "%s: plain path", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "lib/libx", O_PATH, &err);
  tap_ok (same_file (fd, "root/usr/lib/libx"), "%s: relative symlink inside is followed", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "abs/lib/libx", O_PATH, &err);
  tap_ok (same_file (fd, "root/usr/lib/libx"), "%s: absolute symlink resolves to the root's own path", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "up/etc/passwd", O_PATH, &err);
  tap_ok (same_file (fd, "root/etc/passwd"), "%s: a symlink climbing out stays at the root", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "../../outside/secret", O_PATH, &err);
  tap_ok (fd < 0 && err && err->status == ENOENT, "%s: `..` at the root stays there (no outside/secret)",
          mode);
  rctr_error_release (&err);
  fd = rctr_open_in_root (rootfd, "etc/link-to-passwd", O_PATH, &err);
  tap_ok (same_file (fd, "root/etc/passwd"), "%s: absolute link to /etc/passwd is the root's", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "etc/link-to-passwd", O_RDONLY | O_NOFOLLOW, &err);
  tap_ok (fd < 0 && err && err->status == ELOOP, "%s: O_NOFOLLOW refuses a final symlink", mode);
  rctr_error_release (&err);
  fd = rctr_open_in_root (rootfd, "loop/x", O_PATH, &err);
  tap_ok (fd < 0 && err && err->status == ELOOP, "%s: a symlink loop ends in ELOOP", mode);
  rctr_error_release (&err);
  fd = rctr_open_in_root (rootfd, "", O_PATH | O_DIRECTORY, &err);
  tap_ok (same_file (fd, "root"), "%s: the empty path is the root", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "lib", O_PATH | O_DIRECTORY, &err);
  tap_ok (same_file (fd, "root/usr/lib"), "%s: a final symlink to a directory, with O_DIRECTORY", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "lib", O_RDONLY | O_DIRECTORY, &err);
  tap_ok (same_file (fd, "root/usr/lib"), "%s: the same, opened for reading", mode);
  close (fd);
  fd = rctr_open_in_root (rootfd, "etc/passwd", O_PATH | O_DIRECTORY, &err);
  tap_ok (fd < 0 && err && err->status == ENOTDIR, "%s: O_DIRECTORY on a file is ENOTDIR", mode);
  rctr_error_release (&err);
  fd = rctr_mkdir_p_in_root (rootfd, "lib", 0755, &err);
  tap_ok (same_file (fd, "root/usr/lib"), "%s: mkdir -p of a symlink to a directory", mode);
  close (fd);
}

static void
test_mkdir_p (void)
{
  rctr_error_t err = NULL;
  int fd;

  fd = rctr_mkdir_p_in_root (rootfd, "/new/deep/dir", 0755, &err);
  tap_ok (same_file (fd, "root/new/deep/dir"), "mkdir -p makes every component");
  close (fd);
  fd = rctr_mkdir_p_in_root (rootfd, "up/made-through-up", 0755, &err);
  tap_ok (same_file (fd, "root/made-through-up"), "mkdir -p through a climbing symlink stays inside");
  close (fd);
  fd = rctr_mkdir_p_in_root (rootfd, "lib/sub", 0755, &err);
  tap_ok (same_file (fd, "root/usr/lib/sub"), "mkdir -p through lib -> usr/lib");
  close (fd);
  fd = rctr_mkdir_p_in_root (rootfd, "dangling/sub", 0755, &err);
  tap_ok (same_file (fd, "root/made/by/sub"), "mkdir -p through a dangling symlink makes its target inside");
  close (fd);
  fd = rctr_mkdir_p_in_root (rootfd, "dangling-up/sub", 0755, &err);
  tap_ok (same_file (fd, "root/escape-dangling/sub"), "a dangling symlink climbing out is made at the root");
  close (fd);
  fd = rctr_mkdir_p_in_root (rootfd, "etc/passwd/x", 0755, &err);
  tap_ok (fd < 0 && err && err->status == ENOTDIR, "mkdir -p under a file fails with ENOTDIR");
  rctr_error_release (&err);
}

int
main (void)
{
  cleanup_free char *cmd = NULL;

  test_clean ();
  test_split ();
  make_tree ();
  test_resolve ("openat2");
  test_mkdir_p ();
  rctr_path_force_walk (true);
  test_resolve ("walk");
  rctr_path_force_walk (false);
  cmd = xasprintf ("rm -rf '%s'", base);
  if (system (cmd) != 0)
    tap_diag ("could not remove %s", base);
  return tap_done ();
}
