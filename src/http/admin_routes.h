// HTTP routes of administration: user accounts and grid import.
//
//   GET  /api/v1/users                      accounts the caller may manage (account.admin)
//   POST /api/v1/users                      add one; a password is generated when none is given and
//                                           answered once
//   POST /api/v1/users/{username}/disable   disable it and end its sessions
//   POST /api/v1/grids/import               a GeoJSON FeatureCollection of grids, all or nothing
//                                           (reference.write over each grid's community)
//
// An admin of a territory manages only accounts whose grants all lie inside it (app::MayManage); each
// change is written to the audit log with the change itself.
#pragma once

#include "app/accounts.h"
#include "app/reference.h"
#include "app/territory.h"
#include "http/offload.h"
#include "http/router.h"

namespace civicgrid::http {

struct AdminApi {
  app::AccountService& accounts;
  app::ReferenceService& reference;
  app::TerritoryService& territory;
  Offload& offload;
};

// Registers the routes above; everything in `api` must outlive the router.
void AddAdminRoutes(Router& router, AdminApi api);

}  // namespace civicgrid::http
