// Reading and writing whole files. Writes go through a temporary file and a
// rename, so a reader (or a process killed mid-write) never leaves a
// half-written migration, sum file or document behind; the file and then its
// directory are synced, so that a power loss does not either.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata {

// Throws strata::Error (invalid input) naming the file and the system's reason.
void write_file_atomically(const std::string& path, const std::string& content);

// A write killed before its rename leaves its temporary file, ".NAME.tmp",
// next to where NAME would have been. Removes those in directory whose NAME
// ours() accepts (nothing else: the folder may hold files of other tools) and
// returns their file names.
std::vector<std::string> remove_leftover_temporaries(const std::string& directory,
                                                     const std::function<bool(const std::string&)>& ours);

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace strata
