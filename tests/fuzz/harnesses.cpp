#include "harnesses.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"
#include "strata/load/loader.hpp"
#include "strata/migrate/directory.hpp"
#include "strata/migrate/migration.hpp"
#include "strata/migrate/splitter.hpp"

// Which exceptions count as bugs: every parser here reports bad input either
// as diagnostics or as a strata::Error (InvalidDocument included), which the
// command line turns into a message and exit code 2 or 3. Anything else that
// escapes (std::out_of_range from std::stoll, std::length_error,
// std::bad_alloc from a size taken from the input, std::regex_error, a YAML or
// TOML library exception) reaches main as "internal error" with exit code 70:
// the user did nothing wrong but gets no location and no hint. The harnesses
// therefore catch strata::Error only and let the rest through.

namespace strata::fuzz {

namespace {

std::string text_of(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

void require(bool condition, const std::string& what) {
  if (!condition) throw InvariantViolation(what);
}

bool is_trim_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

// YAML also breaks lines at \r, U+0085, U+2028 and U+2029 (an upper bound: \r\n counts twice).
std::size_t count_yaml_lines(const std::string& text) {
  std::size_t lines = count_lines(text) + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\r'));
  for (const char* other : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"})
    for (std::size_t at = text.find(other); at != std::string::npos; at = text.find(other, at + 1)) ++lines;
  return lines;
}

// Every diagnostic names the document it was given (or nothing) and a
// position that is either unknown (0) or inside the text.
void check_diagnostics(const Diagnostics& diagnostics, const std::string& file, std::size_t lines) {
  for (const Diagnostic& d : diagnostics.all()) {
    require(d.where.file.empty() || d.where.file == file, "diagnostic names another file: " + d.str());
    require(d.where.line >= 0 && d.where.column >= 0, "negative position: " + d.str());
    require(static_cast<std::size_t>(d.where.line) <= lines, "line past the end of the text: " + d.str());
    require(!d.message.empty(), "empty diagnostic message at " + d.where.str());
  }
}

int load_schema(const std::uint8_t* data, std::size_t size, load::Format format, const std::string& file) {
  const std::string text = text_of(data, size);
  try {
    const load::LoadResult result = load::load_schema_text(text, file, format);
    check_diagnostics(result.diagnostics, file, format == load::Format::Yaml ? count_yaml_lines(text) : count_lines(text));
  } catch (const Error&) {
  }
  return 0;
}

// Statements come out trimmed, non-empty, in order, each a piece of the text,
// with a line number inside the text.
void check_statements(const std::vector<migrate::ScriptStatement>& statements, const std::string& text, int first_line) {
  const long last_line = first_line + static_cast<long>(count_lines(text)) - 1;
  int previous_line = first_line;
  std::size_t search_from = 0;
  for (const migrate::ScriptStatement& s : statements) {
    require(!s.sql.empty(), "empty statement");
    require(!is_trim_space(s.sql.front()) && !is_trim_space(s.sql.back()), "untrimmed statement: " + s.sql);
    require(s.line >= previous_line && s.line <= last_line,
            "statement line " + std::to_string(s.line) + " out of order or outside lines " + std::to_string(first_line) +
                "-" + std::to_string(last_line));
    // The statement is a piece of the text, after the one before, covering the
    // line reported for it (the same text may also appear earlier, in a comment).
    std::size_t at = text.find(s.sql, search_from);
    bool covered = false;
    while (at != std::string::npos && !covered) {
      const long first = first_line + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
      const long last = first + std::count(s.sql.begin(), s.sql.end(), '\n');
      covered = s.line >= first && s.line <= last;
      if (!covered) at = text.find(s.sql, at + 1);
    }
    require(covered, "statement at line " + std::to_string(s.line) + " is not a piece of the script there: " + s.sql);
    search_from = at + s.sql.size();
    previous_line = s.line;
  }
}

// --- the database URL oracle ------------------------------------------------
// Where libpq finds passwords, so that the harness can tell whether a
// redaction hides them. It follows libpq's own readers (conninfo_parse for
// keyword strings, conninfo_uri_parse_options for URIs), independently of
// strata's redact_url.

struct Span {
  std::size_t begin = 0;
  std::size_t size = 0;
};

bool c_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// "host=h password = 'it\'s'": keyword, optional blanks, '=', optional blanks,
// then a single-quoted value or one running to the next blank; a backslash
// escapes the next character in both.
std::vector<Span> keyword_password_spans(const std::string& s) {
  std::vector<Span> spans;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && c_space(s[i])) ++i;
    if (i == n) break;
    const std::size_t name_begin = i;
    while (i < n && s[i] != '=' && !c_space(s[i])) ++i;
    const std::string name = s.substr(name_begin, i - name_begin);
    while (i < n && c_space(s[i])) ++i;
    if (i == n || s[i] != '=') break;  // libpq stops here: "missing = after ..."
    ++i;
    while (i < n && c_space(s[i])) ++i;
    const std::size_t value_begin = i;
    if (i < n && s[i] == '\'') {
      ++i;
      while (i < n && s[i] != '\'') i += s[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, n);
    } else {
      while (i < n && !c_space(s[i])) i += s[i] == '\\' ? 2 : 1;
      i = std::min(i, n);
    }
    if (name == "password") spans.push_back({value_begin, i - value_begin});
  }
  return spans;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// body: what follows "postgresql://". The user information ends at the first
// '@' met before any '/', the password starts after its first ':'; query
// parameters follow the first '?' after that and are percent-decoded.
std::vector<Span> uri_password_spans(const std::string& body) {
  std::vector<Span> spans;
  const std::size_t n = body.size();
  std::size_t p = 0;
  while (p < n && body[p] != '@' && body[p] != '/') ++p;
  std::size_t host = 0;
  if (p < n && body[p] == '@') {
    const std::size_t colon = body.find(':');
    if (colon < p) spans.push_back({colon + 1, p - colon - 1});
    host = p + 1;
  }
  std::size_t q = body.find('?', host);
  while (q != std::string::npos && q < n) {
    const std::size_t begin = q + 1;
    std::size_t end = body.find('&', begin);
    if (end == std::string::npos) end = n;
    const std::size_t eq = body.find('=', begin);
    if (eq < end && percent_decode(body.substr(begin, eq - begin)) == "password")
      spans.push_back({eq + 1, end - eq - 1});
    q = end;
  }
  return spans;
}

std::string replace_spans(std::string text, std::vector<Span> spans, std::size_t offset) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin > b.begin; });
  for (const Span& s : spans) text.replace(offset + s.begin, s.size, "***");
  return text;
}

