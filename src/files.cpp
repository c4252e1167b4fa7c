#include "strata/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strata/diagnostics.hpp"

namespace strata {

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ExitCode::InvalidInput, "cannot write \"" + temp.string() + "\": " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) throw Error(ExitCode::InvalidInput, "cannot write \"" + temp.string() + "\": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw Error(ExitCode::InvalidInput, "cannot write \"" + path + "\": " + ec.message());
  }
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace strata
