#include "app/cases.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "app/case_json.h"
#include "common/json.h"
#include "common/log.h"

namespace civicgrid::app {
namespace json = boost::json;
namespace {

// Cases reported farther than this outside every grid are refused.
constexpr double kMaxOutsideMetres = 500;

Level NextLevelUp(Level l) {
  return l <= Level::kProvince ? Level::kProvince : static_cast<Level>(static_cast<int>(l) - 1);
}

Role DefaultRole(Channel channel) {
  switch (channel) {
    case Channel::kGridWorker: return Role::kGridWorker;
    case Channel::kResidentApp:
    case Channel::kOpen311: return Role::kResident;
    case Channel::kHotline: return Role::kOperator;
    case Channel::kDrone:
    case Channel::kIot: return Role::kSystem;
    case Channel::kSuperior: return Role::kLeader;
  }
  return Role::kResident;
}

// The role a report is recorded under: the channel's natural role if the caller holds it with
// case.report, else the first role that holds case.report.
std::optional<Role> ReportRole(const Principal& who, Channel channel) {
  std::optional<Role> first;
  for (const Grant& g : who.grants) {
    const bool holds = g.role == Role::kSystem
                           ? std::find(who.key_permissions.begin(), who.key_permissions.end(),
                                       Permission::kCaseReport) != who.key_permissions.end()
                           : RoleHas(g.role, Permission::kCaseReport);
    if (!holds) continue;
    if (g.role == DefaultRole(channel)) return g.role;
    if (!first) first = g.role;
  }
  return first;
}

std::string CaseTarget(int64_t id) { return "case:" + std::to_string(id); }

}  // namespace

std::string NewTrackingCode() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  uint64_t bits = 0;
  for (unsigned char b : bytes) bits = bits << 8 | b;
  std::string out;
  for (int i = 0; i < 12; ++i) {
    if (i && i % 4 == 0) out += '-';
    out += kAlphabet[bits & 31];
    bits >>= 5;
  }
  return out;
}

const Division* MatchAddress(const TerritorySnapshot& territory, std::string_view address) {
  if (address.empty()) return nullptr;
  std::vector<const Division*> named;
  for (const auto& [code, d] : territory.divisions()) {
    if (d.level == Level::kGrid || d.name.size() < 6) continue;  // at least two CJK characters
    if (address.find(d.name) != std::string_view::npos) named.push_back(&d);
  }
  const Division* best = nullptr;
  int best_score = -1;
  for (const Division* d : named) {
    int score = 0;
    for (const Division* a : named)
      if (IsUnder(d->code, a->code)) ++score;
    // More named ancestors first, then the deeper division, then the smaller code (deterministic).
    if (!best || score > best_score || (score == best_score && d->level > best->level) ||
        (score == best_score && d->level == best->level && d->code < best->code)) {
      best = d;
      best_score = score;
    }
  }
  return best;
}

CaseService::CaseService(store::Store& store, TerritoryService& territory, ReferenceService& reference,
                         LiveFeed* feed, Now now, AttachmentExists attachment_exists)
    : store_(store),
      territory_(territory),
      reference_(reference),
      feed_(feed),
      now_(std::move(now)),
      attachment_exists_(std::move(attachment_exists)) {}

