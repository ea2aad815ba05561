// One case of the demo history played through the real core: Report(), then Apply() for each step with
// the context the app would give, stopped at the world's end time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/case.h"
#include "core/result.h"
#include "core/workflow.h"
#include "demo/history_world.h"

namespace civicgrid::demo::history {

// What intake decided about a planned case; the workflow then plays it out.
struct Intake {
  Case draft;
  ActionRequest report;
  std::string category;      // the category the center settles on
  bool classify = false;     // the operator classifies it (hotline, superior, a resident's wrong choice)
  int64_t duplicate_of = 0;  // merged into this case
  bool reject = false;
  bool self_handle = false;
  uint64_t seed = 0;
};

// A finished history: the final case and its events.
struct Simulated {
  Case c;
  std::vector<CaseEvent> events;
};

// The users who act: one of six operators of a center, one of three users of a unit, chosen by `turn`.
std::string OperatorOf(int64_t center, uint64_t turn);
std::string UnitUserOf(int64_t unit, uint64_t turn);

// Plays the case `in` describes from its report to where it stands at world.end(), drawing from in.seed:
// the same world and intake give the same case and events. An error when the core refuses a step.
Result<Simulated> RunCase(World& world, const Intake& in);

}  // namespace civicgrid::demo::history
