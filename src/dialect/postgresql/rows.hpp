// Rows: the rows of a query result, every field as text or null, copied out
// of the libpq result into one buffer of text and one array of field ends.
// Introspecting thousands of tables fetches hundreds of thousands of fields;
// a string object per field would take several times the memory of the text
// and one allocation for each field longer than a few characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::dialect::postgresql {

class Rows {
 public:
  // One row: a view into its Rows, valid while they live (moving them keeps it valid).
  class Row {
   public:
    std::size_t size() const { return columns_; }
    bool empty() const { return columns_ == 0; }
    bool is_null(std::size_t column) const { return (*end_of(column) & kNull) != 0; }
    // The field's text; "" for null.
    std::string_view view(std::size_t column) const {
      const std::uint64_t end = *end_of(column) & ~kNull;
      const std::uint64_t begin = (first_ + column == 0) ? 0 : (end_of(column)[-1] & ~kNull);
      return std::string_view(text_ + begin, end - begin);
    }
    std::string text(std::size_t column) const { return std::string(view(column)); }
    std::optional<std::string> operator[](std::size_t column) const {
      if (is_null(column)) return std::nullopt;
      return text(column);
    }
    // As operator[], and throws std::out_of_range past the last column.
    std::optional<std::string> at(std::size_t column) const;

   private:
    friend class Rows;
    Row(const char* text, const std::uint64_t* ends, std::size_t first, std::size_t columns)
        : text_(text), ends_(ends), first_(first), columns_(columns) {}
    const std::uint64_t* end_of(std::size_t column) const { return ends_ + first_ + column; }

    const char* text_;
    const std::uint64_t* ends_;
    std::size_t first_;  // the index of the row's first field among all fields
    std::size_t columns_;
  };

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Row;
    const_iterator(const Rows& rows, std::size_t row) : rows_(&rows), row_(row) {}
    Row operator*() const { return (*rows_)[row_]; }
    const_iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return row_ == o.row_; }
    bool operator!=(const const_iterator& o) const { return row_ != o.row_; }

   private:
    const Rows* rows_;
    std::size_t row_;
  };

  Rows() = default;
  explicit Rows(std::size_t columns) : columns_(columns) {}

  // Building, one field at a time, row by row.
  void reserve(std::size_t rows, std::size_t text_bytes);
  void add_field(std::string_view text) { add(text, false); }
  void add_null() { add({}, true); }

  std::size_t size() const { return columns_ == 0 ? 0 : ends_.size() / columns_; }
  bool empty() const { return size() == 0; }
  Row operator[](std::size_t row) const { return Row(text_.data(), ends_.data(), row * columns_, columns_); }
  // As operator[], and throws std::out_of_range past the last row.
  Row at(std::size_t row) const;
  const_iterator begin() const { return const_iterator(*this, 0); }
  const_iterator end() const { return const_iterator(*this, size()); }

 private:
  static constexpr std::uint64_t kNull = std::uint64_t{1} << 63;  // marks a field's end as a null's
  void add(std::string_view text, bool null) {
    text_.insert(text_.end(), text.begin(), text.end());
    ends_.push_back(static_cast<std::uint64_t>(text_.size()) | (null ? kNull : 0));
  }

  std::size_t columns_ = 0;
  std::vector<char> text_;           // every field's text, one after another
  std::vector<std::uint64_t> ends_;  // where each field's text ends in text_, with kNull for a null
};

}  // namespace strata::dialect::postgresql
