#include "demo/history_case.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "demo/history_random.h"

namespace civicgrid::demo::history {

// The users who act: one of six operators of a center, one of three users of a unit, chosen by `turn`.
std::string OperatorOf(int64_t center, uint64_t turn) {
  return "op-" + std::to_string(center) + "-" + std::to_string(turn % 6 + 1);
}
std::string UnitUserOf(int64_t unit, uint64_t turn) {
  return "u-" + std::to_string(unit) + "-" + std::to_string(turn % 3 + 1);
}

namespace {

using A = Action;
using S = CaseStatus;

// Notes of the steps, by major category where it matters.
const char* ResolveNote(std::string_view category, uint64_t turn) {
  static const std::map<std::string, std::vector<const char*>> kNotes = {
      {"01", {"已安排维修人员上门检修，排气除堵后室温恢复正常。", "已更换故障阀门，供热恢复，经回访居民室温达标。"}},
      {"02", {"已组织抢修更换破损管道，供水恢复正常。", "经检测水质合格，已冲洗管网并告知居民。"}},
      {"03", {"已关闭阀门、更换管件，检测无泄漏，隐患消除。", "已上门检查并整改燃气设施，恢复供气。"}},
      {"04", {"已约谈物业公司，责令限期整改，现已整改到位。", "已协调物业完成维修，设施恢复使用。"}},
      {"05", {"已安排环卫人员清理完毕，路面整洁。", "已劝离占道摊贩并清理现场，加强巡查。"}},
      {"06", {"已联系车主移走车辆，恢复通行。", "已张贴告知书并规范停放秩序。"}},
      {"07", {"已完成维修更换，设施恢复正常。", "已设置警示标志并修复路面。"}},
      {"08", {"已责令工地覆盖裸土、洒水降尘，现场已整改。", "已清扫遗撒路面并对运输车辆立案查处。"}},
      {"09", {"已清理隐患并对相关人员进行安全教育。", "已设置警戒并完成加固处理，隐患消除。"}},
      {"10", {"已现场执法检查，责令整改，问题已解决。", "已约谈责任人并限期整改，复查达标。"}},
      {"11", {"经调解双方达成一致，签订调解协议。", "已组织双方协商，矛盾化解。"}},
      {"12", {"已电话联系市民，详细解答政策并告知办理流程。", "已协助市民办理相关手续。"}},
      {"13", {"已安排园林工人修剪清理，现场恢复。", "已补植绿化并加强养护。"}},
      {"14", {"已组织技术人员现场指导并处理完毕。", "已协调清淤修复，恢复正常使用。"}},
      {"99", {"已核实情况并答复市民。", "已转相关部门研究，并向市民解释说明。"}},
  };
  auto it = kNotes.find(std::string(category.substr(0, 2)));
  if (it == kNotes.end()) return "已处理完毕。";
  return it->second[turn % it->second.size()];
}

constexpr const char* kSelfHandleNotes[] = {"网格员现场劝导，已当场整改。", "网格员协调清理完毕，现场已恢复。",
                                            "网格员上门沟通，居民已自行清理。", "网格员现场调解，双方达成谅解。"};
constexpr const char* kRejectNotes[] = {"反映内容不属于受理范围，已告知市民通过其他渠道反映。",
                                        "信息不全且无法联系反映人，无法核实。", "属于司法诉讼程序中的事项，不予受理。"};
constexpr const char* kReturnNotes[] = {"经核实，该问题不属于本单位职责范围，请重新派遣。",
                                        "该设施产权不属于本单位，建议派往属地处置。", "事发地点不在本单位管辖范围。"};
constexpr const char* kEscalateNotes[] = {"涉及多个部门，街道协调难度大，提请区级统筹处置。",
                                          "问题复杂，需上级部门协调解决。", "超出本级处置权限，申请上级支持。"};
constexpr const char* kSuspendNotes[] = {"需待供暖季结束后施工，申请挂账。", "涉及规划调整，需等待上级批复。",
                                         "当事人外出无法联系，暂缓办理。", "涉及诉讼，等待法院判决。"};
constexpr const char* kExtensionNotes[] = {"需采购配件，申请延期。", "涉及多方协调，申请延期办理。",
                                           "受天气影响无法施工，申请延期。"};
constexpr const char* kVerifyFailNotes[] = {"现场核查问题仍未解决，退回重新处置。", "整改不彻底，需返工。",
                                            "居民反映问题仍存在，核查不通过。"};
constexpr const char* kUrgeNotes[] = {"即将超期，请抓紧办理。", "市民多次来电催问，请加快办理进度。"};
constexpr const char* kSuperviseNotes[] = {"已超期，列入督办，请三日内反馈办理情况。",
                                           "领导批示：请相关单位限期办结。"};

// The county-level unit (template key) that takes a category when a case is escalated to the county or
// re-dispatched by hand.
const char* CountyKeyFor(std::string_view category) {
  static const std::map<std::string_view, const char*> kMinor = {
      {"0601", "enforcement"},       {"0602", "traffic"},       {"0705", "traffic"},
      {"1001", "ecology"},           {"1101", "civil_affairs"}, {"1102", "natural_resources"},
      {"1103", "civil_affairs"},     {"1104", "hrss"},          {"1105", "housing"},
      {"1106", "natural_resources"}, {"1201", "hrss"},          {"1202", "medical_insurance"},
      {"1203", "education"},         {"1208", "health"},        {"1209", "natural_resources"},
      {"1401", "water_resources"},   {"1405", "transport"},
  };
  static const std::map<std::string_view, const char*> kMajor = {
      {"01", "heating"},     {"02", "water"},       {"03", "gas"},           {"04", "housing"},
      {"05", "enforcement"}, {"06", "traffic"},     {"07", "municipal"},     {"08", "housing"},
      {"09", "emergency"},   {"10", "ecology"},     {"11", "civil_affairs"}, {"12", "civil_affairs"},
      {"13", "greening"},    {"14", "agriculture"}, {"99", "civil_affairs"}};
  if (auto it = kMinor.find(category); it != kMinor.end()) return it->second;
  if (auto it = kMajor.find(category.substr(0, 2)); it != kMajor.end()) return it->second;
  return "civil_affairs";
}

// ---------------------------------------------------------------------------------------------------------
// One case played through the workflow. Every step goes through Apply with the app's context; a step
// after the end time is not taken (the case stays open where it is); the overdue job's mark is appended
// when a handle deadline passes before the next step (or before the end).

class CaseSim {
 public:
  explicit CaseSim(World& world) : w_(world) {}

