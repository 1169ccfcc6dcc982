# tests/install/install_test.cmake: ctest's install test (cmake -P).
#
# 1. cmake --install the vsem build tree into a scratch prefix;
# 2. configure and build tests/install/consumer against that prefix only
#    (find_package(vsem) + vsem::vsem);
# 3. run the consumer, which checks the installed headers work;
# 4. pkg-config: `pkg-config --cflags --libs vsem` with PKG_CONFIG_PATH set to
#    the prefix's share/pkgconfig gives flags under the prefix, and the
#    consumer's main.cpp compiled by hand with them runs (needs pkg-config;
#    Debian: pkgconf).
#
# Inputs (-D): VSEM_BUILD_DIR, VSEM_WORK_DIR, VSEM_CONSUMER_DIR,
# VSEM_CXX_COMPILER, VSEM_GENERATOR, VSEM_VERSION.
cmake_minimum_required(VERSION 3.22)

foreach(var VSEM_BUILD_DIR VSEM_WORK_DIR VSEM_CONSUMER_DIR VSEM_CXX_COMPILER VSEM_GENERATOR
            VSEM_VERSION)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${VSEM_WORK_DIR}/prefix")
set(consumer_build "${VSEM_WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${VSEM_WORK_DIR}")
file(MAKE_DIRECTORY "${VSEM_WORK_DIR}")

function(run step)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install test: ${step} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "install test: ${step}: ok")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install "${VSEM_BUILD_DIR}" --prefix "${prefix}")

foreach(file include/vsem/vsem.hpp include/vsem/semaphore.hpp include/vsem/channel.hpp
             share/pkgconfig/vsem.pc)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "install test: ${file} was not installed under ${prefix}")
  endif()
endforeach()
file(GLOB_RECURSE config_files "${prefix}/*/vsemConfig.cmake")
if(NOT config_files)
  message(FATAL_ERROR "install test: no vsemConfig.cmake under ${prefix}")
endif()

# Only the scratch prefix may provide vsem: no package registry, no other prefix.
run("configure consumer" ${CMAKE_COMMAND}
  -S "${VSEM_CONSUMER_DIR}" -B "${consumer_build}"
  -G "${VSEM_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${VSEM_CXX_COMPILER}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
  "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"
  "-DVSEM_EXPECTED_PREFIX=${prefix}"
  "-DVSEM_EXPECTED_VERSION=${VSEM_VERSION}")
run("build consumer" ${CMAKE_COMMAND} --build "${consumer_build}")
run("run consumer" "${consumer_build}/vsem_consumer")
if(NOT last_output MATCHES "vsem ${VSEM_VERSION}: ok")
  message(FATAL_ERROR "install test: unexpected consumer output:\n${last_output}")
endif()

# 4. pkg-config, from the prefix only.
find_program(pkg_config NAMES pkg-config pkgconf)
if(NOT pkg_config)
  message(FATAL_ERROR "install test: pkg-config not found (Debian: apt-get install pkgconf)")
endif()
set(pc_env ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${prefix}/share/pkgconfig"
    "PKG_CONFIG_LIBDIR=${prefix}/share/pkgconfig")
run("pkg-config --modversion vsem" ${pc_env} "${pkg_config}" --modversion vsem)
string(STRIP "${last_output}" pc_version)
if(NOT pc_version STREQUAL VSEM_VERSION)
  message(FATAL_ERROR "install test: vsem.pc says version '${pc_version}', expected ${VSEM_VERSION}")
endif()
run("pkg-config --cflags vsem" ${pc_env} "${pkg_config}" --cflags vsem)
string(STRIP "${last_output}" pc_cflags)
string(FIND " ${pc_cflags}" " -I${prefix}/" at)
if(at EQUAL -1 OR NOT pc_cflags MATCHES "(^| )-pthread( |$)")
  message(FATAL_ERROR "install test: pkg-config --cflags vsem gave '${pc_cflags}', "
                      "expected -I${prefix}/... and -pthread")
endif()
run("pkg-config --libs vsem" ${pc_env} "${pkg_config}" --libs vsem)
string(STRIP "${last_output}" pc_libs)
if(NOT pc_libs MATCHES "(^| )-pthread( |$)")
  message(FATAL_ERROR "install test: pkg-config --libs vsem gave '${pc_libs}', expected -pthread")
endif()
separate_arguments(pc_cflags_list UNIX_COMMAND "${pc_cflags}")
separate_arguments(pc_libs_list UNIX_COMMAND "${pc_libs}")
set(pc_consumer "${VSEM_WORK_DIR}/vsem_consumer_pkgconfig")
run("compile consumer with pkg-config's flags" "${VSEM_CXX_COMPILER}" -std=c++20
  -Wall -Wextra -Wpedantic -Werror ${pc_cflags_list}
  "-DVSEM_EXPECTED_VERSION_STRING=\"${VSEM_VERSION}\""
  "${VSEM_CONSUMER_DIR}/main.cpp" -o "${pc_consumer}" ${pc_libs_list})
run("run pkg-config consumer" "${pc_consumer}")
if(NOT last_output MATCHES "vsem ${VSEM_VERSION}: ok")
  message(FATAL_ERROR "install test: unexpected pkg-config consumer output:\n${last_output}")
endif()
message(STATUS "install test: passed")
