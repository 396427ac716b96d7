/* rctr - the container's network and names.  */
#ifndef RCTR_NET_H
#define RCTR_NET_H

#include "core/error.h"

/* Bring up `lo` in the current network namespace: loopback-only networking. */
int rctr_loopback_up (rctr_error_t *err);

int rctr_set_hostname (const char *name, rctr_error_t *err);

#endif