  Result<void> Start(const Intake& in) {
    ActionContext ctx;
    ctx.calendar = &w_.ref().CalendarOf("");
    ctx.category = in.draft.category.empty() ? nullptr : w_.ref().CategoryByCode(in.draft.category);
    auto out = civicgrid::Report(in.draft, in.report, ctx);
    if (!out) return out.error();
    c_ = std::move(out->after);
    events_.push_back(std::move(out->event));
    return {};
  }

  // Takes `req` at req.at. False when the case stops here (req.at is after the end) or on an error (kept
  // for Finish).
  bool Do(ActionRequest req, int64_t hand_unit = 0) {
    if (error_) return false;
    req.at = std::max(req.at, c_.updated_at);
    MarkOverdueBefore(std::min(req.at, w_.end() + 1));
    if (error_) return false;
    if (req.at > w_.end()) return false;
    return Take(req, hand_unit);
  }

  // Ends the simulation: the overdue mark if the deadline passed by the end; the case and its events.
  Result<Simulated> Finish() {
    MarkOverdueBefore(w_.end() + 1);
    if (error_) return *error_;
    return Simulated{std::move(c_), std::move(events_)};
  }

  const Case& c() const { return c_; }
  Timestamp now() const { return c_.updated_at; }
  const Calendar& cal() const { return w_.cal(); }

