// libFuzzer entry point for the SQL statement splitter (split_statements).
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_splitter(data, size);
}
