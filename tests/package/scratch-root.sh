# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# shellcheck shell=bash
#
# Sourced by the tests of tests/package: the packages scripts/package built,
# and a scratch root to install them into.
#
# The scratch root is this machine's own root file system under an overlay
# whose upper layer is a tmpfs, mounted in a private mount namespace: dpkg
# installs and removes the packages there with their real dependencies, the
# machine's dpkg database and its maintainer scripts, and every byte it
# writes lands in the tmpfs. Nothing reaches the machine, and what a removal
# leaves behind is exactly the upper layer's content. (A chroot built from
# copies would need every dependency copied in; dpkg --root with its own
# admindir would know none of the installed dependencies, and runs no
# maintainer script the way an installation does.)
#
# Environment (tests/package/CMakeLists.txt sets it): TRACER_VERSION,
# TRACER_PACKAGE_DIR (dist/ of the source tree), TRACER_SOURCE_DIR, and
# TRACER_PACKAGE_REQUIRED=1 (scripts/test) to fail rather than skip when the
# packages are missing.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh" # skip, die

# need_packages: sets TRACER_DEB, LIB_DEB, DEV_DEB and CHANGES to the
# packages of TRACER_VERSION, or skips (fails with TRACER_PACKAGE_REQUIRED).
need_packages()
{
	local dir="${TRACER_PACKAGE_DIR:?}" v="${TRACER_VERSION:?}"

	TRACER_DEB="$dir/tracer_${v}_amd64.deb"
	LIB_DEB="$dir/libtracer0_${v}_amd64.deb"
	DEV_DEB="$dir/libtracer-dev_${v}_amd64.deb"
	CHANGES="$dir/tracer_${v}_amd64.changes"
	local f
	for f in "$TRACER_DEB" "$LIB_DEB" "$DEV_DEB" "$CHANGES"; do
		[[ -f "$f" ]] && continue
		if [[ "${TRACER_PACKAGE_REQUIRED:-0}" == 1 ]]; then
			die "$f is missing (scripts/package failed?)"
		fi
		skip "$f is missing: run scripts/package first"
	done
}

# need_root: skips unless root (mounts, chroot, dpkg).
need_root()
{
	[[ "$(id -u)" -eq 0 ]] || skip "needs root (mount namespaces, overlayfs, chroot)"
}

# enter_mount_namespace "$@": runs the calling script again in a private
# mount namespace; returns in that copy.
enter_mount_namespace()
{
	[[ -n "${SCRATCH_IN_NAMESPACE:-}" ]] && return 0
	command -v unshare >/dev/null || skip "no unshare (util-linux)"
	SCRATCH_IN_NAMESPACE=1 exec unshare --mount --propagation private -- bash "$0" "$@"
}

# scratch_root_up: mounts the scratch root at $ROOT (upper layer $UPPER,
# the machine's root file system below), with /proc, /sys and /dev.
scratch_root_up()
{
	SCRATCH=$(mktemp -d /tmp/tracer-scratch.XXXXXX)
	trap scratch_root_down EXIT
	mount -t tmpfs -o mode=0755 tracer-scratch "$SCRATCH" || die "cannot mount a tmpfs on $SCRATCH"
	mkdir "$SCRATCH/upper" "$SCRATCH/work" "$SCRATCH/root"
	UPPER="$SCRATCH/upper"
	ROOT="$SCRATCH/root"
	IN_ROOT=(chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
		 LANG=C.UTF-8 TERM=dumb)
	if ! mount -t overlay tracer-scratch \
		-o "lowerdir=/,upperdir=$UPPER,workdir=$SCRATCH/work" "$ROOT"; then
		skip "cannot mount an overlay over / (no overlayfs?)"
	fi
	mount --rbind /proc "$ROOT/proc"
	mount --rbind /sys "$ROOT/sys"
	mount --rbind /dev "$ROOT/dev"
	# The machine's /run and /tmp may be other file systems, or the same:
	# fresh ones either way, so that nothing is read from or left in them.
	mount -t tmpfs -o mode=0755 tracer-run "$ROOT/run"
	mount -t tmpfs -o mode=1777 tracer-tmp "$ROOT/tmp"
	# man-db's trigger rebuilds its whole index after each installation and
	# removal (10 s each here): a cache of man-db's, not under test, turned
	# off as man-db/auto-update=false does.
	rm -f "$ROOT/var/lib/man-db/auto-update"
}

scratch_root_down()
{
	local proc
	# Whatever still runs in the scratch root (a service a failed test left),
	# found by one find: a loop over /proc would fork once per process, and a
	# busy machine has tens of thousands.
	while read -r proc; do
		kill -KILL "${proc#/proc/}" 2>/dev/null || true
	done < <(find /proc -mindepth 2 -maxdepth 2 -name root -lname "$ROOT" -printf '%h\n' 2>/dev/null)
	umount -R "$SCRATCH" 2>/dev/null || umount -R -l "$SCRATCH" 2>/dev/null || true
	rmdir "$SCRATCH" 2>/dev/null || true
}

# in_root CMD...: runs CMD in the scratch root, with a plain environment.
# ("${IN_ROOT[@]}" CMD & leaves in $! the pid of CMD itself.)
in_root()
{
	"${IN_ROOT[@]}" "$@"
}

# leftovers: what the upper layer holds that the machine does not: the files
# dpkg and its triggers changed, less dpkg's own records that every
# installation and removal changes. Prints one path a line.
leftovers()
{
	(
		cd "$UPPER" || exit 1
		find . -mindepth 1 \( -type d -printf 'd %P\n' \) -o -printf 'f %P\n'
	) | while read -r kind path; do
		case "$path" in
		# dpkg's log, locks, its previous status, triggers it has handled.
		var/log/dpkg.log | var/lib/dpkg/lock* | var/lib/dpkg/status-old | \
			var/lib/dpkg/triggers/Lock | var/lib/dpkg/triggers/Unincorp | \
			var/lib/dpkg/triggers/Unincorp-old | var/lib/dpkg/triggers/File | \
			var/lib/dpkg/triggers/File-old)
			continue
			;;
		# The caches the triggers of libc-bin (ldconfig) and man-db rebuild
		# after every installation and removal that touches a library or a
		# man page: their bytes change, whoever triggered them. What they
		# hold is checked by the test (man -w, ldconfig -p).
		var/cache/ldconfig | var/cache/ldconfig/aux-cache | var/cache/man | var/cache/man/*)
			continue
			;;
		# tracer's minimal BTF cache, made by any tracer run on the machine
		# (the tests' too) and removed by the purge: its absence in the
		# scratch root is checked by the test.
		var/cache/tracer | var/cache/tracer/*)
			continue
			;;
		# Turned off by scratch_root_up.
		var/lib/man-db/auto-update)
			continue
			;;
		esac
		if [[ "$kind" == d ]]; then
			# A directory copied up on the way to a file: a leftover only
			# if the machine has none there.
			[[ -d "/$path" && ! -L "/$path" ]] || echo "new directory: /$path"
		elif [[ -c "$UPPER/$path" && "$(stat -c %t:%T "$UPPER/$path")" == 0:0 ]]; then
			# overlayfs's whiteout: the file was deleted.
			echo "removed from the machine: /$path"
		elif [[ ! -e "/$path" && ! -L "/$path" ]]; then
			echo "new file: /$path"
		elif ! cmp -s "$UPPER/$path" "/$path"; then
			echo "changed: /$path"
		fi
	done
}