Result<CaseService::Located> CaseService::Locate(const ReportInput& in) const {
  auto t = territory_.snapshot();
  if (!t) return Error::Internal("the territory is not loaded");
  Located out;
  if (in.point) {
    auto a = app::Locate(*t, *in.point, in.crs);
    if (!a) return a.error();
    if (!a->inside && a->distance_m > kMaxOutsideMetres)
      return Error::InvalidArgument("the point lies outside the territory (" +
                                        std::to_string(static_cast<int>(a->distance_m)) + " m from the nearest grid)",
                                    "location");
    out.grid = out.territory = a->path.front()->code;
    out.has_point = true;
    out.wgs84 = a->wgs84;
    return out;
  }
  if (!in.grid.empty()) {
    auto level = ValidateCode(in.grid, "grid");
    if (!level) return level.error();
    if (*level != Level::kGrid) return Error::InvalidArgument("grid must be a 15-digit grid code", "grid");
    if (!t->Get(in.grid)) return Error::InvalidArgument("no grid has code " + in.grid, "grid");
    out.grid = out.territory = in.grid;
    return out;
  }
  if (!in.address.empty()) {
    const Division* d = MatchAddress(*t, in.address);
    if (!d) return Error::InvalidArgument("the address names no division of the territory", "address");
    out.territory = d->code;
    return out;
  }
  if (!in.territory.empty()) {
    const Division* d = t->Get(in.territory);
    if (!d) return Error::InvalidArgument("no division of the territory has code " + in.territory, "territory");
    if (d->level == Level::kGrid) out.grid = d->code;
    out.territory = d->code;
    return out;
  }
  return Error::InvalidArgument("a location is required: lon/lat, a grid code or an address", "location");
}

Result<ReportAnswer> CaseService::Report(const ReportInput& in, const Caller& caller) {
  const auto role = ReportRole(caller.who, in.channel);
  if (!role) {
    Denied(caller, "cases", "case.report");
    return Error::Forbidden("you may not report cases", "role");
  }
  return ReportAs(in, caller.who.name, *role, caller.who.name);
}

Result<ReportAnswer> CaseService::ReportPublicly(ReportInput in) {
  in.channel = Channel::kResidentApp;
  return ReportAs(in, "public", Role::kResident, "");
}

Result<ReportAnswer> CaseService::ReportAs(const ReportInput& in, const std::string& actor, Role role,
                                           const std::string& reporter_account) {
  if (in.idempotency_key.size() > 200)
    return Error::InvalidArgument("Idempotency-Key is longer than 200 characters", "Idempotency-Key");
  if (in.description.empty()) return Error::InvalidArgument("description is required", "description");
  if (in.reporter_name.size() > 100) return Error::InvalidArgument("reporter name is too long", "reporter_name");
  if (in.reporter_phone.size() > 40) return Error::InvalidArgument("reporter phone is too long", "reporter_phone");
  if (in.address.size() > 500) return Error::InvalidArgument("address is longer than 500 bytes", "address");
  if (in.attachments.size() > 20) return Error::InvalidArgument("at most 20 attachments", "attachments");
  for (const auto& a : in.attachments)
    if (attachment_exists_ && !attachment_exists_(a))
      return Error::InvalidArgument("attachment '" + a + "' was not uploaded", "attachments");
  auto place = Locate(in);
  if (!place) return place.error();
  auto ref = reference_.snapshot();
  const Category* category = nullptr;
  if (!in.category.empty()) {
    category = ref->CategoryByCode(in.category);
    if (!category || !category->active)
      return Error::InvalidArgument("unknown or inactive category '" + in.category + "'", "category");
  }

  Case draft;
  draft.channel = in.channel;
  draft.category = in.category;
  draft.priority = in.priority.value_or(Priority::kNormal);
  draft.description = in.description;
  draft.has_point = place->has_point;
  draft.lon = place->wgs84.x();
  draft.lat = place->wgs84.y();
  draft.address = in.address;
  draft.grid = place->grid;
  draft.territory = place->territory;
  draft.reporter_name = in.reporter_name;
  draft.reporter_phone = in.reporter_phone;
  draft.reporter_account = reporter_account;
  draft.attachments = in.attachments;
  const Unit* center = ref->routing().CenterAtOrAbove(draft.territory, Level::kStreet);
  draft.center = center ? center->id : 0;
  draft.level = in.channel == Channel::kGridWorker && !draft.grid.empty() ? Level::kGrid
                : center                                                 ? center->level()
                                                                         : Level::kStreet;
  draft.tracking_code = NewTrackingCode();

  ActionRequest req;
  req.action = Action::kReport;
  req.actor = actor;
  req.role = role;
  req.at = in.at ? in.at : now_();
  ActionContext ctx;
  ctx.calendar = &ref->CalendarOf("");
  ctx.category = category;
  auto outcome = civicgrid::Report(draft, req, ctx);
  if (!outcome) return outcome.error();
  if (!in.report_details.empty()) {
    boost::system::error_code ec;
    auto extra = json::parse(in.report_details, ec);
    auto details = json::parse(outcome->event.details, ec);
    if (ec || !extra.is_object() || !details.is_object())
      return Error::Internal("the report's details are not a JSON object");
    for (auto& [k, v] : extra.as_object()) details.as_object()[k] = v;
    outcome->event.details = ToJson(details);
  }

  ReportAnswer answer;
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    if (!in.idempotency_key.empty()) {
      auto seen = tx.FindIdempotencyKey(in.idempotency_key);
      if (!seen) return seen.error();
      if (*seen) {
        auto c = tx.GetCase(**seen);
        if (!c) return c.error();
        if (!*c) return Error::Internal("idempotency key points at a missing case");
        answer.c = std::move(**c);
        answer.replayed = true;
        return {};
      }
    }
    auto id = tx.InsertCase(outcome->after, outcome->event, in.idempotency_key);
    if (!id) return id.error();
    answer.c = outcome->after;
    return {};
  });
  if (!r) return r.error();
  if (!answer.replayed) Publish(answer.c, outcome->event);
  return answer;
}

