// Open311 GeoReport v2 over HTTP (docs/open311.md): /open311/v2/discovery, services, services/{code},
// requests (GET and POST), requests/{id}, tokens/{token} and the extension's servicerequestupdates, each
// in .json or .xml. Thin: decodes arguments (query string and form body), calls app::Open311, encodes the
// answer in the format asked for; errors as Open311's list [{"code","description"}].
#pragma once

#include "app/open311.h"
#include "http/offload.h"
#include "http/router.h"

namespace civicgrid::http {

struct Open311Api {
  app::Open311& open311;
  Offload& offload;
};

// Registers the Open311 routes (every one kPublic: reading is public, reporting checks its api_key
// argument), and a catch-all answering 404 in Open311's form for other paths under /open311/v2/.
void AddOpen311Routes(Router& router, Open311Api api);

}  // namespace civicgrid::http
