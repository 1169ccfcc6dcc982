# tests/subproject/subproject_test.cmake: ctest's subproject test (cmake -P).
#
# Configures, builds and runs tests/subproject/parent, a project that
# add_subdirectory()s vsem with GoogleTest and Google Benchmark disabled
# (CMAKE_DISABLE_FIND_PACKAGE_*): vsem's options default to OFF when it is not
# the top-level project, so it must configure without them, define only
# vsem/vsem_dev, and register no ctest tests.
#
# Inputs (-D): VSEM_SOURCE_DIR, VSEM_WORK_DIR, VSEM_CXX_COMPILER, VSEM_GENERATOR,
# VSEM_VERSION.
cmake_minimum_required(VERSION 3.22)

foreach(var VSEM_SOURCE_DIR VSEM_WORK_DIR VSEM_CXX_COMPILER VSEM_GENERATOR VSEM_VERSION)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "subproject_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(build "${VSEM_WORK_DIR}/build")
file(REMOVE_RECURSE "${VSEM_WORK_DIR}")
file(MAKE_DIRECTORY "${VSEM_WORK_DIR}")

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "subproject test: ${step} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "subproject test: ${step}: ok")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run("configure parent" ${CMAKE_COMMAND}
  -S "${VSEM_SOURCE_DIR}/tests/subproject/parent" -B "${build}"
  -G "${VSEM_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${VSEM_CXX_COMPILER}"
  "-DVSEM_SOURCE_DIR=${VSEM_SOURCE_DIR}"
  "-DVSEM_EXPECTED_VERSION=${VSEM_VERSION}"
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
  -DCMAKE_DISABLE_FIND_PACKAGE_TBB=ON)
if(NOT last_output MATCHES "vsem as a subproject: targets vsem;vsem_dev")
  message(FATAL_ERROR "subproject test: the parent did not check vsem's targets:\n${last_output}")
endif()
run("build parent" ${CMAKE_COMMAND} --build "${build}")
run("run parent" "${build}/vsem_parent")
if(NOT last_output MATCHES "vsem ${VSEM_VERSION} as a subproject: ok")
  message(FATAL_ERROR "subproject test: unexpected output:\n${last_output}")
endif()
run("ctest -N" ${CMAKE_CTEST_COMMAND} --test-dir "${build}" -N)
if(NOT last_output MATCHES "Total Tests: 0")
  message(FATAL_ERROR "subproject test: vsem registered tests in its parent:\n${last_output}")
endif()
message(STATUS "subproject test: passed")
