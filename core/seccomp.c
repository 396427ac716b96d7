/* rctr - the seccomp filter of the command's process; see seccomp.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/json.h"
#include "core/rundir.h"
#include "core/seccomp.h"
#include "core/util.h"

/* The largest filter the kernel takes: BPF_MAXINSNS instructions. */
#define MAX_BPF_BYTES (4096 * sizeof (struct sock_filter))

static const struct
{
  const char *name;
  uint32_t action;
} actions[] = {
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0) },
  { "SCMP_ACT_KILL", SCMP_ACT_KILL },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0) },
};

static const struct
{
  const char *name;
  int op;
} ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* libseccomp's architectures, by their profile names and by docker's. */
static const struct
{
  const char *name;
  const char *docker;
  uint32_t token;
} arches[] = {
  { "SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64 },
  { "SCMP_ARCH_X86", "x86", SCMP_ARCH_X86 },
  { "SCMP_ARCH_X32", "x32", SCMP_ARCH_X32 },
  { "SCMP_ARCH_AARCH64", "arm64", SCMP_ARCH_AARCH64 },
  { "SCMP_ARCH_ARM", "arm", SCMP_ARCH_ARM },
  { "SCMP_ARCH_PPC64LE", "ppc64le", SCMP_ARCH_PPC64LE },
  { "SCMP_ARCH_PPC64", "ppc64", SCMP_ARCH_PPC64 },
  { "SCMP_ARCH_PPC", "ppc", SCMP_ARCH_PPC },
  { "SCMP_ARCH_S390X", "s390x", SCMP_ARCH_S390X },
  { "SCMP_ARCH_S390", "s390", SCMP_ARCH_S390 },
  { "SCMP_ARCH_MIPS", "mips", SCMP_ARCH_MIPS },
  { "SCMP_ARCH_MIPS64", "mips64", SCMP_ARCH_MIPS64 },
  { "SCMP_ARCH_MIPS64N32", "mips64n32", SCMP_ARCH_MIPS64N32 },
  { "SCMP_ARCH_MIPSEL", "mipsel", SCMP_ARCH_MIPSEL },
  { "SCMP_ARCH_MIPSEL64", "mipsel64", SCMP_ARCH_MIPSEL64 },
  { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", SCMP_ARCH_MIPSEL64N32 },
  { "SCMP_ARCH_RISCV64", "riscv64", SCMP_ARCH_RISCV64 },
};

static const char *
native_docker_arch (void)
{
  uint32_t native = seccomp_arch_native ();
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (arches); i++)
    if (arches[i].token == native)
      return arches[i].docker;
  return "";
}

static bool
arch_token (const char *name, uint32_t *ret)
{
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (arches); i++)
    if (strcmp (arches[i].name, name) == 0)
      {
        *ret = arches[i].token;
        return true;
      }
  return false;
}

static void
strv_free_n (char **v, size_t n)
{
  size_t i;

  for (i = 0; i < n && v; i++)
    free (v[i]);
  free (v);
}

void
rctr_seccomp_profile_free (struct rctr_seccomp_profile *p)
{
  size_t i;

  for (i = 0; i < p->n_rules; i++)
    {
      strv_free_n (p->rules[i].names, p->rules[i].n_names);
      rctr_strv_free (p->rules[i].arches_in);
      rctr_strv_free (p->rules[i].arches_out);
    }
  free (p->rules);
  free (p->arches);
  memset (p, 0, sizeof (*p));
}

/* The strings of array V (NULL-terminated, newly allocated); false when V
   is no array of strings.  A missing V is an empty list. */
static bool
string_list (const struct rctr_json *v, char ***ret, size_t *ret_n)
{
  size_t i, n = rctr_json_array_len (v);
  char **list;

  *ret = NULL;
  if (ret_n)
    *ret_n = 0;
  if (v == NULL || rctr_json_is_null (v))
    return true;
  if (!rctr_json_is_array (v))
    return false;
  list = xmalloc0 ((n + 1) * sizeof (char *));
  for (i = 0; i < n; i++)
    {
      const char *s = rctr_json_string (rctr_json_array_at (v, i));

      if (s == NULL)
        {
          strv_free_n (list, i);
          return false;
        }
      list[i] = xstrdup (s);
    }
  *ret = list;
  if (ret_n)
    *ret_n = n;
  return true;
}

