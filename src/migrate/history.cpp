#include "strata/migrate/history.hpp"

#include <map>

namespace strata::migrate {

bool version_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

MigrationState compare_history(const Directory& directory, const std::vector<dialect::AppliedVersion>& applied) {
  MigrationState state;
  state.applied = applied;
  std::map<std::string, const Migration*> files;
  for (const Migration& m : directory.migrations) files[m.version] = &m;
  std::map<std::string, const dialect::AppliedVersion*> recorded;
  std::string newest;
  for (const dialect::AppliedVersion& v : applied) {
    recorded[v.version] = &v;
    if (newest.empty() || version_less(newest, v.version)) newest = v.version;
    auto it = files.find(v.version);
    if (it == files.end()) state.missing.push_back(v);
    else if (it->second->checksum != v.checksum) state.edited.emplace_back(v, it->second);
  }
  for (const Migration& m : directory.migrations) {
    if (recorded.count(m.version)) continue;
    state.pending.push_back(&m);
    if (!newest.empty() && version_less(m.version, newest)) state.out_of_order.push_back(&m);
  }
  return state;
}

}  // namespace strata::migrate
