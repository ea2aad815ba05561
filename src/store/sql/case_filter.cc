#include "store/sql/case_filter.h"

#include <set>

#include "store/sql/case_rows.h"

namespace civicgrid::store::sql {
namespace {

// True when every case under `f.under` is in the filter's scope by territory.
bool ScopeImplied(const CaseFilter& f) {
  if (!f.scope) return false;
  for (const std::string& t : f.scope->territories)
    if (t.empty() || (!f.under.empty() && f.under.compare(0, t.size(), t) == 0)) return true;
  return false;
}

CaseWhere Where(const CaseFilter& f, bool with_paging, bool with_statuses, Dialect d) {
  CaseWhere w;
  std::string& where = w.sql;
  auto text = [&](const std::string& v) {
    w.params.emplace_back(v);
    return Param(d, static_cast<int>(w.params.size()));
  };
  auto integer = [&](int64_t v) {
    w.params.emplace_back(v);
    return Param(d, static_cast<int>(w.params.size()));
  };
  // Whether `needle` occurs in `hay` (both SQL expressions).
  auto contains = [&](const std::string& hay, const std::string& needle) {
    return (d == Dialect::kSqlite ? "instr(" : "strpos(") + hay + ", " + needle + ") > 0";
  };
  if (with_statuses && !f.statuses.empty()) {
    where += " AND status IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i)
      where += (i ? ", " : "") + text(std::string(CaseStatusName(f.statuses[i])));
    where += ")";
  }
  if (!f.category.empty()) {
    if (f.category.size() == 2)
      where += " AND substr(category, 1, 2) = " + text(f.category);
    else
      where += " AND category = " + text(f.category);
  }
  if (f.unit) where += " AND unit = " + integer(f.unit);
  if (!f.under.empty()) {
    const std::string lo = text(f.under), hi = text(f.under + ":");
    where += " AND territory >= " + lo + " AND territory < " + hi;
  }
  if (f.channel) where += " AND channel = " + text(std::string(ChannelName(*f.channel)));
  if (f.scope && !ScopeImplied(f)) {
    // Visible: in one of the territories, or dispatched to one of the units, or reported by the account.
    std::string any;
    for (const std::string& t : f.scope->territories) {
      const std::string lo = text(t), hi = text(t + ":");
      any += std::string(any.empty() ? "" : " OR ") + "(territory >= " + lo + " AND territory < " + hi + ")";
    }
    for (int64_t u : f.scope->units) {
      const std::string id = integer(u);
      any += std::string(any.empty() ? "" : " OR ") + "unit = " + id + " OR " +
             contains("',' || co_units || ','", "',' || " + id + " || ','");
    }
    if (!f.scope->reporter_account.empty())
      any += std::string(any.empty() ? "" : " OR ") + "reporter_account = " + text(f.scope->reporter_account);
    where += " AND (" + (any.empty() ? std::string("1 = 0") : any) + ")";
  }
  if (f.overdue) where += std::string(" AND overdue = ") + (*f.overdue ? "1" : "0");
  if (f.warning) {
    const std::string now = integer(f.now);
    switch (*f.warning) {
      case Warning::kNone:
        where += " AND (open = 0 OR handle_warn = 0 OR handle_warn > " + now + ")";
        break;
      case Warning::kYellow:
        where += " AND open = 1 AND handle_warn > 0 AND handle_warn <= " + now + " AND handle_due > " + now;
        break;
      case Warning::kRed:
        where += " AND open = 1 AND handle_due > 0 AND handle_due <= " + now;
        break;
    }
  }
  // The column holds the seconds asked for while a request waits (0 when none).
  if (f.extension_pending) where += std::string(" AND extension_pending ") + (*f.extension_pending ? "> 0" : "= 0");
  if (f.from) where += " AND reported_at >= " + integer(f.from);
  if (f.to) where += " AND reported_at < " + integer(f.to);
  if (!f.text.empty()) where += " AND " + contains("description", text(f.text));
  if (with_paging && f.before_id) where += " AND id < " + integer(f.before_id);
  return w;
}

// True when `f` filters by statuses and a subtree only (with a scope the subtree implies).
bool PlaceAndStatusOnly(const CaseFilter& f) {
  return f.category.empty() && !f.unit && !f.channel && !f.overdue && !f.warning && !f.extension_pending && !f.from &&
         !f.to && f.text.empty() && (!f.scope || ScopeImplied(f));
}

}  // namespace

CaseWhere WhereOf(const CaseFilter& f, bool with_paging, Dialect d) { return Where(f, with_paging, true, d); }

ListPlan ListQuery(const CaseFilter& f, int rows, Dialect d) {
  const std::string select = "SELECT " + CaseColumns() + " FROM cases";
  const std::string newest = " ORDER BY id DESC LIMIT " + std::to_string(rows);
  auto cases_of = [&](const std::string& ids) { return select + " WHERE id IN (" + ids + ") ORDER BY id DESC"; };
  ListPlan plan;
  if (d == Dialect::kPostgres || !PlaceAndStatusOnly(f)) {
    plan.exact = WhereOf(f, true, d);
    plan.exact.sql = select + " WHERE " + plan.exact.sql + newest;
    return plan;
  }
  const bool large = f.under.size() <= 6;  // a county, a city, the province or everything
  const std::set<CaseStatus> statuses(f.statuses.begin(), f.statuses.end());
  // Status names are plain words, written inline so that several parts of a statement share parameters.
  auto status_is = [](CaseStatus s) { return "status = '" + std::string(CaseStatusName(s)) + "'"; };
  if (statuses.size() <= 1) {
    // The walk: index entries (or rows) newest first, at most `budget` of them, then the filter.
    const int budget = large ? kListWalkBudget : kListWalkBudget / 10;
    const std::string before = f.before_id ? "id < " + std::to_string(f.before_id) : "1";
    const std::string walked =
        statuses.empty() ? "SELECT id, territory FROM cases NOT INDEXED WHERE " + before
                         : "SELECT id, territory FROM cases INDEXED BY cases_status WHERE " + status_is(*statuses.begin()) +
                               " AND " + before;
    CaseWhere w = Where(f, true, false, d);
    w.sql = cases_of("SELECT id FROM (" + walked + " ORDER BY id DESC LIMIT " + std::to_string(budget) + ") WHERE " +
                     w.sql + " LIMIT " + std::to_string(rows));
    plan.first_try = std::move(w);
    plan.exact = WhereOf(f, true, d);
    plan.exact.sql = cases_of(std::string("SELECT id FROM cases INDEXED BY ") +
                              (statuses.empty() ? "cases_territory" : "cases_status_territory") + " WHERE " +
                              plan.exact.sql + newest);
    return plan;
  }
  if (!large) {
    plan.exact = WhereOf(f, true, d);
    plan.exact.sql = cases_of("SELECT id FROM cases INDEXED BY cases_status_territory WHERE " + plan.exact.sql + newest);
    return plan;
  }
  plan.exact = Where(f, true, false, d);
  std::string arms;
  for (CaseStatus s : statuses)
    arms += std::string(arms.empty() ? "" : " UNION ALL ") + "SELECT id FROM (SELECT id FROM cases INDEXED BY " +
            "cases_status WHERE " + status_is(s) + " AND " + plan.exact.sql + newest + ")";
  plan.exact.sql = cases_of(arms + newest);
  return plan;
}

}  // namespace civicgrid::store::sql
