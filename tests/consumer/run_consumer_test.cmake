# Installs the build tree into a prefix, builds tests/consumer against it with
# find_package(actortx), and runs the result.
# cmake -DBUILD_DIR=... -DCONSUMER_SRC=... -DWORK_DIR=... -P run_consumer_test.cmake
foreach(var BUILD_DIR CONSUMER_SRC WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer_test.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")

function(run_step what)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "${what} failed (${rc}):\n  ${cmd}\n${out}")
  endif()
  message(STATUS "${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Same compiler as the library; and a sanitizer build's static library needs the sanitizer
# runtime in the consumer as well (the exported target does not carry it).
load_cache("${BUILD_DIR}" READ_WITH_PREFIX actortx_ CMAKE_CXX_COMPILER ACTORTX_SANITIZE)
set(consumer_args)
if(actortx_CMAKE_CXX_COMPILER)
  list(APPEND consumer_args "-DCMAKE_CXX_COMPILER=${actortx_CMAKE_CXX_COMPILER}")
endif()
if(actortx_ACTORTX_SANITIZE)
  list(APPEND consumer_args "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined"
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()

run_step("install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
# Only the installed prefix may satisfy find_package(actortx), never the build tree, so the
# user package registry is off.
run_step("configure consumer" ${CMAKE_COMMAND} -S "${CONSUMER_SRC}" -B "${consumer_build}"
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_BUILD_TYPE=Release
  ${consumer_args})
run_step("build consumer" ${CMAKE_COMMAND} --build "${consumer_build}")

set(consumer_bin "${consumer_build}/consumer")
if(NOT EXISTS "${consumer_bin}")
  message(FATAL_ERROR "the consumer built, but ${consumer_bin} does not exist")
endif()
run_step("run consumer" "${consumer_bin}")
if(NOT step_output MATCHES "actortx consumer OK")
  message(FATAL_ERROR "the consumer ran but did not print \"actortx consumer OK\":\n${step_output}")
endif()
message(STATUS "${step_output}")
