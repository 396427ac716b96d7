/* Unit tests: `rctr run` options, volumes, environment, hostnames.  */
#include <config.h>

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/run_opts.h"
#include "core/env.h"
#include "core/util.h"
#include "tests/unit/tap.h"

/* The argv of the last parse: the options point into it, so it lives until
   the next one.  */
static char **last_argv;

static int
parse_args (struct rctr_run_opts *o, rctr_error_t *err, const char *first, ...)
{
  const char *arg;
  va_list ap;
  int argc = 1;

  rctr_strv_free (last_argv);
  last_argv = xmalloc (sizeof (char *) * 2);
  last_argv[0] = xstrdup ("run");
  va_start (ap, first);
  for (arg = first; arg; arg = va_arg (ap, const char *))
    {
      last_argv = xreallocarray (last_argv, (size_t) argc + 2, sizeof (char *));
      last_argv[argc++] = xstrdup (arg);
    }
  va_end (ap);
  last_argv[argc] = NULL;
  return rctr_run_opts_parse (argc, last_argv, o, err);
}

#define ARGS(...)           __VA_ARGS__, NULL
#define parse(o, err, args) parse_args (o, err, args)

static void
test_run_opts (void)
{
  struct rctr_run_opts o;
  rctr_error_t err = NULL;

  tap_ok (parse (&o, &err, ARGS ("img.tar")) == 0 && o.image && !o.command && o.userns == RCTR_USERNS_AUTO
              && o.net == RCTR_NET_NONE,
          "image alone: defaults");
  rctr_run_opts_free (&o);

  tap_ok (parse (&o, &err,
                 ARGS ("-e", "A=1", "--env=B", "--env-file", "f", "-w", "/w", "-v", "/a:/b:ro", "--tmpfs",
                       "/t", "--hostname", "box", "--net", "host", "--userns=keep-id", "--read-only", "-q",
                       "--debug", "img.tar", "ls", "-l", "--", "-e"))
              == 0,
          "every option parses");
  tap_ok (o.n_env_args == 2 && strcmp (o.env_args[0], "A=1") == 0 && strcmp (o.env_args[1], "B") == 0,
          "-e kept in order");
  tap_ok (o.n_env_files == 1 && strcmp (o.workdir, "/w") == 0, "--env-file and -w");
  tap_ok (o.n_volumes == 1 && o.volumes[0].readonly && strcmp (o.volumes[0].dest, "/b") == 0,
          "-v SRC:DST:ro");
  tap_ok (o.n_tmpfs == 1 && strcmp (o.hostname, "box") == 0 && o.net == RCTR_NET_HOST,
          "--tmpfs --hostname --net");
  tap_ok (o.userns == RCTR_USERNS_KEEP_ID && o.read_only && o.quiet && o.debug,
          "--userns --read-only -q --debug");
  tap_ok (strcmp (o.image, "img.tar") == 0 && o.command && strcmp (o.command[0], "ls") == 0
              && strcmp (o.command[1], "-l") == 0 && strcmp (o.command[2], "--") == 0
              && strcmp (o.command[3], "-e") == 0,
          "options after the image belong to the command");
  rctr_run_opts_free (&o);

  tap_ok (parse (&o, &err, ARGS ("--bogus", "img")) < 0 && err && strstr (err->msg, "`--bogus`"),
          "unknown long option named");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("-Z", "img")) < 0 && err && strstr (err->msg, "`-Z`"),
          "unknown short option named");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("-e")) < 0 && err && strstr (err->msg, "needs an argument"),
          "missing argument");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("-q")) < 0 && err && strstr (err->msg, "no image"), "no image");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("--net", "slirp", "img")) < 0 && err && strstr (err->msg, "none or host"),
          "bad --net");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("--userns", "root", "img")) < 0 && err && strstr (err->msg, "keep-id"),
          "bad --userns");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("-w", "rel", "img")) < 0 && err && strstr (err->msg, "absolute"),
          "relative --workdir");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("--hostname", "bad_name", "img")) < 0 && err
              && strstr (err->msg, "hostname"),
          "bad --hostname");
  rctr_error_release (&err);
  rctr_run_opts_free (&o);
  tap_ok (parse (&o, &err, ARGS ("-h")) == 0 && o.help, "-h without an image");
  rctr_run_opts_free (&o);
}

