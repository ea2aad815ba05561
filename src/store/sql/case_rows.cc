#include "store/sql/case_rows.h"

#include <charconv>
#include <cstdio>

namespace civicgrid::store::sql {
namespace {

constexpr int kCaseColumnCount = 50;

std::string EncodeClock(const PhaseClock& k) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%d %d %lld %lld %lld %lld %lld", k.started ? 1 : 0, k.working ? 1 : 0,
                static_cast<long long>(k.start), static_cast<long long>(k.budget), static_cast<long long>(k.paused),
                static_cast<long long>(k.paused_since), static_cast<long long>(k.stopped_at));
  return buf;
}

bool DecodeClock(std::string_view text, PhaseClock& k) {
  long long v[7];
  int n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (n < 7 && p < end) {
    while (p < end && *p == ' ') ++p;
    auto [q, ec] = std::from_chars(p, end, v[n]);
    if (ec != std::errc()) return false;
    p = q;
    ++n;
  }
  if (n != 7) return false;
  k.started = v[0] != 0;
  k.working = v[1] != 0;
  k.start = v[2];
  k.budget = v[3];
  k.paused = v[4];
  k.paused_since = v[5];
  k.stopped_at = v[6];
  return true;
}

}  // namespace

const std::string& CaseColumns() {
  static const std::string kColumns =
      "id, tracking_code, status, resume_status, channel, category, priority, description, has_point, lon, lat, "
      "address, grid, territory, reporter_name, reporter_phone, reporter_account, attachments, level, center, unit, co_units, rule, "
      "route_reason, calendar, duplicate_of, clocks, extension_pending, returns, reworks, escalations, extensions, "
      "reopens, supervisions, urges, overdue, self_handled, resolved_on_time, ended_level, evaluation, reported_at, "
      "updated_at, dispatched_at, resolved_at, closed_at, handling_seconds, version, handle_due, handle_warn, open";
  return kColumns;
}

int CaseColumnCount() { return kCaseColumnCount; }

const std::string& CasePlaceholders(Dialect d) {
  static const auto kMake = [](Dialect dialect) {
    std::string s;
    for (int i = 1; i <= kCaseColumnCount; ++i) s += (i > 1 ? ", " : "") + Param(dialect, i);
    return s;
  };
  static const std::string kSqlite = kMake(Dialect::kSqlite), kPostgres = kMake(Dialect::kPostgres);
  return d == Dialect::kSqlite ? kSqlite : kPostgres;
}

Values CaseValues(const Case& c, const security::Keyring& ring) {
  Values v;
  v.reserve(kCaseColumnCount);
  auto text = [&](std::string_view t) { v.emplace_back(std::string(t)); };
  auto integer = [&](int64_t i) { v.emplace_back(i); };
  integer(c.id);
  text(c.tracking_code);
  text(CaseStatusName(c.status));
  text(CaseStatusName(c.resume_status));
  text(ChannelName(c.channel));
  text(c.category);
  text(PriorityName(c.priority));
  text(c.description);
  integer(c.has_point);
  if (c.has_point) {
    v.emplace_back(c.lon);
    v.emplace_back(c.lat);
  } else {
    v.emplace_back(std::monostate{});
    v.emplace_back(std::monostate{});
  }
  text(c.address);
  text(c.grid);
  text(c.territory);
  text(ring.Seal(c.reporter_name));
  text(ring.Seal(c.reporter_phone));
  text(c.reporter_account);
  text(JoinStrings(c.attachments));
  integer(static_cast<int64_t>(c.level));
  integer(c.center);
  integer(c.unit);
  text(JoinIds(c.co_units));
  integer(c.rule);
  text(c.route_reason);
  text(c.calendar);
  integer(c.duplicate_of);
  text(EncodeClock(c.clocks.acknowledge) + ";" + EncodeClock(c.clocks.handle) + ";" + EncodeClock(c.clocks.verify));
  integer(c.extension_pending);
  for (int n : {c.returns, c.reworks, c.escalations, c.extensions, c.reopens, c.supervisions, c.urges}) integer(n);
  integer(c.overdue);
  integer(c.self_handled);
  integer(c.resolved_on_time);
  integer(static_cast<int64_t>(c.ended_level));
  text(EvaluationName(c.evaluation));
  for (Timestamp t : {c.reported_at, c.updated_at, c.dispatched_at, c.resolved_at, c.closed_at}) integer(t);
  integer(c.handling_seconds);
  integer(c.version);
  integer(c.handle_due);
  integer(c.handle_warn);
  integer(!IsTerminal(c.status));
  return v;
}

