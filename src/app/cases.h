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
#include "core/access.h"
#include "core/case.h"
#include "core/routing.h"
#include "core/workflow.h"
#include "geo/crs.h"
#include "store/store.h"

namespace civicgrid::app {

// Who calls a use case: the signed-in principal and the client address (for the audit log). Every
// use case checks permission and scope here (core/access.h) — the HTTP layer only decodes.
struct Caller {
  Principal who;
  std::string remote;
};

// A report as the intake receives it. Location: a point (with its CRS), else a grid code, else an
// address naming divisions of the territory, else a division code.
struct ReportInput {
  Channel channel = Channel::kResidentApp;
  std::string category;  // optional
  std::optional<Priority> priority;
  std::string description;
  std::optional<geo::Point> point;
  geo::Crs crs = geo::Crs::kWgs84;
  std::string grid;
  std::string address;
  std::string territory;  // a division code (when nothing above locates the report)
  std::string reporter_name, reporter_phone;
  std::vector<std::string> attachments;
  std::string idempotency_key;  // a retry with the same key answers the same case
  Timestamp at = 0;  // 0 = now
  // A JSON object text whose members are added to the report event's details (e.g. an Open311 client's
  // media_url and attribute answers); "" = none.
  std::string report_details;
};

struct ReportAnswer {
  Case c;
  bool replayed = false;  // true when the idempotency key was seen before
};

// An action request plus what a dispatch may choose by hand.
struct ActInput {
  ActionRequest request;  // note, … (at = 0: now); actor and role are set from the caller
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

  // Intake (needs case.report; the case records the caller as its reporter account). Errors name the
  // field: location/lon/lat/grid/address/territory, description, category, channel, attachments.
  Result<ReportAnswer> Report(const ReportInput& input, const Caller& caller);

  // Intake from the public resident page, without an account: the channel is resident_app, the role
  // resident, the actor "public" and there is no reporter account — the tracking code is the
  // reporter's only handle on the case.
  Result<ReportAnswer> ReportPublicly(ReportInput input);

  // Applies one action to case `id`: not_found if no such case; forbidden (audited) when no grant of
  // the caller covers the case or none of their roles may take the action; then the table decides.
  Result<Case> Act(int64_t id, const ActInput& input, const Caller& caller);

  // A case with its timeline: not_found both when there is no such case and when it is out of the
  // caller's scope (audited), so that existence does not leak.
  Result<CaseView> Get(int64_t id, const Caller& caller);
  // The public tracking view by tracking code (no caller: the code is the secret).
  Result<CaseView> Track(const std::string& tracking_code);
  // The reporter's own rating through the tracking code: the callback action, by role resident and
  // actor "public", with `evaluation` and an optional note. not_found for an unknown code; conflict
  // (field action) unless the case waits for its callback (verified).
  Result<CaseView> RateByTrackingCode(const std::string& tracking_code, Evaluation evaluation, const std::string& note);
  // Cases in the caller's scope matching `filter`; a `filter.under` outside the scope is not_found.
  Result<store::CasePage> List(store::CaseFilter filter, const Caller& caller);
  // How many cases in the caller's scope match `filter` (same rules as List; paging ignored).
  Result<int64_t> Count(store::CaseFilter filter, const Caller& caller);

  // The reporter's name and phone whole, for a caller holding case.reveal whose scope covers the case;
  // `reason` (2–500 characters) is written to the audit log with the reveal.
  struct Reporter {
    std::string name, phone;
  };
  Result<Reporter> Reveal(int64_t id, const std::string& reason, const Caller& caller);

  // How routing would choose a unit for `category` at `territory` (a division or grid code).
  Result<RoutingDecision> ExplainRouting(const std::string& category, const std::string& territory);

  // Publishes to the live feed event `seq` of case `case_id` committed by another app node (see
  // store::Store::WatchCaseEvents); nothing when no one listens or the case or event is not found.
  void PublishCommitted(int64_t case_id, int64_t seq);

  // The overdue job: marks every open case past its handle deadline overdue, once, with an event.
  // Answers how many were marked.
  Result<size_t> MarkOverdue();

  // After a calendar change: recomputes the deadlines of open cases on calendar `id`, appending an
  // event to each case whose deadline moved. Answers how many moved.
  Result<size_t> RecomputeDeadlines(const std::string& calendar_id);

  // Statistics under `query.under`, which must lie in the caller's stats scope ("" = the caller's one
  // territory; invalid_argument when the caller has several).
  Result<std::vector<store::StatsGroup>> Stats(store::StatsQuery query, const Caller& caller);

  Timestamp now() const { return now_(); }

 private:
  struct Located {
    std::string grid, territory;
    bool has_point = false;
    geo::Point wgs84;
  };
  Result<Located> Locate(const ReportInput& input) const;
  // The intake itself, for `actor` in `role`; `reporter_account` may be "".
  Result<ReportAnswer> ReportAs(const ReportInput& input, const std::string& actor, Role role,
                                const std::string& reporter_account);
  // Decides who acts on a case inside the transaction: the role to record, or an error.
  using Decide = std::function<Result<Role>(const Case& before)>;
  // One action on case `id` by `actor`, the role decided by `decide`; `caller` is for the audit of a
  // refusal.
  Result<Case> ActAs(int64_t id, const ActInput& input, const std::string& actor, const Decide& decide,
                     const Caller& caller);
  // A filter limited to the caller's read scope (not_found for an `under` outside it).
  Result<store::CaseFilter> Scoped(store::CaseFilter filter, const Caller& caller);
  Result<CaseView> View(Case c);
  void Publish(const Case& c, const CaseEvent& event);
  // Records an "access.denied" audit entry (best effort: a failure to record is logged, not returned).
  void Denied(const Caller& caller, const std::string& target, const std::string& why);

  store::Store& store_;
  TerritoryService& territory_;
  ReferenceService& reference_;
  LiveFeed* feed_;
  Now now_;
  AttachmentExists attachment_exists_;
};

// What `who` may see of cases under `permission`, as a store filter scope.
store::CaseScope ScopeOf(const Principal& who, Permission permission);

// A new public tracking code: 12 characters of Crockford base32 (60 random bits) in groups of four.
std::string NewTrackingCode();

// The deepest division whose name appears in `address` with the most of its ancestors named too, or
// nullptr if the text names none.
const Division* MatchAddress(const TerritorySnapshot& territory, std::string_view address);

}  // namespace civicgrid::app
