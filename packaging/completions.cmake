# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# The shell completions, made at build time into ${CMAKE_BINARY_DIR}/completions:
# tracer.bash (bash-completion), _tracer (zsh), tracer.fish (fish). The
# top-level CMakeLists.txt installs them where each shell looks.
#
# For now they are the placeholders of packaging/completions/, copied; the
# step that generates them from tracer's option table (issue 27, item 5)
# replaces this command and keeps the three names.
set(TRACER_COMPLETIONS_DIR ${CMAKE_BINARY_DIR}/completions)
set(completion_names tracer.bash _tracer tracer.fish)
set(completion_sources)
set(completion_outputs)
foreach(name ${completion_names})
  list(APPEND completion_sources ${CMAKE_SOURCE_DIR}/packaging/completions/${name})
  list(APPEND completion_outputs ${TRACER_COMPLETIONS_DIR}/${name})
endforeach()
add_custom_command(
  OUTPUT ${completion_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TRACER_COMPLETIONS_DIR}
  COMMAND ${CMAKE_COMMAND} -E copy ${completion_sources} ${TRACER_COMPLETIONS_DIR}
  DEPENDS ${completion_sources}
  COMMENT "Making the shell completions (placeholders)"
  VERBATIM)
add_custom_target(completions ALL DEPENDS ${completion_outputs})
