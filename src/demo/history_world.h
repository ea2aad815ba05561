// The world the demo history's workflow runs in: reference data, calendar, routing (cached), end time,
// and the context the app gives Apply for each action.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "app/reference.h"
#include "core/routing.h"
#include "core/workflow.h"
#include "demo/catalogue.h"

namespace civicgrid::demo::history {

// Answers routing and action contexts as the app would for the reference data `ref`; the history ends at
// `end`. Not thread-safe (the routing cache).
class World {
 public:
  World(const app::ReferenceSnapshot& ref, const Catalogue& catalogue, Timestamp end);

  const app::ReferenceSnapshot& ref() const { return ref_; }
  const Calendar& cal() const { return cal_; }
  Timestamp end() const { return end_; }

  // The unit of template `key` in `division`, or 0.
  int64_t UnitOf(const std::string& division, const std::string& key) const { return catalogue_.UnitId(division, key); }

  // Route(category, territory) as RoutingTable answers it, cached: the most specific territory wins, so the
  // choice depends on the case's territory only through its deepest ancestor (or itself) that some rule for
  // the category or its major names, and the reason names that rule's territory, not the case's. Fallbacks
  // (no such ancestor) name the case's territory and are not cached.
  Result<DispatchTarget> Route(const std::string& category, const std::string& territory);

  // The routing decision of the whole reference data, computed by core routing over the rules that can
  // match `territory` — those of its ancestors (and itself) — with their units and the command centers of
  // its chain: the same target, without walking the hundreds of rules of other streets.
  Result<RoutingDecision> RouteAmongAncestors(const std::string& category, const std::string& territory) const;

  // The context CaseService::Act gives Apply for `req` on `before`; `hand_unit` is a dispatch by hand.
  Result<ActionContext> Context(const Case& before, const ActionRequest& req, int64_t hand_unit);

 private:
  const app::ReferenceSnapshot& ref_;
  const Catalogue& catalogue_;
  const Calendar& cal_;
  Timestamp end_;
  std::unordered_map<std::string, std::vector<const RoutingRule*>> rules_at_;  // by territory
  std::unordered_set<std::string> rule_places_;  // "category|territory" of every rule with an active unit
  std::unordered_map<std::string, DispatchTarget> routes_;
};

}  // namespace civicgrid::demo::history
