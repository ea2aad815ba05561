// The case-list figures: pages of 50 as `GET /api/v1/cases?under=…&status=…&limit=50` fetches them
// (CaseService::List for an operator whose grant covers the territory, keyset cursor), first pages and
// deep pages reached by following the cursor; and the LIMIT/OFFSET peer for the deep pages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/cases.h"
#include "core/result.h"
#include "scenario.h"
#include "sql_peers.h"

namespace civicgrid::bench {

class ListBench {
 public:
  // Deep pages are pages `deep_from` … `deep_to` (1-based) of each scenario that has page `deep_from`.
  ListBench(app::CaseService& cases, SqlitePeer& peer, int deep_from, int deep_to)
      : cases_(cases), peer_(peer), deep_from_(deep_from), deep_to_(deep_to) {}

  // Walks every scenario from page 1 to its last deep page (or its end), checking each page (ids newest
  // first, every case under the territory and in a status of the filter, the cursor) and keeping the
  // ids of the deep pages. Fails naming the scenario and page of the first wrong page.
  Result<void> Prepare(const std::vector<ListScenario>& scenarios);

  // Seconds of each of `fetches` page-1 fetches, cycling over the scenarios.
  Result<std::vector<double>> FirstPages(int fetches);
  // Seconds of each of `fetches` deep-page fetches: each deep scenario from the cursor of page
  // `deep_from` onwards, page after page, cycling; every page is checked against Prepare's ids.
  Result<std::vector<double>> DeepPages(int fetches);
  // The same deep pages by LIMIT/OFFSET in SQLite, `fetches` of them spread evenly over the deep pages;
  // every page must hold the same ids as the keyset page.
  Result<std::vector<double>> DeepPagesByOffset(int fetches);

  // For each scenario, "label: p50 … ms, max … ms" of `rounds` page-1 fetches and of its deep pages.
  Result<std::vector<std::string>> PerList(int rounds);

  size_t deep_scenarios() const { return deep_.size(); }
  size_t deep_pages() const;
  // "label: N pages" for each scenario, as walked by Prepare.
  std::vector<std::string> Summary() const;

 private:
  struct Walked {
    const ListScenario* scenario;
    int pages = 0;               // pages walked (stops at deep_to)
    bool complete = false;       // the walk reached the last page
  };
  struct Deep {
    const ListScenario* scenario;
    int64_t cursor = 0;                       // before_id of page deep_from
    std::vector<std::vector<int64_t>> pages;  // ids of pages deep_from, deep_from + 1, …
  };
  Result<store::CasePage> Fetch(const ListScenario& s, int64_t before_id);

  app::CaseService& cases_;
  SqlitePeer& peer_;
  int deep_from_, deep_to_;
  std::vector<const ListScenario*> scenarios_;
  std::vector<Walked> walked_;
  std::vector<Deep> deep_;
};

// The `q` quantile (0…1) of `values` by nearest rank (0 for none).
double Quantile(std::vector<double> values, double q);

}  // namespace civicgrid::bench
