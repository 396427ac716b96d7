/* Unit tests: the unpacker (image/extract.c, image/archive.c) against
   ordinary and hostile archives, written with libarchive's own writer.
   Run as any user: owners that cannot be given are kept as the caller's. */
#include <config.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/path.h"
#include "core/util.h"
#include "image/extract.h"
#include "tests/unit/tap.h"

static char base[64]; /* holds outside/ (a stand-in for the host) and the archives */
static char outside[128];

enum kind
{
  K_FILE,
  K_DIR,
  K_SYMLINK,
  K_HARDLINK,
  K_CHR,
  K_FIFO
};

struct entry
{
  enum kind kind;
  const char *name;
  const char *data; /* file content, or link target */
  int mode;
};

/* Write ENTRIES to a new archive; FILTER: "none", "gzip" or "truncate". */
static char *
make_archive (const char *name, const struct entry *entries, size_t n, const char *filter)
{
  char *path = xasprintf ("%s/%s", base, name);
  struct archive *a = archive_write_new ();
  size_t i;

  archive_write_set_format_pax_restricted (a);
  if (strcmp (filter, "gzip") == 0 || strcmp (filter, "truncate") == 0)
    archive_write_add_filter_gzip (a);
  if (archive_write_open_filename (a, path) != ARCHIVE_OK)
    abort ();
  for (i = 0; i < n; i++)
    {
      struct archive_entry *e = archive_entry_new ();
      size_t len = entries[i].data ? strlen (entries[i].data) : 0;

      archive_entry_set_pathname (e, entries[i].name);
      archive_entry_set_perm (e, entries[i].mode ? entries[i].mode : 0644);
      archive_entry_set_mtime (e, 1000000000, 0);
      switch (entries[i].kind)
        {
        case K_FILE:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_size (e, (la_int64_t) len);
          break;
        case K_DIR:
          archive_entry_set_filetype (e, AE_IFDIR);
          len = 0;
          break;
        case K_SYMLINK:
          archive_entry_set_filetype (e, AE_IFLNK);
          archive_entry_set_symlink (e, entries[i].data);
          len = 0;
          break;
        case K_HARDLINK:
          archive_entry_set_filetype (e, AE_IFREG);
          archive_entry_set_hardlink (e, entries[i].data);
          len = 0;
          break;
        case K_CHR:
          archive_entry_set_filetype (e, AE_IFCHR);
          archive_entry_set_rdevmajor (e, 1);
          archive_entry_set_rdevminor (e, 3);
          len = 0;
          break;
        case K_FIFO:
          archive_entry_set_filetype (e, AE_IFIFO);
          len = 0;
          break;
        }
      if (archive_write_header (a, e) != ARCHIVE_OK)
        abort ();
      if (len && archive_write_data (a, entries[i].data, len) != (la_ssize_t) len)
        abort ();
      archive_entry_free (e);
    }
  archive_write_close (a);
  archive_write_free (a);
  if (strcmp (filter, "truncate") == 0)
    {
      struct stat st;

      if (stat (path, &st) < 0 || truncate (path, st.st_size / 2) < 0)
        abort ();
    }
  return path;
}

/* Unpack ARCHIVE into a fresh root; returns the root's path, *RET_RC the
   result and *RET_ERR the error. */
static char *
unpack (const char *archive, struct rctr_unpack_stats *st, int *ret_rc, rctr_error_t *ret_err)
{
  static int count;
  char *root = xasprintf ("%s/root%d", base, ++count);
  int fd = open (archive, O_RDONLY | O_CLOEXEC);
  int rootfd;

  memset (st, 0, sizeof (*st));
  if (fd < 0 || mkdir (root, 0755) < 0)
    abort ();
  rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  *ret_rc = rctr_unpack_archive (fd, archive, rootfd, st, ret_err);
  close (rootfd);
  close (fd);
  return root;
}

static bool
exists (const char *dir, const char *rel)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, rel);
  struct stat st;

  return lstat (p, &st) == 0;
}

static mode_t
mode_of (const char *dir, const char *rel)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, rel);
  struct stat st;

  return lstat (p, &st) == 0 ? st.st_mode : 0;
}

