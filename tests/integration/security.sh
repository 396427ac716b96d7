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
r run -q --security-opt seccomp=x.json "$BB" true
t_one_error_line "an unknown --security-opt" "--security-opt \`seccomp=x.json\`: expected no-new-privileges"

# A session keyring of the container's own.
host_keyring=$("$RCTR_TEST_PROBE" keyring)
r run -q "$BB" rctr-probe keyring
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
