# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# tracer_soname(OUT LIBRARY PREFIX): the soname (PREFIX.so.N) of the library
# file LIBRARY, which find_library() gave, read from the file its links lead
# to. The optional libraries (libsystemd, libmicrohttpd) are opened at run
# time by that name rather than linked, so that a run that does not use them
# does not load them (issue 28).
function(tracer_soname out library prefix)
  get_filename_component(real "${library}" REALPATH)
  get_filename_component(name "${real}" NAME)
  string(REGEX MATCH "^${prefix}\\.so\\.[0-9]+" soname "${name}")
  if(NOT soname)
    message(FATAL_ERROR "cannot tell ${prefix}'s soname from ${real}")
  endif()
  set(${out} "${soname}" PARENT_SCOPE)
endfunction()
