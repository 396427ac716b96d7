#!/bin/sh
# Hardening of the command's process: capabilities, no_new_privs, masked and
# read-only paths of /proc and /sys.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

status_of () { echo "$OUT" | grep "^$1:" | cut -f2; }

r run -q "$BB" grep -E "^(Cap|NoNewPrivs)" /proc/self/status
t_is "$(status_of CapBnd)" 00000000a80425fb "CapBnd: docker's default set"
t_is "$(status_of CapPrm)" 00000000a80425fb "CapPrm: docker's default set"
t_is "$(status_of CapEff)" 00000000a80425fb "CapEff: docker's default set"
t_is "$(status_of CapInh)" 0000000000000000 "CapInh: empty (CVE-2022-24769)"
t_is "$(status_of CapAmb)" 0000000000000000 "CapAmb: empty"
t_is "$(status_of NoNewPrivs)" 1 "NoNewPrivs: 1 by default"

r run -q --cap-drop ALL "$BB" grep -E "^Cap(Bnd|Eff)" /proc/self/status
t_is "$(status_of CapBnd)/$(status_of CapEff)" 0000000000000000/0000000000000000 "--cap-drop ALL: none"
r run -q --cap-drop all --cap-add net_bind_service,CAP_KILL "$BB" grep -E "^CapBnd" /proc/self/status
t_is "$(status_of CapBnd)" 0000000000000420 "--cap-drop all --cap-add net_bind_service,CAP_KILL: those two"
r run -q --cap-drop chown --cap-drop CAP_NET_RAW "$BB" grep -E "^CapBnd" /proc/self/status
t_is "$(status_of CapBnd)" 00000000a80405fa "--cap-drop twice: the default less those"
r run -q --cap-add ALL "$BB" grep -E "^CapBnd" /proc/self/status
last=$(cat /proc/sys/kernel/cap_last_cap)
t_is "$(status_of CapBnd)" "$(printf '%016x' $(( (1 << (last + 1)) - 1 )))" "--cap-add ALL: every capability the kernel has"
r run -q --cap-add sys_admin "$BB" grep -E "^CapEff" /proc/self/status
t_is "$(status_of CapEff)" 00000000a82425fb "--cap-add sys_admin: the default and that"
r run -q --cap-add bogus "$BB" true
t_one_error_line "an unknown capability" "--cap-add \`bogus\`: no such capability"
r run -q --cap-drop 12 "$BB" true
t_one_error_line "a capability by number" "--cap-drop \`12\`: no such capability"

r run -q --userns=keep-id "$BB" grep -E "^(Cap(Prm|Eff|Amb)|NoNewPrivs)" /proc/self/status
if is_root; then
  t_is "$(status_of CapEff)" 00000000a80425fb "root, keep-id: root's default set"
else
  t_is "$(status_of CapPrm)/$(status_of CapEff)/$(status_of CapAmb)" \
    0000000000000000/0000000000000000/0000000000000000 "keep-id: not root, no capabilities"
fi
t_is "$(status_of NoNewPrivs)" 1 "keep-id: NoNewPrivs 1"

r run -q --security-opt no-new-privileges=false "$BB" grep NoNewPrivs /proc/self/status
t_is "$(status_of NoNewPrivs)" 0 "--security-opt no-new-privileges=false: 0"
r run -q --security-opt no-new-privileges "$BB" grep NoNewPrivs /proc/self/status
t_is "$(status_of NoNewPrivs)" 1 "--security-opt no-new-privileges: 1"
if command -v setpriv >/dev/null; then
  timeout 60 setpriv --no-new-privs "$RCTR" run -q --security-opt no-new-privileges=false "$BB" true \
    >"$T_DIR/out" 2>"$T_DIR/err" </dev/null
  RC=$?
  OUT=$(cat "$T_DIR/out")
  ERR=$(cat "$T_DIR/err")
  t_one_error_line "no-new-privileges=false where rctr has it already" \
    "no_new_privs is set on rctr itself .* cannot be cleared"
  timeout 60 setpriv --no-new-privs "$RCTR" run -q "$BB" grep NoNewPrivs /proc/self/status >"$T_DIR/out" 2>&1 </dev/null
  t_like "$(cat "$T_DIR/out")" "NoNewPrivs:.1" "and rctr runs where it has no_new_privs (the default asks no more)"
else
  t_skip "no-new-privileges=false where rctr has it already" "setpriv is not installed"
fi
r run -q --security-opt label=disable "$BB" true
t_one_error_line "an unknown --security-opt" "--security-opt \`label=disable\`: expected no-new-privileges"

# seccomp: the default filter.
r run -q "$BB" grep -E "^Seccomp:" /proc/self/status
t_is "$OUT" "Seccomp:	2" "Seccomp: 2 (a filter) by default"
r run -q "$BB" rctr-probe syscalls
for s in keyctl add_key request_key bpf perf_event_open swapon swapoff mount umount2 unshare setns kexec_load \
  init_module finit_module open_by_handle_at reboot ptrace-pid1 open_tree move_mount fsopen fsmount mount_setattr \
  clone-newuser; do
  t_like "$OUT" "^$s EPERM$" "seccomp: $s gets EPERM"
