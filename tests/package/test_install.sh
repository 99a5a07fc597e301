#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# The three packages installed with dpkg -i into a scratch root (the
# machine's root under an overlay, scratch-root.sh): every file `dpkg -c`
# lists is in place and as packaged, the ones the issue names are among them,
# tracer runs, its completions load in bash, zsh and fish, a program builds
# against libtracer-dev (shared and static) and sees an exec; then dpkg -r
# leaves only the conffile, and dpkg --purge leaves nothing.
set -euo pipefail

# shellcheck source=scratch-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/scratch-root.sh"
need_root
need_packages
enter_mount_namespace "$@"
scratch_root_up

debs=("$TRACER_DEB" "$LIB_DEB" "$DEV_DEB")
packages=(tracer libtracer0 libtracer-dev)
mkdir "$ROOT/tmp/debs"
cp "${debs[@]}" "$ROOT/tmp/debs/"

# A machine whose dpkg database or files differ from what its packages say
# would show up as a leftover below, whatever the packages do.
out=$(leftovers)
[[ -z "$out" ]] || die "the scratch root differs from the machine before anything ran: $out"

echo "== dpkg -i"
in_root dpkg -i "${debs[@]/#*\//\/tmp\/debs\/}" || die "dpkg -i failed"

echo "== the files: dpkg -c of each package, installed and as packaged"
for i in "${!debs[@]}"; do
	# dpkg -c's paths (./usr/bin/tracer, ./usr/, ./a -> b), as dpkg -L writes them.
	dpkg-deb -c "${debs[$i]}" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -v '^$' |
		sort >"$SCRATCH/contents"
	in_root dpkg -L "${packages[$i]}" | grep -vx '/\.' | sort >"$SCRATCH/listed"
	diff -u "$SCRATCH/contents" "$SCRATCH/listed" ||
		die "${packages[$i]}: dpkg -L differs from dpkg -c"
	while read -r path; do
		[[ -e "$ROOT$path" || -L "$ROOT$path" ]] || die "${packages[$i]}: $path is not installed"
	done <"$SCRATCH/contents"
done
# Every file against the md5sums of its package (and the conffile's).
out=$(in_root dpkg --verify "${packages[@]}" 2>&1)
[[ -z "$out" ]] || die "dpkg --verify: $out"
# The files the packages are for, each installed by one of them.
expected=(/usr/bin/tracer /usr/share/man/man1/tracer.1.gz /lib/systemd/system/tracer.service
	/etc/tracer/exclude /usr/share/doc/tracer/README.md.gz
	/usr/share/bash-completion/completions/tracer /usr/share/zsh/vendor-completions/_tracer
	/usr/share/fish/vendor_completions.d/tracer.fish
	/usr/lib/x86_64-linux-gnu/libtracer.so.0 /usr/include/tracer/tracer.h
	/usr/lib/x86_64-linux-gnu/libtracer.so /usr/lib/x86_64-linux-gnu/libtracer.a
	/usr/lib/x86_64-linux-gnu/pkgconfig/libtracer.pc)
owned=$(in_root dpkg -S "${expected[@]}" 2>&1 | sed -n 's/^[^ ]*: //p')
for path in "${expected[@]}"; do
	grep -qxF "$path" <<<"$owned" || die "no package installs $path"
done
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' tracer | awk 'NF { print $1 }')
[[ "$conffiles" == /etc/tracer/exclude ]] || die "tracer's conffiles: '$conffiles'"

echo "== tracer --version, the man page"
out=$(in_root tracer --version) || die "tracer --version failed in the scratch root"
[[ "$out" == "tracer $TRACER_VERSION" ]] || die "tracer --version: '$out'"
in_root sh -c 'zcat /usr/share/man/man1/tracer.1.gz | grep -Eq "^\.TH \"?TRACER\"? \"?1\"?"' ||
	die "tracer.1.gz is not tracer's man page"

