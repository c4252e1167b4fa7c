// A format-neutral tree of a schema document: what both the YAML and the TOML
// readers produce, so that one builder turns either spelling into the same
// model, in the same order, with the same validation.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "strata/diagnostics.hpp"

namespace strata::load {

struct Node {
  enum class Kind { Null, Scalar, Sequence, Map };
  enum class ScalarType { String, Integer, Float, Boolean };

  Kind kind = Kind::Null;
  ScalarType scalar_type = ScalarType::String;
  std::string text;  // scalar value as written (booleans as "true"/"false")
  std::vector<Node> items;
  struct Entry;                 // below, once Node is complete
  std::vector<Entry> entries;  // map entries in document order
  SourceLocation where;

  bool is_map() const { return kind == Kind::Map; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_null() const { return kind == Kind::Null; }
  bool is_string() const { return is_scalar() && scalar_type == ScalarType::String; }
  // The first entry with this key, or nullptr.
  const Node* get(const std::string& key) const;
  // "a map", "a list", "a string", ... for error messages.
  std::string describe() const;
};

struct Node::Entry {
  std::string key;
  SourceLocation key_where;
  Node node;
  const Node& value() const { return node; }
};

// Receives each entry of the document's "tables" list as soon as it is read.
using TableSink = std::function<void(Node&& entry)>;

// Parse errors become diagnostics with the position the parser reported; the
// returned tree is then a null node.
// With a table sink, the entries of the root map's "tables" list go to it one
// at a time and are left out of the returned tree (its "tables" is an empty
// list): the tree of a document of thousands of tables is then never whole.
Node read_yaml(const std::string& content, const std::string& file, Diagnostics& diagnostics,
               const TableSink& tables = {});
Node read_toml(const std::string& content, const std::string& file, Diagnostics& diagnostics);

}  // namespace strata::load
