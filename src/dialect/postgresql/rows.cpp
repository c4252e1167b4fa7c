#include "dialect/postgresql/rows.hpp"

#include <stdexcept>

namespace strata::dialect::postgresql {

std::optional<std::string> Rows::Row::at(std::size_t column) const {
  if (column >= columns_)
    throw std::out_of_range("column " + std::to_string(column) + " of a row of " + std::to_string(columns_));
  return (*this)[column];
}

void Rows::reserve(std::size_t rows, std::size_t text_bytes) {
  ends_.reserve(rows * columns_);
  text_.reserve(text_bytes);
}

Rows::Row Rows::at(std::size_t row) const {
  if (row >= size()) throw std::out_of_range("row " + std::to_string(row) + " of " + std::to_string(size()));
  return (*this)[row];
}

}  // namespace strata::dialect::postgresql
