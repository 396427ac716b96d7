#!/usr/bin/env bash
# bench/startup.sh - start-to-exit latency of a trivial container, rctr vs peers
#
# Usage: bench/startup.sh [RCTR_BINARY]
#
#   RCTR_BINARY  the rctr to measure (default: ./rctr at the top of the repo)
#
# Environment:
#   BENCH_RUNS    timed runs per tool (default 300)
#   BENCH_ROUNDS  the runs are split into this many hyperfine rounds, each
#                 with every tool and the order rotated, so that drift in the
#                 machine's state (frequency, page cache, other load) hits all
#                 tools alike (default 5)
#   TMPDIR        where the scratch directory is made (default /tmp)
#
# What it does, in one run:
#   1. builds a tiny rootfs from Debian's busybox-static in a scratch
#      directory (removed at exit) and tars it as rctr's image; bwrap, ch-run
#      and crun use the directory itself;
#   2. warms rctr's cache (a private store, RCTR_STORE, in the scratch dir);
#   3. times `/bin/true` in each tool with hyperfine (-N: no shell), the
#      rounds interleaved as above, and reports each tool's median and its
#      ratio to bwrap's median;
#   4. measures peak RSS with GNU time (%M);
#   5. prints a markdown table.
#
# Runs as an unprivileged user or as root on Debian 12.  Needs:
# busybox-static, hyperfine, python3 or jq; measures whatever of bubblewrap,
# charliecloud-runtime (ch-run), crun, util-linux (unshare) and time is
# installed, and says "SKIP <tool>: <why>" for the rest.

set -eu

# --------------------------------------------------------------------------
# Small helpers

say () { printf '%s\n' "$*"; }
warn () { printf 'startup.sh: %s\n' "$*" >&2; }
die () { warn "$*"; exit 1; }
have () { command -v "$1" >/dev/null 2>&1; }

# Quote one word for hyperfine -N, which splits its command like a POSIX
# shell would (without running one).
q () { printf '%q' "$1"; }

# --------------------------------------------------------------------------
# Arguments and prerequisites

script_dir=$(cd "$(dirname "$0")" && pwd)
repo_top=$(cd "$script_dir/.." && pwd)

