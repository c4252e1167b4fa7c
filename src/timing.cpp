#include "strata/timing.hpp"

#include <cstdio>
#include <cstdlib>

namespace strata {

PhaseTimer::PhaseTimer(const char* phase)
    : phase_(phase), enabled_(std::getenv("STRATA_TIMINGS") != nullptr), start_(std::chrono::steady_clock::now()) {}

PhaseTimer::~PhaseTimer() {
  if (!enabled_) return;
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  std::fprintf(stderr, "timing: %s %.1f ms\n", phase_,
               std::chrono::duration<double, std::milli>(elapsed).count());
}

}  // namespace strata
