#include "strata/diagnostics.hpp"

#include <algorithm>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_set>

namespace strata {

FileName::FileName(const std::string& name) {
  if (name.empty()) return;
  static std::mutex guard;
  static std::unordered_set<std::string> names;  // its nodes never move, so pointers to them stay valid
  const std::lock_guard<std::mutex> lock(guard);
  name_ = &*names.insert(name).first;
}

const std::string& FileName::empty_name() {
  static const std::string kEmpty;
  return kEmpty;
}

std::string SourceLocation::str() const {
  std::string out = file.str();
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::str() const {
  std::string out;
  if (where.known()) out += where.str() + ": ";
  switch (severity) {
    case Severity::Error: out += "error: "; break;
    case Severity::Warning: out += "warning: "; break;
    case Severity::Note: out += "note: "; break;
  }
  return out + message;
}

void Diagnostics::error(const SourceLocation& where, std::string message) {
  items_.push_back({Severity::Error, where, std::move(message)});
}
void Diagnostics::warning(const SourceLocation& where, std::string message) {
  items_.push_back({Severity::Warning, where, std::move(message)});
}
void Diagnostics::note(const SourceLocation& where, std::string message) {
  items_.push_back({Severity::Note, where, std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
  return out;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

namespace {
std::string render_all(const Diagnostics& diagnostics) {
  std::ostringstream out;
  bool first = true;
  for (const Diagnostic& d : diagnostics.sorted()) {
    if (!first) out << "\n";
    first = false;
    out << d.str();
  }
  const std::size_t errors = diagnostics.error_count();
  if (errors > 1) out << "\n" << errors << " errors";
  return out.str();
}
}  // namespace

InvalidDocument::InvalidDocument(Diagnostics diagnostics)
    : Error(ExitCode::InvalidInput, render_all(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace strata
