/* rctr - sync messages; see sync.h.  */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/sync.h"
#include "core/util.h"

int
rctr_sync_pair (int fds[2], rctr_error_t *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return rctr_make_error (err, errno, "socketpair");
  return 0;
}

int
rctr_sync_send (int fd, const struct rctr_sync_msg *msg)
{
  /* Only the used part of the step table and text travels.  */
  size_t len = offsetof (struct rctr_sync_msg, text) + strnlen (msg->text, sizeof (msg->text) - 1) + 1;
  ssize_t n;

  do
    n = send (fd, msg, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t) len ? 0 : -1;
}

int
rctr_sync_send_type (int fd, enum rctr_sync_type type)
{
  struct rctr_sync_msg msg;

  memset (&msg, 0, offsetof (struct rctr_sync_msg, text) + 1);
  msg.type = type;
  msg.text[0] = '\0';
  return rctr_sync_send (fd, &msg);
}

int
rctr_sync_send_error (int fd, rctr_error_t err, int exit_code)
{
  struct rctr_sync_msg msg;

  memset (&msg, 0, sizeof (msg));
  msg.type = RCTR_SYNC_ERROR;
  msg.errnum = err ? err->status : 0;
  msg.exit_code = exit_code;
  snprintf (msg.text, sizeof (msg.text), "%s", err && err->msg ? err->msg : "unknown error");
  return rctr_sync_send (fd, &msg);
}

int
rctr_sync_recv (int fd, struct rctr_sync_msg *msg)
{
  ssize_t n;

  memset (msg, 0, sizeof (*msg));
  do
    n = recv (fd, msg, sizeof (*msg), 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if (n == 0)
    return 0;
  if ((size_t) n < offsetof (struct rctr_sync_msg, text) + 1 || msg->n_steps > RCTR_MAX_STEPS)
    {
      errno = EPROTO;
      return -1;
    }
  msg->text[sizeof (msg->text) - 1] = '\0';
  return 1;
}

int
rctr_sync_error_from_msg (const struct rctr_sync_msg *msg, rctr_error_t *err)
{
  rctr_make_error (err, 0, "%s", msg->text);
  (*err)->status = msg->errnum;
  return -1;
}
