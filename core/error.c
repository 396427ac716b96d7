/* rctr - error values; see error.h.  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"

int
rctr_make_errorv (rctr_error_t *err, int errnum, const char *fmt, va_list ap)
{
  int saved_errno = errno;
  cleanup_free char *text = NULL;
  struct rctr_error_s *e;

  if (err == NULL)
    return -1;
  rctr_error_release (err);

  if (vasprintf (&text, fmt, ap) < 0)
    rctr_oom ();
  e = xmalloc (sizeof (*e));
  e->status = errnum;
  if (errnum != 0)
    e->msg = xasprintf ("%s: %s", text, strerror (errnum));
  else
    e->msg = steal_pointer (&text);
  *err = e;
  errno = saved_errno;
  return -1;
}

int
rctr_make_error (rctr_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  rctr_make_errorv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
rctr_error_wrap (rctr_error_t *err, const char *fmt, ...)
{
  cleanup_free char *context = NULL;
  char *old;
  va_list ap;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&context, fmt, ap) < 0)
    rctr_oom ();
  va_end (ap);
  old = (*err)->msg;
  (*err)->msg = xasprintf ("%s: %s", context, old);
  free (old);
  return -1;
}

void
rctr_error_release (rctr_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}
