#!/bin/sh
# rctr run: the basic path, and what a process sees inside.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

r run -q "$BB" echo hello
t_is "$OUT" hello "echo hello prints hello"
t_is "$RC" 0 "and exits 0"

# No command: /bin/sh, reading the script from stdin.
OUT=$(echo 'echo from-sh; exit 4' | timeout 60 "$RCTR" run -q "$BB" 2>"$T_DIR/err")
RC=$?
t_is "$OUT" from-sh "no command runs /bin/sh"
t_is "$RC" 4 "and its status is rctr's"

r run -q "$BB" sh -c 'echo $$; cat /proc/1/comm; ls /proc | grep -c "^[0-9]"'
t_is "$(echo "$OUT" | sed -n 1p)" 2 "the command is PID 2 of a new PID namespace"
t_is "$(echo "$OUT" | sed -n 2p)" rctr "PID 1 is rctr's init"
t_like "$(echo "$OUT" | sed -n 3p)" '^[3-5]$' "/proc is the container's own (init, the shell, ls, grep)"

r run -q "$BB" sh -c 'hostname; cat /etc/hostname; grep -c . /etc/hosts; echo "$HOSTNAME"'
h=$(echo "$OUT" | sed -n 1p)
t_like "$h" '^[0-9a-f]{12}$' "the default hostname is a short id"
t_is "$(echo "$OUT" | sed -n 2p)" "$h" "/etc/hostname is generated, not the image's"
t_is "$(echo "$OUT" | sed -n 4p)" "$h" "HOSTNAME is set"
r run -q "$BB" cat /etc/hosts
t_like "$OUT" "127.0.0.1[[:space:]]+localhost" "/etc/hosts has localhost"
t_unlike "$OUT" "the image's own" "the image's /etc/hosts is hidden"
r run -q "$BB" cat /etc/resolv.conf
t_is "$OUT" "$(cat /etc/resolv.conf 2>/dev/null)" "/etc/resolv.conf is the host's"

r run -q "$BB" env
t_like "$OUT" "^PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin$" "default PATH"
t_like "$OUT" "^HOME=/root$" "HOME of root, from the image's /etc/passwd"
t_like "$OUT" "^container=rctr$" "container=rctr"
OUT=$(TERM=vt220-test timeout 60 "$RCTR" run -q "$BB" sh -c 'echo $TERM' </dev/null)
t_is "$OUT" vt220-test "TERM comes from the host"
OUT=$(env -u TERM timeout 60 "$RCTR" run -q "$BB" env </dev/null)
t_unlike "$OUT" "^TERM=" "no TERM when the host has none"
OUT=$(env -u TERM timeout 60 "$RCTR" run -q "$BB" sh -c 'env | cut -d= -f1 | sort | tr "\n" " "' </dev/null)
t_is "$OUT" "HOME HOSTNAME PATH PWD SHLVL container " "nothing else of the host's environment leaks in"

# Mounts.
r run -q "$BB" sh -c 'ls /dev | tr "\n" " "'
t_is "$OUT" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev has what it should"
r run -q "$BB" sh -c 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " " && for l in ptmx fd stdin; do readlink /dev/$l; done'
t_is "$OUT" "00000000
pts/ptmx
/proc/self/fd
/proc/self/fd/0" "/dev/null and /dev/zero work; the links are right"
r run -q "$BB" sh -c 'grep -E " / | /proc | /sys | /dev | /dev/pts | /dev/shm | /dev/mqueue " /proc/self/mounts | cut -d" " -f2,3 | tr "\n" ","'
t_is "$OUT" "/ overlay,/proc proc,/sys sysfs,/dev tmpfs,/dev/pts devpts,/dev/shm tmpfs,/dev/mqueue mqueue," "the mounts"
r run -q "$BB" sh -c 'touch /sys/x 2>&1; grep " /sys " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1'
t_like "$OUT" "Read-only file system" "/sys is read-only"
r run -q "$BB" sh -c 'ls /sys/class/net | tr "\n" " "; ip -o link show lo | grep -c "UP"'
t_is "$OUT" "lo 1" "only lo, and it is up"
r run -q "$BB" sh -c 'ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || nc -z 127.0.0.1 1; echo done'
t_is "$OUT" done "loopback answers"

# The root: the image, with a private overlay on top.
r run -q "$BB" sh -c 'echo new > /etc/written && cat /etc/written && rm /bin/rctr-probe && ls /bin/rctr-probe 2>&1; cat /lib/through-symlink; stat -c "%a %n" / /ro /ro/file /root /tmp'
t_like "$OUT" "^new$" "the root is writable"
t_like "$OUT" "No such file" "files of the image can be removed"
t_like "$OUT" "lands in /usr/lib" "lib -> usr/lib works"
t_like "$OUT" "^555 /ro$" "a 0555 directory keeps its mode"
t_like "$OUT" "^444 /ro/file$" "a 0444 file keeps its mode"
t_like "$OUT" "^700 /root$" "a 0700 directory keeps its mode"
t_like "$OUT" "^1777 /tmp$" "/tmp is 1777"
r run -q "$BB" sh -c 'cat /etc/written 2>&1; ls /bin/rctr-probe'
t_like "$OUT" "No such file" "the next run starts from the pristine image"
t_like "$OUT" "/bin/rctr-probe" "and has what the last one removed"
r run -q "$BB" sh -c 'pwd; rctr-probe cwd'
t_is "$OUT" "/
/" "the working directory is /"
r run -q "$BB" rctr-probe fds
t_is "$(echo "$OUT" | tr '\n' ' ')" "0 1 2 " "the command has only fds 0, 1 and 2"
OUT=$(exec 7<"$BB" 8>"$T_DIR/leak"; timeout 60 "$RCTR" run -q "$BB" rctr-probe fds </dev/null)
t_is "$(echo "$OUT" | tr '\n' ' ')" "0 1 2 " "fds rctr's caller leaves open do not reach the command"

# PID 1 holds nothing of the host, and the command cannot look into it
# (CVE-2016-9962): no way back to the store or the host through /proc/1/fd.
r run -q "$BB" sh -c 'readlink /proc/1/fd/0 || echo no-readlink; cat /proc/1/environ >/dev/null 2>&1 || echo no-environ;
  for fd in 3 4 5 6 7 8 9 10; do echo x > /proc/1/fd/$fd/../pwned-via-pid1 2>/dev/null; echo x > /proc/1/fd/$fd/etc/pwned 2>/dev/null; done; true'
t_like "$OUT" "^no-readlink$" "PID 1's fds cannot be followed from the container"
t_like "$OUT" "^no-environ$" "PID 1's environment cannot be read"
t_is "$(find "$RCTR_TEST_WORK" "$RCTR_STORE" -name 'pwned*' 2>/dev/null | wc -l)" 0 "nothing was written through PID 1's fds"

# The store's permissions.
t_is "$(stat -c %a "$RCTR_STORE")" 700 "the store is 0700"
for d in images index locks tmp; do
  t_is "$(stat -c %a "$RCTR_STORE/$d")" 700 "the store's $d/ is 0700"
done
t_is "$(stat -c %a "$RCTR_STORE"/images/*)" 700 "an image's directory is 0700"

t_done