// A password must not show in redacted text. A password that the ideal
// redaction (each password replaced by ***) still shows, because it also
// appears elsewhere in the URL, proves nothing and is skipped.
void check_redacted(const std::string& url, const std::string& redacted, const std::vector<Span>& spans,
                    std::size_t offset) {
  const std::string ideal = replace_spans(url, spans, offset);
  for (const Span& s : spans) {
    const std::string password = url.substr(offset + s.begin, s.size);
    // A password holding a '*' may show up made by the redaction itself: the
    // "***" it writes joins the text kept around it ("passworsslpassword=***"
    // spells the password "rsslpassword=**"). Text without a '*' cannot be
    // made that way.
    if (password.empty() || ideal.find(password) != std::string::npos || password.find('*') != std::string::npos) continue;
    require(redacted.find(password) == std::string::npos,
            "password \"" + password + "\" of \"" + url + "\" shows in \"" + redacted + "\"");
  }
}

}  // namespace

int fuzz_yaml(const std::uint8_t* data, std::size_t size) { return load_schema(data, size, load::Format::Yaml, "fuzz.yaml"); }

int fuzz_toml(const std::uint8_t* data, std::size_t size) { return load_schema(data, size, load::Format::Toml, "fuzz.toml"); }

int fuzz_migration(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  // The first line doubles as a file name for the name parser.
  const std::string first_line = text.substr(0, text.find('\n'));
  if (auto parts = migrate::parse_file_name(first_line)) {
    require(!parts->first.empty() && std::all_of(parts->first.begin(), parts->first.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; }),
            "version is not all digits: " + parts->first);
    require(!parts->second.empty(), "empty migration name in " + first_line);
    require(parts->first + "_" + parts->second + ".sql" == first_line, "name parts do not make the file name " + first_line);
  }

  const std::string path = "migrations/20260101000000_fuzz.sql";
  Diagnostics diagnostics;
  try {
    const migrate::Migration m = migrate::parse_migration(path, text, diagnostics);
    require(m.version == "20260101000000" && m.name == "fuzz" && m.file == path, "file name misread");
    require(m.checksum.size() == 7 + 64 && m.checksum.rfind("sha256:", 0) == 0, "bad checksum " + m.checksum);
    check_diagnostics(diagnostics, path, count_lines(text));
    // Statement lines are what apply reports a failing statement with; a file
    // with errors is refused before anything runs, so they are checked only
    // for files that parsed cleanly.
    if (!diagnostics.has_errors()) {
      const int lines = static_cast<int>(count_lines(text));
      for (const auto* section : {&m.up, &m.down}) {
        for (const migrate::ScriptStatement& s : *section) {
          require(!s.sql.empty() && s.line >= 1 && s.line <= lines,
                  "statement at line " + std::to_string(s.line) + " of " + std::to_string(lines));
        }
      }
    }
    for (const std::string& code : m.allowed) require(!code.empty(), "empty allowed hazard code");
    for (const auto& hazard : m.hazards) require(!hazard.first.empty(), "empty hazard code");
  } catch (const Error&) {
  }
  return 0;
}

