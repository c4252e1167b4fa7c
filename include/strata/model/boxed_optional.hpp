// BoxedOptional<T>: an optional value kept on the heap, with the interface of
// std::optional and deep copies. The model uses it for the parts of a column
// that most columns leave out (a comment, a collation, a generated
// expression, ...): an empty one takes the size of a pointer where
// std::optional takes the size of T, and a schema of 10,000 tables holds
// well over 100,000 columns, several copies of each during a plan.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace strata::model {

template <typename T>
class BoxedOptional {
 public:
  using value_type = T;

  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}  // NOLINT: implicit, as std::optional
  BoxedOptional(const T& value) : value_(std::make_unique<T>(value)) {}  // NOLINT: implicit
  BoxedOptional(T&& value) : value_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit
  BoxedOptional(const std::optional<T>& value)  // NOLINT: implicit
      : value_(value ? std::make_unique<T>(*value) : nullptr) {}
  BoxedOptional(std::optional<T>&& value)  // NOLINT: implicit
      : value_(value ? std::make_unique<T>(std::move(*value)) : nullptr) {}
  // Anything T is built from, such as a string literal for a string.
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, BoxedOptional> &&
                                                    !std::is_same_v<std::decay_t<U>, std::optional<T>> &&
                                                    !std::is_same_v<std::decay_t<U>, std::nullopt_t>>>
  BoxedOptional(U&& value) : value_(std::make_unique<T>(std::forward<U>(value))) {}  // NOLINT: implicit

  BoxedOptional(const BoxedOptional& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;
  ~BoxedOptional() = default;

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }

  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }
  T& value() {
    if (!value_) throw std::bad_optional_access();
    return *value_;
  }
  const T& value() const {
    if (!value_) throw std::bad_optional_access();
    return *value_;
  }
  template <typename U>
  T value_or(U&& fallback) const {
    return value_ ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

  template <typename... Args>
  T& emplace(Args&&... args) {
    value_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *value_;
  }
  void reset() { value_.reset(); }

  // A copy as a std::optional, for code written against one.
  operator std::optional<T>() const { return value_ ? std::optional<T>(*value_) : std::nullopt; }  // NOLINT: implicit

  friend bool operator==(const BoxedOptional& a, const BoxedOptional& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a.has_value() || *a == *b;
  }
  friend bool operator!=(const BoxedOptional& a, const BoxedOptional& b) { return !(a == b); }
  friend bool operator==(const BoxedOptional& a, std::nullopt_t) { return !a.has_value(); }
  friend bool operator!=(const BoxedOptional& a, std::nullopt_t) { return a.has_value(); }
  friend bool operator==(const BoxedOptional& a, const T& b) { return a.has_value() && *a == b; }
  friend bool operator!=(const BoxedOptional& a, const T& b) { return !(a == b); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace strata::model
