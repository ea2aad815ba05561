// The small world of cases that the tests of several app nodes share: 柳青街道 with two square grids, its
// command center, the heating company of 兰山区, the category 0101 暖气不热 (under 01 供热) routed to it, and
// two accounts: "operator" (operator@371302) and "unit_staff" (of the heating company), each with the
// password "password of NAME".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/accounts.h"
#include "app/reference.h"
#include "app/territory.h"
#include "store/store.h"

namespace civicgrid::testing {

struct HeatingWorld {
  std::unique_ptr<app::TerritoryService> territory;
  std::unique_ptr<app::ReferenceService> reference;
  std::unique_ptr<app::AccountService> accounts;  // minimal password cost, the system clock
  int64_t heating = 0;                            // the heating company's unit id
};

// Writes the world into `store` (which must outlive `world`) and fills `world`. A step that fails is a
// fatal test failure (check HasFatalFailure()), and `world` is left as far as it got.
void BuildHeatingWorld(store::Store& store, HeatingWorld& world);

// The system clock in whole seconds, as the app services take it.
Timestamp NowSeconds();

}  // namespace civicgrid::testing
