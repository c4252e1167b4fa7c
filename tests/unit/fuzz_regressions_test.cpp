// Replays fuzz inputs through the same harnesses the fuzzers run
// (tests/fuzz/harnesses.cpp), so that the ordinary test build catches a
// crash coming back: every input under tests/fuzz/regressions/<target>/ (each
// once crashed a fuzzer) and the committed seeds with the repository files
// scripts/fuzz.sh adds to them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harnesses.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kSource = STRATA_SOURCE_DIR;

std::vector<fs::path> files_in(const fs::path& dir, const std::vector<std::string>& extensions = {},
                               bool recursive = false) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  auto wanted = [&](const fs::path& p) {
    if (extensions.empty()) return true;
    for (const std::string& e : extensions)
      if (p.extension() == e) return true;
    return false;
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(dir))
      if (entry.is_regular_file() && wanted(entry.path())) out.push_back(entry.path());
  } else {
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && wanted(entry.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Runs one input; true when the harness returned 0 without throwing.
bool replay(const strata::fuzz::Target& target, const fs::path& file) {
  const std::string input = bytes_of(file);
  INFO("fuzz_" << target.name << " " << fs::relative(file, kSource).string());
  int result = -1;
  CHECK_NOTHROW(result = target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
  CHECK(result == 0);
  return result == 0;
}

// The seed files of a target: its committed seeds and the repository files
// that scripts/fuzz.sh copies into its starting corpus.
std::vector<fs::path> seeds_of(const std::string& target) {
  std::vector<fs::path> out = files_in(kSource / "tests/fuzz/seeds" / target);
  auto add = [&out](std::vector<fs::path> more) { out.insert(out.end(), more.begin(), more.end()); };
  if (target == "yaml") {
    add(files_in(kSource / "examples", {".yaml", ".yml"}, true));
    add(files_in(kSource / "tests/cases", {".yaml"}, true));
    add(files_in(kSource / "tests/errors", {".yaml", ".yml"}));
  } else if (target == "toml") {
    add(files_in(kSource / "examples", {".toml"}, true));
    add(files_in(kSource / "tests/errors", {".toml"}));
  } else if (target == "migration" || target == "splitter") {
    add(files_in(kSource / "tests/fixtures", {".sql"}));
    add(files_in(kSource / "tests/fuzz/seeds" / (target == "migration" ? "splitter" : "migration")));
  }
  return out;
}

}  // namespace

TEST_CASE("every fuzz target replays its seeds", "[fuzz]") {
  for (const strata::fuzz::Target& target : strata::fuzz::targets()) {
    DYNAMIC_SECTION("fuzz_" << target.name) {
      const std::vector<fs::path> seeds = seeds_of(target.name);
      REQUIRE_FALSE(seeds.empty());
      std::size_t passed = 0;
      for (const fs::path& seed : seeds) passed += replay(target, seed) ? 1 : 0;
      CHECK(passed == seeds.size());
    }
  }
}

TEST_CASE("inputs that once crashed a fuzzer are handled", "[fuzz]") {
  std::map<std::string, std::size_t> replayed;
  std::size_t total = 0;
  for (const strata::fuzz::Target& target : strata::fuzz::targets()) {
    for (const fs::path& input : files_in(kSource / "tests/fuzz/regressions" / target.name)) {
      CHECK(replay(target, input));
      ++replayed[target.name];
      ++total;
    }
  }
  // Every subfolder of regressions/ must belong to a target, or its inputs would never run.
  for (const auto& entry : fs::directory_iterator(kSource / "tests/fuzz/regressions")) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    INFO("tests/fuzz/regressions/" << name);
    CHECK(replayed.count(name) == 1);
  }
  CHECK(total > 0);
}

TEST_CASE("fuzz harnesses handle empty input and a single byte", "[fuzz]") {
  const std::uint8_t byte = 0;
  for (const strata::fuzz::Target& target : strata::fuzz::targets()) {
    INFO("fuzz_" << target.name);
    CHECK(target.run(&byte, 0) == 0);
    CHECK(target.run(&byte, 1) == 0);
  }
}
