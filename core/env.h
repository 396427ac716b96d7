/* rctr - the command's environment.  */
#ifndef RCTR_ENV_H
#define RCTR_ENV_H

#include <sys/types.h>

#include "core/error.h"

#define RCTR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A growing list of NAME=VALUE strings; a later NAME replaces an earlier. */
struct rctr_env
{
  char **vars; /* NULL-terminated */
  size_t n;
};

void rctr_env_set (struct rctr_env *env, const char *name, const char *value);
/* Add ARG, "NAME=VALUE", or "NAME" to take the host's value (skipped when
   the host has none), as docker's -e does.  SOURCE names where ARG came
   from, for the message when it is not a valid variable. */
int rctr_env_add_arg (struct rctr_env *env, const char *arg, const char *source, rctr_error_t *err);
/* Add the lines of an --env-file: NAME=VALUE or NAME, blank lines and lines
   starting with # skipped. */
int rctr_env_add_file (struct rctr_env *env, const char *path, rctr_error_t *err);
const char *rctr_env_get (const struct rctr_env *env, const char *name);
void rctr_env_free (struct rctr_env *env);

/* The defaults a container starts with: PATH, HOME, TERM from the host when
   set, HOSTNAME and container=rctr. */
void rctr_env_defaults (struct rctr_env *env, const char *hostname, const char *home);

/* The home directory of UID in the passwd file of the root ROOTFD ("/"
   when it has none; "/root" for root). */
char *rctr_passwd_home (int rootfd, uid_t uid);

#endif