static int
parse_action (const struct rctr_json *v, const struct rctr_json *errno_ret, uint32_t default_errno,
              const char *where, uint32_t *ret, rctr_error_t *err)
{
  const char *name = rctr_json_string (v);
  uint64_t e = default_errno;
  size_t i;

  if (name == NULL)
    return rctr_make_error (err, 0, "%s: a string is needed", where);
  if (errno_ret && !rctr_json_u64 (errno_ret, &e))
    return rctr_make_error (err, 0, "%s: errnoRet must be a number", where);
  if (e > 0xffff)
    return rctr_make_error (err, 0, "%s: errnoRet %llu is too large", where, (unsigned long long) e);
  for (i = 0; i < RCTR_ARRAY_SIZE (actions); i++)
    if (strcmp (actions[i].name, name) == 0)
      {
        *ret = actions[i].action;
        if (*ret == SCMP_ACT_ERRNO (0))
          *ret = SCMP_ACT_ERRNO ((uint16_t) e);
        return 0;
      }
  return rctr_make_error (err, 0, "%s: unknown action `%s`", where, name);
}

static int
parse_caps (const struct rctr_json *v, const char *where, uint64_t *ret, rctr_error_t *err)
{
  cleanup_strv char **names = NULL;
  size_t i;

  *ret = 0;
  if (!string_list (v, &names, NULL))
    return rctr_make_error (err, 0, "%s: a list of capability names is needed", where);
  for (i = 0; names && names[i]; i++)
    {
      cap_value_t c;

      if (rctr_cap_parse (names[i], &c) < 0)
        return rctr_make_error (err, 0, "%s: unknown capability `%s`", where, names[i]);
      *ret |= 1ULL << c;
    }
  return 0;
}

static int
parse_args (const struct rctr_json *v, const char *where, struct rctr_seccomp_rule *r, rctr_error_t *err)
{
  size_t i, j, n = rctr_json_array_len (v);

  if (v && !rctr_json_is_null (v) && !rctr_json_is_array (v))
    return rctr_make_error (err, 0, "%s.args: a list is needed", where);
  if (n > RCTR_SECCOMP_MAX_ARGS)
    return rctr_make_error (err, 0, "%s.args: at most %d comparisons", where, RCTR_SECCOMP_MAX_ARGS);
  for (i = 0; i < n; i++)
    {
      const struct rctr_json *a = rctr_json_array_at (v, i);
      const char *op = rctr_json_string (rctr_json_get (a, "op"));
      const struct rctr_json *two = rctr_json_get (a, "valueTwo");
      uint64_t index;

      if (!rctr_json_u64 (rctr_json_get (a, "index"), &index) || index > 5)
        return rctr_make_error (err, 0, "%s.args[%zu].index: a number from 0 to 5 is needed", where, i);
      if (!rctr_json_u64 (rctr_json_get (a, "value"), &r->args[i].value))
        return rctr_make_error (err, 0, "%s.args[%zu].value: a number is needed", where, i);
      r->args[i].value_two = 0;
      if (two && !rctr_json_u64 (two, &r->args[i].value_two))
        return rctr_make_error (err, 0, "%s.args[%zu].valueTwo: a number is needed", where, i);
      r->args[i].index = (unsigned) index;
      for (j = 0; op && j < RCTR_ARRAY_SIZE (ops); j++)
        if (strcmp (ops[j].name, op) == 0)
          break;
      if (op == NULL || j == RCTR_ARRAY_SIZE (ops))
        return rctr_make_error (err, 0, "%s.args[%zu].op: unknown comparison `%s`", where, i, op ? op : "");
      r->args[i].op = ops[j].op;
    }
  r->n_args = n;
  return 0;
}

static int
parse_min_kernel (const struct rctr_json *v, const char *where, unsigned ret[2], rctr_error_t *err)
{
  const char *s = rctr_json_string (v);

  ret[0] = ret[1] = 0;
  if (v == NULL)
    return 0;
  if (s == NULL || sscanf (s, "%u.%u", &ret[0], &ret[1]) != 2)
    return rctr_make_error (err, 0, "%s.includes.minKernel: a version like \"4.8\" is needed", where);
  return 0;
}

