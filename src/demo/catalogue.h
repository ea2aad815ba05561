// The demo catalogue: categories (大类/小类), units and routing rules, read from data/catalogue/.
//
// categories.tsv is the category tree itself; the optional category_details.tsv adds descriptions and
// keywords, and the optional category_attributes.tsv the extra questions some categories ask (one line
// per question, numbered in file order). units.tsv and rules.tsv are templates applied to the
// territory: a unit template (level, kind, name pattern, key) yields one unit per division of its level,
// named by replacing {name} with the division's name; a rule template (category, unit key, level,
// co-unit keys, note) yields one rule per division of its level, whose territory is that division and
// whose units are the units of those keys in that same division. The files are UTF-8, tab-separated,
// with one header line naming the columns; blank lines and lines starting with '#' are ignored.
// Same files and divisions → same categories, units, rules and ids.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/case.h"
#include "core/result.h"
#include "core/territory.h"

namespace civicgrid::demo {

struct CatalogueOptions {
  // Instantiate the community-level unit templates (one unit per community) and the rules that use them.
  // Off, those rules are left out and their cases route as if they did not exist.
  bool community_units = true;
};

// The loaded catalogue.
struct Catalogue {
  std::vector<Category> categories;  // in file order (majors and minors as listed)
  // Ids 1, 2, … in division code order, then template order; calendar empty (the default calendar).
  std::vector<Unit> units;
  // Ids 1, 2, … in division code order, then template order.
  std::vector<RoutingRule> rules;
  // (division code, template key) → unit id, for every instantiated unit.
  std::map<std::pair<std::string, std::string>, int64_t> unit_ids;

  // The id of the unit of template `key` in `division` (e.g. "371302", "heating"); 0 if none.
  int64_t UnitId(std::string_view division, std::string_view key) const;
};

// Reads `dir`/categories.tsv, units.tsv and rules.tsv (and category_details.tsv and
// category_attributes.tsv where they exist) and instantiates the templates for `divisions`
// (only divisions of county, street and community level are used; with no divisions, the result holds
// the categories only). Every category, unit and rule is checked with ValidateCategory, ValidateUnit and
// ValidateRoutingRule; besides, category codes are unique, every minor's parent exists, details and
// attributes name existing categories (details at most once each), template keys are
// unique per level, every rule names an existing category and existing keys of its own level, and no two
// rule templates share category and level. Errors are invalid_argument with a message
// "<path> line <n>: …" (the field is the offending column), or naming the file alone when it cannot be read.
Result<Catalogue> LoadCatalogue(const std::string& dir, const std::vector<Division>& divisions,
                                const CatalogueOptions& options = {});

}  // namespace civicgrid::demo
