#include "demo/demo_history.h"

// The driver: the catalogue, the territory and plan, then the cases played and written a chunk at a time
// (the next chunk is played while the previous one is written). The parts live in history_*.h.

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/reference.h"
#include "demo/catalogue.h"
#include "demo/history_case.h"
#include "demo/history_intake.h"
#include "demo/history_plan.h"
#include "demo/history_world.h"
#include "geo/grid_index.h"

namespace civicgrid::demo {
namespace {

using history::County;
using history::GridRef;
using history::Intake;
using history::Planned;
using history::Reporter;
using history::Simulated;
using history::World;

std::string Thousands(size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Writes the catalogue in one transaction; answers it.
Result<Catalogue> WriteCatalogue(store::Store& store, const HistoryOptions& options, HistoryReport& report) {
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  auto catalogue = LoadCatalogue(options.catalogue_dir, *divisions);
  if (!catalogue) return catalogue.error();
  auto existing = store.LoadReference();
  if (!existing) return existing.error();
  const bool has_national = std::any_of(existing->calendars.begin(), existing->calendars.end(),
                                        [](const Calendar& c) { return c.id == app::kDefaultCalendar; });
  auto r = store.Write([&](store::CaseTx& tx) -> Result<void> {
    if (!has_national)
      if (auto w = tx.PutCalendar(NationalCalendar()); !w) return w;
    for (const Category& c : catalogue->categories)
      if (auto w = tx.PutCategory(c); !w) return w;
    for (Unit u : catalogue->units)
      if (auto w = tx.PutUnit(u); !w) return w;
    for (RoutingRule rule : catalogue->rules)
      if (auto w = tx.PutRoutingRule(rule); !w) return w;
    return {};
  });
  if (!r) return r.error();
  report.categories = catalogue->categories.size();
  report.units = catalogue->units.size();
  report.rules = catalogue->rules.size();
  return catalogue;
}

}  // namespace

Timestamp SystemClockNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<HistoryReport> BuildDemoHistory(store::Store& store, const HistoryOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& s) {
    if (options.progress) options.progress(s);
  };
  if (options.days < 0) return Error::InvalidArgument("days must be 0 or more", "days");
  if (options.scale < 0 || options.other_scale < 0) return Error::InvalidArgument("scale must be 0 or more", "scale");
  if (options.days > 0 && !options.end && !options.now)
    return Error::InvalidArgument("the history needs an end time or a clock", "end");
  HistoryReport report;
  if (options.days > 0) {
    auto cases = store.CountCases();
    if (!cases) return cases.error();
    if (*cases > 0)
      return Error::InvalidArgument(
          "the database already holds " + std::to_string(*cases) + " cases; the demo history needs an empty case table",
          "db");
  }
  auto catalogue = WriteCatalogue(store, options, report);
  if (!catalogue) return catalogue.error();
  say("catalogue: " + std::to_string(report.categories) + " categories, " + Thousands(report.units) + " units, " +
      Thousands(report.rules) + " routing rules");
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  if (options.days == 0) {
    report.seconds = elapsed();
    return report;
  }

  // The territory: grids with their communities, streets and counties.
  auto divisions = store.LoadDivisions();
  if (!divisions) return divisions.error();
  auto grids = store.LoadGrids();
  if (!grids) return grids.error();
  if (grids->empty()) return Error::InvalidArgument("the database holds no grids; build the territory first", "db");
  std::unordered_map<std::string, Division> by_code;
  for (Division& d : *divisions) by_code.emplace(d.code, std::move(d));
  const auto index = geo::GridIndex::Build(std::move(*grids));
  std::vector<County> counties;
  std::map<std::string, size_t> county_of;
  for (const geo::Grid& g : index->grids()) {
    auto community = by_code.find(g.community);
    auto street = by_code.find(g.community.substr(0, 9));
    auto county = by_code.find(g.community.substr(0, 6));
    if (community == by_code.end() || street == by_code.end() || county == by_code.end()) continue;
    auto [it, fresh] = county_of.emplace(county->first, counties.size());
    if (fresh) counties.push_back({&county->second, {}, 0});
    GridRef ref;
    ref.grid = &g;
    geo::bg::envelope(g.shape, ref.box);
    ref.community = &community->second;
    ref.street = &street->second;
    const std::string& name = community->second.name;
    ref.rural = (name.size() >= 3 && name.compare(name.size() - 3, 3, "村") == 0) ||
                StreetKindOf(street->first) == StreetKind::kTown ||
                StreetKindOf(street->first) == StreetKind::kTownship;
    counties[it->second].grids.push_back(ref);
  }
  if (options.cases_per_year > 0) {
    history::SetRatesByGrids(counties, options.cases_per_year);
  } else {
    history::SetRates(counties, options.scale, options.other_scale);
  }

