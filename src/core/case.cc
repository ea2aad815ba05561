#include "core/case.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace civicgrid {
namespace {

template <class E, size_t N>
std::optional<E> ParseByName(std::string_view name, const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 7> kChannelNames = {"grid_worker", "resident_app", "hotline", "open311",
                                                           "drone",       "iot",          "superior"};
constexpr std::array<std::string_view, 3> kPriorityNames = {"normal", "high", "urgent"};
constexpr std::array<std::string_view, 4> kEvaluationNames = {"none", "satisfied", "basically_satisfied",
                                                              "unsatisfied"};
constexpr std::array<std::string_view, kRoleCount> kRoleNames = {"operator", "unit_staff", "grid_worker", "resident",
                                                                "leader",   "system",     "admin"};
constexpr std::array<std::string_view, 4> kUnitKindNames = {"department", "company", "committee", "command_center"};
constexpr std::array<std::string_view, kCaseStatusCount> kStatusNames = {
    "reported", "accepted", "dispatched", "acknowledged", "returned", "escalated", "suspended",
    "resolved", "verified", "evaluated",  "closed",       "rejected", "merged"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "report",       "accept",          "reject",         "merge",          "classify",
    "dispatch",     "acknowledge",     "return",         "request_extension", "grant_extension",
    "deny_extension", "suspend",       "resume",         "escalate",       "self_handle",
    "resolve",      "verify_pass",     "verify_fail",    "callback",       "reopen",
    "close",        "supervise",       "urge",           "mark_overdue",   "recompute_deadlines"};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string_view ChannelName(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }
std::optional<Channel> ParseChannel(std::string_view n) { return ParseByName<Channel>(n, kChannelNames); }
std::string_view PriorityName(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }
std::optional<Priority> ParsePriority(std::string_view n) { return ParseByName<Priority>(n, kPriorityNames); }
std::string_view EvaluationName(Evaluation e) { return kEvaluationNames[static_cast<size_t>(e)]; }
std::optional<Evaluation> ParseEvaluation(std::string_view n) { return ParseByName<Evaluation>(n, kEvaluationNames); }
std::string_view RoleName(Role r) { return kRoleNames[static_cast<size_t>(r)]; }
std::optional<Role> ParseRole(std::string_view n) { return ParseByName<Role>(n, kRoleNames); }
std::string_view UnitKindName(UnitKind k) { return kUnitKindNames[static_cast<size_t>(k)]; }
std::optional<UnitKind> ParseUnitKind(std::string_view n) { return ParseByName<UnitKind>(n, kUnitKindNames); }
std::string_view CaseStatusName(CaseStatus s) { return kStatusNames[static_cast<size_t>(s)]; }
std::optional<CaseStatus> ParseCaseStatus(std::string_view n) { return ParseByName<CaseStatus>(n, kStatusNames); }
std::string_view ActionName(Action a) { return kActionNames[static_cast<size_t>(a)]; }
std::optional<Action> ParseAction(std::string_view n) { return ParseByName<Action>(n, kActionNames); }

bool IsTerminal(CaseStatus s) {
  return s == CaseStatus::kClosed || s == CaseStatus::kRejected || s == CaseStatus::kMerged;
}

Result<void> ValidateCategory(const Category& c) {
  if (!AllDigits(c.code) || (c.code.size() != 2 && c.code.size() != 4))
    return Error::InvalidArgument("category code '" + c.code + "' must be 2 digits (major) or 4 digits (minor)",
                                  "code");
  if (c.code.size() == 2 && !c.parent.empty())
    return Error::InvalidArgument("a major category (2 digits) has no parent", "parent");
  if (c.code.size() == 4 && c.parent != c.code.substr(0, 2))
    return Error::InvalidArgument("minor category '" + c.code + "' must have parent '" + c.code.substr(0, 2) + "'",
                                  "parent");
  if (c.name.empty() || c.name.size() > 200) return Error::InvalidArgument("name must be 1–200 bytes", "name");
  if (auto r = ValidateTimeLimit(c.acknowledge, "acknowledge"); !r) return r;
  if (auto r = ValidateTimeLimit(c.handle, "handle"); !r) return r;
  if (auto r = ValidateTimeLimit(c.verify, "verify"); !r) return r;
  if (c.level < Level::kCounty)
    return Error::InvalidArgument("level must be grid, community, street or county", "level");
  if (c.description.size() > 1000)
    return Error::InvalidArgument("description must be at most 1000 bytes", "description");
  if (c.keywords.size() > 20) return Error::InvalidArgument("a category has at most 20 keywords", "keywords");
  for (const std::string& k : c.keywords)
    if (k.empty() || k.size() > 50 || k.find(',') != std::string::npos)
      return Error::InvalidArgument("keyword '" + k + "' must be 1–50 bytes without ','", "keywords");
  return ValidateAttributes(c.attributes);
}

Level Unit::level() const {
  return LevelOfLength(territory.size()).value_or(Level::kProvince);
}

Result<void> ValidateUnit(const Unit& u) {
  if (u.name.empty() || u.name.size() > 200) return Error::InvalidArgument("name must be 1–200 bytes", "name");
  auto level = ValidateCode(u.territory, "territory");
  if (!level) return level.error();
  if (*level == Level::kGrid) return Error::InvalidArgument("a unit serves a division above grid level", "territory");
  return {};
}

Result<void> ValidateRoutingRule(const RoutingRule& r) {
  if (!AllDigits(r.category) || (r.category.size() != 2 && r.category.size() != 4))
    return Error::InvalidArgument("category must be a 2- or 4-digit category code", "category");
  if (auto level = ValidateCode(r.territory, "territory"); !level) return level.error();
  if (r.unit <= 0) return Error::InvalidArgument("unit is required", "unit");
  for (int64_t co : r.co_units)
    if (co <= 0 || co == r.unit) return Error::InvalidArgument("co_units must be other units' ids", "co_units");
  return {};
}

std::string FormatTimestamp(Timestamp t, int offset) {
  using namespace std::chrono;
  const int64_t local = t + int64_t{offset} * 60;
  const sys_days days{floor<std::chrono::days>(sys_seconds{seconds{local}})};
  const year_month_day ymd{days};
  const int64_t rem = local - int64_t{days.time_since_epoch().count()} * 86400;
  const int sign = offset < 0 ? -1 : 1;
  const int off = offset * sign;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), sign < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

Result<Timestamp> ParseTimestamp(std::string_view text, std::string_view field, int offset) {
  using namespace std::chrono;
  auto bad = [&] {
    return Error::InvalidArgument("'" + std::string(text) +
                                      "' is not an ISO 8601 time with a zone (e.g. 2026-11-23T10:00:00+08:00) or a "
                                      "date (2026-11-23)",
                                  std::string(field));
  };
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, mo, d;
  if (!num(0, 4, y) || text.size() < 10 || text[4] != '-' || !num(5, 2, mo) || text[7] != '-' || !num(8, 2, d))
    return bad();
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  const int64_t day_seconds = int64_t{sys_days{ymd}.time_since_epoch().count()} * 86400;
  if (text.size() == 10) return day_seconds - int64_t{offset} * 60;
  if (text[10] != 'T' && text[10] != ' ') return bad();
  int h, mi, s = 0;
  if (!num(11, 2, h) || text.size() < 16 || text[13] != ':' || !num(14, 2, mi)) return bad();
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!num(17, 2, s)) return bad();
    pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
  }
  if (h > 23 || mi > 59 || s > 60) return bad();
  int zone = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    zone = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() &&
             text[pos + 3] == ':') {
    int zh, zm;
    if (!num(pos + 1, 2, zh) || !num(pos + 4, 2, zm) || zh > 14 || zm > 59) return bad();
    zone = (zh * 60 + zm) * (text[pos] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  return day_seconds + h * 3600 + mi * 60 + s - int64_t{zone} * 60;
}

}  // namespace civicgrid
