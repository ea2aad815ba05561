// Open311 GeoReport v2 use cases (docs/open311.md): the services, reporting with an API key, the public
// request lists, tokens and the updates feed of the extension. The HTTP layer (http/open311_routes.h)
// decodes arguments into these inputs and encodes the answers as JSON or XML; every rule lives here or in
// core/open311.h.
//
// What Open311 shows of a case is public: never the reporter's name, phone or email, nor a note written
// by staff (status notes and update descriptions are generated from the workflow's steps).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/accounts.h"
#include "app/cases.h"
#include "app/reference.h"
#include "app/territory.h"
#include "core/category_attribute.h"
#include "core/open311.h"
#include "store/store.h"

namespace civicgrid::app {

// One service as listed: its category (with attributes), group and notice.
struct ServiceView {
  Category category;
  std::string group;
  std::string notice;
};

// POST requests as decoded: every text "" when absent or given empty.
struct Open311ReportInput {
  std::string api_key, service_code;
  std::string lat, lon;  // decimal degrees, WGS84
  std::string address_string, address_id;
  AttributeAnswers attributes;
  std::string description, media_url;
  std::string email, device_id, account_id, first_name, last_name, phone;
  std::string remote;  // the client's address, for the audit log
};

// The answer to a report.
struct Open311Receipt {
  int64_t service_request_id = 0;
  std::string token;
  std::string service_notice;
  std::string account_id;
};

// One request (case) as Open311 shows it.
struct Open311Request {
  Case c;                    // only its public fields are shown
  std::string service_name;  // "" while unclassified
  std::string agency;        // the lead unit, or the owning command center before dispatch
  std::string status_notes;
  std::string service_notice;
  std::string media_url;
  int utc_offset_minutes = 480;
};

// The filters of GET requests (absent = not filtering).
struct Open311Query {
  std::vector<int64_t> ids;                // when given, every other filter is ignored
  std::vector<std::string> service_codes;  // any of these services
  std::optional<Timestamp> start, end;     // report time
  std::vector<CaseStatus> statuses;        // from status=open|closed
};

// One step of a case, as the updates extension shows it.
struct Open311Update {
  CaseEvent event;
  std::string description;
  std::string media_url;
  int utc_offset_minutes = 480;
};

// Which cases Open311 shows.
struct Open311Options {
  // false (the default): only the cases reported through Open311, whose reporters chose a public channel;
  // true: every case, from every channel (its public fields only, as always).
  bool all_channels = false;
};

class Open311 {
 public:
  // The most requests a list answers, and the longest window of report times it may span.
  static constexpr int kMaxRequests = 1000;
  static constexpr int64_t kRequestWindowSeconds = 90 * 86400;
  // The most updates an answer holds, the default window of updates, and the longest.
  static constexpr int kMaxUpdates = 1000;
  static constexpr int64_t kUpdateWindowSeconds = 86400;

  Open311(store::Store& store, CaseService& cases, TerritoryService& territory, ReferenceService& reference,
          AccountService& accounts, Open311Options options = {});

  // Every service (core/open311.h ServicesOf), in code order.
  std::vector<ServiceView> Services() const;
  // One service; not_found (field service_code) if `code` is none.
  Result<ServiceView> Service(const std::string& code) const;

  // Files a report as a case of channel open311, reported by the API key's principal. forbidden (field
  // api_key) when the key is missing, unknown, revoked, not an API key or without case.report;
  // invalid_argument naming the Open311 argument for everything else wrong.
  Result<Open311Receipt> Report(const Open311ReportInput& input);

  // The requests matching `query` among those shown (Open311Options), newest first, at most kMaxRequests;
  // invalid_argument (start_date, end_date, service_code) for a bad window or service.
  Result<std::vector<Open311Request>> Requests(const Open311Query& query) const;
  // One request; not_found (field service_request_id) if there is no such case or it is not shown.
  Result<Open311Request> Request(int64_t id) const;
  // The service_request_id of a token given by Report; not_found (field token) for an unknown one.
  Result<int64_t> Token(const std::string& token) const;

  // The steps of every case shown in the window (Open311Window with a default of a day, at most 90 days),
  // oldest first, at most kMaxUpdates.
  Result<std::vector<Open311Update>> Updates(std::optional<Timestamp> start, std::optional<Timestamp> end) const;

 private:
  Result<Principal> KeyHolder(const std::string& api_key);
  bool Shown(const Case& c) const { return options_.all_channels || c.channel == Channel::kOpen311; }
  Open311Request RequestOf(Case c, const ReferenceSnapshot& ref) const;
  // The media_url of an Open311 report, from its first event ("" when none).
  std::string MediaUrlOf(const Case& c) const;

  store::Store& store_;
  CaseService& cases_;
  TerritoryService& territory_;
  ReferenceService& reference_;
  AccountService& accounts_;
  Open311Options options_;
};

}  // namespace civicgrid::app
