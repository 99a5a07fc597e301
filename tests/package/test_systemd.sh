#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# tracer.service started by systemd itself, as on a host: systemd boots as
# the init of a container made of the scratch root (scratch-root.sh) with its
# own pid, cgroup, UTS, IPC and network namespaces, and starts tracer.service
# with journald. The service serves an exec on /run/tracer/api.sock, runs
# with exactly the unit's capabilities, no new privileges, a seccomp filter,
# a read-only root and private /tmp, /dev, /home; journalctl -u tracer shows
# its lines; with the drop-in of doc/journal.md (--journal) an exec is a
# journal entry with its fields; at power-off it stops cleanly and its
# runtime directory goes.
#
# Only the units the test needs start: the *.wants of the targets are
# removed in the scratch root (the machine's services stay off), /proc/sys
# and /sys are read-only, and systemd has no CAP_SYS_MODULE nor CAP_SYS_TIME:
# nothing it does reaches the machine.
set -euo pipefail

# shellcheck source=scratch-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/scratch-root.sh"
need_root
need_packages
enter_mount_namespace "$@"
[[ -x /lib/systemd/systemd ]] || skip "systemd is not installed (scripts/deps --package)"
for tool in script nsenter curl jq; do
	command -v "$tool" >/dev/null || skip "no $tool"
done
scratch_root_up

cp "$TRACER_DEB" "$ROOT/tmp/"
in_root dpkg -i "/tmp/${TRACER_DEB##*/}" >/dev/null || die "dpkg -i failed"
UNIT=/lib/systemd/system/tracer.service

