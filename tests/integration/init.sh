#!/bin/sh
# rctr's init as PID 1: reaping, and no process outliving the container.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

r run -q "$BB" rctr-probe orphans 5
t_is "$OUT" 0 "orphans reparented to PID 1 are reaped"
r run -q "$BB" sh -c 'cat /proc/1/comm; cat /proc/1/status | grep ^PPid | cut -f2'
t_is "$OUT" "rctr
0" "PID 1 is rctr's init, its parent outside the namespace"

# Background processes end with the command.
marker=$$$(date +%N)
r run -q "$BB" sh -c "sleep 1${marker} & echo started"
t_is "$OUT" started "a command that leaves a background process"
sleep 0.3
t_is "$(pgrep -f "^sleep 1${marker}" | wc -l)" 0 "the background process ends with the container"

# Killing rctr takes the container down.
bg_rctr "$T_DIR/killed.out" run -q "$BB" sh -c "sleep 2${marker} & sleep 2${marker} & echo ready; wait"
wait_for "$T_DIR/killed.out" ready
t_is "$(pgrep -f "^sleep 2${marker}" | wc -l)" 2 "the container runs two processes"
kill -KILL "$BG_PID"
bg_wait
sleep 0.3
t_is "$(pgrep -f "^sleep 2${marker}" | wc -l)" 0 "rctr killed with SIGKILL: nothing is left"

# Closing the terminal: rctr in a session of its own on a pseudo-terminal,
# whose other side is then closed.
if command -v python3 >/dev/null; then
  python3 - "$RCTR" "$BB" "3${marker}" >"$T_DIR/pty.out" 2>&1 <<'PY'
import os, pty, sys, time
rctr, image, marker = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(rctr, [rctr, "run", "-q", image, "sh", "-c", "echo ready; sleep " + marker])
buf = b""
deadline = time.time() + 20
while b"ready" not in buf and time.time() < deadline:
    try:
        buf += os.read(fd, 100)
    except OSError:
        break
os.close(fd)  # the terminal goes away: the kernel sends SIGHUP
_, status = os.waitpid(pid, 0)
print("ready" if b"ready" in buf else "not ready", os.waitstatus_to_exitcode(status))
PY
  t_like "$(cat "$T_DIR/pty.out")" "^ready (129|-1)$" "a closed terminal ends the container (SIGHUP)"
  sleep 0.3
  t_is "$(pgrep -f "^sleep 3${marker}" | wc -l)" 0 "a closed terminal: nothing is left"
else
  t_skip "a closed terminal ends the container" "python3 is not installed"
fi

# The container's init killed from the host: rctr reports the signal.
bg_rctr "$T_DIR/pid1.out" run -q "$BB" sh -c "echo ready; sleep 4${marker}"
wait_for "$T_DIR/pid1.out" ready
init=$(pgrep -P "$BG_PID" | head -n 1)
kill -KILL "$init"
bg_wait
t_is "$BG_RC" 137 "PID 1 killed with SIGKILL: 137"
sleep 0.3
t_is "$(pgrep -f "^sleep 4${marker}" | wc -l)" 0 "and its command is gone with it"
t_done