  // The instant at which `fraction` of `clock`'s budget is used (counting from its start, past pauses
  // included), but never before now.
  Timestamp ClockAt(const PhaseClock& clock, double fraction) const {
    const int64_t amount =
        static_cast<int64_t>(std::llround(fraction * static_cast<double>(clock.budget))) + clock.paused;
    const Timestamp t = clock.working ? AddWorkingSeconds(cal(), clock.start, amount) : clock.start + amount;
    return std::max(t, now() + 1);
  }
  // `minutes` of working time after `from`.
  Timestamp Work(Timestamp from, double minutes) const {
    return AddWorkingSeconds(cal(), from, std::max<int64_t>(1, std::llround(minutes * 60)));
  }

 private:
  bool Take(const ActionRequest& req, int64_t hand_unit) {
    auto ctx = w_.Context(c_, req, hand_unit);
    if (!ctx) {
      error_ = ctx.error();
      return false;
    }
    auto out = Apply(c_, req, *ctx);
    if (!out) {
      error_ =
          Error::Internal("demo history: case " + std::to_string(c_.id) + ": " + std::string(ActionName(req.action)) +
                          " from " + std::string(CaseStatusName(c_.status)) + ": " + out.error().message);
      return false;
    }
    c_ = std::move(out->after);
    events_.push_back(std::move(out->event));
    return true;
  }

  // The overdue job runs every 30 s: a case whose handle deadline passed before `t` gets its mark then.
  void MarkOverdueBefore(Timestamp t) {
    if (c_.overdue || c_.handle_due == 0 || (c_.status != S::kDispatched && c_.status != S::kAcknowledged)) return;
    const Timestamp mark = std::max(c_.handle_due + 1 + static_cast<Timestamp>(c_.id % 30), c_.updated_at);
    if (mark >= t) return;
    ActionRequest req;
    req.action = A::kMarkOverdue;
    req.actor = "system";
    req.role = Role::kSystem;
    req.at = mark;
    Take(req, 0);
  }

  World& w_;
  Case c_;
  std::vector<CaseEvent> events_;
  std::optional<Error> error_;
};

ActionRequest Request(Action action, const std::string& actor, Role role, Timestamp at, std::string note = {}) {
  ActionRequest r;
  r.action = action;
  r.actor = actor;
  r.role = role;
  r.at = at;
  r.note = std::move(note);
  return r;
}

// Plays one case out. The probabilities are per case and tuned to the figures the sources report: about
// 3% returned, 2% extended, 1% escalated, 2% reworked, 15% of grid workers' reports handled on the spot,
// 2% rejected or merged, a few % resolved late, satisfaction about 93%.
class Lifecycle {
 public:
  Lifecycle(World& world, const Intake& in) : w_(world), in_(in), rng_(in.seed), sim_(world) {}

  Result<Simulated> Run() {
    if (auto r = sim_.Start(in_); !r) return r.error();
    Play();
    return sim_.Finish();
  }

 private:
  const Case& c() const { return sim_.c(); }
  // Who acts and with which note, varied by the case and its step without drawing randomness (so that
  // a call never draws twice in one expression, whose order C++ leaves unspecified).
  uint64_t Turn() const { return static_cast<uint64_t>(c().id) * 7919 + static_cast<uint64_t>(c().version); }
  std::string Op() const { return OperatorOf(c().center, Turn()); }
  std::string UnitUser(int64_t unit) const { return UnitUserOf(unit, Turn()); }
  template <size_t N>
  const char* Note(const char* const (&notes)[N]) const {
    return notes[Turn() % N];
  }
  bool Urgent() const { return c().priority == Priority::kUrgent; }
  // An operator's reaction time: natural minutes for urgent cases (the center is on duty around the clock),
  // else working minutes.
  Timestamp OpDelay(double median_minutes) {
    const double m = std::clamp(rng_.LogNormal(median_minutes, 0.8), 1.0, median_minutes * 12);
    if (Urgent()) return sim_.now() + std::llround(m * 60 / 3);
    return sim_.Work(sim_.now(), m);
  }
  // A dispatch by the case's center, classifying the case on the way if intake left that to the center.
  ActionRequest DispatchRequest(double median_minutes) {
    auto r = Request(A::kDispatch, Op(), Role::kOperator, OpDelay(median_minutes));
    if (c().category != in_.category) r.category = in_.category;
    return r;
  }
  std::string Verifier() {
    if (!c().grid.empty() && rng_.Chance(0.75)) return "gw-" + c().grid;
    return Op();
  }

