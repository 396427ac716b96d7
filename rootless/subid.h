/* rctr - /etc/subuid and /etc/subgid (subuid(5)).  */
#ifndef RCTR_SUBID_H
#define RCTR_SUBID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

struct rctr_subid_range
{
  uint32_t start;
  uint32_t count;
};

#define RCTR_SUBID_MAX_RANGES 8

/* Parse TEXT in subuid(5) format ("owner:start:count" per line, owner a login
   name or a numeric id) and store the ranges of owner ID, or of owner NAME
   when NAME is not NULL, into RANGES (at most MAX).  Malformed lines, ranges
   of count 0 and ranges that wrap around 2^32 are skipped.  Returns the number
   of ranges stored.  When NAME is NULL and *RET_NEEDS_NAME is given, it is
   set when some line names its owner by login name, so that the caller knows
   whether looking the name up (NSS, possibly slow) could find more. */
size_t rctr_subid_parse (const char *text, uid_t id, const char *name, struct rctr_subid_range *ranges,
                         size_t max, int *ret_needs_name);

/* Read FILE and return the ranges of the user ID (login NAME looked up only
   when the file names owners by login).  A missing file has no ranges. */
int rctr_subid_read (const char *file, uid_t id, struct rctr_subid_range *ranges, size_t max,
                     rctr_error_t *err);

#endif
