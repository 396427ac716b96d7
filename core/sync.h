/* rctr - messages between rctr and a process it started (the container's
 * init, or a helper in a user namespace), over a SOCK_SEQPACKET socketpair.
 * A child reports a failure as (errno, exit code, message) and _exits; the
 * parent rebuilds the error.  (crun: send_error_to_sync_socket.)
 */
#ifndef RCTR_SYNC_H
#define RCTR_SYNC_H

#include <stdint.h>

#include "core/error.h"

enum rctr_sync_type
{
  RCTR_SYNC_GO = 1,  /* parent -> child: go on */
  RCTR_SYNC_READY,   /* child -> parent: waiting in its new user namespace */
  RCTR_SYNC_NOTICE,  /* child -> parent: something the user should hear */
  RCTR_SYNC_ERROR,   /* child -> parent: failed; errnum, exit_code, text */
  RCTR_SYNC_RUNNING, /* init -> parent: the command runs; steps carry timings */
  RCTR_SYNC_SCRATCH, /* init -> parent: the name of its directory in the scratch dir, to remove after */
  RCTR_SYNC_DONE     /* helper -> parent: its work succeeded */
};

#define RCTR_MAX_STEPS 32

struct rctr_step
{
  char name[24];
  uint64_t ns; /* CLOCK_MONOTONIC at the end of the step */
};

struct rctr_sync_msg
{
  uint32_t type;
  int32_t errnum;
  int32_t exit_code;
  uint32_t n_steps;
  struct rctr_step steps[RCTR_MAX_STEPS];
  char text[1024];
};

/* A socketpair for sync, both ends close-on-exec. */
int rctr_sync_pair (int fds[2], rctr_error_t *err);

int rctr_sync_send (int fd, const struct rctr_sync_msg *msg);
int rctr_sync_send_type (int fd, enum rctr_sync_type type);
/* Send ERR (or ERRNUM and TEXT) as an ERROR message; for children about to _exit. */
int rctr_sync_send_error (int fd, rctr_error_t err, int exit_code);
/* Receive one message: 1 when one came, 0 at end of file, -1 on error (errno set). */
int rctr_sync_recv (int fd, struct rctr_sync_msg *msg);

/* Turn an ERROR message into an error value. */
int rctr_sync_error_from_msg (const struct rctr_sync_msg *msg, rctr_error_t *err);

#endif
