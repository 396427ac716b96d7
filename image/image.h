/* rctr - from an image file to an unpacked root filesystem in the store.  */
#ifndef RCTR_IMAGE_H
#define RCTR_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "image/digest.h"
#include "image/extract.h"
#include "image/store.h"
#include "rootless/idmap.h"

struct rctr_image
{
  char digest[RCTR_DIGEST_HEX_LEN + 1];
  int rootfs_fd;     /* O_PATH, images/DIGEST/rootfs */
  char *rootfs_path; /* and its path */
  int lock_fd;       /* shared lock: the image is in use */
  bool hashed;       /* the archive was read and hashed (not in the index) */
  bool unpacked;     /* and unpacked by this call */
  struct rctr_unpack_stats stats;
};

/* Find the image of the archive at PATH in store S, unpacking it first when
   it is not there.  Unpacking runs in a user namespace mapped by PLAN (the
   store's own mapping, of --userns=auto; NULL: computed here when needed),
   so that the image's owners are kept where a subordinate range exists. */
int rctr_image_resolve (struct rctr_store *s, const char *path, struct rctr_userns_plan *plan,
                        struct rctr_image *ret, rctr_error_t *err);
void rctr_image_release (struct rctr_image *img);

struct rctr_image_info
{
  char digest[RCTR_DIGEST_HEX_LEN + 1];
  char *source;     /* the archive's path when it was unpacked */
  int64_t imported; /* seconds since the epoch */
  uint64_t entries;
  char *ids; /* the owners it keeps: "subordinate", "single" or "all" */
};

/* List the images of S into *RET (sorted by import time, newest first). */
int rctr_image_list (struct rctr_store *s, struct rctr_image_info **ret, size_t *ret_n, rctr_error_t *err);
void rctr_image_info_free (struct rctr_image_info *infos, size_t n);

/* Find the one image whose digest starts with PREFIX (at least 4 hex digits). */
int rctr_image_find (struct rctr_store *s, const char *prefix, char ret_digest[RCTR_DIGEST_HEX_LEN + 1],
                     rctr_error_t *err);

/* Remove image DIGEST and its index entries; refused while a container uses
   it.  Deleting runs in the user namespace that unpacked it. */
int rctr_image_remove (struct rctr_store *s, const char *digest, struct rctr_userns_plan *plan,
                       rctr_error_t *err);

#endif