Result<Case> CaseService::Act(int64_t id, const ActInput& in, const Caller& caller) {
  const Action action = in.request.action;
  return ActAs(id, in, caller.who.name, [&](const Case& before) -> Result<Role> {
    const ActDecision decision = DecideAct(caller.who, before, action);
    if (decision.kind == ActDecision::Kind::kOutOfScope)
      return Error::Forbidden("case " + std::to_string(before.id) + " is outside your scope", "id");
    if (decision.kind == ActDecision::Kind::kRoleRefused)
      return Error::Forbidden("your role " + std::string(RoleName(decision.role)) + " may not " +
                                  std::string(ActionName(action)) + " this case",
                              "role");
    return decision.role;
  }, caller);
}

Result<CaseView> CaseService::RateByTrackingCode(const std::string& tracking_code, Evaluation evaluation,
                                                 const std::string& note) {
  auto view = Track(tracking_code);
  if (!view) return view.error();
  ActInput in;
  in.request.action = Action::kCallback;
  in.request.evaluation = evaluation;
  in.request.note = note;
  const std::string code = view->c.tracking_code;
  const Caller nobody{Principal{}, ""};
  auto r = ActAs(view->c.id, in, "public", [&](const Case& before) -> Result<Role> {
    if (before.tracking_code != code) return Error::NotFound("no case has tracking code '" + code + "'", "code");
    return Role::kResident;
  }, nobody);
  if (!r) return r.error();
  return View(std::move(*r));
}

