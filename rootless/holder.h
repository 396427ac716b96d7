/* rctr - the per-user user namespace holder.
 *
 * newuidmap and newgidmap are setuid programs: running both costs about as
 * much as the rest of a container's start.  So, as podman does with its pause
 * process, the first run with a subordinate range starts a small long-lived
 * process that sits in a user namespace mapped once; later runs join that
 * namespace with setns(2) and create their other namespaces inside it.
 */
#ifndef RCTR_HOLDER_H
#define RCTR_HOLDER_H

#include "core/error.h"
#include "rootless/idmap.h"

/* Open the user namespace held for PLAN's mapping, starting its holder when
   there is none, or when the one on record is gone or stale (its maps differ
   from PLAN's, say after /etc/subuid changed).  Returns an fd for setns(2),
   or -1 with ERR when no namespace could be made (newuidmap failing, say). */
int rctr_holder_open (const struct rctr_userns_plan *plan, rctr_error_t *err);

#endif
