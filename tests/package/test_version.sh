#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# test_version.sh VERSION SOURCE_DIR TRACER: the version is project()'s in
# CMakeLists.txt (VERSION, as CMake read it); the places that repeat it
# agree: include/tracer/tracer.h's TRACER_VERSION_MAJOR/MINOR/PATCH,
# debian/changelog's latest entry (the packages' version), tracer --version.
set -euo pipefail

version="$1"
src="$2"
tracer="$3"

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "project() version '$version' is not x.y.z"
header=$(awk '/^#define TRACER_VERSION_(MAJOR|MINOR|PATCH) / { v[$2] = $3 }
	END { print v["TRACER_VERSION_MAJOR"] "." v["TRACER_VERSION_MINOR"] "." v["TRACER_VERSION_PATCH"] }' \
	"$src/include/tracer/tracer.h")
[[ "$header" == "$version" ]] ||
	die "include/tracer/tracer.h says $header, CMakeLists.txt's project() $version"
# The first line of debian/changelog: "tracer (VERSION) DISTRIBUTION; urgency=...".
changelog=$(sed -n '1s/^tracer (\([^)]*\)).*/\1/p' "$src/debian/changelog")
[[ "$changelog" == "$version" ]] ||
	die "debian/changelog's latest entry is $changelog, CMakeLists.txt's project() $version"
out=$("$tracer" --version)
[[ "$out" == "tracer $version" ]] || die "tracer --version says '$out'"
echo "PASS: $version everywhere"
