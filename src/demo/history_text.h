// What people report and how it reads: the categories' report rates, seasons and description templates,
// place names, reporters' names and phones, tracking codes. Every function draws from the Rng it is given,
// in a fixed order, so the text of a case depends on its seed only.
#pragma once

#include <string>
#include <vector>

#include "core/case.h"
#include "demo/history_random.h"

namespace civicgrid::demo::history {

// What people report: per minor category, how often grid workers (patrol) and residents (citizen) report
// it, when (season) and where (town or city), and description templates. Placeholders: {p} a place in
// the community, {r} {r2} roads, {n} a number, {d} days, {t} a temperature, {f} a floor, {h} an hour,
// {x} a cause.

// When a kind of matter is reported more or less often (see SeasonFactor).
enum class Season { kAll, kHeating, kHeatingFees, kRain, kSummer, kHarvest, kSpring, kSchool, kDark };
// Where a kind of matter is reported: anywhere, mostly in towns and cities, mostly in villages.
enum class Area { kAny, kUrban, kRural };

// A minor category as reported: relative rates by channel (patrol, citizen, drone, iot), season, area,
// and description templates.
struct Kind {
  const char* code;
  double patrol, citizen, drone, iot;
  Season season;
  Area area;
  bool small;  // a grid worker may handle it on the spot (能办即办)
  std::vector<const char*> texts;
};

// One Kind per minor category the generator reports, in a fixed order.
const std::vector<Kind>& Kinds();

// The relative frequency of `season` in `month` (1–12).
double SeasonFactor(Season season, unsigned month);

// A place in `community`: a direction in a village (`rural`), else a building, estate or street number.
std::string Place(Rng& rng, const std::string& community, bool rural);

// A description from one of `kind`'s templates, with `place`, roads near `community` and numbers filled in,
// prefixed by how `channel` reports.
std::string Describe(Rng& rng, const Kind& kind, Channel channel, const std::string& place,
                     const std::string& community);

// A reporter's name: a surname and 先生 or 女士.
std::string Name(Rng& rng);

// A masked mobile number: a real prefix, "****" and four digits.
std::string Phone(Rng& rng);

// The format of app::NewTrackingCode (12 Crockford base32 characters in groups of four), drawn from the
// seed so that the demo is reproducible.
std::string TrackingCode(Rng& rng);

}  // namespace civicgrid::demo::history