Result<Case> ReadCase(const RowReader& s, const security::Keyring& ring) {
  Case c;
  int i = 0;
  auto bad = [&](const char* what) { return Error::Internal("case " + std::to_string(c.id) + ": bad " + what); };
  c.id = s.Int(i++);
  c.tracking_code = s.Text(i++);
  auto status = ParseCaseStatus(s.Text(i++));
  auto resume = ParseCaseStatus(s.Text(i++));
  auto channel = ParseChannel(s.Text(i++));
  if (!status || !resume || !channel) return bad("status or channel");
  c.status = *status;
  c.resume_status = *resume;
  c.channel = *channel;
  c.category = s.Text(i++);
  c.priority = ParsePriority(s.Text(i++)).value_or(Priority::kNormal);
  c.description = s.Text(i++);
  c.has_point = s.Int(i++) != 0;
  c.lon = s.Real(i++);
  c.lat = s.Real(i++);
  c.address = s.Text(i++);
  c.grid = s.Text(i++);
  c.territory = s.Text(i++);
  auto name = ring.Open(s.Text(i++));
  auto phone = ring.Open(s.Text(i++));
  if (!name || !phone) return Error::Internal("case " + std::to_string(c.id) + ": " + (name ? phone : name).error().message);
  c.reporter_name = std::move(*name);
  c.reporter_phone = std::move(*phone);
  c.reporter_account = s.Text(i++);
  c.attachments = SplitStrings(s.Text(i++));
  c.level = static_cast<Level>(s.Int(i++));
  c.center = s.Int(i++);
  c.unit = s.Int(i++);
  c.co_units = SplitIds(s.Text(i++));
  c.rule = s.Int(i++);
  c.route_reason = s.Text(i++);
  c.calendar = s.Text(i++);
  c.duplicate_of = s.Int(i++);
  {
    std::string clocks = s.Text(i++);
    auto a = clocks.find(';');
    auto b = a == std::string::npos ? a : clocks.find(';', a + 1);
    if (b == std::string::npos || !DecodeClock(std::string_view(clocks).substr(0, a), c.clocks.acknowledge) ||
        !DecodeClock(std::string_view(clocks).substr(a + 1, b - a - 1), c.clocks.handle) ||
        !DecodeClock(std::string_view(clocks).substr(b + 1), c.clocks.verify))
      return bad("clocks");
  }
  c.extension_pending = s.Int(i++);
  for (int* n : {&c.returns, &c.reworks, &c.escalations, &c.extensions, &c.reopens, &c.supervisions, &c.urges})
    *n = static_cast<int>(s.Int(i++));
  c.overdue = s.Int(i++) != 0;
  c.self_handled = s.Int(i++) != 0;
  c.resolved_on_time = s.Int(i++) != 0;
  c.ended_level = static_cast<Level>(s.Int(i++));
  c.evaluation = ParseEvaluation(s.Text(i++)).value_or(Evaluation::kNone);
  for (Timestamp* t : {&c.reported_at, &c.updated_at, &c.dispatched_at, &c.resolved_at, &c.closed_at})
    *t = s.Int(i++);
  c.handling_seconds = s.Int(i++);
  c.version = s.Int(i++);
  c.handle_due = s.Int(i++);
  c.handle_warn = s.Int(i++);
  return c;
}

const std::string& EventColumns() {
  static const std::string kColumns =
      "case_id, seq, at, actor, role, action, from_status, to_status, note, attachments, details";
  return kColumns;
}

Values EventValues(const CaseEvent& e) {
  return Values{e.case_id,
                e.seq,
                e.at,
                e.actor,
                std::string(RoleName(e.role)),
                std::string(ActionName(e.action)),
                std::string(CaseStatusName(e.from)),
                std::string(CaseStatusName(e.to)),
                e.note,
                JoinStrings(e.attachments),
                e.details};
}

CaseEvent ReadEvent(const RowReader& s) {
  CaseEvent e;
  e.case_id = s.Int(0);
  e.seq = s.Int(1);
  e.at = s.Int(2);
  e.actor = s.Text(3);
  e.role = ParseRole(s.Text(4)).value_or(Role::kSystem);
  e.action = ParseAction(s.Text(5)).value_or(Action::kReport);
  e.from = ParseCaseStatus(s.Text(6)).value_or(CaseStatus::kReported);
  e.to = ParseCaseStatus(s.Text(7)).value_or(CaseStatus::kReported);
  e.note = s.Text(8);
  e.attachments = SplitStrings(s.Text(9));
  e.details = s.Text(10);
  return e;
}

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out;
}

std::vector<int64_t> SplitIds(std::string_view text) {
  std::vector<int64_t> out;
  for (const auto& part : SplitStrings(text)) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec == std::errc()) out.push_back(v);
  }
  return out;
}

std::string JoinStrings(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  return out;
}

std::vector<std::string> SplitStrings(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string EncodeWeekdays(const Calendar& c) {
  std::string out;
  for (bool w : c.working_weekdays) out += w ? '1' : '0';
  return out;
}

std::string EncodeOfficeHours(const Calendar& c) {
  std::string out;
  for (const auto& iv : c.office_hours) {
    if (!out.empty()) out += ',';
    out += std::to_string(iv.start_minute) + "-" + std::to_string(iv.end_minute);
  }
  return out;
}

Result<void> DecodeCalendarRow(std::string_view weekdays, std::string_view hours, Calendar& c) {
  if (weekdays.size() != 7) return Error::Internal("calendar " + c.id + ": bad weekdays");
  for (size_t i = 0; i < 7; ++i) c.working_weekdays[i] = weekdays[i] == '1';
  c.office_hours.clear();
  for (const auto& part : SplitStrings(hours)) {
    OfficeInterval iv;
    auto dash = part.find('-');
    if (dash == std::string::npos) return Error::Internal("calendar " + c.id + ": bad office hours");
    std::from_chars(part.data(), part.data() + dash, iv.start_minute);
    std::from_chars(part.data() + dash + 1, part.data() + part.size(), iv.end_minute);
    c.office_hours.push_back(iv);
  }
  return {};
}

}  // namespace civicgrid::store::sql
