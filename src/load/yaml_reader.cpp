// YAML spelling of the schema document, read with libyaml's event parser into
// a Node tree. libyaml is used rather than a DOM library because schema files
// of thousands of tables must load in a fraction of a second: events are
// turned straight into the document tree, with no intermediate copy.
// Plain scalars are resolved with the YAML 1.2 core schema (so `yes` stays a
// string); quoted and block scalars, and scalars tagged !!str, are strings.
#include <yaml.h>

#include <map>
#include <set>
#include <unordered_set>
#include <string>
#include <utility>

#include "strata/load/document_tree.hpp"
#include "strata/text/numbers.hpp"

namespace strata::load {

namespace {

constexpr int kMaxDepth = 200;  // deeper nesting is no schema; refuse it before the stack runs out
// Each alias copies its anchor's tree, so a few lines of nested aliases can
// stand for billions of nodes; copies beyond this many nodes are refused.
constexpr std::size_t kMaxAliasNodes = 1000000;
constexpr const char* kStringTag = "tag:yaml.org,2002:str";

SourceLocation location(const FileName& file, const yaml_mark_t& mark) {
  return {file, static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

// Where the text ends, counting lines and columns as libyaml does: line
// breaks are \n, \r\n, \r, U+0085, U+2028 and U+2029; columns count characters.
SourceLocation end_of_text(const std::string& text, const std::string& file) {
  SourceLocation end{file, 1, 1};
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t width = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') width = 2;
    const bool line_break = c == '\n' || c == '\r' || text.compare(i, 2, "\xC2\x85") == 0 ||
                            text.compare(i, 3, "\xE2\x80\xA8") == 0 || text.compare(i, 3, "\xE2\x80\xA9") == 0;
    if (line_break) {
      ++end.line;
      end.column = 1;
    } else {
      ++end.column;
    }
    i += width;
  }
  return end;
}

void resolve_plain_scalar(Node& node) {
  const std::string& t = node.text;
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") {
    node.kind = Node::Kind::Null;
  } else if (t == "true" || t == "True" || t == "TRUE") {
    node.scalar_type = Node::ScalarType::Boolean;
    node.text = "true";
  } else if (t == "false" || t == "False" || t == "FALSE") {
    node.scalar_type = Node::ScalarType::Boolean;
    node.text = "false";
  } else if (text::is_whole_number(t)) {
    node.scalar_type = Node::ScalarType::Integer;
  } else if (text::is_decimal_number(t)) {
    node.scalar_type = Node::ScalarType::Float;
  }
}

// One parser event, released when it goes out of scope.
struct Event {
  yaml_event_t raw{};
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { yaml_event_delete(&raw); }
};

struct SyntaxError {
  SourceLocation where;
  std::string message;
};

class TreeBuilder {
 public:
  TreeBuilder(const std::string& content, const std::string& file, Diagnostics& diagnostics, const TableSink& tables)
      : file_(file), diagnostics_(diagnostics), tables_(tables) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  }
  ~TreeBuilder() { yaml_parser_delete(&parser_); }
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  // The first document of the stream (an empty stream is a null node).
  Node first_document() {
    Event start;
    next(start);  // STREAM_START
    Event document;
    next(document);
    if (document.raw.type != YAML_DOCUMENT_START_EVENT) return Node{};
    Event root;
    next(root);
    return node(root, 0);
  }

 private:
  void next(Event& event) {
    if (!yaml_parser_parse(&parser_, &event.raw)) {
      std::string message = parser_.problem ? parser_.problem : "unreadable input";
      if (parser_.context) message = std::string(parser_.context) + ", " + message;
      throw SyntaxError{location(file_, parser_.problem_mark), message};
    }
  }

  // first: the node count when n was started, so that its anchor knows its size.
  void remember(const yaml_char_t* anchor, const Node& n, std::size_t first) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = {n, nodes_ - first};
  }