int fuzz_splitter(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  // Split twice: from line 1, and from a later line as the migration parser does.
  check_statements(migrate::split_statements(text), text, 1);
  const auto shifted = migrate::split_statements(text, 40);
  check_statements(shifted, text, 40);
  const auto plain = migrate::split_statements(text);
  require(plain.size() == shifted.size(), "the first line changes how a script splits");
  for (std::size_t i = 0; i < plain.size(); ++i)
    require(plain[i].sql == shifted[i].sql && plain[i].line + 39 == shifted[i].line, "the first line changes a statement");
  return 0;
}

int fuzz_url(const std::uint8_t* data, std::size_t size) {
  const std::string url = text_of(data, size);
  const std::string redacted = config::redact_url(url);
  std::optional<config::DatabaseUrl> parsed;
  try {
    parsed = config::parse_database_url(url);
  } catch (const Error&) {
    return 0;
  }
  require(parsed->original == url, "original URL not kept");
  require(parsed->redacted() == redacted, "redacted() differs from redact_url()");
  if (parsed->scheme == "sqlite") {
    require(parsed->conninfo.empty(), "a SQLite URL with a connection string");
    require(!(parsed->memory && !parsed->path.empty()), "an in-memory database with a path");
    require(parsed->memory || !parsed->path.empty(), "a SQLite file database without a path");
    return 0;
  }
  require(parsed->scheme == "postgresql", "unknown scheme accepted: " + parsed->scheme);
  require(!parsed->conninfo.empty() && parsed->schemas == std::vector<std::string>{"public"},
          "PostgreSQL URL without connection string or default schema");
  // libpq reads conninfo; the passwords it finds there are the ones to hide.
  const std::string uri_prefix = "postgresql://";
  if (parsed->conninfo.rfind(uri_prefix, 0) == 0) {
    const std::string body = parsed->conninfo.substr(uri_prefix.size());
    const std::size_t body_offset = url.size() - body.size();
    require(url.compare(body_offset, std::string::npos, body) == 0, "conninfo does not end with the URL's body");
    check_redacted(url, redacted, uri_password_spans(body), body_offset);
  } else {
    require(parsed->conninfo == url, "a keyword connection string was changed");
    check_redacted(url, redacted, keyword_password_spans(url), 0);
  }
  return 0;
}

int fuzz_sum(const std::uint8_t* data, std::size_t size) {
  const std::string text = text_of(data, size);
  const migrate::SumFile sum = migrate::parse_sum(text);
  const int lines = static_cast<int>(count_lines(text));
  int previous = 0;
  for (int line : sum.unreadable_lines) {
    require(line > previous && line <= lines, "unreadable line " + std::to_string(line) + " out of order or range");
    previous = line;
  }
  require(sum.directory.find_first_of(" \n") == std::string::npos, "directory checksum with a space or newline");
  require(sum.files.count("directory") == 0, "the directory line read as a file");
  for (const auto& [file, checksum] : sum.files) {
    require(checksum.find_first_of(" \n") == std::string::npos, "checksum with a space or newline: " + checksum);
    require(file.find('\n') == std::string::npos && (file.empty() || file[0] != '#'), "impossible file name " + file);
  }

  // What render_sum writes for these entries reads back as the same entries.
  std::vector<migrate::Migration> migrations;
  for (const auto& [file, checksum] : sum.files) {
    if (file.find('/') != std::string::npos || file == "." || file == ".." || file.empty()) continue;
    migrate::Migration m;
    m.file = "migrations/" + file;
    m.checksum = checksum;
    migrations.push_back(m);
  }
  const migrate::SumFile again = migrate::parse_sum(migrate::render_sum(migrations));
  require(again.unreadable_lines.empty(), "render_sum wrote an unreadable line");
  require(again.files.size() == migrations.size() && again.directory.rfind("sha256:", 0) == 0,
          "render_sum output reads back differently");
  for (const migrate::Migration& m : migrations) {
    auto it = again.files.find(m.file.substr(std::string("migrations/").size()));
    require(it != again.files.end() && it->second == m.checksum, "render_sum lost or changed " + m.file);
  }
  return 0;
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"yaml", fuzz_yaml}, {"toml", fuzz_toml}, {"migration", fuzz_migration},
      {"splitter", fuzz_splitter}, {"url", fuzz_url}, {"sum", fuzz_sum},
  };
  return all;
}

}  // namespace strata::fuzz
