/* rctr - the container's network and names; see net.h.  */
#include <config.h>

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/net.h"
#include "core/util.h"

int
rctr_loopback_up (rctr_error_t *err)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (fd < 0)
    return rctr_make_error (err, errno, "loopback: socket");
  memset (&ifr, 0, sizeof (ifr));
  strncpy (ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return rctr_make_error (err, errno, "loopback: get the flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return rctr_make_error (err, errno, "loopback: bring lo up");
  return 0;
}

int
rctr_set_hostname (const char *name, rctr_error_t *err)
{
  if (sethostname (name, strlen (name)) < 0)
    return rctr_make_error (err, errno, "sethostname `%s`", name);
  return 0;
}
