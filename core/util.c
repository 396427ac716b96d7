/* rctr - shared utilities; see util.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

void
rctr_oom (void)
{
  static const char msg[] = "rctr: out of memory\n";

  (void) !write (STDERR_FILENO, msg, sizeof (msg) - 1);
  _exit (125);
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);

  if (p == NULL)
    rctr_oom ();
  return p;
}

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);

  if (p == NULL)
    rctr_oom ();
  return p;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *p = realloc (ptr, size ? size : 1);

  if (p == NULL)
    rctr_oom ();
  return p;
}

void *
xreallocarray (void *ptr, size_t n, size_t size)
{
  void *p = reallocarray (ptr, n ? n : 1, size ? size : 1);

  if (p == NULL)
    rctr_oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *r = strdup (s);

  if (r == NULL)
    rctr_oom ();
  return r;
}

char *
xstrndup (const char *s, size_t n)
{
  char *r = strndup (s, n);

  if (r == NULL)
    rctr_oom ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  char *r;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    rctr_oom ();
  va_end (ap);
  return r;
}

void
rctr_close_quietly (int fd)
{
  int saved_errno = errno;

  if (fd >= 0)
    (void) close (fd);
  errno = saved_errno;
}

void
cleanup_closep (int *fd)
{
  rctr_close_quietly (*fd);
}

void
cleanup_dirp (DIR **dir)
{
  int saved_errno = errno;

  if (*dir)
    (void) closedir (*dir);
  errno = saved_errno;
}

void
cleanup_filep (FILE **f)
{
  int saved_errno = errno;

  if (*f)
    (void) fclose (*f);
  errno = saved_errno;
}

void
cleanup_strvp (char ***strv)
{
  rctr_strv_free (*strv);
}

int
rctr_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

ssize_t
rctr_read_all (int fd, void *buf, size_t len)
{
  char *p = buf;
  size_t got = 0;

  while (got < len)
    {
      ssize_t n = read (fd, p + got, len - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (size_t) n;
    }
  return (ssize_t) got;
}

ssize_t
rctr_read_small_at (int dirfd, const char *path, char *buf, size_t len)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = rctr_read_all (fd, buf, len - 1);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return n;
}

int
rctr_read_file_at (int dirfd, const char *path, size_t max, char **ret, size_t *ret_len, rctr_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  cleanup_free char *buf = NULL;
  ssize_t n;

  if (fd < 0)
    return rctr_make_error (err, errno, "open `%s`", path);
  buf = xmalloc (max + 1);
  n = rctr_read_all (fd, buf, max + 1);
  if (n < 0)
    return rctr_make_error (err, errno, "read `%s`", path);
  if ((size_t) n > max)
    return rctr_make_error (err, EFBIG, "read `%s`: larger than %zu bytes", path, max);
  buf[n] = '\0';
  if (ret_len)
    *ret_len = (size_t) n;
  *ret = steal_pointer (&buf);
  return 0;
}

int
rctr_write_file_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                        rctr_error_t *err)
{
  char suffix[17];
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;

  if (rctr_random_hex (8, suffix, err) < 0)
    return -1;
  tmp = xasprintf (".%s.%s.tmp", name, suffix);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return rctr_make_error (err, errno, "create `%s`", tmp);
  if (rctr_write_all (fd, data, len) < 0 || close (TAKE_FD (fd)) < 0)
    {
      rctr_make_error (err, errno, "write `%s`", tmp);
      (void) unlinkat (dirfd, tmp, 0);
      return -1;
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      rctr_make_error (err, errno, "rename `%s` to `%s`", tmp, name);
      (void) unlinkat (dirfd, tmp, 0);
      return -1;
    }
  return 0;
}

int
rctr_ensure_dir_at (int dirfd, const char *name, mode_t mode, rctr_error_t *err)
{
  int fd;

  if (mkdirat (dirfd, name, mode) < 0 && errno != EEXIST)
    return rctr_make_error (err, errno, "create directory `%s`", name);
  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open directory `%s`", name);
  return fd;
}

/* Open the directory NAME of DFD to empty it.  It may have no write or
   search permission for its owner (a 0555 directory from an image), so add
   them: whoever may remove the tree may change its modes.  */
