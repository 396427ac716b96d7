/* rctr - the options of `rctr run`; see run_opts.h.  */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/run_opts.h"
#include "core/util.h"

const char rctr_run_usage[]
    = "Usage: rctr run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
      "\n"
      "Run COMMAND (default /bin/sh) in a new rootless container whose root is\n"
      "IMAGE, a tar archive of a root filesystem (plain, gzip, bzip2, xz, zstd or\n"
      "lz4, told by its content).  The first run unpacks it into the store; later\n"
      "runs start from there.  Exit status: the command's; 125 when rctr fails,\n"
      "126 when the command cannot be executed, 127 when it is not found.\n"
      "\n"
      "Options:\n"
      "  -e, --env NAME=VALUE       set a variable (-e NAME: the host's value)\n"
      "      --env-file FILE        read NAME=VALUE lines from FILE\n"
      "  -w, --workdir DIR          working directory of the command (made if missing)\n"
      "  -v, --volume SRC:DST[:ro|rw]\n"
      "                             bind the host path SRC at DST (made if missing)\n"
      "      --tmpfs DST[:OPTS]     mount a tmpfs at DST (OPTS: size=, mode=, ro...)\n"
      "      --hostname NAME        hostname (default: a short random id; the\n"
      "                             host's name with --net=host)\n"
      "      --net, --network none|host\n"
      "                             loopback only (default) or the host's network\n"
      "      --userns auto|single|keep-id\n"
      "                             auto: root inside, subordinate ids when\n"
      "                             /etc/subuid has a range; single: only your own\n"
      "                             id, as root; keep-id: your own uid and gid inside\n"
      "      --read-only            make the root file system read-only\n"
      "      --cap-add CAP[,CAP...], --cap-drop CAP[,CAP...]\n"
      "                             add to or drop from docker's default capability\n"
      "                             set (names with or without CAP_, or ALL)\n"
      "      --security-opt no-new-privileges=false\n"
      "                             let exec gain privileges (setuid, file\n"
      "                             capabilities); set by default\n"
      "      --preserve-fds N       pass fds 3 to 3+N-1 on to the command (all\n"
      "                             others are closed)\n"
      "      --security-opt seccomp=PROFILE.json|unconfined\n"
      "                             the seccomp profile (docker's JSON format)\n"
      "                             instead of rctr's default, or none\n"
      "  -q, --quiet                say nothing but errors\n"
      "      --debug                print each step of the start with its time\n"
      "  -h, --help                 print this help\n"
      "\n"
      "Environment: RCTR_STORE (the image store; default $XDG_DATA_HOME/rctr or\n"
      "~/.local/share/rctr), RCTR_OVERLAY=0 (no overlayfs: read-only root),\n"
      "RCTR_UPPER=disk (what the container writes goes to the store's disk, not\n"
      "to memory; also the default where tmpfs lacks user xattrs, before Linux 6.6).\n";

enum
{
  OPT_ENV_FILE = 1000,
  OPT_TMPFS,
  OPT_HOSTNAME,
  OPT_NET,
  OPT_USERNS,
  OPT_READ_ONLY,
  OPT_DEBUG,
  OPT_CAP_ADD,
  OPT_CAP_DROP,
  OPT_SECURITY_OPT,
  OPT_PRESERVE_FDS,
};

static void
strv_push (char ***v, size_t *n, char *s)
{
  *v = xreallocarray (*v, *n + 2, sizeof (char *));
  (*v)[(*n)++] = s;
  (*v)[*n] = NULL;
}

int
rctr_volume_parse (const char *spec, struct rctr_volume *v, rctr_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *src = copy, *dst, *opts;

  memset (v, 0, sizeof (*v));
  v->source_fd = -1;
  dst = strchr (src, ':');
  if (dst == NULL || dst == src || dst[1] == '\0')
    return rctr_make_error (err, 0, "run: --volume `%s`: expected SRC:DST[:ro|rw]", spec);
  *dst++ = '\0';
  opts = strchr (dst, ':');
  if (opts)
    *opts++ = '\0';
  if (dst[0] != '/')
    return rctr_make_error (err, 0, "run: --volume `%s`: the destination `%s` must be an absolute path", spec,
                            dst);
  if (opts && strcmp (opts, "ro") == 0)
    v->readonly = true;
  else if (opts && strcmp (opts, "rw") != 0)
    return rctr_make_error (err, 0, "run: --volume `%s`: unknown option `%s` (ro or rw)", spec, opts);
  v->source = xstrdup (src);
  v->dest = xstrdup (dst);
  return 0;
}

void
rctr_volume_free (struct rctr_volume *v)
{
  free (v->source);
  free (v->dest);
  v->source = v->dest = NULL;
}

static int
parse_net (const char *arg, enum rctr_net_mode *ret, rctr_error_t *err)
{
  if (strcmp (arg, "none") == 0)
    *ret = RCTR_NET_NONE;
  else if (strcmp (arg, "host") == 0)
    *ret = RCTR_NET_HOST;
  else
    return rctr_make_error (err, 0, "run: --net `%s`: expected none or host", arg);
  return 0;
}

/* Push each name of a comma list. */
static void
push_list (char ***v, size_t *n, const char *arg)
{
  cleanup_free char *copy = xstrdup (arg);
  char *item, *save = NULL;

  for (item = strtok_r (copy, ",", &save); item; item = strtok_r (NULL, ",", &save))
    strv_push (v, n, xstrdup (item));
}

