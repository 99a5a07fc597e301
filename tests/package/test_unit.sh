#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# tracer.service as the package installs it, in a scratch root
# (scratch-root.sh): `systemd-analyze verify --man=no` finds nothing to say;
# its ExecStart=, run with its CapabilityBoundingSet= and NoNewPrivileges=
# (setpriv, as systemd would set them), serves the execs on
# /run/tracer/api.sock with the shipped /etc/tracer/exclude; and without any
# one of those capabilities it does not start: the set is what tracer needs,
# no more. (test_systemd.sh starts it under systemd itself.)
set -euo pipefail

# shellcheck source=scratch-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/scratch-root.sh"
need_root
need_packages
enter_mount_namespace "$@"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
command -v curl >/dev/null || skip "no curl (scripts/deps)"
command -v jq >/dev/null || skip "no jq (scripts/deps)"
scratch_root_up

cp "$TRACER_DEB" "$ROOT/tmp/"
in_root dpkg -i "/tmp/${TRACER_DEB##*/}" >/dev/null || die "dpkg -i failed"
UNIT=/lib/systemd/system/tracer.service

echo "== systemd-analyze verify --man=no $UNIT"
out=$(in_root systemd-analyze verify --man=no "$UNIT" 2>&1) || die "systemd-analyze verify: $out"
[[ -z "$out" ]] || die "systemd-analyze verify has something to say: $out"

# The unit's settings, as the package installs them.
setting()
{
	sed -n "s/^$1=//p" "$ROOT$UNIT"
}
# Its documentation is installed where it says.
for doc in $(setting Documentation); do
	case "$doc" in
	file:*) [[ -f "$ROOT${doc#file:}" ]] || die "Documentation=$doc is not installed" ;;
	man:*)
		page=${doc#man:}
		in_root man -w "${page%%(*}" >/dev/null || die "Documentation=$doc: no such man page"
		;;
	*) die "Documentation=$doc: not file: or man:" ;;
	esac
done
exec_start=$(setting ExecStart)
caps=$(setting CapabilityBoundingSet)
[[ "$exec_start" == "/usr/bin/tracer "* ]] || die "ExecStart: '$exec_start'"
[[ "$(setting NoNewPrivileges)" == yes ]] || die "NoNewPrivileges is not yes"
[[ "$(setting RuntimeDirectory)" == tracer ]] || die "RuntimeDirectory is not tracer"
sock=/run/tracer/api.sock
[[ "$exec_start" == *" --listen unix:$sock "* ]] || die "ExecStart does not listen on $sock"
read -r -a exec_argv <<<"$exec_start"
read -r -a cap_list <<<"$caps"
[[ ${#cap_list[@]} -gt 0 ]] || die "no CapabilityBoundingSet="

# Where systemd has not mounted it (sys-kernel-tracing.mount), tracefs is
# mounted here, as that unit would: the service may not mount it itself.
if [[ ! -e "$ROOT/sys/kernel/tracing/events" ]]; then
	mount -t tracefs nodev "$ROOT/sys/kernel/tracing" || skip "cannot mount tracefs"
fi

# run_service CAP...: runs ExecStart as root with only the capabilities CAP
# (names as in the unit) in its bounding set, as systemd starts it: no new
# privileges, /run/tracer made. Sets service_pid; the output goes to
# $SCRATCH/service.log.
run_service()
{
	local set="-all" cap
	for cap in "$@"; do
		cap=${cap#CAP_}
		set+=",+${cap,,}"
	done
	rm -rf "$ROOT/run/tracer"
	mkdir -m "$(setting RuntimeDirectoryMode)" "$ROOT/run/tracer"
	"${IN_ROOT[@]}" setpriv --no-new-privs --bounding-set="$set" --inh-caps=-all --ambient-caps=-all \
		-- "${exec_argv[@]}" >"$SCRATCH/service.log" 2>&1 &
	service_pid=$!
}

# stop_service: SIGTERM, as systemctl stop does; the exit status.
stop_service()
{
	local status=0
	kill -TERM "$service_pid" 2>/dev/null || true
	wait "$service_pid" || status=$?
	return $status
}

echo "== ExecStart with CapabilityBoundingSet=$caps"
run_service "${cap_list[@]}"
for _ in $(seq 100); do
	grep -q 'tracer: ready' "$SCRATCH/service.log" && [[ -S "$ROOT$sock" ]] && break
	kill -0 "$service_pid" 2>/dev/null || die "the service exited: $(cat "$SCRATCH/service.log")"
	sleep 0.1
done
[[ -S "$ROOT$sock" ]] || die "no socket at $sock after 10 s: $(cat "$SCRATCH/service.log")"
[[ "$(stat -c '%a %U' "$ROOT$sock")" == "600 root" ]] ||
	die "the socket is $(stat -c '%a %U' "$ROOT$sock"), not 600 root"
marker="tracer-unit-test-$$"
in_root /bin/true "$marker"
# The reader batches: the exec reaches the store within a few hundred ms.
found=
for _ in $(seq 50); do
	found=$(curl -sf --unix-socket "$ROOT$sock" http://localhost/executions |
		jq -r --arg m "$marker" '.[] | select(.argv == ["/bin/true", $m]) | .filename')
	[[ -n "$found" ]] && break
	sleep 0.1
done
[[ "$found" == /bin/true ]] || die "the service did not serve the exec of /bin/true $marker"
stop_service || die "the service exited with $? on SIGTERM: $(cat "$SCRATCH/service.log")"
[[ ! -e "$ROOT$sock" ]] || die "the service left its socket behind"
grep -q '^tracer: ready: watching all processes' "$SCRATCH/service.log" ||
	die "no ready line: $(cat "$SCRATCH/service.log")"

# A path in /etc/tracer/exclude that names no file: a usage error (2, which
# the unit does not retry), naming the path.
conffile=$(sed -n 's/.*--exclude-from \([^ ]*\).*/\1/p' <<<"$exec_start")
[[ "$conffile" == /etc/tracer/exclude ]] || die "ExecStart reads exclusions from '$conffile'"
cp "$ROOT$conffile" "$SCRATCH/exclude.orig"
printf '/nonexistent/tracer-test\n' >>"$ROOT$conffile"
run_service "${cap_list[@]}"
status=0
wait "$service_pid" || status=$?
[[ $status -eq 2 ]] || die "a bad exclusion: exit status $status, not 2: $(cat "$SCRATCH/service.log")"
[[ "$(setting RestartPreventExitStatus)" == 2 ]] || die "the unit retries exit status 2"
grep -q "^tracer: cannot exclude '/nonexistent/tracer-test': No such file or directory" \
	"$SCRATCH/service.log" ||
	die "a bad exclusion: $(cat "$SCRATCH/service.log")"
cp "$SCRATCH/exclude.orig" "$ROOT$conffile"

# Each capability of the set is needed: without it, tracer does not start.
for drop in "${cap_list[@]}"; do
	rest=()
	for cap in "${cap_list[@]}"; do
		[[ "$cap" == "$drop" ]] || rest+=("$cap")
	done
	echo "== without $drop: ${rest[*]:-nothing}"
	run_service "${rest[@]}"
	for _ in $(seq 100); do
		kill -0 "$service_pid" 2>/dev/null || break
		sleep 0.1
	done
	if stop_service; then
		die "tracer ran without $drop: $(cat "$SCRATCH/service.log")"
	fi
	grep -q '^tracer: permission denied' "$SCRATCH/service.log" ||
		die "without $drop: $(cat "$SCRATCH/service.log")"
	cat "$SCRATCH/service.log"
done
echo "PASS: the unit verifies, serves with its capabilities, and needs each of them"
