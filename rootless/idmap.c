/* rctr - the uid/gid mapping of a container; see idmap.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "rootless/idmap.h"

extern char **environ;

int
rctr_userns_mode_parse (const char *s, enum rctr_userns_mode *ret)
{
  if (strcmp (s, "auto") == 0)
    *ret = RCTR_USERNS_AUTO;
  else if (strcmp (s, "single") == 0)
    *ret = RCTR_USERNS_SINGLE;
  else if (strcmp (s, "keep-id") == 0)
    *ret = RCTR_USERNS_KEEP_ID;
  else
    return -1;
  return 0;
}

const char *
rctr_userns_mode_name (enum rctr_userns_mode mode)
{
  switch (mode)
    {
    case RCTR_USERNS_AUTO:
      return "auto";
    case RCTR_USERNS_SINGLE:
      return "single";
    case RCTR_USERNS_KEEP_ID:
      return "keep-id";
    }
  return "?";
}

static void
idmap_add (struct rctr_idmap *map, uint32_t inside, uint32_t outside, uint32_t count)
{
  if (map->n < RCTR_IDMAP_MAX && count > 0)
    map->l[map->n++] = (struct rctr_idmap_line){ inside, outside, count };
}

void
rctr_idmap_build (struct rctr_idmap *map, uint32_t special_inside, uint32_t host_id,
                  const struct rctr_subid_range *ranges, size_t n_ranges)
{
  uint64_t next = 1; /* the next id inside to hand out */
  size_t i;

  map->n = 0;
  idmap_add (map, special_inside, host_id, 1);
  for (i = 0; i < n_ranges; i++)
    {
      uint64_t start = ranges[i].start;
      uint64_t left = ranges[i].count;

      while (left > 0 && next <= UINT32_MAX)
        {
          uint64_t chunk = left;

          /* The slot that would be SPECIAL_INSIDE's goes to 0 instead, so
             that every other id keeps the host id it has with 0 as the
             special one: the store's owners look the same in every mode.  */
          if (next == special_inside)
            {
              idmap_add (map, 0, (uint32_t) start, 1);
              next++;
              start++;
              left--;
              continue;
            }
          if (next < special_inside && next + chunk > special_inside)
            chunk = special_inside - next;
          if (next + chunk > (uint64_t) UINT32_MAX + 1)
            chunk = (uint64_t) UINT32_MAX + 1 - next;
          idmap_add (map, (uint32_t) next, (uint32_t) start, (uint32_t) chunk);
          next += chunk;
          start += chunk;
          left -= chunk;
        }
    }
}

char *
rctr_idmap_format (const struct rctr_idmap *map)
{
  char *out = xmalloc (map->n * 36 + 1);
  size_t i, o = 0;

  out[0] = '\0';
  for (i = 0; i < map->n; i++)
    o += (size_t) sprintf (out + o, "%u %u %u\n", map->l[i].inside, map->l[i].outside, map->l[i].count);
  return out;
}

bool
rctr_idmap_has_inside (const struct rctr_idmap *map, uint32_t inside)
{
  size_t i;

  for (i = 0; i < map->n; i++)
    if (inside >= map->l[i].inside && (uint64_t) inside < (uint64_t) map->l[i].inside + map->l[i].count)
      return true;
  return false;
}

/* Find PROG in $PATH, then in the directories shadow-utils installs to. */
static bool
find_helper (const char *prog, char *out, size_t len)
{
  const char *path = getenv ("PATH");
  const char *fallback = "/usr/bin:/usr/sbin:/bin:/sbin";
  const char *lists[2] = { path, fallback };
  size_t l;

  for (l = 0; l < 2; l++)
    {
      const char *p = lists[l];

      while (p && *p)
        {
          const char *colon = strchr (p, ':');
          size_t n = colon ? (size_t) (colon - p) : strlen (p);

          int w = n > 0 ? snprintf (out, len, "%.*s/%s", (int) n, p, prog) : -1;

          if (w > 0 && (size_t) w < len && access (out, X_OK) == 0)
            return true;
          p = colon ? colon + 1 : NULL;
        }
    }
  return false;
}

