// TOML spelling of the schema document, read with toml++ into a Node tree.
// toml++ tables do not keep insertion order, so map entries are put back in
// source order; order that carries meaning lives in arrays anyway.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <tuple>

#include "strata/load/document_tree.hpp"

namespace strata::load {

namespace {

SourceLocation location(const std::string& file, const toml::source_position& pos) {
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

Node convert(const toml::node& t, const std::string& file) {
  Node node;
  node.where = location(file, t.source().begin);
  if (const toml::table* table = t.as_table()) {
    node.kind = Node::Kind::Map;
    for (auto&& [key, value] : *table) {
      Node::Entry entry;
      entry.key = std::string(key.str());
      entry.key_where = location(file, key.source().begin);
      if (!entry.key_where.line) entry.key_where = location(file, value.source().begin);
      entry.holder.push_back(convert(value, file));
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

}  // namespace

Node read_toml(const std::string& content, const std::string& file, Diagnostics& diagnostics) {
  try {
    toml::table root = toml::parse(content, file);
    return convert(root, file);
  } catch (const toml::parse_error& e) {
    diagnostics.error(location(file, e.source().begin), "invalid TOML: " + std::string(e.description()));
    return Node{};
  }
}

}  // namespace strata::load
