# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# bash completion for tracer(1). A placeholder until the completions are
# generated from tracer's option table: bash-completion's _longopt completes
# the long options it reads from `tracer --help`, and file names.
complete -F _longopt tracer
