// Case filters (store/case_store.h CaseFilter) as SQL of either engine: the WHERE clause with its parameters, and the whole
// query of a page of a case list with the access path that suits it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/case_store.h"
#include "store/sql/sql.h"

namespace civicgrid::store::sql {

// SQL text with its numbered parameters (1 … params.size()).
struct CaseWhere {
  std::string sql = "1 = 1";
  Values params;
};

// The WHERE clause of `f` (its before_id too when `with_paging`). A scope that `f.under` implies (the
// subtree lies inside one of its territories) is left out, since it selects nothing less.
CaseWhere WhereOf(const CaseFilter& f, bool with_paging, Dialect d);

// How to read the newest `rows` cases matching a filter (all case columns, newest first): a first try that
// may come back short, then the exact query when it does.
struct ListPlan {
  std::optional<CaseWhere> first_try;  // valid only if it answers `rows` cases
  CaseWhere exact;
};

// The plan of a page of `f`. A filter of statuses and a subtree only — what the workbenches and the lists
// page through — reads least this way:
//   one status or any: first a walk newest first through the (status, id, territory) index (or the table),
//     the territory checked in the index, over at most kListWalkBudget entries (fewer for a street or
//     less), which fills the page unless matches are rare; then every match from the (status, territory,
//     id) or (territory, id) index, the newest ids chosen, and only their cases read;
//   several statuses: for a county or more, a walk per status merged; for a street or less, the matches
//     of the (status, territory, id) index as above.
// Other filters are left to SQLite's planner. PostgreSQL's planner chooses among the same indexes itself
// (its statistics know how rare a status or a subtree is): there the plan is the exact query alone.
ListPlan ListQuery(const CaseFilter& f, int rows, Dialect d);
inline constexpr int kListWalkBudget = 20000;

}  // namespace civicgrid::store::sql
