// libFuzzer entry point for the database URL parser and its redaction.
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_url(data, size);
}