RCTR=${1:-$repo_top/rctr}
case $RCTR in
  */*) RCTR=$(cd "$(dirname "$RCTR")" && pwd)/$(basename "$RCTR") ;;
  *) RCTR=$(command -v "$RCTR") || die "rctr binary '$1' not found in PATH" ;;
esac
[ -x "$RCTR" ] || die "$RCTR is not an executable (run 'make rctr' at the repo top)"

RUNS=${BENCH_RUNS:-300}
ROUNDS=${BENCH_ROUNDS:-5}
case $RUNS$ROUNDS in *[!0-9]*) die "BENCH_RUNS and BENCH_ROUNDS must be numbers" ;; esac
[ "$RUNS" -ge 2 ] || die "BENCH_RUNS must be at least 2"
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
# hyperfine wants at least 2 runs per benchmark; each tool gets
# ceil(RUNS / ROUNDS) runs per round, so at least RUNS in all.
[ "$ROUNDS" -le $((RUNS / 2)) ] || ROUNDS=$((RUNS / 2))
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
WARMUP=20

have hyperfine || die "hyperfine is needed (apt-get install hyperfine)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing (apt-get install busybox-static)"
if have python3; then JSON=python3
elif have jq; then JSON=jq
else die "python3 or jq is needed to read hyperfine's JSON"
fi

# ch-run refuses to start without $USER, which runuser/sudo may leave unset.
USER=${USER:-$(id -un)}
export USER

uid=$(id -u)
user=$(id -un)
subuid_line=$(grep "^$user:" /etc/subuid 2>/dev/null | head -n 1 || true)
# rctr also accepts the numeric uid in /etc/subuid
[ -n "$subuid_line" ] || subuid_line=$(grep "^$uid:" /etc/subuid 2>/dev/null | head -n 1 || true)

# --------------------------------------------------------------------------
# Scratch directory, removed at exit.  rctr's store may hold files owned by
# subordinate ids that this user cannot delete directly, so rctr removes its
# images first.

work=$(mktemp -d "${TMPDIR:-/tmp}/rctr-bench.XXXXXX")
STORE=$work/store
ROOTFS=$work/rootfs
IMG=$work/busybox.tar
CRUN_STATE=$work/crun-state
CRUN_BUNDLE=$work/crun-bundle
CRUN_NAME=rctr-bench-$$

cleanup () {
  status=$?
  trap - EXIT INT TERM
  if [ -d "$STORE" ]; then
    RCTR_STORE=$STORE "$RCTR" rmi --all >/dev/null 2>&1 \
      || warn "'rctr rmi --all' failed on $STORE"
  fi
  if have crun && [ -d "$CRUN_STATE" ]; then
    crun --root "$CRUN_STATE" delete --force "$CRUN_NAME" >/dev/null 2>&1 || true
  fi
  rm -rf "$work" 2>/dev/null || warn "could not remove all of $work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export RCTR_STORE=$STORE

# --------------------------------------------------------------------------
# The rootfs: busybox, one symlink per applet, and the usual mount points.

say "== building the busybox rootfs in $work"
mkdir -p "$ROOTFS/bin"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ -e "$ROOTFS/bin/$applet" ] || ln -s busybox "$ROOTFS/bin/$applet"
done
mkdir -p "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS/tmp" "$ROOTFS/etc"
# ch-run bind-mounts the host's /etc/passwd and /etc/group onto files that
# must already exist in the image (as they do in any real image).
: > "$ROOTFS/etc/passwd"
: > "$ROOTFS/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$ROOTFS" -cf "$IMG" .
say "   $(find "$ROOTFS/bin" -mindepth 1 | wc -l) entries in /bin, image $(du -k "$IMG" | cut -f1) KB"

# --------------------------------------------------------------------------
# Check each tool once and collect those that work.  Parallel arrays:
#   KEYS   short name (hyperfine's -n and the JSON's "command")
#   LABELS what the tables print
#   CMDS   the command line, quoted for hyperfine -N
KEYS=() LABELS=() CMDS=()
add () { KEYS+=("$1"); LABELS+=("$2"); CMDS+=("$3"); }
declare -A RSS=()   # key -> peak RSS in KB
notes=()            # printed under the table

errfile=$work/err
# try CMD...: run it quietly; on failure leave its stderr's first line in $why
try () {
  if "$@" >/dev/null 2>"$errfile"; then return 0; fi
  why=$(grep -v '^[[:space:]]*$' "$errfile" | head -n 1)
  why=${why:-exit status $?}
  return 1
}

# rctr: the first run unpacks the image into the store (the "cold" start).
say "== warming rctr's cache ($RCTR)"
t0=$(date +%s%N)
try "$RCTR" run -q "$IMG" /bin/true || die "rctr run failed: $why"
t1=$(date +%s%N)
say "   first (cold) run, unpacking included: $(( (t1 - t0) / 1000000 )) ms"

# Which user namespace does auto mode give?  Ask the container, and look for
# the per-user holder process.
inside_map=$("$RCTR" run -q "$IMG" /bin/cat /proc/self/uid_map | awk '{printf "%s%s:%s:%s", sep, $1, $2, $3; sep=" "}')
holder_pid=""
if have pgrep; then
  holder_pid=$(pgrep -u "$uid" -x rctr-userns | head -n 1 || true)
fi
if [ "$uid" -eq 0 ]; then
  auto_mode="root: every id mapped to itself, no holder"
elif [ -n "$subuid_line" ] && [ -n "$holder_pid" ]; then
  auto_mode="subordinate range ($subuid_line) via the rctr-userns holder, pid $holder_pid"
elif [ -n "$subuid_line" ]; then
  auto_mode="subordinate range ($subuid_line), but no rctr-userns holder process found"
else
  auto_mode="no /etc/subuid range: single id (same as --userns=single)"
fi
say "   auto mode: $auto_mode; uid_map inside: $inside_map"
add rctr-auto "rctr run (auto)" "$(q "$RCTR") run -q $(q "$IMG") /bin/true"

try "$RCTR" run -q --userns=single "$IMG" /bin/true || die "rctr run --userns=single failed: $why"
add rctr-single "rctr run --userns=single" "$(q "$RCTR") run -q --userns=single $(q "$IMG") /bin/true"

# bubblewrap, all namespaces; some hosts (no netlink in the sandbox, a
# seccomp filter) refuse a new network namespace, then go without one.
bwrap_common=(--die-with-parent --ro-bind "$ROOTFS" / --proc /proc --dev /dev --tmpfs /tmp)
bwrap_q="--die-with-parent --ro-bind $(q "$ROOTFS") / --proc /proc --dev /dev --tmpfs /tmp"
if ! have bwrap; then
  say "SKIP bwrap: not installed"
elif try bwrap --unshare-all "${bwrap_common[@]}" /bin/true; then
  add bwrap "bwrap --unshare-all" "bwrap --unshare-all $bwrap_q /bin/true"
else
  say "   bwrap --unshare-all failed ($why); trying without --unshare-net"
  nonet=(--unshare-user-try --unshare-ipc --unshare-pid --unshare-uts --unshare-cgroup-try)
  if try bwrap "${nonet[@]}" "${bwrap_common[@]}" /bin/true; then
    add bwrap "bwrap (all but net)" "bwrap ${nonet[*]} $bwrap_q /bin/true"
    notes+=("bwrap --unshare-all failed here; bwrap was measured WITHOUT a network namespace")
  else
    say "SKIP bwrap: fails here: $why"
  fi
fi

# Charliecloud
if ! have ch-run; then
  say "SKIP ch-run: not installed"
elif try ch-run "$ROOTFS" -- /bin/true; then
  add ch-run "ch-run" "ch-run $(q "$ROOTFS") -- /bin/true"
else
  say "SKIP ch-run: fails here: $why"
fi

# crun, rootless, from a generated bundle.  The maps name only our own id
# (as root inside), as rctr --userns=single and ch-run do; without any maps
# crun would try newuidmap with a range of its own choosing.  No cgroups:
# crun 1.8 refuses a v1/v2 hybrid layout whatever the cgroup manager.
crun_edit_py='
import json, os, sys
p, rootfs = sys.argv[1], sys.argv[2]
with open(p) as f:
    c = json.load(f)
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": os.getuid(), "size": 1}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": os.getgid(), "size": 1}]
with open(p, "w") as f:
    json.dump(c, f, indent=1)
'
# shellcheck disable=SC2016  # $rootfs, $uid, $gid are jq's variables
crun_edit_jq='.root = {path: $rootfs, readonly: true}
  | .process.args = ["/bin/true"] | .process.terminal = false
  | .linux.uidMappings = [{containerID: 0, hostID: $uid, size: 1}]
  | .linux.gidMappings = [{containerID: 0, hostID: $gid, size: 1}]'
if ! have crun; then
  say "SKIP crun: not installed"
else
  mkdir -p "$CRUN_BUNDLE" "$CRUN_STATE"
  (cd "$CRUN_BUNDLE" && crun spec --rootless)
  if [ "$JSON" = python3 ]; then
    python3 -c "$crun_edit_py" "$CRUN_BUNDLE/config.json" "$ROOTFS"
  else
    jq --arg rootfs "$ROOTFS" --argjson uid "$uid" --argjson gid "$(id -g)" \
      "$crun_edit_jq" "$CRUN_BUNDLE/config.json" > "$CRUN_BUNDLE/config.new"
    mv "$CRUN_BUNDLE/config.new" "$CRUN_BUNDLE/config.json"
  fi
  crun_cmd=(crun --root "$CRUN_STATE" --cgroup-manager=disabled run -b "$CRUN_BUNDLE" "$CRUN_NAME")
  if try "${crun_cmd[@]}"; then
    add crun "crun run" "crun --root $(q "$CRUN_STATE") --cgroup-manager=disabled run -b $(q "$CRUN_BUNDLE") $CRUN_NAME"
  else
    say "SKIP crun: fails rootless here: $why"
  fi
fi

# The floor: the namespaces alone, no rootfs, no mounts beyond a private
# mount namespace.  Not comparable to a container, printed for reference.
if ! have unshare; then
  say "SKIP unshare: not installed"
elif try unshare -Urmpnif /bin/true; then
  add unshare "unshare -Urmpnif (floor, no rootfs)" "unshare -Urmpnif /bin/true"
else
  say "SKIP unshare: fails here: $why"
fi

# --------------------------------------------------------------------------
# Timing: ROUNDS hyperfine runs, each with every tool, the order rotated by
# one each round.  Every round does its own warmup.

n=${#KEYS[@]}
say "== timing /bin/true: $n tools, $PER_ROUND runs x $ROUNDS rounds each (warmup $WARMUP per round)"
jsons=()
for ((r = 0; r < ROUNDS; r++)); do
  args=()
  order=""
  for ((i = 0; i < n; i++)); do
    j=$(( (i + r) % n ))
    args+=(-n "${KEYS[j]}" "${CMDS[j]}")
    order="$order ${KEYS[j]}"
  done
  json=$work/round-$r.json
  log=$work/round-$r.log
  say "   round $((r + 1))/$ROUNDS:$order"
  if ! hyperfine -N --style basic --warmup "$WARMUP" --runs "$PER_ROUND" \
       --export-json "$json" "${args[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    die "hyperfine failed in round $((r + 1))"
  fi
  jsons+=("$json")
done

# Median (and spread) per tool over the runs of all rounds, in ms, one line
# per tool: KEY MEDIAN MIN P10 P90 MAX N.
stats_py='
import json, sys
times = {}
for path in sys.argv[1:]:
    with open(path) as f:
        for res in json.load(f)["results"]:
            times.setdefault(res["command"], []).extend(res["times"])
def pct(t, p):  # nearest-rank percentile of sorted t
    return t[min(len(t) - 1, max(0, round(p / 100 * (len(t) - 1))))]
for key, t in times.items():
    t.sort()
    n = len(t)
    med = t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2
    ms = [x * 1000 for x in (med, t[0], pct(t, 10), pct(t, 90), t[-1])]
    print(key, *("%.3f" % x for x in ms), n)
'
# shellcheck disable=SC2016  # $n is jq's variable
stats_jq='[.[].results[]] | group_by(.command)[]
  | {k: .[0].command, t: ([.[].times[]] | sort)} | (.t | length) as $n
  | def pct(p): .t[((p / 100 * ($n - 1)) | round)] * 1000;
    [.k,
     ((if $n % 2 == 1 then .t[($n - 1) / 2] else (.t[$n / 2 - 1] + .t[$n / 2]) / 2 end) * 1000),
     (.t[0] * 1000), pct(10), pct(90), (.t[-1] * 1000), $n]
  | map(tostring) | join(" ")'
if [ "$JSON" = python3 ]; then
  stats=$(python3 -c "$stats_py" "${jsons[@]}")
else
  stats=$(jq -rs "$stats_jq" "${jsons[@]}")
fi
stats=$(awk '{ printf "%s %.3f %.3f %.3f %.3f %.3f %d\n", $1, $2, $3, $4, $5, $6, $7 }' <<<"$stats")
declare -A MED=()
while read -r key med _; do MED[$key]=$med; done <<<"$stats"

# --------------------------------------------------------------------------
# Peak RSS of one warm start, GNU time's %M: the largest maximum resident set
# of the process and of the children it waited for.  The rctr-userns holder
# is not a child of rctr run, so it is not counted (its own RSS is printed
# below).  Five runs, the largest kept.

if [ -x /usr/bin/time ]; then
  say "== peak RSS (/usr/bin/time -f %M, largest of 5 runs)"
  argv=()
  for ((i = 0; i < n; i++)); do
    # CMDS hold words quoted with printf %q (or plain words), so eval
    # splits them back into exactly the words hyperfine ran.
    eval "argv=(${CMDS[i]})"
    best=0
    for _ in 1 2 3 4 5; do
      if ! /usr/bin/time -f %M -o "$work/rss" "${argv[@]}" >/dev/null 2>"$errfile"; then
        warn "${KEYS[i]} failed under /usr/bin/time: $(head -n 1 "$errfile")"
        best=""
        break
      fi
      kb=$(tail -n 1 "$work/rss")
      [ "$kb" -gt "$best" ] && best=$kb
    done
    RSS[${KEYS[i]}]=${best:-n/a}
  done
else
  say "SKIP peak RSS: /usr/bin/time not installed (apt-get install time)"
fi
holder_rss=""
if [ -n "$holder_pid" ] && [ -r "/proc/$holder_pid/status" ]; then
  holder_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$holder_pid/status")
fi

# --------------------------------------------------------------------------
# Report

bwrap_med=${MED[bwrap]:-}
ratio () {
  if [ -n "$bwrap_med" ]; then awk -v a="$1" -v b="$bwrap_med" 'BEGIN { printf "%.2f", a / b }'
  else printf 'n/a'; fi
}

say ""
say "Spread over all runs (ms):"
say ""
say "| tool | median | min | p10 | p90 | max | runs |"
say "|---|---:|---:|---:|---:|---:|---:|"
while read -r key med min p10 p90 max cnt; do
  for ((i = 0; i < n; i++)); do [ "${KEYS[i]}" = "$key" ] && label=${LABELS[i]}; done
  say "| $label | $med | $min | $p10 | $p90 | $max | $cnt |"
done <<<"$stats"

say ""
say "| tool | median ms | ratio to bwrap | peak RSS KB |"
say "|---|---:|---:|---:|"
for ((i = 0; i < n; i++)); do
  key=${KEYS[i]}
  say "| ${LABELS[i]} | ${MED[$key]} | $(ratio "${MED[$key]}") | ${RSS[$key]:-n/a} |"
done
say ""
if [ -n "$subuid_line" ]; then range="yes ($subuid_line)"; else range="no"; fi
say "machine: nproc=$(nproc), kernel $(uname -r); user: $user (uid $uid), subuid range: $range"
say "rctr auto mode: $auto_mode"
[ -z "$holder_rss" ] || say "rctr-userns holder (pid $holder_pid, not part of the peak RSS above): VmRSS $holder_rss KB"
say "peak RSS: GNU time %M, the largest of the process and the children it waited for; largest of 5 warm runs"
say "times: hyperfine -N, start to exit of /bin/true; $ROUNDS interleaved rounds of $PER_ROUND runs (+$WARMUP warmup) per tool"
for note in "${notes[@]+"${notes[@]}"}"; do say "note: $note"; done
