/* rctr - the options of `rctr run`, parsed into a structure (unit-tested on
 * their own, without running anything).
 */
#ifndef RCTR_RUN_OPTS_H
#define RCTR_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/container.h"
#include "core/error.h"
#include "rootless/idmap.h"

struct rctr_run_opts
{
  char **env_args; /* -e, in order */
  size_t n_env_args;
  char **env_files; /* --env-file, in order */
  size_t n_env_files;
  const char *workdir;
  struct rctr_volume *volumes;
  size_t n_volumes;
  char **tmpfs;
  size_t n_tmpfs;
  const char *hostname;
  enum rctr_net_mode net;
  enum rctr_userns_mode userns;
  char **cap_add; /* --cap-add, comma lists split */
  size_t n_cap_add;
  char **cap_drop;
  size_t n_cap_drop;
  bool no_new_privs;   /* --security-opt no-new-privileges[=true|false], default true */
  const char *seccomp; /* --security-opt seccomp=PROFILE.json; NULL: the default */
  bool seccomp_unconfined;
  unsigned preserve_fds; /* --preserve-fds N */
  bool read_only;
  bool quiet;
  bool debug;
  bool help;
  const char *image;
  char **command; /* NULL-terminated, points into argv; NULL when none */
};

/* Parse `run`'s ARGV (ARGV[0] is "run").  Unknown options, a missing image
   and invalid values are errors naming the option. */
int rctr_run_opts_parse (int argc, char **argv, struct rctr_run_opts *o, rctr_error_t *err);
void rctr_run_opts_free (struct rctr_run_opts *o);

/* Parse a volume SRC:DST[:ro|rw]. */
int rctr_volume_parse (const char *spec, struct rctr_volume *v, rctr_error_t *err);
void rctr_volume_free (struct rctr_volume *v);

extern const char rctr_run_usage[];

#endif
