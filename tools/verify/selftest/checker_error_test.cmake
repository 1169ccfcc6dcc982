# Runs vsem-verify-selftest and checks that a run which breaks the checker is
# reported as CHECKER ERROR (not PASS, not FAIL), that the runner goes on to
# the next run, exits non-zero, and still writes its JSON report.
execute_process(COMMAND ${VERIFY} --no-progress --out ${OUT} --json ${OUT}/report.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "vsem-verify exited 0 although a run broke the checker")
endif()
if(NOT out MATCHES "selftest/checker_error_full[^\n]*CHECKER ERROR")
  message(FATAL_ERROR "the broken run was not reported as CHECKER ERROR")
endif()
if(NOT out MATCHES "selftest/random_handles_it[^\n]*PASS")
  message(FATAL_ERROR "the runner did not go on to the next run")
endif()
file(READ ${OUT}/report.json json)
if(NOT json MATCHES "\"verdict\": \"CHECKER ERROR\"")
  message(FATAL_ERROR "the JSON report does not record the checker error")
endif()