Result<Case> CaseService::ActAs(int64_t id, const ActInput& in, const std::string& actor, const Decide& decide,
                                const Caller& caller) {
  auto ref = reference_.snapshot();
  ActionRequest req = in.request;
  req.actor = actor;
  if (!req.at) req.at = now_();
  if (req.attachments.size() > 20) return Error::InvalidArgument("at most 20 attachments", "attachments");
  for (const auto& a : req.attachments)
    if (attachment_exists_ && !attachment_exists_(a))
      return Error::InvalidArgument("attachment '" + a + "' was not uploaded", "attachments");
  Case after;
  CaseEvent event;
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto found = tx.GetCase(id);
    if (!found) return found.error();
    if (!*found) return Error::NotFound("no case has id " + std::to_string(id), "id");
    const Case& before = **found;
    auto role = decide(before);
    if (!role) return role.error();
    req.role = *role;
    if (req.at < before.updated_at) req.at = before.updated_at;  // clocks of other writers may lag a little

    ActionContext ctx;
    const std::string category_code = !req.category.empty() ? req.category : before.category;
    ctx.category = category_code.empty() ? nullptr : ref->CategoryByCode(category_code);
    ctx.calendar = &ref->CalendarOf(before.calendar);

    switch (req.action) {
      case Action::kDispatch: {
        if (!ctx.category) break;  // Apply names the missing category
        if (in.unit) {
          const Unit* u = ref->UnitById(in.unit);
          if (!u || !u->active) return Error::InvalidArgument("unknown or inactive unit " + std::to_string(in.unit), "unit");
          DispatchTarget t;
          t.unit = u->id;
          for (int64_t co : in.co_units) {
            const Unit* cu = ref->UnitById(co);
            if (!cu || !cu->active || co == u->id)
              return Error::InvalidArgument("unknown or inactive co-unit " + std::to_string(co), "co_units");
            t.co_units.push_back(co);
          }
          t.reason = "chosen by " + req.actor;
          t.calendar = u->calendar;
          ctx.dispatch = t;
        } else {
          auto decision = ref->routing().Route(ctx.category->code, before.territory);
          if (!decision) return decision.error();
          ctx.dispatch = decision->target;
        }
        ctx.calendar = &ref->CalendarOf(ctx.dispatch->calendar);
        break;
      }
      case Action::kReopen: {
        const Unit* u = ref->UnitById(before.unit);
        if (u && u->active) {
          DispatchTarget t;
          t.unit = u->id;
          t.calendar = u->calendar;
          t.reason = "reopened to the same unit";
          ctx.dispatch = t;
          ctx.calendar = &ref->CalendarOf(u->calendar);
        }
        break;
      }
      case Action::kEscalate: {
        const Unit* upper = ref->routing().CenterAtOrAbove(before.territory, NextLevelUp(before.level));
        // A center at the case's own level or below is no escalation.
        while (upper && upper->level() >= before.level) {
          const Level above = NextLevelUp(upper->level());
          if (above == upper->level()) {
            upper = nullptr;
            break;
          }
          upper = ref->routing().CenterAtOrAbove(before.territory, above);
        }
        if (upper) {
          ctx.upper_center = upper->id;
          ctx.upper_level = upper->level();
        }
        break;
      }
      case Action::kResolve: {
        const Unit* u = ref->UnitById(before.unit);
        ctx.unit_level = u ? u->level() : before.level;
        break;
      }
      case Action::kMerge: {
        if (req.duplicate_of > 0 && req.duplicate_of != before.id) {
          auto other = tx.GetCase(req.duplicate_of);
          if (!other) return other.error();
          ctx.duplicate_exists = other->has_value() && (*other)->status != CaseStatus::kMerged;
        }
        break;
      }
      default:
        break;
    }
    auto outcome = Apply(before, req, ctx);
    if (!outcome) return outcome.error();
    if (req.action == Action::kRecomputeDeadlines && outcome->after.handle_due == before.handle_due &&
        outcome->after.handle_warn == before.handle_warn)
      return Error::Conflict("deadlines unchanged", "unchanged");
    if (auto w = tx.UpdateCase(before, outcome->after, outcome->event); !w) return w;
    after = std::move(outcome->after);
    event = std::move(outcome->event);
    return {};
  });
  if (!r) {
    if (r.error().code == "forbidden" && !caller.who.name.empty())
      Denied(caller, CaseTarget(id), std::string(ActionName(req.action)));
    return r.error();
  }
  Publish(after, event);
  return after;
}

