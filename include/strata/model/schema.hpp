// The schema model: what a database should hold (loaded from schema files) or
// does hold (read by a dialect's introspector).
//
// The model knows no SQL dialect. Expressions (defaults, checks, index
// predicates, generated columns, view and trigger bodies) are opaque text that
// only a dialect interprets. Names are compared by the dialect too, since
// case rules differ between engines.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <unordered_map>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/model/boxed_optional.hpp"

namespace strata::model {

// A constant default value, written in the document as a YAML/TOML scalar.
struct Literal {
  enum class Kind { Null, Boolean, Number, String };
  Kind kind = Kind::Null;
  std::string text;  // "true"/"false", the number as written, or the raw string

  bool operator==(const Literal& o) const { return kind == o.kind && text == o.text; }
};

// A column default: either a literal value or an SQL expression.
struct Default {
  enum class Kind { Literal, Expression };
  Kind kind = Kind::Literal;
  Literal literal;         // when kind == Literal
  std::string expression;  // when kind == Expression: SQL, without enclosing parentheses
  SourceLocation where;
};

struct Generated {
  std::string expression;
  bool stored = false;  // STORED vs VIRTUAL
};

// Options of a sequence: what a standalone sequence or an identity column
// sets; unset means the engine's default.
struct SequenceOptions {
  std::optional<long long> start, increment, min_value, max_value, cache;
  bool cycle = false;
  bool operator==(const SequenceOptions& o) const {
    return start == o.start && increment == o.increment && min_value == o.min_value && max_value == o.max_value &&
           cache == o.cache && cycle == o.cycle;
  }
  bool operator!=(const SequenceOptions& o) const { return !(*this == o); }
};

// The parts most columns leave out are boxed (see boxed_optional.hpp).
struct Column {
  std::string name;
  std::string type;  // as written: a portable name ("varchar(40)") or a verbatim dialect type
  bool nullable = false;
  bool autoincrement = false;
  BoxedOptional<Default> default_value;
  BoxedOptional<Generated> generated;
  BoxedOptional<std::string> collation;
  BoxedOptional<std::string> identity;  // PostgreSQL: "always" or "by default"
  // The identity's sequence; empty when every option is the default, so
  // that equal options compare equal (set it with set_identity_sequence).
  BoxedOptional<SequenceOptions> identity_options;
  BoxedOptional<std::string> renamed_from;
  BoxedOptional<std::string> comment;
  SourceLocation where;
  SourceLocation type_where;

