/* rctr - `rctr run`: options and image into a container spec, then run it. */
#include <config.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cmd/cmd.h"
#include "cmd/run_opts.h"
#include "core/caps.h"
#include "core/container.h"
#include "core/env.h"
#include "core/util.h"
#include "image/image.h"
#include "image/store.h"
#include "rootless/idmap.h"

struct run_ui
{
  bool quiet;
  uint64_t t0;
  uint64_t last;
};

static void
print_step (struct run_ui *ui, const char *name, uint64_t ns)
{
  /* Signed: the container's first step can end before rctr notes the
     clone's return.  */
  fprintf (stderr, "rctr: debug: %8.3f ms (%+8.3f) %s\n", (double) ((int64_t) (ns - ui->t0)) / 1e6,
           (double) ((int64_t) (ns - ui->last)) / 1e6, name);
  ui->last = ns;
}

static void
on_event (void *data, const struct rctr_event *ev)
{
  struct run_ui *ui = data;

  switch (ev->kind)
    {
    case RCTR_EVENT_NOTICE:
      if (!ui->quiet)
        rctr_print_line ("note: ", ev->text);
      break;
    case RCTR_EVENT_STEP:
      print_step (ui, ev->text, ev->ns);
      break;
    }
}

static void
warn_unpack (const struct run_ui *ui, const char *image, const struct rctr_image *img)
{
  if (ui->quiet)
    return;
  if (img->stats.devices)
    fprintf (stderr, "rctr: warning: `%s`: %" PRIu64 " device node(s) skipped (rctr makes /dev itself)\n",
             image, img->stats.devices);
  if (img->stats.sockets)
    fprintf (stderr, "rctr: warning: `%s`: %" PRIu64 " socket(s) skipped\n", image, img->stats.sockets);
  if (img->stats.xattrs_failed)
    fprintf (stderr, "rctr: warning: `%s`: %" PRIu64 " extended attribute(s) could not be kept\n", image,
             img->stats.xattrs_failed);
}

static int
build_env (const struct rctr_run_opts *o, const struct rctr_container *c, uid_t inside_uid,
           struct rctr_env *env, rctr_error_t *err)
{
  cleanup_free char *home = rctr_passwd_home (c->rootfs_fd, inside_uid);
  size_t i;

  rctr_env_defaults (env, c->hostname, home);
  /* As docker: the files first, then -e, a later one winning.  */
  for (i = 0; i < o->n_env_files; i++)
    if (rctr_env_add_file (env, o->env_files[i], err) < 0)
      return -1;
  for (i = 0; i < o->n_env_args; i++)
    if (rctr_env_add_arg (env, o->env_args[i], "--env", err) < 0)
      return -1;
  return 0;
}

static char *default_command[] = { (char *) "/bin/sh", NULL };

/* The command's seccomp filter: compiled once per profile and capability
   set, then read from the store's cache.  */
static int
prepare_seccomp (const struct rctr_run_opts *o, struct run_ui *ui, struct rctr_store *store, uint64_t caps,
                 struct rctr_seccomp_bpf *bpf, rctr_error_t *err)
{
  cleanup_free char *cache = NULL;
  cleanup_free char *notice = NULL;

  if (o->seccomp_unconfined)
    return 0;
  cache = xasprintf ("%s/seccomp", store->path);
  if (rctr_seccomp_prepare (o->seccomp, caps, cache, bpf, &notice, err) < 0)
    return -1;
  if (notice && !ui->quiet)
    rctr_print_line ("warning: ", notice);
  if (o->debug)
    print_step (ui, "seccomp", rctr_now_ns ());
  return 0;
}

