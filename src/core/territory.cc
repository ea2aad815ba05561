#include "core/territory.h"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace civicgrid {
namespace {

constexpr std::array<int, 6> kLengths = {2, 4, 6, 9, 12, 15};
constexpr std::array<std::string_view, 6> kNames = {"province", "city",      "county",
                                                    "street",   "community", "grid"};

}  // namespace

std::string_view LevelName(Level level) { return kNames[static_cast<int>(level) - 1]; }

std::optional<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Level>(i + 1);
  return std::nullopt;
}

int CodeLength(Level level) { return kLengths[static_cast<int>(level) - 1]; }

std::optional<Level> LevelOfLength(size_t length) {
  for (size_t i = 0; i < kLengths.size(); ++i)
    if (static_cast<size_t>(kLengths[i]) == length) return static_cast<Level>(i + 1);
  return std::nullopt;
}

Result<Level> ValidateCode(std::string_view code, std::string_view field) {
  std::string f(field);
  if (code.empty()) return Error::InvalidArgument("code is empty", f);
  for (char c : code)
    if (c < '0' || c > '9')
      return Error::InvalidArgument("code '" + std::string(code) + "' has a character that is not a digit", f);
  auto level = LevelOfLength(code.size());
  if (!level)
    return Error::InvalidArgument("code '" + std::string(code) + "' has " + std::to_string(code.size()) +
                                      " digits; a division code has 2, 4, 6, 9, 12 or 15",
                                  f);
  int start = 0;
  for (int i = 0; i < static_cast<int>(*level); ++i) {
    int end = kLengths[i];
    std::string_view seg = code.substr(start, end - start);
    if (std::all_of(seg.begin(), seg.end(), [](char c) { return c == '0'; }))
      return Error::InvalidArgument("code '" + std::string(code) + "' has an all-zero " +
                                        std::string(kNames[i]) + " segment",
                                    f);
    start = end;
  }
  return *level;
}

std::optional<std::string> ParentCode(std::string_view code) {
  auto level = LevelOfLength(code.size());
  if (!level || *level == Level::kProvince) return std::nullopt;
  return std::string(code.substr(0, kLengths[static_cast<int>(*level) - 2]));
}

bool IsUnder(std::string_view code, std::string_view ancestor) {
  return code.size() >= ancestor.size() && code.substr(0, ancestor.size()) == ancestor;
}

StreetKind StreetKindOf(std::string_view street_code) {
  if (street_code.size() != 9) return StreetKind::kOther;
  int seg = (street_code[6] - '0') * 100 + (street_code[7] - '0') * 10 + (street_code[8] - '0');
  if (seg >= 1 && seg <= 99) return StreetKind::kSubdistrict;
  if (seg >= 100 && seg <= 199) return StreetKind::kTown;
  if (seg >= 200 && seg <= 399) return StreetKind::kTownship;
  return StreetKind::kOther;
}

Result<std::string> GridCode(std::string_view community_code, int sequence) {
  auto level = ValidateCode(community_code, "community");
  if (!level) return level.error();
  if (*level != Level::kCommunity)
    return Error::InvalidArgument("'" + std::string(community_code) + "' is not a community code (12 digits)",
                                  "community");
  if (sequence < 1 || sequence > 999)
    return Error::InvalidArgument("grid sequence " + std::to_string(sequence) + " is outside 1..999", "sequence");
  char buf[4];
  buf[0] = static_cast<char>('0' + sequence / 100);
  buf[1] = static_cast<char>('0' + sequence / 10 % 10);
  buf[2] = static_cast<char>('0' + sequence % 10);
  buf[3] = 0;
  return std::string(community_code) + buf;
}

std::string_view GridKindName(GridKind kind) { return kind == GridKind::kBasic ? "basic" : "dedicated"; }

std::optional<GridKind> ParseGridKind(std::string_view name) {
  if (name == "basic") return GridKind::kBasic;
  if (name == "dedicated") return GridKind::kDedicated;
  return std::nullopt;
}

Result<void> ValidateTree(const std::vector<Division>& divisions, const std::vector<std::string>& existing) {
  std::unordered_set<std::string> known(existing.begin(), existing.end());
  std::unordered_set<std::string> seen;
  for (const auto& d : divisions) {
    if (!seen.insert(d.code).second)
      return Error::InvalidArgument("duplicate division code '" + d.code + "'", "code");
  }
  for (size_t i = 0; i < divisions.size(); ++i) {
    const auto& d = divisions[i];
    std::string where = "division " + std::to_string(i) + " (" + d.code + "): ";
    auto level = ValidateCode(d.code);
    if (!level) return Error::InvalidArgument(where + level.error().message, "code");
    if (*level != d.level)
      return Error::InvalidArgument(where + "level '" + std::string(LevelName(d.level)) +
                                        "' does not match a code of " + std::to_string(d.code.size()) + " digits",
                                    "level");
    if (d.name.empty()) return Error::InvalidArgument(where + "name is empty", "name");
    auto parent = ParentCode(d.code);
    std::string want = parent.value_or("");
    if (d.parent != want)
      return Error::InvalidArgument(where + "parent '" + d.parent + "' is not the code's prefix '" + want + "'",
                                    "parent");
    if (parent && !seen.count(*parent) && !known.count(*parent))
      return Error::InvalidArgument(where + "parent '" + *parent + "' does not exist", "parent");
  }
  return {};
}

}  // namespace civicgrid
