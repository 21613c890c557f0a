# Runs one example or tool as a user would from a shell and checks its exit code and output:
# CTest's PASS_REGULAR_EXPRESSION ignores the exit code, so both are checked here.
#   cmake -DPROGRAM=path -DARGS=--help -DEXIT=0 [-DSTDOUT_MATCHES=regex] [-DSTDERR_MATCHES=regex]
#         -P check_cli.cmake
execute_process(COMMAND "${PROGRAM}" ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
set(run "${PROGRAM} ${ARGS}")
if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "${run}: exit code ${rc}, expected ${EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED STDOUT_MATCHES AND NOT out MATCHES "${STDOUT_MATCHES}")
  message(FATAL_ERROR "${run}: stdout does not match ${STDOUT_MATCHES}\nstdout:\n${out}")
endif()
if(DEFINED STDERR_MATCHES AND NOT err MATCHES "${STDERR_MATCHES}")
  message(FATAL_ERROR "${run}: stderr does not match ${STDERR_MATCHES}\nstderr:\n${err}")
endif()
message(STATUS "${run}: exit code ${rc} as expected")
