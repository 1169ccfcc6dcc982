# tests/install/install_test.cmake: ctest's install test (cmake -P).
#
# 1. cmake --install the vsem build tree into a scratch prefix;
# 2. configure and build tests/install/consumer against that prefix only
#    (find_package(vsem) + vsem::vsem);
# 3. run the consumer, which checks the installed headers work.
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

foreach(file include/vsem/vsem.hpp include/vsem/semaphore.hpp)
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
message(STATUS "install test: passed")
