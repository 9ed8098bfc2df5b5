# Benchmark programs (SANAD_BENCH=ON): every bench/<dir>/*_bench.cc is a
# standalone program, target and binary named after the file, written to
# build/bench/. Script-driven benchmarks (bench/*/run.sh) need no target.
file(GLOB bench_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/*/*_bench.cc)
foreach(src ${bench_srcs})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE sanad_cli)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endforeach()
