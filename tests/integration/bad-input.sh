#!/bin/sh
# Bad input: one clear line naming the file or step and the cause, exit 125,
# and nothing half-made left in the store.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

r run -q "$T_DIR/missing.tar" true
t_one_error_line "a missing image" "image \`$T_DIR/missing.tar\`: No such file or directory"
t_store_clean "a missing image"

if is_root; then
  t_diag "not applicable as root: an unreadable image (root reads every file)"
else
  cp "$BB" "$T_DIR/unreadable.tar"
  chmod 000 "$T_DIR/unreadable.tar"
  r run -q "$T_DIR/unreadable.tar" true
  t_one_error_line "an unreadable image" "image \`$T_DIR/unreadable.tar\`: Permission denied"
  t_store_clean "an unreadable image"
fi

r run -q "$T_DIR" true
t_one_error_line "a directory" "is a directory: rctr run takes an image archive"
r run -q /dev/null true
t_one_error_line "a device" "\`/dev/null\` is not a regular file"

r run -q "$IMAGES/notarchive.txt" true
t_one_error_line "a text file" "\`$IMAGES/notarchive.txt\` is not a tar archive"
t_store_clean "a text file"
r run -q "$IMAGES/empty.tar" true
t_one_error_line "an empty file" "\`$IMAGES/empty.tar\` is (an empty archive|not a tar archive)"
t_store_clean "an empty file"
r run -q "$IMAGES/truncated.tar.gz" true
t_one_error_line "a truncated archive" "$IMAGES/truncated.tar.gz.* is truncated or corrupt"
t_store_clean "a truncated archive"
r run -q "$IMAGES/corrupt.tar" true
t_one_error_line "a corrupt archive" "\`$IMAGES/corrupt.tar\` is truncated or corrupt"
t_store_clean "a corrupt archive"
r run -q "$IMAGES/evil-hardlink.tar" true
t_one_error_line "a hard link to a host file" "hard link \`/stolen-passwd\` to \`/.*/host-target/passwd\`"
t_store_clean "a hard link to a host file"
t_is "$(stat -c %h "$IMAGES/host-target/passwd")" 1 "the host file gained no link"

# A full disk while unpacking: a store on a 4 MiB tmpfs, in a mount namespace
# of the test's own (as root of a user namespace, rctr maps what it has).
if unshare -rm true 2>/dev/null; then
  mkdir -p "$T_DIR/small"
  timeout 60 unshare -rm sh -c 'mount -t tmpfs -o size=4m tmpfs "$1" && RCTR_STORE="$1/store" "$2" run -q "$3" true;
    echo "rc=$?"; ls -A "$1/store/images" "$1/store/tmp" | grep -v ":$" | grep -c .' \
    sh "$T_DIR/small" "$RCTR" "$IMAGES/big.tar.gz" >"$T_DIR/out" 2>"$T_DIR/err"
  OUT=$(cat "$T_DIR/out")
  ERR=$(cat "$T_DIR/err")
  t_like "$ERR" "^rctr: unpack \`$IMAGES/big.tar.gz\`: write \`/big\`: No space left on device$" \
    "a full disk: the file and the cause"
  t_is "$(echo "$OUT" | sed -n 1p)" "rc=125" "a full disk: exit 125"
  t_is "$(echo "$OUT" | sed -n 2p)" 0 "a full disk: the store holds no image and no leftover"
else
  t_skip "a full disk while unpacking" "unshare -rm is not allowed here"
fi

r run -q --no-such-option "$BB" true
t_one_error_line "an unknown option" "run: option \`--no-such-option\` is not known"
r run -q -v "$T_DIR/no-such-dir:/data" "$BB" true
t_one_error_line "a volume source that does not exist" \
  "volume \`$T_DIR/no-such-dir:/data\`: source \`$T_DIR/no-such-dir\`: No such file or directory"
