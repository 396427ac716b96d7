#!/bin/sh
# Signals sent to rctr reach the command; 128+N when it dies of one.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

# Start a container whose command traps SIG and reports it, send SIG to
# rctr on the host, and look at what the command said.
for sig in INT TERM HUP QUIT USR1 USR2; do
  bg_rctr "$T_DIR/$sig.out" run -q "$BB" sh -c "trap 'echo got $sig; exit 7' $sig; echo ready; while :; do sleep 0.05; done"
  wait_for "$T_DIR/$sig.out" ready
  kill -"$sig" "$BG_PID"
  bg_wait
  t_like "$(cat "$T_DIR/$sig.out")" "got $sig" "SIG$sig sent to rctr reaches the command"
  t_is "$BG_RC" 7 "SIG$sig: rctr exits with the command's status"
done

# Not trapped: the command dies of it, rctr says 128+N.
for sig in TERM:143 INT:130 HUP:129; do
  bg_rctr "$T_DIR/plain.out" run -q "$BB" sh -c 'echo ready; exec sleep 100'
  wait_for "$T_DIR/plain.out" ready
  sleep 0.2
  kill -"${sig%:*}" "$BG_PID"
  bg_wait
  t_is "$BG_RC" "${sig#*:}" "an untrapped SIG${sig%:*}: ${sig#*:}"
done

# A signal rctr was started with ignored stays ignored (nohup).
env --default-signal nohup "$RCTR" run -q "$BB" sh -c 'echo ready; sleep 1; echo survived' >"$T_DIR/nohup.out" 2>&1 </dev/null &
pid=$!
wait_for "$T_DIR/nohup.out" ready
kill -HUP $pid
wait $pid
t_is "$?" 0 "under nohup, SIGHUP does not end the container"
t_like "$(cat "$T_DIR/nohup.out")" survived "and the command runs to its end"
t_done
