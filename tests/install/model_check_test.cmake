# tests/install/model_check_test.cmake: a user's project checked with an
# installed vsem (ctest model.user_project; cmake -P).
#
# 1. cmake --install the vsem build tree (built with the models) into a
#    scratch prefix;
# 2. configure and build examples/model_check against that prefix only
#    (find_package(vsem COMPONENTS model verify) + vsem_add_model);
# 3. its ctest: the fixed queue passes, the first version is CAUGHT with the
#    data race it must show;
# 4. the installed vsem-trace reads the saved counterexample: its first
#    sentence names the user's file and line, in text, JSON and from stdin,
#    and --html renders it (checked in headless Chromium when installed);
# 5. --models leaves out the run that must fail, and a one-second time limit
#    stops a search with TIME LIMIT, its report still written;
# 6. --order-sensitivity weakens the call sites the user's model reaches (here
#    those of the installed semaphore.hpp) and shows one needed.
#
# Inputs (-D): VSEM_BUILD_DIR, VSEM_WORK_DIR, VSEM_PROJECT_DIR,
# VSEM_CXX_COMPILER, VSEM_GENERATOR; optional VSEM_TRACE_OUT (where to save
# vsem-trace's output for the counterexample).
cmake_minimum_required(VERSION 3.22)

foreach(var VSEM_BUILD_DIR VSEM_WORK_DIR VSEM_PROJECT_DIR VSEM_CXX_COMPILER VSEM_GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "model_check_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${VSEM_WORK_DIR}/prefix")
set(build "${VSEM_WORK_DIR}/build")
set(results "${build}/slot_queue_models-results")
file(REMOVE_RECURSE "${VSEM_WORK_DIR}")
file(MAKE_DIRECTORY "${VSEM_WORK_DIR}")

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "user project: ${step} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "user project: ${step}: ok")
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
function(expect text pattern what)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "user project: ${what}: expected to match '${pattern}', got:\n${text}")
  endif()
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install "${VSEM_BUILD_DIR}" --prefix "${prefix}")
foreach(file include/vsem/verify/registry.hpp include/vsem/model/platform.hpp bin/vsem-trace)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "user project: ${file} was not installed under ${prefix}")
  endif()
endforeach()

