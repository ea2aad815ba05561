#include "app/reference.h"

namespace civicgrid::app {

ReferenceSnapshot::ReferenceSnapshot(store::ReferenceData data) : data_(std::move(data)) {
  for (size_t i = 0; i < data_.units.size(); ++i) units_[data_.units[i].id] = i;
  for (size_t i = 0; i < data_.rules.size(); ++i) rules_[data_.rules[i].id] = i;
  for (size_t i = 0; i < data_.categories.size(); ++i) categories_[data_.categories[i].code] = i;
  for (size_t i = 0; i < data_.calendars.size(); ++i) calendars_[data_.calendars[i].id] = i;
  routing_ = std::make_unique<RoutingTable>(data_.rules, data_.units);
  fallback_.id = kDefaultCalendar;
  fallback_.name = "Monday–Friday";
}

const Unit* ReferenceSnapshot::UnitById(int64_t id) const {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : &data_.units[it->second];
}

const Category* ReferenceSnapshot::CategoryByCode(const std::string& code) const {
  auto it = categories_.find(code);
  return it == categories_.end() ? nullptr : &data_.categories[it->second];
}

const RoutingRule* ReferenceSnapshot::RuleById(int64_t id) const {
  auto it = rules_.find(id);
  return it == rules_.end() ? nullptr : &data_.rules[it->second];
}

const Calendar* ReferenceSnapshot::CalendarById(const std::string& id) const {
  auto it = calendars_.find(id.empty() ? std::string(kDefaultCalendar) : id);
  return it == calendars_.end() ? nullptr : &data_.calendars[it->second];
}

const Calendar& ReferenceSnapshot::CalendarOf(const std::string& id) const {
  if (const Calendar* c = CalendarById(id)) return *c;
  if (const Calendar* c = CalendarById("")) return *c;
  return fallback_;
}

Result<void> ReferenceService::Refresh() {
  auto data = store_.LoadReference();
  if (!data) return data.error();
  if (data->calendars.empty()) {
    if (auto r = store_.Write([](store::CaseTx& tx) { return tx.PutCalendar(NationalCalendar()); }); !r) return r;
    data = store_.LoadReference();
    if (!data) return data.error();
  }
  current_.store(std::make_shared<const ReferenceSnapshot>(std::move(*data)));
  return {};
}

Result<Unit> ReferenceService::PutUnit(Unit unit) {
  if (auto r = store_.Write([&](store::CaseTx& tx) { return tx.PutUnit(unit); }); !r) return r.error();
  if (auto r = Refresh(); !r) return r.error();
  return unit;
}

Result<Category> ReferenceService::PutCategory(Category category) {
  if (auto r = store_.Write([&](store::CaseTx& tx) { return tx.PutCategory(category); }); !r) return r.error();
  if (auto r = Refresh(); !r) return r.error();
  return category;
}

Result<RoutingRule> ReferenceService::PutRoutingRule(RoutingRule rule) {
  if (auto r = store_.Write([&](store::CaseTx& tx) { return tx.PutRoutingRule(rule); }); !r) return r.error();
  if (auto r = Refresh(); !r) return r.error();
  return rule;
}

Result<void> ReferenceService::DeleteRoutingRule(int64_t id) {
  bool deleted = false;
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto d = tx.DeleteRoutingRule(id);
    if (!d) return d.error();
    deleted = *d;
    return {};
  });
  if (!r) return r.error();
  if (!deleted) return Error::NotFound("no routing rule has id " + std::to_string(id), "id");
  return Refresh();
}

Result<Calendar> ReferenceService::PutCalendar(Calendar calendar) {
  if (auto r = store_.Write([&](store::CaseTx& tx) { return tx.PutCalendar(calendar); }); !r) return r.error();
  if (auto r = Refresh(); !r) return r.error();
  return calendar;
}

}  // namespace civicgrid::app