# The boot: tracer.service and journald, nothing else.
for wants in "$ROOT"/lib/systemd/system/*.wants "$ROOT"/etc/systemd/system/*.wants; do
	rm -rf "$wants"
done
# An exclusion in the conffile: read through --exclude-from at start.
printf '/usr/bin/false\n' >>"$ROOT/etc/tracer/exclude"
cat >"$ROOT/etc/systemd/system/tracer-test.target" <<'EOF'
[Unit]
Description=tracer package test
Wants=tracer.service systemd-journald.socket systemd-journald.service
EOF

# A cgroup v2 subtree of its own, whatever the machine mounts at /sys/fs/cgroup.
mkdir "$SCRATCH/cgroup2"
mount -t cgroup2 none "$SCRATCH/cgroup2" || skip "cannot mount cgroup2"
CGROUP="$SCRATCH/cgroup2/tracer-package-test.$$"
mkdir "$CGROUP"
# On the way out, whatever happened: every process of the container killed
# (cgroup.kill, or pid 1 of its namespace), then its cgroups removed.
remove_cgroup()
{
	local _
	echo 1 >"$CGROUP/cgroup.kill" 2>/dev/null || kill -KILL "${init_pid:-0}" 2>/dev/null || true
	for _ in $(seq 50); do
		[[ -z "$(find "$CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null)" ]] && break
		sleep 0.1
	done
	find "$CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true
	umount "$SCRATCH/cgroup2" 2>/dev/null || true
	scratch_root_down
}
trap remove_cgroup EXIT

# What a container manager gives its init: a read-only /sys of its own, a
# small /dev, a terminal as /dev/console (script's, kept in console.log).
umount -R "$ROOT/sys" "$ROOT/dev" "$ROOT/proc"
mount -t sysfs -o ro sysfs "$ROOT/sys"
mount -t tmpfs -o mode=0755,nosuid tracer-dev "$ROOT/dev"
for node in null zero full random urandom tty; do
	touch "$ROOT/dev/$node"
	mount --bind "/dev/$node" "$ROOT/dev/$node"
done
mkdir "$ROOT/dev/pts" "$ROOT/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts"
ln -s pts/ptmx "$ROOT/dev/ptmx"
touch "$ROOT/dev/console"

# Run by script(1) on its terminal: joins the cgroup, then (in the new
# namespaces, as pid 1) mounts /sys/fs/cgroup and /proc and becomes systemd.
cat >"$SCRATCH/init.sh" <<'EOF'
set -eu
root=$1 cgroup=$2
if [ "${3:-}" != inside ]; then
	echo $$ >"$cgroup/cgroup.procs"
	exec unshare --pid --fork --cgroup --uts --ipc --net --mount --propagation private \
		-- sh "$0" "$root" "$cgroup" inside
fi
mount --bind "$(tty)" "$root/dev/console"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t proc proc "$root/proc"
for p in sys sysrq-trigger; do
	[ -e "$root/proc/$p" ] || continue
	mount --bind "$root/proc/$p" "$root/proc/$p"
	mount -o remount,bind,ro "$root/proc/$p"
done
exec setpriv --bounding-set=-sys_module,-sys_time -- chroot "$root" /usr/bin/env -i \
	container=tracer-package-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	/lib/systemd/systemd --unit=tracer-test.target --log-target=console --log-level=info
EOF
script -qfec "sh $SCRATCH/init.sh $ROOT $CGROUP" "$SCRATCH/console.log" \
	>/dev/null 2>&1 </dev/null &
script_pid=$!

console()
{
	tr -d '\r' <"$SCRATCH/console.log" | sed 's/\x1b\[[0-9;]*m//g'
}

# The container's init (systemd): pid 1 in its namespace, the last of NSpid.
init_pid=
for _ in $(seq 100); do
	for proc in $(cat "$CGROUP/init.scope/cgroup.procs" 2>/dev/null || true); do
		if [[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$proc/status" 2>/dev/null)" == 1 ]]; then
			init_pid=$proc
		fi
	done
	[[ -n "$init_pid" ]] && break
	kill -0 "$script_pid" 2>/dev/null || die "the container's init exited: $(console)"
	sleep 0.1
done
[[ -n "$init_pid" ]] || die "systemd did not start in 10 s: $(console)"
in_container()
{
	nsenter --target "$init_pid" --mount --pid --root --wd -- "$@"
}

# power_off: systemd's SIGRTMIN+4; it stops the units and exits.
power_off()
{
	kill -s SIGRTMIN+4 "$init_pid" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$script_pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$init_pid" 2>/dev/null || true
	die "systemd did not power off in 30 s: $(console)"
}

echo "== systemd starts tracer.service"
sock=/run/tracer/api.sock
state=
for _ in $(seq 200); do
	state=$(in_container systemctl is-active tracer.service 2>/dev/null || true)
	[[ "$state" == active && -S "$ROOT$sock" ]] && break
	[[ "$state" == failed ]] && break
	sleep 0.1
done
if [[ "$state" != active ]]; then
	in_container systemctl status --no-pager tracer.service || true
	die "tracer.service is '$state' after 20 s: $(console)"
fi

echo "== an exec, served on $sock"
# By another user, in a directory of its own: the service sees every
# process, with its cwd and executable, with none of CAP_SYS_PTRACE,
# CAP_DAC_READ_SEARCH, and /proc of other users hidden (ProtectProc).
marker="tracer-systemd-test-$$"
# (In the scratch root: /usr/bin/false there is the overlay's file, the one
# the exclusion names, not the machine's below it.)
mkdir -m 0777 "$ROOT/tmp/nobody"
found=
for _ in $(seq 100); do
	# Type=exec: active once tracer runs, before its programs are attached.
	in_root setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c 'cd /tmp/nobody && /usr/bin/false "$1"; /bin/true "$1"' sh "$marker" || true
	found=$(curl -sf --unix-socket "$ROOT$sock" http://localhost/executions | jq -c --arg m "$marker" \
		'first(.[] | select(.argv == ["/bin/true", $m]) | [.uid, .filename, .exe, .cwd])')
	[[ -n "$found" ]] && break
	sleep 0.1
done
[[ "$found" == '[65534,"/bin/true","/usr/bin/true","/tmp/nobody"]' ]] ||
	die "the service did not serve the exec of /bin/true $marker as it ran: '$found'"
# /usr/bin/false, excluded by /etc/tracer/exclude, ran just before: dropped, counted.
excluded=$(curl -sf --unix-socket "$ROOT$sock" http://localhost/executions |
	jq --arg m "$marker" '[.[] | select(.argv[1] == $m and .filename == "/usr/bin/false")] | length')
[[ "$excluded" == 0 ]] || die "the service served the exec of /usr/bin/false that /etc/tracer/exclude names"
excluded=$(curl -sf --unix-socket "$ROOT$sock" http://localhost/metrics |
	awk '$1 == "tracer_events_excluded_total" { print $2 }')
[[ "$excluded" =~ ^[1-9][0-9]*$ ]] || die "tracer_events_excluded_total is '$excluded'"
[[ "$(stat -c '%a %U' "$ROOT$sock")" == "600 root" ]] || die "the socket: $(stat -c '%a %U' "$ROOT$sock")"
[[ "$(stat -c '%a %U' "$ROOT/run/tracer")" == "755 root" ]] ||
	die "/run/tracer: $(stat -c '%a %U' "$ROOT/run/tracer")"

echo "== the sandbox systemd made"
service_pid=$(cat "$CGROUP/system.slice/tracer.service/cgroup.procs")
[[ "$service_pid" =~ ^[0-9]+$ ]] || die "no pid for tracer.service: '$service_pid'"
[[ "$(cat "/proc/$service_pid/comm")" == tracer ]] || die "pid $service_pid is not tracer"
status="/proc/$service_pid/status"
# The unit's capability names as a mask, from the kernel's header numbers.
mask=0
for cap in $(sed -n 's/^CapabilityBoundingSet=//p' "$ROOT$UNIT"); do
	bit=$(awk -v c="$cap" '$1 == "#define" && $2 == c { print $3 }' /usr/include/linux/capability.h)
	[[ "$bit" =~ ^[0-9]+$ ]] || die "$cap is not in linux/capability.h"
	mask=$((mask | (1 << bit)))
done
want=$(printf '%016x' "$mask")
for field in CapBnd CapPrm CapEff; do
	got=$(awk -v f="$field:" '$1 == f { print $2 }' "$status")
	[[ "$got" == "$want" ]] || die "$field is $got, not $want (the unit's CapabilityBoundingSet)"
done
[[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' "$status")" == 1 ]] || die "NoNewPrivs is not set"
[[ "$(awk '$1 == "Seccomp:" { print $2 }' "$status")" == 2 ]] || die "no seccomp filter"
# What the service sees, seen with its capabilities (none for files) in its
# mount namespace; each next to what the container's init sees.
as_service()
{
	nsenter --target "$service_pid" --mount --root --wd -- \
		setpriv --bounding-set=-all --inh-caps=-all --ambient-caps=-all -- "$@"
}
probe="tracer-systemd-test-$$"
# ProtectSystem=strict: nothing written outside its RuntimeDirectory.
for path in /etc /usr /var/lib; do
	if as_service touch "$path/$probe" 2>/dev/null; then
		die "the service can write in $path"
	fi
done
as_service touch "/run/tracer/$probe" || die "the service cannot write in /run/tracer"
rm -f "$ROOT/run/tracer/$probe"
# CacheDirectory: where the minimal BTF is kept, root's and no one else's.
as_service touch "/var/cache/tracer/$probe" || die "the service cannot write in /var/cache/tracer"
rm -f "$ROOT/var/cache/tracer/$probe"
[[ "$(stat -c %U:%a "$ROOT/var/cache/tracer")" == root:755 ]] ||
	die "/var/cache/tracer is $(stat -c %U:%a "$ROOT/var/cache/tracer"), not root:755"
# ProtectHome: /home and /root out of reach.
for path in /home /root; do
	ls "$ROOT$path" >/dev/null || die "the test cannot list $path"
	if as_service ls "$path" >/dev/null 2>&1; then
		die "the service can list $path"
	fi
done
# PrivateTmp: its /tmp is not the machine's.
as_service touch "/tmp/$probe" || die "the service cannot write in its /tmp"
[[ ! -e "$ROOT/tmp/$probe" ]] || die "the service's /tmp is the machine's"
# PrivateDevices: no terminal, no disk.
[[ -e "$ROOT/dev/console" ]] || die "the container has no /dev/console"
if as_service test -e /dev/console; then
	die "the service sees /dev/console"
fi

echo "== journalctl -u tracer"
journal=$(in_container journalctl -u tracer.service -o cat --no-pager 2>&1)
grep -qxE 'tracer: ready: watching all processes since [0-9-]{10}T[0-9:.]{15}Z' <<<"$journal" ||
	die "journalctl -u tracer: $journal"

echo "== --journal through a drop-in (doc/journal.md)"
# The sandbox lets the service reach journald's socket: each exec is an entry.
mkdir -p "$ROOT/etc/systemd/system/tracer.service.d"
printf '[Service]\nExecStart=\nExecStart=%s\n' \
	"/usr/bin/tracer --all --listen unix:/run/tracer/api.sock --journal --quiet --exclude-from /etc/tracer/exclude" \
	>"$ROOT/etc/systemd/system/tracer.service.d/journal.conf"
in_container systemctl daemon-reload || die "systemctl daemon-reload failed"
in_container systemctl restart tracer.service || die "tracer.service did not restart with --journal"
jmarker="tracer-journal-test-$$"
want="/bin/true $jmarker 'a b'"
entry=
for _ in $(seq 100); do
	in_root sh -c 'cd /tmp/nobody && /bin/true "$1" "a b"' sh "$jmarker" || true
	entry=$(in_container journalctl -t tracer -o json --no-pager TRACER_FILENAME=/bin/true 2>/dev/null |
		jq -c --arg w "$want" 'select(.TRACER_ARGV == $w) |
			[.TRACER_EXE, .TRACER_CWD, .PRIORITY, (.TRACER_JSON | fromjson | .argv)]' |
		head -1) || true
	[[ -n "$entry" ]] && break
	sleep 0.1
done
[[ "$entry" == "[\"/usr/bin/true\",\"/tmp/nobody\",\"6\",[\"/bin/true\",\"$jmarker\",\"a b\"]]" ]] ||
	die "no journal entry for /bin/true $jmarker from the service: '$entry'"
rm -r "$ROOT/etc/systemd/system/tracer.service.d"

echo "== power off"
power_off
console | grep -q 'tracer.service: Deactivated successfully' ||
	die "tracer.service did not stop cleanly: $(console)"
[[ ! -e "$ROOT/run/tracer" ]] || die "/run/tracer is left after the service stopped"
if console | grep -Eq 'tracer.service: (Failed|Main process exited, code=(exited|killed|dumped), status=[1-9])'; then
	die "tracer.service failed: $(console)"
fi
echo "PASS: systemd started, sandboxed, logged and stopped tracer.service"
