/* rctr - resolving, listing and removing images; see image.h.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "image/image.h"
#include "rootless/userns.h"

struct unpack_job
{
  int store_fd;
  int image_fd;
  const char *name;   /* the archive as the user named it */
  const char *source; /* its absolute path, for the record */
  const char *digest;
  const struct rctr_userns_plan *plan; /* as it is once the namespace is made */
};

/* Which owners an unpack could keep, for the record: an image unpacked
   with a single id (newuidmap failing, say) has all its files root's. */
static const char *
ids_kind (const struct rctr_userns_plan *plan)
{
  if (plan->host_uid == 0)
    return "all";
  return plan->writer == RCTR_MAP_HELPERS ? "subordinate" : "single";
}

static int
write_info (int dirfd, const struct unpack_job *job, const struct rctr_unpack_stats *st, rctr_error_t *err)
{
  cleanup_free char *text = xasprintf ("source=%s\nimported=%" PRId64 "\nentries=%" PRIu64 "\nids=%s\n",
                                       job->source, (int64_t) time (NULL), st->entries, ids_kind (job->plan));

  return rctr_write_file_atomic (dirfd, "info", text, strlen (text), 0600, err);
}

/* In the store's user namespace, as root there: unpack into tmp/, then
   publish with one rename().  */
static int
unpack_in_userns (void *data, char *result, size_t len, rctr_error_t *err)
{
  struct unpack_job *job = data;
  struct rctr_unpack_stats st = { 0 };
  cleanup_close int tmpfd = -1;
  cleanup_close int imagesfd = -1;
  cleanup_close int work = -1;
  cleanup_close int lock = -1;
  cleanup_close int rootfd = -1;
  char suffix[17];
  cleanup_free char *workname = NULL;

  tmpfd = openat (job->store_fd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  imagesfd = openat (job->store_fd, "images", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (tmpfd < 0 || imagesfd < 0)
    return rctr_make_error (err, errno, "open the store's tmp/ and images/");
  /* What interrupted unpacks, removals and runs left: each living one holds
     a lock on its directory, so an unlocked one is abandoned.  */
  rctr_remove_abandoned (tmpfd);

  if (rctr_random_hex (8, suffix, err) < 0)
    return -1;
  workname = xasprintf ("%s.%s", job->digest, suffix);
  work = rctr_make_locked_dir (tmpfd, workname, &lock, err);
  if (work < 0)
    return rctr_error_wrap (err, "the store's tmp/");
  if (mkdirat (work, "rootfs", 0755) < 0
      || (rootfd = openat (work, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    {
      rctr_make_error (err, errno, "create `tmp/%s/rootfs` in the store", workname);
      goto fail;
    }
  if (rctr_unpack_archive (job->image_fd, job->name, rootfd, &st, err) < 0
      || write_info (work, job, &st, err) < 0)
    goto fail;
  /* Durable before it is visible.  */
  if (syncfs (rootfd) < 0)
    {
      rctr_make_error (err, errno, "unpack `%s`: sync", job->name);
      goto fail;
    }
  if (renameat (tmpfd, workname, imagesfd, job->digest) < 0)
    {
      /* Published meanwhile, where the filesystem cannot lock (some NFS):
         the other copy is as good.  */
      if (errno == ENOTEMPTY || errno == EEXIST)
        {
          rctr_error_t ignored = NULL;

          if (rctr_remove_tree_at (tmpfd, workname, &ignored) < 0)
            rctr_error_release (&ignored);
          return 0;
        }
      rctr_make_error (err, errno, "publish image %s in the store", job->digest);
      goto fail;
    }
  snprintf (result, len, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, st.entries, st.devices, st.sockets,
            st.xattrs_failed);
  return 0;

fail:
  {
    rctr_error_t ignored = NULL;

    if (rctr_remove_tree_at (tmpfd, workname, &ignored) < 0)
      rctr_error_release (&ignored); /* unlocked: the next unpack removes it */
  }
  return -1;
}

/* Take the image DIGEST for use: a shared lock, then its rootfs.  1 when
   it is there, 0 when not. */
static int
take_image (struct rctr_store *s, const char *digest, struct rctr_image *ret, rctr_error_t *err)
{
  cleanup_close int lock = rctr_store_lock (s, digest, LOCK_SH, err);
  int rootfs;

  if (lock < 0)
    return -1;
  rootfs = rctr_store_open_rootfs (s, digest, err);
  if (rootfs < 0)
    return errno == ENOENT && *err == NULL ? 0 : -1;
  memcpy (ret->digest, digest, sizeof (ret->digest));
  ret->rootfs_fd = rootfs;
  ret->rootfs_path = xasprintf ("%s/images/%s/rootfs", s->path, digest);
  ret->lock_fd = TAKE_FD (lock);
  return 1;
}

static int
import (struct rctr_store *s, const char *path, int fd, const struct stat *st, struct rctr_userns_plan *plan,
        struct rctr_image *ret, rctr_error_t *err)
{
  struct rctr_userns_plan own_plan = { 0 };
  cleanup_free char *run_dir = NULL;
  cleanup_free char *source = realpath (path, NULL);
  cleanup_close int lock = -1;
  char result[128] = "";
  int r = -1;

  if (rctr_store_prepare (s, err) < 0 || rctr_sha256_fd (fd, path, ret->digest, err) < 0)
    return -1;
  ret->hashed = true;
  /* A new name for an image the store has (a copy, a touched file): a shared
     lock is enough, and running containers of it hold one too.  */
  r = take_image (s, ret->digest, ret, err);
  if (r != 0)
    return r < 0 ? -1 : rctr_store_index_put (s, st, ret->digest, err);
  /* Exclusive while unpacking: two starts of one new image unpack it once,
     and the second waits here, then finds it published.  */
  lock = rctr_store_lock (s, ret->digest, LOCK_EX, err);
  if (lock < 0)
    return -1;
  {
    cleanup_close int existing = rctr_store_open_rootfs (s, ret->digest, err);

    if (existing < 0 && *err)
      return -1;
    if (existing < 0)
      {
        struct unpack_job job = { s->dirfd, fd, path, source ? source : path, ret->digest, NULL };

        if (plan == NULL)
          {
            if (rctr_userns_plan_init (&own_plan, RCTR_USERNS_AUTO, NULL, NULL, err) < 0)
              return -1;
            own_plan.run_dir = run_dir = rctr_store_run_dir (s);
            plan = &own_plan;
          }
        job.plan = plan;
        r = rctr_userns_run (plan, unpack_in_userns, &job, result, sizeof (result), err);
        rctr_userns_plan_release (&own_plan);
        if (r < 0)
          return -1;
        ret->unpacked = true;
        (void) sscanf (result, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, &ret->stats.entries,
                       &ret->stats.devices, &ret->stats.sockets, &ret->stats.xattrs_failed);
      }
  }
  if (rctr_store_index_put (s, st, ret->digest, err) < 0)
    return -1;
  /* Shared from now on: in use.  */
  if (rctr_flock (lock, LOCK_SH) < 0)
    return rctr_make_error (err, errno, "lock image %s", ret->digest);
  ret->rootfs_fd = rctr_store_open_rootfs (s, ret->digest, err);
  if (ret->rootfs_fd < 0)
    return *err ? -1 : rctr_make_error (err, 0, "image %.12s was removed while starting", ret->digest);
  ret->rootfs_path = xasprintf ("%s/images/%s/rootfs", s->path, ret->digest);
  ret->lock_fd = TAKE_FD (lock);
  return 0;
}

int
rctr_image_resolve (struct rctr_store *s, const char *path, struct rctr_userns_plan *plan,
                    struct rctr_image *ret, rctr_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;
  char digest[RCTR_DIGEST_HEX_LEN + 1];
  int r;

  memset (ret, 0, sizeof (*ret));
  ret->rootfs_fd = ret->lock_fd = -1;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return rctr_make_error (err, errno, "image `%s`", path);
  if (fstat (fd, &st) < 0)
    return rctr_make_error (err, errno, "image `%s`", path);
  if (S_ISDIR (st.st_mode))
    return rctr_make_error (err, 0, "image `%s` is a directory: rctr run takes an image archive (a tar file)",
                            path);
  if (!S_ISREG (st.st_mode))
    return rctr_make_error (err, 0, "image `%s` is not a regular file", path);

  /* Warm: the file's identity names its digest; nothing is read.  */
  if (rctr_store_index_get (s, &st, digest))
    {
      r = take_image (s, digest, ret, err);
      if (r != 0)
        return r < 0 ? -1 : 0;
    }
  if (s->dirfd < 0 && rctr_store_open (s, s->path, true, err) < 0)
    return -1;
  return import (s, path, fd, &st, plan, ret, err);
}

void
rctr_image_release (struct rctr_image *img)
{
  rctr_close_quietly (img->rootfs_fd);
  rctr_close_quietly (img->lock_fd);
  free (img->rootfs_path);
  img->rootfs_path = NULL;
  img->rootfs_fd = img->lock_fd = -1;
}

static void
read_info (int imagesfd, struct rctr_image_info *info)
{
  cleanup_free char *path = xasprintf ("%s/info", info->digest);
  cleanup_free char *text = NULL;
  rctr_error_t ignored = NULL;
  char *line, *save = NULL;

  if (rctr_read_file_at (imagesfd, path, 1 << 16, &text, NULL, &ignored) < 0)
    {
      rctr_error_release (&ignored);
      return;
    }
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      if (strncmp (line, "source=", 7) == 0)
        info->source = xstrdup (line + 7);
      else if (strncmp (line, "imported=", 9) == 0)
        info->imported = strtoll (line + 9, NULL, 10);
      else if (strncmp (line, "entries=", 8) == 0)
        info->entries = strtoull (line + 8, NULL, 10);
      else if (strncmp (line, "ids=", 4) == 0)
        info->ids = xstrdup (line + 4);
    }
}

static int
compare_infos (const void *pa, const void *pb)
{
  const struct rctr_image_info *a = pa, *b = pb;

  if (a->imported != b->imported)
    return a->imported > b->imported ? -1 : 1;
  return strcmp (a->digest, b->digest);
}

static int
open_images_dir (struct rctr_store *s, DIR **ret, rctr_error_t *err)
{
  int fd;

  *ret = NULL;
  if (s->dirfd < 0)
    return 0;
  fd = openat (s->dirfd, "images", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return rctr_make_error (err, errno, "open `%s/images`", s->path);
  *ret = fdopendir (fd);
  if (*ret == NULL)
    {
      rctr_close_quietly (fd);
      return rctr_make_error (err, errno, "read `%s/images`", s->path);
    }
  return 0;
}

int
rctr_image_list (struct rctr_store *s, struct rctr_image_info **ret, size_t *ret_n, rctr_error_t *err)
{
  cleanup_dir DIR *dir = NULL;
  struct rctr_image_info *infos = NULL;
  struct dirent *de;
  size_t n = 0;

  *ret = NULL;
  *ret_n = 0;
  if (open_images_dir (s, &dir, err) < 0)
    return -1;
  while (dir && (de = readdir (dir)) != NULL)
    {
      if (strlen (de->d_name) != RCTR_DIGEST_HEX_LEN || !rctr_is_hex_string (de->d_name, RCTR_DIGEST_HEX_LEN))
        continue;
      infos = xreallocarray (infos, n + 1, sizeof (*infos));
      memset (&infos[n], 0, sizeof (infos[n]));
      memcpy (infos[n].digest, de->d_name, RCTR_DIGEST_HEX_LEN + 1);
      read_info (dirfd (dir), &infos[n]);
      n++;
    }
  if (n > 0)
    qsort (infos, n, sizeof (*infos), compare_infos);
  *ret = infos;
  *ret_n = n;
  return 0;
}

void
rctr_image_info_free (struct rctr_image_info *infos, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      free (infos[i].source);
      free (infos[i].ids);
    }
  free (infos);
}

int
rctr_image_find (struct rctr_store *s, const char *prefix, char ret_digest[RCTR_DIGEST_HEX_LEN + 1],
                 rctr_error_t *err)
{
  struct rctr_image_info *infos = NULL;
  size_t n, i, len = strlen (prefix), found = 0;

  if (len < 4 || len > RCTR_DIGEST_HEX_LEN || !rctr_is_hex_string (prefix, len))
    return rctr_make_error (err, 0, "`%s` is not an image file nor an image id (4 to 64 hex digits)", prefix);
  if (rctr_image_list (s, &infos, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (strncmp (infos[i].digest, prefix, len) == 0 && found++ == 0)
      memcpy (ret_digest, infos[i].digest, RCTR_DIGEST_HEX_LEN + 1);
  rctr_image_info_free (infos, n);
  if (found == 0)
    return rctr_make_error (err, 0, "no image with id %s", prefix);
  if (found > 1)
    return rctr_make_error (err, 0, "image id %s is ambiguous: give more digits", prefix);
  return 0;
}

struct remove_job
{
  int store_fd;
  const char *digest;
};

/* Does the record of image DIGEST say its unpack kept owners IDS? */
static bool
image_ids_are (struct rctr_store *s, const char *digest, const char *ids)
{
  struct rctr_image_info info;
  bool same;

  memset (&info, 0, sizeof (info));
  memcpy (info.digest, digest, sizeof (info.digest));
  if (s->dirfd < 0)
    return false;
  {
    cleanup_close int imagesfd = openat (s->dirfd, "images", O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (imagesfd < 0)
      return false;
    read_info (imagesfd, &info);
  }
  same = info.ids && strcmp (info.ids, ids) == 0;
  free (info.source);
  free (info.ids);
  return same;
}

static int
remove_in_userns (void *data, char *result, size_t len, rctr_error_t *err)
{
  struct remove_job *job = data;
  cleanup_close int tmpfd = openat (job->store_fd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int imagesfd
      = openat (job->store_fd, "images", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int lock = -1;
  cleanup_free char *name = NULL;
  char suffix[17];

  (void) result, (void) len;
  if (tmpfd < 0 || imagesfd < 0)
    return rctr_make_error (err, errno, "open the store's tmp/ and images/");
  /* Locked before it moves to tmp/, so no cleaner takes it for abandoned;
     once moved, no run can find it, and an interrupted removal is finished
     by the next cleaning.  */
  lock = rctr_lock_dir (imagesfd, job->digest, LOCK_EX, err);
  if (lock < 0)
    return rctr_error_wrap (err, "image %s", job->digest);
  if (rctr_random_hex (8, suffix, err) < 0)
    return -1;
  name = xasprintf ("rm.%s.%s", job->digest, suffix);
  if (renameat (imagesfd, job->digest, tmpfd, name) < 0)
    return rctr_make_error (err, errno, "move image %s out of images/", job->digest);
  return rctr_remove_tree_at (tmpfd, name, err);
}

static void
drop_index_entries (struct rctr_store *s, const char *digest)
{
  cleanup_close int fd = openat (s->dirfd, "index", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_dir DIR *dir = fd >= 0 ? rctr_opendir_fd (fd) : NULL;
  struct dirent *de;

  if (dir == NULL)
    return;
  while ((de = readdir (dir)) != NULL)
    {
      char buf[RCTR_DIGEST_HEX_LEN + 2];
      ssize_t n = readlinkat (dirfd (dir), de->d_name, buf, sizeof (buf));

      if (n == RCTR_DIGEST_HEX_LEN && memcmp (buf, digest, RCTR_DIGEST_HEX_LEN) == 0)
        (void) unlinkat (dirfd (dir), de->d_name, 0);
    }
}

int
rctr_image_remove (struct rctr_store *s, const char *digest, struct rctr_userns_plan *plan, rctr_error_t *err)
{
  struct remove_job job = { s->dirfd, digest };
  cleanup_close int nsfd = -1;
  cleanup_close int lock = -1;
  cleanup_close int rootfs = -1;
  rctr_error_t ignored = NULL;
  int r;

  lock = rctr_store_lock (s, digest, LOCK_EX | LOCK_NB, err);
  if (lock < 0 && *err == NULL)
    return rctr_make_error (err, 0, "image %.12s is in use (by a running container, or being unpacked)",
                            digest);
  if (lock < 0)
    return -1;
  rootfs = rctr_store_open_rootfs (s, digest, err);
  if (rootfs < 0)
    return *err ? -1 : rctr_make_error (err, 0, "no image with id %.12s", digest);
  /* Files of subordinate ids can be removed only in a namespace that maps
     them: without one now (newuidmap failing, say), leave the image whole. */
  rctr_userns_prepare (plan, &nsfd);
  if (plan->writer != RCTR_MAP_HELPERS && plan->host_uid != 0 && image_ids_are (s, digest, "subordinate"))
    return rctr_make_error (err, 0,
                            "image %.12s holds files of your subordinate ids, which cannot be removed "
                            "without them: %s",
                            digest, plan->notice ? plan->notice : "no subordinate range now");
  r = rctr_userns_run (plan, remove_in_userns, &job, NULL, 0, err);
  /* Out of images/ (even if deleting it from tmp/ failed, the next cleaning
     finishes that): its index entries go too.  */
  rctr_close_quietly (TAKE_FD (rootfs));
  rootfs = rctr_store_open_rootfs (s, digest, &ignored);
  if (rootfs < 0 && ignored == NULL)
    drop_index_entries (s, digest);
  rctr_error_release (&ignored);
  return r;
}
