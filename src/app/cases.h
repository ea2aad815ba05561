// Case use cases: report (intake), act (every workflow action), read, list, track, explain routing,
// the overdue job, deadline recomputation after a calendar change, and statistics.
//
// Each mutating use case is one function and one store transaction: it reads the case inside the
// writer's transaction, asks the core (workflow.h) for the next state, writes the row, the event and
// the statistics delta together, and publishes the event to the live feed only after the commit.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/live_feed.h"
#include "app/reference.h"
#include "app/territory.h"
#include "core/case.h"
#include "core/routing.h"
#include "core/workflow.h"
#include "geo/crs.h"
#include "store/store.h"

namespace civicgrid::app {

// Who acts: a user id and a role (permissions are enforced from the transition table).
struct Actor {
  std::string id;
  Role role = Role::kOperator;
};

// A report as the intake receives it. Location: a point (with its CRS), else a grid code, else an
// address naming divisions of the territory.
struct ReportInput {
  Channel channel = Channel::kResidentApp;
  std::string category;  // optional
  std::optional<Priority> priority;
  std::string description;
  std::optional<geo::Point> point;
  geo::Crs crs = geo::Crs::kWgs84;
  std::string grid;
  std::string address;
  std::string reporter_name, reporter_phone;
  std::vector<std::string> attachments;
  std::string idempotency_key;  // a retry with the same key answers the same case
  Actor actor;
  Timestamp at = 0;  // 0 = now
};

struct ReportAnswer {
  Case c;
  bool replayed = false;  // true when the idempotency key was seen before
};

// An action request plus what a dispatch may choose by hand.
struct ActInput {
  ActionRequest request;  // actor, role, note, … (at = 0: now)
  int64_t unit = 0;       // dispatch: this unit instead of the routing rule's
  std::vector<int64_t> co_units;
};

// A case with its timeline and its deadlines now.
struct CaseView {
  Case c;
  std::vector<CaseEvent> events;
  Deadlines deadlines;
  std::vector<Action> allowed;  // actions the current state allows
  int utc_offset_minutes = 480;
};

class CaseService {
 public:
  using Now = std::function<Timestamp()>;
  using AttachmentExists = std::function<bool(const std::string&)>;

  CaseService(store::Store& store, TerritoryService& territory, ReferenceService& reference, LiveFeed* feed,
              Now now, AttachmentExists attachment_exists = nullptr);

  // Intake. Errors name the field: location/lon/lat/grid/address, description, category, channel,
  // attachments.
  Result<ReportAnswer> Report(const ReportInput& input);

  // Applies one action to case `id` (not_found if no such case).
  Result<Case> Act(int64_t id, const ActInput& input);

  Result<CaseView> Get(int64_t id);
  Result<CaseView> Track(const std::string& tracking_code);
  Result<store::CasePage> List(store::CaseFilter filter);

  // How routing would choose a unit for `category` at `territory` (a division or grid code).
  Result<RoutingDecision> ExplainRouting(const std::string& category, const std::string& territory);

  // The overdue job: marks every open case past its handle deadline overdue, once, with an event.
  // Answers how many were marked.
  Result<size_t> MarkOverdue();

  // After a calendar change: recomputes the deadlines of open cases on calendar `id`, appending an
  // event to each case whose deadline moved. Answers how many moved.
  Result<size_t> RecomputeDeadlines(const std::string& calendar_id);

  Result<std::vector<store::StatsGroup>> Stats(const store::StatsQuery& query);

  Timestamp now() const { return now_(); }

 private:
  struct Located {
    std::string grid, territory;
    bool has_point = false;
    geo::Point wgs84;
  };
  Result<Located> Locate(const ReportInput& input) const;
  Result<CaseView> View(Case c);
  void Publish(const Case& c, const CaseEvent& event);

  store::Store& store_;
  TerritoryService& territory_;
  ReferenceService& reference_;
  LiveFeed* feed_;
  Now now_;
  AttachmentExists attachment_exists_;
};

// A new public tracking code: 12 characters of Crockford base32 (60 random bits) in groups of four.
std::string NewTrackingCode();

// The deepest division whose name appears in `address` with the most of its ancestors named too, or
// nullptr if the text names none.
const Division* MatchAddress(const TerritorySnapshot& territory, std::string_view address);

}  // namespace civicgrid::app