static int
parse_rule (const struct rctr_json *v, size_t index, struct rctr_seccomp_rule *r, rctr_error_t *err)
{
  const struct rctr_json *names = rctr_json_get (v, "names");
  const struct rctr_json *one = rctr_json_get (v, "name");
  const struct rctr_json *inc = rctr_json_get (v, "includes");
  const struct rctr_json *exc = rctr_json_get (v, "excludes");
  char where[64], sub[96];

  snprintf (where, sizeof (where), "syscalls[%zu]", index);
  if (!rctr_json_is_object (v))
    return rctr_make_error (err, 0, "%s: an object is needed", where);
  if (names == NULL && rctr_json_string (one))
    {
      r->names = xmalloc0 (2 * sizeof (char *));
      r->names[0] = xstrdup (rctr_json_string (one));
      r->n_names = 1;
    }
  else if (!string_list (names, &r->names, &r->n_names) || r->n_names == 0)
    return rctr_make_error (err, 0, "%s.names: a list of syscall names is needed", where);
  snprintf (sub, sizeof (sub), "%s.action", where);
  if (parse_action (rctr_json_get (v, "action"), rctr_json_get (v, "errnoRet"), EPERM, sub, &r->action, err)
      < 0)
    return -1;
  if (parse_args (rctr_json_get (v, "args"), where, r, err) < 0)
    return -1;
  snprintf (sub, sizeof (sub), "%s.includes.caps", where);
  if (parse_caps (rctr_json_get (inc, "caps"), sub, &r->caps_all, err) < 0)
    return -1;
  snprintf (sub, sizeof (sub), "%s.excludes.caps", where);
  if (parse_caps (rctr_json_get (exc, "caps"), sub, &r->caps_none, err) < 0)
    return -1;
  if (!string_list (rctr_json_get (inc, "arches"), &r->arches_in, NULL))
    return rctr_make_error (err, 0, "%s.includes.arches: a list of names is needed", where);
  if (!string_list (rctr_json_get (exc, "arches"), &r->arches_out, NULL))
    return rctr_make_error (err, 0, "%s.excludes.arches: a list of names is needed", where);
  return parse_min_kernel (rctr_json_get (inc, "minKernel"), where, r->min_kernel, err);
}

static int
add_arch (struct rctr_seccomp_profile *p, const char *name, const char *where, rctr_error_t *err)
{
  uint32_t token;

  if (name == NULL || !arch_token (name, &token))
    return rctr_make_error (err, 0, "%s: unknown architecture `%s`", where, name ? name : "");
  p->arches = xreallocarray (p->arches, p->n_arches + 1, sizeof (uint32_t));
  p->arches[p->n_arches++] = token;
  return 0;
}

/* archMap: the native architecture's entry and its subarchitectures (x86
   and x32 beside x86_64: a filter that leaves them out lets the blocked
   syscalls through `int 0x80` or the x32 ABI, or kills the caller).
   architectures: every one listed. */
static int
parse_arches (const struct rctr_json *root, struct rctr_seccomp_profile *p, rctr_error_t *err)
{
  const struct rctr_json *map = rctr_json_get (root, "archMap");
  const struct rctr_json *list = rctr_json_get (root, "architectures");
  uint32_t native = seccomp_arch_native ();
  char where[128];
  size_t i, j;

  for (i = 0; i < rctr_json_array_len (list); i++)
    {
      snprintf (where, sizeof (where), "architectures[%zu]", i);
      if (add_arch (p, rctr_json_string (rctr_json_array_at (list, i)), where, err) < 0)
        return -1;
    }
  for (i = 0; i < rctr_json_array_len (map); i++)
    {
      const struct rctr_json *e = rctr_json_array_at (map, i);
      const struct rctr_json *subs = rctr_json_get (e, "subArchitectures");
      uint32_t token;

      snprintf (where, sizeof (where), "archMap[%zu].architecture", i);
      if (!arch_token (rctr_json_string (rctr_json_get (e, "architecture")) ?: "", &token))
        return add_arch (p, rctr_json_string (rctr_json_get (e, "architecture")), where, err);
      if (token != native)
        continue;
      if (add_arch (p, rctr_json_string (rctr_json_get (e, "architecture")), where, err) < 0)
        return -1;
      for (j = 0; j < rctr_json_array_len (subs); j++)
        {
          snprintf (where, sizeof (where), "archMap[%zu].subArchitectures[%zu]", i, j);
          if (add_arch (p, rctr_json_string (rctr_json_array_at (subs, j)), where, err) < 0)
            return -1;
        }
    }
  return 0;
}

