/* rctr - the container spec: everything one run needs, merged from the
 * command line and the image, and the call that runs it.
 */
#ifndef RCTR_CONTAINER_H
#define RCTR_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sync.h"
#include "core/seccomp.h"
#include "rootless/idmap.h"

enum rctr_net_mode
{
  RCTR_NET_NONE, /* a new network namespace with only `lo`, up */
  RCTR_NET_HOST  /* the host's network namespace */
};

struct rctr_volume
{
  char *source;      /* host path, as given */
  char *source_path; /* its canonical absolute path, set by rctr_container_prepare */
  char *dest;        /* absolute path inside the container */
  bool readonly;
  int source_fd; /* O_PATH, opened by rctr before the container starts */
  bool source_is_dir;
};

enum rctr_event_kind
{
  RCTR_EVENT_NOTICE, /* a line for the user (unless --quiet) */
  RCTR_EVENT_STEP    /* --debug: a step of the start and when it ended */
};

struct rctr_event
{
  enum rctr_event_kind kind;
  const char *text; /* NOTICE: the line; STEP: the step's name */
  uint64_t ns;      /* STEP: CLOCK_MONOTONIC when it ended */
};

struct rctr_container
{
  /* root filesystem */
  int rootfs_fd;           /* O_PATH directory of the image in the store */
  const char *rootfs_path; /* and its path: the container reopens it in its own mount namespace */
  bool read_only;          /* --read-only */
  bool no_overlay;         /* no overlayfs: read-only root, tmpfs on /tmp /run /var/tmp */
  /* The store's tmp/: where the overlay's upper layer goes when it cannot
     be on a tmpfs (tmpfs has user xattrs only from Linux 6.6), or when asked
     (RCTR_UPPER=disk: what the container writes goes to disk, not memory). */
  const char *scratch_path;
  bool upper_on_disk;

  struct rctr_userns_plan *userns;

  /* the command */
  char **argv;
  char **env;
  char *workdir;
  char *hostname; /* owned; NULL: a short random id, or the host's with --net=host */
  enum rctr_net_mode net;

  /* generated /etc files (contents), filled by rctr_container_prepare */
  char *etc_hosts;
  char *etc_hostname;
  char *etc_resolv;

  struct rctr_volume *volumes;
  size_t n_volumes;
  char **tmpfs; /* --tmpfs destinations */
  size_t n_tmpfs;

  /* hardening of the command's process */
  uint64_t caps;                          /* its capability sets (bounding, effective, permitted) */
  bool no_new_privs;                      /* prctl(PR_SET_NO_NEW_PRIVS): exec gains no privilege */
  const struct rctr_seccomp_bpf *seccomp; /* its filter; NULL: unconfined */
  unsigned preserve_fds;                  /* rctr's fds 3 .. 3+N-1 go on to the command */

  bool debug;
  void (*notify) (void *data, const struct rctr_event *ev);
  void *notify_data;
};

/* Fill what the options left open (hostname, generated /etc files), check
   the volumes and open their sources.  Before rctr_container_run. */
int rctr_container_prepare (struct rctr_container *c, rctr_error_t *err);
void rctr_container_release (struct rctr_container *c);

/* Run C to its end: rctr's init is PID 1 of the new namespaces and runs the
   command.  Returns the exit status the user should see (the command's, or
   128+N when it was killed by signal N), or -1 with ERR when the container
   could not start; then RET_EXIT says 125, 126 (cannot execute) or 127
   (not found). */
int rctr_container_run (struct rctr_container *c, int *ret_exit, rctr_error_t *err);

/* Is NAME a valid hostname (RFC 1123 labels, at most 64 bytes)? */
bool rctr_hostname_valid (const char *name);

#endif
