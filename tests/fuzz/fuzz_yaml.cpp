// libFuzzer entry point for the YAML schema loader (load_schema_text, Format::Yaml).
#include "harnesses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return strata::fuzz::fuzz_yaml(data, size);
}
