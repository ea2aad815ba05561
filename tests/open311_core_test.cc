// Open311 in the platform's terms (core/open311.h): statuses, services, generated texts and list windows.
#include "core/open311.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace civicgrid {
namespace {

Category Make(std::string code, std::string name, std::string parent, bool active = true) {
  Category c;
  c.code = std::move(code);
  c.name = std::move(name);
  c.parent = std::move(parent);
  c.active = active;
  return c;
}

TEST(Open311Status, OnlyClosedRejectedAndMergedAreClosed) {
  for (int i = 0; i < kCaseStatusCount; ++i) {
    const auto s = static_cast<CaseStatus>(i);
    const bool closed = s == CaseStatus::kClosed || s == CaseStatus::kRejected || s == CaseStatus::kMerged;
    EXPECT_EQ(Open311StatusOf(s), closed ? "closed" : "open") << CaseStatusName(s);
  }
}

TEST(Open311Status, StatusListsPartitionTheStates) {
  auto open = CaseStatusesWithOpen311Status(false);
  auto closed = CaseStatusesWithOpen311Status(true);
  EXPECT_EQ(open.size() + closed.size(), static_cast<size_t>(kCaseStatusCount));
  EXPECT_EQ(closed, (std::vector<CaseStatus>{CaseStatus::kClosed, CaseStatus::kRejected, CaseStatus::kMerged}));
  for (CaseStatus s : open) EXPECT_EQ(Open311StatusOf(s), "open");
}

TEST(Open311Status, ExtendedStatusesFollowTheWorkflow) {
  using S = CaseStatus;
  const std::vector<std::pair<S, std::string>> table = {
      {S::kReported, "OPEN"},          {S::kAccepted, "INVESTIGATING"},   {S::kReturned, "INVESTIGATING"},
      {S::kDispatched, "ACTION_SCHEDULED"}, {S::kSuspended, "NO_FURTHER_ACTION"}, {S::kAcknowledged, "IN_PROGRESS"},
      {S::kEscalated, "INTERNAL_REFERRAL"}, {S::kResolved, "FIXED"},       {S::kVerified, "FIXED"},
      {S::kEvaluated, "FIXED"},        {S::kClosed, "CLOSED"},            {S::kMerged, "DUPLICATE"},
      {S::kRejected, "NOT_COUNCILS_RESPONSIBILITY"}};
  EXPECT_EQ(table.size(), static_cast<size_t>(kCaseStatusCount));
  for (const auto& [s, name] : table) EXPECT_EQ(ExtendedStatusName(ExtendedStatusOf(s)), name) << CaseStatusName(s);
}

TEST(Open311Services, MinorsUnderActiveMajorsAndLoneMajors) {
  const std::vector<Category> cats = {
      Make("01", "供热", ""),           Make("0101", "暖气不热", "01"), Make("0102", "停暖", "01", false),
      Make("02", "环境卫生", ""),       // no minor: a service itself
      Make("03", "市政设施", "", false), Make("0301", "路灯不亮", "03"),  // major inactive: minor hidden
      Make("04", "园林绿化", ""),       Make("0401", "树木倒伏", "04", false)};  // only inactive minors
  std::vector<std::string> codes;
  std::vector<std::string> groups;
  for (const auto& s : ServicesOf(cats)) {
    codes.push_back(s.category->code);
    groups.push_back(s.group);
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"0101", "02", "04"}));
  EXPECT_EQ(groups, (std::vector<std::string>{"供热", "环境卫生", "园林绿化"}));
  EXPECT_TRUE(FindService(cats, "0101"));
  EXPECT_FALSE(FindService(cats, "01"));
  EXPECT_FALSE(FindService(cats, "0102"));
  EXPECT_FALSE(FindService(cats, "0301"));
  EXPECT_FALSE(FindService(cats, "99"));
}

TEST(Open311Texts, ServiceNoticeNamesTheHandlingLimit) {
  Category c = Make("0101", "暖气不热", "01");
  c.handle = {TimeLimitKind::kWorkingDays, 5};
  EXPECT_EQ(ServiceNotice(c), "受理后5个工作日内办理");
  c.handle = {TimeLimitKind::kNaturalDays, 3};
  EXPECT_EQ(ServiceNotice(c), "受理后3个自然日内办理");
  c.handle = {TimeLimitKind::kUrgentHours, 24};
  EXPECT_EQ(ServiceNotice(c), "紧急事项，受理后24小时内处置");
}

TEST(Open311Texts, UpdatesAreReportsAndStateChanges) {
  CaseEvent e;
  e.action = Action::kReport;
  EXPECT_TRUE(IsOpen311Update(e));
  e.action = Action::kUrge;
  e.from = e.to = CaseStatus::kDispatched;
  EXPECT_FALSE(IsOpen311Update(e));
  e.action = Action::kAcknowledge;
  e.to = CaseStatus::kAcknowledged;
  EXPECT_TRUE(IsOpen311Update(e));
}

TEST(Open311Texts, GeneratedTextsNeverCarryTheNote) {
  CaseEvent e;
  e.note = "内部备注：联系人王某 13800001234";
  for (int i = 0; i < kActionCount; ++i) {
    e.action = static_cast<Action>(i);
    const std::string text = UpdateDescription(e, "兰山区供热公司", 7);
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find("王某"), std::string::npos);
  }
  e.action = Action::kDispatch;
  EXPECT_EQ(UpdateDescription(e, "兰山区供热公司", 0), "已派遣至兰山区供热公司");
  e.action = Action::kMerge;
  EXPECT_NE(UpdateDescription(e, "", 7).find("7"), std::string::npos);
  Case c;
  for (int i = 0; i < kCaseStatusCount; ++i) {
    c.status = static_cast<CaseStatus>(i);
    EXPECT_FALSE(StatusNote(c, "兰山区供热公司").empty()) << CaseStatusName(c.status);
  }
  c.status = CaseStatus::kAcknowledged;
  EXPECT_EQ(StatusNote(c, "兰山区供热公司"), "兰山区供热公司正在办理");
}

TEST(Open311Window, DefaultsAndLimits) {
  const Timestamp now = 1'800'000'000, day = 86400;
  auto w = Open311Window(std::nullopt, std::nullopt, now, 90 * day, 90 * day);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from, now - 90 * day);
  EXPECT_EQ(w->to, now + 1);
  w = Open311Window(now - 10 * day, std::nullopt, now, 90 * day, 90 * day);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from, now - 10 * day);
  EXPECT_EQ(w->to, now + 80 * day + 1);
  w = Open311Window(std::nullopt, now - day, now, day, 90 * day);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from, now - 2 * day);
  EXPECT_EQ(w->to, now - day + 1);  // the end is included
  EXPECT_TRUE(Open311Window(now - 90 * day, now, now, day, 90 * day).ok());
  auto wide = Open311Window(now - 90 * day - 1, now, now, day, 90 * day);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().field, "end_date");
  auto reversed = Open311Window(now, now - 1, now, day, 90 * day);
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().field, "end_date");
}

}  // namespace
}  // namespace civicgrid
