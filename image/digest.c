/* rctr - SHA-256 of a file; see digest.h.  */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/util.h"
#include "image/digest.h"
#include "image/dl.h"

#define CHUNK (1 << 20)

static void
cleanup_md_ctxp (EVP_MD_CTX **ctx)
{
  if (*ctx)
    sym_EVP_MD_CTX_free (*ctx);
}

int
rctr_sha256_fd (int fd, const char *name, char out[RCTR_DIGEST_HEX_LEN + 1], rctr_error_t *err)
{
  __attribute__ ((cleanup (cleanup_md_ctxp))) EVP_MD_CTX *ctx = NULL;
  cleanup_free unsigned char *buf = NULL;
  unsigned char md[32];
  unsigned int mdlen = 0;
  off_t off = 0;

  if (rctr_dl_libcrypto (err) < 0)
    return -1;
  ctx = sym_EVP_MD_CTX_new ();
  if (ctx == NULL || sym_EVP_DigestInit_ex (ctx, sym_EVP_sha256 (), NULL) != 1)
    return rctr_make_error (err, ENOMEM, "hash `%s`: cannot set up SHA-256", name);
  buf = xmalloc (CHUNK);
  for (;;)
    {
      ssize_t n = pread (fd, buf, CHUNK, off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rctr_make_error (err, errno, "read `%s`", name);
      if (n == 0)
        break;
      if (sym_EVP_DigestUpdate (ctx, buf, (size_t) n) != 1)
        return rctr_make_error (err, 0, "hash `%s`: SHA-256 update failed", name);
      off += n;
    }
  if (sym_EVP_DigestFinal_ex (ctx, md, &mdlen) != 1 || mdlen != sizeof (md))
    return rctr_make_error (err, 0, "hash `%s`: SHA-256 failed", name);
  rctr_hex (md, sizeof (md), out);
  return 0;
}
