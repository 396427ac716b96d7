/* rctr - capabilities; see caps.h.  */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/caps.h"
#include "core/util.h"

uint64_t
rctr_caps_default (void)
{
  static const cap_value_t defaults[] = { CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
                                          CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
                                          CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
                                          CAP_KILL,    CAP_AUDIT_WRITE };
  uint64_t caps = 0;
  size_t i;

  for (i = 0; i < RCTR_ARRAY_SIZE (defaults); i++)
    caps |= 1ULL << defaults[i];
  return caps;
}

int
rctr_cap_parse (const char *name, cap_value_t *ret)
{
  char buf[64];
  size_t i, o = 0;

  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  if (strlen (name) + 5 > sizeof (buf) || name[0] == '\0')
    return -1;
  o = (size_t) snprintf (buf, sizeof (buf), "cap_");
  for (i = 0; name[i]; i++)
    {
      if (!isalnum ((unsigned char) name[i]) && name[i] != '_')
        return -1;
      buf[o++] = (char) tolower ((unsigned char) name[i]);
    }
  buf[o] = '\0';
  /* libcap also takes numbers: a capability is named, not numbered, here.  */
  if (isdigit ((unsigned char) name[0]) || cap_from_name (buf, ret) < 0 || *ret < 0 || *ret > 63)
    return -1;
  return 0;
}

static uint64_t
all_caps (void)
{
  cap_value_t last = cap_max_bits () - 1;

  return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

static bool
has_all (char *const *names, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcasecmp (names[i], "ALL") == 0)
      return true;
  return false;
}

static int
parse_list (char *const *names, size_t n, const char *option, uint64_t *ret, rctr_error_t *err)
{
  size_t i;

  *ret = 0;
  for (i = 0; i < n; i++)
    {
      cap_value_t v;

      if (strcasecmp (names[i], "ALL") == 0)
        continue;
      if (rctr_cap_parse (names[i], &v) < 0)
        return rctr_make_error (err, 0, "%s `%s`: no such capability", option, names[i]);
      *ret |= 1ULL << v;
    }
  return 0;
}

int
rctr_caps_tweak (uint64_t *caps, char *const *add, size_t n_add, char *const *drop, size_t n_drop,
                 rctr_error_t *err)
{
  uint64_t adds, drops;

  if (parse_list (add, n_add, "--cap-add", &adds, err) < 0
      || parse_list (drop, n_drop, "--cap-drop", &drops, err) < 0)
    return -1;
  if (has_all (drop, n_drop))
    *caps = 0;
  *caps &= ~drops;
  if (has_all (add, n_add))
    *caps |= all_caps () & ~drops;
  *caps |= adds;
  *caps &= all_caps ();
  return 0;
}

int
rctr_caps_prepare (uint64_t keep, struct rctr_caps_prep *prep, rctr_error_t *err)
{
  cap_value_t v;

  prep->keep = keep;
  prep->last = cap_max_bits () - 1;
  prep->sets = cap_init ();
  if (prep->sets == NULL)
    return rctr_make_error (err, errno, "cap_init");
  for (v = 0; v <= prep->last && v < 64; v++)
    {
      if (!(keep & (1ULL << v)))
        continue;
      /* Not the inheritable set: a program with inheritable file
         capabilities would get them back at exec (CVE-2022-24769).  */
      if (cap_set_flag (prep->sets, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0
          || cap_set_flag (prep->sets, CAP_PERMITTED, 1, &v, CAP_SET) < 0)
        return rctr_make_error (err, errno, "cap_set_flag");
    }
  return 0;
}

void
rctr_caps_prep_release (struct rctr_caps_prep *prep)
{
  if (prep->sets)
    cap_free (prep->sets);
  prep->sets = NULL;
}

int
rctr_caps_apply (const struct rctr_caps_prep *prep)
{
  cap_value_t v;

  /* The bounding set first, while CAP_SETPCAP is still held.  */
  for (v = 0; v <= prep->last && v < 64; v++)
    if (!(prep->keep & (1ULL << v)) && cap_drop_bound (v) < 0 && errno != EINVAL)
      return -1;
  if (cap_reset_ambient () < 0 && errno != EINVAL)
    return -1;
  return cap_set_proc (prep->sets);
}

int
rctr_caps_drop_all (void)
{
  cap_t none = cap_init ();
  int r;

  if (none == NULL)
    return -1;
  r = cap_set_proc (none);
  cap_free (none);
  return r;
}
