// Sign-in routes and the access guard built on the account service.
//
//   POST /api/v1/auth/login   {username, password} → {token, expires_at, user}   (public, rate-limited)
//   POST /api/v1/auth/logout  ends the session of the bearer token
//   GET  /api/v1/auth/me      the signed-in user with their grants and permissions
//
// Credentials travel only in the Authorization header (Bearer), never in cookies, so no browser sends
// them on its own to a state-changing route. A WebSocket upgrade (browsers cannot set headers there)
// may pass the token as ?access_token=; request logs never show query strings.
#pragma once

#include <functional>
#include <string>

#include "app/accounts.h"
#include "http/offload.h"
#include "http/router.h"

namespace civicgrid::http {

// The guard of every route: bearer tokens through `accounts`, `limit` for public and anonymous
// requests (may be empty), and every 403 written to the audit log.
Guard MakeGuard(app::AccountService& accounts, std::function<int64_t(const Request&)> limit);

// Registers the auth routes; `accounts` and `offload` must outlive the router.
void AddAuthRoutes(Router& router, app::AccountService& accounts, Offload& offload);

// The bearer token of a request: from "Authorization: Bearer …", or for a WebSocket upgrade from the
// access_token query parameter; "" when there is none.
std::string BearerToken(const Request& request);

}  // namespace civicgrid::http
