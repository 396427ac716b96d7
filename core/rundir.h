/* rctr - the per-user runtime directory: $XDG_RUNTIME_DIR/rctr when that
 * directory is the caller's, else a directory of the caller's own (in the
 * store: never a predictable name in a directory others may write, such as
 * /tmp, where another user could make it first).  */
#ifndef RCTR_RUNDIR_H
#define RCTR_RUNDIR_H

#include "core/error.h"

/* Open (creating it 0700) the runtime directory: $XDG_RUNTIME_DIR/rctr,
   else FALLBACK (an absolute path; its missing parents are made 0700).
   A directory in its place that is not the caller's own, is open to others,
   or is a symlink is refused.  Returns a directory fd or -1. */
int rctr_runtime_dir_open (const char *fallback, rctr_error_t *err);

/* The same check for any directory NAME under DIRFD, created with 0700. */
int rctr_private_dir_open (int dirfd, const char *name, const char *display, rctr_error_t *err);

#endif
