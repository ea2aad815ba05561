// HTTP routes of the territory: divisions, grids (GeoJSON) and locate. Thin: decode, call app, encode.
#pragma once

#include "app/territory.h"
#include "http/router.h"

namespace civicgrid::http {

// Registers GET /api/v1/divisions/{code}, /api/v1/grids/{code}, /api/v1/grids and /api/v1/locate,
// all answered from the service's current snapshot.
void AddTerritoryRoutes(Router& router, app::TerritoryService& territory);

// Parses a whole string as a finite double; fails naming `field`.
Result<double> ParseNumber(std::string_view text, std::string_view field);

}  // namespace civicgrid::http
