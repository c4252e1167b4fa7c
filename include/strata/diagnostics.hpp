// Diagnostics: source locations, error and warning records, and the error type
// that carries a process exit code up to main.
//
// Every element loaded from a schema file keeps a SourceLocation so that any
// later stage (validation, engine normalization, the differ) can point a user
// at the line that caused a problem. Diagnostics are collected, not thrown, so
// that all problems in a document are reported at once.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace strata {

// The name of a schema file, interned: every location in a file points at one
// process-wide copy of its name, so a location is as cheap to copy as three
// integers (a schema of 10,000 tables has about a million locations, and every
// copy of the model copies them). Names are few and live until the process ends.
class FileName {
 public:
  FileName() = default;
  FileName(const std::string& name);  // NOLINT: implicit, a name is a name
  FileName(const char* name) : FileName(std::string(name)) {}  // NOLINT: implicit

  const std::string& str() const { return name_ ? *name_ : empty_name(); }
  operator const std::string&() const { return str(); }  // NOLINT: implicit
  bool empty() const { return name_ == nullptr; }

  // Equal names are the same interned string.
  friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_; }
  friend bool operator!=(const FileName& a, const FileName& b) { return !(a == b); }
  friend bool operator<(const FileName& a, const FileName& b) { return a.str() < b.str(); }

 private:
  static const std::string& empty_name();
  const std::string* name_ = nullptr;  // interned; nullptr for no name
};

struct SourceLocation {
  FileName file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown

  bool known() const { return !file.empty(); }
  // "file:line:col", "file:line" or "file" depending on what is known.
  std::string str() const;
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation where;
  std::string message;  // lowercase, no trailing period, says what to do

  // "schema.yaml:3:7: error: ..." (LLVM style).
  std::string str() const;
};

// Collects diagnostics in the order they were found.
class Diagnostics {
 public:
  void error(const SourceLocation& where, std::string message);
  void warning(const SourceLocation& where, std::string message);
  void note(const SourceLocation& where, std::string message);

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  // Sorted by file, line and column, errors and warnings interleaved.
  std::vector<Diagnostic> sorted() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// Process exit codes; the public contract documented in docs/exit-codes.md.
enum class ExitCode : int {
  Success = 0,
  ChangesPending = 1,
  Usage = 2,
  InvalidInput = 3,
  Connection = 4,
  MigrationFailed = 5,
  Internal = 70,
};

// An error that ends the command with a specific exit code. The message is
// printed as is, so it should already say what to do.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Invalid input that was found while collecting diagnostics: the diagnostics
// are the message.
class InvalidDocument : public Error {
 public:
  explicit InvalidDocument(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

}  // namespace strata
