#include "strata/migrate/migration.hpp"

#include <cctype>
#include <filesystem>

#include "strata/migrate/checksum.hpp"
#include "strata/sql/quoting.hpp"
#include "strata/text/similar.hpp"

namespace strata::migrate {

namespace {
const char* const kDirectivePrefix = "-- strata:";
const std::vector<std::string> kDirectives = {"up", "down", "no-transaction", "hazard", "allow"};

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

// What SQL leaves open at the end of a line: a quoted string or name, a block
// comment or a dollar-quoted body, read as split_statements reads them. A
// line that starts inside one is SQL text however much it looks like a
// directive: a table named "x<line break>-- strata:allow ..." must neither
// end a section nor allow anything, and must keep its name.
struct OpenToken {
  char quote = 0;          // the closing quote while inside a quoted string or name
  bool backslash = false;  // inside an E'' string
  int comment_depth = 0;   // block comments nest
  std::string dollar_tag;  // "$tag$" while inside a dollar-quoted body
  int line = 0;            // where the open token began

  bool open() const { return quote || comment_depth > 0 || !dollar_tag.empty(); }

  void scan(const std::string& text, int line_number) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    const bool was_open = open();
    while (i < n) {
      const char c = text[i];
      if (comment_depth > 0) {
        if (text.compare(i, 2, "/*") == 0) ++comment_depth, i += 2;
        else if (text.compare(i, 2, "*/") == 0) --comment_depth, i += 2;
        else ++i;
      } else if (quote) {
        if (backslash && c == '\\') {
          i += 2;
        } else if (c == quote) {
          if (quote != ']' && i + 1 < n && text[i + 1] == quote) i += 2;
          else quote = 0, backslash = false, ++i;
        } else {
          ++i;
        }
      } else if (!dollar_tag.empty()) {
        const std::size_t end = text.find(dollar_tag, i);
        if (end == std::string::npos) break;
        i = end + dollar_tag.size();
        dollar_tag.clear();
      } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
        break;  // the rest of the line is a comment
      } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
        comment_depth = 1;
        i += 2;
      } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
        backslash = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') && (i < 2 || !ident_char(text[i - 2]));
        quote = c == '[' ? ']' : c;
        ++i;
      } else if (c == '$' && (i == 0 || !ident_char(text[i - 1]))) {
        std::size_t j = i + 1;
        while (j < n && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
        if (j < n && text[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
          dollar_tag = text.substr(i, j - i + 1);
          i = j + 1;
        } else {
          i = j;
        }
      } else {
        ++i;
      }
    }
    if (!was_open && open()) line = line_number;
  }
};
}  // namespace

