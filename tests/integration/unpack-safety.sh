#!/bin/sh
# Hostile images: names and links aimed out of the image never create or
# change anything outside it; /proc, /dev, /etc files as symlinks to host
# paths are never mounted or written through.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

host=$IMAGES/host-target
snapshot () { (cd "$host" && for f in *; do printf '%s:%s\n' "$f" "$(cat "$f")"; done); }
before=$(snapshot)

r run -q "$IMAGES/evil-escape.tar" sh -c "for f in /escaped-dotdot /escaped-abs $host/pwned-through-symlink $host/pwned-through-up; do ls \$f; done; readlink /out"
t_is "$RC" 0 "an image with escaping names runs"
t_is "$OUT" "/escaped-dotdot
/escaped-abs
$host/pwned-through-symlink
$host/pwned-through-up
$host" "each escaping entry landed inside the image"
t_is "$(snapshot)" "$before" "the host directory the image aims at is untouched"
t_true "nothing landed next to the store" test ! -e "$RCTR_TEST_WORK/escaped-dotdot"
t_true "nothing landed at the host's root" test ! -e /escaped-abs
t_true "nothing landed above the host directory" test ! -e "$IMAGES/pwned-through-up"

r run -q "$IMAGES/evil-links.tar" sh -c 'cat /proc/1/comm; ls -d /sys/class; stat -c %F /dev/null; echo x > /tmp/in-tmp; ls /tmp'
t_is "$RC" 0 "an image whose /proc /sys /dev /tmp are symlinks to a host directory runs"
t_is "$OUT" "rctr
/sys/class
character special file
in-tmp" "and gets a real /proc, /sys, /dev and /tmp"
t_is "$(snapshot)" "$before" "nothing was mounted on or written to the host directory"
t_is "$(ls "$host" | tr '\n' ' ')" "hostname hosts passwd resolv.conf " "no new file there either"

r run -q --hostname trapped "$IMAGES/evil-etc.tar" sh -c 'cat /etc/hostname; grep -c trapped /etc/hosts; echo changed > /etc/hosts; echo changed > /etc/hostname; stat -c %F /etc/resolv.conf'
t_is "$OUT" "trapped
1
regular file" "/etc files that are symlinks to host files are replaced by rctr's own"
t_is "$(snapshot)" "$before" "the host files they pointed at are untouched, even when written in the container"

RCTR_OVERLAY=0 r run -q --hostname trapped "$IMAGES/evil-etc.tar" sh -c 'cat /etc/hostname; ls /proc/1/comm'
t_is "$(snapshot)" "$before" "without an overlay, nothing is bound or written through them either"
t_like "$OUT" "/proc/1/comm" "(and the container runs)"

# A volume destination through a symlink is resolved inside the root.
mkdir -p "$T_DIR/vol"
r run -q -v "$T_DIR/vol:/out/mounted-here" "$IMAGES/evil-escape.tar" sh -c "ls -d $host/mounted-here"
t_is "$OUT" "$host/mounted-here" "a volume destination through a symlink lands inside the image"
t_is "$(snapshot)" "$before" "and the host directory is untouched"
t_done
