/* rctr - the command's environment; see env.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/env.h"
#include "core/path.h"
#include "core/util.h"

static ssize_t
env_find (const struct rctr_env *env, const char *name, size_t len)
{
  size_t i;

  for (i = 0; i < env->n; i++)
    if (strncmp (env->vars[i], name, len) == 0 && env->vars[i][len] == '=')
      return (ssize_t) i;
  return -1;
}

static void
env_put (struct rctr_env *env, char *var)
{
  size_t len = strcspn (var, "=");
  ssize_t i = env_find (env, var, len);

  if (i >= 0)
    {
      free (env->vars[i]);
      env->vars[i] = var;
      return;
    }
  env->vars = xreallocarray (env->vars, env->n + 2, sizeof (char *));
  env->vars[env->n++] = var;
  env->vars[env->n] = NULL;
}

void
rctr_env_set (struct rctr_env *env, const char *name, const char *value)
{
  env_put (env, xasprintf ("%s=%s", name, value));
}

const char *
rctr_env_get (const struct rctr_env *env, const char *name)
{
  ssize_t i = env_find (env, name, strlen (name));

  return i < 0 ? NULL : env->vars[i] + strlen (name) + 1;
}

static bool
valid_name (const char *name, size_t len)
{
  size_t i;

  if (len == 0)
    return false;
  for (i = 0; i < len; i++)
    if (name[i] == ' ' || name[i] == '\t' || name[i] == '\n' || name[i] == '\0')
      return false;
  return true;
}

int
rctr_env_add_arg (struct rctr_env *env, const char *arg, const char *source, rctr_error_t *err)
{
  const char *eq = strchr (arg, '=');
  size_t len = eq ? (size_t) (eq - arg) : strlen (arg);

  if (!valid_name (arg, len))
    return rctr_make_error (err, 0, "%s: `%s` is not a valid environment variable (NAME=VALUE or NAME)",
                            source, arg);
  if (eq)
    {
      env_put (env, xstrdup (arg));
      return 0;
    }
  if (getenv (arg))
    rctr_env_set (env, arg, getenv (arg));
  return 0;
}

int
rctr_env_add_file (struct rctr_env *env, const char *path, rctr_error_t *err)
{
  cleanup_free char *text = NULL;
  char *line, *next;
  unsigned lineno = 0;

  if (rctr_read_file_at (AT_FDCWD, path, 1 << 20, &text, NULL, err) < 0)
    return rctr_error_wrap (err, "--env-file");
  for (line = text; line; line = next)
    {
      cleanup_free char *where = NULL;

      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      lineno++;
      line[strcspn (line, "\r")] = '\0';
      while (*line == ' ' || *line == '\t')
        line++;
      if (*line == '\0' || *line == '#')
        continue;
      where = xasprintf ("--env-file `%s` line %u", path, lineno);
      if (rctr_env_add_arg (env, line, where, err) < 0)
        return -1;
    }
  return 0;
}

void
rctr_env_free (struct rctr_env *env)
{
  rctr_strv_free (env->vars);
  env->vars = NULL;
  env->n = 0;
}

void
rctr_env_defaults (struct rctr_env *env, const char *hostname, const char *home)
{
  const char *term = getenv ("TERM");

  rctr_env_set (env, "PATH", RCTR_DEFAULT_PATH);
  rctr_env_set (env, "HOME", home);
  if (term)
    rctr_env_set (env, "TERM", term);
  rctr_env_set (env, "HOSTNAME", hostname);
  rctr_env_set (env, "container", "rctr");
}

char *
rctr_passwd_home (int rootfd, uid_t uid)
{
  cleanup_close int fd = -1;
  cleanup_file FILE *f = NULL;
  rctr_error_t ignored = NULL;
  char line[1024];
  struct stat st;

  /* Read inside the image, never through a symlink out of it; and only a
     regular file (O_NONBLOCK: a fifo there must not hang the start).  */
  fd = rctr_open_in_root (rootfd, "etc/passwd", O_RDONLY | O_NONBLOCK, &ignored);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      rctr_error_release (&ignored);
      return xstrdup (uid == 0 ? "/root" : "/");
    }
  f = fdopen (fd, "re");
  if (f == NULL)
    return xstrdup (uid == 0 ? "/root" : "/");
  fd = -1;
  while (fgets (line, sizeof (line), f))
    {
      char *fields[7];
      char *p = line;
      size_t n = 0;

      line[strcspn (line, "\n")] = '\0';
      /* name:password:uid:gid:gecos:home:shell; gecos may be empty.  */
      for (n = 0; n < 7 && p; n++)
        fields[n] = strsep (&p, ":");
      if (n >= 6 && strtoul (fields[2], NULL, 10) == uid && fields[2][0] && fields[5][0] == '/')
        return xstrdup (fields[5]);
    }
  return xstrdup (uid == 0 ? "/root" : "/");
}
