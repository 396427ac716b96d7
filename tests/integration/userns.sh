#!/bin/sh
# ID mapping: subordinate ranges through the holder, the single-id map,
# keep-id, and real root.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

# A process that runs (one that exited may wait as a zombie to be reaped).
is_running () { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'; }
maps () { r run -q "$@" "$BB" sh -c 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"'; }
first_range () { grep -E "^($ME|$MY_UID):" "$1" | head -n 1 | cut -d: -f2,3 | tr : ' '; }

if is_root; then
  maps
  t_is "$OUT" "0 0 4294967295
0 0 4294967295" "root: every id maps to itself"
  maps --userns=single
  t_is "$OUT" "0 0 1
0 0 1" "root, --userns=single: root alone"
elif has_subid; then
  maps
  t_is "$OUT" "0 $MY_UID 1
1 $(first_range /etc/subuid)
0 $MY_GID 1
1 $(first_range /etc/subgid)" "with a range: root is the user, 1.. the subordinate range"
  t_is "$ERR" "" "with a range: nothing said"
else
  maps
  t_is "$OUT" "0 $MY_UID 1
0 $MY_GID 1" "without a range: the single id, as root"
  r run "$BB" true
  t_is "$ERR" "rctr: note: uid $MY_UID has no subordinate range in /etc/subuid: mapping only uid $MY_UID (as root) in the container" \
    "without a range: said once on stderr"
  r run -q "$BB" true
  t_is "$ERR" "" "without a range: -q silences it"
fi
if ! is_root; then
  maps --userns=single
  t_is "$OUT" "0 $MY_UID 1
0 $MY_GID 1" "--userns=single: the single id, as root"
  r run --userns=single "$BB" true
  t_is "$ERR" "" "--userns=single: asked for, so nothing said"
fi

# The image's owners are kept where ids are mapped (unpacked in the same
# mapping): /home/daemon/owned belongs to uid 1 in the image.
r run -q "$BB" stat -c "%u:%g" /home/daemon/owned
digest=$(sha256sum "$BB" | cut -d' ' -f1)
host_owner=$(stat -c "%u:%g" "$RCTR_STORE/images/$digest/rootfs/home/daemon/owned")
if is_root; then
  t_is "$OUT" 1:1 "root: the image's owner inside"
  t_is "$host_owner" 1:1 "root: and in the store"
elif has_subid; then
  t_is "$OUT" 1:1 "with a range: the image's owner inside"
  t_is "$host_owner" "$(first_range /etc/subuid | cut -d' ' -f1):$(first_range /etc/subgid | cut -d' ' -f1)" \
    "with a range: the first subordinate id in the store"
else
  t_is "$OUT" 0:0 "without a range: files of other owners are root's inside"
  t_is "$host_owner" "$MY_UID:$MY_GID" "without a range: the user's in the store"
fi

# keep-id: the user's own ids inside, no capabilities.
r run -q --userns=keep-id "$BB" sh -c 'id -u; id -g; stat -c %u /etc/passwd; grep CapEff /proc/self/status | cut -f2; echo $HOME'
if is_root; then
  t_is "$(echo "$OUT" | sed -n 1,3p | tr '\n' ' ')" "0 0 0 " "root, keep-id: root"
else
  t_is "$(echo "$OUT" | sed -n 1p)" "$MY_UID" "keep-id: the user's uid inside"
  t_is "$(echo "$OUT" | sed -n 2p)" "$MY_GID" "keep-id: the user's gid inside"
  t_is "$(echo "$OUT" | sed -n 3p)" "$MY_UID" "keep-id: the image's root-owned files are the user's"
  t_is "$(echo "$OUT" | sed -n 4p)" 0000000000000000 "keep-id: no capabilities"
  t_is "$(echo "$OUT" | sed -n 5p)" / "keep-id: HOME is / for a uid the image does not know"
  r run -q --userns=keep-id "$BB" sh -c 'echo x > /etc/passwd 2>&1 && echo written; echo y > /tmp/y && cat /tmp/y'
  t_like "$OUT" "^y$" "keep-id: /tmp is writable"
  if has_subid; then
    r run -q --userns=keep-id "$BB" stat -c "%u:%g" /home/daemon/owned
    t_is "$OUT" 1:1 "keep-id with a range: the image's other owners are kept"
  fi
fi

# The holder: newuidmap runs once, then never on a warm start; it recovers
# when the holder is gone or its pid file lies.
if has_subid; then
  mkdir -p "$T_DIR/bin" "$T_DIR/xdg"
  chmod 700 "$T_DIR/xdg"
  for h in newuidmap newgidmap; do
    real=$(command -v $h)
    printf '#!/bin/sh\necho "$0" >> %s/helper.log\nexec %s "$@"\n' "$T_DIR" "$real" >"$T_DIR/bin/$h"
    chmod +x "$T_DIR/bin/$h"
  done
  with_log () { PATH=$T_DIR/bin:$PATH XDG_RUNTIME_DIR=$T_DIR/xdg r "$@"; }
  helpers () { grep -c . "$T_DIR/helper.log" 2>/dev/null || echo 0; }
  with_log run -q "$BB" true
  t_is "$(helpers)" 2 "the first run starts the holder with newuidmap and newgidmap"
  pid=$(cat "$T_DIR/xdg/rctr/userns-auto.pid")
  t_is "$(cat /proc/"$pid"/comm)" rctr-userns "the holder is named rctr-userns"
  t_like "$(tr '\0' ' ' </proc/"$pid"/cmdline)" "^rctr-userns" "and its command line says so"
  t_is "$(ls -l /proc/"$pid"/fd | grep -c -- '->')" 4 "the holder keeps only stdin, stdout, stderr, and a watch"
  t_is "$(readlink /proc/"$pid"/fd/1)" /dev/null "on /dev/null"
  t_like "$(ls -l /proc/"$pid"/fd)" "anon_inode:inotify" "the watch: an inotify fd"
  with_log run -q "$BB" true
  with_log run -q "$BB" true
  t_is "$(helpers)" 2 "warm runs do not run the helpers"
  kill -TERM "$pid"
  sleep 0.2
  with_log run -q "$BB" cat /proc/self/uid_map
  t_is "$RC" 0 "a killed holder: the next run works"
  t_is "$(helpers)" 4 "and starts a new holder"
  second=$(cat "$T_DIR/xdg/rctr/userns-auto.pid")
  echo 999999 >"$T_DIR/xdg/rctr/userns-auto.pid"
  with_log run -q "$BB" true
  t_is "$RC" 0 "a pid file naming no process: the next run works"
  sleep 0.3
  t_true "a holder whose record is replaced exits by itself" eval "! is_running $second"
  sleep 100 &
  other=$!
  echo "$other" >"$T_DIR/xdg/rctr/userns-auto.pid"
  with_log run -q "$BB" sh -c 'cat /proc/self/uid_map | wc -l'
  t_is "$OUT" 2 "a pid file naming another process of the user's: a new holder, mapped"
  t_true "and that process is left alone" kill -0 "$other"
  kill "$other"
  with_log run -q --userns=keep-id "$BB" id -u
  t_is "$OUT" "$MY_UID" "keep-id has a holder of its own"
  t_true "recorded apart" test -f "$T_DIR/xdg/rctr/userns-keep-id.pid"
  holders=$(cat "$T_DIR"/xdg/rctr/userns-*.pid)
  rm -rf "$T_DIR/xdg"
  sleep 0.3
  alive=0
  for p in $holders; do is_running "$p" && alive=$((alive + 1)); done
  t_is "$alive" 0 "the holders exit when their runtime directory goes (logout)"
else
  t_diag "not applicable: the holder (this user has no subordinate range)"
fi

# Without $XDG_RUNTIME_DIR (a batch job, say) the holder is recorded in the
# store, per host: never at a predictable name in /tmp.
if has_subid; then
  OUT=$(env -u XDG_RUNTIME_DIR timeout 60 "$RCTR" run -q "$BB" sh -c 'cat /proc/self/uid_map | wc -l' </dev/null)
  t_is "$OUT" 2 "no XDG_RUNTIME_DIR: the range is still used"
  t_true "and the holder is recorded in the store" test -f "$RCTR_STORE/run/$(uname -n)/userns-auto.pid"
  t_is "$(stat -c %a "$RCTR_STORE/run/$(uname -n)")" 700 "in a private directory"
  kill "$(cat "$RCTR_STORE/run/$(uname -n)/userns-auto.pid")" 2>/dev/null
fi

# A runtime directory that is a symlink (someone else's trap) is refused, and
# the run goes on without the holder.
if has_subid; then
  mkdir -p -m 700 "$T_DIR/trap" "$T_DIR/elsewhere"
  ln -s "$T_DIR/elsewhere" "$T_DIR/trap/rctr"
  XDG_RUNTIME_DIR=$T_DIR/trap r run "$BB" sh -c 'cat /proc/self/uid_map | wc -l'
  t_like "$ERR" "note: .*trap/rctr\` is a symlink or not a directory: refusing it.*falling back to mapping only uid" \
    "a symlinked runtime directory is refused, and said"
  t_is "$OUT" 1 "and the run goes on with a single id"
  t_is "$(ls -A "$T_DIR/elsewhere")" "" "nothing was written through the symlink"
fi
t_done
