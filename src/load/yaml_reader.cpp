// YAML spelling of the schema document, read with yaml-cpp into a Node tree.
// Plain scalars are resolved with the YAML 1.2 core schema (so `yes` stays a
// string); quoted scalars are always strings.
#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>

#include "strata/load/document_tree.hpp"

namespace strata::load {

namespace {

SourceLocation location(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

void resolve_plain_scalar(Node& node) {
  static const std::regex kInt(R"([-+]?(0|[1-9][0-9]*))");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  const std::string& t = node.text;
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    node.kind = Node::Kind::Null;
  } else if (t == "true" || t == "True" || t == "TRUE") {
    node.scalar_type = Node::ScalarType::Boolean;
    node.text = "true";
  } else if (t == "false" || t == "False" || t == "FALSE") {
    node.scalar_type = Node::ScalarType::Boolean;
    node.text = "false";
  } else if (std::regex_match(t, kInt)) {
    node.scalar_type = Node::ScalarType::Integer;
  } else if (std::regex_match(t, kFloat)) {
    node.scalar_type = Node::ScalarType::Float;
  }
}

Node convert(const YAML::Node& y, const std::string& file, Diagnostics& diagnostics) {
  Node node;
  node.where = location(file, y.Mark());
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      node.kind = Node::Kind::Null;
      break;
    case YAML::NodeType::Scalar:
      node.kind = Node::Kind::Scalar;
      node.text = y.Scalar();
      if (y.Tag() != "!") resolve_plain_scalar(node);
      break;
    case YAML::NodeType::Sequence:
      node.kind = Node::Kind::Sequence;
      for (const YAML::Node& item : y) node.items.push_back(convert(item, file, diagnostics));
      break;
    case YAML::NodeType::Map: {
      node.kind = Node::Kind::Map;
      std::set<std::string> seen;
      for (auto it = y.begin(); it != y.end(); ++it) {
        Node::Entry entry;
        entry.key_where = location(file, it->first.Mark());
        if (!it->first.IsScalar()) {
          diagnostics.error(entry.key_where, "map keys must be plain names");
          continue;
        }
        entry.key = it->first.Scalar();
        if (!seen.insert(entry.key).second) {
          diagnostics.error(entry.key_where, "duplicate key \"" + entry.key + "\"; remove one of them");
          continue;
        }
        entry.holder.push_back(convert(it->second, file, diagnostics));
        node.entries.push_back(std::move(entry));
      }
      break;
    }
  }
  return node;
}

}  // namespace

Node read_yaml(const std::string& content, const std::string& file, Diagnostics& diagnostics) {
  try {
    YAML::Node root = YAML::Load(content);
    return convert(root, file, diagnostics);
  } catch (const YAML::Exception& e) {
    diagnostics.error(location(file, e.mark), "invalid YAML: " + e.msg);
    return Node{};
  }
}

}  // namespace strata::load
