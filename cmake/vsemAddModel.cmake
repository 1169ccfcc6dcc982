# vsemAddModel.cmake: vsem_add_model(), a model program whose runs are tests.
#
#   vsem_add_model(NAME
#     SOURCES src...           the models: vsem::model::test types and their
#                              VSEM_REGISTER_RUNS registrations
#     [LABELS label...]        ctest labels of every run (default: model); a run
#                              that must fail (.expect(...)) also gets "mutant"
#     [TIMEOUT seconds]        time limit of one run (default 300): the runner
#                              stops the search then and still writes its
#                              reports; ctest's own timeout is 60 s later
#     [OUTPUT_DIRECTORY dir]   traces, schedules and per-run JSON/JUnit reports
#                              (default <binary dir>/NAME-results)
#     [TEST_PREFIX prefix]     ctest names are <prefix><run name> (default NAME.)
#     [NO_RUN_TESTS])          build the program only
#
# NAME is an executable linked with vsem::verify and vsem::verify_main: a
# complete runner (NAME --help). After each build the program lists its runs
# (NAME list --porcelain) and every run of the CI tier becomes a ctest test
# running `NAME --run <run>` (as gtest_discover_tests does for GoogleTest).
# A failing run leaves <dir>/<run>.trace.txt, .trace.json and .schedule.
include_guard(GLOBAL)

set(_VSEM_MODEL_TESTS_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/vsemModelTests.cmake")

function(vsem_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_RUN_TESTS" "TIMEOUT;OUTPUT_DIRECTORY;TEST_PREFIX"
                        "SOURCES;LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vsem_add_model(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "vsem_add_model(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE vsem::verify vsem::verify_main)
  if(arg_NO_RUN_TESTS)
    return()
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  if(NOT arg_OUTPUT_DIRECTORY)
    set(arg_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${name}-results")
  endif()
  if(NOT DEFINED arg_TEST_PREFIX)
    set(arg_TEST_PREFIX "${name}.")
  endif()
  if(NOT arg_LABELS)
    set(arg_LABELS model)
  endif()
  string(REPLACE ";" "," labels "${arg_LABELS}")
  set(runs_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_runs.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_include.cmake")
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" "-DEXE=$<TARGET_FILE:${name}>" "-DOUT_FILE=${runs_file}"
            "-DPREFIX=${arg_TEST_PREFIX}" "-DLABELS=${labels}" "-DTIMEOUT=${arg_TIMEOUT}"
            "-DRESULTS=${arg_OUTPUT_DIRECTORY}" -P "${_VSEM_MODEL_TESTS_SCRIPT}"
    BYPRODUCTS "${runs_file}"
    VERBATIM)
  file(WRITE "${include_file}"
       "if(EXISTS \"${runs_file}\")\n"
       "  include(\"${runs_file}\")\n"
       "else()\n"
       "  add_test(\"${arg_TEST_PREFIX}NOT_BUILT\" \"${name}_NOT_BUILT\")\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
