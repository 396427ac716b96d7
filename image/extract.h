/* rctr - the writer side of unpacking: libarchive reads, rctr writes.
 *
 * Every entry is written relative to the image's root directory fd with
 * chroot semantics (core/path.h): its name is cleaned as if absolute, its
 * parent is resolved inside the root (symlinks followed but kept inside), and
 * the entry itself is made with *at() calls that never follow its own name.
 * So ".." names, absolute names, symlinks pointing out with entries written
 * through them, and hard links to targets outside can create or change
 * nothing outside the image, while symlinks that stay inside (lib -> usr/lib)
 * work as in any distribution image.  (CVE-2014-6407: Docker's unpacking
 * wrote through an archive's symlinks and hard links; CVE-2021-32760 in
 * containerd and CVE-2021-31566 in libarchive: modes applied after the
 * contents followed a symlink out.)  archive_write_disk is not used: with
 * ARCHIVE_EXTRACT_SECURE_SYMLINKS it refuses ordinary layered images, and
 * without it symlinks lead out.
 */
#ifndef RCTR_EXTRACT_H
#define RCTR_EXTRACT_H

#include <stdint.h>

#include "core/error.h"
#include "image/dl.h"

struct rctr_unpack_stats
{
  uint64_t entries;
  uint64_t devices;       /* device nodes skipped: rctr provides /dev */
  uint64_t sockets;       /* sockets skipped */
  uint64_t xattrs_failed; /* extended attributes that could not be set */
};

struct rctr_extract;

struct rctr_extract *rctr_extract_new (int rootfd, struct rctr_unpack_stats *stats);
/* Write entry E, whose data is read from A. */
int rctr_extract_entry (struct rctr_extract *x, struct archive *a, struct archive_entry *e,
                        rctr_error_t *err);
/* Apply the modes, owners and times of directories, deepest first, now
   that their contents are written (a 0555 directory could not be filled). */
int rctr_extract_finish (struct rctr_extract *x, rctr_error_t *err);
void rctr_extract_free (struct rctr_extract *x);

/* Unpack the tar archive (plain, gzip, bzip2, xz, zstd or lz4, told by its
   content) read from FD into ROOTFD.  NAME is for messages. */
int rctr_unpack_archive (int fd, const char *name, int rootfd, struct rctr_unpack_stats *stats,
                         rctr_error_t *err);

#endif
