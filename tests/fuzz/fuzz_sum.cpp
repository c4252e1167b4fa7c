// libFuzzer entry point for the strata.sum reader (parse_sum).
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_sum(data, size);
}
