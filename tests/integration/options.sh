#!/bin/sh
# rctr run's options, each checked by what the command sees.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

r run -q -e A=1 -e B="two words" --env C=x=y "$BB" sh -c 'echo "$A|$B|$C"'
t_is "$OUT" "1|two words|x=y" "-e NAME=VALUE"
OUT=$(FROM_HOST=hostval timeout 60 "$RCTR" run -q -e FROM_HOST -e NOT_SET_ON_HOST "$BB" sh -c 'echo "$FROM_HOST|${NOT_SET_ON_HOST-unset}"' </dev/null)
t_is "$OUT" "hostval|unset" "-e NAME passes the host's value, and nothing when unset"
printf '# comment\n\nF1=one\nF2=two\nSHARED=file\n' >"$T_DIR/env1"
printf 'F3=three\n' >"$T_DIR/env2"
r run -q --env-file "$T_DIR/env1" --env-file "$T_DIR/env2" -e SHARED=arg "$BB" sh -c 'echo "$F1 $F2 $F3 $SHARED"'
t_is "$OUT" "one two three arg" "--env-file, twice, and -e wins"
r run -q -e HOME=/elsewhere -e PATH=/bin "$BB" sh -c 'echo "$HOME $PATH"'
t_is "$OUT" "/elsewhere /bin" "-e replaces the defaults"

r run -q -w /made/for/me "$BB" sh -c 'pwd'
t_is "$OUT" /made/for/me "-w: a missing directory is made"
r run -q --workdir /etc "$BB" pwd
t_is "$OUT" /etc "--workdir"

mkdir -p "$T_DIR/vol"
echo from-host >"$T_DIR/vol/in"
r run -q -v "$T_DIR/vol:/data" "$BB" sh -c 'cat /data/in; echo from-container > /data/out'
t_is "$OUT" from-host "-v: the host's files are seen"
t_is "$(cat "$T_DIR/vol/out" 2>/dev/null)" from-container "-v: what the container writes lands on the host"
r run -q -v "$T_DIR/vol:/data:ro" "$BB" sh -c 'cat /data/in; echo x > /data/out2 && echo wrote'
t_like "$OUT" "^from-host$" "-v ...:ro: readable"
t_unlike "$OUT" wrote "-v ...:ro: not writable"
t_true "-v ...:ro: nothing written on the host" test ! -e "$T_DIR/vol/out2"
# :ro holds for mounts below the source too (mount_setattr AT_RECURSIVE):
# a tmpfs under the source, in a mount namespace of the test's own.
mkdir -p "$T_DIR/vol/sub"
timeout 60 unshare -rm sh -c 'mount -t tmpfs tmpfs "$1/sub" && "$2" run -q -v "$1:/data:ro" "$3" sh -c "echo x > /data/sub/x && echo wrote"' \
  sh "$T_DIR/vol" "$RCTR" "$BB" >"$T_DIR/out" 2>&1
t_unlike "$(cat "$T_DIR/out")" wrote "-v ...:ro: a mount below the source is read-only too"
r run -q -v "$T_DIR/vol/in:/etc/from-host-file" "$BB" cat /etc/from-host-file
t_is "$OUT" from-host "-v FILE:DST binds a single file"
r run -q -v "$T_DIR/vol:/new/deep/dest" "$BB" ls /new/deep/dest
t_like "$OUT" "^in$" "-v: the destination is made inside the overlay"
cd "$T_DIR" && r run -q -v "vol:/rel" "$BB" cat /rel/in
t_is "$OUT" from-host "-v: a relative source is the current directory's"
cd - >/dev/null

r run -q --tmpfs /scratch "$BB" sh -c 'grep " /scratch " /proc/self/mounts | cut -d" " -f3; stat -c %a /scratch; echo x > /scratch/f && cat /scratch/f'
t_is "$OUT" "tmpfs
1777
x" "--tmpfs: a writable tmpfs, 1777"
r run -q --tmpfs /scratch:size=1m,mode=700,noexec "$BB" sh -c 'grep " /scratch " /proc/self/mounts | cut -d" " -f4; stat -c %a /scratch'
t_like "$OUT" "noexec" "--tmpfs with flags"
t_like "$OUT" "^700$" "--tmpfs with mode="
t_like "$OUT" "size=1024k" "--tmpfs with size="

r run -q --hostname box.example "$BB" sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME; grep -c box.example /etc/hosts'
t_is "$OUT" "box.example
box.example
box.example
1" "--hostname sets the name, /etc/hostname, HOSTNAME and /etc/hosts"

r run -q --net=host "$BB" sh -c 'ls /sys/class/net | sort | tr "\n" " "; echo; hostname'
t_is "$(echo "$OUT" | sed -n 1p)" "$(ls /sys/class/net | sort | tr '\n' ' ')" "--net=host: the host's interfaces"
t_is "$(echo "$OUT" | sed -n 2p)" "$(uname -n)" "--net=host: the host's name"
r run -q --network host "$BB" cat /etc/hosts
t_is "$OUT" "$(cat /etc/hosts)" "--net=host: the host's /etc/hosts"
r run -q --net=none "$BB" ls /sys/class/net
t_is "$OUT" lo "--net=none: only lo"

