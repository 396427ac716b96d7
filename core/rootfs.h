/* rctr - the container's root: the image from the store, read-only, with a
 * private overlay on top; then pivot_root into it.
 */
#ifndef RCTR_ROOTFS_H
#define RCTR_ROOTFS_H

#include <stdbool.h>

#include "core/container.h"
#include "core/error.h"

/* Mount a tmpfs at STAGING_DIR (inside the new mount namespace only) to
   hold the overlay's upper and work directories and the new root's mount
   point.  Returns its fd. */
int rctr_staging_mount (rctr_error_t *err);

/* Does the staging tmpfs take user.* extended attributes (Linux 6.6+)?
   overlayfs marks whiteouts and opaque directories there; without them, a
   directory of the image cannot be removed and made again. */
bool rctr_staging_has_user_xattrs (void);

/* Make a directory in SCRATCHFD (the store's tmp/) for an upper layer on
   disk, locked (*RET_LOCKFD) for as long as it is open; its name into
   RET_NAME (LEN bytes).  Removes the ones killed runs left. */
int rctr_rootfs_disk_upper (int scratchfd, char *ret_name, size_t len, int *ret_lockfd, rctr_error_t *err);

/* Mount the root of C at the staging tmpfs's "root": an overlay with the
   image (LOWERFD, opened in this mount namespace) as its read-only lower
   layer, its upper and work directories in BASEFD (the staging tmpfs, or a
   directory on disk), with the generated /etc files and the mount points
   rctr needs already in the upper layer.  With C->no_overlay, or where the
   kernel refuses an unprivileged overlay, a tmpfs holding the image's
   top-level entries bound read-only (*RET_OVERLAY false).  Returns an
   O_PATH fd of the new root. */
int rctr_rootfs_mount (const struct rctr_container *c, int lowerfd, int stagefd, int basefd,
                       bool *ret_overlay, rctr_error_t *err);

/* Without an overlay: bind the generated /etc files over the image's own
   (only where they are regular files). */
int rctr_rootfs_bind_etc (const struct rctr_container *c, int stagefd, int rootfd, rctr_error_t *err);

/* Make the root itself read-only, once everything is mounted on it: the
   overlay with --read-only, the tmpfs root without an overlay. */
int rctr_rootfs_seal (int rootfd, rctr_error_t *err);

/* Make the root the process's "/" and detach the old one. */
int rctr_rootfs_pivot (int rootfd, rctr_error_t *err);

#endif
