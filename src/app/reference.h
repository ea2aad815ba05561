// Reference data use cases: units, categories, routing rules and working calendars.
//
// The data is small and read on every case action, so it is held in memory as an immutable snapshot,
// swapped atomically after each change (like the territory). Every edit is one transaction.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/routing.h"
#include "core/result.h"
#include "store/store.h"

namespace civicgrid::app {

// The id of the calendar cases count on when their unit names none.
inline constexpr const char* kDefaultCalendar = "cn-national";

// An immutable view of all reference data.
class ReferenceSnapshot {
 public:
  explicit ReferenceSnapshot(store::ReferenceData data);

  const store::ReferenceData& data() const { return data_; }
  const Unit* UnitById(int64_t id) const;
  const Category* CategoryByCode(const std::string& code) const;
  const RoutingRule* RuleById(int64_t id) const;
  // The calendar with `id`, or the default calendar when `id` is empty; null if unknown.
  const Calendar* CalendarById(const std::string& id) const;
  // The calendar a case counts on ("" = default); falls back to the default, then to a built-in
  // Monday–Friday calendar, so it is never null.
  const Calendar& CalendarOf(const std::string& id) const;
  // Rules and units indexed for routing.
  const RoutingTable& routing() const { return *routing_; }

 private:
  store::ReferenceData data_;
  std::unique_ptr<RoutingTable> routing_;
  std::unordered_map<int64_t, size_t> units_, rules_;
  std::unordered_map<std::string, size_t> categories_, calendars_;
  Calendar fallback_;
};

class ReferenceService {
 public:
  explicit ReferenceService(store::Store& store) : store_(store) {}

  // Reloads the snapshot from the store (and installs the national calendar if the store has no calendar).
  Result<void> Refresh();
  std::shared_ptr<const ReferenceSnapshot> snapshot() const { return current_.load(); }

  // Creates (id 0) or replaces a unit; answers it with its id. Validation errors name the field.
  Result<Unit> PutUnit(Unit unit);
  // Creates or replaces a category by code (a minor's parent must exist).
  Result<Category> PutCategory(Category category);
  // Creates (id 0) or replaces a routing rule (its category and units must exist).
  Result<RoutingRule> PutRoutingRule(RoutingRule rule);
  // Deletes a rule; not_found if it does not exist.
  Result<void> DeleteRoutingRule(int64_t id);
  // Creates or replaces a calendar. The caller recomputes the deadlines of open cases on it
  // (CaseService::RecomputeDeadlines).
  Result<Calendar> PutCalendar(Calendar calendar);

 private:
  store::Store& store_;
  std::atomic<std::shared_ptr<const ReferenceSnapshot>> current_;
};

}  // namespace civicgrid::app
