/* rctr - errors are values.
 *
 * Every library function that can fail takes `rctr_error_t *err` last and
 * returns < 0 (or NULL).  The error is made right after the failing call, with
 * the errno and what was being done; callers may add context with
 * rctr_error_wrap().  Only cmd/ prints errors.  (The shape is crun's
 * libcrun_error_t: src/libcrun/error.h.)
 */
#ifndef RCTR_ERROR_H
#define RCTR_ERROR_H

#include <stdarg.h>

struct rctr_error_s
{
  int status; /* errno of the cause, 0 when there is none */
  char *msg;  /* full message, without the "rctr: " prefix */
};
typedef struct rctr_error_s *rctr_error_t;

/* Record an error; when ERRNUM is not 0 its text is appended after ": ".
   Always returns -1, so that `return rctr_make_error (...)` reads naturally. */
int rctr_make_error (rctr_error_t *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int rctr_make_errorv (rctr_error_t *err, int errnum, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 3, 0)));

/* Prefix the message of an existing error with context: "CONTEXT: old". */
int rctr_error_wrap (rctr_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void rctr_error_release (rctr_error_t *err);

#endif
