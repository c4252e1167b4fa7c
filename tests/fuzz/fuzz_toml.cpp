// libFuzzer entry point for the TOML schema loader (load_schema_text, Format::Toml).
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_toml(data, size);
}
