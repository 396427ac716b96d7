/* Unit tests: seccomp profiles (core/seccomp.c): parsing, errors that name
   the field at fault, compiling, and the differences between rctr's default
   profile and podman's, each listed in tests/unit/seccomp-vs-podman.txt.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/seccomp.h"
#include "core/util.h"
#include "tests/unit/tap.h"

static void
parse_error (const char *json, const char *want, const char *name)
{
  struct rctr_seccomp_profile p;
  rctr_error_t err = NULL;
  int r = rctr_seccomp_parse (json, strlen (json), "t.json", &p, &err);

  tap_ok (r < 0 && err && strstr (err->msg, want), "%s: %s", name, err ? err->msg : "(accepted)");
  if (r == 0)
    rctr_seccomp_profile_free (&p);
  rctr_error_release (&err);
}

static void
test_parse (void)
{
  struct rctr_seccomp_profile p;
  rctr_error_t err = NULL;
  const char *ok = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
                   "\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                   "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                   "{\"name\":\"personality\",\"action\":\"SCMP_ACT_ALLOW\","
                   "\"args\":[{\"index\":0,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]},"
                   "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\","
                   "\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]},\"includes\":{\"minKernel\":\"4.8\"}}]}";

  tap_ok (rctr_seccomp_parse ((const char *) rctr_seccomp_default_json, rctr_seccomp_default_json_len,
                              "default", &p, &err)
              == 0,
          "the built-in default parses%s%s", err ? ": " : "", err ? err->msg : "");
  tap_ok (p.n_rules > 20 && p.default_action == SCMP_ACT_ERRNO (ENOSYS),
          "default: ENOSYS for what it does not know");
  rctr_seccomp_profile_free (&p);
  rctr_error_release (&err);
  tap_ok (rctr_seccomp_parse (ok, strlen (ok), "ok.json", &p, &err) == 0, "a small profile parses");
  tap_ok (p.n_rules == 3 && p.rules[1].args[0].value == UINT64_MAX, "a 64-bit value survives the parse");
  tap_ok (p.rules[2].action == SCMP_ACT_ERRNO (EPERM), "ERRNO without errnoRet is EPERM");
  tap_ok (p.rules[2].caps_none == 1ULL << CAP_SYS_ADMIN && p.rules[2].min_kernel[0] == 4,
          "includes and excludes");
  rctr_seccomp_profile_free (&p);

  parse_error ("{\"defaultAction\": ", "not JSON", "truncated JSON");
  parse_error ("[1,2]", "a JSON object is needed", "not an object");
  parse_error ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "defaultAction: unknown action `SCMP_ACT_NOPE`",
               "bad default");
  parse_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"X\"}]}",
               "syscalls[0].action: unknown action `X`", "bad action");
  parse_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
               "syscalls[0].names: a list of syscall names is needed", "no names");
  parse_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
      "\"args\":[{\"index\":7,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
      "syscalls[0].args[0].index", "argument index out of range");
  parse_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
      "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ABOUT\"}]}]}",
      "syscalls[0].args[0].op: unknown comparison `SCMP_CMP_ABOUT`", "bad comparison");
  parse_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
      "\"includes\":{\"caps\":[\"CAP_NOPE\"]}}]}",
      "syscalls[0].includes.caps: unknown capability `CAP_NOPE`", "bad capability");
  parse_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
               "architectures[0]: unknown architecture `SCMP_ARCH_Z80`", "bad architecture");
  parse_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}", "defaultErrnoRet",
               "errno too big");
  parse_error (
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\","
      "\"includes\":{\"minKernel\":\"soon\"}}]}",
      "syscalls[0].includes.minKernel", "bad minKernel");
}

static void
test_compile (void)
{
  struct rctr_seccomp_profile p;
  rctr_error_t err = NULL;
  char *unknown = NULL;
  int fd = memfd_create ("bpf", MFD_CLOEXEC);
  struct stat st;
  const char *json
      = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"no_such_call\"],"
        "\"action\":\"SCMP_ACT_ERRNO\"}]}";

  rctr_seccomp_parse ((const char *) rctr_seccomp_default_json, rctr_seccomp_default_json_len, "default", &p,
                      &err);
  tap_ok (fd >= 0 && rctr_seccomp_compile (&p, rctr_caps_default (), fd, &unknown, &err) == 0,
          "the default compiles%s%s", err ? ": " : "", err ? err->msg : "");
  tap_ok (fstat (fd, &st) == 0 && st.st_size > 0 && st.st_size % 8 == 0 && st.st_size <= 4096 * 8,
          "into a BPF program the kernel takes (%lld bytes)", (long long) st.st_size);
  rctr_seccomp_profile_free (&p);
  free (unknown);
  unknown = NULL;
  close (fd);
  fd = memfd_create ("bpf", MFD_CLOEXEC);
  rctr_seccomp_parse (json, strlen (json), "t.json", &p, &err);
  tap_ok (rctr_seccomp_compile (&p, 0, fd, &unknown, &err) == 0 && unknown
              && strcmp (unknown, "no_such_call") == 0,
          "an unknown syscall name is skipped and named");
  rctr_seccomp_profile_free (&p);
  free (unknown);
  close (fd);
}

/* What PROFILE does with NAME for CAPS on this machine, in few words. */
static void
verdict (const struct rctr_seccomp_profile *p, const char *name, uint64_t caps, char *out, size_t len)
{
  uint32_t action = p->default_action;
  bool found = false, conditional = false;
  size_t i, j;

  for (i = 0; i < p->n_rules; i++)
    {
      if (!rctr_seccomp_rule_applies (&p->rules[i], caps))
        continue;
      for (j = 0; j < p->rules[i].n_names; j++)
        {
          if (strcmp (p->rules[i].names[j], name) != 0)
            continue;
          conditional |= p->rules[i].n_args > 0;
          if (!found)
            action = p->rules[i].action;
          found = true;
        }
    }
  if (conditional)
    snprintf (out, len, "conditional");
  else if (action == SCMP_ACT_ALLOW)
    snprintf (out, len, "allow");
  else if ((action & 0xffff0000U) == SCMP_ACT_ERRNO (0))
    snprintf (out, len, "errno:%u", action & 0xffff);
  else
    snprintf (out, len, "action:%08x", action);
}