int
rctr_seccomp_parse (const char *text, size_t len, const char *name, struct rctr_seccomp_profile *ret,
                    rctr_error_t *err)
{
  struct rctr_json *root = NULL;
  const struct rctr_json *rules;
  const struct rctr_json *derrno;
  struct rctr_seccomp_profile p;
  uint64_t errno_default = EPERM;
  size_t i;
  int r = -1;

  memset (&p, 0, sizeof (p));
  if (rctr_json_parse (text, len, name, &root, err) < 0)
    return -1;
  if (!rctr_json_is_object (root))
    {
      rctr_make_error (err, 0, "%s: a JSON object is needed", name);
      goto out;
    }
  derrno = rctr_json_get (root, "defaultErrnoRet");
  if (derrno && (!rctr_json_u64 (derrno, &errno_default) || errno_default > 0xffff))
    {
      rctr_make_error (err, 0, "%s: defaultErrnoRet: a number up to 65535 is needed", name);
      goto out;
    }
  if (parse_action (rctr_json_get (root, "defaultAction"), NULL, (uint32_t) errno_default, "defaultAction",
                    &p.default_action, err)
          < 0
      || parse_arches (root, &p, err) < 0)
    goto out_wrap;
  rules = rctr_json_get (root, "syscalls");
  if (rules && !rctr_json_is_null (rules) && !rctr_json_is_array (rules))
    {
      rctr_make_error (err, 0, "%s: syscalls: a list is needed", name);
      goto out;
    }
  p.rules = xmalloc0 ((rctr_json_array_len (rules) + 1) * sizeof (*p.rules));
  for (i = 0; i < rctr_json_array_len (rules); i++)
    {
      p.n_rules = i + 1;
      if (parse_rule (rctr_json_array_at (rules, i), i, &p.rules[i], err) < 0)
        goto out_wrap;
    }
  *ret = p;
  memset (&p, 0, sizeof (p));
  r = 0;
  goto out;
out_wrap:
  rctr_error_wrap (err, "seccomp profile %s", name);
out:
  rctr_seccomp_profile_free (&p);
  rctr_json_free (root);
  return r;
}

static bool
in_list (char *const *list, const char *s)
{
  size_t i;

  for (i = 0; list && list[i]; i++)
    if (strcmp (list[i], s) == 0)
      return true;
  return false;
}

static void
kernel_version (unsigned ret[2])
{
  static unsigned cached[2];
  static bool done;
  struct utsname u;

  if (!done && uname (&u) == 0)
    (void) sscanf (u.release, "%u.%u", &cached[0], &cached[1]);
  done = true;
  ret[0] = cached[0];
  ret[1] = cached[1];
}

bool
rctr_seccomp_rule_applies (const struct rctr_seccomp_rule *rule, uint64_t caps)
{
  const char *arch = native_docker_arch ();
  unsigned k[2];

  if ((rule->caps_all & caps) != rule->caps_all || (rule->caps_none & caps) != 0)
    return false;
  if (rule->arches_in && rule->arches_in[0] && !in_list (rule->arches_in, arch))
    return false;
  if (in_list (rule->arches_out, arch))
    return false;
  kernel_version (k);
  return k[0] > rule->min_kernel[0] || (k[0] == rule->min_kernel[0] && k[1] >= rule->min_kernel[1]);
}