r run -q -v "relative:/data" "$BB" true
t_one_error_line "a relative volume source that does not exist" "source \`relative\`: No such file or directory"
r run -q -v "$T_DIR:data" "$BB" true
t_one_error_line "a relative volume destination" "must be an absolute path"
r run -q --tmpfs "/x:bogus=1" "$BB" true
t_one_error_line "an unknown --tmpfs option" "unknown option \`bogus=1\`"
r run -q -w /etc/passwd "$BB" true
t_one_error_line "a workdir that is a file" "workdir \`/etc/passwd\`"
r run -q --env-file "$T_DIR/no-env-file" "$BB" true
t_one_error_line "a missing --env-file" "--env-file: open \`$T_DIR/no-env-file\`: No such file or directory"
printf 'GOOD=1\nBAD NAME=2\n' >"$T_DIR/env"
r run -q --env-file "$T_DIR/env" "$BB" true
t_one_error_line "a bad line in --env-file" "--env-file \`$T_DIR/env\` line 2: \`BAD NAME=2\` is not a valid"

# User namespaces disabled on the host: inside a user namespace whose
# user.max_user_namespaces is 0, no further one can be made.
if unshare -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces' 2>/dev/null; then
  r run -q "$BB" true # warm the store: the run itself must fail, not the unpack
  timeout 60 unshare -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' sh "$RCTR" run -q "$BB" true \
    >"$T_DIR/out" 2>"$T_DIR/err"
  RC=$?
  OUT=$(cat "$T_DIR/out")
  ERR=$(cat "$T_DIR/err")
  t_one_error_line "user namespaces disabled" "user.max_user_namespaces is 0"
  timeout 60 unshare -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' sh "$RCTR" run -q \
    "$IMAGES/busybox.tar.gz" true >"$T_DIR/out" 2>"$T_DIR/err"
  RC=$?
  OUT=$(cat "$T_DIR/out")
  ERR=$(cat "$T_DIR/err")
  t_one_error_line "user namespaces disabled, unpacking" "create a user namespace .*user.max_user_namespaces is 0"
else
  t_skip "user namespaces disabled" "cannot make a user namespace with user.max_user_namespaces=0 here"
fi

# newuidmap present but failing: say why, then go on with a single id.
if has_subid; then
  mkdir -p "$T_DIR/fakebin" "$T_DIR/fakerun"
  chmod 700 "$T_DIR/fakerun"
  for h in newuidmap newgidmap; do
    printf '#!/bin/sh\necho "%s: write to uid_map failed: Operation not permitted" >&2\nexit 1\n' "$h" >"$T_DIR/fakebin/$h"
    chmod +x "$T_DIR/fakebin/$h"
  done
  PATH=$T_DIR/fakebin:$PATH XDG_RUNTIME_DIR=$T_DIR/fakerun timeout 60 "$RCTR" run "$BB" cat /proc/self/uid_map \
    >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
  RC=$?
  ERR=$(cat "$T_DIR/err")
  t_is "$RC" 0 "newuidmap failing: the container still runs"
  t_like "$(cat "$T_DIR/err")" "^rctr: note: .*/newuidmap failed: newuidmap: write to uid_map failed: Operation not permitted; falling back to mapping only uid $MY_UID$" \
    "newuidmap failing: rctr says why, once"
  t_is "$(grep -c . "$T_DIR/err")" 1 "newuidmap failing: one line"
  t_is "$(tr -s ' ' <"$T_DIR/out" | sed 's/^ //')" "0 $MY_UID 1" "newuidmap failing: a single-id map"
  # Removing an image of subordinate ids needs them: refused, and kept whole.
  PATH=$T_DIR/fakebin:$PATH XDG_RUNTIME_DIR=$T_DIR/fakerun r rmi "$BB"
  t_one_error_line "newuidmap failing: rmi of an image with subordinate owners" \
    "holds files of your subordinate ids, which cannot be removed without them: .*newuidmap failed"
  t_true "and the image is still there, whole" test -f "$RCTR_STORE/images/$(sha256sum "$BB" | cut -d' ' -f1)/rootfs/home/daemon/owned"
else
  t_diag "not applicable: newuidmap failing (this user has no subordinate range)"
fi
t_done