static int
run (struct rctr_run_opts *o, struct run_ui *ui, rctr_error_t *err)
{
  struct rctr_userns_plan plan;
  struct rctr_store store = { -1, NULL };
  struct rctr_image img = { .rootfs_fd = -1, .lock_fd = -1 };
  struct rctr_container c;
  struct rctr_env env = { NULL, 0 };
  struct rctr_seccomp_bpf bpf = { NULL, 0 };
  cleanup_free char *store_path = NULL;
  cleanup_free char *run_dir = NULL;
  const char *overlay = getenv ("RCTR_OVERLAY");
  const char *upper = getenv ("RCTR_UPPER");
  cleanup_free char *scratch = NULL;
  int status = 125;

  memset (&c, 0, sizeof (c));
  if (rctr_userns_plan_init (&plan, o->userns, NULL, NULL, err) < 0)
    return 125;
  if (rctr_store_default_path (&store_path, err) < 0 || rctr_store_open (&store, store_path, false, err) < 0)
    goto out;
  run_dir = rctr_store_run_dir (&store);
  plan.run_dir = run_dir;
  /* The store's owners follow --userns=auto's mapping, whatever this run's. */
  if (rctr_image_resolve (&store, o->image, o->userns == RCTR_USERNS_AUTO ? &plan : NULL, &img, err) < 0)
    goto out;
  if (o->debug)
    print_step (ui,
                img.unpacked ? "image (hashed and unpacked)"
                : img.hashed ? "image (hashed)"
                             : "image (cached)",
                rctr_now_ns ());
  if (img.unpacked)
    warn_unpack (ui, o->image, &img);

  c.rootfs_fd = img.rootfs_fd;
  c.rootfs_path = img.rootfs_path;
  c.read_only = o->read_only;
  c.no_overlay = overlay && strcmp (overlay, "0") == 0;
  scratch = xasprintf ("%s/tmp", store.path);
  c.scratch_path = scratch;
  c.upper_on_disk = upper && strcmp (upper, "disk") == 0;
  c.userns = &plan;
  c.argv = o->command ? o->command : default_command;
  c.workdir = (char *) o->workdir;
  c.hostname = o->hostname ? xstrdup (o->hostname) : NULL;
  c.net = o->net;
  c.volumes = o->volumes;
  c.n_volumes = o->n_volumes;
  c.tmpfs = o->tmpfs;
  c.n_tmpfs = o->n_tmpfs;
  c.debug = o->debug;
  c.caps = rctr_caps_default ();
  if (rctr_caps_tweak (&c.caps, o->cap_add, o->n_cap_add, o->cap_drop, o->n_cap_drop, err) < 0)
    goto out;
  c.no_new_privs = o->no_new_privs;
  c.preserve_fds = o->preserve_fds;
  if (prepare_seccomp (o, ui, &store, c.caps, &bpf, err) < 0)
    goto out;
  c.seccomp = o->seccomp_unconfined ? NULL : &bpf;
  /* Where rctr itself was started with no_new_privs (inside another
     container, or by a service manager), it cannot be cleared.  */
  if (!c.no_new_privs && prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
    {
      rctr_make_error (err, 0,
                       "run: --security-opt no-new-privileges=false: no_new_privs is set on rctr itself "
                       "(inherited from what started it) and cannot be cleared");
      goto out;
    }
  c.notify = on_event;
  c.notify_data = ui;
  if (rctr_container_prepare (&c, err) < 0 || build_env (o, &c, plan.inside_uid, &env, err) < 0)
    goto out;
  c.env = env.vars;
  if (o->debug)
    print_step (ui, "spec", rctr_now_ns ());
  if (rctr_container_run (&c, &status, err) < 0)
    goto out;

out:
  rctr_container_release (&c);
  rctr_env_free (&env);
  rctr_seccomp_bpf_release (&bpf);
  rctr_image_release (&img);
  rctr_store_close (&store);
  rctr_userns_plan_release (&plan);
  return status;
}

int
rctr_cmd_run (struct rctr_global_args *g, int argc, char **argv, rctr_error_t *err)
{
  struct rctr_run_opts o;
  struct run_ui ui = { false, rctr_now_ns (), 0 };
  int status;

  (void) g;
  ui.last = ui.t0;
  if (rctr_run_opts_parse (argc, argv, &o, err) < 0)
    {
      rctr_run_opts_free (&o);
      return 125;
    }
  if (o.help)
    {
      fputs (rctr_run_usage, stdout);
      rctr_run_opts_free (&o);
      return 0;
    }
  ui.quiet = o.quiet;
  /* Before rctr opens anything: fds it opens itself land above these.  */
  for (unsigned fd = 3; fd < 3 + o.preserve_fds; fd++)
    if (fcntl ((int) fd, F_GETFD) < 0)
      {
        rctr_make_error (err, 0, "run: --preserve-fds %u: fd %u is not open", o.preserve_fds, fd);
        rctr_run_opts_free (&o);
        return 125;
      }
  if (o.debug)
    print_step (&ui, "options", rctr_now_ns ());
  /* The command's output and rctr's lines keep their order.  */
  fflush (stdout);
  status = run (&o, &ui, err);
  rctr_run_opts_free (&o);
  return status;
}
