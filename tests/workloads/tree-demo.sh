#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# tree-demo.sh FIFO: the known script of the --tree and --timeline test.
# Waits for a line on FIFO (tracer attaches meanwhile), then runs commands
# that end in every way the tree shows. dash builtins (read, kill, [) fork
# nothing, so the tree has exactly the processes listed in the test.
read go <"$1"
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