  SequenceOptions identity_sequence() const { return identity_options.value_or(SequenceOptions{}); }
  void set_identity_sequence(const SequenceOptions& options) {
    if (options == SequenceOptions{}) identity_options.reset();
    else identity_options = options;
  }
};

// Constraints: name is what the document says (empty when it leaves naming to
// the engine); stored_name is the name the engine gave it, read back by
// introspection, so that a renderer can drop it.
struct PrimaryKey {
  std::optional<std::string> name;
  std::string stored_name;
  std::vector<std::string> columns;
  SourceLocation where;
};

struct UniqueConstraint {
  std::optional<std::string> name;
  std::optional<std::string> renamed_from;
  std::string stored_name;
  std::vector<std::string> columns;
  bool nulls_not_distinct = false;  // PostgreSQL 15+
  SourceLocation where;
};

enum class ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

struct ForeignKey {
  std::optional<std::string> name;
  std::optional<std::string> renamed_from;
  std::string stored_name;
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;  // empty in a document means "the referenced primary key"
  ReferentialAction on_delete = ReferentialAction::NoAction;
  ReferentialAction on_update = ReferentialAction::NoAction;
  bool deferrable = false;
  bool initially_deferred = false;
  bool match_full = false;  // MATCH FULL: all columns null or none
  bool not_valid = false;   // PostgreSQL: added NOT VALID, existing rows not checked yet
  SourceLocation where;
};

struct CheckConstraint {
  std::optional<std::string> name;
  std::optional<std::string> renamed_from;
  std::string stored_name;
  std::string expression;
  bool not_valid = false;
  SourceLocation where;
};

// One key of an index: a column or an expression, with its order and collation.
struct IndexKey {
  std::string column;      // set for a plain column key
  std::string expression;  // set for an expression key
  bool descending = false;
  std::optional<bool> nulls_first;        // when it differs from the engine's default for the order
  std::optional<std::string> collation;
  std::optional<std::string> opclass;     // PostgreSQL operator class, when not the default
  bool is_expression() const { return column.empty(); }
};

struct Index {
  std::string name;  // always set after loading (generated when the document leaves it out)
  bool name_generated = false;
  std::vector<IndexKey> keys;
  std::string method;                // access method (PostgreSQL: btree, hash, gin, gist, brin); "" = default
  std::vector<std::string> include;  // non-key columns (PostgreSQL INCLUDE)
  bool unique = false;
  bool nulls_not_distinct = false;   // PostgreSQL 15+, unique indexes
  std::optional<std::string> where_clause;  // partial index predicate
  std::optional<std::string> renamed_from;
  SourceLocation where;
};

// An exclusion constraint (PostgreSQL): no two rows whose elements all
// compare true under their operators.
struct ExclusionConstraint {
  std::optional<std::string> name;
  std::string stored_name;
  std::string method = "gist";            // the index method
  std::string elements;                   // "room WITH =, during WITH &&"
  std::optional<std::string> where_clause;
  std::string definition;                 // as the engine prints the whole constraint; "" before normalization
  SourceLocation where;
};

// A row-level security policy of a table (PostgreSQL).
struct Policy {
  std::string name;
  std::string command = "all";             // all, select, insert, update, delete
  bool restrictive = false;
  std::vector<std::string> roles;          // sorted; empty means public
  std::optional<std::string> using_clause;
  std::optional<std::string> with_check;
  std::vector<std::string> depends_on;     // object keys (see View::depends_on)
  SourceLocation where;
};

// One partition of a partitioned table (PostgreSQL); its columns are the table's.
struct Partition {
  std::string name;
  std::string schema;
  std::string bound;  // "FOR VALUES ..." or "DEFAULT"
  SourceLocation where;
};

// A part of a table that calls a function (PostgreSQL, read back from the
// engine's dependency records): a column default, a check or an index.
struct FunctionUse {
  enum class Part { Default, Check, Index };
  Part part = Part::Default;
  std::string name;      // the column, the check's stored name, or the index
  std::string function;  // the function's key, "schema.name(argument types)"
};

struct TableOptions {
  bool without_rowid = false;  // SQLite
  bool strict = false;         // SQLite
  bool operator==(const TableOptions& o) const {
    return without_rowid == o.without_rowid && strict == o.strict;
  }
};

struct Table {
  std::string name;
  std::string schema;  // namespace (PostgreSQL); "" means the dialect's default
  std::vector<Column> columns;
  std::optional<PrimaryKey> primary_key;
  std::vector<UniqueConstraint> uniques;
  std::vector<ForeignKey> foreign_keys;
  std::vector<CheckConstraint> checks;
  std::vector<Index> indexes;
  std::vector<ExclusionConstraint> exclusions;
  TableOptions options;
  bool row_security = false;        // PostgreSQL: ENABLE ROW LEVEL SECURITY
  bool force_row_security = false;  // PostgreSQL: FORCE ROW LEVEL SECURITY
  std::vector<Policy> policies;
  std::optional<std::string> partition_by;  // PostgreSQL: "RANGE (created_at)"
  std::vector<Partition> partitions;
  std::vector<FunctionUse> function_uses;  // read back only
  std::optional<std::string> renamed_from;
  std::optional<std::string> comment;
  SourceLocation where;

  const Column* find_column(const std::string& column_name) const;
  Column* find_column(const std::string& column_name);
  bool in_primary_key(const std::string& column_name) const;
};

// Views, functions, triggers and policies name what they depend on by object
// keys, which introspection reads from the engine's dependency records:
// "schema.relation" for a table or view, "schema.relation.column" for one of
// its columns, "schema.type" for an enum or domain, "schema.function(argument
// types)" for a function. Plans use
// them to drop and recreate dependents around a change.
struct View {
  std::string name;
  std::string schema;                // PostgreSQL namespace; "" means the dialect's default
  std::vector<std::string> columns;  // optional explicit column names
  std::string sql;                   // the SELECT, kept as written
  bool materialized = false;         // PostgreSQL
  bool with_data = true;             // materialized: filled when created
  std::optional<std::string> comment;
  std::string definition;                 // as the engine prints it; "" when not read from an engine
  std::vector<std::pair<std::string, std::string>> output_columns;  // (name, type) as the engine reports them (read back only)
  std::vector<std::string> depends_on;
  SourceLocation where;
};

struct Trigger {
  std::string name;
  std::string table;  // "name", or "schema.name" outside the dialect's default schema
  std::string sql;    // the full CREATE TRIGGER statement, kept as written
  std::string definition;  // as the engine prints it; "" when not read from an engine
  std::vector<std::string> depends_on;
  SourceLocation where;
};

// A function or procedure (PostgreSQL), kept as its CREATE statement.
struct Function {
  std::string name;
  std::string schema;
  std::string sql;          // the whole CREATE FUNCTION / PROCEDURE statement
  bool procedure = false;   // read back by introspection
  std::string arguments;    // identity argument types, "integer, text" (read back)
  std::string argument_names;  // the identity arguments with their names (read back)
  std::string result;       // the result type (read back; "" for a procedure)
  std::string definition;   // as the engine prints it; "" when not read from an engine
  std::optional<std::string> comment;
  std::vector<std::string> depends_on;
  SourceLocation where;
  // "name(argument types)", qualified by schema when it has one.
  std::string signature() const;
};

// Privileges of one role on one object (PostgreSQL).
struct Grant {
  std::string kind;     // table, view, sequence, schema, function
  std::string object;   // "name", "schema.name", a schema's name, or a function's "name(types)"
  std::string grantee;  // a role, or "public"
  std::vector<std::string> privileges;  // upper case, in the engine's order
  bool grant_option = false;
  SourceLocation where;
};

// A user-defined enumerated type (PostgreSQL), its labels in order.
struct EnumType {
  std::string name;
  std::string schema;
  std::vector<std::string> values;
  std::vector<std::pair<std::string, std::string>> value_renames;  // (new label, the label it was)
  std::optional<std::string> comment;
  SourceLocation where;
};

// A domain (PostgreSQL): a base type with its own NOT NULL, default and checks.
struct Domain {
  std::string name;
  std::string schema;
  std::string type;
  bool not_null = false;
  std::optional<Default> default_value;
  std::vector<CheckConstraint> checks;
  std::optional<std::string> comment;
  SourceLocation where;
};

// A sequence that no column owns (PostgreSQL); serial and identity columns
// keep theirs implicitly.
struct Sequence {
  std::string name;
  std::string schema;
  std::string type = "bigint";
  std::optional<long long> start, increment, min_value, max_value, cache;
  bool cycle = false;
  std::optional<std::string> comment;
  SourceLocation where;

