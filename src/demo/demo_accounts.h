// One demo account per role in the seed place (柳青街道, 兰山区, 临沂): operator of the street's command
// center, grid worker of its first grid, staff of 兰山区供热公司, leader and admin of 兰山区, and a
// resident. Passwords are random; the accounts and passwords are written to a file (mode 0600) for
// `make demo` to print.
#pragma once

#include <string>
#include <vector>

#include "app/accounts.h"
#include "store/store.h"

namespace civicgrid::demo {

struct DemoAccount {
  std::string username, role, password, scope;  // scope in words, e.g. "柳青街道 (371302004)"
};

// Creates the accounts (skipping names that exist) and answers them with their passwords. Fails if the
// seed place is not in the store (build the demo territory and catalogue first).
Result<std::vector<DemoAccount>> CreateDemoAccounts(store::Store& store, app::AccountService& accounts);

// Writes the accounts as a small text table to `path` (mode 0600, replaced atomically).
Result<void> WriteDemoAccounts(const std::vector<DemoAccount>& accounts, const std::string& path);

}  // namespace civicgrid::demo