Result<CaseView> CaseService::View(Case c) {
  auto events = store_.Events(c.id);
  if (!events) return events.error();
  auto ref = reference_.snapshot();
  const Calendar& cal = ref->CalendarOf(c.calendar);
  CaseView v;
  v.deadlines = DeadlinesOf(c, cal, now_());
  for (Action a : AllowedActions(c.status))
    if (TransitionOf(a).roles != std::vector<Role>{Role::kSystem}) v.allowed.push_back(a);
  v.events = std::move(*events);
  v.utc_offset_minutes = cal.utc_offset_minutes;
  v.c = std::move(c);
  return v;
}

Result<CaseView> CaseService::Get(int64_t id, const Caller& caller) {
  auto c = store_.GetCase(id);
  if (!c) return c.error();
  if (*c && !CanSee(caller.who, Permission::kCaseRead, **c)) {
    Denied(caller, CaseTarget(id), "case.read");
    c->reset();
  }
  if (!*c) return Error::NotFound("no case has id " + std::to_string(id), "id");
  return View(std::move(**c));
}

Result<CaseService::Reporter> CaseService::Reveal(int64_t id, const std::string& reason, const Caller& caller) {
  if (reason.size() < 2 || reason.size() > 500)
    return Error::InvalidArgument("a reason of 2 to 500 bytes is required to reveal personal data", "reason");
  auto c = store_.GetCase(id);
  if (!c) return c.error();
  if (*c && !CanSee(caller.who, Permission::kCaseReveal, **c)) {
    Denied(caller, CaseTarget(id), "case.reveal");
    c->reset();
  }
  if (!*c) return Error::NotFound("no case has id " + std::to_string(id), "id");
  json::object detail{{"reason", reason}, {"fields", json::array{"reporter_name", "reporter_phone"}}};
  const Timestamp at = now_();
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto a = tx.AppendAudit(store::AuditEntry{at, caller.who.name, "personal_data.reveal", CaseTarget(id),
                                              json::serialize(detail), caller.remote});
    if (!a) return a.error();
    return {};
  });
  if (!r) return r.error();  // no audit record, no reveal
  return Reporter{(*c)->reporter_name, (*c)->reporter_phone};
}

void CaseService::Denied(const Caller& caller, const std::string& target, const std::string& why) {
  const Timestamp at = now_();
  json::object detail{{"needed", why}};
  auto r = store_.Write([&](store::CaseTx& tx) -> Result<void> {
    auto a = tx.AppendAudit(
        store::AuditEntry{at, caller.who.name, "access.denied", target, json::serialize(detail), caller.remote});
    if (!a) return a.error();
    return {};
  });
  if (!r) log::Error("audit.write_failed", {{"error", r.error().message}, {"action", "access.denied"}});
}

store::CaseScope ScopeOf(const Principal& who, Permission permission) {
  store::CaseScope scope;
  scope.territories = TerritoryRoots(who, permission);
  for (const Grant& g : who.grants)
    if (g.role == Role::kUnitStaff && g.unit && RoleHas(g.role, permission)) scope.units.push_back(g.unit);
  if (permission == Permission::kCaseRead && who.Has(permission)) scope.reporter_account = who.name;
  return scope;
}

