# Run a command, save its standard output to a file (and echo it to the test
# log), and fail when the command fails.
#   cmake -DOUTPUT=<file> -DCMD="<exe>;<arg>;..." -P tools/capture.cmake
# Used by the model tests whose printed tables tools/readme_gen.py reads.
if(NOT DEFINED OUTPUT OR NOT DEFINED CMD)
  message(FATAL_ERROR "capture.cmake: usage: -DOUTPUT=<file> -DCMD=<exe;args...> -P capture.cmake")
endif()
get_filename_component(_dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
execute_process(COMMAND ${CMD}
  OUTPUT_FILE "${OUTPUT}.partial"
  RESULT_VARIABLE _rc)
file(READ "${OUTPUT}.partial" _out)
file(RENAME "${OUTPUT}.partial" "${OUTPUT}")
message("${_out}")
if(NOT _rc STREQUAL "0")
  message(FATAL_ERROR "capture.cmake: command exited with ${_rc}: ${CMD}")
endif()