echo "== completions, as each shell loads them"
# bash: bash-completion's loader finds completions/tracer when tracer is first completed.
out=$(in_root bash -c '
	. /usr/share/bash-completion/bash_completion
	_completion_loader tracer || true
	spec=$(complete -p tracer) || exit 1
	func=${spec#*-F }
	func=${func%% *}
	COMP_WORDS=(tracer --jso) COMP_CWORD=1 COMP_LINE="tracer --jso" COMP_POINT=12
	"$func" tracer --jso tracer
	printf "%s\n" "${COMPREPLY[@]}"') || die "bash did not load a completion for tracer"
grep -qx -- '--json' <<<"$out" || die "bash completes 'tracer --jso' as: $out"
# zsh: compinit finds _tracer in Debian's vendor directory.
out=$(in_root zsh -f -c 'autoload -Uz compinit && compinit -u -d /tmp/zcompdump && print -r -- $_comps[tracer]') ||
	die "zsh's compinit failed"
[[ "$out" == _tracer ]] || die "zsh completes tracer with '$out', not _tracer"
# fish: vendor_completions.d, loaded when tracer is completed.
out=$(in_root fish -c 'complete -C "tracer --jso"' | cut -f1) || die "fish failed"
grep -qx -- '--json' <<<"$out" || die "fish completes 'tracer --jso' as: $out"

echo "== a program built against libtracer-dev, linked shared and static"
cp "$TRACER_SOURCE_DIR/examples/trace-exec.c" "$ROOT/tmp/"
in_root sh -c 'cc -Wall -Werror /tmp/trace-exec.c $(pkg-config --cflags --libs libtracer) \
	-o /tmp/trace-exec-shared' || die "cannot build against libtracer.so with pkg-config"
in_root sh -c 'cc -Wall -Werror /tmp/trace-exec.c $(pkg-config --cflags libtracer) \
	/usr/lib/x86_64-linux-gnu/libtracer.a $(pkg-config --static --libs-only-l libtracer | \
	sed "s/-ltracer//") -o /tmp/trace-exec-static' ||
	die "cannot build against libtracer.a with pkg-config --static"
# (/lib is /usr/lib on a merged-/usr system: either path is the packaged file.)
ldd_out=$(in_root ldd /tmp/trace-exec-shared 2>&1) || true
grep -Eq '=> (/usr)?/lib/x86_64-linux-gnu/libtracer\.so\.0 ' <<<"$ldd_out" ||
	die "trace-exec-shared does not use the packaged libtracer.so.0: ldd says: $ldd_out"$'\n'"$(in_root ls -l /usr/lib/x86_64-linux-gnu/libtracer.so.0 2>&1)"
if in_root ldd /tmp/trace-exec-static | grep -q libtracer; then
	die "trace-exec-static uses libtracer.so"
fi
marker="package-test-$$"
for kind in shared static; do
	out=$(in_root "/tmp/trace-exec-$kind" /bin/true "$marker" 2>&1) || {
		# Everything else ran; only the BPF load can be out of reach.
		if grep -q -e 'permission denied' -e BTF <<<"$out"; then
			skip "trace-exec cannot load BPF here: $out"
		fi
		die "trace-exec-$kind: $out"
	}
	grep -qx "exec pid=[0-9]* ppid=[0-9]* ret=0 argv: /bin/true $marker" <<<"$out" ||
		die "trace-exec-$kind did not report its command: $out"
done
rm -f "$ROOT"/tmp/trace-exec*

echo "== dpkg -r: only the conffile is left"
in_root dpkg -r "${packages[@]}" || die "dpkg -r failed"
state=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' tracer)
[[ "$state" == "rc " ]] || die "tracer after dpkg -r: '$state', not rc (config-files)"
[[ -f "$ROOT/etc/tracer/exclude" ]] || die "dpkg -r removed the conffile"
for deb in "${debs[@]}"; do
	while read -r path; do
		if [[ "$path" != /etc/tracer/exclude && (-e "$ROOT$path" || -L "$ROOT$path") ]]; then
			die "dpkg -r left $path"
		fi
	done < <(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|')
done

echo "== dpkg --purge: nothing is left"
in_root dpkg --purge tracer || die "dpkg --purge failed"
state=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "${packages[@]}" 2>/dev/null || true)
[[ -z "$state" ]] || die "dpkg still knows the packages after --purge: '$state'"
# (man-db's trigger does not purge its index, its daily job does: whatis
# still knows tracer(1) until then, for any package. man finds no page.)
if in_root man -w tracer >/dev/null 2>&1; then
	die "man still finds tracer(1)"
fi
if in_root ldconfig -p | grep -q libtracer; then
	die "ld.so.cache still has libtracer"
fi
# The minimal BTF cache tracer made at run time (debian/tracer.postrm).
if in_root test -e /var/cache/tracer; then
	die "/var/cache/tracer is still there"
fi
out=$(leftovers)
[[ -z "$out" ]] || die "after dpkg --purge, the scratch root differs from the machine:
$out"
echo "PASS: installed, used, removed and purged without a trace"
