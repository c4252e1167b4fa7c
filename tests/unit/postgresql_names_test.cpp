// Reading SQL text a document gives verbatim (dialect/postgresql/ddl.hpp):
// whether it stays in its clause, and which names an expression may read,
// which decides the columns a shared spelling table gives it.
#include <catch2/catch.hpp>

#include "dialect/postgresql/ddl.hpp"

using strata::dialect::postgresql::leaves_its_clause;
using strata::dialect::postgresql::names_in;

namespace {
std::vector<std::string> names(const std::string& sql) {
  auto found = names_in(sql);
  REQUIRE(found.has_value());
  return *found;
}
}  // namespace

TEST_CASE("names_in folds unquoted names and keeps quoted ones", "[names]") {
  CHECK(names("Amount >= 0 AND \"Weight\" < 10") == std::vector<std::string>{"amount", "and", "Weight"});
  CHECK(names("t.col_1 > \"a \"\"b\"\"\"") == std::vector<std::string>{"t", "col_1", "a \"b\""});
  CHECK(names("length(name) BETWEEN 1 AND 64") == std::vector<std::string>{"length", "name", "between", "and"});
}

TEST_CASE("names_in skips strings, numbers, comments and parameters", "[names]") {
  CHECK(names("status = 'a \"b\" c''d' -- x\n OR 1.5e3 > size /* y \"z\" */") ==
        std::vector<std::string>{"status", "or", "size"});
  CHECK(names("note ~ E'\\'x\\'' AND code = $q$ it's \"in\" $q$ AND n > $1") ==
        std::vector<std::string>{"note", "e", "and", "code", "and", "n"});
}

TEST_CASE("names_in refuses names it cannot read and unbalanced SQL", "[names]") {
  CHECK_FALSE(names_in("U&\"d\\0061t\\+000061\" > 0").has_value());
  CHECK_FALSE(names_in("a > 0) OR (true").has_value());
  CHECK_FALSE(names_in("a = 'open").has_value());
}

TEST_CASE("leaves_its_clause tells closed comments from open ones", "[names]") {
  CHECK_FALSE(leaves_its_clause("a /* x /* nested */ y */ > 0").has_value());
  CHECK_FALSE(leaves_its_clause("a > 0 -- x\n AND b > 0").has_value());
  CHECK(leaves_its_clause("a > 0 -- and the rest").value_or("").find("-- comment") != std::string::npos);
  CHECK(leaves_its_clause("a > 0 /* /* */").value_or("").find("/* comment open") != std::string::npos);
  CHECK(leaves_its_clause("a > 0); DROP TABLE t; --").has_value());
}