static int
open_to_empty (int dfd, const char *name, rctr_error_t *err)
{
  cleanup_close int fd = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 && errno == EACCES && fchmodat (dfd, name, 0700, 0) == 0)
    fd = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open directory `%s`", name);
  if (fchmod (fd, 0700) < 0 && errno != EPERM)
    return rctr_make_error (err, errno, "chmod `%s`", name);
  return TAKE_FD (fd);
}

/* A directory on the way down: the names of its subdirectories, and the
   next one to remove. */
struct rm_frame
{
  char **subs;
  size_t n, next;
};

static void
rm_frame_free (struct rm_frame *f)
{
  while (f->n > 0)
    free (f->subs[--f->n]);
  free (f->subs);
  f->subs = NULL;
}

/* Remove every entry of DFD but directories, whose names go into F. */
static int
remove_files (int dfd, const char *what, struct rm_frame *f, rctr_error_t *err)
{
  cleanup_dir DIR *dir = rctr_opendir_fd (dfd);
  struct dirent *de;

  memset (f, 0, sizeof (*f));
  if (dir == NULL)
    return rctr_make_error (err, errno, "read directory `%s`", what);
  for (errno = 0; (de = readdir (dir)) != NULL; errno = 0)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dfd, de->d_name, 0) == 0 || errno == ENOENT)
        continue;
      if (errno != EISDIR && errno != EPERM)
        return rctr_make_error (err, errno, "remove `%s`", de->d_name);
      f->subs = xreallocarray (f->subs, f->n + 1, sizeof (char *));
      f->subs[f->n++] = xstrdup (de->d_name);
    }
  if (errno != 0)
    return rctr_make_error (err, errno, "read directory `%s`", what);
  return 0;
}

/* Empty the directory NAME of DFD, and remove it: depth first, with one
   directory open at a time and the way down kept as names, so that no
   depth of an image's tree runs out of file descriptors.  */
