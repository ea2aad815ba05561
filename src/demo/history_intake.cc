#include "demo/history_intake.h"

#include <chrono>
#include <cmath>
#include <string_view>

namespace civicgrid::demo::history {
namespace {

using A = Action;

}  // namespace

Intake Reporter::Make(const Planned& p, int64_t id) {
  Rng rng(p.seed);
  const County& county = counties_[p.county];
  Intake in;
  in.seed = Mix(p.seed, 0x51u);
  Case& d = in.draft;
  d.id = id;
  d.channel = p.channel;
  d.tracking_code = TrackingCode(rng);

  // A duplicate: another report of a matter reported in the last two days nearby.
  const Recent* original = nullptr;
  auto& recent = recent_[p.county];
  if (!recent.empty() && rng.Chance(0.016)) {
    const Recent& r = recent[rng.Next() % recent.size()];
    if (p.at - r.at < 2 * 86400) original = &r;
  }
  const GridRef& g = original ? *original->grid : county.grids[rng.Next() % county.grids.size()];
  const Kind* kind = original ? KindOf(original->category) : ChooseKind(rng, p.channel, g, p.at);
  if (!kind) kind = kinds_.front();
  in.category = kind->code;
  std::string place = original ? original->place : Place(rng, g.community->name, g.rural);

  // Where: a point in the grid (phones, drones, sensors, the operator's map), else the address alone.
  const bool address_only = (p.channel == Channel::kHotline && rng.Chance(0.6)) || p.channel == Channel::kSuperior;
  if (!address_only) {
    if (original && original->has_point) {
      d.has_point = true;
      d.lon = original->lon + rng.Uniform(-2e-4, 2e-4);
      d.lat = original->lat + rng.Uniform(-2e-4, 2e-4);
      if (const geo::Grid* found = index_.Find(geo::Point(d.lon, d.lat))) {
        d.grid = found->code;
      } else {
        d.lon = original->lon;
        d.lat = original->lat;
        d.grid = original->grid->grid->code;
      }
    } else if (auto pt = PointIn(rng, g)) {
      d.has_point = true;
      d.lon = pt->x();
      d.lat = pt->y();
      d.grid = g.grid->code;
    }
  }
  d.territory = d.grid.empty() ? g.community->code : d.grid;
  d.address = county.division->name + g.street->name + place;
  d.description = Describe(rng, *kind, p.channel, place, g.community->name);

  // Who: reporters (personal data) only where a person calls or writes in.
  switch (p.channel) {
    case Channel::kHotline:
      if (rng.Chance(0.85)) d.reporter_name = Name(rng);
      d.reporter_phone = Phone(rng);
      break;
    case Channel::kResidentApp:
      if (rng.Chance(0.6)) d.reporter_name = Name(rng);
      if (rng.Chance(0.9)) d.reporter_phone = Phone(rng);
      break;
    case Channel::kOpen311:
      if (rng.Chance(0.4)) d.reporter_name = Name(rng);
      if (rng.Chance(0.5)) d.reporter_phone = Phone(rng);
      break;
    default: break;
  }

  // The category as reported: grid workers, drones and sensors classify; residents pick one (sometimes the
  // wrong one); the hotline operator registers half of the calls with a category; superiors never.
  const Unit* center = w_.ref().routing().CenterAtOrAbove(d.territory, Level::kStreet);
  d.center = center ? center->id : 0;
  d.level = p.channel == Channel::kGridWorker && !d.grid.empty() ? Level::kGrid
            : center                                             ? center->level()
                                                                 : Level::kStreet;
  switch (p.channel) {
    case Channel::kHotline: in.classify = rng.Chance(0.5); break;
    case Channel::kSuperior: in.classify = true; break;
    case Channel::kResidentApp:
    case Channel::kOpen311:
      if (rng.Chance(0.06)) {
        std::vector<std::string> siblings;
        for (const Kind* k : kinds_)
          if (std::string_view(k->code).substr(0, 2) == std::string_view(kind->code).substr(0, 2) && k != kind)
            siblings.push_back(k->code);
        if (!siblings.empty()) {
          d.category = rng.Pick(siblings);
          in.classify = true;
        }
      }
      break;
    default: break;
  }
  if (!in.classify && d.category.empty()) d.category = in.category;

  in.report.action = A::kReport;
  in.report.at = p.at;
  switch (p.channel) {
    case Channel::kGridWorker:
      in.report.actor = "gw-" + (d.grid.empty() ? g.grid->code : d.grid);
      in.report.role = Role::kGridWorker;
      break;
    case Channel::kHotline:
      in.report.actor = OperatorOf(d.center, rng.Next());
      in.report.role = Role::kOperator;
      break;
    case Channel::kResidentApp:
      in.report.actor = "resident-" + std::to_string(100000 + rng.Next() % 900000);
      in.report.role = Role::kResident;
      break;
    case Channel::kOpen311:
      in.report.actor = "anonymous";
      in.report.role = Role::kResident;
      break;
    case Channel::kDrone:
      in.report.actor = "drone-" + county.division->code + "-" + std::to_string(rng.Int(1, 8));
      in.report.role = Role::kSystem;
      break;
    case Channel::kIot:
      in.report.actor = "iot-" + std::string(kind->code) + "-" + std::to_string(1000 + rng.Next() % 9000);
      in.report.role = Role::kSystem;
      break;
    case Channel::kSuperior:
      in.report.actor = "leader-" + county.division->code.substr(0, 4);
      in.report.role = Role::kLeader;
      break;
  }

  // What the center does first: merge a duplicate, reject a few, or (grid workers) 能办即办.
  if (original) {
    in.duplicate_of = original->id;
  } else if (rng.Chance(p.channel == Channel::kHotline || p.channel == Channel::kOpen311 ? 0.016 : 0.005)) {
    in.reject = true;
  } else if (p.channel == Channel::kGridWorker && kind->small && !d.grid.empty() && rng.Chance(0.34)) {
    in.self_handle = true;
  }
  if (!original && !in.reject) {
    recent.push_back({id, p.at, in.category, &g, d.has_point, d.lon, d.lat, place});
    if (recent.size() > 64) recent.erase(recent.begin());
  }
  return in;
}

const Kind* Reporter::KindOf(const std::string& code) const {
  for (const Kind* k : kinds_)
    if (code == k->code) return k;
  return nullptr;
}

const Kind* Reporter::ChooseKind(Rng& rng, Channel channel, const GridRef& g, Timestamp at) {
  const unsigned month = MonthOf(at);
  std::vector<double> weights(kinds_.size());
  for (size_t i = 0; i < kinds_.size(); ++i) {
    const Kind& k = *kinds_[i];
    double w = 0;
    switch (channel) {
      case Channel::kGridWorker:
      case Channel::kSuperior: w = k.patrol + (channel == Channel::kSuperior ? k.citizen : 0); break;
      case Channel::kDrone: w = k.drone; break;
      case Channel::kIot: w = k.iot; break;
      default: w = k.citizen; break;
    }
    w *= SeasonFactor(k.season, month);
    if (k.area == Area::kUrban && g.rural) w *= 0.15;
    if (k.area == Area::kRural && !g.rural) w *= 0.1;
    weights[i] = w;
  }
  return kinds_[rng.Weighted(weights)];
}

unsigned Reporter::MonthOf(Timestamp at) const {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{w_.cal().LocalDay(at)}}};
  return static_cast<unsigned>(ymd.month());
}

std::optional<geo::Point> Reporter::PointIn(Rng& rng, const GridRef& g) const {
  for (int i = 0; i < 40; ++i) {
    const double lon = std::round(rng.Uniform(g.box.min_corner().x(), g.box.max_corner().x()) * 1e6) / 1e6;
    const double lat = std::round(rng.Uniform(g.box.min_corner().y(), g.box.max_corner().y()) * 1e6) / 1e6;
    const geo::Point p(lon, lat);
    if (index_.Find(p) == g.grid) return p;
  }
  geo::Point c;
  geo::bg::centroid(g.grid->shape, c);
  if (index_.Find(c) == g.grid) return c;
  return std::nullopt;
}

}  // namespace civicgrid::demo::history
