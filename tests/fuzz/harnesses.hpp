// Fuzz harnesses: one function per parser that reads untrusted text (schema
// documents, migration files, SQL scripts, database URLs, strata.sum). Each
// feeds the bytes to the parser, accepts the errors the parser is meant to
// report, and checks the invariants its result must keep.
//
// The same functions serve two callers: the libFuzzer entry points in
// tests/fuzz/fuzz_*.cpp, and the Catch2 test that replays the seeds and every
// input that once crashed (tests/unit/fuzz_regressions_test.cpp).
//
// A harness returns 0 when the input was handled. It lets through any
// exception other than the expected strata::Error, and throws
// InvariantViolation when a result breaks a rule, so that libFuzzer records
// a crash and the Catch2 test a failure with the message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::fuzz {

class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

int fuzz_yaml(const std::uint8_t* data, std::size_t size);       // load_schema_text, YAML
int fuzz_toml(const std::uint8_t* data, std::size_t size);       // load_schema_text, TOML
int fuzz_migration(const std::uint8_t* data, std::size_t size);  // parse_migration, parse_file_name
int fuzz_splitter(const std::uint8_t* data, std::size_t size);   // split_statements
int fuzz_url(const std::uint8_t* data, std::size_t size);        // parse_database_url, redact_url
int fuzz_sum(const std::uint8_t* data, std::size_t size);        // parse_sum, render_sum

struct Target {
  const char* name;  // "yaml": the executable is fuzz_yaml, its seeds are in tests/fuzz/seeds/yaml/
  int (*run)(const std::uint8_t* data, std::size_t size);
};

// Every target, in a fixed order.
const std::vector<Target>& targets();

}  // namespace strata::fuzz
