#!/bin/sh
# The image store: unpacked once, found again without reading the archive,
# published atomically, removed by rctr rmi.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

img=$T_DIR/img.tar
cp "$BB" "$img"

r run -q --debug "$img" true
t_like "$ERR" "image \(hashed and unpacked\)" "the first run unpacks"
r run -q --debug "$img" true
t_like "$ERR" "image \(cached\)" "the second run neither unpacks nor hashes"
t_is "$(ls "$RCTR_STORE/images" | wc -l)" 1 "one image in the store"
digest=$(sha256sum "$img" | cut -d' ' -f1)
t_true "the image is keyed by the archive's SHA-256" test -d "$RCTR_STORE/images/$digest/rootfs"

# The warm path does not read the archive at all: make it unreadable.
if ! is_root; then
  chmod 000 "$img"
  r run -q --debug "$img" true
  t_is "$RC" 125 "an unreadable archive is refused even when cached (it is opened)"
  chmod 644 "$img"
fi
touch -d '2001-01-01' "$img"
r run -q --debug "$img" true
t_like "$ERR" "image \(hashed\)" "a new mtime: hashed again, not unpacked"
cp "$img" "$T_DIR/copy.tar"
r run -q --debug "$T_DIR/copy.tar" true
t_like "$ERR" "image \(hashed\)" "a copy of the same archive: hashed, the image shared"
t_is "$(ls "$RCTR_STORE/images" | wc -l)" 1 "still one image"

# A new name for an image in use (a copy) starts without waiting for the
# running container to end.
bg_rctr "$T_DIR/long.out" run -q "$img" sh -c 'echo ready; sleep 30'
wait_for "$T_DIR/long.out" ready
cp "$img" "$T_DIR/copy2.tar"
timeout 15 "$RCTR" run -q "$T_DIR/copy2.tar" echo started >"$T_DIR/out" 2>&1 </dev/null
t_is "$(cat "$T_DIR/out")" started "a copy of an image in use starts while it runs"
kill -TERM "$BG_PID"
bg_wait

# Two first starts of a new image at the same time unpack it once.
cp "$IMAGES/busybox.tar.gz" "$T_DIR/race.tar.gz"
for i in 1 2 3; do
  timeout 60 "$RCTR" run -q --debug "$T_DIR/race.tar.gz" true >/dev/null 2>"$T_DIR/race$i.err" &
done
wait
t_is "$(cat "$T_DIR"/race*.err | grep -c 'hashed and unpacked')" 1 "three runs at once: one unpacks"
t_is "$(cat "$T_DIR"/race*.err | grep -c 'image (')" 3 "and all three start"
t_is "$(ls "$RCTR_STORE/images" | wc -l)" 2 "two images now"

# An unpack killed half-way leaves nothing that a later run takes for an image.
bg_rctr "$T_DIR/killed.out" run -q "$IMAGES/many.tar.gz" true
i=0
while [ -z "$(ls "$RCTR_STORE/tmp" 2>/dev/null)" ] && [ $i -lt 400 ]; do sleep 0.01; i=$((i + 1)); done
kill -KILL "$BG_PID"
bg_wait
many=$(sha256sum "$IMAGES/many.tar.gz" | cut -d' ' -f1)
if [ -e "$RCTR_STORE/images/$many" ]; then
  t_skip "a killed unpack publishes nothing" "the unpack finished before it could be killed"
else
  t_pass "a killed unpack publishes nothing"
fi
sleep 0.3
r run -q --debug "$IMAGES/many.tar.gz" sh -c 'ls /d000 | wc -l'
t_is "$OUT" 200 "the next run unpacks it whole"
t_like "$ERR" "hashed and unpacked" "(unpacking it again)"
t_is "$(ls "$RCTR_STORE/tmp" | wc -l)" 0 "and the interrupted unpack's leftovers are gone"

# Cleaning tmp/: a directory whose .lock nobody holds goes; one being made
# (new.*) or without a .lock stays while it is younger than an hour.
mkdir -p "$RCTR_STORE/tmp/new.fresh" "$RCTR_STORE/tmp/nolock-fresh" "$RCTR_STORE/tmp/nolock-old" \
  "$RCTR_STORE/tmp/abandoned"
touch "$RCTR_STORE/tmp/abandoned/.lock"
touch -d '2 hours ago' "$RCTR_STORE/tmp/nolock-old"
cp "$IMAGES/busybox.tar.xz" "$T_DIR/clean.tar.xz"
r run -q "$T_DIR/clean.tar.xz" true
t_is "$(ls "$RCTR_STORE/tmp" | sort | tr '\n' ' ')" "new.fresh nolock-fresh " "an unpack cleans tmp/ of what is abandoned, and only that"
rm -rf "$RCTR_STORE/tmp/new.fresh" "$RCTR_STORE/tmp/nolock-fresh"

# Many starts at once with their upper layers in tmp/: none takes another's
# directory for abandoned while it is being made.
for i in $(seq 24); do
  RCTR_UPPER=disk timeout 60 "$RCTR" run -q "$img" true >"$T_DIR/par$i.out" 2>&1 </dev/null &
done
wait
t_is "$(cat "$T_DIR"/par*.out | grep -c .)" 0 "24 starts at once with the upper layer on disk: no failure"
t_is "$(ls "$RCTR_STORE/tmp" | grep -c .)" 0 "and they leave nothing behind"

# rctr images and rctr rmi.
r images
t_like "$OUT" "^IMAGE ID +UNPACKED +ENTRIES +IDS +SOURCE$" "rctr images has a header"
t_like "$OUT" "^$(echo "$digest" | cut -c1-12) .* $T_DIR/img.tar$" "and lists the image with its source"
if is_root; then ids=all; elif has_subid; then ids=subordinate; else ids=single; fi
t_like "$OUT" "^$(echo "$digest" | cut -c1-12) .* $ids +$T_DIR/img.tar$" "and the owners it keeps ($ids)"
r images -q
t_is "$(echo "$OUT" | grep -c .)" 4 "rctr images -q: four ids"
r rmi "$(echo "$many" | cut -c1-10)"
t_is "$RC" 0 "rctr rmi by id prefix"
t_true "the image is gone" test ! -e "$RCTR_STORE/images/$many"
r rmi "$T_DIR/copy.tar"
t_is "$OUT" "$digest" "rctr rmi by archive prints the id it removed"
t_true "the image is gone" test ! -e "$RCTR_STORE/images/$digest"
t_is "$(find "$RCTR_STORE/index" -lname "$digest" | wc -l)" 0 "and its index entries"
r rmi abcd
t_like "$ERR" "no image with id abcd" "rctr rmi of an unknown id"
t_is "$RC" 125 "fails with 125"
r rmi xyz
t_like "$ERR" "not an image file nor an image id" "rctr rmi of nonsense"

# An image in use is not removed.
bg_rctr "$T_DIR/busy.out" run -q "$T_DIR/race.tar.gz" sh -c 'echo ready; sleep 5'
wait_for "$T_DIR/busy.out" ready
r rmi "$T_DIR/race.tar.gz"
t_like "$ERR" "in use \(by a running container" "an image in use is not removed"
kill -TERM "$BG_PID"
bg_wait
r rmi --all
t_is "$RC" 0 "rctr rmi --all"
t_is "$(ls "$RCTR_STORE/images" | wc -l)" 0 "empties the store"
t_done
