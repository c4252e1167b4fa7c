#include "strata/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strata/diagnostics.hpp"

namespace strata {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw Error(ExitCode::InvalidInput, "cannot write \"" + path + "\": " + std::strerror(error));
}

// The temporary file that path's content is written to before the rename.
fs::path temporary_for(const fs::path& target) {
  return target.parent_path() / ("." + target.filename().string() + ".tmp");
}

// Writes all of content to fd and flushes it to the disk: the rename that
// follows must not be able to reach the disk before the bytes it publishes.
int write_and_sync(int fd, const std::string& content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  while (::fsync(fd) != 0)
    if (errno != EINTR) return errno;
  return 0;
}

// Flushes a directory's entries, so that a rename into it survives a power
// loss and not only a killed process. Filesystems that cannot sync a
// directory (EINVAL) have nothing more to offer.
int sync_directory(const fs::path& directory) {
  const std::string name = directory.empty() ? "." : directory.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int error = 0;
  while (::fsync(fd) != 0) {
    if (errno == EINTR) continue;
    if (errno != EINVAL) error = errno;
    break;
  }
  ::close(fd);
  return error;
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  const fs::path temp = temporary_for(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) cannot_write(temp.string(), errno);
  int error = write_and_sync(fd, content);
  if (::close(fd) != 0 && error == 0) error = errno;
  std::error_code ec;
  if (error != 0) {
    fs::remove(temp, ec);
    cannot_write(temp.string(), error);
  }
  fs::rename(temp, target, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp, ec);
    throw Error(ExitCode::InvalidInput, "cannot write \"" + path + "\": " + reason);
  }
  if (const int dir_error = sync_directory(target.parent_path())) cannot_write(path, dir_error);
}

std::vector<std::string> remove_leftover_temporaries(const std::string& directory,
                                                     const std::function<bool(const std::string&)>& ours) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".tmp";
    if (name.size() <= 1 + suffix.size() || name.front() != '.' ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string target = name.substr(1, name.size() - 1 - suffix.size());
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec) || !ours(target)) continue;
    std::error_code remove_ec;
    if (fs::remove(entry.path(), remove_ec)) removed.push_back(name);
  }
  return removed;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace strata
