#include "demo/demo_accounts.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace civicgrid::demo {
namespace {

constexpr const char* kStreet = "371302004";     // 柳青街道
constexpr const char* kCounty = "371302";        // 兰山区
constexpr const char* kHeating = "兰山区供热公司";

}  // namespace

Result<std::vector<DemoAccount>> CreateDemoAccounts(store::Store& store, app::AccountService& accounts) {
  auto grids = store.LoadGridsUnder(kStreet);
  if (!grids) return grids.error();
  if (grids->empty()) return Error::NotFound("the seed place 柳青街道 (371302004) has no grids", "territory");
  const std::string grid = grids->front().code;
  auto ref = store.LoadReference();
  if (!ref) return ref.error();
  int64_t heating = 0;
  for (const Unit& u : ref->units)
    if (u.name == kHeating && u.territory == kCounty) heating = u.id;
  if (!heating) return Error::NotFound(std::string("the demo catalogue has no unit ") + kHeating, "unit");

  struct Plan {
    const char* username;
    const char* display;
    Grant grant;
    std::string scope;
  };
  const std::vector<Plan> plans = {
      {"demo-operator", "柳青街道指挥中心坐席", Grant{Role::kOperator, kStreet, 0}, std::string("柳青街道 (") + kStreet + ")"},
      {"demo-gridworker", "柳青街道网格员", Grant{Role::kGridWorker, grid, 0}, "grid " + grid},
      {"demo-unit", "兰山区供热公司工作人员", Grant{Role::kUnitStaff, "", heating}, std::string(kHeating) + " (unit " + std::to_string(heating) + ")"},
      {"demo-leader", "兰山区领导", Grant{Role::kLeader, kCounty, 0}, std::string("兰山区 (") + kCounty + ")"},
      {"demo-admin", "兰山区系统管理员", Grant{Role::kAdmin, kCounty, 0}, std::string("兰山区 (") + kCounty + ")"},
      {"demo-resident", "居民", Grant{Role::kResident, "", 0}, "own reports"},
  };
  std::vector<DemoAccount> out;
  const app::AuditContext ctx{"demo", ""};
  for (const Plan& p : plans) {
    DemoAccount a{p.username, std::string(RoleName(p.grant.role)), app::NewPassword(14), p.scope};
    auto added = accounts.AddUser(app::NewUser{p.username, p.display, a.password, {p.grant}}, ctx);
    if (!added) {
      if (added.error().code == "conflict") continue;
      return added.error();
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<void> WriteDemoAccounts(const std::vector<DemoAccount>& accounts, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return Error::Internal("cannot write '" + tmp + "'");
    ::chmod(tmp.c_str(), 0600);
    std::fprintf(f, "# civicgrid demo accounts (sign in at http://127.0.0.1:8080)\n");
    std::fprintf(f, "%-16s %-12s %-16s %s\n", "USERNAME", "ROLE", "PASSWORD", "SCOPE");
    for (const auto& a : accounts)
      std::fprintf(f, "%-16s %-12s %-16s %s\n", a.username.c_str(), a.role.c_str(), a.password.c_str(), a.scope.c_str());
    if (std::fclose(f) != 0) return Error::Internal("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error::Internal("cannot write '" + path + "': " + ec.message());
  return {};
}

}  // namespace civicgrid::demo
