/* rctr - who is who: the uid/gid mapping of a container's user namespace.
 *
 * A plan is computed once per run from the mode the user asked for, the
 * caller's ids and the subordinate ranges in /etc/subuid and /etc/subgid; it
 * says which maps to write and whether the setuid helpers newuidmap and
 * newgidmap are needed to write them.
 */
#ifndef RCTR_IDMAP_H
#define RCTR_IDMAP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "rootless/subid.h"

enum rctr_userns_mode
{
  RCTR_USERNS_AUTO,   /* root inside; subordinate ranges when there are any */
  RCTR_USERNS_SINGLE, /* root inside, only the caller's own ids mapped */
  RCTR_USERNS_KEEP_ID /* the caller's own uid and gid inside */
};

struct rctr_idmap_line
{
  uint32_t inside;
  uint32_t outside;
  uint32_t count;
};

#define RCTR_IDMAP_MAX (2 * RCTR_SUBID_MAX_RANGES + 2)

struct rctr_idmap
{
  size_t n;
  struct rctr_idmap_line l[RCTR_IDMAP_MAX];
};

enum rctr_map_writer
{
  RCTR_MAP_DIRECT, /* written by rctr itself: single ids, or real root */
  RCTR_MAP_HELPERS /* written by newuidmap and newgidmap */
};

struct rctr_userns_plan
{
  enum rctr_userns_mode mode;
  enum rctr_map_writer writer;
  uid_t host_uid;
  gid_t host_gid;
  uid_t inside_uid; /* who the container's processes are */
  gid_t inside_gid;
  bool deny_setgroups;
  struct rctr_idmap uid_map;
  struct rctr_idmap gid_map;
  char newuidmap[PATH_MAX];
  char newgidmap[PATH_MAX];
  char *notice;        /* why fewer ids are mapped than asked for; NULL when none */
  const char *run_dir; /* where the holder is recorded without $XDG_RUNTIME_DIR */
};

/* Parse "auto", "single" or "keep-id". */
int rctr_userns_mode_parse (const char *s, enum rctr_userns_mode *ret);
const char *rctr_userns_mode_name (enum rctr_userns_mode mode);

/* Build the mapping: SPECIAL_INSIDE maps to HOST_ID alone, and the ids from
   1 upwards take the RANGES in order, except that the slot SPECIAL_INSIDE
   would take goes to 0.  With SPECIAL_INSIDE 0 (auto) that is "0 is you,
   1.. your range"; with your own uid (keep-id) only 0 and your uid trade
   places, so files unpacked under auto keep their owners under keep-id. */
void rctr_idmap_build (struct rctr_idmap *map, uint32_t special_inside, uint32_t host_id,
                       const struct rctr_subid_range *ranges, size_t n_ranges);

/* Render MAP as /proc/PID/uid_map text ("inside outside count\n"...). */
char *rctr_idmap_format (const struct rctr_idmap *map);

/* Parse a /proc/PID/[ug]id_map file at PATH into MAP. */
bool rctr_idmap_read_proc (const char *path, struct rctr_idmap *map);

/* Does an id inside fall in MAP? */
bool rctr_idmap_has_inside (const struct rctr_idmap *map, uint32_t inside);

/* Compute the plan for MODE for the calling user.  SUBUID and SUBGID are the
   files to read (NULL: /etc/subuid and /etc/subgid). */
int rctr_userns_plan_init (struct rctr_userns_plan *plan, enum rctr_userns_mode mode, const char *subuid,
                           const char *subgid, rctr_error_t *err);

/* Turn PLAN into the single-id mapping of its mode, recording WHY (taken). */
void rctr_userns_plan_single (struct rctr_userns_plan *plan, char *why);

void rctr_userns_plan_release (struct rctr_userns_plan *plan);

/* Write the maps of process PID (a child that is waiting in a new user
   namespace; 0: the caller itself, for a single-id map) as PLAN says. */
int rctr_userns_write_maps (const struct rctr_userns_plan *plan, pid_t pid, rctr_error_t *err);

/* A sentence naming the host setting that keeps unprivileged user
   namespaces off, for the error of a failed clone/unshare with ERRNUM. */
char *rctr_userns_explain_failure (int errnum);

#endif