Result<CaseView> CaseService::Track(const std::string& tracking_code) {
  std::string code = tracking_code;
  for (char& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto c = store_.GetCaseByTrackingCode(code);
  if (!c) return c.error();
  if (!*c) return Error::NotFound("no case has tracking code '" + code + "'", "code");
  return View(std::move(**c));
}

Result<store::CasePage> CaseService::List(store::CaseFilter filter, const Caller& caller) {
  auto scoped = Scoped(std::move(filter), caller);
  if (!scoped) return scoped.error();
  return store_.ListCases(*scoped);
}

Result<int64_t> CaseService::Count(store::CaseFilter filter, const Caller& caller) {
  auto scoped = Scoped(std::move(filter), caller);
  if (!scoped) return scoped.error();
  return store_.CountMatching(*scoped);
}

Result<store::CaseFilter> CaseService::Scoped(store::CaseFilter filter, const Caller& caller) {
  if (!filter.now) filter.now = now_();
  if (!filter.under.empty() && !CoversTerritory(caller.who, Permission::kCaseRead, filter.under)) {
    // Residents and unit staff list their own cases; a territory filter inside them is fine.
    if (TerritoryRoots(caller.who, Permission::kCaseRead).size() > 0 || caller.who.api_key) {
      Denied(caller, "territory:" + filter.under, "case.read");
      return Error::NotFound("no territory " + filter.under + " in your scope", "under");
    }
  }
  filter.scope = ScopeOf(caller.who, Permission::kCaseRead);
  return filter;
}

Result<RoutingDecision> CaseService::ExplainRouting(const std::string& category, const std::string& territory) {
  auto ref = reference_.snapshot();
  if (!ref->CategoryByCode(category)) return Error::InvalidArgument("unknown category '" + category + "'", "category");
  if (auto level = ValidateCode(territory, "territory"); !level) return level.error();
  return ref->routing().Route(category, territory);
}

Result<size_t> CaseService::MarkOverdue() {
  const Caller system{SystemPrincipal(), ""};
  size_t marked = 0;
  for (;;) {
    auto ids = store_.CasesToMarkOverdue(now_(), 500);
    if (!ids) return ids.error();
    size_t this_round = 0;
    for (int64_t id : *ids) {
      ActInput in;
      in.request.action = Action::kMarkOverdue;
      auto r = Act(id, in, system);
      if (r) ++this_round;
      else if (r.error().code != "conflict") return r.error();
    }
    marked += this_round;
    if (ids->size() < 500 || this_round == 0) return marked;
  }
}

Result<size_t> CaseService::RecomputeDeadlines(const std::string& calendar_id) {
  std::vector<int64_t> ids;
  auto add = [&](const std::string& id) -> Result<void> {
    auto found = store_.OpenCasesOnCalendar(id);
    if (!found) return found.error();
    ids.insert(ids.end(), found->begin(), found->end());
    return {};
  };
  if (auto r = add(calendar_id); !r) return r.error();
  if (calendar_id == kDefaultCalendar)
    if (auto r = add(""); !r) return r.error();
  size_t moved = 0;
  const Caller system{SystemPrincipal(), ""};
  for (int64_t id : ids) {
    ActInput in;
    in.request.action = Action::kRecomputeDeadlines;
    in.request.note = "calendar " + calendar_id + " changed";
    auto r = Act(id, in, system);
    if (r) ++moved;
    else if (r.error().code != "conflict") return r.error();
  }
  return moved;
}

Result<std::vector<store::StatsGroup>> CaseService::Stats(store::StatsQuery query, const Caller& caller) {
  if (query.under.empty()) {
    const auto roots = TerritoryRoots(caller.who, Permission::kStatsRead);
    if (roots.size() > 1)
      return Error::InvalidArgument("under is required: your scope has several territories", "under");
    if (roots.size() == 1) query.under = roots.front();
  }
  if (!CoversTerritory(caller.who, Permission::kStatsRead, query.under)) {
    Denied(caller, "territory:" + query.under, "stats.read");
    return Error::NotFound("no territory " + query.under + " in your scope", "under");
  }
  return store_.Stats(query);
}

void CaseService::PublishCommitted(int64_t case_id, int64_t seq) {
  if (!feed_ || feed_->listeners() == 0) return;
  auto c = store_.GetCase(case_id);
  auto events = store_.Events(case_id);
  if (!c || !*c || !events) return;
  for (const CaseEvent& e : *events)
    if (e.seq == seq) return feed_->Publish((*c)->territory, LiveMessage(**c, e));
}

void CaseService::Publish(const Case& c, const CaseEvent& event) {
  if (!feed_ || feed_->listeners() == 0) return;
  feed_->Publish(c.territory, LiveMessage(c, event));
}

}  // namespace civicgrid::app