  void set_options(const SequenceOptions& o) {
    start = o.start;
    increment = o.increment;
    min_value = o.min_value;
    max_value = o.max_value;
    cache = o.cache;
    cycle = o.cycle;
  }
};

struct Schema {
  std::vector<EnumType> enums;
  std::vector<Domain> domains;
  std::vector<Sequence> sequences;
  std::vector<std::string> extensions;
  std::vector<Table> tables;
  std::vector<Function> functions;
  std::vector<View> views;
  std::vector<Trigger> triggers;
  std::vector<Grant> grants;
  // Whether grants are managed: a document that has no "grants" key leaves
  // privileges alone; introspection always reads them.
  bool grants_managed = false;

  const Table* find_table(const std::string& table_name) const;
  Table* find_table(const std::string& table_name);
  // A table named by a reference from a table of from_schema: "name" means
  // the same schema, "schema.name" another one.
  const Table* find_referenced_table(const std::string& reference, const std::string& from_schema) const;
  const View* find_view(const std::string& view_name) const;
  const EnumType* find_enum(const std::string& enum_name) const;
  const Domain* find_domain(const std::string& domain_name) const;
  bool empty() const {
    return tables.empty() && views.empty() && triggers.empty() && enums.empty() && extensions.empty() &&
           domains.empty() && sequences.empty() && functions.empty() && grants.empty();
  }
};

// Name lookups for code that looks up every table of a large schema: the
// same answers as Schema::find_table, find_referenced_table and find_view
// (each a scan), from hash maps built once. The schema must not change while
// the index is in use.
class SchemaIndex {
 public:
  explicit SchemaIndex(const Schema& schema);
  const Table* table(const std::string& name) const;
  const Table* referenced_table(const std::string& reference, const std::string& from_schema) const;
  const View* view(const std::string& name) const;

 private:
  std::unordered_map<std::string, std::vector<const Table*>> tables_;  // lowercased name -> in schema order
  std::unordered_map<std::string, const View*> views_;                 // lowercased name -> first view
};

// Schemas "" and "public" are both the default one, which names leave out.
bool same_schema(const std::string& a, const std::string& b);
// How other objects name a relation: "name" in the default schema, else "schema.name".
std::string relation_label(const std::string& schema, const std::string& name);
// A reference "schema.name" with a default schema left out: "public.t" -> "t".
std::string without_default_schema(const std::string& reference);

// The name an index gets when the document gives none: ix_<table>_<columns>
// (ux_ for unique indexes; "expr" stands for an expression key).
std::string generated_index_name(const std::string& table, const Index& index);

const char* to_string(ReferentialAction action);  // "no action", "cascade", ...
std::optional<ReferentialAction> parse_referential_action(const std::string& text);

// ASCII case-insensitive equality, the identifier rule shared by most engines
// for unquoted names. Dialects with other rules compare through their own hook.
bool iequals(const std::string& a, const std::string& b);
// The same names in the same order, by iequals (column lists of keys and indexes).
bool iequals(const std::vector<std::string>& a, const std::vector<std::string>& b);
std::string to_lower(std::string text);

}  // namespace strata::model
