/* rctr - the container's side: rctr's init, PID 1 of the new namespaces.  */
#ifndef RCTR_INIT_H
#define RCTR_INIT_H

#include "core/container.h"
#include "core/mounts.h"
#include "core/sync.h"

/* Record that step NAME just ended, in MSG (a RUNNING message). */
void rctr_step (struct rctr_sync_msg *msg, const char *name);

/* How the container's init starts. */
enum rctr_init_start
{
  RCTR_INIT_GO,       /* wait for rctr's GO: it writes the maps (helpers, root) */
  RCTR_INIT_SELF_MAP, /* map its new user namespace itself (a single id) */
  RCTR_INIT_MAPPED    /* already in a mapped namespace (the holder's) */
};

/* The init sequence, run in the child of clone: get mapped, set up the root
   and the mounts, pivot_root, hostname, loopback, then become PID 1 for the
   command.  Reports failure over SYNC and exits 125. */
void rctr_init_main (const struct rctr_container *c, struct rctr_mount_plan *plan, int sync,
                     enum rctr_init_start start) __attribute__ ((noreturn));

/* PID 1: fork the command, tell rctr over SYNC that it runs (with the steps
   in RUNNING) or why it could not (exit 126 or 127), then reap every child
   and forward signals until the command ends, and exit with its status. */
void rctr_pid1_main (const struct rctr_container *c, int sync, struct rctr_sync_msg *running)
    __attribute__ ((noreturn));

/* The signals rctr forwards to the command. */
void rctr_forwarded_signals (sigset_t *set);

#endif
