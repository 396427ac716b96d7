/* rctr - completing a container spec before it runs; see container.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/container.h"
#include "core/util.h"

bool
rctr_hostname_valid (const char *name)
{
  size_t len = strlen (name), label = 0, i;

  if (len == 0 || len > 64)
    return false;
  for (i = 0; i < len; i++)
    {
      char ch = name[i];

      if (ch == '.')
        {
          if (label == 0 || name[i - 1] == '-')
            return false;
          label = 0;
          continue;
        }
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'))
        return false;
      if (ch == '-' && label == 0)
        return false;
      if (++label > 63)
        return false;
    }
  return name[len - 1] != '-' && name[len - 1] != '.';
}

static char *
read_host_file (const char *path)
{
  char *text = NULL;
  rctr_error_t ignored = NULL;

  if (rctr_read_file_at (AT_FDCWD, path, 1 << 16, &text, NULL, &ignored) < 0)
    {
      rctr_error_release (&ignored);
      return xstrdup ("");
    }
  return text;
}

static int
default_hostname (struct rctr_container *c, rctr_error_t *err)
{
  char id[13];
  struct utsname u;

  if (c->net == RCTR_NET_HOST && uname (&u) == 0)
    {
      /* Sharing the host's network, the container is known by its name.  */
      c->hostname = xstrdup (u.nodename);
      return 0;
    }
  if (rctr_random_hex (6, id, err) < 0)
    return -1;
  c->hostname = xstrdup (id);
  return 0;
}

static int
open_volume_sources (struct rctr_container *c, rctr_error_t *err)
{
  size_t i;

  for (i = 0; i < c->n_volumes; i++)
    {
      struct rctr_volume *v = &c->volumes[i];
      struct stat st;

      if (v->dest[0] != '/')
        return rctr_make_error (err, 0, "volume `%s:%s`: the destination must be an absolute path", v->source,
                                v->dest);
      /* The source is the user's own host path: followed as given.  */
      v->source_fd = open (v->source, O_PATH | O_CLOEXEC);
      if (v->source_fd >= 0)
        v->source_path = realpath (v->source, NULL);
      if (v->source_fd >= 0 && v->source_path == NULL)
        return rctr_make_error (err, errno, "volume `%s:%s`: source `%s`", v->source, v->dest, v->source);
      if (v->source_fd < 0)
        return rctr_make_error (err, errno, "volume `%s:%s`: source `%s`", v->source, v->dest, v->source);
      if (fstat (v->source_fd, &st) < 0)
        return rctr_make_error (err, errno, "volume `%s:%s`: source `%s`", v->source, v->dest, v->source);
      v->source_is_dir = S_ISDIR (st.st_mode);
    }
  return 0;
}

int
rctr_container_prepare (struct rctr_container *c, rctr_error_t *err)
{
  if (c->hostname == NULL && default_hostname (c, err) < 0)
    return -1;
  if (!rctr_hostname_valid (c->hostname))
    return rctr_make_error (err, 0, "hostname `%s` is not valid (letters, digits, `-` and `.`, at most 64)",
                            c->hostname);
  if (c->workdir && c->workdir[0] != '/')
    return rctr_make_error (err, 0, "workdir `%s` must be an absolute path", c->workdir);
  c->etc_hostname = xasprintf ("%s\n", c->hostname);
  if (c->net == RCTR_NET_HOST)
    c->etc_hosts = read_host_file ("/etc/hosts");
  else
    c->etc_hosts = xasprintf ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                              "127.0.1.1\t%s\n",
                              c->hostname);
  c->etc_resolv = read_host_file ("/etc/resolv.conf");
  return open_volume_sources (c, err);
}

void
rctr_container_release (struct rctr_container *c)
{
  size_t i;

  for (i = 0; i < c->n_volumes; i++)
    {
      rctr_close_quietly (c->volumes[i].source_fd);
      c->volumes[i].source_fd = -1;
      free (c->volumes[i].source_path);
      c->volumes[i].source_path = NULL;
    }
  free (c->etc_hosts);
  free (c->etc_hostname);
  free (c->etc_resolv);
  free (c->hostname);
  c->hostname = NULL;
  c->etc_hosts = c->etc_hostname = c->etc_resolv = NULL;
}
