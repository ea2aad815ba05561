// A router guard for tests of routes other than access itself: every request is signed in as an
// operator and an admin of the whole platform, unless it sends "Authorization: Bearer nobody".
#pragma once

#include "http/router.h"

namespace civicgrid::testing {

http::Guard SignedInGuard();

}  // namespace civicgrid::testing