static void
test_ordinary (void)
{
  const struct entry entries[] = {
    { K_DIR, "./", NULL, 0755 },
    { K_DIR, "usr/", NULL, 0755 },
    { K_DIR, "usr/lib/", NULL, 0755 },
    { K_SYMLINK, "lib", "usr/lib", 0777 },
    { K_FILE, "lib/libfoo.so", "ELF", 0755 },
    { K_FILE, "implied/parent/file", "x", 0644 },
    { K_DIR, "ro/", NULL, 0555 },
    { K_FILE, "ro/inside", "data", 0444 },
    { K_DIR, "private/", NULL, 0700 },
    { K_HARDLINK, "ro/hard", "ro/inside", 0 },
    { K_FIFO, "fifo", NULL, 0600 },
    { K_CHR, "dev/null", NULL, 0666 },
    { K_FILE, ".wh.not-a-layer", "", 0644 },
    { K_FILE, "lib/libfoo.so", "ELF2", 0755 },
  };
  struct rctr_unpack_stats st;
  rctr_error_t err = NULL;
  cleanup_free char *archive = make_archive ("ordinary.tar.gz", entries, RCTR_ARRAY_SIZE (entries), "gzip");
  cleanup_free char *root = NULL;
  cleanup_free char *content = NULL;
  cleanup_free char *libpath = NULL;
  int rc;
  struct stat a, b;

  root = unpack (archive, &st, &rc, &err);
  tap_ok (rc == 0, "an ordinary gzip archive unpacks%s%s", err ? ": " : "", err ? err->msg : "");
  rctr_error_release (&err);
  tap_ok ((mode_of (root, "usr/lib/libfoo.so") & 0777) == 0755,
          "a file written through lib -> usr/lib lands in usr/lib");
  libpath = xasprintf ("%s/usr/lib/libfoo.so", root);
  tap_ok (rctr_read_file_at (AT_FDCWD, libpath, 100, &content, NULL, &err) == 0
              && strcmp (content, "ELF2") == 0,
          "a later entry of the same name replaces the earlier");
  tap_ok (S_ISLNK (mode_of (root, "lib")), "lib stays a symlink");
  tap_ok (exists (root, "implied/parent/file"), "missing parents are made");
  tap_ok ((mode_of (root, "ro") & 07777) == 0555, "a 0555 directory has its mode, after its contents");
  tap_ok ((mode_of (root, "ro/inside") & 07777) == 0444, "a read-only file has its mode");
  tap_ok ((mode_of (root, "private") & 07777) == 0700, "a 0700 directory has its mode");
  {
    cleanup_free char *p1 = xasprintf ("%s/ro/inside", root);
    cleanup_free char *p2 = xasprintf ("%s/ro/hard", root);

    tap_ok (stat (p1, &a) == 0 && stat (p2, &b) == 0 && a.st_ino == b.st_ino, "a hard link inside the image");
  }
  tap_ok (S_ISFIFO (mode_of (root, "fifo")), "a fifo is made");
  tap_ok (!exists (root, "dev/null") && st.devices == 1, "a device node is skipped and counted");
  tap_ok (exists (root, ".wh.not-a-layer"), "a .wh. name in a rootfs archive is an ordinary file");
  tap_is_int ((long long) st.entries, (long long) RCTR_ARRAY_SIZE (entries), "every entry counted");
  chmod (root, 0755);
}

