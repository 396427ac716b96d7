/* rctr - libarchive and libcrypto, loaded when first needed.
 *
 * Both are needed only when an image is not in the store yet.  Linking them
 * would make every start pay for loading and relocating them and their
 * dependencies (libxml2, ICU, ...): about 1.7 ms and 5 MB of RSS measured
 * here, more than a third of a whole container start.  So, as systemd does
 * for its optional libraries, rctr opens them with dlopen on the cold path
 * only, by the sonames configure found with pkg-config, and calls them
 * through pointers typed from their own headers.
 */
#ifndef RCTR_DL_H
#define RCTR_DL_H

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "core/error.h"

#define RCTR_LIBARCHIVE_SYMBOLS(X)                                                                           \
  X (archive_read_new)                                                                                       \
  X (archive_read_free)                                                                                      \
  X (archive_read_support_filter_bzip2)                                                                      \
  X (archive_read_support_filter_gzip)                                                                       \
  X (archive_read_support_filter_lz4)                                                                        \
  X (archive_read_support_filter_xz)                                                                         \
  X (archive_read_support_filter_zstd)                                                                       \
  X (archive_read_support_format_tar)                                                                        \
  X (archive_read_open_fd)                                                                                   \
  X (archive_read_next_header)                                                                               \
  X (archive_read_data_block)                                                                                \
  X (archive_read_close)                                                                                     \
  X (archive_error_string)                                                                                   \
  X (archive_errno)                                                                                          \
  X (archive_entry_pathname)                                                                                 \
  X (archive_entry_filetype)                                                                                 \
  X (archive_entry_perm)                                                                                     \
  X (archive_entry_uid)                                                                                      \
  X (archive_entry_gid)                                                                                      \
  X (archive_entry_mtime)                                                                                    \
  X (archive_entry_mtime_nsec)                                                                               \
  X (archive_entry_mtime_is_set)                                                                             \
  X (archive_entry_symlink)                                                                                  \
  X (archive_entry_hardlink)                                                                                 \
  X (archive_entry_size)                                                                                     \
  X (archive_entry_xattr_reset)                                                                              \
  X (archive_entry_xattr_next)

#define RCTR_LIBCRYPTO_SYMBOLS(X)                                                                            \
  X (EVP_MD_CTX_new)                                                                                         \
  X (EVP_MD_CTX_free)                                                                                        \
  X (EVP_sha256)                                                                                             \
  X (EVP_DigestInit_ex)                                                                                      \
  X (EVP_DigestUpdate)                                                                                       \
  X (EVP_DigestFinal_ex)

#define RCTR_DLSYM_DECLARE(name) extern __typeof__ (name) *sym_##name;
RCTR_LIBARCHIVE_SYMBOLS (RCTR_DLSYM_DECLARE)
RCTR_LIBCRYPTO_SYMBOLS (RCTR_DLSYM_DECLARE)
#undef RCTR_DLSYM_DECLARE

/* Load the library and fill its sym_ pointers; once, later calls are free. */
int rctr_dl_libarchive (rctr_error_t *err);
int rctr_dl_libcrypto (rctr_error_t *err);

#endif
