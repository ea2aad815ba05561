// Every route of the platform's HTTP API in one place: `civicgrid serve` and the access-matrix test
// register exactly the same set, so a route added here without an entry in that test's table fails
// the tests.
#pragma once

#include "app/accounts.h"
#include "app/attachments.h"
#include "app/cases.h"
#include "app/open311.h"
#include "app/reference.h"
#include "app/territory.h"
#include "http/metrics.h"
#include "http/offload.h"
#include "http/rate_limit.h"
#include "http/router.h"

namespace civicgrid::http {

// What the routes use; everything must outlive the router.
struct ApiServices {
  app::TerritoryService& territory;
  app::ReferenceService& reference;
  app::CaseService& cases;
  app::AccountService& accounts;
  app::AttachmentStore& attachments;
  app::Open311& open311;
  Offload& offload;
  Metrics& metrics;
  RateLimiter* public_writes = nullptr;  // per-address limit of the public resident page (nullptr: none)
};

// Registers /healthz, /metrics, the auth, territory, case, reference, attachment, public resident-page,
// administration and Open311 routes. The
// router's guard is set separately (Router::SetGuard, see auth_routes.h).
void AddApiRoutes(Router& router, const ApiServices& services);

}  // namespace civicgrid::http