static void
test_hostile (void)
{
  cleanup_free char *abs_outside_file = xasprintf ("%s/secret", outside);
  const struct entry escape[] = {
    { K_FILE, "../../escape-dotdot", "x", 0644 },
    { K_FILE, "/escape-abs", "x", 0644 },
    { K_SYMLINK, "out", outside, 0777 },
    { K_FILE, "out/pwned", "x", 0644 },
    { K_SYMLINK, "up", "../../../../../../..", 0777 },
    { K_FILE, "up/pwned-up", "x", 0644 },
    { K_SYMLINK, "out2", outside, 0777 },
    { K_SYMLINK, "out2/made-by-symlink", "/", 0777 },
  };
  const struct entry hardlink[] = {
    { K_HARDLINK, "stolen", abs_outside_file, 0 },
  };
  const struct entry hardlink_dotdot[] = {
    { K_HARDLINK, "stolen", "../../../../../../../etc/passwd", 0 },
  };
  /* CVE-2021-32760's shape: a directory whose mode is applied at the end,
     replaced by a symlink to a host directory in between.  */
  const struct entry chmod_through[] = {
    { K_DIR, "d/", NULL, 0777 },
    { K_SYMLINK, "d", outside, 0777 },
  };
  struct rctr_unpack_stats st;
  rctr_error_t err = NULL;
  cleanup_free char *a1 = make_archive ("escape.tar", escape, RCTR_ARRAY_SIZE (escape), "none");
  cleanup_free char *a2 = make_archive ("hardlink.tar", hardlink, RCTR_ARRAY_SIZE (hardlink), "none");
  cleanup_free char *a3
      = make_archive ("hardlink2.tar", hardlink_dotdot, RCTR_ARRAY_SIZE (hardlink_dotdot), "none");
  cleanup_free char *a4 = make_archive ("chmod.tar", chmod_through, RCTR_ARRAY_SIZE (chmod_through), "none");
  cleanup_free char *root = NULL;
  cleanup_free char *inner = NULL;
  struct stat before, after;
  int rc;

  stat (abs_outside_file, &before);
  root = unpack (a1, &st, &rc, &err);
  tap_ok (rc == 0, "the escaping archive unpacks, inside%s%s", err ? ": " : "", err ? err->msg : "");
  rctr_error_release (&err);
  tap_ok (exists (root, "escape-dotdot") && !exists (base, "escape-dotdot"), "`../../x` lands at the root");
  tap_ok (exists (root, "escape-abs"), "`/x` lands at the root");
  inner = xasprintf ("%s%s", root, outside);
  tap_ok (exists (inner, "pwned") && !exists (outside, "pwned"),
          "a file through an absolute symlink lands at that path inside the image");
  tap_ok (exists (root, "pwned-up") && !exists (base, "pwned-up"),
          "a file through a climbing symlink lands at the root");
  tap_ok (!exists (outside, "made-by-symlink"), "a symlink written through a symlink stays inside");

  root = (free (root), unpack (a2, &st, &rc, &err));
  tap_ok (rc < 0 && err && strstr (err->msg, "hard link"), "a hard link to a host file is refused: %s",
          err ? err->msg : "");
  rctr_error_release (&err);
  stat (abs_outside_file, &after);
  tap_ok (after.st_nlink == before.st_nlink && !exists (root, "stolen"), "and the host file gained no link");
  root = (free (root), unpack (a3, &st, &rc, &err));
  tap_ok (rc < 0 && err, "a hard link climbing to /etc/passwd finds only the image's own (none here)");
  rctr_error_release (&err);

  chmod (outside, 0755);
  root = (free (root), unpack (a4, &st, &rc, &err));
  tap_ok (rc == 0, "a directory replaced by a symlink unpacks");
  rctr_error_release (&err);
  tap_ok ((mode_of (base, "outside") & 07777) == 0755, "the deferred chmod did not follow the symlink out");
}

/* A file capability survives the unpack (chown drops security.capability,
   so the attribute must come after it).  Only root may set one here. */
