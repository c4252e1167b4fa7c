// Phase timings for performance work: with STRATA_TIMINGS set in the
// environment, each PhaseTimer prints "timing: <phase> <ms> ms" to stderr when
// it goes out of scope. Off (and costing one getenv per phase) otherwise.
#pragma once

#include <chrono>

namespace strata {

class PhaseTimer {
 public:
  explicit PhaseTimer(const char* phase);
  ~PhaseTimer();
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  const char* phase_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace strata
