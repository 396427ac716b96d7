/* rctr - reading an image archive with libarchive; see extract.h.
 *
 * Decompressors are registered one by one and the tar format only:
 * archive_read_support_filter_all would also accept formats that libarchive
 * decodes by running an external program found in $PATH (lrzip, lzop...),
 * which a hostile archive could trigger.  A filter that libarchive was built
 * without answers ARCHIVE_WARN and would run such a program: refused too.
 */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "core/util.h"
#include "image/extract.h"

static void
cleanup_archivep (struct archive **a)
{
  if (*a)
    sym_archive_read_free (*a);
}

static void
cleanup_extractp (struct rctr_extract **x)
{
  rctr_extract_free (*x);
}

struct filter
{
  const char *name;
  int (*support) (struct archive *);
};

/* archive.h leaves ARCHIVE_ERRNO_FILE_FORMAT to archive_platform.h, which
   makes it EFTYPE where that exists and EILSEQ elsewhere (Linux).  */
#ifdef EFTYPE
#define RCTR_ARCHIVE_ERRNO_FILE_FORMAT EFTYPE
#else
#define RCTR_ARCHIVE_ERRNO_FILE_FORMAT EILSEQ
#endif

/* Before its first entry, a file libarchive does not recognise is no
   archive at all; any other failure is damage.  */
static int
not_an_archive (struct archive *a, const char *name, bool first, rctr_error_t *err)
{
  if (first && sym_archive_errno (a) == RCTR_ARCHIVE_ERRNO_FILE_FORMAT)
    return rctr_make_error (err, 0, "`%s` is not a tar archive (plain, gzip, bzip2, xz, zstd or lz4): %s",
                            name, sym_archive_error_string (a));
  return rctr_make_error (err, 0, "`%s` is truncated or corrupt: %s", name, sym_archive_error_string (a));
}

static int
open_reader (int fd, const char *name, struct archive **ret, rctr_error_t *err)
{
  __attribute__ ((cleanup (cleanup_archivep))) struct archive *a = NULL;
  const struct filter filters[] = {
    { "gzip", sym_archive_read_support_filter_gzip }, { "bzip2", sym_archive_read_support_filter_bzip2 },
    { "xz", sym_archive_read_support_filter_xz },     { "zstd", sym_archive_read_support_filter_zstd },
    { "lz4", sym_archive_read_support_filter_lz4 },
  };
  size_t i;

  a = sym_archive_read_new ();
  if (a == NULL)
    return rctr_make_error (err, ENOMEM, "libarchive reader");
  for (i = 0; i < RCTR_ARRAY_SIZE (filters); i++)
    {
      int r = filters[i].support (a);

      if (r == ARCHIVE_WARN)
        return rctr_make_error (err, 0,
                                "libarchive has no built-in %s support and would run an external "
                                "program: refusing",
                                filters[i].name);
      if (r != ARCHIVE_OK)
        return rctr_make_error (err, 0, "libarchive: %s: %s", filters[i].name, sym_archive_error_string (a));
    }
  if (sym_archive_read_support_format_tar (a) != ARCHIVE_OK)
    return rctr_make_error (err, 0, "libarchive: tar: %s", sym_archive_error_string (a));
  if (lseek (fd, 0, SEEK_SET) < 0)
    return rctr_make_error (err, errno, "seek `%s`", name);
  /* Opening reads the first block: a file that is no archive, or whose
     compression is broken, shows here already.  */
  if (sym_archive_read_open_fd (a, fd, 1 << 16) != ARCHIVE_OK)
    return not_an_archive (a, name, true, err);
  *ret = steal_pointer (&a);
  return 0;
}

int
rctr_unpack_archive (int fd, const char *name, int rootfd, struct rctr_unpack_stats *stats, rctr_error_t *err)
{
  __attribute__ ((cleanup (cleanup_archivep))) struct archive *a = NULL;
  __attribute__ ((cleanup (cleanup_extractp))) struct rctr_extract *x = NULL;
  struct archive_entry *e;
  int r;

  if (rctr_dl_libarchive (err) < 0 || open_reader (fd, name, &a, err) < 0)
    return -1;
  x = rctr_extract_new (rootfd, stats);
  for (;;)
    {
      r = sym_archive_read_next_header (a, &e);
      if (r == ARCHIVE_EOF)
        break;
      /* ARCHIVE_RETRY: a damaged header, which libarchive would skip to find
         the next one; an image missing entries is no image.  */
      if (r == ARCHIVE_RETRY || r < ARCHIVE_WARN)
        return not_an_archive (a, name, stats->entries == 0, err);
      if (rctr_extract_entry (x, a, e, err) < 0)
        return rctr_error_wrap (err, "unpack `%s`", name);
    }
  if (stats->entries == 0)
    return rctr_make_error (err, 0, "`%s` is an empty archive", name);
  if (rctr_extract_finish (x, err) < 0)
    return rctr_error_wrap (err, "unpack `%s`", name);
  if (sym_archive_read_close (a) != ARCHIVE_OK)
    return rctr_make_error (err, 0, "`%s`: %s", name, sym_archive_error_string (a));
  return 0;
}
