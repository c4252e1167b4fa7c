#include "strata/load/document_tree.hpp"

namespace strata::load {

const Node* Node::get(const std::string& key) const {
  for (const Entry& e : entries)
    if (e.key == key) return &e.value();
  return nullptr;
}

std::string Node::describe() const {
  switch (kind) {
    case Kind::Null: return "an empty value";
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a map";
    case Kind::Scalar: break;
  }
  switch (scalar_type) {
    case ScalarType::String: return "a string";
    case ScalarType::Integer: return "an integer";
    case ScalarType::Float: return "a number";
    case ScalarType::Boolean: return "a boolean";
  }
  return "a value";
}

}  // namespace strata::load
