/* rctr - capabilities, with libcap.
 *
 * The command runs with docker's default set in its bounding, effective and
 * permitted sets, the inheritable and ambient sets empty, as what runs under
 * docker or podman expects; --cap-add and --cap-drop change it.  The
 * sets are built by PID 1 before it starts the command, and applied in the
 * command's process right before exec, where nothing may allocate.
 */
#ifndef RCTR_CAPS_H
#define RCTR_CAPS_H

#include <stdint.h>
#include <sys/capability.h>

#include "core/error.h"

/* CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP
   SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE: 0xa80425fb. */
uint64_t rctr_caps_default (void);

/* Parse a capability NAME (any case, with or without CAP_) into *RET. */
int rctr_cap_parse (const char *name, cap_value_t *ret);

/* Apply --cap-drop (DROP) then --cap-add (ADD) to *CAPS as docker does:
   dropping ALL starts from nothing; adding ALL gives every capability the
   kernel has but the ones dropped by name. */
int rctr_caps_tweak (uint64_t *caps, char *const *add, size_t n_add, char *const *drop, size_t n_drop,
                     rctr_error_t *err);

/* What the command's process applies: made beforehand, freed after. */
struct rctr_caps_prep
{
  cap_t sets;       /* effective and permitted (inheritable empty) */
  uint64_t keep;    /* the bounding set */
  cap_value_t last; /* the highest capability the kernel has */
};

int rctr_caps_prepare (uint64_t keep, struct rctr_caps_prep *prep, rctr_error_t *err);
void rctr_caps_prep_release (struct rctr_caps_prep *prep);

/* In the command's process: bounding set, ambient set, then the others.
   Allocates nothing.  Returns 0 or -1 with errno. */
int rctr_caps_apply (const struct rctr_caps_prep *prep);

/* Drop every capability of the calling process (PID 1, once the command
   runs: it needs none to reap and forward signals). */
int rctr_caps_drop_all (void);

#endif