std::optional<std::pair<std::string, std::string>> parse_file_name(const std::string& file_name) {
  const std::string suffix = ".sql";
  if (file_name.size() <= suffix.size() || file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  const std::string stem = file_name.substr(0, file_name.size() - suffix.size());
  std::size_t digits = 0;
  while (digits < stem.size() && std::isdigit(static_cast<unsigned char>(stem[digits]))) ++digits;
  if (digits == 0 || digits + 1 >= stem.size() || stem[digits] != '_') return std::nullopt;
  return std::make_pair(stem.substr(0, digits), stem.substr(digits + 1));
}

Migration parse_migration(const std::string& path, const std::string& content, Diagnostics& diagnostics) {
  Migration m;
  m.file = path;
  m.checksum = "sha256:" + sha256_hex(content);
  const std::string file_name = std::filesystem::path(path).filename().string();
  if (auto parts = parse_file_name(file_name)) {
    m.version = parts->first;
    m.name = parts->second;
  } else {
    diagnostics.error({path, 0, 0}, "migration file name \"" + file_name +
                                        "\" does not have the form <version>_<name>.sql, e.g. 20261121101500_add_team.sql");
  }

  enum class Section { Header, Up, Down };
  Section section = Section::Header;
  int up_line = 0, down_line = 0;
  std::string up_text, down_text;
  int up_start = 0, down_start = 0;
  int line_number = 0;
  OpenToken open_token;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string::npos) end = content.size();
    const std::string line = content.substr(pos, end - pos);
    ++line_number;
    const std::string t = trim(line);
    if (open_token.open()) {
      open_token.scan(line, line_number);
      (section == Section::Down ? down_text : up_text) += line + "\n";
    } else if (t.rfind(kDirectivePrefix, 0) == 0) {
      const std::string directive = trim(t.substr(std::string(kDirectivePrefix).size()));
      const SourceLocation where{path, line_number, 1};
      if (directive == "up") {
        if (up_line) diagnostics.error(where, "second \"-- strata:up\" section (the first is on line " + std::to_string(up_line) + ")");
        else if (section == Section::Down) diagnostics.error(where, "\"-- strata:up\" must come before \"-- strata:down\"");
        up_line = line_number;
        up_start = line_number + 1;
        section = Section::Up;
      } else if (directive == "down") {
        if (down_line) diagnostics.error(where, "second \"-- strata:down\" section (the first is on line " + std::to_string(down_line) + ")");
        down_line = line_number;
        down_start = line_number + 1;
        section = Section::Down;
      } else if (directive == "no-transaction") {
        m.transactional = false;
      } else if (directive == "hazard" || directive.rfind("hazard ", 0) == 0) {
        const std::string rest = trim(directive.substr(6));
        const std::size_t space = rest.find(' ');
        if (rest.empty()) diagnostics.error(where, "\"-- strata:hazard\" needs a code, e.g. -- strata:hazard data_loss.drop_column t.a");
        else m.hazards.emplace_back(rest.substr(0, space), space == std::string::npos ? "" : trim(rest.substr(space + 1)));
      } else if (directive == "allow" || directive.rfind("allow ", 0) == 0) {
        const std::string code = trim(directive.substr(5));
        if (code.empty()) diagnostics.error(where, "\"-- strata:allow\" needs a hazard code, e.g. -- strata:allow data_loss.drop_column");
        else m.allowed.push_back(code);
      } else {
        diagnostics.error(where, "unknown directive \"-- strata:" + directive + "\"" + text::did_you_mean(directive, kDirectives) +
                                     "; known directives: -- strata:up, -- strata:down, -- strata:no-transaction, "
                                     "-- strata:hazard CODE OBJECT, -- strata:allow CODE");
      }
    } else if (section == Section::Header) {
      if (!t.empty() && t.rfind("--", 0) != 0) {
        diagnostics.error({path, line_number, 1}, "SQL before \"-- strata:up\"; put it inside the up section");
        section = Section::Up;  // report once
        up_start = line_number;
      }
    } else if (section == Section::Up) {
      open_token.scan(line, line_number);
      up_text += line + "\n";
    } else {
      open_token.scan(line, line_number);
      down_text += line + "\n";
    }
    if (end == content.size()) break;
    pos = end + 1;
  }
  if (!up_line) {
    diagnostics.error({path, 1, 1}, "migration has no \"-- strata:up\" section; start the file's SQL with a line "
                                    "\"-- strata:up\" and put the undo SQL after \"-- strata:down\"");
  }
  if (!down_line) {
    diagnostics.error({path, line_number, 1}, "migration has no \"-- strata:down\" section; add a line "
                                              "\"-- strata:down\" followed by the SQL that undoes the up section "
                                              "(it may be empty)");
  }
  if (open_token.open()) {
    diagnostics.error({path, open_token.line, 1}, "a quoted string or name, a /* comment or a $$ body begins on this line "
                                                  "and is never closed; lines after it, \"-- strata:\" ones too, are read "
                                                  "as part of it");
  }
  m.up = split_statements(up_text, up_start);
  m.down = split_statements(down_text, down_start);
  return m;
}

std::string render_migration(const MigrationText& migration) {
  std::string out;
  // Comment lines carry names and the -m text: a line break in one must not
  // end the comment and put the rest into the SQL (or make it a directive).
  if (!migration.message.empty()) out += "-- " + sql_comment_text(migration.message) + "\n";
  for (const std::string& note : migration.notes) out += "-- " + sql_comment_text(note) + "\n";
  if (!migration.transactional) out += "-- strata:no-transaction\n";
  for (const auto& [code, object] : migration.hazards)
    out += "-- strata:hazard " + code + " " + sql_comment_text(object) + "\n";
  for (const std::string& code : migration.allowed) out += "-- strata:allow " + code + "\n";
  auto section = [&](const char* marker, const std::vector<std::pair<std::string, std::string>>& statements) {
    out += std::string("\n") + marker + "\n";
    for (const auto& [comment, sql] : statements) {
      if (!comment.empty()) out += "-- " + sql_comment_text(comment) + "\n";
      const std::size_t last_line = sql.rfind('\n');
      const bool ends_in_comment = sql.find("--", last_line == std::string::npos ? 0 : last_line) != std::string::npos;
      out += sql + (ends_in_comment ? "\n;\n" : ";\n");
    }
  };
  section("-- strata:up", migration.up);
  section("-- strata:down", migration.down);
  return out;
}

std::string slug(const std::string& message) {
  std::string out;
  for (char c : message) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.size() > 60) out.resize(60);
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "migration" : out;
}

}  // namespace strata::migrate
