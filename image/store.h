/* rctr - the per-user image store.
 *
 * Layout (every directory 0700):
 *   images/DIGEST/rootfs   an unpacked image, read-only by convention
 *   images/DIGEST/info     where it came from and which owners it could keep
 *                          ("key=value" lines)
 *   images/DIGEST/.lock    the lock its unpack held, taken again to remove it
 *   index/KEY              symlink to DIGEST, KEY being an archive file's
 *                          identity (device, inode, size, mtime, ctime), so a
 *                          warm start never reads or hashes the archive
 *   locks/DIGEST.lock      flock: exclusive to unpack or remove, shared
 *                          while a container uses the image
 *   tmp/                   unpacks (DIGEST.X), removals (rm.DIGEST.X) and
 *                          upper layers on disk (run.X) in progress, each
 *                          locked through its .lock; an unlocked one was
 *                          interrupted and is removed; new.X is being made
 *   run/HOSTNAME/          the holder's record, without $XDG_RUNTIME_DIR
 * DIGEST is the SHA-256 of the archive.  An image appears in images/ only by
 * one rename() of a complete unpack, under its lock.
 */
#ifndef RCTR_STORE_H
#define RCTR_STORE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/error.h"
#include "image/digest.h"

struct rctr_store
{
  int dirfd;
  char *path; /* for messages */
};

/* The store's path: $RCTR_STORE, else $XDG_DATA_HOME/rctr, else
   $HOME/.local/share/rctr (HOME from the password database when unset). */
int rctr_store_default_path (char **ret, rctr_error_t *err);

/* Open the store at PATH, creating it (and its parents) 0700 when CREATE.
   Without CREATE a missing store is not an error: dirfd stays -1.  S is
   { -1, NULL } or a store opened before (reopened, PATH may be S->path). */
int rctr_store_open (struct rctr_store *s, const char *path, bool create, rctr_error_t *err);
void rctr_store_close (struct rctr_store *s);

/* Where the user namespace holder is recorded when there is no
   $XDG_RUNTIME_DIR: run/HOSTNAME in the store (the store may be shared by
   the nodes of a cluster, each with holders of its own). */
char *rctr_store_run_dir (const struct rctr_store *s);

/* Make the store's subdirectories; needed before anything is written. */
int rctr_store_prepare (struct rctr_store *s, rctr_error_t *err);

/* The index key of a file with status ST. */
char *rctr_store_index_key (const struct stat *st);

/* Look ST up in the index: 1 with RET_DIGEST filled, 0 when unknown. */
int rctr_store_index_get (struct rctr_store *s, const struct stat *st,
                          char ret_digest[RCTR_DIGEST_HEX_LEN + 1]);
int rctr_store_index_put (struct rctr_store *s, const struct stat *st, const char *digest, rctr_error_t *err);

/* Open images/DIGEST/rootfs (O_PATH).  -1 with errno ENOENT and no error
   made when the image is not there. */
int rctr_store_open_rootfs (struct rctr_store *s, const char *digest, rctr_error_t *err);

/* Open and flock locks/DIGEST.lock with HOW (LOCK_SH, LOCK_EX, | LOCK_NB). */
int rctr_store_lock (struct rctr_store *s, const char *digest, int how, rctr_error_t *err);

#endif