  void Play() {
    const Timestamp t0 = sim_.now();
    if (in_.duplicate_of) {
      auto r = Request(A::kMerge, Op(), Role::kOperator, OpDelay(20), "与已受理事件重复，合并办理");
      r.duplicate_of = in_.duplicate_of;
      sim_.Do(r);
      return;
    }
    if (in_.reject) {
      sim_.Do(Request(A::kReject, Op(), Role::kOperator, OpDelay(30), Note(kRejectNotes)));
      return;
    }
    // 村呼镇应: a grid worker who cannot handle a matter calls the street at once.
    if (c().level == Level::kGrid && !in_.self_handle && rng_.Chance(0.009)) {
      if (!sim_.Do(Request(A::kEscalate, in_.report.actor, Role::kGridWorker, t0 + rng_.Int(120, 1800),
                           "网格内无法处置，上报街道协调")))
        return;
      if (!sim_.Do(DispatchRequest(30))) return;
      Handle();
      return;
    }
    if (in_.self_handle) {
      const std::string worker = "gw-" + c().grid;
      if (!sim_.Do(Request(A::kSelfHandle, worker, Role::kGridWorker, t0 + rng_.Int(5 * 60, 50 * 60),
                           Note(kSelfHandleNotes))))
        return;
      const bool fails = rng_.Chance(0.02);
      const Timestamp verify_at = sim_.ClockAt(c().clocks.verify, rng_.Uniform(0.05, 0.8));
      if (!fails) {
        if (!sim_.Do(Request(A::kVerifyPass, Op(), Role::kOperator, verify_at))) return;
        sim_.Do(Request(A::kClose, Op(), Role::kOperator, OpDelay(30)));
        return;
      }
      // Verification failed: back to the center, which dispatches it like any other case.
      if (!sim_.Do(Request(A::kVerifyFail, Op(), Role::kOperator, verify_at, Note(kVerifyFailNotes)))) return;
    } else {
      const Timestamp accept_at = c().channel == Channel::kHotline ? t0 + rng_.Int(60, 15 * 60) : OpDelay(25);
      if (!sim_.Do(Request(A::kAccept, Op(), Role::kOperator, accept_at))) return;
      if (in_.classify && rng_.Chance(0.5)) {
        auto r = Request(A::kClassify, Op(), Role::kOperator, sim_.now() + rng_.Int(30, 600));
        r.category = in_.category;
        if (!sim_.Do(r)) return;
      }
      // 街呼区应: the street's center hands a hard case to the county before dispatching it.
      if (c().level == Level::kStreet && rng_.Chance(0.004)) {
        if (!Escalate(Role::kOperator, Op())) return;
        Handle();
        return;
      }
    }
    auto dispatch = DispatchRequest(20);
    if (c().channel == Channel::kSuperior && rng_.Chance(0.4)) dispatch.priority = Priority::kHigh;
    if (!sim_.Do(dispatch)) return;
    Handle();
  }

  // Escalates the case to the county's center, which dispatches it by hand to a county unit. False when
  // the case stops.
  bool Escalate(Role role, const std::string& actor) {
    if (!sim_.Do(Request(A::kEscalate, actor, role,
                         role == Role::kUnitStaff ? sim_.Work(sim_.now(), rng_.Uniform(60, 900)) : OpDelay(60),
                         Note(kEscalateNotes))))
      return false;
    const std::string county = c().territory.substr(0, 6);
    int64_t unit = w_.UnitOf(county, CountyKeyFor(c().category));
    if (!unit) unit = w_.UnitOf(county, "center");
    if (!unit) return false;
    return sim_.Do(DispatchRequest(90), unit);
  }