static void
add_names (char ***names, size_t *n, const struct rctr_seccomp_profile *p)
{
  size_t i, j, k;

  for (i = 0; i < p->n_rules; i++)
    for (j = 0; j < p->rules[i].n_names; j++)
      {
        for (k = 0; k < *n && strcmp ((*names)[k], p->rules[i].names[j]) != 0; k++)
          ;
        if (k < *n)
          continue;
        *names = xreallocarray (*names, *n + 1, sizeof (char *));
        (*names)[(*n)++] = p->rules[i].names[j];
      }
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Each syscall of LIST (lines "NAME ...") is named in docs/seccomp.md. */
static void
explained_in_docs (const char *srcdir, const char *list)
{
  cleanup_free char *path = xasprintf ("%s/docs/seccomp.md", srcdir);
  cleanup_free char *doc = NULL;
  cleanup_free char *copy = xstrdup (list);
  rctr_error_t err = NULL;
  char *line, *save = NULL;
  size_t missing = 0;

  if (rctr_read_file_at (AT_FDCWD, path, 1 << 20, &doc, NULL, &err) < 0)
    {
      tap_ok (false, "docs/seccomp.md: %s", err->msg);
      rctr_error_release (&err);
      return;
    }
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      cleanup_free char *quoted = xasprintf ("`%.*s`", (int) strcspn (line, " "), line);

      if (strstr (doc, quoted) == NULL)
        {
          tap_diag ("not explained in docs/seccomp.md: %s", quoted);
          missing++;
        }
    }
  tap_ok (missing == 0, "docs/seccomp.md explains each difference");
}

static void
test_versus_podman (const char *srcdir)
{
  const char *podman_path = getenv ("RCTR_TEST_PODMAN_SECCOMP");
  cleanup_free char *expected_path = xasprintf ("%s/tests/unit/seccomp-vs-podman.txt", srcdir);
  cleanup_free char *podman_text = NULL;
  cleanup_free char *expected = NULL;
  cleanup_free char *actual = xstrdup ("");
  struct rctr_seccomp_profile ours, podman;
  rctr_error_t err = NULL;
  char **names = NULL;
  size_t n = 0, i, len;
  char *line, *save = NULL, *filtered = xstrdup ("");

  if (podman_path == NULL)
    podman_path = "/usr/share/containers/seccomp.json";
  if (seccomp_arch_native () != SCMP_ARCH_X86_64)
    {
      tap_diag ("not applicable: the list of differences is for x86_64");
      free (filtered);
      return;
    }
  if (rctr_read_file_at (AT_FDCWD, podman_path, 1 << 20, &podman_text, &len, &err) < 0)
    {
      tap_ok (getenv ("RCTR_TEST_STRICT") == NULL || strcmp (getenv ("RCTR_TEST_STRICT"), "1") != 0,
              "podman's profile %s is there # SKIP %s (golang-github-containers-common)", podman_path,
              err->msg);
      rctr_error_release (&err);
      free (filtered);
      return;
    }
  tap_ok (rctr_seccomp_parse (podman_text, len, podman_path, &podman, &err) == 0, "podman's profile parses");
  rctr_seccomp_parse ((const char *) rctr_seccomp_default_json, rctr_seccomp_default_json_len, "default",
                      &ours, &err);
  add_names (&names, &n, &ours);
  add_names (&names, &n, &podman);
  qsort (names, n, sizeof (char *), compare_strings);
  for (i = 0; i < n; i++)
    {
      char a[32], b[32], *grown;

      verdict (&ours, names[i], rctr_caps_default (), a, sizeof (a));
      verdict (&podman, names[i], rctr_caps_default (), b, sizeof (b));
      if (strcmp (a, b) == 0)
        continue;
      grown = xasprintf ("%s%s %s %s\n", actual, names[i], a, b);
      free (actual);
      actual = grown;
    }
  rctr_read_file_at (AT_FDCWD, expected_path, 1 << 20, &expected, NULL, &err);
  for (line = expected ? strtok_r (expected, "\n", &save) : NULL; line; line = strtok_r (NULL, "\n", &save))
    if (line[0] != '#')
      {
        char *grown = xasprintf ("%s%s\n", filtered, line);

        free (filtered);
        filtered = grown;
      }
  tap_ok (strcmp (actual, filtered) == 0,
          "every syscall whose verdict differs from podman's is in seccomp-vs-podman.txt");
  if (strcmp (actual, filtered) != 0)
    tap_diag ("the differences now:\n%s", actual);
  explained_in_docs (srcdir, filtered);
  free (names);
  free (filtered);
  rctr_seccomp_profile_free (&ours);
  rctr_seccomp_profile_free (&podman);
}

int
main (void)
{
  const char *srcdir = getenv ("RCTR_TEST_SRCDIR");

  test_parse ();
  test_compile ();
  test_versus_podman (srcdir ? srcdir : ".");
  return tap_done ();
}
