#include "intake_cases.h"

#include <array>
#include <cstdio>

#include "app/cases.h"
#include "core/workflow.h"

namespace civicgrid::bench {
namespace {

// The intake accepts points at most this far outside every grid (app/cases.cc).
constexpr double kMaxOutsideMetres = 500;

// The same mix as intake.lua: grid workers most, then the hotline.
constexpr std::array kChannels = {Channel::kGridWorker, Channel::kGridWorker, Channel::kGridWorker,
                                  Channel::kHotline,    Channel::kHotline,    Channel::kResidentApp,
                                  Channel::kOpen311,    Channel::kIot,        Channel::kDrone,
                                  Channel::kSuperior};

const char* Opener(Channel c) {
  switch (c) {
    case Channel::kGridWorker: return "网格员巡查发现：";
    case Channel::kHotline: return "市民来电反映：";
    case Channel::kResidentApp: return "居民通过小程序反映：";
    case Channel::kOpen311: return "市民通过政务平台反映：";
    case Channel::kIot: return "物联网感知设备告警：";
    case Channel::kDrone: return "无人机巡查发现：";
    case Channel::kSuperior: return "上级交办：";
  }
  return "";
}

constexpr std::array kPlaces = {"小区东门", "3号楼2单元", "菜市场北侧", "学校门口", "公交站旁", "社区广场",
                                "村委会西侧", "主干道路口", "老旧小区内", "河道沿岸", "商业街", "幼儿园附近"};
constexpr std::array kProblems = {"路灯不亮，夜间出行不便", "井盖缺失，存在安全隐患", "垃圾堆放多日未清运",
                                  "暖气不热，室温偏低",     "水管爆裂，路面积水",     "机动车乱停放，堵塞消防通道",
                                  "噪音扰民，影响休息",     "餐饮油烟直排",           "道路破损，坑洼不平",
                                  "电动车飞线充电",         "工地扬尘严重",           "楼道杂物堆放"};
constexpr std::array kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄"};

template <class T>
const T& Pick(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[rng() % v.size()];
}
template <class T, size_t N>
const T& Pick(const std::array<T, N>& v, std::mt19937_64& rng) {
  return v[rng() % N];
}

// A point near the middle of a random grid's bounding box that the intake accepts, located.
Result<app::LocateAnswer> RandomPoint(const app::TerritorySnapshot& territory, std::mt19937_64& rng) {
  const auto& grids = territory.grids().grids();
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const geo::Grid& g = Pick(grids, rng);
    const auto box = geo::bg::return_envelope<geo::Box>(g.shape);
    const double cx = (box.min_corner().x() + box.max_corner().x()) / 2;
    const double cy = (box.min_corner().y() + box.max_corner().y()) / 2;
    const geo::Point p(cx + jitter(rng) * (box.max_corner().x() - box.min_corner().x()),
                       cy + jitter(rng) * (box.max_corner().y() - box.min_corner().y()));
    auto a = app::Locate(territory, p, geo::Crs::kWgs84);
    if (!a) return a.error();
    if (a->inside || a->distance_m <= kMaxOutsideMetres) return a;
  }
  return Error::Internal("no point of 100 tried lies inside the territory");
}

}  // namespace

Result<std::vector<geo::Point>> AcceptedPoints(const app::TerritorySnapshot& territory, size_t count,
                                               std::mt19937_64& rng) {
  if (territory.grids().size() == 0) return Error::InvalidArgument("the database has no grids", "db");
  std::vector<geo::Point> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto a = RandomPoint(territory, rng);
    if (!a) return a.error();
    out.push_back(a->wgs84);
  }
  return out;
}

Result<std::vector<PreparedReport>> PrepareReports(const app::TerritorySnapshot& territory,
                                                   const app::ReferenceSnapshot& reference, size_t count,
                                                   const std::string& key_name, const std::string& key_prefix,
                                                   Timestamp at, std::mt19937_64& rng) {
  if (territory.grids().size() == 0) return Error::InvalidArgument("the database has no grids", "db");
  std::vector<const Category*> categories;
  for (const Category& c : reference.data().categories)
    if (c.active && !c.parent.empty()) categories.push_back(&c);
  if (categories.empty()) return Error::InvalidArgument("the database has no active minor category", "db");

  const std::string actor = "key:" + key_name;
  std::vector<PreparedReport> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto place = RandomPoint(territory, rng);
    if (!place) return place.error();
    const Channel channel = Pick(kChannels, rng);
    // Nine reports in ten name a category, as intake.lua sends them.
    const Category* category = rng() % 10 ? Pick(categories, rng) : nullptr;

    // The draft as CaseService::ReportAs builds it (app/cases.cc).
    Case draft;
    draft.channel = channel;
    draft.category = category ? category->code : "";
    draft.priority = Priority::kNormal;
    draft.description = std::string(Opener(channel)) + Pick(kPlaces, rng) + Pick(kProblems, rng) + "（第" +
                        std::to_string(i + 1) + "次上报）";
    draft.has_point = true;
    draft.lon = place->wgs84.x();
    draft.lat = place->wgs84.y();
    draft.grid = draft.territory = place->path.front()->code;
    if (channel == Channel::kHotline || channel == Channel::kResidentApp) {
      char phone[16];
      std::snprintf(phone, sizeof phone, "138%08u", static_cast<unsigned>(rng() % 100000000));
      draft.reporter_name = std::string(Pick(kSurnames, rng)) + "女士";
      draft.reporter_phone = phone;
    }
    draft.reporter_account = actor;
    const Unit* center = reference.routing().CenterAtOrAbove(draft.territory, Level::kStreet);
    draft.center = center ? center->id : 0;
    draft.level = channel == Channel::kGridWorker ? Level::kGrid : center ? center->level() : Level::kStreet;
    draft.tracking_code = app::NewTrackingCode();

    ActionRequest req;
    req.action = Action::kReport;
    req.actor = actor;
    req.role = Role::kSystem;  // an API key's role (app/accounts.cc)
    req.at = at;
    ActionContext ctx;
    ctx.calendar = &reference.CalendarOf("");
    ctx.category = category;
    auto outcome = Report(draft, req, ctx);
    if (!outcome) return outcome.error();
    out.push_back(PreparedReport{std::move(outcome->after), std::move(outcome->event), key_prefix + std::to_string(i)});
  }
  return out;
}

}  // namespace civicgrid::bench
