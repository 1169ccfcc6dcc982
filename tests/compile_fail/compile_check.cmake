# tests/compile_fail/compile_check.cmake: ctest's compile-fail check (cmake -P).
#
# Compiles SOURCE with the project's C++ compiler (-fsyntax-only, C++20, the
# include directories of vsem::vsem, -Wall -Wextra -Wpedantic -Werror), with
# -DVSEM_COMPILE_FAIL when EXPECT is fail. EXPECT=fail: the compile must fail
# and its diagnostics must contain MESSAGE (a static_assert's message), so
# that some other error does not pass the test. EXPECT=pass: the compile must
# succeed, which shows that the source and this script work.
#
# Inputs (-D): CXX, STD_FLAG, INCLUDE_DIRS ('|'-separated), SOURCE, EXPECT
# (fail or pass), MESSAGE (required for fail).
cmake_minimum_required(VERSION 3.22)

foreach(var CXX STD_FLAG INCLUDE_DIRS SOURCE EXPECT)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "compile_check.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXPECT MATCHES "^(fail|pass)$")
  message(FATAL_ERROR "compile_check.cmake: EXPECT must be fail or pass, not '${EXPECT}'")
endif()
if(EXPECT STREQUAL "fail" AND "${MESSAGE}" STREQUAL "")
  message(FATAL_ERROR "compile_check.cmake: EXPECT=fail needs -DMESSAGE=...")
endif()

string(REPLACE "|" ";" dirs "${INCLUDE_DIRS}")
set(args ${STD_FLAG} -fsyntax-only -Wall -Wextra -Wpedantic -Werror)
foreach(dir IN LISTS dirs)
  if(NOT dir STREQUAL "")
    list(APPEND args "-I${dir}")
  endif()
endforeach()
if(EXPECT STREQUAL "fail")
  list(APPEND args -DVSEM_COMPILE_FAIL)
endif()

execute_process(COMMAND "${CXX}" ${args} "${SOURCE}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(diagnostics "${out}${err}")
string(JOIN " " command "${CXX}" ${args} "${SOURCE}")

if(EXPECT STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "expected the compile to succeed; it failed (${rc}):\n"
                        "${command}\n${diagnostics}")
  endif()
  message(STATUS "compiled, as expected: ${command}")
  return()
endif()

if(rc EQUAL 0)
  message(FATAL_ERROR "expected the compile to fail with \"${MESSAGE}\"; it succeeded:\n"
                      "${command}")
endif()
string(FIND "${diagnostics}" "${MESSAGE}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the compile failed, but not with \"${MESSAGE}\":\n"
                      "${command}\n${diagnostics}")
endif()
message(STATUS "failed to compile with \"${MESSAGE}\", as expected: ${command}")
