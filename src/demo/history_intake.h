// Intake of the demo history: what is reported, where, by whom, and what the center does first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "demo/history_case.h"
#include "demo/history_plan.h"
#include "demo/history_random.h"
#include "demo/history_text.h"
#include "demo/history_world.h"
#include "geo/grid_index.h"

namespace civicgrid::demo::history {

// A recent case of a county, a candidate for duplicates.
struct Recent {
  int64_t id = 0;
  Timestamp at = 0;
  std::string category;
  const GridRef* grid = nullptr;
  bool has_point = false;
  double lon = 0, lat = 0;
  std::string place;
};

// Turns planned cases into intakes over `counties`, with points found through `index`; only the categories
// the reference data knows are reported. Keeps the recent cases of each county for duplicates.
class Reporter {
 public:
  Reporter(World& world, const std::vector<County>& counties, const geo::GridIndex& index)
      : w_(world), counties_(counties), index_(index), recent_(counties.size()) {
    for (const Kind& k : Kinds())
      if (w_.ref().CategoryByCode(k.code)) kinds_.push_back(&k);
  }

  // Decides everything about the planned case that will get `id`: where, what, who, and what the center
  // does first. Remembers it as a candidate for later duplicates. Cases must come in plan order.
  Intake Make(const Planned& p, int64_t id);

 private:
  const Kind* KindOf(const std::string& code) const;
  const Kind* ChooseKind(Rng& rng, Channel channel, const GridRef& g, Timestamp at);
  unsigned MonthOf(Timestamp at) const;
  std::optional<geo::Point> PointIn(Rng& rng, const GridRef& g) const;

  World& w_;
  const std::vector<County>& counties_;
  const geo::GridIndex& index_;
  std::vector<const Kind*> kinds_;
  std::vector<std::vector<Recent>> recent_;
};

}  // namespace civicgrid::demo::history
