#!/bin/sh
# Known ways out of containers, each tried: fds and directories of the host,
# rctr's own binary, setuid programs, the terminal, abstract sockets.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

# A directory fd of the host left open by rctr's caller, named as the
# working directory (CVE-2024-21626's shape): it is closed before chdir.
OUT=$(exec 3</; timeout 60 "$RCTR" run -q -w /proc/self/fd/3 "$BB" sh -c 'ls /' </dev/null 2>"$T_DIR/err")
RC=$?
t_is "$RC" 125 "a workdir through a leaked host fd: refused"
t_like "$(cat "$T_DIR/err")" "workdir \`/proc/self/fd/3\`" "and said so"
t_unlike "$OUT" "^(boot|lost\\+found|srv)$" "nothing of the host's / was listed"

# --preserve-fds passes exactly what it names.
OUT=$(exec 3</etc/hostname 4>"$T_DIR/fd4" 5</; timeout 60 "$RCTR" run -q --preserve-fds 2 "$BB" sh -c 'rctr-probe fds; read l <&3; echo "$l"; echo four >&4' </dev/null)
t_is "$(echo "$OUT" | head -n 5 | tr '\n' ' ')" "0 1 2 3 4 " "--preserve-fds 2: fds 3 and 4, not 5"
t_like "$OUT" "^$(cat /etc/hostname)$" "--preserve-fds: fd 3 reads what the caller opened"
t_is "$(cat "$T_DIR/fd4")" four "--preserve-fds: fd 4 writes where the caller said"
r run -q --preserve-fds 60 "$BB" true
t_one_error_line "--preserve-fds naming a closed fd" "--preserve-fds 60: fd [0-9]+ is not open"

# rctr's own binary (CVE-2019-5736): PID 1 runs it, and it cannot be read,
# written or named from the container.
r run -q "$BB" sh -c 'readlink /proc/1/exe || echo no-readlink; cat /proc/1/exe >/dev/null 2>&1 || echo no-read;
  { echo x > /proc/1/exe; } 2>/dev/null || echo no-write; ls -l /proc/1/ 2>/dev/null | grep -c " exe " || true'
t_like "$OUT" "^no-readlink$" "/proc/1/exe cannot be followed"
t_like "$OUT" "^no-read$" "/proc/1/exe cannot be read"
t_like "$OUT" "^no-write$" "/proc/1/exe cannot be written"
t_true "rctr is unchanged" cmp -s "$RCTR" "$RCTR"

# A setuid program of the image gains nothing on the host: no_new_privs
# keeps it from changing ids, and even without it, its ids are mapped ones.
if is_root; then
  t_diag "not applicable as root: a setuid program (root is root)"
else
  r run -q --userns=keep-id "$BB" busybox-suid id -u
  t_is "$OUT" "$MY_UID" "a setuid-root program under keep-id: no_new_privs keeps the caller's uid"
  bg_rctr "$T_DIR/suid.out" run -q --userns=keep-id --security-opt no-new-privileges=false "$BB" \
    sh -c 'busybox-suid sleep 7'"$$"' & echo ready; wait'
  wait_for "$T_DIR/suid.out" ready
  sleep 0.3
  pid=$(pgrep -f "^busybox-suid sleep 7$$" | head -n 1)
  host_uid=$(awk '/^Uid:/ { print $3 }' "/proc/$pid/status" 2>/dev/null)
  t_true "without no_new_privs, its effective uid on the host is no root ($host_uid)" test -n "$host_uid" -a "$host_uid" != 0
  kill -TERM "$BG_PID"
  bg_wait
fi

# The terminal: the container is a session of its own, so TIOCSTI cannot
# push input into the terminal it shares with its caller; TIOCLINUX has no
# business there either.
if command -v python3 >/dev/null; then
  python3 - "$RCTR" "$BB" >"$T_DIR/tty.out" 2>&1 <<'PY'
import os, pty, sys
rctr, image = sys.argv[1:3]
pid, fd = pty.fork()
if pid == 0:
    os.execv(rctr, [rctr, "run", "-q", image, "rctr-probe", "tiocsti"])
out = b""
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
PY
  t_like "$(cat "$T_DIR/tty.out")" "^TIOCSTI (EPERM|Input/output error)$" "TIOCSTI on the caller's terminal is refused"
  t_unlike "$(cat "$T_DIR/tty.out")" "^TIOCLINUX ok$" "TIOCLINUX does not go through"
else
  t_skip "TIOCSTI on the caller's terminal" "python3 is not installed"
fi

# An abstract unix socket of the host is out of reach: it belongs to the
# host's network namespace.
if command -v python3 >/dev/null; then
  name="rctr-test-$$"
  python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind('\0$name'); s.listen(5)
print('listening', flush=True)
s.settimeout(20)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass
" >"$T_DIR/listener.out" 2>&1 &
  listener=$!
  wait_for "$T_DIR/listener.out" listening
  r run -q "$BB" rctr-probe abstract "$name"
  t_like "$OUT" "^connect Connection refused$" "a host's abstract socket is unreachable"
  r run -q --net=host "$BB" rctr-probe abstract "$name"
  t_like "$OUT" "^connect ok$" "(and reachable with --net=host, which shares the host's network)"
  kill "$listener" 2>/dev/null
  wait "$listener" 2>/dev/null
else
  t_skip "a host's abstract socket is unreachable" "python3 is not installed"
fi
t_done
