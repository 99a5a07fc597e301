#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# tree-demo.sh: the known script of the --tree and --timeline test, a
# workload (wl.h): reports "ready PID", waits at its gate (tracer attaches
# meanwhile), then runs commands that end in every way the tree shows. dash
# builtins (echo, read, kill, [) fork nothing, so the tree has exactly the
# processes listed in the test.
echo "ready $$" >&4
read go <&3
exec 2>/dev/null
/bin/true
sh -c 'exit 3'
/nonexistent-lc-dir/lc-command
sleep 10 &
# Wait until the child has executed sleep, so that the tree names it so.
until read c </proc/$!/comm && [ "$c" = sleep ]; do :; done
kill $!
wait $!
sh -c 'kill -SEGV $$'
exit 0
