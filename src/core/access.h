// Who may do what, and where: roles bound to scopes (grants), the permissions routes declare, and the
// scope test for cases. Pure: the app layer (app/access.h) applies it to every request in one place.
//
// A grant binds one role to a scope: a territory subtree (a division or grid code; "" = everywhere),
// or, for unit staff, a unit. What a role may do at all is the permission table (RoleHas); which cases it sees is
// the scope test (Covers); which workflow actions it may take on a case is the transition table
// (workflow.h) for the role of a grant that covers the case.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/result.h"

namespace civicgrid {

// What a route or use case needs. kPublic needs nothing (rate-limited per client address);
// kSignedIn needs any account or API key; the others need a role (or API key) that holds them.
enum class Permission {
  kPublic,
  kSignedIn,
  kCaseReport,       // report a case
  kCaseRead,         // read cases in scope
  kCaseAct,          // workflow actions on cases in scope (the transition table decides which)
  kCaseReveal,       // see a reporter's name and phone whole (audited)
  kStatsRead,        // statistics in scope
  kLiveRead,         // the live feed of case events in scope
  kReferenceWrite,   // units, categories, routing rules, calendars
  kAttachmentWrite,  // upload photos and documents
  kAccountAdmin,     // accounts and API keys
  kAuditRead,        // the audit log
};
inline constexpr int kPermissionCount = 12;
// "public", "signed_in", "case.report", "case.read", "case.act", "case.reveal", "stats.read",
// "live.read", "reference.write", "attachment.write", "account.admin", "audit.read"
std::string_view PermissionName(Permission permission);
std::optional<Permission> ParsePermission(std::string_view name);

// True when `role` holds `permission` (kPublic and kSignedIn: every role). kSystem holds nothing by
// itself: an API key holds the permissions it was given (Principal::key_permissions).
bool RoleHas(Role role, Permission permission);

// One role bound to a scope. `territory` is a division or grid code ("" = the whole platform); `unit`
// a unit id (0 = none). A unit_staff grant has a unit and no territory; a resident grant has neither
// (a resident's scope is their own reports); every other grant has a territory and no unit.
struct Grant {
  Role role = Role::kResident;
  std::string territory;
  int64_t unit = 0;

  bool operator==(const Grant&) const = default;
};

// "operator@371302004", "unit_staff#12", "resident", "admin@" (everywhere).
std::string FormatGrant(const Grant& grant);
// Parses FormatGrant's form; checks the role, the code's shape and the rules of the Grant comment.
Result<Grant> ParseGrant(std::string_view text);

// Who is asking: an account (with its grants) or an API key (one kSystem grant with a territory and
// the permissions the key was given). `name` is the actor recorded in events and the audit log: the
// username, or "key:<name>" for an API key.
struct Principal {
  std::string name;
  int64_t id = 0;  // account id or API key id
  bool api_key = false;
  std::vector<Grant> grants;
  std::vector<Permission> key_permissions;  // API keys only

  // True when some grant's role (or, for an API key, the key) holds `permission`.
  bool Has(Permission permission) const;
};

// The platform's own jobs (overdue marking, deadline recomputation): role kSystem, everywhere.
Principal SystemPrincipal();

// True when `grant`, held by `principal`, covers case `c`:
//   resident     — the case was reported by this principal (c.reporter_account == principal.name);
//   unit_staff   — the case's lead unit or a co-unit is the grant's unit;
//   others       — the case's territory lies under the grant's territory ("" = everywhere).
// A case without a territory is covered only by grants for everywhere.
bool Covers(const Grant& grant, const Principal& principal, const Case& c);

// True when some grant holding `permission` covers the case (for API keys: the key holds it and its
// territory covers the case). For kCaseRead, a principal also sees every case it reported itself.
bool CanSee(const Principal& principal, Permission permission, const Case& c);

// True when `code` (a division or grid code) lies in the territory of some grant holding
// `permission`; residents and unit-only grants cover no territory.
bool CoversTerritory(const Principal& principal, Permission permission, std::string_view code);

// The territory codes of the grants holding `permission` (the roots of what a principal may list);
// contains "" when one of them is everywhere. Residents and unit grants contribute nothing.
std::vector<std::string> TerritoryRoots(const Principal& principal, Permission permission);

// How a principal may take `action` on case `c`.
struct ActDecision {
  enum class Kind {
    kAllowed,       // with `role`
    kOutOfScope,    // no grant covers the case (answer 403 for actions, 404 for reads)
    kRoleRefused,   // grants cover the case, but none of their roles may take this action
  } kind = Kind::kOutOfScope;
  Role role = Role::kSystem;
};
// Picks the first grant (in the principal's order) that covers the case, holds kCaseAct (kCaseReport
// is not enough) and whose role the transition table allows for `action`; the role of that grant is
// the one recorded in the event. The table's state check is left to Apply().
ActDecision DecideAct(const Principal& principal, const Case& c, Action action);

}  // namespace civicgrid
