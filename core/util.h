/* rctr - shared utilities: cleanup attributes, allocation, fd helpers.
 *
 * Resources are released by __attribute__((cleanup)) helpers initialised at
 * declaration; destructors accept NULL and -1.  Ownership is handed on
 * explicitly with steal_pointer() and TAKE_FD().  (crun src/libcrun/utils.h,
 * bubblewrap utils.h, systemd's "Destructors".)
 */
#ifndef RCTR_UTIL_H
#define RCTR_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "core/error.h"

#define RCTR_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

void rctr_oom (void) __attribute__ ((noreturn));
void *xmalloc (size_t size);
void *xmalloc0 (size_t size);
void *xrealloc (void *ptr, size_t size);
void *xreallocarray (void *ptr, size_t n, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static inline void
cleanup_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
}

void cleanup_closep (int *fd);
void cleanup_dirp (DIR **dir);
void cleanup_filep (FILE **f);
void cleanup_strvp (char ***strv);

#define cleanup_free  __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_dir   __attribute__ ((cleanup (cleanup_dirp)))
#define cleanup_file  __attribute__ ((cleanup (cleanup_filep)))
#define cleanup_strv  __attribute__ ((cleanup (cleanup_strvp)))

static inline void *
steal_pointer (void *pp)
{
  void **p = (void **) pp;
  void *r = *p;
  *p = NULL;
  return r;
}

/* Hand an fd on: evaluates to its value and leaves -1 behind. */
#define TAKE_FD(fd)                                                                                          \
  ({                                                                                                         \
    int _fd_ = (fd);                                                                                         \
    (fd) = -1;                                                                                               \
    _fd_;                                                                                                    \
  })

/* close() that keeps errno, for cleanup paths. */
void rctr_close_quietly (int fd);

/* Write all of BUF, retrying on EINTR and short writes.  Returns 0, or -1 with errno set. */
int rctr_write_all (int fd, const void *buf, size_t len);
/* Read until EOF or LEN bytes; returns the count or -1 with errno set. */
ssize_t rctr_read_all (int fd, void *buf, size_t len);

/* Read at most LEN-1 bytes of the file DIRFD/PATH into BUF, NUL-terminated
   (a /proc or sysctl file, a pid file); the count, or -1 with errno.  Never
   follows a final symlink. */
ssize_t rctr_read_small_at (int dirfd, const char *path, char *buf, size_t len);

/* Read a whole small file (at most MAX bytes, NUL-terminated) at DIRFD/PATH. */
int rctr_read_file_at (int dirfd, const char *path, size_t max, char **ret, size_t *ret_len,
                       rctr_error_t *err);
/* Write DATA to DIRFD/NAME through a temporary file and rename(), so readers see the old or the new file. */
int rctr_write_file_atomic (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                            rctr_error_t *err);

/* Create a directory 0700 if it does not exist and open it, refusing a symlink in its place. */
int rctr_ensure_dir_at (int dirfd, const char *name, mode_t mode, rctr_error_t *err);

/* flock(2), again on EINTR.  0 when locked, 1 when the filesystem cannot
   lock at all (ENOLCK, EOPNOTSUPP: some NFS set-ups; rctr then goes on
   without), -1 with errno otherwise (EWOULDBLOCK with LOCK_NB). */
int rctr_flock (int fd, int how);

/* Make the directory NAME in PARENTFD, locked for as long as *RET_LOCKFD
   (its .lock file, opened read-write as NFS needs) stays open: it is made
   as "new.<random>" and renamed into place once locked, so that no
   cleaning (rctr_remove_abandoned) takes it for abandoned in between.
   Returns an fd of the directory. */
int rctr_make_locked_dir (int parentfd, const char *name, int *ret_lockfd, rctr_error_t *err);

/* Lock the directory NAME in PARENTFD the same way (its .lock file, made if
   missing); the lock fd. */
int rctr_lock_dir (int parentfd, const char *name, int how, rctr_error_t *err);

/* Remove what is abandoned in DIRFD: every directory whose .lock no living
   process holds.  Where the filesystem cannot lock, or an entry has no
   .lock, only what is older than an hour.  Best effort: what cannot be
   removed now is left for the next time.  */
void rctr_remove_abandoned (int dirfd);

/* Remove NAME under DIRFD and everything below it, never following symlinks. */
int rctr_remove_tree_at (int dirfd, const char *name, rctr_error_t *err);

uint64_t rctr_now_ns (void);

/* The exit status a shell would show for a wait status: the code, or
   128+N for a signal N (125 for anything else). */
int rctr_exit_code_of (int wait_status);

/* A DIR stream over a duplicate of DIRFD (which stays open); NULL with errno. */
DIR *rctr_opendir_fd (int dirfd);

/* Lower-case hex of LEN bytes into OUT (2*LEN+1 bytes). */
void rctr_hex (const unsigned char *bytes, size_t len, char *out);
/* LEN random bytes as hex (2*LEN+1 bytes into OUT). */
int rctr_random_hex (size_t len, char *out, rctr_error_t *err);

bool rctr_is_hex_string (const char *s, size_t len);

size_t rctr_strv_len (char *const *strv);
void rctr_strv_free (char **strv);

/* Path of /proc/self/fd/FD in BUF (at least 32 bytes). */
const char *rctr_proc_fd_path (char *buf, size_t len, int fd);

/* Close every fd >= LOWFD but those in KEEP (close_range, or a walk of
   /proc/self/fd where it is missing or refused); with CLOEXEC_ONLY they are
   marked close-on-exec instead.  Allocates nothing. */
int rctr_close_fds (int lowfd, const int *keep, size_t n_keep, bool cloexec_only);
int rctr_close_fds_from (int lowfd, bool cloexec_only);

/* Remember where main's argv lives, so that a long-lived process forked
   from rctr (the user namespace holder) can say what it is in ps. */
void rctr_proctitle_init (int argc, char **argv);
void rctr_proctitle_set (const char *title);

#endif
