#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# lintian on the packages scripts/package built (the .changes: the three
# .debs and the .buildinfo): no error, no warning. Its informational tags
# are printed; the two it gives today, and why they stay, are in
# doc/service-unit.md ("Packaging").
set -euo pipefail

# shellcheck source=scratch-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/scratch-root.sh"
need_packages
command -v lintian >/dev/null || skip "no lintian (scripts/deps --package)"

# --fail-on error,warning: any error or warning is a non-zero exit.
status=0
out=$(lintian --fail-on error,warning --info --tag-display-limit 0 "$CHANGES" 2>&1) || status=$?
printf '%s\n' "$out"
[[ $status -eq 0 ]] || die "lintian exited with $status"
if grep -E '^[EW]: ' <<<"$out"; then
	die "lintian reports the errors or warnings above"
fi
echo "PASS: lintian reports no error and no warning"
