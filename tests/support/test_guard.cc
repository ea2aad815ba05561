#include "support/test_guard.h"

namespace civicgrid::testing {

http::Guard SignedInGuard() {
  http::Guard g;
  g.authenticate = [](const http::Request& r) -> Result<std::optional<Principal>> {
    if (r.Header("authorization") == "Bearer nobody") return std::optional<Principal>();
    Principal p;
    p.name = "tester";
    p.grants = {Grant{Role::kOperator, "", 0}, Grant{Role::kAdmin, "", 0}};
    return std::optional<Principal>(p);
  };
  return g;
}

}  // namespace civicgrid::testing
