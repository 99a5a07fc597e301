# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# bpf_skeleton(NAME SOURCE): compiles SOURCE (bpf/NAME.bpf.c) for the BPF
# target, strips its DWARF (the object is embedded in the library; BTF and
# CO-RE relocations stay), and generates NAME.skel.h with bpftool. The
# INTERFACE target NAME_skel carries the include path of the generated header.
#
# Needs: CLANG, LLVM_STRIP, BPFTOOL, GEN_DIR with GEN_DIR/vmlinux.h built by the
# custom target vmlinux_h, LIBBPF_CFLAGS, and BPF_TARGET_ARCH (x86 for -D__TARGET_ARCH_x86).
# TRACER_BPF_NO_USAGE (scripts/bench only) compiles the exit usage read out.
function(bpf_skeleton name source)
  set(obj ${GEN_DIR}/${name}.bpf.o)
  set(defs)
  if(TRACER_BPF_NO_USAGE)
    list(APPEND defs -DTRACER_BPF_NO_USAGE)
  endif()
  set(skel ${GEN_DIR}/${name}.skel.h)
  # Every header of the BPF side and of the wire format: a change to any of
  # them rebuilds the object.
  file(GLOB bpf_headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bpf/*.h)
  file(GLOB common_headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/common/*.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${BPF_TARGET_ARCH} ${defs} -Wall -Werror
            -I${GEN_DIR} -I${CMAKE_SOURCE_DIR}/common ${LIBBPF_CFLAGS}
            -c ${source} -o ${obj}
    COMMAND ${LLVM_STRIP} -g ${obj}
    DEPENDS ${source} ${bpf_headers} ${common_headers} ${GEN_DIR}/vmlinux.h
    COMMENT "Compiling BPF object ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "Generating skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_dependencies(${name}_skel_gen vmlinux_h)
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${GEN_DIR})
endfunction()
