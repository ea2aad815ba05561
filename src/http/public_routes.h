// HTTP routes of the public resident page: a resident reports a problem, adds a photo and rates the
// handling without an account. The tracking code the report answers is the resident's only handle.
//
//   POST /api/v1/public/reports            report (channel resident_app); answers the tracking code only
//   POST /api/v1/public/attachments        upload a photo for such a report
//   POST /api/v1/track/{code}/evaluation   rate the handling once the case waits for its callback
//
// All three are public and share one per-address limit (`limit`, e.g. 30 an hour; 429 with
// Retry-After beyond it) on top of the router guard's limit for anonymous requests.
#pragma once

#include "app/attachments.h"
#include "app/cases.h"
#include "app/reference.h"
#include "app/territory.h"
#include "http/offload.h"
#include "http/rate_limit.h"
#include "http/router.h"

namespace civicgrid::http {

struct PublicApi {
  app::CaseService& cases;
  app::ReferenceService& reference;
  app::TerritoryService& territory;
  app::AttachmentStore& attachments;
  Offload& offload;
  RateLimiter* limit = nullptr;  // per client address; nullptr = no limit beyond the guard's
};

// Registers the three routes; everything in `api` must outlive the router.
void AddPublicRoutes(Router& router, PublicApi api);

}  // namespace civicgrid::http
