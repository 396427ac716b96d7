# rctr integration tests: a small TAP library, sourced by each test.
#
# The environment (set by `make check`): RCTR (the binary), RCTR_TEST_WORK
# (a scratch directory; images/ holds the test images), RCTR_TEST_SRCDIR.
# RCTR_TEST_STRICT=1 turns every SKIP into a failure: CI sets it, so that a
# test that cannot run where it must is not mistaken for a pass.
#
# Each test file gets its own store and runtime directory under
# $RCTR_TEST_WORK and removes them at exit with `rctr rmi --all` (the store
# may hold files owned by subordinate ids, which only rctr can remove).

if [ "${1:-}" = --clean ]; then
  # make clean: remove the stores the tests left, then the work directory.
  for store in "$2"/*.store; do
    [ -d "$store" ] && RCTR_STORE=$store "$3" rmi --all >/dev/null 2>&1
  done
  rm -rf "$2"
  exit 0
fi

set -u
: "${RCTR:?}" "${RCTR_TEST_WORK:?}"
T_NAME=$(basename "$0" .sh)
IMAGES=$RCTR_TEST_WORK/images
BB=$IMAGES/busybox.tar
T_DIR=$RCTR_TEST_WORK/$T_NAME.d
RCTR_STORE=$RCTR_TEST_WORK/$T_NAME.store
export RCTR_STORE
T_N=0
T_FAILED=0
ME=$(id -un)
MY_UID=$(id -u)
MY_GID=$(id -g)

rm -rf "$T_DIR"
mkdir -p "$T_DIR"
# A runtime directory of this test's own when none is set (holders' pid files).
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -O "${XDG_RUNTIME_DIR:-/nonexistent}" ]; then
  XDG_RUNTIME_DIR=$T_DIR/run
  mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
fi

t_cleanup () {
  if [ -d "$RCTR_STORE" ]; then
    "$RCTR" rmi --all >/dev/null 2>"$T_DIR/rmi.err" || t_diag "rctr rmi --all failed in $RCTR_STORE: $(cat "$T_DIR/rmi.err")"
    rm -rf "$RCTR_STORE" 2>/dev/null
  fi
  chmod -R u+rwX "$T_DIR" 2>/dev/null
  rm -rf "$T_DIR"
}
trap t_cleanup EXIT

t_diag () { printf '# %s\n' "$*"; }

t_pass () { T_N=$((T_N + 1)); printf 'ok %d - %s\n' "$T_N" "$1"; }

t_fail () {
  T_N=$((T_N + 1))
  T_FAILED=$((T_FAILED + 1))
  printf 'not ok %d - %s\n' "$T_N" "$1"
  shift
  for line in "$@"; do t_diag "$line"; done
}

# t_skip DESCRIPTION REASON: a test this machine cannot run.
t_skip () {
  if [ "${RCTR_TEST_STRICT:-0}" = 1 ]; then
    t_fail "$1" "SKIP turned into a failure (RCTR_TEST_STRICT=1): $2"
  else
    T_N=$((T_N + 1))
    printf 'ok %d - %s # SKIP %s\n' "$T_N" "$1" "$2"
  fi
}

# r [RCTR ARGS...]: run rctr with a time limit; sets OUT, ERR and RC.
r () {
  timeout -k 5 60 "$RCTR" "$@" >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
  RC=$?
  OUT=$(cat "$T_DIR/out")
  ERR=$(cat "$T_DIR/err")
}

# t_is GOT WANT DESCRIPTION
t_is () {
  if [ "$1" = "$2" ]; then t_pass "$3"; else t_fail "$3" "got:  '$1'" "want: '$2'" "stderr: $(printf %s "${ERR:-}" | head -c 600)"; fi
}

# t_like GOT EXTENDED-REGEX DESCRIPTION
t_like () {
  if printf '%s\n' "$1" | grep -Eq -- "$2"; then t_pass "$3"; else t_fail "$3" "got:  '$1'" "want: /$2/"; fi
}

# t_unlike GOT EXTENDED-REGEX DESCRIPTION
t_unlike () {
  if printf '%s\n' "$1" | grep -Eq -- "$2"; then t_fail "$3" "got:  '$1'" "want no /$2/"; else t_pass "$3"; fi
}

# t_true DESCRIPTION COMMAND...: passes when COMMAND succeeds.
t_true () {
  desc=$1
  shift
  if "$@"; then t_pass "$desc"; else t_fail "$desc" "failed: $*"; fi
}

# t_one_error_line DESCRIPTION PATTERN: the last run failed with exit 125,
# one line on stderr, matching PATTERN, and started no container.
t_one_error_line () {
  t_is "$RC" 125 "$1: exit 125"
  t_is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "$1: one line on stderr"
  t_like "$ERR" "^rctr: .*$2" "$1: the message names the cause"
  t_is "$OUT" "" "$1: nothing on stdout"
}

# The store holds no image and no leftover of an unpack.
t_store_clean () {
  n=0
  for d in "$RCTR_STORE"/images/* "$RCTR_STORE"/tmp/*; do
    [ -e "$d" ] && n=$((n + 1))
  done
  t_is "$n" 0 "$1: the store holds no image and no leftover"
}

has_subid () {
  [ "$MY_UID" != 0 ] && grep -Eq "^($ME|$MY_UID):" /etc/subuid 2>/dev/null \
    && grep -Eq "^($ME|$MY_UID):" /etc/subgid 2>/dev/null && command -v newuidmap >/dev/null
}

is_root () { [ "$MY_UID" = 0 ]; }

t_done () {
  printf '1..%d\n' "$T_N"
  [ "$T_FAILED" = 0 ]
}

# bg_rctr OUTFILE [RCTR ARGS...]: start rctr in the background with default
# signal dispositions (a shell starts background jobs with SIGINT and SIGQUIT
# ignored, and rctr keeps what it inherits ignored, as nohup needs); BG_PID.
# A watchdog kills it after 60 s so that no test can hang.
bg_rctr () {
  bg_out=$1
  shift
  env --default-signal "$RCTR" "$@" >"$bg_out" 2>&1 </dev/null &
  BG_PID=$!
  (sleep 60; kill -KILL "$BG_PID" 2>/dev/null) >/dev/null 2>&1 &
  BG_WATCHDOG=$!
}

# bg_wait: wait for the last bg_rctr; BG_RC is its status.
bg_wait () {
  wait "$BG_PID"
  BG_RC=$?
  kill "$BG_WATCHDOG" 2>/dev/null
  wait "$BG_WATCHDOG" 2>/dev/null
}

# wait_for FILE PATTERN: until FILE holds PATTERN (at most 10 s).
wait_for () {
  i=0
  while ! grep -q -- "$2" "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  grep -q -- "$2" "$1" 2>/dev/null
}
