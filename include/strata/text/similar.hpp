// "Did you mean" support: edit distance and closest-candidate lookup.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata::text {

// Damerau-Levenshtein (optimal string alignment) distance, ASCII case-insensitive.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to word, if it is near enough to be a likely typo:
// one edit away for words of up to three letters, two edits otherwise.
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

// ", did you mean \"x\"?" or "" when there is no close candidate.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace strata::text