done
t_like "$OUT" "^clone3-newuser ENOSYS$" "seccomp: clone3 gets ENOSYS (libc falls back to clone)"
t_like "$OUT" "^io_uring_setup ENOSYS$" "seccomp: io_uring is left out (ENOSYS)"
t_like "$OUT" "^unknown-syscall-1000 ENOSYS$" "seccomp: a syscall it does not know gets ENOSYS"
if [ "$(uname -m)" = x86_64 ]; then
  for s in x32-keyctl x32-unshare i386-keyctl i386-unshare; do
    t_like "$OUT" "^$s (EPERM|ENOSYS)$" "seccomp: $s is blocked too (other ABIs)"
  done
fi
t_like "$OUT" "^getpid ok$" "seccomp: what programs need goes through"
r run -q --cap-add SYS_ADMIN "$BB" rctr-probe syscalls
t_like "$OUT" "^unshare ok$" "seccomp: unshare with CAP_SYS_ADMIN"
t_like "$OUT" "^keyctl EPERM$" "seccomp: keyctl still EPERM with CAP_SYS_ADMIN"
r run -q --security-opt seccomp=unconfined "$BB" grep -E "^Seccomp:" /proc/self/status
t_is "$OUT" "Seccomp:	0" "--security-opt seccomp=unconfined: no filter"
t_true "the compiled program is cached in the store" sh -c "ls '$RCTR_STORE'/seccomp/default-*.bpf >/dev/null"

# seccomp: a profile of one's own, in docker's format.
cat >"$T_DIR/nomkdir.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["mkdir", "mkdirat", "no_such_syscall_here"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
JSON
r run --security-opt seccomp="$T_DIR/nomkdir.json" "$BB" sh -c 'mkdir /x 2>&1; echo done'
t_like "$OUT" "Permission denied" "a profile of one's own: its errnoRet comes back"
t_like "$OUT" "^done$" "and the rest is allowed"
t_like "$ERR" "warning: seccomp profile .*nomkdir.json: syscalls unknown here, skipped: no_such_syscall_here" \
  "a syscall name unknown here: a warning, and on"
printf '{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["mkdir"], "action": "SCMP_ACT_BOGUS" } ] }' \
  >"$T_DIR/bad.json"
r run -q --security-opt seccomp="$T_DIR/bad.json" "$BB" true
t_one_error_line "a malformed profile" "seccomp profile .*bad.json: syscalls\[0\].action: unknown action \`SCMP_ACT_BOGUS\`"
printf '{ "defaultAction": ' >"$T_DIR/broken.json"
r run -q --security-opt seccomp="$T_DIR/broken.json" "$BB" true
t_one_error_line "a profile that is not JSON" "broken.json: not JSON"
r run -q --security-opt seccomp="$T_DIR/missing.json" "$BB" true
t_one_error_line "a missing profile" "seccomp profile \`$T_DIR/missing.json\`: No such file or directory"
if [ -f /usr/share/containers/seccomp.json ]; then
  r run -q --security-opt seccomp=/usr/share/containers/seccomp.json "$BB" rctr-probe syscalls
  t_like "$OUT" "^getpid ok$" "podman's profile loads and runs"
  t_like "$OUT" "^keyctl ok$" "and is podman's: keyctl goes through it"
else
  t_skip "podman's profile loads" "golang-github-containers-common is not installed"
fi

# A session keyring of the container's own.
host_keyring=$("$RCTR_TEST_PROBE" keyring)
r run -q --security-opt seccomp=unconfined "$BB" rctr-probe keyring # keyctl is EPERM under the filter
t_like "$OUT" "^[0-9]+$" "the container has a session keyring"
t_true "not the host's ($host_keyring)" test "$OUT" != "$host_keyring"

# Masked and read-only paths, where this kernel has them.
r run -q "$BB" sh -c 'for p in /proc/kcore /proc/keys /proc/timer_list /proc/latency_stats /proc/sched_debug /proc/timer_stats; do
    [ -e $p ] && echo "$p $(stat -c %t:%T $p) $(head -c 16 $p | wc -c)"; done
  for p in /proc/acpi /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
    [ -e $p ] && echo "$p $(ls -A $p | wc -l)"; done; true'
for p in /proc/kcore /proc/keys /proc/timer_list /proc/latency_stats /proc/sched_debug /proc/timer_stats; do
  if [ -e "$p" ]; then
    t_like "$OUT" "^$p 1:3 0$" "$p is masked by the real /dev/null (1:3), and reads as nothing"
  fi
done
for p in /proc/acpi /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
  if [ -e "$p" ]; then
    t_like "$OUT" "^$p 0$" "$p is masked by an empty directory"
  fi
done
r run -q "$BB" sh -c '{ echo x > /proc/sys/kernel/hostname; } 2>&1; grep -E " /proc/(sys|bus|fs|irq|sysrq-trigger) " /proc/self/mounts | cut -d" " -f2,4 | cut -d, -f1'
t_like "$OUT" "Read-only file system" "/proc/sys is not writable"
for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
  if [ -e "$p" ]; then
    t_like "$OUT" "^$p ro$" "$p is read-only"
  fi
done
t_done
