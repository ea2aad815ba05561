#include "core/routing.h"

#include <algorithm>

namespace civicgrid {

RoutingTable::RoutingTable(const std::vector<RoutingRule>& rules, const std::vector<Unit>& units) {
  for (const Unit& u : units) {
    units_[u.id] = &u;
    if (u.kind != UnitKind::kCommandCenter || !u.active) continue;
    auto& slot = centers_[u.territory];
    if (!slot || u.id < slot->id) slot = &u;
  }
  for (const RoutingRule& r : rules) by_category_[r.category].push_back(&r);
}

const Unit* RoutingTable::UnitById(int64_t id) const {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : it->second;
}

const Unit* RoutingTable::CenterAtOrAbove(std::string_view territory, Level level) const {
  // Walk up the territory's chain from `level` (or from the territory's own level, if higher).
  auto own = LevelOfLength(territory.size());
  if (!own) return nullptr;
  const Level from = std::min(level, *own);
  for (int l = static_cast<int>(from); l >= static_cast<int>(Level::kProvince); --l) {
    auto it = centers_.find(std::string(territory.substr(0, CodeLength(static_cast<Level>(l)))));
    if (it != centers_.end()) return it->second;
  }
  return nullptr;
}

Result<RoutingDecision> RoutingTable::Route(std::string_view category, std::string_view territory) const {
  RoutingDecision out;
  const RoutingRule* best = nullptr;
  auto better = [](const RoutingRule& a, const RoutingRule& b) {  // a beats b?
    if (a.territory.size() != b.territory.size()) return a.territory.size() > b.territory.size();
    const bool a_minor = a.category.size() > 2, b_minor = b.category.size() > 2;
    if (a_minor != b_minor) return a_minor;
    return a.id < b.id;
  };
  // Rules for the minor and for its major, in id order (so the explanation reads in a stable order).
  std::vector<const RoutingRule*> named;
  for (std::string key : {std::string(category), std::string(category.substr(0, 2))}) {
    auto it = by_category_.find(key);
    if (it != by_category_.end()) named.insert(named.end(), it->second.begin(), it->second.end());
    if (category.size() <= 2) break;
  }
  std::sort(named.begin(), named.end(), [](const RoutingRule* a, const RoutingRule* b) { return a->id < b->id; });
  for (const RoutingRule* r : named) {
    RuleVerdict v{r->id, false, {}};
    const Unit* unit = UnitById(r->unit);
    if (!IsUnder(territory, r->territory)) {
      v.why = "territory " + r->territory + " does not contain " + std::string(territory);
    } else if (!unit || !unit->active) {
      v.why = "unit " + std::to_string(r->unit) + " is missing or inactive";
    } else {
      v.candidate = true;
      v.why = "matches category " + r->category + " in territory " + r->territory;
      if (!best || better(*r, *best)) best = r;
    }
    out.rules.push_back(std::move(v));
  }
  if (best) {
    for (size_t i = 0; i < out.rules.size(); ++i) {  // out.rules[i] is the verdict on named[i]
      RuleVerdict& v = out.rules[i];
      const RoutingRule& r = *named[i];
      if (!v.candidate) continue;
      if (&r == best)
        v.why += ": chosen (most specific)";
      else if (best->territory.size() != r.territory.size())
        v.why += ": rule " + std::to_string(best->id) + " wins (more specific territory)";
      else if (best->category.size() != r.category.size())
        v.why += ": rule " + std::to_string(best->id) + " wins (the minor category's rule at the same territory)";
      else
        v.why += ": rule " + std::to_string(best->id) + " wins (equally specific, lower id)";
    }
    const Unit* unit = UnitById(best->unit);
    out.target.unit = best->unit;
    for (int64_t co : best->co_units) {
      const Unit* cu = UnitById(co);
      if (cu && cu->active) out.target.co_units.push_back(co);
    }
    out.target.rule = best->id;
    out.target.reason = "rule " + std::to_string(best->id) + ": category " + best->category + " in " +
                        best->territory + " → " + unit->name;
    out.target.calendar = unit->calendar;
    return out;
  }
  const Unit* center = CenterAtOrAbove(territory, Level::kStreet);
  if (!center)
    return Error::NotFound("no routing rule matches category " + std::string(category) + " at " +
                               std::string(territory) + " and no command center serves it",
                           "unit");
  out.fallback = true;
  out.target.unit = center->id;
  out.target.rule = 0;
  out.target.reason = "no rule for category " + std::string(category) + " at " + std::string(territory) +
                      ": the territory's command center (属地兜底) " + center->name;
  out.target.calendar = center->calendar;
  return out;
}

Result<RoutingDecision> Route(const std::vector<RoutingRule>& rules, const std::vector<Unit>& units,
                              std::string_view category, std::string_view territory) {
  return RoutingTable(rules, units).Route(category, territory);
}

const Unit* CenterAtOrAbove(const std::vector<Unit>& units, std::string_view territory, Level level) {
  static const std::vector<RoutingRule> kNoRules;
  return RoutingTable(kNoRules, units).CenterAtOrAbove(territory, level);
}

}  // namespace civicgrid