static int
parse_security_opt (const char *arg, struct rctr_run_opts *o, rctr_error_t *err)
{
  if (strcmp (arg, "no-new-privileges") == 0 || strcmp (arg, "no-new-privileges=true") == 0
      || strcmp (arg, "no-new-privileges:true") == 0)
    o->no_new_privs = true;
  else if (strcmp (arg, "no-new-privileges=false") == 0 || strcmp (arg, "no-new-privileges:false") == 0)
    o->no_new_privs = false;
  else if (strcmp (arg, "seccomp=unconfined") == 0 || strcmp (arg, "seccomp:unconfined") == 0)
    {
      o->seccomp_unconfined = true;
      o->seccomp = NULL;
    }
  else if ((strncmp (arg, "seccomp=", 8) == 0 || strncmp (arg, "seccomp:", 8) == 0) && arg[8])
    {
      o->seccomp_unconfined = false;
      o->seccomp = arg + 8;
    }
  else
    return rctr_make_error (
        err, 0,
        "run: --security-opt `%s`: expected no-new-privileges[=true|false], seccomp=PROFILE.json "
        "or seccomp=unconfined",
        arg);
  return 0;
}

static int
parse_one (int c, const char *arg, struct rctr_run_opts *o, rctr_error_t *err)
{
  struct rctr_volume v;

  switch (c)
    {
    case 'e':
      strv_push (&o->env_args, &o->n_env_args, xstrdup (arg));
      return 0;
    case OPT_ENV_FILE:
      strv_push (&o->env_files, &o->n_env_files, xstrdup (arg));
      return 0;
    case 'w':
      if (arg[0] != '/')
        return rctr_make_error (err, 0, "run: --workdir `%s` must be an absolute path", arg);
      o->workdir = arg;
      return 0;
    case 'v':
      if (rctr_volume_parse (arg, &v, err) < 0)
        return -1;
      o->volumes = xreallocarray (o->volumes, o->n_volumes + 1, sizeof (*o->volumes));
      o->volumes[o->n_volumes++] = v;
      return 0;
    case OPT_TMPFS:
      if (arg[0] != '/')
        return rctr_make_error (err, 0, "run: --tmpfs `%s`: the destination must be an absolute path", arg);
      strv_push (&o->tmpfs, &o->n_tmpfs, xstrdup (arg));
      return 0;
    case OPT_HOSTNAME:
      if (!rctr_hostname_valid (arg))
        return rctr_make_error (err, 0, "run: --hostname `%s` is not a valid hostname", arg);
      o->hostname = arg;
      return 0;
    case OPT_NET:
      return parse_net (arg, &o->net, err);
    case OPT_USERNS:
      if (rctr_userns_mode_parse (arg, &o->userns) < 0)
        return rctr_make_error (err, 0, "run: --userns `%s`: expected auto, single or keep-id", arg);
      return 0;
    case OPT_READ_ONLY:
      o->read_only = true;
      return 0;
    case OPT_CAP_ADD:
      push_list (&o->cap_add, &o->n_cap_add, arg);
      return 0;
    case OPT_CAP_DROP:
      push_list (&o->cap_drop, &o->n_cap_drop, arg);
      return 0;
    case OPT_SECURITY_OPT:
      return parse_security_opt (arg, o, err);
    case OPT_PRESERVE_FDS:
      {
        char *end;
        unsigned long n = strtoul (arg, &end, 10);

        if (arg[0] < '0' || arg[0] > '9' || *end || n > 1000)
          return rctr_make_error (err, 0, "run: --preserve-fds `%s`: a number of fds (0 to 1000) is needed",
                                  arg);
        o->preserve_fds = (unsigned) n;
        return 0;
      }
    case 'q':
      o->quiet = true;
      return 0;
    case OPT_DEBUG:
      o->debug = true;
      return 0;
    case 'h':
      o->help = true;
      return 0;
    }
  return -1;
}

int
rctr_run_opts_parse (int argc, char **argv, struct rctr_run_opts *o, rctr_error_t *err)
{
  static const struct option options[] = {
    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, OPT_ENV_FILE },
    { "workdir", required_argument, NULL, 'w' },
    { "volume", required_argument, NULL, 'v' },
    { "tmpfs", required_argument, NULL, OPT_TMPFS },
    { "hostname", required_argument, NULL, OPT_HOSTNAME },
    { "net", required_argument, NULL, OPT_NET },
    { "network", required_argument, NULL, OPT_NET },
    { "userns", required_argument, NULL, OPT_USERNS },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { "cap-add", required_argument, NULL, OPT_CAP_ADD },
    { "cap-drop", required_argument, NULL, OPT_CAP_DROP },
    { "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "quiet", no_argument, NULL, 'q' },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  memset (o, 0, sizeof (*o));
  o->net = RCTR_NET_NONE;
  o->userns = RCTR_USERNS_AUTO;
  o->no_new_privs = true;
  opterr = 0;
  optind = 0;
  /* "+": options end at the image; the command's own options are its own.  */
  while ((c = getopt_long (argc, argv, "+:e:w:v:qh", options, NULL)) != -1)
    {
      if (c == '?' || c == ':')
        return rctr_unknown_option ("run", c, argc, argv, err);
      if (parse_one (c, optarg, o, err) < 0)
        return -1;
    }
  if (o->help)
    return 0;
  if (optind >= argc)
    return rctr_make_error (err, 0, "run: no image given (rctr run [OPTIONS] IMAGE [COMMAND [ARG...]])");
  o->image = argv[optind++];
  o->command = optind < argc ? argv + optind : NULL;
  return 0;
}

void
rctr_run_opts_free (struct rctr_run_opts *o)
{
  size_t i;

  rctr_strv_free (o->env_args);
  rctr_strv_free (o->env_files);
  rctr_strv_free (o->tmpfs);
  rctr_strv_free (o->cap_add);
  rctr_strv_free (o->cap_drop);
  for (i = 0; i < o->n_volumes; i++)
    rctr_volume_free (&o->volumes[i]);
  free (o->volumes);
  memset (o, 0, sizeof (*o));
}
