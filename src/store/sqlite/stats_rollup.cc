#include "store/sqlite/stats_rollup.h"

#include <algorithm>
#include <optional>

namespace civicgrid::store::sqlite {
namespace {

constexpr int kCounters = static_cast<int>(kStatFieldNames.size());

std::string CounterColumns() {
  std::string out;
  for (auto name : kStatFieldNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// INSERT … ON CONFLICT DO UPDATE adding the counters, for a table whose key is `key_columns` (n of them,
// bound first, the counters after them).
std::string UpsertSql(const std::string& table, const std::string& key_columns, int n) {
  std::string placeholders, updates;
  for (int i = 1; i <= n + kCounters; ++i) placeholders += (i > 1 ? ", ?" : "?") + std::to_string(i);
  for (int i = 0; i < kCounters; ++i) {
    const std::string name(kStatFieldNames[i]);
    updates += (i ? ", " : "") + name + " = " + name + " + excluded." + name;
  }
  return "INSERT INTO " + table + "(" + key_columns + ", " + CounterColumns() + ") VALUES (" + placeholders +
         ") ON CONFLICT(" + key_columns + ") DO UPDATE SET " + updates;
}

void BindCounters(Stmt& s, int first, const StatCounts& c) {
  for (int i = 0; i < kCounters; ++i) s.Bind(first + i, c.v[i]);
}

Error SqlError(const Stmt& s) { return Error::Internal("statistics: " + s.error()); }

using RollupRows = std::map<std::pair<int32_t, RollupKey>, StatCounts>;  // (period, key) → counters

Result<void> UpsertRollups(Db& db, const std::string& table, const RollupRows& rows) {
  static const std::string day_sql = UpsertSql("case_stats_day", "period, dim, area, value", 4);
  static const std::string month_sql = UpsertSql("case_stats_month", "period, dim, area, value", 4);
  Stmt& s = db.Cached(table == "case_stats_day" ? day_sql : month_sql);
  if (!s.ok()) return SqlError(s);
  for (const auto& [k, counts] : rows) {
    if (counts.empty()) continue;
    s.Reset();
    s.Bind(1, int64_t{k.first}).Bind(2, int64_t{static_cast<int>(k.second.by)}).Bind(3, k.second.area);
    s.Bind(4, k.second.value);
    BindCounters(s, 5, counts);
    if (auto r = s.Run(); !r) return r;
  }
  s.Reset();
  return {};
}

// What a rollup row answers for the grouping `by` (the rollup was chosen for it).
std::string RollupGroup(StatsBy by, int32_t period, const std::string& area, const std::string& value) {
  switch (by) {
    case StatsBy::kStreet: return area;
    case StatsBy::kDay: return std::to_string(period);
    case StatsBy::kCategory:
    case StatsBy::kUnit:
    case StatsBy::kChannel: return value;
    default: return "";
  }
}

// The rollup that answers `q`, if any.
std::optional<RollupBy> RollupFor(const StatsQuery& q) {
  switch (q.by) {
    case StatsBy::kNone:
    case StatsBy::kStreet:
    case StatsBy::kDay:
      if (q.under.size() <= 9) return RollupBy::kNone;
      return std::nullopt;
    case StatsBy::kCategory:
      if (q.under.size() <= 6) return RollupBy::kCategory;
      return std::nullopt;
    case StatsBy::kUnit:
      if (q.under.size() <= 6) return RollupBy::kUnit;
      return std::nullopt;
    case StatsBy::kChannel:
      if (q.under.size() <= 6) return RollupBy::kChannel;
      return std::nullopt;
    default: return std::nullopt;
  }
}

// SQL for grouping rows of case_stats.
std::string GroupExpression(StatsBy by) {
  switch (by) {
    case StatsBy::kNone: return "''";
    case StatsBy::kCategory: return "category";
    case StatsBy::kUnit: return "CAST(unit AS TEXT)";
    case StatsBy::kStreet: return "substr(territory, 1, 9)";
    case StatsBy::kCommunity: return "substr(territory, 1, 12)";
    case StatsBy::kGrid: return "CASE WHEN length(territory) = 15 THEN territory ELSE '' END";
    case StatsBy::kChannel: return "channel";
    case StatsBy::kDay: return "CAST(day AS TEXT)";
  }
  return "''";
}

// Sums the rows `s` yields (group, counters…) into `groups`.
Result<void> SumRows(Stmt& s, std::map<std::string, StatCounts>& groups) {
  while (s.Step()) {
    StatCounts& g = groups[s.Text(0)];
    for (int i = 0; i < kCounters; ++i) g.v[i] += s.Int(i + 1);
  }
  if (!s.error().empty()) return SqlError(s);
  return {};
}

// The report days that hold counters, [first, last]; first > last when none.
Result<std::pair<Day, Day>> DaysHeld(Db& db) {
  CachedStmt s(db, "SELECT (SELECT MIN(day) FROM case_stats), (SELECT MAX(day) FROM case_stats)");
  if (!s->ok()) return SqlError(*s);
  if (!s->Step()) return SqlError(*s);
  if (s->IsNull(0)) return std::make_pair(Day{1}, Day{0});
  return std::make_pair(static_cast<Day>(s->Int(0)), static_cast<Day>(s->Int(1)));
}

Result<void> FromRollups(Db& db, const StatsQuery& q, RollupBy dim, Day from, Day to,
                         std::map<std::string, StatCounts>& groups) {
  // One seek per period within the subtree's areas: the key is (dim, period, area, value).
  const std::string tail = ", " + CounterColumns() + " FROM %s WHERE dim = ?1 AND period = ?2 AND area >= ?3 AND area < ?3 || ':'";
  auto sql = [&](const char* table) {
    std::string out = "SELECT period, area, value" + tail;
    out.replace(out.find("%s"), 2, table);
    return out;
  };
  static const std::string day_sql = sql("case_stats_day"), month_sql = sql("case_stats_month");
  auto run = [&](const std::string& text, int32_t period) -> Result<void> {
    CachedStmt s(db, text);
    if (!s->ok()) return SqlError(*s);
    s->Bind(1, int64_t{static_cast<int>(dim)}).Bind(2, int64_t{period}).Bind(3, q.under);
    while (s->Step()) {
      StatCounts& g = groups[RollupGroup(q.by, period, s->Text(1), s->Text(2))];
      for (int i = 0; i < kCounters; ++i) g.v[i] += s->Int(i + 3);
    }
    if (!s->error().empty()) return SqlError(*s);
    return {};
  };
  // By day: every day from the day rollup; otherwise whole months from the month rollup.
  const PeriodSplit split = q.by == StatsBy::kDay ? PeriodSplit{{{from, to}}, 0, -1} : SplitByMonths(from, to);
  for (auto [a, b] : split.days)
    for (Day d = a; d <= b; ++d)
      if (auto r = run(day_sql, d); !r) return r;
  for (int32_t m = split.first_month; m <= split.last_month; ++m)
    if (auto r = run(month_sql, m); !r) return r;
  return {};
}

Result<void> FromCounters(Db& db, const StatsQuery& q, Day from, Day to, std::map<std::string, StatCounts>& groups) {
  // One seek per report day on the primary key (day, territory, …), each reading only the subtree's rows of
  // that day: a range on day alone would read every territory's rows of the period.
  CachedStmt s(db, "SELECT " + GroupExpression(q.by) + ", " + CounterColumns() +
                       " FROM case_stats WHERE day = ?2 AND territory >= ?1 AND territory < ?1 || ':'");
  if (!s->ok()) return SqlError(*s);
  for (Day d = from; d <= to; ++d) {
    s->Reset();
    s->Bind(1, q.under).Bind(2, int64_t{d});
    if (auto r = SumRows(*s, groups); !r) return r;
  }
  return {};
}

}  // namespace

void StatsAccumulator::Add(const StatKey& key, const StatCounts& counts, int sign) {
  if (counts.empty()) return;
  StatCounts& row = pending_[Key{key.day, key.territory, key.category, key.unit, key.channel}];
  for (size_t i = 0; i < counts.v.size(); ++i) row.v[i] += sign * counts.v[i];
}

Result<void> StatsAccumulator::Flush(Db& db) {
  if (pending_.empty()) return {};
  static const std::string base_sql = UpsertSql("case_stats", "day, territory, category, unit, channel", 5);
  Stmt& s = db.Cached(base_sql);
  if (!s.ok()) return SqlError(s);
  RollupRows days, months;
  for (const auto& [k, counts] : pending_) {
    if (counts.empty()) continue;
    const StatKey key{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k)};
    s.Reset();
    s.Bind(1, int64_t{key.day}).Bind(2, key.territory).Bind(3, key.category).Bind(4, key.unit);
    s.Bind(5, ChannelName(key.channel));
    BindCounters(s, 6, counts);
    if (auto r = s.Run(); !r) return r;
    const int32_t month = MonthOf(key.day);
    for (const RollupKey& rk : RollupKeysOf(key)) {
      days[{key.day, rk}] += counts;
      months[{month, rk}] += counts;
    }
  }
  s.Reset();
  if (auto r = UpsertRollups(db, "case_stats_day", days); !r) return r;
  if (auto r = UpsertRollups(db, "case_stats_month", months); !r) return r;
  pending_.clear();
  return {};
}

Result<std::vector<StatsGroup>> QueryStats(Db& db, const StatsQuery& q) {
  auto held = DaysHeld(db);
  if (!held) return held.error();
  const Day from = std::max(q.from, held->first);
  const Day to = q.to ? std::min(q.to, held->second) : held->second;
  std::map<std::string, StatCounts> groups;
  if (from <= to) {
    const auto rollup = RollupFor(q);
    auto r = rollup ? FromRollups(db, q, *rollup, from, to, groups) : FromCounters(db, q, from, to, groups);
    if (!r) return r.error();
  }
  std::vector<StatsGroup> out;
  for (auto& [key, counts] : groups)
    if (counts["reported"] != 0) out.push_back({key, counts});
  return out;
}

}  // namespace civicgrid::store::sqlite
