#!/bin/sh
# rctr quick start, for a fresh Debian 12 machine where you are root or
# have sudo.
#
#   tests/quickstart.sh demo    install the build dependencies, build, make a
#                               small image from Debian's busybox-static and
#                               run a command in it with `rctr run`
#   tests/quickstart.sh check   install the dependencies, then build and run
#                               the whole test suite as root, as a user with a
#                               subordinate id range (rctr-sub) and as one
#                               without (rctr-nosub, the HPC case); these two
#                               users are made if missing; then once more in
#                               an ASan+UBSan build, as root and rctr-sub; then
#                               a minute of fuzzing the seccomp profile parser
#
# RCTR_TEST_STRICT=1 (set by CI) turns every skipped test into a failure.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-}

say () { printf '\n== %s\n' "$*"; }

as_root () {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The build (autotools, the libraries), the runtime (newuidmap) and the
# tests (busybox-static for images, python3 for hostile archives, the
# compressors, procps for pgrep).
PACKAGES="autoconf automake make gcc pkg-config libarchive-dev libseccomp-dev libyajl-dev libcap-dev libssl-dev
  uidmap busybox-static python3 xz-utils bzip2 zstd lz4 procps util-linux git ca-certificates
  golang-github-containers-common clang libclang-rt-14-dev"

install_deps () {
  say "installing the build and test dependencies"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES
}

build () {
  say "building in $1"
  cd "$1"
  ./autogen.sh
  ./configure --enable-werror
  make -j"$(nproc)"
}

demo () {
  install_deps
  build "$top"
  say "making demo/busybox.tar.gz from Debian's busybox-static"
  rm -rf demo
  mkdir -p demo/rootfs/bin demo/rootfs/etc demo/rootfs/root demo/rootfs/tmp
  cp /bin/busybox demo/rootfs/bin/busybox
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "demo/rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >demo/rootfs/etc/passwd
  echo 'root:x:0:' >demo/rootfs/etc/group
  chmod 1777 demo/rootfs/tmp
  tar --numeric-owner --owner=0 --group=0 -C demo/rootfs -czf demo/busybox.tar.gz .
  rm -rf demo/rootfs
  say "./rctr run demo/busybox.tar.gz ..."
  ./rctr run demo/busybox.tar.gz sh -c 'echo "hello from a rootless container"; id; hostname; cat /proc/self/uid_map'
  say "a second run starts from the store, without unpacking"
  ./rctr run --debug demo/busybox.tar.gz true 2>&1 | grep -E "image|exec"
}

# Copy the project's own files (not build outputs) into $2, owned by $1.
copy_source () {
  rm -rf "$2"
  mkdir -p "$2"
  if command -v git >/dev/null && git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$2"
  else
    (cd "$top" && tar --exclude=./tests/work --exclude=./demo -cf - .) | tar -xf - -C "$2"
    if [ -f "$2/Makefile" ]; then (cd "$2" && make distclean >/dev/null 2>&1 || true); fi
  fi
  chown -R "$1:" "$2"
}

make_users () {
  say "test users: rctr-sub (with a subordinate range) and rctr-nosub (without)"
  for u in rctr-sub rctr-nosub; do
    id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$u"
  done
  if ! grep -q '^rctr-sub:' /etc/subuid || ! grep -q '^rctr-sub:' /etc/subgid; then
    usermod --add-subuids 3000000-3065535 --add-subgids 3000000-3065535 rctr-sub
  fi
  sed -i '/^rctr-nosub:/d' /etc/subuid /etc/subgid
  for u in rctr-sub rctr-nosub; do
    uid=$(id -u "$u")
    mkdir -p "/run/user/$uid"
    chown "$u:" "/run/user/$uid"
    chmod 700 "/run/user/$uid"
  done
}

# Build with CONFIGURE-FLAGS and run the suite as USER, in a copy of the
# tree in their home.
check_as () {
  user=$1
  flags=$2
  home=$(getent passwd "$user" | cut -d: -f6)
  dir=$home/rctr-check
  say "make check as $user ($(id "$user")) ${flags:+with $flags}"
  copy_source "$user" "$dir"
  if [ "$user" = root ]; then
    runtime=/run/user/0
    mkdir -p -m 700 "$runtime"
  else
    runtime=/run/user/$(id -u "$user")
  fi
  if ! setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
      env -i HOME="$home" USER="$user" LOGNAME="$user" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
      XDG_RUNTIME_DIR="$runtime" RCTR_TEST_STRICT="${RCTR_TEST_STRICT:-0}" TERM="${TERM:-dumb}" \
      sh -c 'cd "$1" && ./autogen.sh >/dev/null 2>&1 && ./configure --enable-werror $2 >/dev/null &&
        make -j"$(nproc)" >/dev/null && make -j"$(nproc)" check' sh "$dir" "$flags"; then
    cat "$dir/test-suite.log" 2>/dev/null || true
    echo "FAILED: make check as $user" >&2
    return 1
  fi
}

# Build the libFuzzer target with clang and run it for FUZZ_TIME seconds.
fuzz () {
  dir=$HOME/rctr-fuzz
  say "fuzzing the seccomp profile parser for ${FUZZ_TIME:-60} s"
  copy_source root "$dir"
  if ! (cd "$dir" && ./autogen.sh >/dev/null 2>&1 && ./configure CC=clang --enable-fuzzing --enable-werror >/dev/null &&
    make -j"$(nproc)" >/dev/null && make fuzz FUZZ_TIME="${FUZZ_TIME:-60}" >fuzz.log 2>&1); then
    tail -n 40 "$dir/fuzz.log" 2>/dev/null
    return 1
  fi
  tail -n 2 "$dir/fuzz.log"
}

check () {
  if [ "$(id -u)" != 0 ]; then
    exec sudo RCTR_TEST_STRICT="${RCTR_TEST_STRICT:-0}" sh "$0" check
  fi
  install_deps
  make_users
  failed=
  for user in root rctr-sub rctr-nosub; do
    check_as "$user" "" || failed="$failed $user"
  done
  for user in root rctr-sub; do
    check_as "$user" --enable-sanitizers || failed="$failed $user(sanitizers)"
  done
  fuzz || failed="$failed fuzzing"
  if [ -n "$failed" ]; then
    say "the test suite FAILED as:$failed"
    exit 1
  fi
  say "the test suite passed as root, rctr-sub and rctr-nosub, with the sanitizers, and fuzzing found nothing"
}

case "$what" in
  demo) demo ;;
  check) check ;;
  *)
    echo "usage: $0 demo|check" >&2
    exit 2
    ;;
esac
