# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Sourced by the security tests: tests/lib/common.sh and their set-up.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# sec_setup TOOL...: skip (77) without root, the kernel's BTF or a tool;
# else TMP, a new private directory removed at exit (tracer stopped first).
sec_setup()
{
	require "$@"
	private_tmp sec
}
