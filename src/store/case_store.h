// The case part of the storage interface: reference data (units, categories, routing rules,
// calendars), cases with their appended events, idempotency keys and the statistics counters.
//
// Writes go through Store::Write(), which runs a function inside one transaction of the store's single
// writer. The writer commits the transactions waiting at the same moment together (group commit);
// Write() returns once the commit is durable, so a caller answering 201 after it knows the data is on
// disk. A function that answers an error leaves no trace, whatever else was committed in its group.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/case_stats.h"
#include "core/result.h"
#include "store/account_store.h"

namespace civicgrid::store {

// All reference data, loaded at once (it is small).
struct ReferenceData {
  std::vector<Unit> units;
  std::vector<Category> categories;
  std::vector<RoutingRule> rules;
  std::vector<Calendar> calendars;
  int64_t version = 0;  // grows with every change of reference data
};

// Operations inside one write transaction. Reads here see the transaction's own writes. The account
// operations (AccountTx) belong to the same transaction.
class CaseTx : public AccountTx {
 public:
  ~CaseTx() override = default;

  // The case with `id`, or nullopt.
  virtual Result<std::optional<Case>> GetCase(int64_t id) = 0;
  // The case created under `key`, if any.
  virtual Result<std::optional<int64_t>> FindIdempotencyKey(const std::string& key) = 0;
  // Inserts a new case (its id is assigned, 1, 2, …) with its first event and counts it in the statistics;
  // `key` (if not empty) is remembered as its idempotency key. Answers the id.
  virtual Result<int64_t> InsertCase(Case& c, CaseEvent& event, const std::string& key) = 0;
  // Replaces the case row by `after`, appends `event` and moves the statistics from `before`'s facts to
  // `after`'s. Fails with conflict if the stored version is not before.version (a lost update).
  virtual Result<void> UpdateCase(const Case& before, const Case& after, const CaseEvent& event) = 0;
  // Bulk import of a whole history (the demo, migrations from other systems): inserts the case in its
  // final state with all its events (seq 1…n, case_id set here) and counts its final facts. Answers the id.
  virtual Result<int64_t> ImportCase(Case& c, std::vector<CaseEvent>& events) = 0;

  // Reference data: insert or replace by id/code (units and rules with id 0 get a new id, written back).
  virtual Result<void> PutUnit(Unit& unit) = 0;
  virtual Result<void> PutCategory(const Category& category) = 0;
  virtual Result<void> PutRoutingRule(RoutingRule& rule) = 0;
  virtual Result<bool> DeleteRoutingRule(int64_t id) = 0;
  virtual Result<void> PutCalendar(const Calendar& calendar) = 0;
};

// What a principal may see (see core/access.h): cases in one of `territories` ("" = all), dispatched
// to one of `units` (lead or co-unit), or reported by `reporter_account`.
struct CaseScope {
  std::vector<std::string> territories;
  std::vector<int64_t> units;
  std::string reporter_account;
};

// A filter for listing cases; empty fields do not filter.
struct CaseFilter {
  std::optional<CaseScope> scope;  // when set, only cases in scope (nothing if the scope is empty)
  std::vector<CaseStatus> statuses;
  std::string category;   // a minor code, or a major code (its minors too)
  int64_t unit = 0;       // lead unit
  std::string under;      // territory subtree (division code prefix)
  std::optional<Channel> channel;
  std::optional<bool> overdue;
  std::optional<Warning> warning;  // yellow: past the 80% point but not due; red: due passed (open cases)
  std::optional<bool> extension_pending;  // an extension request waits (or not)
  Timestamp now = 0;               // for `warning`
  Timestamp from = 0, to = 0;      // reported_at in [from, to); 0 = open-ended
  std::string text;                // substring of the description
  int64_t before_id = 0;           // keyset pagination: cases with id < before_id (newest first)
  int limit = 50;
};

// A filter for events across cases (CaseStore::EventsBetween).
struct EventFilter {
  Timestamp from = 0, to = 0;       // events with `at` in [from, to)
  bool state_changes_only = false;  // only reports and the events whose from and to states differ
  std::optional<Channel> channel;   // only events of cases of this channel
  int limit = 1000;                 // at most this many
};

// One page of cases, newest first; `next` is the before_id of the next page (0 = no more).
struct CasePage {
  std::vector<Case> cases;
  int64_t next = 0;
};

// What to group statistics by.
enum class StatsBy { kNone, kCategory, kUnit, kStreet, kCommunity, kGrid, kChannel, kDay };

struct StatsQuery {
  std::string under;        // territory subtree; "" = everything
  Day from = 0, to = 0;     // report days in [from, to]; to = 0 means no upper bound
  StatsBy by = StatsBy::kNone;
};

// One group of the answer: its key as text (a category code, unit id, division code, channel name or
// date) and its counters.
struct StatsGroup {
  std::string key;
  StatCounts counts;
};

// The case operations of a store.
class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Runs `fn` in one transaction of the single writer (see the top of this file).
  virtual Result<void> Write(const std::function<Result<void>(CaseTx&)>& fn) = 0;

  virtual Result<ReferenceData> LoadReference() = 0;
  virtual Result<std::optional<Case>> GetCase(int64_t id) = 0;
  virtual Result<std::optional<Case>> GetCaseByTrackingCode(const std::string& code) = 0;
  // The events of a case in order.
  virtual Result<std::vector<CaseEvent>> Events(int64_t case_id) = 0;
  // Events across cases matching `filter`, oldest first (ties by case and seq).
  virtual Result<std::vector<CaseEvent>> EventsBetween(const EventFilter& filter) = 0;
  // The id of the case created under idempotency key `key`, if any (a read; CaseTx has the same in a write).
  virtual Result<std::optional<int64_t>> FindCaseByIdempotencyKey(const std::string& key) = 0;
  virtual Result<CasePage> ListCases(const CaseFilter& filter) = 0;
  // How many cases match `filter` (its before_id and limit are ignored).
  virtual Result<int64_t> CountMatching(const CaseFilter& filter) = 0;
  // Open cases whose handle deadline has passed by `now` and that are not yet marked overdue (ids).
  virtual Result<std::vector<int64_t>> CasesToMarkOverdue(Timestamp now, int limit) = 0;
  // Ids of open cases counting on `calendar` ("" = the default calendar).
  virtual Result<std::vector<int64_t>> OpenCasesOnCalendar(const std::string& calendar) = 0;
  // Statistics from the counters.
  virtual Result<std::vector<StatsGroup>> Stats(const StatsQuery& query) = 0;
  // Statistics recounted from the case rows (for checks and tests; slow on purpose).
  virtual Result<std::vector<StatsGroup>> RecountStats(const StatsQuery& query) = 0;
  // Number of cases.
  virtual Result<int64_t> CountCases() = 0;

  // Transactions committed and writes run through Write()/ApplyTerritory so far (writes / commits is the
  // mean group size).
  struct WriteStats {
    int64_t commits = 0, writes = 0;
  };
  virtual WriteStats GetWriteStats() const = 0;
};

}  // namespace civicgrid::store
