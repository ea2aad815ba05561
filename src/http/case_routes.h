// HTTP routes of the case workflow and its reference data (docs/api.md lists them with examples).
//
//   POST /api/v1/cases                       report a case (Idempotency-Key honoured)
//   GET  /api/v1/cases                       list, filtered, newest first, keyset pages
//   GET  /api/v1/cases/count                 how many match the list's filters
//   GET  /api/v1/cases/{id}                  a case with its timeline
//   POST /api/v1/cases/{id}/actions          one workflow action
//   GET  /api/v1/cases/{id}/routing          how routing chooses its unit
//   GET  /api/v1/track/{code}                public tracking: status and timeline, no personal data
//   GET  /api/v1/routing?category=&territory=
//   GET  /api/v1/stats?under=&from=&to=&by=
//   GET/POST /api/v1/units, PUT /api/v1/units/{id}
//   GET/POST /api/v1/categories, PUT /api/v1/categories/{code}
//   GET/POST /api/v1/routing-rules, PUT/DELETE /api/v1/routing-rules/{id}
//   GET /api/v1/calendars, GET/PUT /api/v1/calendars/{id}
//
//   POST /api/v1/cases/{id}/reveal          the reporter's name and phone whole (audited, with a reason)
//
// Each route declares its permission; the app layer checks scope (a case out of scope reads as 404,
// an action on it is 403). Writes that wait for the store run on the Offload pool.
#pragma once

#include "app/accounts.h"
#include "app/cases.h"
#include "app/reference.h"
#include "app/territory.h"
#include "http/offload.h"
#include "http/router.h"

namespace civicgrid::http {

struct CaseApi {
  app::CaseService& cases;
  app::ReferenceService& reference;
  app::TerritoryService& territory;
  Offload& offload;
  app::AccountService* accounts = nullptr;  // records reference changes in the audit log (if set)
};

// Registers the case routes; everything in `api` must outlive the router.
void AddCaseRoutes(Router& router, CaseApi api);
// Registers the reference-data routes (units, categories, routing rules, calendars).
void AddReferenceRoutes(Router& router, CaseApi api);

// Decodes a report's JSON body (docs/api.md, POST /api/v1/cases); `with_channel` = false for the public
// resident page, whose channel is fixed. Errors name the field.
Result<app::ReportInput> ParseReport(const Request& req, bool with_channel);

}  // namespace civicgrid::http
