# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# fish completion for tracer(1). A placeholder until the completions are
# generated from tracer's option table: the long options, read from
# `tracer --help` when completing.
function __tracer_long_options
    tracer --help 2>/dev/null | string match --all --regex --groups-only -- '(?:^|[ ,])(--[a-z][a-z0-9-]*)'
end
complete --command tracer --arguments '(__tracer_long_options)'
