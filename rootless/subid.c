/* rctr - /etc/subuid and /etc/subgid; see subid.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rootless/subid.h"

/* Parse a decimal uint32 from [S, END); false when it is not one. */
static bool
parse_u32 (const char *s, const char *end, uint32_t *ret)
{
  uint64_t v = 0;

  if (s == end)
    return false;
  for (; s < end; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      v = v * 10 + (uint64_t) (*s - '0');
      if (v > UINT32_MAX)
        return false;
    }
  *ret = (uint32_t) v;
  return true;
}

static bool
owner_matches (const char *owner, size_t len, uid_t id, const char *name, int *needs_name)
{
  uint32_t n;

  if (parse_u32 (owner, owner + len, &n))
    return n == id;
  if (name == NULL)
    {
      if (needs_name)
        *needs_name = 1;
      return false;
    }
  return strlen (name) == len && memcmp (owner, name, len) == 0;
}

size_t
rctr_subid_parse (const char *text, uid_t id, const char *name, struct rctr_subid_range *ranges, size_t max,
                  int *ret_needs_name)
{
  const char *line = text;
  size_t found = 0;

  if (ret_needs_name)
    *ret_needs_name = 0;
  while (line && *line && found < max)
    {
      const char *eol = strchr (line, '\n');
      const char *end = eol ? eol : line + strlen (line);
      const char *c1 = memchr (line, ':', (size_t) (end - line));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;
      uint32_t start, count;

      if (end > line && end[-1] == '\r')
        end--;
      if (c2 && line[0] != '#' && parse_u32 (c1 + 1, c2, &start) && parse_u32 (c2 + 1, end, &count)
          && count > 0 && (uint64_t) start + count <= (uint64_t) UINT32_MAX + 1
          && owner_matches (line, (size_t) (c1 - line), id, name, ret_needs_name))
        {
          ranges[found].start = start;
          ranges[found].count = count;
          found++;
        }
      line = eol ? eol + 1 : NULL;
    }
  return found;
}

int
rctr_subid_read (const char *file, uid_t id, struct rctr_subid_range *ranges, size_t max, rctr_error_t *err)
{
  cleanup_free char *text = NULL;
  rctr_error_t read_err = NULL;
  struct passwd *pw;
  int needs_name = 0;
  size_t n;

  if (rctr_read_file_at (AT_FDCWD, file, 4 << 20, &text, NULL, &read_err) < 0)
    {
      int status = read_err->status;

      if (status == ENOENT)
        {
          rctr_error_release (&read_err);
          return 0;
        }
      *err = read_err;
      return -1;
    }
  n = rctr_subid_parse (text, id, NULL, ranges, max, &needs_name);
  if (n > 0 || !needs_name)
    return (int) n;

  /* Some owner is a login name: look ours up.  Done only here, since NSS
     may ask a directory service.  */
  errno = 0;
  pw = getpwuid (id);
  if (pw == NULL)
    return 0;
  return (int) rctr_subid_parse (text, id, pw->pw_name, ranges, max, NULL);
}