static int
remove_dir (int dfd, const char *name, rctr_error_t *err)
{
  cleanup_close int cur = open_to_empty (dfd, name, err);
  struct rm_frame *stack = NULL;
  size_t depth = 0;
  int r = -1;

  if (cur < 0)
    return -1;
  stack = xmalloc (sizeof (*stack));
  depth = 1;
  if (remove_files (cur, name, &stack[0], err) < 0)
    goto out;
  for (;;)
    {
      struct rm_frame *top = &stack[depth - 1];
      int next;

      if (top->next < top->n)
        {
          const char *sub = top->subs[top->next++];

          next = open_to_empty (cur, sub, err);
          if (next < 0)
            goto out;
          rctr_close_quietly (cur);
          cur = next;
          stack = xreallocarray (stack, depth + 1, sizeof (*stack));
          if (remove_files (cur, sub, &stack[depth++], err) < 0)
            goto out;
          continue;
        }
      rm_frame_free (top);
      if (--depth == 0)
        break;
      /* Emptied: back up to its parent, and remove it there.  */
      next = openat (cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (next < 0)
        {
          rctr_make_error (err, errno, "open a parent directory in `%s`", name);
          goto out;
        }
      rctr_close_quietly (cur);
      cur = next;
      top = &stack[depth - 1];
      if (unlinkat (cur, top->subs[top->next - 1], AT_REMOVEDIR) < 0 && errno != ENOENT)
        {
          rctr_make_error (err, errno, "remove directory `%s`", top->subs[top->next - 1]);
          goto out;
        }
    }
  if (unlinkat (dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    rctr_make_error (err, errno, "remove directory `%s`", name);
  else
    r = 0;
out:
  while (depth > 0)
    rm_frame_free (&stack[--depth]);
  free (stack);
  return r;
}

static int
remove_entry (int dfd, const char *name, rctr_error_t *err)
{
  if (unlinkat (dfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return rctr_make_error (err, errno, "remove `%s`", name);
  return remove_dir (dfd, name, err);
}

int
rctr_flock (int fd, int how)
{
  for (;;)
    {
      if (flock (fd, how) == 0)
        return 0;
      if (errno == EINTR)
        continue;
      if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS)
        return 1;
      return -1;
    }
}

int
rctr_lock_dir (int parentfd, const char *name, int how, rctr_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/.lock", name);
  cleanup_close int fd = openat (parentfd, path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return rctr_make_error (err, errno, "open `%s`", path);
  if (rctr_flock (fd, how) < 0)
    {
      if (errno == EWOULDBLOCK)
        return -1;
      return rctr_make_error (err, errno, "lock `%s`", path);
    }
  return TAKE_FD (fd);
}

int
rctr_make_locked_dir (int parentfd, const char *name, int *ret_lockfd, rctr_error_t *err)
{
  char id[17];
  cleanup_free char *tmp = NULL;
  cleanup_close int lock = -1;
  int fd;

  if (rctr_random_hex (8, id, err) < 0)
    return -1;
  tmp = xasprintf ("new.%s", id);
  if (mkdirat (parentfd, tmp, 0700) < 0)
    return rctr_make_error (err, errno, "create `%s`", tmp);
  lock = rctr_lock_dir (parentfd, tmp, LOCK_EX, err);
  if (lock >= 0 && renameat (parentfd, tmp, parentfd, name) < 0)
    rctr_make_error (err, errno, "rename `%s` to `%s`", tmp, name);
  if (*err)
    {
      rctr_error_t ignored = NULL;

      if (rctr_remove_tree_at (parentfd, tmp, &ignored) < 0)
        rctr_error_release (&ignored);
      return -1;
    }
  fd = openat (parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open `%s`", name);
  *ret_lockfd = TAKE_FD (lock);
  return fd;
}

/* Is the entry NAME of DIRFD older than an hour? */
static bool
is_old (int dirfd, const char *name)
{
  struct stat st;
  struct timespec now;

  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  clock_gettime (CLOCK_REALTIME, &now);
  return st.st_mtim.tv_sec + 3600 < now.tv_sec;
}

/* May NAME in DIRFD be removed: no living process holds its .lock?  */
static bool
is_abandoned (int dirfd, const char *name)
{
  cleanup_free char *path = NULL;
  cleanup_close int lock = -1;
  int r;

  /* Being made: it gets its lock under this name, then a name of its own.  */
  if (strncmp (name, "new.", 4) == 0)
    return is_old (dirfd, name);
  path = xasprintf ("%s/.lock", name);
  lock = openat (dirfd, path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (lock < 0)
    return is_old (dirfd, name);
  r = rctr_flock (lock, LOCK_EX | LOCK_NB);
  if (r == 0)
    return true;
  return r == 1 && is_old (dirfd, name);
}

void
rctr_remove_abandoned (int dirfd)
{
  cleanup_dir DIR *dir = rctr_opendir_fd (dirfd);
  struct dirent *de;

  if (dir == NULL)
    return;
  while ((de = readdir (dir)) != NULL)
    {
      rctr_error_t ignored = NULL;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
          || !is_abandoned (dirfd, de->d_name))
        continue;
      if (rctr_remove_tree_at (dirfd, de->d_name, &ignored) < 0)
        rctr_error_release (&ignored);
    }
}

int
rctr_remove_tree_at (int dirfd, const char *name, rctr_error_t *err)
{
  return remove_entry (dirfd, name, err);
}

int
rctr_exit_code_of (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return 125;
}

DIR *
rctr_opendir_fd (int dirfd)
{
  /* Through "." rather than a dup: DIRFD may be an O_PATH fd.  */
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir;

  if (fd < 0)
    return NULL;
  dir = fdopendir (fd);
  if (dir == NULL)
    rctr_close_quietly (fd);
  return dir;
}

uint64_t
rctr_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

void
rctr_hex (const unsigned char *bytes, size_t len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;

  for (i = 0; i < len; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  out[2 * len] = '\0';
}

int
rctr_random_hex (size_t len, char *out, rctr_error_t *err)
{
  unsigned char buf[32];

  if (len > sizeof (buf))
    return rctr_make_error (err, EINVAL, "random_hex: %zu bytes is too many", len);
  if (getrandom (buf, len, 0) != (ssize_t) len)
    return rctr_make_error (err, errno, "getrandom");
  rctr_hex (buf, len, out);
  return 0;
}

bool
rctr_is_hex_string (const char *s, size_t len)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return s[len] == '\0';
}

size_t
rctr_strv_len (char *const *strv)
{
  size_t n = 0;

  while (strv && strv[n])
    n++;
  return n;
}

void
rctr_strv_free (char **strv)
{
  size_t i;

  if (strv == NULL)
    return;
  for (i = 0; strv[i]; i++)
    free (strv[i]);
  free (strv);
}

const char *
rctr_proc_fd_path (char *buf, size_t len, int fd)
{
  snprintf (buf, len, "/proc/self/fd/%d", fd);
  return buf;
}

static bool
is_kept (int fd, const int *keep, size_t n_keep)
{
  size_t i;

  for (i = 0; i < n_keep; i++)
    if (keep[i] == fd)
      return true;
  return false;
}

static int
close_one (int fd, bool cloexec_only)
{
  return cloexec_only ? fcntl (fd, F_SETFD, FD_CLOEXEC) : close (fd);
}

#if HAVE_DECL_SYS_CLOSE_RANGE
/* close_range over [LOW, ~0] leaving out KEEP; -1 with errno ENOSYS (or the
   EPERM of a seccomp filter) when the kernel will not.  */
static int
close_range_except (int low, const int *keep, size_t n_keep, bool cloexec_only)
{
  unsigned flags = cloexec_only ? CLOSE_RANGE_CLOEXEC : 0;
  unsigned from = (unsigned) low;

  for (;;)
    {
      /* The smallest kept fd at or above FROM bounds this range.  */
      unsigned to = ~0U;
      size_t i;

      for (i = 0; i < n_keep; i++)
        if (keep[i] >= 0 && (unsigned) keep[i] >= from && (unsigned) keep[i] - 1 < to)
          to = (unsigned) keep[i] - 1;
      if (to >= from && syscall (SYS_close_range, from, to, flags) < 0)
        return -1;
      if (to == ~0U)
        return 0;
      from = to + 2;
    }
}
#endif

int
rctr_close_fds (int lowfd, const int *keep, size_t n_keep, bool cloexec_only)
{
  /* Without close_range: walk /proc/self/fd with getdents64 into a stack
     buffer; no allocation, as the command's process (sharing PID 1's
     memory until its exec) may not allocate.  */
  char buf[4096];
  int dfd;
  long n;

#if HAVE_DECL_SYS_CLOSE_RANGE
  if (close_range_except (lowfd, keep, n_keep, cloexec_only) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL && errno != EPERM)
    return -1;
#endif
  dfd = open ("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  while ((n = syscall (SYS_getdents64, dfd, buf, sizeof (buf))) > 0)
    {
      long off = 0;

      while (off < n)
        {
          struct
          {
            uint64_t ino;
            int64_t off;
            unsigned short reclen;
            unsigned char type;
            char name[];
          } *de = (void *) (buf + off);
          char *end;
          long fd = strtol (de->name, &end, 10);

          off += de->reclen;
          if (*end != '\0' || end == de->name || fd < lowfd || fd == dfd || is_kept ((int) fd, keep, n_keep))
            continue;
          (void) close_one ((int) fd, cloexec_only);
        }
    }
  close (dfd);
  return n < 0 ? -1 : 0;
}

int
rctr_close_fds_from (int lowfd, bool cloexec_only)
{
  return rctr_close_fds (lowfd, NULL, 0, cloexec_only);
}

static char *title_start;
static size_t title_len;

void
rctr_proctitle_init (int argc, char **argv)
{
  int i;

  if (argc < 1 || argv[0] == NULL)
    return;
  /* Only when the strings lie end to end, as the kernel lays them out.  */
  for (i = 1; i < argc; i++)
    if (argv[i] != argv[i - 1] + strlen (argv[i - 1]) + 1)
      return;
  title_start = argv[0];
  title_len = (size_t) (argv[argc - 1] + strlen (argv[argc - 1]) + 1 - argv[0]);
}

void
rctr_proctitle_set (const char *title)
{
  if (title_start == NULL || title_len < 2)
    return;
  memset (title_start, 0, title_len);
  strncpy (title_start, title, title_len - 1);
}
