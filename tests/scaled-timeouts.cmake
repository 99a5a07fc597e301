# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Read by ctest (TEST_INCLUDE_FILES) before each directory's tests: with
# TRACER_TEST_TIMEOUT_SCALE=N in its environment, every test's TIMEOUT is
# multiplied by N. scripts/vmtest sets it in the guest, where TCG runs the
# tests 5-15 times slower than this machine; the timeouts stay hang guards
# made for native speed everywhere else.
if("$ENV{TRACER_TEST_TIMEOUT_SCALE}" STREQUAL "" OR COMMAND _tracer_scaled_timeouts)
  return()
endif()
if(NOT "$ENV{TRACER_TEST_TIMEOUT_SCALE}" MATCHES "^[1-9][0-9]*$")
  message(FATAL_ERROR "TRACER_TEST_TIMEOUT_SCALE must be a positive integer")
endif()
# Defined once: a second override would call itself through _set_tests_properties.
function(_tracer_scaled_timeouts)
endfunction()

# set_tests_properties(), its TIMEOUT value scaled; each argument passed on
# whole (ENVIRONMENT and LABELS values hold semicolons).
function(set_tests_properties)
  set(args "")
  set(is_timeout FALSE)
  math(EXPR last "${ARGC} - 1")
  foreach(k RANGE ${last})
    set(v "${ARGV${k}}")
    if(is_timeout)
      math(EXPR v "${v} * $ENV{TRACER_TEST_TIMEOUT_SCALE}")
    endif()
    set(is_timeout FALSE)
    if(v STREQUAL "TIMEOUT")
      set(is_timeout TRUE)
    endif()
    string(REPLACE ";" "\\;" v "${v}")
    list(APPEND args "${v}")
  endforeach()
  _set_tests_properties(${args})
endfunction()
