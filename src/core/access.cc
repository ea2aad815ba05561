#include "core/access.h"

#include <algorithm>
#include <array>

#include "core/territory.h"
#include "core/workflow.h"

namespace civicgrid {
namespace {

using P = Permission;

constexpr std::array<std::string_view, kPermissionCount> kPermissionNames = {
    "public",    "signed_in",       "case.report",      "case.read",     "case.act",    "case.reveal",
    "stats.read", "live.read",      "reference.write",  "attachment.write", "account.admin", "audit.read"};

// The permission table: what each role may do at all (scope aside). kSystem: none by itself.
const std::vector<P>& PermissionsOf(Role role) {
  static const std::array<std::vector<P>, kRoleCount> kTable = [] {
    std::array<std::vector<P>, kRoleCount> t;
    t[static_cast<size_t>(Role::kResident)] = {P::kCaseReport, P::kCaseRead, P::kAttachmentWrite};
    t[static_cast<size_t>(Role::kGridWorker)] = {P::kCaseReport, P::kCaseRead, P::kCaseAct, P::kLiveRead,
                                                 P::kAttachmentWrite};
    t[static_cast<size_t>(Role::kOperator)] = {P::kCaseReport, P::kCaseRead,   P::kCaseAct,        P::kCaseReveal,
                                               P::kStatsRead,  P::kLiveRead,   P::kReferenceWrite, P::kAttachmentWrite};
    t[static_cast<size_t>(Role::kUnitStaff)] = {P::kCaseReport, P::kCaseRead, P::kCaseAct, P::kCaseReveal,
                                                P::kLiveRead, P::kAttachmentWrite};
    t[static_cast<size_t>(Role::kLeader)] = {P::kCaseRead, P::kCaseAct, P::kStatsRead, P::kLiveRead};
    t[static_cast<size_t>(Role::kAdmin)] = {P::kCaseRead, P::kStatsRead, P::kReferenceWrite, P::kAccountAdmin,
                                            P::kAuditRead};
    return t;
  }();
  return kTable[static_cast<size_t>(role)];
}

bool Contains(const auto& v, const auto& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// True when the grant's role (or, for kSystem, the principal's key permissions) holds `p`.
bool GrantHolds(const Grant& g, const Principal& who, Permission p) {
  if (p == P::kPublic || p == P::kSignedIn) return true;
  if (g.role == Role::kSystem) return Contains(who.key_permissions, p);
  return RoleHas(g.role, p);
}

bool InTerritory(std::string_view code, std::string_view root) {
  if (root.empty()) return true;
  return !code.empty() && IsUnder(code, root);
}

}  // namespace

std::string_view PermissionName(Permission p) { return kPermissionNames[static_cast<size_t>(p)]; }

std::optional<Permission> ParsePermission(std::string_view name) {
  for (size_t i = 0; i < kPermissionNames.size(); ++i)
    if (kPermissionNames[i] == name) return static_cast<Permission>(i);
  return std::nullopt;
}

bool RoleHas(Role role, Permission p) {
  if (p == P::kPublic || p == P::kSignedIn) return true;
  return Contains(PermissionsOf(role), p);
}

std::string FormatGrant(const Grant& g) {
  std::string s(RoleName(g.role));
  if (!g.territory.empty() || (g.role != Role::kResident && g.unit == 0)) s += "@" + g.territory;
  if (g.unit) s += "#" + std::to_string(g.unit);
  return s;
}

Result<Grant> ParseGrant(std::string_view text) {
  Grant g;
  std::string_view role = text, territory, unit;
  bool has_territory = false;
  if (auto hash = role.find('#'); hash != std::string_view::npos) {
    unit = role.substr(hash + 1);
    role = role.substr(0, hash);
  }
  if (auto at = role.find('@'); at != std::string_view::npos) {
    territory = role.substr(at + 1);
    role = role.substr(0, at);
    has_territory = true;
  }
  auto r = ParseRole(role);
  if (!r)
    return Error::InvalidArgument("unknown role '" + std::string(role) +
                                      "' (resident, grid_worker, operator, unit_staff, leader, admin or system)",
                                  "role");
  g.role = *r;
  if (!territory.empty()) {
    if (auto v = ValidateCode(territory, "territory"); !v) return v.error();
    g.territory = std::string(territory);
  }
  if (!unit.empty()) {
    int64_t id = 0;
    for (char ch : unit) {
      if (ch < '0' || ch > '9' || id > 1'000'000'000'000) return Error::InvalidArgument("unit must be a unit id", "unit");
      id = id * 10 + (ch - '0');
    }
    if (id <= 0) return Error::InvalidArgument("unit must be a positive unit id", "unit");
    g.unit = id;
  }
  if (g.role == Role::kUnitStaff && g.unit == 0)
    return Error::InvalidArgument("a unit_staff grant names its unit: unit_staff#<unit id>", "unit");
  if (g.role == Role::kResident && (has_territory || g.unit))
    return Error::InvalidArgument("a resident grant has no territory or unit: residents see their own reports",
                                  "role");
  if (g.role != Role::kUnitStaff && g.role != Role::kResident && g.unit)
    return Error::InvalidArgument("only a unit_staff grant names a unit", "unit");
  if (g.role == Role::kUnitStaff && has_territory)
    return Error::InvalidArgument("a unit_staff grant is bound to its unit only: unit_staff#<unit id>", "territory");
  if (g.role != Role::kUnitStaff && g.role != Role::kResident && !has_territory)
    return Error::InvalidArgument(std::string(RoleName(g.role)) +
                                      " needs a territory: " + std::string(RoleName(g.role)) +
                                      "@<division code>, or @ alone for everywhere",
                                  "territory");
  return g;
}

bool Principal::Has(Permission p) const {
  for (const Grant& g : grants)
    if (GrantHolds(g, *this, p)) return true;
  return false;
}

Principal SystemPrincipal() {
  Principal p;
  p.name = "system";
  p.grants = {Grant{Role::kSystem, "", 0}};
  p.key_permissions = {P::kCaseRead, P::kCaseAct};
  return p;
}

bool Covers(const Grant& g, const Principal& who, const Case& c) {
  switch (g.role) {
    case Role::kResident:
      return !c.reporter_account.empty() && c.reporter_account == who.name;
    case Role::kUnitStaff:
      return g.unit != 0 && (c.unit == g.unit || Contains(c.co_units, g.unit));
    default:
      return InTerritory(c.territory, g.territory);
  }
}

bool CanSee(const Principal& who, Permission p, const Case& c) {
  if (p == P::kCaseRead && !c.reporter_account.empty() && c.reporter_account == who.name && who.Has(p)) return true;
  for (const Grant& g : who.grants)
    if (GrantHolds(g, who, p) && Covers(g, who, c)) return true;
  return false;
}

bool CoversTerritory(const Principal& who, Permission p, std::string_view code) {
  for (const Grant& g : who.grants) {
    if (g.role == Role::kResident || g.role == Role::kUnitStaff) continue;
    if (GrantHolds(g, who, p) && InTerritory(code, g.territory)) return true;
  }
  return false;
}

std::vector<std::string> TerritoryRoots(const Principal& who, Permission p) {
  std::vector<std::string> roots;
  for (const Grant& g : who.grants) {
    if (g.role == Role::kResident || g.role == Role::kUnitStaff) continue;
    if (GrantHolds(g, who, p) && !Contains(roots, g.territory)) roots.push_back(g.territory);
  }
  return roots;
}

ActDecision DecideAct(const Principal& who, const Case& c, Action action) {
  ActDecision d;
  const auto& allowed_roles = TransitionOf(action).roles;
  for (const Grant& g : who.grants) {
    if (!GrantHolds(g, who, P::kCaseAct) || !Covers(g, who, c)) continue;
    if (Contains(allowed_roles, g.role)) return {ActDecision::Kind::kAllowed, g.role};
    d.kind = ActDecision::Kind::kRoleRefused;
    d.role = g.role;
  }
  return d;
}

}  // namespace civicgrid
