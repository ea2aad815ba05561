#include "core/open311.h"

#include <algorithm>
#include <map>

namespace civicgrid {

std::string_view ExtendedStatusName(ExtendedStatus status) {
  switch (status) {
    case ExtendedStatus::kOpen: return "OPEN";
    case ExtendedStatus::kInvestigating: return "INVESTIGATING";
    case ExtendedStatus::kActionScheduled: return "ACTION_SCHEDULED";
    case ExtendedStatus::kInProgress: return "IN_PROGRESS";
    case ExtendedStatus::kInternalReferral: return "INTERNAL_REFERRAL";
    case ExtendedStatus::kNoFurtherAction: return "NO_FURTHER_ACTION";
    case ExtendedStatus::kFixed: return "FIXED";
    case ExtendedStatus::kClosed: return "CLOSED";
    case ExtendedStatus::kDuplicate: return "DUPLICATE";
    case ExtendedStatus::kNotCouncilsResponsibility: return "NOT_COUNCILS_RESPONSIBILITY";
  }
  return "OPEN";
}

ExtendedStatus ExtendedStatusOf(CaseStatus status) {
  using S = CaseStatus;
  switch (status) {
    case S::kReported: return ExtendedStatus::kOpen;
    case S::kAccepted:
    case S::kReturned: return ExtendedStatus::kInvestigating;
    case S::kDispatched: return ExtendedStatus::kActionScheduled;
    // 挂账: the work is parked (policy, funds or history stand in the way) and its clock stopped; the
    // case stays open and goes back to where it was when resumed.
    case S::kSuspended: return ExtendedStatus::kNoFurtherAction;
    case S::kAcknowledged: return ExtendedStatus::kInProgress;
    case S::kEscalated: return ExtendedStatus::kInternalReferral;
    case S::kResolved:
    case S::kVerified:
    case S::kEvaluated: return ExtendedStatus::kFixed;
    case S::kClosed: return ExtendedStatus::kClosed;
    case S::kMerged: return ExtendedStatus::kDuplicate;
    case S::kRejected: return ExtendedStatus::kNotCouncilsResponsibility;
  }
  return ExtendedStatus::kOpen;
}

std::string_view Open311StatusOf(CaseStatus status) { return IsTerminal(status) ? "closed" : "open"; }

std::vector<CaseStatus> CaseStatusesWithOpen311Status(bool closed) {
  std::vector<CaseStatus> out;
  for (int i = 0; i < kCaseStatusCount; ++i) {
    const auto s = static_cast<CaseStatus>(i);
    if (IsTerminal(s) == closed) out.push_back(s);
  }
  return out;
}

std::vector<Open311Service> ServicesOf(const std::vector<Category>& categories) {
  std::map<std::string_view, const Category*> by_code;
  for (const Category& c : categories) by_code[c.code] = &c;
  std::map<std::string_view, bool> major_has_minor;
  for (const auto& [code, c] : by_code) {
    if (c->parent.empty() || !c->active) continue;
    auto major = by_code.find(c->parent);
    if (major != by_code.end() && major->second->active) major_has_minor[c->parent] = true;
  }
  std::vector<Open311Service> out;
  for (const auto& [code, c] : by_code) {
    if (!c->active) continue;
    if (c->parent.empty()) {
      if (!major_has_minor.count(code)) out.push_back({c, c->name});
      continue;
    }
    auto major = by_code.find(c->parent);
    if (major == by_code.end() || !major->second->active) continue;
    out.push_back({c, major->second->name});
  }
  return out;
}

std::optional<Open311Service> FindService(const std::vector<Category>& categories, std::string_view code) {
  for (auto& s : ServicesOf(categories))
    if (s.category->code == code) return s;
  return std::nullopt;
}

std::string ServiceNotice(const Category& category) {
  const std::string n = std::to_string(category.handle.amount);
  switch (category.handle.kind) {
    case TimeLimitKind::kUrgentHours: return "紧急事项，受理后" + n + "小时内处置";
    case TimeLimitKind::kWorkingHours: return "受理后" + n + "个工作小时内办理";
    case TimeLimitKind::kWorkingDays: return "受理后" + n + "个工作日内办理";
    case TimeLimitKind::kNaturalDays: return "受理后" + n + "个自然日内办理";
  }
  return "";
}

bool IsOpen311Update(const CaseEvent& e) { return e.action == Action::kReport || e.from != e.to; }

std::string UpdateDescription(const CaseEvent& e, std::string_view unit_name, int64_t duplicate_of) {
  const std::string unit = unit_name.empty() ? std::string("承办单位") : std::string(unit_name);
  switch (e.action) {
    case Action::kReport: return "诉求已上报，等待指挥中心受理";
    case Action::kAccept: return "指挥中心已受理";
    case Action::kReject: return "不予受理：不属于本平台受理范围";
    case Action::kMerge:
      return duplicate_of ? "与诉求 " + std::to_string(duplicate_of) + " 重复，已合并办理" : "与已有诉求重复，已合并办理";
    case Action::kClassify: return "已分类";
    case Action::kDispatch: return "已派遣至" + unit;
    case Action::kAcknowledge: return unit + "已签收，正在办理";
    case Action::kReturn: return "承办单位退回，指挥中心重新派遣";
    case Action::kGrantExtension: return "办理时限已延长";
    case Action::kSuspend: return "暂缓办理（挂账）";
    case Action::kResume: return "恢复办理";
    case Action::kEscalate: return "已上报上级指挥中心协调";
    case Action::kSelfHandle: return "网格员已现场处置";
    case Action::kResolve: return unit + "已办结，等待核查";
    case Action::kVerifyPass: return "现场核查通过，等待回访";
    case Action::kVerifyFail: return "现场核查未通过，重新办理";
    case Action::kCallback: return "已回访";
    case Action::kReopen: return "回访不满意，重新办理";
    case Action::kClose: return "已结案";
    default: return "办理状态已更新";
  }
}

std::string StatusNote(const Case& c, std::string_view agency) {
  const std::string who = agency.empty() ? std::string("承办单位") : std::string(agency);
  switch (c.status) {
    case CaseStatus::kReported: return "等待指挥中心受理";
    case CaseStatus::kAccepted: return "已受理，等待派遣";
    case CaseStatus::kDispatched: return "已派遣至" + who + "，等待签收";
    case CaseStatus::kAcknowledged: return who + "正在办理";
    case CaseStatus::kReturned: return "承办单位退回，等待重新派遣";
    case CaseStatus::kEscalated: return "已上报上级指挥中心协调";
    case CaseStatus::kSuspended: return "暂缓办理（挂账）";
    case CaseStatus::kResolved: return who + "已办结，等待核查";
    case CaseStatus::kVerified: return "现场核查通过，等待回访";
    case CaseStatus::kEvaluated: return "已回访，等待结案";
    case CaseStatus::kClosed: return "已结案";
    case CaseStatus::kRejected: return "不予受理：不属于本平台受理范围";
    case CaseStatus::kMerged:
      return c.duplicate_of ? "与诉求 " + std::to_string(c.duplicate_of) + " 重复，已合并办理" : "与已有诉求重复，已合并办理";
  }
  return "";
}

Result<TimeWindow> Open311Window(std::optional<Timestamp> start, std::optional<Timestamp> end, Timestamp now,
                                 int64_t span, int64_t max_span) {
  TimeWindow w;
  if (start && end) {
    if (*end < *start) return Error::InvalidArgument("end_date is before start_date", "end_date");
    if (*end - *start > max_span)
      return Error::InvalidArgument("start_date and end_date are more than " + std::to_string(max_span / 86400) +
                                        " days apart",
                                    "end_date");
    w = {*start, *end + 1};
  } else if (start) {
    w = {*start, *start + span + 1};
  } else if (end) {
    w = {*end - span, *end + 1};
  } else {
    w = {now - span, now + 1};
  }
  return w;
}

}  // namespace civicgrid
