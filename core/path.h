/* rctr - paths inside a root filesystem, resolved from a directory fd.
 *
 * Every path that comes from an image, a volume destination or any other
 * place inside a container's root is resolved relative to the root's
 * directory fd with chroot semantics: `..` at the root stays at the root and
 * symlinks (absolute or relative) are followed but can never lead out.
 * openat2(RESOLVE_IN_ROOT) does this in the kernel (5.6+); on older kernels a
 * component walk does it in user space.  Never join strings and open.
 * (crun safe_openat; systemd chaseat; CVE-2018-15664 and CVE-2021-30465 were
 * both path-joining races in container runtimes.)
 */
#ifndef RCTR_PATH_H
#define RCTR_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"

/* Lexically clean PATH as if it were absolute: collapse "//" and ".", apply
   ".." (never above the root), then drop the leading "/".  The root itself is
   "".  The result is newly allocated.  (Go's filepath.Clean("/" + p), which
   containerd uses for layer entries.) */
char *rctr_path_clean (const char *path);

/* Split a cleaned path into its directory part and last component; the
   directory of "a" is "".  Both are newly allocated. */
void rctr_path_split (const char *clean, char **ret_dir, char **ret_base);

/* Open PATH inside ROOTFD.  FLAGS are open(2) flags (O_CLOEXEC is added);
   with O_NOFOLLOW a final symlink is opened itself (with O_PATH) or refused,
   otherwise it is followed inside the root.  Returns the fd or -1 with ERR. */
int rctr_open_in_root (int rootfd, const char *path, int flags, rctr_error_t *err);

/* Open the directory PATH inside ROOTFD, creating each missing component
   with MODE (mkdir -p).  Returns an O_PATH|O_DIRECTORY fd or -1 with ERR. */
int rctr_mkdir_p_in_root (int rootfd, const char *path, mode_t mode, rctr_error_t *err);

/* For tests: force the user-space walk even where openat2 exists. */
void rctr_path_force_walk (bool force);

#endif
