# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# The shell completions, made at build time into ${CMAKE_BINARY_DIR}/completions
# by completions_gen (src/cli/completions_gen.c) from tracer's option table:
# tracer.bash (bash-completion), _tracer (zsh), tracer.fish (fish). The
# top-level CMakeLists.txt installs them where each shell looks.
set(TRACER_COMPLETIONS_DIR ${CMAKE_BINARY_DIR}/completions)
set(completion_outputs)
foreach(pair bash:tracer.bash zsh:_tracer fish:tracer.fish)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 shell)
  list(GET pair 1 name)
  add_custom_command(
    OUTPUT ${TRACER_COMPLETIONS_DIR}/${name}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TRACER_COMPLETIONS_DIR}
    COMMAND completions_gen ${shell} > ${TRACER_COMPLETIONS_DIR}/${name}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${TRACER_COMPLETIONS_DIR}/${name}.tmp
            ${TRACER_COMPLETIONS_DIR}/${name}
    DEPENDS completions_gen
    COMMENT "Making the ${shell} completion from tracer's option table"
    VERBATIM)
  list(APPEND completion_outputs ${TRACER_COMPLETIONS_DIR}/${name})
endforeach()
add_custom_target(completions ALL DEPENDS ${completion_outputs})