run("configure" ${CMAKE_COMMAND} -S "${VSEM_PROJECT_DIR}" -B "${build}" -G "${VSEM_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${VSEM_CXX_COMPILER}" "-DCMAKE_BUILD_TYPE=Release"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF" "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF")
run("build" ${CMAKE_COMMAND} --build "${build}")

# 3. The project's tests: one per run.
run("ctest" ${CMAKE_CTEST_COMMAND} --test-dir "${build}" --output-on-failure)
expect("${last_output}" "slot_queue_models\\.slot_queue [^\n]*Passed" "the fixed queue's test")
expect("${last_output}" "slot_queue_models\\.slot_queue_v1 [^\n]*Passed" "the first version's test")
expect("${last_output}" "100% tests passed, 0 tests failed out of 2" "ctest summary")
run("ctest -L mutant" ${CMAKE_CTEST_COMMAND} --test-dir "${build}" -L mutant -N)
expect("${last_output}" "Total Tests: 1" "the run that must fail, labelled mutant")
file(READ "${results}/slot_queue_v1.json" report)
expect("${report}" "\"verdict\": \"CAUGHT\"" "the first version's report")
expect("${report}" "DATA RACE at slot_queue.hpp\\([0-9]+\\)" "the line the trace must name")
foreach(file slot_queue_v1.trace.txt slot_queue_v1.trace.json slot_queue_v1.schedule)
  if(NOT EXISTS "${results}/${file}")
    message(FATAL_ERROR "user project: ${results}/${file} was not written")
  endif()
endforeach()

# 4. The counterexample, read with the installed vsem-trace.
file(STRINGS "${VSEM_PROJECT_DIR}/slot_queue.hpp" lines)
set(n 0)
set(race_line 0)
foreach(l IN LISTS lines)
  math(EXPR n "${n} + 1")
  if(race_line EQUAL 0 AND l MATCHES "return slot_\\.load\\(\\);")
    set(race_line ${n})
  endif()
endforeach()
set(trace "${prefix}/bin/vsem-trace")
run("vsem-trace" "${trace}" "${results}/slot_queue_v1.trace.txt")
if(DEFINED VSEM_TRACE_OUT)  # quoted in docs/verify-your-code.md (tools/readme_gen.py)
  file(WRITE "${VSEM_TRACE_OUT}" "${last_output}")
endif()
string(REGEX MATCH "^[^\n]*" first "${last_output}")
expect("${first}" "^data race: .*slot_queue\\.hpp:[0-9]+.*:${race_line}[^0-9]"
       "the first sentence of the trace (text)")
run("vsem-trace .json" "${trace}" "${results}/slot_queue_v1.trace.json")
string(REGEX MATCH "^[^\n]*" first_json "${last_output}")
if(NOT first_json STREQUAL first)
  message(FATAL_ERROR "user project: .trace.json reads as '${first_json}', .trace.txt as '${first}'")
endif()
execute_process(COMMAND "${trace}" - INPUT_FILE "${results}/slot_queue_v1.trace.txt"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out)
string(REGEX MATCH "^[^\n]*" first_stdin "${out}")
if(NOT rc EQUAL 0 OR NOT first_stdin STREQUAL first)
  message(FATAL_ERROR "user project: vsem-trace - (stdin) gave ${rc}: '${first_stdin}'")
endif()
run("vsem-trace --html" "${trace}" --html "${results}/slot_queue_v1.trace.txt"
  -o "${VSEM_WORK_DIR}/slot_queue_v1.html")
file(READ "${VSEM_WORK_DIR}/slot_queue_v1.html" html)
expect("${html}" "slot_queue\\.hpp" "the HTML page")
find_program(chromium NAMES chromium chromium-browser)
if(chromium)
  execute_process(COMMAND "${chromium}" --headless --no-sandbox --disable-gpu
    --dump-dom "file://${VSEM_WORK_DIR}/slot_queue_v1.html"
    RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_QUIET TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "user project: chromium could not render the page (${rc})")
  endif()
  expect("${dom}" "slot_queue\\.hpp" "the page as Chromium renders it")
  message(STATUS "user project: rendered in headless Chromium: ok")
else()
  message(STATUS "user project: no chromium: the page was not rendered")
endif()

# 5. --models leaves out a run that must fail; a time limit is a verdict.
execute_process(COMMAND "${build}/slot_queue_models" --no-progress --run slot_queue_v1 --models
  --out "${VSEM_WORK_DIR}/plain" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
expect("${err}" "no run matches" "--models leaves out a run that must fail")
execute_process(COMMAND "${build}/slot_queue_models" --no-progress --scheduler random
  --iterations 1000000000 --time-limit 1 --run slot_queue --out "${VSEM_WORK_DIR}/limit"
  --json "${VSEM_WORK_DIR}/limit.json" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "user project: a run stopped at its time limit must fail the runner (${rc}):\n${out}")
endif()
expect("${out}" "slot_queue [^\n]*UNEXPECTED TIME LIMIT" "the time-limited run")
file(READ "${VSEM_WORK_DIR}/limit.json" report)
expect("${report}" "\"verdict\": \"TIME LIMIT\"" "the time-limited run's report")

# 6. Order sensitivity on the installed headers the user's model reaches.
execute_process(COMMAND "${build}/slot_queue_models" --order-sensitivity --no-progress
  --run slot_queue --out "${VSEM_WORK_DIR}/order" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
expect("${out}" "order sensitivity: baseline pass over 1 model runs" "order sensitivity")
expect("${out}" "\nsemaphore\\.hpp:[0-9]+ +rmw +[a-z_]+ +[a-z_]+ +needed +slot_queue: "
       "a site of the installed semaphore.hpp shown needed by the user's model")
message(STATUS "user project: order sensitivity on the installed headers: ok")
message(STATUS "user project: passed")
