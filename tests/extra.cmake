# Tests beyond the per-module GoogleTest binaries.

# Runs each libFuzzer target (built into build/fuzz by `make build-fuzz`)
# for FUZZ_SECONDS; skipped (77) when the fuzzers were not built.
add_test(NAME fuzz_smoke COMMAND ${CMAKE_SOURCE_DIR}/fuzz/smoke.sh ${CMAKE_SOURCE_DIR}/build/fuzz)
set_tests_properties(fuzz_smoke PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)

# The demo script end to end on a throw-away store.
add_test(NAME demo_script COMMAND ${CMAKE_COMMAND} -E env SANAD_BIN=$<TARGET_FILE:sanad>
         SANAD_DEMO_DATA=${CMAKE_BINARY_DIR}/demo-data ${CMAKE_SOURCE_DIR}/scripts/demo.sh)
