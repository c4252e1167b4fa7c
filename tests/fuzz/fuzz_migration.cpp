// libFuzzer entry point for the migration file parser (parse_migration).
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_migration(data, size);
}
