# libFuzzer targets (clang): fuzz/<name>_fuzz.cc, linked against every module.
# Built by `make fuzz` (brief runs, also part of `make test`) into build/fuzz.
file(GLOB fuzz_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(src ${fuzz_srcs})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE sanad_formats sanad_intel sanad_detect -fsanitize=fuzzer)
  list(APPEND SANAD_FUZZ_TARGETS ${name})
endforeach()
add_custom_target(fuzzers DEPENDS ${SANAD_FUZZ_TARGETS})
