/* rctr - SHA-256 of a file, with libcrypto.  */
#ifndef RCTR_DIGEST_H
#define RCTR_DIGEST_H

#include "core/error.h"

#define RCTR_DIGEST_HEX_LEN 64

/* Hash the whole of FD (from offset 0, without moving its offset) into OUT
   as 64 lower-case hex digits.  NAME is for messages. */
int rctr_sha256_fd (int fd, const char *name, char out[RCTR_DIGEST_HEX_LEN + 1], rctr_error_t *err);

#endif