r run -q --read-only "$BB" sh -c 'touch /etc/x 2>&1; echo tmp > /tmp/x && cat /tmp/x; echo run > /run/x && cat /run/x; echo vt > /var/tmp/x && cat /var/tmp/x; echo dev > /dev/shm/x && cat /dev/shm/x'
t_like "$OUT" "Read-only file system" "--read-only: the root is read-only"
t_like "$OUT" "^tmp$" "--read-only: /tmp is writable"
t_like "$OUT" "^run$" "--read-only: /run is writable"
t_like "$OUT" "^vt$" "--read-only: /var/tmp is writable"
t_like "$OUT" "^dev$" "--read-only: /dev/shm is writable"
r run -q --read-only -w /new-wd "$BB" pwd
t_is "$OUT" /new-wd "--read-only still makes a missing workdir"
r run -q --read-only -v "$T_DIR/vol:/data" "$BB" sh -c 'echo rw > /data/rw && cat /data/rw'
t_is "$OUT" rw "--read-only: volumes keep their own mode"

# Without overlayfs (RCTR_OVERLAY=0, as where the kernel refuses it).
OUT=$(RCTR_OVERLAY=0 timeout 60 "$RCTR" run -q "$BB" sh -c 'grep " / " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1; touch /x 2>&1; echo t > /tmp/t && cat /tmp/t; hostname; cat /etc/hostname' </dev/null 2>"$T_DIR/err")
t_like "$OUT" "^ro$" "RCTR_OVERLAY=0: a read-only root"
t_like "$OUT" "Read-only file system" "RCTR_OVERLAY=0: nothing written to the image"
t_like "$OUT" "^t$" "RCTR_OVERLAY=0: /tmp is a tmpfs"
t_is "$(echo "$OUT" | tail -n 2 | uniq | wc -l)" 1 "RCTR_OVERLAY=0: /etc/hostname is generated (bound over the image's)"

# The upper layer on disk (RCTR_UPPER=disk; the default where tmpfs has no
# user xattrs): writes land in the store's tmp/, which is emptied after.
RCTR_UPPER=disk bg_rctr "$T_DIR/disk.out" run -q "$BB" sh -c 'rm -rf /home/daemon && mkdir /home/daemon && echo remade;
  head -c 3000000 /dev/zero > /written; mkdir -p /d/e; chmod 0500 /d; echo ready; sleep 3'
wait_for "$T_DIR/disk.out" ready
t_like "$(cat "$T_DIR/disk.out")" "^remade$" "RCTR_UPPER=disk: a directory of the image can be removed and made again"
t_is "$(ls "$RCTR_STORE/tmp" | grep -c '^run\.')" 1 "RCTR_UPPER=disk: the upper layer is in the store's tmp/"
t_true "RCTR_UPPER=disk: what the container writes is there, on disk" test "$(du -sk "$RCTR_STORE/tmp" | cut -f1)" -ge 2900
kill -TERM "$BG_PID"
bg_wait
t_is "$(ls "$RCTR_STORE/tmp" | grep -c '^run\.')" 0 "RCTR_UPPER=disk: and removed when the container ends"
RCTR_UPPER=disk bg_rctr "$T_DIR/disk2.out" run -q "$BB" sh -c 'echo ready; sleep 10'
wait_for "$T_DIR/disk2.out" ready
kill -KILL "$BG_PID"
bg_wait
sleep 0.3
t_is "$(ls "$RCTR_STORE/tmp" | grep -c '^run\.')" 1 "RCTR_UPPER=disk: rctr killed, its upper layer stays for now"
RCTR_UPPER=disk r run -q "$BB" true
t_is "$(ls "$RCTR_STORE/tmp" | grep -c '^run\.')" 0 "and the next run on disk removes it"

# -q and --debug.
cp "$IMAGES/busybox.tar.gz" "$T_DIR/q.tar.gz"
r run "$T_DIR/q.tar.gz" true
t_like "$ERR" "warning: .*1 device node\(s\) skipped" "without -q: the unpack's warning"
cp "$IMAGES/busybox.tar.bz2" "$T_DIR/q.tar.bz2"
r run -q "$T_DIR/q.tar.bz2" true
t_is "$ERR" "" "-q: silent"
r run -q --debug "$BB" true
# How the container's init starts: rctr maps it (root), it maps itself (a
# single id), or it is in the holder's namespace already (a range).
if is_root; then first=go; elif has_subid; then first=joined; else first=maps; fi
for step in options "image \(cached\)" spec userns clone $first propagation rootfs-overlay mounts pivot_root \
  hostname\\+lo exec; do
  t_like "$ERR" "^rctr: debug: +[0-9.]+ ms \( *[-+][0-9.]+\) $step$" "--debug: step $step with its time"
done

# Help and version.
r run --help
t_like "$OUT" "^Usage: rctr run \[OPTIONS\] IMAGE" "rctr run --help"
t_is "$RC" 0 "rctr run --help: 0"
r run -h
t_like "$OUT" "--userns auto\|single\|keep-id" "rctr run -h lists --userns"
for opt in --env --env-file --workdir --volume --tmpfs --hostname --net --userns --read-only --quiet --debug --help; do
  t_like "$OUT" "^ +(-[a-z], )?$opt" "rctr run --help lists $opt"
done
r --help
t_like "$OUT" "^Usage: rctr" "rctr --help"
r images --help
t_like "$OUT" "^Usage: rctr images" "rctr images --help"
r rmi --help
t_like "$OUT" "^Usage: rctr rmi" "rctr rmi --help"
r --version
t_like "$OUT" "^rctr [0-9]+\.[0-9]+\.[0-9]+$" "rctr --version"
t_done
