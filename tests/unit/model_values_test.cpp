// The value types the model is built from: boxed optionals copy deeply and
// compare like std::optional, identity options are stored only when they say
// something, and file names in locations compare by name.
#include <catch2/catch.hpp>

#include <string>

#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

using strata::FileName;
using strata::SourceLocation;
using strata::model::BoxedOptional;
using strata::model::Column;
using strata::model::SequenceOptions;

TEST_CASE("a boxed optional behaves as a value", "[model]") {
  BoxedOptional<std::string> empty;
  CHECK_FALSE(empty.has_value());
  CHECK(empty == std::nullopt);
  CHECK(empty.value_or("fallback") == "fallback");
  CHECK_THROWS_AS(empty.value(), std::bad_optional_access);

  BoxedOptional<std::string> comment = "the hero's team";
  REQUIRE(comment.has_value());
  CHECK(*comment == "the hero's team");
  CHECK(comment->size() == 15);
  CHECK(comment == std::string("the hero's team"));
  CHECK(comment != empty);

  SECTION("a copy is a separate value") {
    BoxedOptional<std::string> copy = comment;
    CHECK(copy == comment);
    *copy += " (renamed)";
    CHECK(copy != comment);
    CHECK(*comment == "the hero's team");
    copy = empty;
    CHECK_FALSE(copy.has_value());
    CHECK(comment.has_value());
  }
  SECTION("a move leaves the source empty and the target holding the value") {
    BoxedOptional<std::string> moved = std::move(comment);
    CHECK(*moved == "the hero's team");
  }
  SECTION("it converts to and from std::optional") {
    const std::optional<std::string> plain = comment;
    CHECK(plain == std::optional<std::string>("the hero's team"));
    BoxedOptional<std::string> back = plain;
    CHECK(back == comment);
    back = std::optional<std::string>();
    CHECK(back == std::nullopt);
  }
  SECTION("emplace and reset") {
    empty.emplace("x");
    CHECK(empty == std::string("x"));
    empty.reset();
    CHECK_FALSE(empty);
  }
}

TEST_CASE("identity options are stored only when one differs from the default", "[model]") {
  Column column;
  column.set_identity_sequence(SequenceOptions{});
  CHECK_FALSE(column.identity_options.has_value());
  CHECK(column.identity_sequence() == SequenceOptions{});

  SequenceOptions options;
  options.start = 100;
  column.set_identity_sequence(options);
  REQUIRE(column.identity_options.has_value());
  CHECK(column.identity_sequence().start == 100);

  // Two columns with the same options compare equal however they were set.
  Column other;
  other.set_identity_sequence(options);
  CHECK(other.identity_options == column.identity_options);
  column.set_identity_sequence(SequenceOptions{});
  CHECK(column.identity_options == Column{}.identity_options);
}

TEST_CASE("file names in locations compare by name", "[model]") {
  const std::string name = "schemas/app.yaml";
  const SourceLocation a{FileName(name), 3, 7};
  const SourceLocation b{FileName(std::string("schemas/") + "app.yaml"), 3, 7};
  CHECK(a.file == b.file);
  CHECK(a.file != FileName("schemas/other.yaml"));
  CHECK(a.str() == "schemas/app.yaml:3:7");
  CHECK(FileName().empty());
  CHECK(FileName("").empty());
  CHECK(FileName() == FileName(""));
  CHECK(FileName("a.yaml") < FileName("b.yaml"));
}
