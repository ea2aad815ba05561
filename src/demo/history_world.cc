#include "demo/history_world.h"

#include <algorithm>

namespace civicgrid::demo::history {
namespace {

using A = Action;

// The level above `l` (the province stays the province).
Level NextLevelUp(Level l) {
  return l <= Level::kProvince ? Level::kProvince : static_cast<Level>(static_cast<int>(l) - 1);
}

}  // namespace

World::World(const app::ReferenceSnapshot& ref, const Catalogue& catalogue, Timestamp end)
    : ref_(ref), catalogue_(catalogue), cal_(ref.CalendarOf("")), end_(end) {
  for (const RoutingRule& r : ref.data().rules) {
    rules_at_[r.territory].push_back(&r);
    const Unit* u = ref.UnitById(r.unit);
    if (u && u->active) rule_places_.insert(r.category + "|" + r.territory);
  }
}

Result<DispatchTarget> World::Route(const std::string& category, const std::string& territory) {
  std::string key;
  for (int level = static_cast<int>(Level::kGrid); level >= static_cast<int>(Level::kProvince) && key.empty();
       --level) {
    const size_t length = static_cast<size_t>(CodeLength(static_cast<Level>(level)));
    if (length > territory.size()) continue;
    const std::string place = territory.substr(0, length);
    if (rule_places_.count(category + "|" + place) || rule_places_.count(category.substr(0, 2) + "|" + place))
      key = category + "|" + place;
  }
  if (!key.empty())
    if (auto it = routes_.find(key); it != routes_.end()) return it->second;
  auto decision = RouteAmongAncestors(category, territory);
  if (!decision) return decision.error();
  if (!key.empty() && !decision->fallback) routes_.emplace(key, decision->target);
  return decision->target;
}

Result<RoutingDecision> World::RouteAmongAncestors(const std::string& category, const std::string& territory) const {
  std::vector<RoutingRule> rules;
  std::vector<Unit> units;
  auto add_unit = [&](const Unit* u) {
    if (u && std::none_of(units.begin(), units.end(), [&](const Unit& x) { return x.id == u->id; }))
      units.push_back(*u);
  };
  for (int level = static_cast<int>(Level::kProvince); level <= static_cast<int>(Level::kGrid); ++level) {
    const size_t length = static_cast<size_t>(CodeLength(static_cast<Level>(level)));
    if (length > territory.size()) break;
    const std::string place = territory.substr(0, length);
    if (auto it = rules_at_.find(place); it != rules_at_.end())
      for (const RoutingRule* r : it->second) {
        if (r->category != category && r->category != category.substr(0, 2)) continue;
        rules.push_back(*r);
        add_unit(ref_.UnitById(r->unit));
        for (int64_t co : r->co_units) add_unit(ref_.UnitById(co));
      }
    add_unit(ref_.routing().CenterAtOrAbove(place, static_cast<Level>(level)));
  }
  return civicgrid::Route(rules, units, category, territory);
}

Result<ActionContext> World::Context(const Case& before, const ActionRequest& req, int64_t hand_unit) {
  ActionContext ctx;
  const std::string& code = !req.category.empty() ? req.category : before.category;
  ctx.category = code.empty() ? nullptr : ref_.CategoryByCode(code);
  ctx.calendar = &ref_.CalendarOf(before.calendar);
  switch (req.action) {
    case A::kDispatch: {
      if (!ctx.category) break;
      if (hand_unit) {
        const Unit* u = ref_.UnitById(hand_unit);
        if (!u || !u->active) return Error::Internal("demo history: no active unit " + std::to_string(hand_unit));
        DispatchTarget t;
        t.unit = u->id;
        t.reason = "chosen by " + req.actor;
        t.calendar = u->calendar;
        ctx.dispatch = t;
      } else {
        auto target = Route(ctx.category->code, before.territory);
        if (!target) return target.error();
        ctx.dispatch = *target;
      }
      ctx.calendar = &ref_.CalendarOf(ctx.dispatch->calendar);
      break;
    }
    case A::kReopen: {
      const Unit* u = ref_.UnitById(before.unit);
      if (u && u->active) {
        DispatchTarget t;
        t.unit = u->id;
        t.calendar = u->calendar;
        t.reason = "reopened to the same unit";
        ctx.dispatch = t;
        ctx.calendar = &ref_.CalendarOf(u->calendar);
      }
      break;
    }
    case A::kEscalate: {
      const Unit* upper = ref_.routing().CenterAtOrAbove(before.territory, NextLevelUp(before.level));
      while (upper && upper->level() >= before.level) {
        const Level above = NextLevelUp(upper->level());
        if (above == upper->level()) {
          upper = nullptr;
          break;
        }
        upper = ref_.routing().CenterAtOrAbove(before.territory, above);
      }
      if (upper) {
        ctx.upper_center = upper->id;
        ctx.upper_level = upper->level();
      }
      break;
    }
    case A::kResolve: {
      const Unit* u = ref_.UnitById(before.unit);
      ctx.unit_level = u ? u->level() : before.level;
      break;
    }
    case A::kMerge:
      ctx.duplicate_exists = true;  // intake only names earlier cases that are not merged
      break;
    default: break;
  }
  return ctx;
}

}  // namespace civicgrid::demo::history