static void
plan_identity_single (struct rctr_userns_plan *plan)
{
  uint32_t uin = plan->mode == RCTR_USERNS_KEEP_ID ? plan->host_uid : 0;
  uint32_t gin = plan->mode == RCTR_USERNS_KEEP_ID ? plan->host_gid : 0;

  plan->writer = RCTR_MAP_DIRECT;
  plan->deny_setgroups = true;
  plan->inside_uid = uin;
  plan->inside_gid = gin;
  rctr_idmap_build (&plan->uid_map, uin, plan->host_uid, NULL, 0);
  rctr_idmap_build (&plan->gid_map, gin, plan->host_gid, NULL, 0);
}

void
rctr_userns_plan_single (struct rctr_userns_plan *plan, char *why)
{
  free (plan->notice);
  plan->notice = why;
  plan_identity_single (plan);
}

bool
rctr_idmap_read_proc (const char *path, struct rctr_idmap *map)
{
  char buf[64 * RCTR_IDMAP_MAX];
  char *line, *save = NULL;

  if (rctr_read_small_at (AT_FDCWD, path, buf, sizeof (buf)) <= 0)
    return false;
  map->n = 0;
  for (line = strtok_r (buf, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      unsigned inside, outside, count;

      if (map->n >= RCTR_IDMAP_MAX || sscanf (line, "%u %u %u", &inside, &outside, &count) != 3)
        return false;
      map->l[map->n++] = (struct rctr_idmap_line){ inside, outside, count };
    }
  return map->n > 0;
}

/* Every id that exists in rctr's own user namespace, mapped to itself. */
static bool
own_ids (const char *which, struct rctr_idmap *map)
{
  char path[32];
  size_t i;

  snprintf (path, sizeof (path), "/proc/self/%s", which);
  if (!rctr_idmap_read_proc (path, map))
    return false;
  for (i = 0; i < map->n; i++)
    map->l[i].outside = map->l[i].inside;
  return true;
}

static bool
setgroups_denied (void)
{
  char buf[8];

  return rctr_read_small_at (AT_FDCWD, "/proc/self/setgroups", buf, sizeof (buf)) > 0
         && strncmp (buf, "deny", 4) == 0;
}

static void
plan_root (struct rctr_userns_plan *plan)
{
  /* Root maps every id it has to itself (only root with --userns=single),
     so files keep their owners; rctr writes the maps itself.  In the
     initial namespace that is all of them; root of a user namespace
     (rctr nested in a container, or under `unshare -r`) has fewer.  */
  plan->writer = RCTR_MAP_DIRECT;
  plan->deny_setgroups = setgroups_denied ();
  plan->inside_uid = 0;
  plan->inside_gid = 0;
  if (plan->mode == RCTR_USERNS_SINGLE || !own_ids ("uid_map", &plan->uid_map)
      || !own_ids ("gid_map", &plan->gid_map))
    {
      plan->uid_map.n = plan->gid_map.n = 0;
      idmap_add (&plan->uid_map, 0, 0, 1);
      idmap_add (&plan->gid_map, 0, 0, 1);
    }
}

int
rctr_userns_plan_init (struct rctr_userns_plan *plan, enum rctr_userns_mode mode, const char *subuid,
                       const char *subgid, rctr_error_t *err)
{
  struct rctr_subid_range ur[RCTR_SUBID_MAX_RANGES], gr[RCTR_SUBID_MAX_RANGES];
  int nu, ng;
  uint32_t uin, gin;

  memset (plan, 0, sizeof (*plan));
  plan->mode = mode;
  plan->host_uid = getuid ();
  plan->host_gid = getgid ();

  if (plan->host_uid == 0)
    {
      plan_root (plan);
      return 0;
    }
  if (mode == RCTR_USERNS_SINGLE)
    {
      plan_identity_single (plan);
      return 0;
    }

  subuid = subuid ? subuid : "/etc/subuid";
  subgid = subgid ? subgid : "/etc/subgid";
  nu = rctr_subid_read (subuid, plan->host_uid, ur, RCTR_SUBID_MAX_RANGES, err);
  if (nu < 0)
    return -1;
  ng = nu > 0 ? rctr_subid_read (subgid, plan->host_uid, gr, RCTR_SUBID_MAX_RANGES, err) : 0;
  if (ng < 0)
    return -1;
  if (nu == 0 || ng == 0)
    {
      rctr_userns_plan_single (plan, xasprintf ("uid %u has no subordinate range in %s: mapping only uid %u "
                                                "(as %s) in the container",
                                                plan->host_uid, nu == 0 ? subuid : subgid, plan->host_uid,
                                                mode == RCTR_USERNS_KEEP_ID ? "itself" : "root"));
      return 0;
    }
  if (!find_helper ("newuidmap", plan->newuidmap, sizeof (plan->newuidmap))
      || !find_helper ("newgidmap", plan->newgidmap, sizeof (plan->newgidmap)))
    {
      rctr_userns_plan_single (plan, xasprintf ("newuidmap or newgidmap not found (Debian package uidmap): "
                                                "mapping only uid %u in the container",
                                                plan->host_uid));
      return 0;
    }

  uin = mode == RCTR_USERNS_KEEP_ID ? plan->host_uid : 0;
  gin = mode == RCTR_USERNS_KEEP_ID ? plan->host_gid : 0;
  plan->writer = RCTR_MAP_HELPERS;
  plan->deny_setgroups = false;
  plan->inside_uid = uin;
  plan->inside_gid = gin;
  rctr_idmap_build (&plan->uid_map, uin, plan->host_uid, ur, (size_t) nu);
  rctr_idmap_build (&plan->gid_map, gin, plan->host_gid, gr, (size_t) ng);
  return 0;
}

void
rctr_userns_plan_release (struct rctr_userns_plan *plan)
{
  free (plan->notice);
  plan->notice = NULL;
}

static int
write_proc_file (pid_t pid, const char *name, const char *text, rctr_error_t *err)
{
  char path[64];
  cleanup_close int fd = -1;

  if (pid > 0)
    snprintf (path, sizeof (path), "/proc/%d/%s", (int) pid, name);
  else
    snprintf (path, sizeof (path), "/proc/self/%s", name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rctr_make_error (err, errno, "open %s", path);
  if (rctr_write_all (fd, text, strlen (text)) < 0)
    return rctr_make_error (err, errno, "write `%.*s` to %s", (int) strcspn (text, "\n"), text, path);
  return 0;
}

static int
write_maps_direct (const struct rctr_userns_plan *plan, pid_t pid, rctr_error_t *err)
{
  cleanup_free char *uids = rctr_idmap_format (&plan->uid_map);
  cleanup_free char *gids = rctr_idmap_format (&plan->gid_map);

  /* Without privilege, gid_map may be written only once setgroups is denied;
     otherwise the process could drop supplementary groups that deny it
     access (CVE-2014-8989).  */
  if (plan->deny_setgroups && write_proc_file (pid, "setgroups", "deny", err) < 0)
    return -1;
  if (write_proc_file (pid, "uid_map", uids, err) < 0)
    return -1;
  return write_proc_file (pid, "gid_map", gids, err);
}

struct helper_run
{
  const char *prog;
  pid_t pid;
  int errfd;
};

static int
spawn_helper (struct helper_run *h, const char *prog, pid_t target, const struct rctr_idmap *map,
              rctr_error_t *err)
{
  char *argv[3 + 3 * RCTR_IDMAP_MAX + 1];
  char numbers[1 + 3 * RCTR_IDMAP_MAX][12];
  posix_spawn_file_actions_t fa;
  int pipefd[2];
  size_t i, a = 0, k = 0;
  int r;

  h->prog = prog;
  h->pid = -1;
  h->errfd = -1;
  argv[a++] = (char *) prog;
  snprintf (numbers[k], sizeof (numbers[k]), "%d", (int) target);
  argv[a++] = numbers[k++];
  for (i = 0; i < map->n; i++)
    {
      uint32_t v[3] = { map->l[i].inside, map->l[i].outside, map->l[i].count };
      size_t j;

      for (j = 0; j < 3; j++)
        {
          snprintf (numbers[k], sizeof (numbers[k]), "%u", v[j]);
          argv[a++] = numbers[k++];
        }
    }
  argv[a] = NULL;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rctr_make_error (err, errno, "pipe for %s", prog);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], STDERR_FILENO);
  r = posix_spawn (&h->pid, prog, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  rctr_close_quietly (pipefd[1]);
  if (r != 0)
    {
      rctr_close_quietly (pipefd[0]);
      h->pid = -1;
      return rctr_make_error (err, r, "run %s", prog);
    }
  h->errfd = pipefd[0];
  return 0;
}

/* Wait for H; on failure describe it with the first line it printed. */
static int
finish_helper (struct helper_run *h, rctr_error_t *err)
{
  char text[512];
  ssize_t n = 0;
  int status = 0;

  if (h->pid < 0)
    return 0;
  if (h->errfd >= 0)
    n = rctr_read_all (h->errfd, text, sizeof (text) - 1);
  rctr_close_quietly (h->errfd);
  text[n > 0 ? n : 0] = '\0';
  text[strcspn (text, "\n")] = '\0';
  while (waitpid (h->pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (text[0])
    return rctr_make_error (err, 0, "%s failed: %s", h->prog, text);
  if (WIFSIGNALED (status))
    return rctr_make_error (err, 0, "%s killed by signal %d", h->prog, WTERMSIG (status));
  return rctr_make_error (err, 0, "%s failed with exit status %d", h->prog, WEXITSTATUS (status));
}

static int
write_maps_helpers (const struct rctr_userns_plan *plan, pid_t pid, rctr_error_t *err)
{
  struct helper_run u = { .pid = -1, .errfd = -1 }, g = { .pid = -1, .errfd = -1 };
  rctr_error_t gerr = NULL;
  int ru, rg;

  /* The two setuid helpers are the slow part of a start: run them at once.  */
  ru = spawn_helper (&u, plan->newuidmap, pid, &plan->uid_map, err);
  rg = ru < 0 ? -1 : spawn_helper (&g, plan->newgidmap, pid, &plan->gid_map, &gerr);
  if (ru == 0)
    ru = finish_helper (&u, err);
  if (g.pid >= 0)
    rg = finish_helper (&g, &gerr);
  if (ru < 0)
    {
      rctr_error_release (&gerr);
      return -1;
    }
  if (rg < 0)
    {
      *err = gerr;
      return -1;
    }
  return 0;
}

int
rctr_userns_write_maps (const struct rctr_userns_plan *plan, pid_t pid, rctr_error_t *err)
{
  switch (plan->writer)
    {
    case RCTR_MAP_DIRECT:
      return write_maps_direct (plan, pid, err);
    case RCTR_MAP_HELPERS:
      return write_maps_helpers (plan, pid, err);
    }
  return rctr_make_error (err, EINVAL, "unknown map writer");
}

static long
read_sysctl (const char *path)
{
  char buf[32];

  if (rctr_read_small_at (AT_FDCWD, path, buf, sizeof (buf)) <= 0)
    return -1;
  return strtol (buf, NULL, 10);
}

char *
rctr_userns_explain_failure (int errnum)
{
  if (read_sysctl ("/proc/sys/kernel/unprivileged_userns_clone") == 0)
    return xstrdup (
        "unprivileged user namespaces are disabled: the sysctl kernel.unprivileged_userns_clone is 0 "
        "(set it to 1)");
  if (read_sysctl ("/proc/sys/user/max_user_namespaces") == 0)
    return xstrdup ("user namespaces are disabled: the sysctl user.max_user_namespaces is 0 "
                    "(set it to a positive number, e.g. 15000)");
  if (read_sysctl ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
    return xstrdup ("AppArmor restricts unprivileged user namespaces "
                    "(kernel.apparmor_restrict_unprivileged_userns=1): give rctr an AppArmor profile "
                    "with `userns,` or set the sysctl to 0");
  if (errnum == ENOSPC)
    return xstrdup ("the limit of user namespaces is reached: see the sysctl user.max_user_namespaces "
                    "(and namespaces nest at most 32 deep)");
  return xstrdup ("check the sysctls kernel.unprivileged_userns_clone and user.max_user_namespaces, "
                  "AppArmor's kernel.apparmor_restrict_unprivileged_userns, and any seccomp filter of an "
                  "enclosing container");
}
