// Territory: administrative divisions from province down to grid, and their codes.
//
// Levels and code lengths (DOMAIN.md §3): province 2, city 4, county 6, street 9, community 12,
// grid 15 digits. A child's code extends its parent's code. The grid code is the 数字城管 unit-grid
// code: county(6) + street(3) + community(3) + grid sequence(3). Everything here is pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace civicgrid {

// The six levels of the territory tree, top to bottom.
enum class Level { kProvince = 1, kCity = 2, kCounty = 3, kStreet = 4, kCommunity = 5, kGrid = 6 };

// "province", "city", "county", "street", "community", "grid".
std::string_view LevelName(Level level);

// Parses a level name as LevelName() writes it.
std::optional<Level> ParseLevel(std::string_view name);

// Number of digits of a code at `level` (2, 4, 6, 9, 12, 15).
int CodeLength(Level level);

// The level whose codes have `length` digits, if any.
std::optional<Level> LevelOfLength(size_t length);

// Checks that `code` is a well-formed division code of some level: only ASCII digits, a valid length,
// and no all-zero segment (a segment is the part added at one level). Answers the level, or an error
// naming `field` that says precisely what is wrong.
Result<Level> ValidateCode(std::string_view code, std::string_view field = "code");

// The parent's code (the code cut to the previous level's length); none for a province.
std::optional<std::string> ParentCode(std::string_view code);

// True if `code` lies in the subtree rooted at `ancestor` (a code is under itself).
bool IsUnder(std::string_view code, std::string_view ancestor);

// The kind of a street-level division by its 3-digit segment: 001–099 街道 (urban sub-district),
// 100–199 镇 (town), 200–399 乡 (township); anything else "other" (e.g. development-zone offices).
enum class StreetKind { kSubdistrict, kTown, kTownship, kOther };
StreetKind StreetKindOf(std::string_view street_code);

// Composes a grid code from its community code and 1-based sequence (1..999).
Result<std::string> GridCode(std::string_view community_code, int sequence);

// Dedicated grids (专属网格) cover one site such as a school, park or hospital; basic grids tile the
// community's territory.
enum class GridKind { kBasic, kDedicated };
std::string_view GridKindName(GridKind kind);              // "basic" / "dedicated"
std::optional<GridKind> ParseGridKind(std::string_view name);

// One node of the territory tree. Grids are divisions too (level kGrid); their shapes live in geo/.
struct Division {
  std::string code;
  std::string name;
  Level level = Level::kProvince;
  std::string parent;  // empty for a province
};

// Checks that a set of divisions forms a tree: every code valid, unique, and every parent present
// (parents may also be in `existing`, the codes already known). Answers the first problem found, with
// the index of the offending entry in the message.
Result<void> ValidateTree(const std::vector<Division>& divisions,
                          const std::vector<std::string>& existing = {});

}  // namespace civicgrid