  Node node(const Event& event, int depth) {
    if (depth > kMaxDepth) throw SyntaxError{location(file_, event.raw.start_mark), "nesting is too deep"};
    const std::size_t first = nodes_++;
    Node n;
    n.where = location(file_, event.raw.start_mark);
    switch (event.raw.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = event.raw.data.scalar;
        n.kind = Node::Kind::Scalar;
        n.text.assign(reinterpret_cast<const char*>(s.value), s.length);
        const bool tagged_string = s.tag && std::string(reinterpret_cast<const char*>(s.tag)) == kStringTag;
        if (s.style == YAML_PLAIN_SCALAR_STYLE && !tagged_string) resolve_plain_scalar(n);
        remember(s.anchor, n, first);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        n.kind = Node::Kind::Sequence;
        for (;;) {
          Event item;
          next(item);
          if (item.raw.type == YAML_SEQUENCE_END_EVENT) break;
          n.items.push_back(node(item, depth + 1));
        }
        n.items.shrink_to_fit();  // the tree of a large schema is held whole for a while
        remember(event.raw.data.sequence_start.anchor, n, first);
        break;
      case YAML_MAPPING_START_EVENT:
        n.kind = Node::Kind::Map;
        read_entries(n, depth);
        remember(event.raw.data.mapping_start.anchor, n, first);
        break;
      case YAML_ALIAS_EVENT: {
        const std::string anchor = reinterpret_cast<const char*>(event.raw.data.alias.anchor);
        auto found = anchors_.find(anchor);
        if (found == anchors_.end())
          throw SyntaxError{n.where, "alias *" + anchor + " names no anchor defined before it"};
        const auto& [tree, size] = found->second;
        alias_nodes_ += size;
        if (alias_nodes_ > kMaxAliasNodes)
          throw SyntaxError{n.where, "aliases expand to more than " + std::to_string(kMaxAliasNodes) +
                                         " nodes; write the repeated parts out or nest fewer aliases"};
        nodes_ += size - 1;
        const SourceLocation where = n.where;
        n = tree;
        n.where = where;
        break;
      }
      default:
        throw SyntaxError{n.where, "unexpected content"};
    }
    return n;
  }

  // Whether the map already has an entry under key. Maps of a schema are
  // small and scanned; a large one gets a set of its keys.
  static bool has_key(const Node& map, const std::string& key, std::unordered_set<std::string>& large_keys) {
    constexpr std::size_t kScanned = 16;
    if (map.entries.size() <= kScanned) {
      for (const Node::Entry& e : map.entries)
        if (e.key == key) return true;
      return false;
    }
    if (large_keys.empty())
      for (const Node::Entry& e : map.entries) large_keys.insert(e.key);
    return large_keys.count(key) > 0;
  }

  void read_entries(Node& map, int depth) {
    std::unordered_set<std::string> large_keys;  // every key of map.entries, once it has many
    for (;;) {
      Event key;
      next(key);
      if (key.raw.type == YAML_MAPPING_END_EVENT) {
        map.entries.shrink_to_fit();  // the tree of a large schema is held whole for a while
        return;
      }
      Node::Entry entry;
      entry.key_where = location(file_, key.raw.start_mark);
      Event value;
      if (key.raw.type != YAML_SCALAR_EVENT) {
        diagnostics_.error(entry.key_where, "map keys must be plain names");
        node(key, depth + 1);  // consumed and dropped
        next(value);
        node(value, depth + 1);
        continue;
      }
      entry.key.assign(reinterpret_cast<const char*>(key.raw.data.scalar.value), key.raw.data.scalar.length);
      next(value);
      const bool streamed = tables_ && depth == 0 && entry.key == "tables" &&
                            value.raw.type == YAML_SEQUENCE_START_EVENT && !value.raw.data.sequence_start.anchor;
      Node item = streamed ? stream_tables(value, depth + 1) : node(value, depth + 1);
      if (has_key(map, entry.key, large_keys)) {
        diagnostics_.error(entry.key_where, "duplicate key \"" + entry.key + "\"; remove one of them");
        continue;
      }
      if (!large_keys.empty()) large_keys.insert(entry.key);
      entry.node = std::move(item);
      map.entries.push_back(std::move(entry));
    }
  }

  // The root's "tables" list: each entry goes to the sink; the list stays empty.
  Node stream_tables(const Event& start, int depth) {
    ++nodes_;
    Node list;
    list.kind = Node::Kind::Sequence;
    list.where = location(file_, start.raw.start_mark);
    for (;;) {
      Event item;
      next(item);
      if (item.raw.type == YAML_SEQUENCE_END_EVENT) return list;
      tables_(node(item, depth + 1));
    }
  }

  yaml_parser_t parser_{};
  const FileName file_;  // one shared name for every location
  Diagnostics& diagnostics_;
  const TableSink& tables_;
  std::map<std::string, std::pair<Node, std::size_t>> anchors_;  // anchor -> its tree and node count
  std::size_t nodes_ = 0;        // nodes in the tree so far, alias copies included
  std::size_t alias_nodes_ = 0;  // nodes copied through aliases
};

}  // namespace

Node read_yaml(const std::string& content, const std::string& file, Diagnostics& diagnostics,
               const TableSink& tables) {
  try {
    TreeBuilder builder(content, file, diagnostics, tables);
    return builder.first_document();
  } catch (const SyntaxError& e) {
    // At the end of the stream libyaml counts a line break that a text without
    // a final one does not have: point at the end of the last line instead.
    SourceLocation where = e.where;
    const SourceLocation end = end_of_text(content, file);
    if (where.line > end.line) where = end;
    diagnostics.error(where, "invalid YAML: " + e.message);
    return Node{};
  }
}

}  // namespace strata::load
