// Routing: which unit a case goes to (DOMAIN.md §4).
//
// A rule maps (category, territory subtree) → unit. Candidates are the rules whose category is the
// case's minor category or its major, whose territory contains the case's territory, and whose unit is
// active. The most specific territory (the longest code) wins; at equal territory a rule for the minor
// category beats one for the major; then the lowest rule id. With no candidate the case falls to the
// command center of its own street, else of its county, city, province (属地兜底). Pure.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/case.h"
#include "core/result.h"
#include "core/workflow.h"

namespace civicgrid {

// One rule as routing saw it, for the explanation.
struct RuleVerdict {
  int64_t rule = 0;
  bool candidate = false;  // matched category and territory with an active unit
  std::string why;         // e.g. "territory 371302 does not contain 371311…", "more specific rule 12 wins"
};

// The choice and how it was made.
struct RoutingDecision {
  DispatchTarget target;
  bool fallback = false;           // no rule matched: the territory's own command center
  std::vector<RuleVerdict> rules;  // every rule that names the case's category (major or minor)
};

// Rules and units indexed for routing (by category, by id, command centers by territory), built once
// per reference snapshot. It points into the vectors it was built from, which must outlive it.
class RoutingTable {
 public:
  RoutingTable(const std::vector<RoutingRule>& rules, const std::vector<Unit>& units);

  // Chooses the unit for a case of `category` at `territory` (deepest division code). Fails with
  // not_found (field "unit") only when no rule matches and no command center exists up the chain.
  Result<RoutingDecision> Route(std::string_view category, std::string_view territory) const;

  // The command center of the lowest level at or above `level` on the chain of `territory`, if any:
  // e.g. for a grid code and kStreet, the center of its street, else its county's, …; null if none.
  // With several centers for one division, the lowest id.
  const Unit* CenterAtOrAbove(std::string_view territory, Level level) const;

  const Unit* UnitById(int64_t id) const;

 private:
  std::unordered_map<std::string, std::vector<const RoutingRule*>> by_category_;
  std::unordered_map<int64_t, const Unit*> units_;
  std::unordered_map<std::string, const Unit*> centers_;
};

// The same as RoutingTable(rules, units).Route(…), for one-off use.
Result<RoutingDecision> Route(const std::vector<RoutingRule>& rules, const std::vector<Unit>& units,
                              std::string_view category, std::string_view territory);

// The same as RoutingTable({}, units).CenterAtOrAbove(…), for one-off use.
const Unit* CenterAtOrAbove(const std::vector<Unit>& units, std::string_view territory, Level level);

}  // namespace civicgrid