static void
test_file_caps (void)
{
  /* struct vfs_cap_data, revision 2, effective, permitted = CAP_NET_RAW (13). */
  static const unsigned char cap[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00 };
  cleanup_free char *path = xasprintf ("%s/caps.tar", base);
  cleanup_free char *root = NULL;
  cleanup_free char *file = NULL;
  struct archive *a = archive_write_new ();
  struct archive_entry *e = archive_entry_new ();
  struct rctr_unpack_stats st;
  rctr_error_t err = NULL;
  unsigned char got[32];
  int rc;

  archive_write_set_format_pax (a);
  if (archive_write_open_filename (a, path) != ARCHIVE_OK)
    abort ();
  archive_entry_set_pathname (e, "ping");
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0755);
  archive_entry_set_size (e, 4);
  archive_entry_xattr_add_entry (e, "security.capability", cap, sizeof (cap));
  if (archive_write_header (a, e) != ARCHIVE_OK || archive_write_data (a, "ping", 4) != 4)
    abort ();
  archive_entry_free (e);
  archive_write_close (a);
  archive_write_free (a);
  root = unpack (path, &st, &rc, &err);
  rctr_error_release (&err);
  file = xasprintf ("%s/ping", root);
  if (geteuid () != 0)
    {
      /* pax archives may carry it twice (LIBARCHIVE.xattr and SCHILY.xattr).  */
      tap_ok (rc == 0 && st.xattrs_failed >= 1,
              "a file capability that cannot be set is counted (rc %d, %llu failed)", rc,
              (unsigned long long) st.xattrs_failed);
      return;
    }
  tap_ok (rc == 0 && st.xattrs_failed == 0, "a file with a capability unpacks");
  tap_ok (getxattr (file, "security.capability", got, sizeof (got)) == (ssize_t) sizeof (cap)
              && memcmp (got, cap, sizeof (cap)) == 0,
          "and keeps its capability (set after chown)");
}

static void
test_bad (void)
{
  const struct entry file_then_child[] = {
    { K_FILE, "a", "x", 0644 },
    { K_FILE, "a/b", "x", 0644 },
  };
  const struct entry some[] = {
    { K_FILE, "big", "0123456789012345678901234567890123456789012345678901234567890123456789", 0644 },
    { K_FILE, "big2", "0123456789012345678901234567890123456789012345678901234567890123456789", 0644 },
  };
  struct rctr_unpack_stats st;
  rctr_error_t err = NULL;
  cleanup_free char *a1 = make_archive ("empty.tar", NULL, 0, "none");
  cleanup_free char *a2 = make_archive ("child-of-file.tar", file_then_child, 2, "none");
  cleanup_free char *a3 = make_archive ("truncated.tar.gz", some, 2, "truncate");
  cleanup_free char *text = xasprintf ("%s/notes.txt", base);
  cleanup_free char *root = NULL;
  int rc, fd;

  root = unpack (a1, &st, &rc, &err);
  tap_ok (rc < 0 && err && strstr (err->msg, "empty"), "an empty archive: %s", err ? err->msg : "");
  rctr_error_release (&err);
  root = (free (root), unpack (a2, &st, &rc, &err));
  tap_ok (rc < 0 && err && strstr (err->msg, "a/b"), "an entry under a file: %s", err ? err->msg : "");
  rctr_error_release (&err);
  root = (free (root), unpack (a3, &st, &rc, &err));
  tap_ok (rc < 0 && err && strstr (err->msg, "truncated or corrupt"), "a truncated archive: %s",
          err ? err->msg : "");
  rctr_error_release (&err);
  fd = open (text, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  tap_ok (fd >= 0 && write (fd, "just some text\n", 15) == 15, "write a text file");
  close (fd);
  root = (free (root), unpack (text, &st, &rc, &err));
  tap_ok (rc < 0 && err && strstr (err->msg, "not a tar archive"), "a text file: %s", err ? err->msg : "");
  rctr_error_release (&err);
}

int
main (void)
{
  cleanup_free char *cmd = NULL;
  cleanup_free char *secret = NULL;
  int fd;

  snprintf (base, sizeof (base), "/tmp/rctr-test-extract-XXXXXX");
  if (mkdtemp (base) == NULL)
    abort ();
  snprintf (outside, sizeof (outside), "%s/outside", base);
  secret = xasprintf ("%s/secret", outside);
  if (mkdir (outside, 0755) < 0 || (fd = open (secret, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
    abort ();
  close (fd);
  test_ordinary ();
  test_hostile ();
  test_file_caps ();
  test_bad ();
  /* Again with the component walk that stands in for openat2 before Linux
     5.6 (or where a seccomp filter refuses it).  */
  tap_diag ("the same, with the user-space walk instead of openat2");
  rctr_path_force_walk (true);
  test_ordinary ();
  test_hostile ();
  rctr_path_force_walk (false);
  cmd = xasprintf ("chmod -R u+rwX '%s' 2>/dev/null; rm -rf '%s'", base, base);
  if (system (cmd) != 0)
    tap_diag ("could not remove %s", base);
  return tap_done ();
}
