// Roles, grants, scopes and the choice of the acting role (core/access.h).
#include <gtest/gtest.h>

#include "core/access.h"
#include "core/workflow.h"

namespace civicgrid {
namespace {

Grant G(std::string_view text) {
  auto g = ParseGrant(text);
  EXPECT_TRUE(g.ok()) << text << ": " << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : Grant{};
}

Principal Who(std::string name, std::vector<std::string_view> grants) {
  Principal p;
  p.name = std::move(name);
  for (auto g : grants) p.grants.push_back(G(g));
  return p;
}

Case CaseAt(std::string territory, int64_t unit = 0, std::vector<int64_t> co_units = {}, std::string reporter = "") {
  Case c;
  c.id = 7;
  c.territory = std::move(territory);
  c.grid = c.territory.size() == 15 ? c.territory : "";
  c.unit = unit;
  c.co_units = std::move(co_units);
  c.reporter_account = std::move(reporter);
  c.status = CaseStatus::kDispatched;
  return c;
}

TEST(Grants, ParseAndFormatRoundTrip) {
  for (std::string_view text : {"operator@371302004", "grid_worker@371302004001001", "unit_staff#12", "resident",
                                "leader@371302", "admin@", "system@3713"}) {
    auto g = ParseGrant(text);
    ASSERT_TRUE(g.ok()) << text << ": " << g.error().message;
    EXPECT_EQ(FormatGrant(*g), text);
  }
  EXPECT_EQ(G("admin@").territory, "");
  EXPECT_EQ(G("unit_staff#12").unit, 12);
}

TEST(Grants, MalformedGrantsNameTheirField) {
  struct Bad {
    std::string_view text, field;
  };
  for (const Bad& b : {Bad{"chief@3713", "role"}, Bad{"operator", "territory"}, Bad{"operator@37130", "territory"},
                       Bad{"unit_staff", "unit"}, Bad{"unit_staff#0", "unit"}, Bad{"unit_staff#x1", "unit"},
                       Bad{"unit_staff@371302#4", "territory"}, Bad{"resident@3713", "role"},
                       Bad{"operator@3713#4", "unit"}}) {
    auto g = ParseGrant(b.text);
    ASSERT_FALSE(g.ok()) << b.text;
    EXPECT_EQ(g.error().field, b.field) << b.text << ": " << g.error().message;
  }
}

TEST(Permissions, TheTableByRole) {
  EXPECT_TRUE(RoleHas(Role::kResident, Permission::kCaseReport));
  EXPECT_FALSE(RoleHas(Role::kResident, Permission::kCaseAct));
  EXPECT_FALSE(RoleHas(Role::kResident, Permission::kCaseReveal));
  EXPECT_TRUE(RoleHas(Role::kOperator, Permission::kCaseReveal));
  EXPECT_TRUE(RoleHas(Role::kUnitStaff, Permission::kCaseReveal));
  EXPECT_FALSE(RoleHas(Role::kGridWorker, Permission::kCaseReveal));
  EXPECT_FALSE(RoleHas(Role::kLeader, Permission::kReferenceWrite));
  EXPECT_TRUE(RoleHas(Role::kAdmin, Permission::kAccountAdmin));
  EXPECT_FALSE(RoleHas(Role::kAdmin, Permission::kCaseAct));
  EXPECT_FALSE(RoleHas(Role::kOperator, Permission::kAccountAdmin));
  for (int r = 0; r < kRoleCount; ++r) {
    EXPECT_TRUE(RoleHas(static_cast<Role>(r), Permission::kPublic));
    EXPECT_TRUE(RoleHas(static_cast<Role>(r), Permission::kSignedIn));
  }
  EXPECT_FALSE(RoleHas(Role::kSystem, Permission::kCaseRead));  // keys hold what they were given
  for (int i = 0; i < kPermissionCount; ++i) {
    auto p = static_cast<Permission>(i);
    EXPECT_EQ(ParsePermission(PermissionName(p)), p);
  }
}

TEST(Scope, GridWorkerSeesOnlyTheirGrid) {
  const Principal w = Who("wang", {"grid_worker@371302004001001"});
  EXPECT_TRUE(CanSee(w, Permission::kCaseRead, CaseAt("371302004001001")));
  EXPECT_FALSE(CanSee(w, Permission::kCaseRead, CaseAt("371302004001002")));
  EXPECT_FALSE(CanSee(w, Permission::kCaseRead, CaseAt("371302004001")));  // only the community is known
  EXPECT_FALSE(CanSee(w, Permission::kCaseRead, CaseAt("")));
}

TEST(Scope, UnitStaffSeeCasesDispatchedToTheirUnit) {
  const Principal u = Who("heat", {"unit_staff#12"});
  EXPECT_TRUE(CanSee(u, Permission::kCaseRead, CaseAt("371302004001001", 12)));
  EXPECT_TRUE(CanSee(u, Permission::kCaseRead, CaseAt("370303001001001", 5, {12})));  // as co-unit, anywhere
  EXPECT_FALSE(CanSee(u, Permission::kCaseRead, CaseAt("371302004001001", 13)));
  EXPECT_FALSE(CanSee(u, Permission::kCaseRead, CaseAt("371302004001001")));
}

TEST(Scope, ResidentSeesOwnReportsOnly) {
  const Principal r = Who("li", {"resident"});
  EXPECT_TRUE(CanSee(r, Permission::kCaseRead, CaseAt("371302004001001", 0, {}, "li")));
  EXPECT_FALSE(CanSee(r, Permission::kCaseRead, CaseAt("371302004001001", 0, {}, "zhao")));
  EXPECT_FALSE(CanSee(r, Permission::kCaseRead, CaseAt("371302004001001")));
  EXPECT_FALSE(CanSee(r, Permission::kCaseReveal, CaseAt("371302004001001", 0, {}, "li")));
}

TEST(Scope, OperatorsAndLeadersSeeTheirSubtree) {
  const Principal op = Who("op", {"operator@371302004"});
  EXPECT_TRUE(CanSee(op, Permission::kCaseRead, CaseAt("371302004002003")));
  EXPECT_TRUE(CanSee(op, Permission::kCaseRead, CaseAt("371302004")));
  EXPECT_FALSE(CanSee(op, Permission::kCaseRead, CaseAt("371302005001001")));
  EXPECT_FALSE(CanSee(op, Permission::kCaseRead, CaseAt("371302")));  // above the street
  const Principal everywhere = Who("root", {"admin@"});
  EXPECT_TRUE(CanSee(everywhere, Permission::kCaseRead, CaseAt("")));
  EXPECT_TRUE(CoversTerritory(op, Permission::kStatsRead, "371302004001"));
  EXPECT_FALSE(CoversTerritory(op, Permission::kStatsRead, "371302"));
  EXPECT_EQ(TerritoryRoots(op, Permission::kCaseRead), std::vector<std::string>{"371302004"});
}

TEST(Scope, ApiKeysHoldWhatTheyWereGivenInTheirTerritory) {
  Principal key;
  key.name = "key:drone";
  key.api_key = true;
  key.grants = {Grant{Role::kSystem, "371302", 0}};
  key.key_permissions = {Permission::kCaseReport};
  EXPECT_TRUE(key.Has(Permission::kCaseReport));
  EXPECT_FALSE(key.Has(Permission::kCaseRead));
  EXPECT_FALSE(CanSee(key, Permission::kCaseRead, CaseAt("371302004001001")));
  key.key_permissions.push_back(Permission::kCaseRead);
  EXPECT_TRUE(CanSee(key, Permission::kCaseRead, CaseAt("371302004001001")));
  EXPECT_FALSE(CanSee(key, Permission::kCaseRead, CaseAt("370303001001001")));
}

TEST(DecideAct, TheCoveringGrantWhoseRoleTheTableAllows) {
  // Operator of one street and staff of unit 12: acknowledging a case of unit 12 elsewhere acts as unit_staff.
  const Principal both = Who("zhang", {"operator@371302004", "unit_staff#12"});
  auto d = DecideAct(both, CaseAt("370303001001001", 12), Action::kAcknowledge);
  EXPECT_EQ(d.kind, ActDecision::Kind::kAllowed);
  EXPECT_EQ(d.role, Role::kUnitStaff);
  d = DecideAct(both, CaseAt("371302004001001", 12), Action::kUrge);
  EXPECT_EQ(d.kind, ActDecision::Kind::kAllowed);
  EXPECT_EQ(d.role, Role::kOperator);
  // In scope, but the role may not: a grid worker cannot dispatch.
  d = DecideAct(Who("w", {"grid_worker@371302004001001"}), CaseAt("371302004001001"), Action::kDispatch);
  EXPECT_EQ(d.kind, ActDecision::Kind::kRoleRefused);
  // Out of scope.
  d = DecideAct(Who("op", {"operator@371302005"}), CaseAt("371302004001001"), Action::kAccept);
  EXPECT_EQ(d.kind, ActDecision::Kind::kOutOfScope);
  // A resident acts on nothing, not even their own report; an admin neither.
  d = DecideAct(Who("li", {"resident"}), CaseAt("371302004001001", 0, {}, "li"), Action::kClose);
  EXPECT_EQ(d.kind, ActDecision::Kind::kOutOfScope);
  d = DecideAct(Who("root", {"admin@"}), CaseAt("371302004001001"), Action::kAccept);
  EXPECT_EQ(d.kind, ActDecision::Kind::kOutOfScope);
}

TEST(DecideAct, TheSystemPrincipalRunsTheJobs) {
  const Principal sys = SystemPrincipal();
  EXPECT_EQ(DecideAct(sys, CaseAt("371302004001001"), Action::kMarkOverdue).kind, ActDecision::Kind::kAllowed);
  EXPECT_EQ(DecideAct(sys, CaseAt("371302004001001"), Action::kAccept).kind, ActDecision::Kind::kRoleRefused);
}

}  // namespace
}  // namespace civicgrid
