# examples/check_handoff.cmake: runs `vsem_handoff` (examples/handoff.cpp) and checks its
# output (cmake -P).
#
#   cmake -DHANDOFF=<path to vsem_handoff> [-DMODE=run|help|bad-option] -P check_handoff.cmake
#
# run:        exit 0; five blocks, each "We will do five iterations:" followed
#             by "consumer is waiting." and "producer notify : producted item
#             number N" (either order, as the threads start) and then
#             "Consumer notify : consumed item number N " with the same N in
#             0..1000; "program terminated" last; nothing else.
# help:       --help exits 0 and prints the usage.
# bad-option: an unknown option exits 2 with the usage on stderr.
cmake_minimum_required(VERSION 3.22)

if(NOT HANDOFF)
  message(FATAL_ERROR "check_handoff.cmake: -DHANDOFF=<path to vsem_handoff> is required")
endif()
if(NOT MODE)
  set(MODE run)
endif()

function(fail why)
  message(FATAL_ERROR "handoff check (${MODE}) failed: ${why}\n--- stdout ---\n${out}\n--- stderr ---\n${err}")
endfunction()

if(MODE STREQUAL "help")
  execute_process(COMMAND "${HANDOFF}" --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    fail("--help exited with ${rc}")
  endif()
  if(NOT out MATCHES "usage: vsem_handoff" OR NOT out MATCHES "--delay-ms" OR NOT out MATCHES "--seed-delay")
    fail("--help did not print the usage")
  endif()
  return()
endif()

if(MODE STREQUAL "bad-option")
  execute_process(COMMAND "${HANDOFF}" --no-such-option RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "usage: vsem_handoff")
    fail("an unknown option should exit 2 with the usage (got ${rc})")
  endif()
  execute_process(COMMAND "${HANDOFF}" --delay-ms RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2)
    fail("--delay-ms without a value should exit 2 (got ${rc})")
  endif()
  return()
endif()

if(NOT MODE STREQUAL "run")
  message(FATAL_ERROR "check_handoff.cmake: unknown MODE '${MODE}'")
endif()

execute_process(COMMAND "${HANDOFF}" --delay-ms 10
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  fail("exit status ${rc}")
endif()

# One list element per line (the output contains no ';').
string(REPLACE "\r" "" text "${out}")
string(REGEX REPLACE "\n$" "" text "${text}")
string(REPLACE "\n" ";" lines "${text}")
list(LENGTH lines count)
if(NOT count EQUAL 21)
  fail("expected 21 lines (5 x 4 + 1), got ${count}")
endif()

foreach(block RANGE 0 4)
  math(EXPR first "${block} * 4")
  math(EXPR second "${first} + 1")
  math(EXPR third "${first} + 2")
  math(EXPR fourth "${first} + 3")
  math(EXPR iteration "${block} + 1")
  list(GET lines ${first} header)
  list(GET lines ${second} a)
  list(GET lines ${third} b)
  list(GET lines ${fourth} consumed_line)
  if(NOT header STREQUAL "We will do five iterations:")
    fail("iteration ${iteration}: expected the header, got '${header}'")
  endif()
  # The consumer announces itself and the producer produces in either order;
  # the consumption is always last (it follows both).
  set(waiting 0)
  set(produced "")
  foreach(line IN ITEMS "${a}" "${b}")
    if(line STREQUAL "consumer is waiting.")
      math(EXPR waiting "${waiting} + 1")
    elseif(line MATCHES "^producer notify : producted item number ([0-9]+)$")
      if(NOT produced STREQUAL "")
        fail("iteration ${iteration}: two producer lines")
      endif()
      set(produced "${CMAKE_MATCH_1}")
    else()
      fail("iteration ${iteration}: unexpected line '${line}'")
    endif()
  endforeach()
  if(NOT waiting EQUAL 1 OR produced STREQUAL "")
    fail("iteration ${iteration}: expected one 'consumer is waiting.' and one producer line")
  endif()
  if(NOT consumed_line MATCHES "^Consumer notify : consumed item number ([0-9]+) ?$")
    fail("iteration ${iteration}: expected the consumer line last, got '${consumed_line}'")
  endif()
  set(consumed "${CMAKE_MATCH_1}")
  if(NOT consumed EQUAL produced)
    fail("iteration ${iteration}: produced ${produced} but consumed ${consumed}")
  endif()
  if(produced GREATER 1000)
    fail("iteration ${iteration}: item ${produced} is outside 0..1000")
  endif()
endforeach()

list(GET lines 20 last)
if(NOT last STREQUAL "program terminated")
  fail("last line is '${last}', expected 'program terminated'")
endif()
message(STATUS "handoff output ok: 5 iterations, every consumed item is the produced one")
