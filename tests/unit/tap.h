/* rctr - a minimal TAP producer for the unit tests.  */
#ifndef RCTR_TAP_H
#define RCTR_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void __attribute__ ((format (printf, 2, 3))) tap_ok (int cond, const char *fmt, ...)
{
  va_list ap;

  printf ("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  if (!cond)
    tap_failed++;
}

static inline void
tap_is_str (const char *got, const char *want, const char *name)
{
  int same = (got == NULL && want == NULL) || (got && want && strcmp (got, want) == 0);

  tap_ok (same, "%s", name);
  if (!same)
    printf ("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
}

static inline void
tap_is_int (long long got, long long want, const char *name)
{
  tap_ok (got == want, "%s", name);
  if (got != want)
    printf ("#   got:  %lld\n#   want: %lld\n", got, want);
}

static inline void __attribute__ ((format (printf, 1, 2))) tap_diag (const char *fmt, ...)
{
  va_list ap;

  printf ("# ");
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
}

static inline int
tap_done (void)
{
  printf ("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
