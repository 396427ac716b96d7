/* rctr - running work inside a user namespace with a given mapping.  */
#ifndef RCTR_USERNS_H
#define RCTR_USERNS_H

#include "core/error.h"
#include "rootless/idmap.h"

/* Work to do in the namespace.  It may leave a line for the caller in
   RESULT (LEN bytes), which travels back with its success. */
typedef int (*rctr_userns_fn) (void *data, char *result, size_t len, rctr_error_t *err);

/* Get a user namespace for PLAN, in the way PLAN says: with the helpers the
   holder's namespace is opened (RET_NSFD >= 0, to join with setns); for a
   direct mapping nothing is done (RET_NSFD = -1: create one and map it).
   When the helpers fail, PLAN is turned into the single-id mapping and its
   notice says why. */
void rctr_userns_prepare (struct rctr_userns_plan *plan, int *ret_nsfd);

/* Run FN(DATA) in a child process that is inside a user namespace mapped as
   PLAN says (prepared with rctr_userns_prepare), as root there; FN's error
   comes back as this call's, and its RESULT line into RESULT (LEN bytes).
   The child dies with its parent.  The image store uses this to unpack with
   the image's owners kept, and to delete what it unpacked. */
int rctr_userns_run (struct rctr_userns_plan *plan, rctr_userns_fn fn, void *data, char *result, size_t len,
                     rctr_error_t *err);

#endif
