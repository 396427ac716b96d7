#!/bin/sh
# Image archives: plain tar and every compression, told by content.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

for f in busybox.tar busybox.tar.gz busybox.tar.bz2 busybox.tar.xz busybox.tar.zst busybox.tar.lz4 busybox-xz.img; do
  if [ ! -f "$IMAGES/$f" ]; then
    t_skip "$f" "the image could not be made here (zstd or lz4 missing?)"
    continue
  fi
  r run -q "$IMAGES/$f" cat /etc/hostname /lib/through-symlink
  t_is "$RC" 0 "$f runs"
  t_like "$OUT" "lands in /usr/lib" "$f: the whole image is there"
done
# One image per archive content: busybox-xz.img is busybox.tar.xz under
# another name, so it shares its image.
r images -q
t_is "$(echo "$OUT" | grep -c .)" 6 "seven archives, six contents, six images"
# The name does not matter: an xz archive named .img is an xz archive.
cp "$IMAGES/busybox.tar.gz" "$T_DIR/image.zip"
r run -q "$T_DIR/image.zip" true
t_is "$RC" 0 "a gzip archive named .zip runs"
t_done
