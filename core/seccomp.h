/* rctr - the seccomp filter of the command's process (libseccomp).
 *
 * A profile is the JSON format of docker and the OCI runtime spec:
 * defaultAction, defaultErrnoRet, archMap or architectures, and syscalls
 * rules (names, action, errnoRet, args, includes and excludes by capability,
 * architecture and minimum kernel).  rctr's own default (core/seccomp-default.json)
 * is built in.  Compiling a profile costs milliseconds, so the BPF program
 * is compiled once and cached in the store, keyed by the profile, the
 * capability set, the architecture, the kernel and libseccomp's version; a
 * warm start only reads it and loads it.
 */
#ifndef RCTR_SECCOMP_H
#define RCTR_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct rctr_seccomp_arg
{
  unsigned index;
  int op; /* enum scmp_compare */
  uint64_t value;
  uint64_t value_two;
};

#define RCTR_SECCOMP_MAX_ARGS 6

struct rctr_seccomp_rule
{
  char **names;
  size_t n_names;
  uint32_t action; /* SCMP_ACT_*, with the errno for SCMP_ACT_ERRNO */
  struct rctr_seccomp_arg args[RCTR_SECCOMP_MAX_ARGS];
  size_t n_args;
  uint64_t caps_all;      /* includes.caps: applies only with all of these */
  uint64_t caps_none;     /* excludes.caps: not with any of these */
  char **arches_in;       /* includes.arches (docker's names: amd64, x86...) */
  char **arches_out;      /* excludes.arches */
  unsigned min_kernel[2]; /* includes.minKernel, major and minor; 0.0 when none */
};

struct rctr_seccomp_profile
{
  uint32_t default_action;
  uint32_t *arches; /* SCMP_ARCH_* tokens to add for this machine; none: the native one */
  size_t n_arches;
  struct rctr_seccomp_rule *rules;
  size_t n_rules;
};

/* The built-in default profile, as JSON. */
extern const unsigned char rctr_seccomp_default_json[];
extern const size_t rctr_seccomp_default_json_len;
extern const char rctr_seccomp_default_digest[]; /* its SHA-256, made at build time */

/* Parse TEXT (a profile; NAME for messages).  A malformed one is an error
   naming the field at fault. */
int rctr_seccomp_parse (const char *text, size_t len, const char *name, struct rctr_seccomp_profile *ret,
                        rctr_error_t *err);
void rctr_seccomp_profile_free (struct rctr_seccomp_profile *p);

/* Does RULE apply with capabilities CAPS on this machine (its native
   architecture and kernel)? */
bool rctr_seccomp_rule_applies (const struct rctr_seccomp_rule *rule, uint64_t caps);

/* Compile P for CAPS into a BPF program written to FD.  Syscall names that
   libseccomp does not know on this machine are skipped and listed, space
   separated, in *RET_UNKNOWN (NULL when none). */
int rctr_seccomp_compile (const struct rctr_seccomp_profile *p, uint64_t caps, int fd, char **ret_unknown,
                          rctr_error_t *err);

/* A BPF program, ready to load. */
struct rctr_seccomp_bpf
{
  void *code;
  size_t len; /* bytes, a multiple of 8 */
};

/* The program for the profile SOURCE (NULL: the default; else a file) and
   CAPS: read from the cache directory CACHE_PATH (made when missing), or
   compiled and cached.  NOTICE gets a line for the user when a profile names
   syscalls this machine does not have. */
int rctr_seccomp_prepare (const char *source, uint64_t caps, const char *cache_path,
                          struct rctr_seccomp_bpf *ret, char **ret_notice, rctr_error_t *err);
void rctr_seccomp_bpf_release (struct rctr_seccomp_bpf *bpf);

/* Load BPF as the calling process's filter.  Allocates nothing; 0 or -1
   with errno. */
int rctr_seccomp_load (const struct rctr_seccomp_bpf *bpf);

#endif