static void
cleanup_seccompp (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

static void
note_unknown (char **unknown, const char *name)
{
  char *joined;

  if (*unknown && strstr (*unknown, name))
    return;
  joined = *unknown ? xasprintf ("%s %s", *unknown, name) : xstrdup (name);
  free (*unknown);
  *unknown = joined;
}

static int
add_rule (scmp_filter_ctx ctx, const struct rctr_seccomp_profile *p, const struct rctr_seccomp_rule *rule,
          const char *name, char **unknown, rctr_error_t *err)
{
  struct scmp_arg_cmp cmps[RCTR_SECCOMP_MAX_ARGS];
  int nr = seccomp_syscall_resolve_name (name);
  size_t i;
  int r;

  if (nr == __NR_SCMP_ERROR)
    {
      note_unknown (unknown, name);
      return 0;
    }
  /* A rule that says what the default says adds nothing (and libseccomp
     refuses it).  */
  if (rule->action == p->default_action)
    return 0;
  for (i = 0; i < rule->n_args; i++)
    cmps[i] = (struct scmp_arg_cmp){ rule->args[i].index, (enum scmp_compare) rule->args[i].op,
                                     rule->args[i].value, rule->args[i].value_two };
  r = seccomp_rule_add_array (ctx, rule->action, nr, (unsigned) rule->n_args, cmps);
  if (r == -EEXIST)
    return 0;
  if (r < 0)
    return rctr_make_error (err, -r, "seccomp rule for `%s`", name);
  return 0;
}

int
rctr_seccomp_compile (const struct rctr_seccomp_profile *p, uint64_t caps, int fd, char **ret_unknown,
                      rctr_error_t *err)
{
  __attribute__ ((cleanup (cleanup_seccompp))) scmp_filter_ctx ctx = seccomp_init (p->default_action);
  size_t i, j;
  int r;

  *ret_unknown = NULL;
  if (ctx == NULL)
    return rctr_make_error (err, ENOMEM, "seccomp_init");
  /* rctr sets no_new_privs itself, as asked.  */
  if ((r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
    return rctr_make_error (err, -r, "seccomp_attr_set");
  for (i = 0; i < p->n_arches; i++)
    if (p->arches[i] != seccomp_arch_native () && (r = seccomp_arch_add (ctx, p->arches[i])) < 0
        && r != -EEXIST)
      return rctr_make_error (err, -r, "seccomp_arch_add");
  for (i = 0; i < p->n_rules; i++)
    {
      if (!rctr_seccomp_rule_applies (&p->rules[i], caps))
        continue;
      for (j = 0; j < p->rules[i].n_names; j++)
        if (add_rule (ctx, p, &p->rules[i], p->rules[i].names[j], ret_unknown, err) < 0)
          return -1;
    }
  if ((r = seccomp_export_bpf (ctx, fd)) < 0)
    return rctr_make_error (err, -r, "seccomp_export_bpf");
  return 0;
}

void
rctr_seccomp_bpf_release (struct rctr_seccomp_bpf *bpf)
{
  free (bpf->code);
  bpf->code = NULL;
  bpf->len = 0;
}

int
rctr_seccomp_load (const struct rctr_seccomp_bpf *bpf)
{
  struct sock_fprog prog = { (unsigned short) (bpf->len / sizeof (struct sock_filter)), bpf->code };

  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* What the cached program depends on, as its file name. */
static char *
cache_name (const char *profile_id, uint64_t caps)
{
  const struct scmp_version *v = seccomp_version ();
  struct utsname u;

  if (uname (&u) < 0)
    snprintf (u.release, sizeof (u.release), "unknown");
  return xasprintf ("%s-%08x-%016llx-%u.%u.%u-%s.bpf", profile_id, seccomp_arch_native (),
                    (unsigned long long) caps, v->major, v->minor, v->micro, u.release);
}

static int
read_bpf (int dirfd, const char *name, struct rctr_seccomp_bpf *ret)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_free void *buf = NULL;
  struct stat st;

  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  if (!S_ISREG (st.st_mode) || st.st_size == 0 || (size_t) st.st_size > MAX_BPF_BYTES
      || st.st_size % sizeof (struct sock_filter))
    {
      errno = EINVAL;
      return -1;
    }
  buf = xmalloc ((size_t) st.st_size);
  if (rctr_read_all (fd, buf, (size_t) st.st_size) != st.st_size)
    {
      errno = EIO;
      return -1;
    }
  ret->code = steal_pointer (&buf);
  ret->len = (size_t) st.st_size;
  return 0;
}

/* Compile the profile TEXT into the cache as NAME. */
static int
compile_into (int dirfd, const char *name, const char *text, size_t len, const char *display, uint64_t caps,
              char **ret_notice, rctr_error_t *err)
{
  struct rctr_seccomp_profile p;
  cleanup_free char *tmp = NULL;
  cleanup_free char *unknown = NULL;
  cleanup_close int fd = -1;
  char id[17];
  int r;

  if (rctr_seccomp_parse (text, len, display, &p, err) < 0 || rctr_random_hex (8, id, err) < 0)
    return -1;
  tmp = xasprintf (".%s.tmp", id);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    r = rctr_make_error (err, errno, "seccomp cache: create `%s`", tmp);
  else
    r = rctr_seccomp_compile (&p, caps, fd, &unknown, err);
  rctr_seccomp_profile_free (&p);
  if (r == 0 && close (TAKE_FD (fd)) < 0)
    r = rctr_make_error (err, errno, "seccomp cache: write `%s`", tmp);
  if (r == 0 && renameat (dirfd, tmp, dirfd, name) < 0)
    r = rctr_make_error (err, errno, "seccomp cache: rename `%s`", tmp);
  if (r < 0)
    {
      (void) unlinkat (dirfd, tmp, 0);
      return -1;
    }
  if (unknown && ret_notice)
    *ret_notice = xasprintf ("seccomp profile %s: syscalls unknown here, skipped: %s", display, unknown);
  return 0;
}

int
rctr_seccomp_prepare (const char *source, uint64_t caps, const char *cache_path, struct rctr_seccomp_bpf *ret,
                      char **ret_notice, rctr_error_t *err)
{
  cleanup_free char *id = NULL;
  cleanup_free char *name = NULL;
  cleanup_free char *text = NULL;
  cleanup_close int dirfd = -1;
  size_t len = 0;

  memset (ret, 0, sizeof (*ret));
  *ret_notice = NULL;
  if (source == NULL)
    id = xasprintf ("default-%.16s", rctr_seccomp_default_digest);
  else
    {
      struct stat st;

      /* A profile file is known by its identity, as images are: a warm
         start neither reads nor hashes it.  */
      if (stat (source, &st) < 0)
        return rctr_make_error (err, errno, "seccomp profile `%s`", source);
      id = xasprintf ("file-%llx-%llx-%llx-%lld.%ld-%lld.%ld", (unsigned long long) st.st_dev,
                      (unsigned long long) st.st_ino, (unsigned long long) st.st_size,
                      (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long) st.st_ctim.tv_sec,
                      st.st_ctim.tv_nsec);
    }
  name = cache_name (id, caps);
  dirfd = open (cache_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd >= 0 && read_bpf (dirfd, name, ret) == 0)
    return 0;

  /* Cold: compile, cache, and read what was cached.  */
  if (dirfd < 0)
    {
      cleanup_free char *parent = xstrdup (cache_path);
      char *slash = strrchr (parent, '/');

      if (slash)
        *slash = '\0';
      dirfd = slash ? open (parent, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
      if (dirfd < 0)
        return rctr_make_error (err, errno, "seccomp cache `%s`", cache_path);
      {
        int fd = rctr_private_dir_open (dirfd, slash + 1, cache_path, err);

        rctr_close_quietly (dirfd);
        dirfd = fd;
      }
      if (dirfd < 0)
        return -1;
    }
  if (source == NULL)
    {
      text = xstrndup ((const char *) rctr_seccomp_default_json, rctr_seccomp_default_json_len);
      len = rctr_seccomp_default_json_len;
    }
  else if (rctr_read_file_at (AT_FDCWD, source, 1 << 20, &text, &len, err) < 0)
    return rctr_error_wrap (err, "seccomp profile");
  if (compile_into (dirfd, name, text, len, source ? source : "(built in)", caps, source ? ret_notice : NULL,
                    err)
      < 0)
    return -1;
  if (read_bpf (dirfd, name, ret) < 0)
    return rctr_make_error (err, errno, "seccomp cache: read `%s`", name);
  return 0;
}