  // The unit's part, from dispatched to closed (and again after a reopen).
  void Handle() {
    const bool street_case = c().level == Level::kStreet;
    // 回退: not this unit's job; the center sends it elsewhere.
    if (c().returns == 0 && rng_.Chance(0.03)) {
      const int64_t unit = c().unit;
      if (rng_.Chance(0.4) && !sim_.Do(Request(A::kAcknowledge, UnitUser(unit), Role::kUnitStaff,
                                               sim_.ClockAt(c().clocks.acknowledge, rng_.Uniform(0.05, 0.7)))))
        return;
      if (!sim_.Do(Request(A::kReturn, UnitUser(unit), Role::kUnitStaff, sim_.Work(sim_.now(), rng_.Uniform(20, 700)),
                           Note(kReturnNotes))))
        return;
      if (!Redispatch(unit)) return;
    }
    if (!sim_.Do(Request(A::kAcknowledge, UnitUser(c().unit), Role::kUnitStaff,
                         sim_.ClockAt(c().clocks.acknowledge, AckFraction()))))
      return;
    // 街呼区应: the unit cannot solve it at the street's level.
    if (street_case && c().escalations == 0 && rng_.Chance(0.009)) {
      if (!Escalate(Role::kUnitStaff, UnitUser(c().unit))) return;
      if (!sim_.Do(Request(A::kAcknowledge, UnitUser(c().unit), Role::kUnitStaff,
                           sim_.ClockAt(c().clocks.acknowledge, AckFraction()))))
        return;
    }
    // 挂账: the clock stops while something outside the unit's hands is awaited.
    if (rng_.Chance(0.008)) {
      if (!sim_.Do(Request(A::kSuspend, Op(), Role::kOperator, sim_.ClockAt(c().clocks.handle, rng_.Uniform(0.1, 0.6)),
                           Note(kSuspendNotes))))
        return;
      const double days = rng_.Chance(0.25) ? rng_.Uniform(30, 150) : rng_.Uniform(2, 20);
      if (!sim_.Do(Request(A::kResume, Op(), Role::kOperator, sim_.Work(sim_.now(), days * 480)))) return;
    }
    // 延期: the unit asks for more time, the center mostly grants it.
    if (c().extensions == 0 && rng_.Chance(0.022)) {
      auto r = Request(A::kRequestExtension, UnitUser(c().unit), Role::kUnitStaff,
                       sim_.ClockAt(c().clocks.handle, rng_.Uniform(0.4, 0.9)), Note(kExtensionNotes));
      r.extension = c().clocks.handle.working ? TimeLimit{TimeLimitKind::kWorkingDays, rng_.Int(2, 10)}
                                              : TimeLimit{TimeLimitKind::kNaturalDays, rng_.Int(1, 5)};
      if (!sim_.Do(r)) return;
      const bool grant = rng_.Chance(0.88);
      if (!sim_.Do(Request(grant ? A::kGrantExtension : A::kDenyExtension, Op(), Role::kOperator, OpDelay(90)))) return;
    }
    Resolve();
  }

  double AckFraction() {
    const double x = rng_.Uniform();
    if (x < 0.9) return rng_.Uniform(0.03, 0.6);
    if (x < 0.975) return rng_.Uniform(0.6, 1.0);
    return rng_.Uniform(1.0, 3.0);  // late
  }

  // Re-dispatch after a return: to a sibling category that routes elsewhere, else by hand to a county unit,
  // the street's center or the county's center — whichever is not the unit that returned it.
  bool Redispatch(int64_t returned_by) {
    auto r = Request(A::kDispatch, Op(), Role::kOperator, OpDelay(40));
    const std::string major = c().category.substr(0, 2);
    std::vector<std::string> siblings;
    for (const Category& cat : w_.ref().data().categories)
      if (cat.parent == major && cat.code != c().category && cat.active) siblings.push_back(cat.code);
    if (!siblings.empty() && rng_.Chance(0.5)) {
      const std::string& other = rng_.Pick(siblings);
      auto target = w_.Route(other, c().territory);
      if (target && target->unit != returned_by) {
        r.category = other;
        return sim_.Do(r);
      }
    }
    const std::string county = c().territory.substr(0, 6);
    for (int64_t unit : {w_.UnitOf(county, CountyKeyFor(c().category)),
                         w_.UnitOf(c().territory.substr(0, std::min<size_t>(9, c().territory.size())), "center"),
                         w_.UnitOf(county, "center")})
      if (unit && unit != returned_by) return sim_.Do(r, unit);
    return sim_.Do(r);
  }

