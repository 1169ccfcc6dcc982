# bench/check_report.cmake: the bench.report smoke test (run with cmake -P).
# Runs report.py on the smoke JSON with a markdown file and a matplotlib plot,
# then fails unless report.py exited 0 and both files exist and are non-empty.
#
#   cmake -DPYTHON="<python> [args]" -DREPORT=report.py -DJSON=smoke.json
#         -DMARKDOWN=smoke.md -DPNG=smoke.png -P check_report.cmake
#
# PYTHON is a command line (split like a shell would), so that the test can be
# pointed at an interpreter without matplotlib, e.g. "/usr/bin/python3 -I -S".
foreach(var PYTHON REPORT JSON MARKDOWN PNG)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_report.cmake: -D${var}=... is required")
  endif()
endforeach()
separate_arguments(python_cmd UNIX_COMMAND "${PYTHON}")

# A stale plot from an earlier run must not make the test pass.
file(REMOVE "${MARKDOWN}" "${PNG}")
execute_process(
  COMMAND ${python_cmd} "${REPORT}" "${JSON}" --markdown "${MARKDOWN}" --plot "${PNG}"
          --plotter matplotlib --require-plot
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_report.cmake: report.py failed (exit ${rc}) with ${PYTHON}; "
                      "the plot needs matplotlib (Debian: python3-matplotlib, see ci/deps.sh)")
endif()
foreach(f "${MARKDOWN}" "${PNG}")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "check_report.cmake: ${f} was not written")
  endif()
  file(SIZE "${f}" size)
  if(size EQUAL 0)
    message(FATAL_ERROR "check_report.cmake: ${f} is empty")
  endif()
  message(STATUS "check_report.cmake: ${f}: ${size} bytes")
endforeach()
file(READ "${PNG}" magic LIMIT 8 HEX)
if(NOT magic STREQUAL "89504e470d0a1a0a")
  message(FATAL_ERROR "check_report.cmake: ${PNG} is not a PNG file (starts with ${magic})")
endif()
