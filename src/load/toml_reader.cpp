// TOML spelling of the schema document, read with toml++ into a Node tree.
// toml++ tables do not keep insertion order, so map entries are put back in
// source order; order that carries meaning lives in arrays anyway.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>
#include <tuple>
#include <vector>

#include "strata/load/document_tree.hpp"

namespace strata::load {

namespace {

SourceLocation location(const FileName& file, const toml::source_position& pos) {
  return {file, static_cast<int>(pos.line), static_cast<int>(pos.column)};
}

// The shortest text that reads back as the same double, keeping a decimal
// point so that 1.0 stays a float as it does when YAML reads "1.0".
std::string float_text(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

Node convert(const toml::node& t, const FileName& file) {
  Node node;
  node.where = location(file, t.source().begin);
  if (const toml::table* table = t.as_table()) {
    node.kind = Node::Kind::Map;
    for (auto&& [key, value] : *table) {
      Node::Entry entry;
      entry.key = std::string(key.str());
      entry.key_where = location(file, key.source().begin);
      if (!entry.key_where.line) entry.key_where = location(file, value.source().begin);
      entry.node = convert(value, file);
      node.entries.push_back(std::move(entry));
    }
    std::stable_sort(node.entries.begin(), node.entries.end(), [](const Node::Entry& a, const Node::Entry& b) {
      return std::tie(a.key_where.line, a.key_where.column) < std::tie(b.key_where.line, b.key_where.column);
    });
  } else if (const toml::array* array = t.as_array()) {
    node.kind = Node::Kind::Sequence;
    for (const toml::node& item : *array) node.items.push_back(convert(item, file));
  } else {
    node.kind = Node::Kind::Scalar;
    if (auto s = t.value<std::string>(); s && t.is_string()) {
      node.scalar_type = Node::ScalarType::String;
      node.text = *s;
    } else if (t.is_integer()) {
      node.scalar_type = Node::ScalarType::Integer;
      node.text = std::to_string(t.as_integer()->get());
    } else if (t.is_floating_point()) {
      node.scalar_type = Node::ScalarType::Float;
      node.text = float_text(t.as_floating_point()->get());
    } else if (t.is_boolean()) {
      node.scalar_type = Node::ScalarType::Boolean;
      node.text = t.as_boolean()->get() ? "true" : "false";
    } else {
      // Dates and times: kept as their TOML text, read as strings.
      std::ostringstream out;
      t.visit([&out](auto&& value) {
        if constexpr (toml::is_date<decltype(value)> || toml::is_time<decltype(value)> ||
                      toml::is_date_time<decltype(value)>)
          out << value;
      });
      node.scalar_type = Node::ScalarType::String;
      node.text = out.str();
    }
  }
  return node;
}

// toml++ 3.3 asks whether a non-ASCII character is whitespace wherever
// whitespace may stand, and its table for that question has holes (U+00A1 to
// U+0499 among them) that end in undefined behaviour. It asks it of every
// character of a bare value (a number, date or boolean), which it reads up to
// a blank, ",", "]", "}" or "#", quotes and all. Outside strings and comments
// such a character is invalid TOML anyway, and the one valid spot toml++ also
// asks about is the start of a line continued by a backslash in a multi-line
// basic string; all are reported here, before toml++ sees them.
struct UnsafeCharacter {
  std::size_t offset;
  const char* message;
};

std::optional<UnsafeCharacter> find_unsafe_character(const std::string& s) {
  const std::size_t n = s.size();
  auto non_ascii = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]) >= 0x80; };
  auto blank = [&s](std::size_t i) { return s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'); };
  auto ends_bare_value = [&](std::size_t i) { return blank(i) || s[i] == ',' || s[i] == ']' || s[i] == '}' || s[i] == '#'; };
  constexpr const char* kOutsideQuotes = "unexpected non-ASCII character; outside quotes TOML allows them only in comments";
  std::size_t i = s.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // a byte order mark
  // A quote opens a string only where a key or value may start; a value
  // starts after "=", and after "[" or "," in an array.
  char before = '\n';
  bool value_next = false;     // the next non-blank character starts a value
  std::vector<char> brackets;  // arrays ('[') and inline tables ('{') open at this point
  while (i < n) {
    const char c = s[i];
    if (value_next && !blank(i) && c != '#' && c != '"' && c != '\'' && c != '[' && c != '{' && c != ']') {
      // A bare value: toml++ reads on to a blank, ",", "]", "}" or "#".
      for (; i < n && !ends_bare_value(i); ++i)
        if (non_ascii(i)) return UnsafeCharacter{i, kOutsideQuotes};
      value_next = false;
      before = 'x';
      continue;
    }
    const bool opens = (c == '"' || c == '\'') && std::string(" \t\r\n=[{,.").find(before) != std::string::npos;
    if (c == '#') {
      i = std::min(s.find('\n', i), n);
    } else if (opens && s.compare(i, 3, std::string(3, c)) == 0) {
      for (i += 3; i < n;) {
        if (c == '"' && s[i] == '\\') {
          std::size_t j = i + 1;
          while (j < n && blank(j)) ++j;
          if (j < n && non_ascii(j))
            return UnsafeCharacter{j, "a non-ASCII character right after a backslash in a multi-line string is not "
                                      "supported; write it as \\uXXXX or begin the line with an ASCII character"};
          i = j == i + 1 ? j + 1 : j;
        } else if (s.compare(i, 3, std::string(3, c)) == 0) {
          while (i < n && s[i] == c) ++i;  // up to two more quotes belong to the string
          break;
        } else {
          ++i;
        }
      }
      value_next = false;
    } else if (opens) {
      for (++i; i < n && s[i] != c && s[i] != '\n'; ++i)
        if (c == '"' && s[i] == '\\') ++i;
      if (i < n && s[i] == c) ++i;
      value_next = false;
    } else if (non_ascii(i)) {
      return UnsafeCharacter{i, kOutsideQuotes};
    } else {
      if (c == '=') value_next = true;
      // "[" opens an array where a value starts; elsewhere it opens a table header.
      if ((c == '[' || c == '{') && value_next) brackets.push_back(c), value_next = c == '[';
      else if (c == ',' && !brackets.empty()) value_next = brackets.back() == '[';
      else if ((c == ']' || c == '}') && !brackets.empty() && brackets.back() == (c == ']' ? '[' : '{')) brackets.pop_back(), value_next = false;
      ++i;
    }
    before = c;
  }
  return std::nullopt;
}

}  // namespace

Node read_toml(const std::string& content, const std::string& file, Diagnostics& diagnostics) {
  if (auto unsafe = find_unsafe_character(content)) {
    const std::size_t line_start = content.rfind('\n', unsafe->offset) + 1;  // 0 when on the first line
    const auto line = 1 + std::count(content.begin(), content.begin() + static_cast<long>(unsafe->offset), '\n');
    const auto column = 1 + std::count_if(content.begin() + static_cast<long>(line_start),
                                          content.begin() + static_cast<long>(unsafe->offset),
                                          [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    diagnostics.error({file, static_cast<int>(line), static_cast<int>(column)}, std::string("invalid TOML: ") + unsafe->message);
    return Node{};
  }
  try {
    toml::table root = toml::parse(content, file);
    return convert(root, FileName(file));
  } catch (const toml::parse_error& e) {
    diagnostics.error(location(file, e.source().begin), "invalid TOML: " + std::string(e.description()));
    return Node{};
  }
}

}  // namespace strata::load