  void Resolve() {
    // How much of the handle budget the unit uses: mostly well within it, a few % late, a tail of hard cases
    // that take months.
    const double x = rng_.Uniform();
    double f = x < 0.62    ? rng_.Uniform(0.05, 0.6)
               : x < 0.925 ? rng_.Uniform(0.6, 0.95)
               : x < 0.96  ? rng_.Uniform(0.95, 1.0)
               : x < 0.984 ? rng_.Uniform(1.0, 2.0)
                           : rng_.Uniform(4.0, 100.0);
    if (c().reworks > 0) f = std::min(f, rng_.Uniform(0.1, 0.7));
    const PhaseClock handle = c().clocks.handle;
    if (f > 0.9 && rng_.Chance(0.5) &&
        !sim_.Do(Request(A::kUrge, Op(), Role::kOperator, sim_.ClockAt(handle, rng_.Uniform(0.8, std::min(f, 1.0))),
                         Note(kUrgeNotes))))
      return;
    if (f > 1.5 && rng_.Chance(0.4) &&
        !sim_.Do(Request(A::kSupervise, "leader-" + c().territory.substr(0, 6), Role::kLeader,
                         sim_.ClockAt(handle, rng_.Uniform(1.05, f)), Note(kSuperviseNotes))))
      return;
    if (!sim_.Do(Request(A::kResolve, UnitUser(c().unit), Role::kUnitStaff, sim_.ClockAt(handle, f),
                         ResolveNote(c().category, Turn()))))
      return;
    Verify();
  }

  void Verify() {
    const Timestamp at =
        sim_.ClockAt(c().clocks.verify, rng_.Chance(0.93) ? rng_.Uniform(0.05, 0.9) : rng_.Uniform(0.9, 2));
    const std::string verifier = Verifier();
    const Role role = verifier.rfind("gw-", 0) == 0 ? Role::kGridWorker : Role::kOperator;
    if (c().reworks == 0 && rng_.Chance(0.02)) {
      if (!sim_.Do(Request(A::kVerifyFail, verifier, role, at, Note(kVerifyFailNotes)))) return;
      Resolve();
      return;
    }
    if (!sim_.Do(Request(A::kVerifyPass, verifier, role, at))) return;
    Callback();
  }

  void Callback() {
    // 回访: only a reporter with a phone can be called back, and not every call gets through.
    if (!c().reporter_phone.empty() && rng_.Chance(0.93)) {
      auto r = Request(A::kCallback, Op(), Role::kOperator, sim_.Work(sim_.now(), rng_.LogNormal(240, 0.8)));
      const double x = rng_.Uniform();
      const bool late = c().overdue || c().reopens > 0;
      const double unsatisfied = late ? 0.2 : 0.11, basic = late ? 0.3 : 0.15;
      r.evaluation = x < unsatisfied           ? Evaluation::kUnsatisfied
                     : x < unsatisfied + basic ? Evaluation::kBasicallySatisfied
                                               : Evaluation::kSatisfied;
      r.note = r.evaluation == Evaluation::kUnsatisfied ? "回访不满意：问题未彻底解决" : "电话回访，市民认可处理结果";
      if (!sim_.Do(r)) return;
      if (r.evaluation == Evaluation::kUnsatisfied && c().reopens == 0 && c().unit != 0 && rng_.Chance(0.5)) {
        if (!sim_.Do(Request(A::kReopen, Op(), Role::kOperator, OpDelay(60), "群众不满意，重新派单办理"))) return;
        Handle();
        return;
      }
    }
    auto close = Request(A::kClose, Op(), Role::kOperator, OpDelay(60));
    if (c().evaluation == Evaluation::kUnsatisfied) close.note = "已向市民解释说明，按程序结案";
    sim_.Do(close);
  }

  World& w_;
  const Intake& in_;
  Rng rng_;
  CaseSim sim_;
};

}  // namespace

Result<Simulated> RunCase(World& world, const Intake& in) { return Lifecycle(world, in).Run(); }

}  // namespace civicgrid::demo::history
