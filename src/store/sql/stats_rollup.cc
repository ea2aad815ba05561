#include "store/sql/stats_rollup.h"

#include <algorithm>
#include <optional>

namespace civicgrid::store::sql {
namespace {

constexpr int kCounters = static_cast<int>(kStatFieldNames.size());

std::string CounterColumns() {
  std::string out;
  for (auto name : kStatFieldNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// INSERT … ON CONFLICT DO UPDATE adding the counters, for a table whose key is `key_columns` (n of them,
// bound first, the counters after them).
std::string UpsertSql(Dialect d, const std::string& table, const std::string& key_columns, int n) {
  std::string placeholders, updates;
  for (int i = 1; i <= n + kCounters; ++i) placeholders += (i > 1 ? ", " : "") + Param(d, i);
  // PostgreSQL wants the stored row's columns qualified by the table's name.
  const std::string stored = d == Dialect::kPostgres ? table + "." : "";
  for (int i = 0; i < kCounters; ++i) {
    const std::string name(kStatFieldNames[i]);
    updates += (i ? ", " : "") + name + " = " + stored + name + " + excluded." + name;
  }
  return "INSERT INTO " + table + "(" + key_columns + ", " + CounterColumns() + ") VALUES (" + placeholders +
         ") ON CONFLICT(" + key_columns + ") DO UPDATE SET " + updates;
}

// The statement text of `make(dialect)`, built once per dialect.
template <class Make>
const std::string& PerDialect(Dialect d, Make make) {
  static const std::string sqlite = make(Dialect::kSqlite), postgres = make(Dialect::kPostgres);
  return d == Dialect::kSqlite ? sqlite : postgres;
}

void AddCounters(Values& v, const StatCounts& c) {
  for (int i = 0; i < kCounters; ++i) v.emplace_back(c.v[i]);
}

using RollupRows = std::map<std::pair<int32_t, RollupKey>, StatCounts>;  // (period, key) → counters

Result<void> UpsertRollups(Runner& db, bool days, const RollupRows& rows) {
  const std::string& sql =
      days ? PerDialect(db.dialect(), [](Dialect d) { return UpsertSql(d, "case_stats_day", "period, dim, area, value", 4); })
           : PerDialect(db.dialect(),
                        [](Dialect d) { return UpsertSql(d, "case_stats_month", "period, dim, area, value", 4); });
  Values v;
  for (const auto& [k, counts] : rows) {
    if (counts.empty()) continue;
    v.clear();
    v.emplace_back(int64_t{k.first});
    v.emplace_back(int64_t{static_cast<int>(k.second.by)});
    v.emplace_back(k.second.area);
    v.emplace_back(k.second.value);
    AddCounters(v, counts);
    if (auto r = db.Run(sql, v); !r) return r.error();
  }
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

// Adds the counters of `row` from column `first` on to `g`.
void SumInto(StatCounts& g, const RowReader& row, int first) {
  for (int i = 0; i < kCounters; ++i) g.v[i] += row.Int(first + i);
}

// The report days that hold counters, [first, last]; first > last when none.
Result<std::pair<Day, Day>> DaysHeld(Runner& db) {
  std::pair<Day, Day> out{1, 0};
  auto r = db.Run("SELECT (SELECT MIN(day) FROM case_stats), (SELECT MAX(day) FROM case_stats)", {},
                  [&](const RowReader& row) {
                    if (!row.IsNull(0)) out = {static_cast<Day>(row.Int(0)), static_cast<Day>(row.Int(1))};
                  });
  if (!r) return r.error();
  return out;
}

Result<void> FromRollups(Runner& db, const StatsQuery& q, RollupBy dim, Day from, Day to,
                         std::map<std::string, StatCounts>& groups) {
  // One seek per period within the subtree's areas: the key is (dim, period, area, value).
  auto sql = [](Dialect d, const char* table) {
    return "SELECT period, area, value, " + CounterColumns() + " FROM " + table + " WHERE dim = " + Param(d, 1) +
           " AND period = " + Param(d, 2) + " AND area >= " + Param(d, 3) + " AND area < " + Param(d, 3) + " || ':'";
  };
  const std::string& day_sql = PerDialect(db.dialect(), [&](Dialect d) { return sql(d, "case_stats_day"); });
  const std::string& month_sql = PerDialect(db.dialect(), [&](Dialect d) { return sql(d, "case_stats_month"); });
  auto run = [&](const std::string& text, int32_t period) -> Result<void> {
    auto r = db.Run(text, Values{int64_t{static_cast<int>(dim)}, int64_t{period}, q.under}, [&](const RowReader& row) {
      SumInto(groups[RollupGroup(q.by, period, row.Text(1), row.Text(2))], row, 3);
    });
    if (!r) return r.error();
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

Result<void> FromCounters(Runner& db, const StatsQuery& q, Day from, Day to,
                          std::map<std::string, StatCounts>& groups) {
  // One seek per report day on the primary key (day, territory, …), each reading only the subtree's rows of
  // that day: a range on day alone would read every territory's rows of the period.
  const Dialect d = db.dialect();
  const std::string sql = "SELECT " + GroupExpression(q.by) + ", " + CounterColumns() +
                          " FROM case_stats WHERE day = " + Param(d, 2) + " AND territory >= " + Param(d, 1) +
                          " AND territory < " + Param(d, 1) + " || ':'";
  for (Day day = from; day <= to; ++day) {
    auto r = db.Run(sql, Values{q.under, int64_t{day}},
                    [&](const RowReader& row) { SumInto(groups[row.Text(0)], row, 1); });
    if (!r) return r.error();
  }
  return {};
}

}  // namespace

void StatsAccumulator::Add(const StatKey& key, const StatCounts& counts, int sign) {
  if (counts.empty()) return;
  StatCounts& row = pending_[Key{key.day, key.territory, key.category, key.unit, key.channel}];
  for (size_t i = 0; i < counts.v.size(); ++i) row.v[i] += sign * counts.v[i];
}

Result<void> StatsAccumulator::Flush(Runner& db) {
  if (pending_.empty()) return {};
  const std::string& base_sql = PerDialect(db.dialect(), [](Dialect d) {
    return UpsertSql(d, "case_stats", "day, territory, category, unit, channel", 5);
  });
  RollupRows days, months;
  Values v;
  for (const auto& [k, counts] : pending_) {
    if (counts.empty()) continue;
    const StatKey key{std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k)};
    v.clear();
    v.emplace_back(int64_t{key.day});
    v.emplace_back(key.territory);
    v.emplace_back(key.category);
    v.emplace_back(key.unit);
    v.emplace_back(std::string(ChannelName(key.channel)));
    AddCounters(v, counts);
    if (auto r = db.Run(base_sql, v); !r) return r.error();
    const int32_t month = MonthOf(key.day);
    for (const RollupKey& rk : RollupKeysOf(key)) {
      days[{key.day, rk}] += counts;
      months[{month, rk}] += counts;
    }
  }
  if (auto r = UpsertRollups(db, true, days); !r) return r;
  if (auto r = UpsertRollups(db, false, months); !r) return r;
  pending_.clear();
  return {};
}

Result<std::vector<StatsGroup>> QueryStats(Runner& db, const StatsQuery& q) {
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

}  // namespace civicgrid::store::sql
