#include "strata/text/numbers.hpp"

namespace strata::text {

namespace {

bool all_digits(const std::string& t, std::size_t from, std::size_t to) {
  if (from >= to) return false;
  for (std::size_t i = from; i < to; ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

}  // namespace

bool is_whole_number(const std::string& t) {
  const std::size_t b = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  if (!all_digits(t, b, t.size())) return false;
  return t[b] != '0' || t.size() == b + 1;
}

bool is_decimal_number(const std::string& t) {
  std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  const std::size_t int_begin = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  const bool has_int = i > int_begin;
  bool has_fraction = false;
  if (i < t.size() && t[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    has_fraction = i > frac_begin;
  }
  if (!has_int && !has_fraction) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (!all_digits(t, i, t.size())) return false;
    i = t.size();
  }
  return i == t.size();
}

}  // namespace strata::text
