#!/bin/sh
# Exit status: the command's, 128+N for a signal, and docker's 125/126/127.
. "$RCTR_TEST_SRCDIR/tests/integration/lib.sh"

r run -q "$BB" true
t_is "$RC" 0 "true: 0"
r run -q "$BB" false
t_is "$RC" 1 "false: 1"
r run -q "$BB" sh -c 'exit 42'
t_is "$RC" 42 "exit 42: 42"
r run -q "$BB" sh -c 'exit 255'
t_is "$RC" 255 "exit 255: 255"
r run -q "$BB" sh -c 'kill -KILL $$'
t_is "$RC" 137 "killed by SIGKILL: 128+9"
r run -q "$BB" sh -c 'kill -SEGV $$'
t_is "$RC" 139 "killed by SIGSEGV: 128+11"
r run -q "$BB" sh -c 'kill -TERM $$'
t_is "$RC" 143 "killed by SIGTERM: 128+15"

r run -q "$BB" no-such-command
t_is "$RC" 127 "a command not in PATH: 127"
t_is "$ERR" 'rctr: exec "no-such-command": executable file not found in $PATH' "and says so"
r run -q "$BB" /no/such/file
t_is "$RC" 127 "a path that does not exist: 127"
t_like "$ERR" '^rctr: exec "/no/such/file": No such file or directory$' "and says so"
r run -q "$BB" /bin/not-executable
t_is "$RC" 126 "a file without x permission: 126"
t_like "$ERR" '^rctr: exec "/bin/not-executable": Permission denied$' "and says so"
r run -q "$BB" /etc
t_is "$RC" 126 "a directory: 126"
r run -q "$BB" /etc/passwd
t_is "$RC" 126 "a file that is not a program: 126"
r run -q -e PATH=/etc:/bin "$BB" passwd-not-there
t_is "$RC" 127 "PATH of the container's environment is searched"
r run -q -e PATH=/nowhere "$BB" sh -c true
t_is "$RC" 127 "and only that PATH"

r run -q "$IMAGES/no-such-image.tar" true
t_is "$RC" 125 "rctr's own failure: 125"
r run -q --bogus-option "$BB" true
t_is "$RC" 125 "an unknown option: 125"
r bogus-command
t_is "$RC" 125 "an unknown command: 125"
t_is "$ERR" "rctr: unknown command \`bogus-command\` (see \`rctr --help\`)" "and says so"
r --bogus
t_is "$RC" 125 "an unknown global option: 125"
r
t_is "$RC" 125 "no command at all: 125"
t_done