  auto reference = store.LoadReference();
  if (!reference) return reference.error();
  const app::ReferenceSnapshot ref(std::move(*reference));
  const Calendar& cal = ref.CalendarOf("");
  const Timestamp end = options.end ? options.end : options.now();
  const Day last = cal.LocalDay(end), first = last - options.days + 1;
  report.end = end;
  report.start = int64_t{first} * 86400 - int64_t{cal.utc_offset_minutes} * 60;
  const std::vector<Planned> plan = history::Plan(counties, cal, first, last, end, options.seed);
  say("history: " + std::to_string(options.days) + " days from " + FormatDay(first) + " to " +
      FormatTimestamp(end, cal.utc_offset_minutes) + ", " + Thousands(plan.size()) + " cases in " +
      std::to_string(counties.size()) + " counties");

  World world(ref, *catalogue, end);
  Reporter reporter(world, counties, *index);
  const size_t chunk = std::max<size_t>(1, options.chunk);
  std::vector<Simulated> buffers[2];
  std::future<Result<void>> pending;
  size_t pending_cases = 0;
  // Progress about every 2% (and at the end), with the rate and the time left.
  const auto writing_started = std::chrono::steady_clock::now();
  const size_t progress_step = std::max<size_t>(chunk, plan.size() / 50);
  size_t next_progress = progress_step;
  auto wait = [&]() -> Result<void> {
    if (!pending.valid()) return {};
    auto r = pending.get();
    if (!r) return r;
    if (pending_cases >= next_progress || pending_cases == plan.size()) {
      next_progress = pending_cases + progress_step;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - writing_started).count();
      const double rate = s > 0 ? static_cast<double>(pending_cases) / s : 0;
      const double left = rate > 0 ? static_cast<double>(plan.size() - pending_cases) / rate : 0;
      say("cases: " + Thousands(pending_cases) + "/" + Thousands(plan.size()) + " (" +
          Thousands(static_cast<size_t>(rate)) + " a second, " + std::to_string(static_cast<int>(left + 0.5)) +
          " s left)");
    }
    return {};
  };
  if (auto r = store.BeginBulkLoad(options.bulk_cache_bytes); !r) return r.error();
  // Ends the bulk load on every way out; the first error wins.
  auto finish = [&](Result<void> r) -> Result<void> {
    auto ended = store.EndBulkLoad();
    if (!r) return r;
    return ended;
  };
  for (size_t begin = 0, k = 0; begin < plan.size(); begin += chunk, ++k) {
    const size_t stop = std::min(plan.size(), begin + chunk);
    std::vector<Simulated>& batch = buffers[k % 2];
    batch.clear();
    for (size_t i = begin; i < stop; ++i) {
      const Intake in = reporter.Make(plan[i], static_cast<int64_t>(i + 1));
      auto s = history::RunCase(world, in);
      if (!s) {
        (void)finish(wait());
        return s.error();
      }
      report.events += s->events.size();
      ++report.by_status[static_cast<size_t>(s->c.status)];
      batch.push_back(std::move(*s));
    }
    if (auto r = wait(); !r) return finish(r).error();
    pending_cases = stop;
    pending = std::async(std::launch::async, [&store, &batch, begin]() -> Result<void> {
      return store.Write([&](store::CaseTx& tx) -> Result<void> {
        for (size_t i = 0; i < batch.size(); ++i) {
          auto id = tx.ImportCase(batch[i].c, batch[i].events);
          if (!id) return id.error();
          if (*id != static_cast<int64_t>(begin + i + 1))
            return Error::Internal("demo history: case got id " + std::to_string(*id) + ", expected " +
                                   std::to_string(begin + i + 1));
        }
        return {};
      });
    });
  }
  if (auto r = finish(wait()); !r) return r.error();
  report.cases = plan.size();
  report.seconds = elapsed();
  return report;
}
}  // namespace civicgrid::demo
