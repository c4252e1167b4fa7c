// Reading and writing whole files. Writes go through a temporary file and a
// rename, so a reader (or a process killed mid-write) never leaves a
// half-written migration, sum file or document behind.
#pragma once

#include <optional>
#include <string>

namespace strata {

// Throws strata::Error (invalid input) naming the file and the system's reason.
void write_file_atomically(const std::string& path, const std::string& content);

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace strata
