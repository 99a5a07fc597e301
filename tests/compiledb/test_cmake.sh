#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 15: this project's own CMake build, configured with
# -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, one of its targets (tracer_output, to
# keep the test short: five of its objects, with CMake's per-object make
# targets, and one preprocessed file, which is no compile) built under tracer
# --compile-db: every entry CMake exports for what was built is in tracer's
# database, with the same directory, file, output and arguments in order, and
# tracer has no other.
# CMake leaves out of its export
# (its "command", a shell line, is split as sh would) the dependency flags it gives the compiler
# for make (-MD -MT X -MF Y); tracer writes what ran, so they are dropped from
# its arguments before comparing.
set -u
HERE=$(dirname "$0")
. "$HERE/lib.sh"
command -v cmake >/dev/null || { echo "SKIP: no cmake"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3 (scripts/deps)"; exit 77; }
TARGET=tracer_output
OBJECTS=(escape.c.o writer_text.c.o compiledb_args.c.o tree.c.o sh.c.o)

B="$TMP/build dir"
cmake -S "$CDB_SOURCE_DIR" -B "$B" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DTRACER_TESTS=OFF >"$TMP/configure.log" 2>&1 ||
	{ cat "$TMP/configure.log"; fail "cmake could not configure the project"; finish; }
tracer --compile-db "$TMP/tracer.json" -- make -s -C "$B/src/output" "${OBJECTS[@]}" writer_text.c.i
[[ $rc -eq 0 ]] || fail "build: exit $rc"

python3 - "$B/compile_commands.json" "$TMP/tracer.json" "$TARGET" "${OBJECTS[@]}" <<'PY' || fail "the databases differ"
import json, os, shlex, sys

cmake = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))
target = '/CMakeFiles/%s.dir/' % sys.argv[3]
objects = set(sys.argv[4:])

def absolute(d, p):
    return os.path.normpath(os.path.join(d, p))

def without_depfile(args):
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ('-MT', '-MF', '-MQ'):
            skip = True
        elif a not in ('-MD', '-MMD'):
            out.append(a)
    return out

want = {}
for e in cmake:
    args = shlex.split(e['command'])
    # CMake 3.25 writes no "output": its -o.
    out = absolute(e['directory'], e.get('output') or args[args.index('-o') + 1])
    if target in out and os.path.basename(out) in objects:
        want[out] = e
got = {e['output']: e for e in ours}
bad = 0
if len(want) != len(objects):
    print('only %d entries for the target in CMake\'s database' % len(want)); bad += 1
for out, e in want.items():
    t = got.pop(out, None)
    if t is None:
        print('missing:', out); bad += 1; continue
    if t['directory'] != e['directory'] or t['file'] != e['file']:
        print('other directory or file:', t, e); bad += 1
    if without_depfile(t['arguments']) != shlex.split(e['command']):
        print('other arguments:\n  tracer %s\n  cmake  %s' % (t['arguments'], e['command'])); bad += 1
for out in got:
    print('not in CMake\'s database:', out); bad += 1
print('%d entries compared' % len(want))
sys.exit(1 if bad else 0)
PY

finish