static void
test_volumes (void)
{
  struct rctr_volume v;
  rctr_error_t err = NULL;

  tap_ok (rctr_volume_parse ("/src:/dst", &v, &err) == 0 && !v.readonly && strcmp (v.source, "/src") == 0
              && strcmp (v.dest, "/dst") == 0,
          "SRC:DST");
  rctr_volume_free (&v);
  tap_ok (rctr_volume_parse ("rel/dir:/dst:rw", &v, &err) == 0 && !v.readonly, "relative SRC, :rw");
  rctr_volume_free (&v);
  tap_ok (rctr_volume_parse ("/src", &v, &err) < 0 && err, "no DST");
  rctr_error_release (&err);
  tap_ok (rctr_volume_parse (":/dst", &v, &err) < 0 && err, "empty SRC");
  rctr_error_release (&err);
  tap_ok (rctr_volume_parse ("/src:dst", &v, &err) < 0 && err && strstr (err->msg, "absolute"),
          "relative DST");
  rctr_error_release (&err);
  tap_ok (rctr_volume_parse ("/src:/dst:rx", &v, &err) < 0 && err && strstr (err->msg, "`rx`"),
          "unknown option");
  rctr_error_release (&err);
}

static void
test_env (void)
{
  struct rctr_env env = { NULL, 0 };
  rctr_error_t err = NULL;
  char file[] = "/tmp/rctr-test-envfile-XXXXXX";
  int fd = mkstemp (file);
  const char text[] = "# a comment\n\nFROMFILE=1\n  SPACED=x y\nOVER=file\nHOSTVAR\r\n";

  setenv ("HOSTVAR", "from-host", 1);
  unsetenv ("NOT_ON_HOST");
  setenv ("TERM", "xterm-test", 1);
  rctr_env_defaults (&env, "box", "/root");
  tap_is_str (rctr_env_get (&env, "PATH"), RCTR_DEFAULT_PATH, "default PATH");
  tap_is_str (rctr_env_get (&env, "HOSTNAME"), "box", "HOSTNAME");
  tap_is_str (rctr_env_get (&env, "HOME"), "/root", "HOME");
  tap_is_str (rctr_env_get (&env, "TERM"), "xterm-test", "TERM from the host");
  tap_is_str (rctr_env_get (&env, "container"), "rctr", "container=rctr");

  tap_ok (fd >= 0 && write (fd, text, sizeof (text) - 1) == (ssize_t) sizeof (text) - 1, "write an env file");
  close (fd);
  tap_ok (rctr_env_add_file (&env, file, &err) == 0, "env file read");
  tap_is_str (rctr_env_get (&env, "FROMFILE"), "1", "NAME=VALUE from the file");
  tap_is_str (rctr_env_get (&env, "SPACED"), "x y", "leading blanks dropped, value kept whole");
  tap_is_str (rctr_env_get (&env, "HOSTVAR"), "from-host", "NAME alone takes the host's value");
  tap_ok (rctr_env_add_arg (&env, "OVER=arg", "--env", &err) == 0, "-e after the file");
  tap_is_str (rctr_env_get (&env, "OVER"), "arg", "-e wins over --env-file");
  tap_ok (rctr_env_add_arg (&env, "NOT_ON_HOST", "--env", &err) == 0
              && rctr_env_get (&env, "NOT_ON_HOST") == NULL,
          "-e NAME unset on the host is left out");
  tap_ok (rctr_env_add_arg (&env, "PATH=/x", "--env", &err) == 0, "PATH can be set");
  tap_is_str (rctr_env_get (&env, "PATH"), "/x", "a later value replaces the default");
  tap_ok (rctr_env_add_arg (&env, "=v", "--env", &err) < 0 && err, "empty name refused");
  rctr_error_release (&err);
  tap_ok (rctr_env_add_arg (&env, "A B=v", "--env", &err) < 0 && err, "name with a blank refused");
  rctr_error_release (&err);
  unlink (file);
  tap_ok (rctr_env_add_file (&env, file, &err) < 0 && err && strstr (err->msg, "--env-file")
              && strstr (err->msg, file),
          "missing env file named in the error");
  rctr_error_release (&err);
  rctr_env_free (&env);
}

static void
test_hostnames (void)
{
  tap_ok (rctr_hostname_valid ("box"), "box is valid");
  tap_ok (rctr_hostname_valid ("a-b.c-d.e"), "dotted with dashes is valid");
  tap_ok (rctr_hostname_valid ("0123456789ab"), "a hex id is valid");
  tap_ok (!rctr_hostname_valid (""), "empty is not");
  tap_ok (!rctr_hostname_valid ("-a"), "leading dash is not");
  tap_ok (!rctr_hostname_valid ("a..b"), "empty label is not");
  tap_ok (!rctr_hostname_valid ("a_b"), "underscore is not");
  tap_ok (!rctr_hostname_valid ("a/b"), "slash is not");
  tap_ok (!rctr_hostname_valid ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
          "65 bytes is not");
}

int
main (void)
{
  test_run_opts ();
  test_volumes ();
  test_env ();
  test_hostnames ();
  return tap_done ();
}
