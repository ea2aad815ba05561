#include "demo/catalogue.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace civicgrid::demo {
namespace {

// One data line: its cells and where it came from.
struct Row {
  int line = 0;
  std::vector<std::string> cells;
};

// A table file: the path (for messages) and its data rows (header checked and dropped).
struct Table {
  std::string path;
  std::vector<Row> rows;

  Error Fail(const Row& row, const std::string& message, const std::string& field = {}) const {
    return Error::InvalidArgument(path + " line " + std::to_string(row.line) + ": " + message, field);
  }
  Error Fail(const Row& row, const Error& cause) const {
    return Fail(row, cause.message + (cause.field.empty() ? "" : " (" + cause.field + ")"), cause.field);
  }
};

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(Trim(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

// Reads a table whose header must be `columns`; rows may omit the last `optional` columns.
Result<Table> ReadTable(const std::string& path, const std::vector<std::string>& columns, size_t optional = 0) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::InvalidArgument("cannot read '" + path + "'", "dir");
  Table table{path, {}};
  std::string line;
  bool header = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a UTF-8 byte order mark
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    Row row{n, SplitTabs(line)};
    if (!header) {
      if (row.cells != columns)
        return table.Fail(row, "the header must be '" + Join(columns, "<TAB>") + "', not '" +
                                   Join(row.cells, "<TAB>") + "'");
      header = true;
      continue;
    }
    while (row.cells.size() > columns.size() && row.cells.back().empty()) row.cells.pop_back();
    if (row.cells.size() > columns.size() || row.cells.size() + optional < columns.size())
      return table.Fail(row, "expected " + (optional ? std::to_string(columns.size() - optional) + "–" : "") +
                                 std::to_string(columns.size()) + " tab-separated columns (" +
                                 Join(columns, ", ") + "), found " + std::to_string(row.cells.size()));
    row.cells.resize(columns.size());
    table.rows.push_back(std::move(row));
  }
  if (!header) return Error::InvalidArgument(path + ": no header line", "dir");
  return table;
}

Result<int64_t> ParseAmount(const Table& t, const Row& row, const std::string& text, const std::string& field) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return t.Fail(row, "'" + text + "' is not a whole number", field);
  return value;
}

Result<TimeLimit> ParseLimit(const Table& t, const Row& row, size_t kind_col, const std::string& name) {
  auto kind = ParseTimeLimitKind(row.cells[kind_col]);
  if (!kind)
    return t.Fail(row,
                  "unknown time limit kind '" + row.cells[kind_col] +
                      "' (urgent_hours, working_hours, working_days or natural_days)",
                  name + "_kind");
  auto amount = ParseAmount(t, row, row.cells[kind_col + 1], name + "_amount");
  if (!amount) return amount.error();
  return TimeLimit{*kind, *amount};
}

// A template level: county, street or community.
Result<Level> ParseTemplateLevel(const Table& t, const Row& row, const std::string& text) {
  auto level = ParseLevel(text);
  if (!level || (*level != Level::kCounty && *level != Level::kStreet && *level != Level::kCommunity))
    return t.Fail(row, "level '" + text + "' must be county, street or community", "level");
  return *level;
}

Result<std::vector<Category>> ReadCategories(const std::string& path) {
  auto table = ReadTable(path, {"code", "name", "parent", "priority", "acknowledge_kind", "acknowledge_amount",
                                "handle_kind", "handle_amount", "verify_kind", "verify_amount", "level"});
  if (!table) return table.error();
  const Table& t = *table;
  std::vector<Category> out;
  std::unordered_map<std::string, int> line_of;
  for (const Row& row : t.rows) {
    const auto& c = row.cells;
    Category cat;
    cat.code = c[0];
    cat.name = c[1];
    cat.parent = c[2];
    auto priority = ParsePriority(c[3]);
    if (!priority) return t.Fail(row, "priority '" + c[3] + "' must be normal, high or urgent", "priority");
    cat.priority = *priority;
    auto ack = ParseLimit(t, row, 4, "acknowledge");
    if (!ack) return ack.error();
    auto handle = ParseLimit(t, row, 6, "handle");
    if (!handle) return handle.error();
    auto verify = ParseLimit(t, row, 8, "verify");
    if (!verify) return verify.error();
    cat.acknowledge = *ack;
    cat.handle = *handle;
    cat.verify = *verify;
    auto level = ParseLevel(c[10]);
    if (!level || *level < Level::kCounty)
      return t.Fail(row, "level '" + c[10] + "' must be grid, community, street or county", "level");
    cat.level = *level;
    if (auto r = ValidateCategory(cat); !r) return t.Fail(row, r.error());
    if (auto [it, fresh] = line_of.emplace(cat.code, row.line); !fresh)
      return t.Fail(row, "category " + cat.code + " is already defined on line " + std::to_string(it->second),
                    "code");
    out.push_back(std::move(cat));
  }
  for (size_t i = 0; i < out.size(); ++i)
    if (!out[i].parent.empty() && !line_of.count(out[i].parent))
      return t.Fail(t.rows[i], "the parent " + out[i].parent + " of " + out[i].code + " is not defined", "parent");
  return out;
}

// The category of `code` in `categories`, or null.
Category* FindCategory(std::vector<Category>& categories, const std::string& code) {
  for (Category& c : categories)
    if (c.code == code) return &c;
  return nullptr;
}

// Words joined by ',' (each trimmed; empty text → none).
std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    out.push_back(Trim(std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Adds the descriptions and keywords of category_details.tsv to `categories`.
Result<void> ReadCategoryDetails(const std::string& path, std::vector<Category>& categories) {
  auto table = ReadTable(path, {"code", "description", "keywords"}, 2);
  if (!table) return table.error();
  const Table& t = *table;
  std::unordered_map<std::string, int> line_of;
  for (const Row& row : t.rows) {
    const auto& c = row.cells;
    Category* cat = FindCategory(categories, c[0]);
    if (!cat) return t.Fail(row, "category '" + c[0] + "' is not defined in categories.tsv", "code");
    if (auto [it, fresh] = line_of.emplace(c[0], row.line); !fresh)
      return t.Fail(row, "category " + c[0] + " already has details on line " + std::to_string(it->second), "code");
    cat->description = c[1];
    cat->keywords = SplitCommas(c[2]);
    if (auto r = ValidateCategory(*cat); !r) return t.Fail(row, r.error());
  }
  return {};
}

// The column of category_attributes.tsv that a ValidateAttributes field ("attributes[2].values[0].key")
// names.
std::string ColumnOf(const std::string& field) {
  const size_t dot = field.find("].");
  if (dot == std::string::npos) return "category";
  std::string member = field.substr(dot + 2);
  member = member.substr(0, member.find_first_of(".["));
  if (member == "required") return "kind";
  if (member == "order") return "code";
  return member;
}

// A list attribute's choices written "key=name|key=name".
Result<std::vector<AttributeValue>> ParseChoices(const Table& t, const Row& row, const std::string& text) {
  std::vector<AttributeValue> out;
  if (text.empty()) return out;
  for (size_t start = 0;;) {
    const size_t bar = text.find('|', start);
    const std::string item = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return t.Fail(row, "choice '" + item + "' must be written key=name", "values");
    out.push_back({Trim(std::string_view(item).substr(0, eq)), Trim(std::string_view(item).substr(eq + 1))});
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

// Adds the attributes of category_attributes.tsv to `categories`, numbered in file order per category.
Result<void> ReadCategoryAttributes(const std::string& path, std::vector<Category>& categories) {
  auto table = ReadTable(path, {"category", "code", "datatype", "kind", "description", "datatype_description",
                                "values"},
                         2);
  if (!table) return table.error();
  const Table& t = *table;
  std::map<std::string, std::vector<const Row*>> rows_of;  // category → its rows, in order
  for (const Row& row : t.rows) {
    const auto& c = row.cells;
    Category* cat = FindCategory(categories, c[0]);
    if (!cat) return t.Fail(row, "category '" + c[0] + "' is not defined in categories.tsv", "category");
    CategoryAttribute a;
    a.code = c[1];
    auto datatype = ParseAttributeDatatype(c[2]);
    if (!datatype)
      return t.Fail(row,
                    "datatype '" + c[2] + "' must be string, number, datetime, text, singlevaluelist or multivaluelist",
                    "datatype");
    a.datatype = *datatype;
    if (c[3] != "required" && c[3] != "optional" && c[3] != "info")
      return t.Fail(row, "kind '" + c[3] + "' must be required, optional or info", "kind");
    a.required = c[3] == "required";
    a.variable = c[3] != "info";
    a.description = c[4];
    a.datatype_description = c[5];
    auto values = ParseChoices(t, row, c[6]);
    if (!values) return values.error();
    a.values = std::move(*values);
    auto& rows = rows_of[cat->code];
    a.order = static_cast<int>(rows.size()) + 1;
    rows.push_back(&row);
    cat->attributes.push_back(std::move(a));
  }
  for (const auto& [code, rows] : rows_of) {
    const Category* cat = FindCategory(categories, code);
    if (auto r = ValidateCategory(*cat); !r) {
      const std::string& f = r.error().field;
      size_t i = 0;  // the attribute named: "attributes[i]…"
      if (f.rfind("attributes[", 0) == 0) i = std::min<size_t>(std::strtoul(f.c_str() + 11, nullptr, 10), rows.size() - 1);
      return t.Fail(*rows[i], r.error().message + " (" + f + ")", ColumnOf(f));
    }
  }
  return {};
}

struct UnitTemplate {
  Level level;
  UnitKind kind;
  std::string pattern;
  std::string key;
};

Result<std::vector<UnitTemplate>> ReadUnitTemplates(const std::string& path) {
  auto table = ReadTable(path, {"level", "kind", "name", "key"});
  if (!table) return table.error();
  const Table& t = *table;
  std::vector<UnitTemplate> out;
  std::map<std::pair<Level, std::string>, int> line_of;
  for (const Row& row : t.rows) {
    const auto& c = row.cells;
    auto level = ParseTemplateLevel(t, row, c[0]);
    if (!level) return level.error();
    auto kind = ParseUnitKind(c[1]);
    if (!kind)
      return t.Fail(row, "kind '" + c[1] + "' must be department, company, committee or command_center", "kind");
    if (c[2].find("{name}") == std::string::npos)
      return t.Fail(row, "the name pattern '" + c[2] + "' must contain {name}", "name");
    if (c[3].empty()) return t.Fail(row, "the key is required", "key");
    if (c[3].find(',') != std::string::npos) return t.Fail(row, "a key cannot contain ','", "key");
    if (auto [it, fresh] = line_of.emplace(std::pair{*level, c[3]}, row.line); !fresh)
      return t.Fail(row,
                    "key '" + c[3] + "' is already used at " + std::string(LevelName(*level)) + " level on line " +
                        std::to_string(it->second),
                    "key");
    out.push_back({*level, *kind, c[2], c[3]});
  }
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (out[i].level == out[j].level && out[i].kind == UnitKind::kCommandCenter &&
          out[j].kind == UnitKind::kCommandCenter)
        return t.Fail(t.rows[i], "a second command center at " + std::string(LevelName(out[i].level)) + " level",
                      "kind");
  return out;
}

struct RuleTemplate {
  std::string category;
  std::string unit;
  Level level;
  std::vector<std::string> co_units;
  std::string note;
  int line = 0;
};

Result<std::vector<RuleTemplate>> ReadRuleTemplates(const std::string& path, const std::vector<Category>& categories,
                                                    const std::vector<UnitTemplate>& units) {
  auto table = ReadTable(path, {"category", "unit", "level", "co_units", "note"}, /*optional=*/2);
  if (!table) return table.error();
  const Table& t = *table;
  std::set<std::string> codes;
  for (const auto& c : categories) codes.insert(c.code);
  auto has_key = [&](Level level, const std::string& key) {
    return std::any_of(units.begin(), units.end(), [&](const UnitTemplate& u) { return u.level == level && u.key == key; });
  };
  std::vector<RuleTemplate> out;
  std::map<std::pair<std::string, Level>, int> line_of;
  for (const Row& row : t.rows) {
    const auto& c = row.cells;
    RuleTemplate r;
    r.category = c[0];
    r.unit = c[1];
    r.line = row.line;
    r.note = c[4];
    if (!codes.count(r.category))
      return t.Fail(row, "category '" + r.category + "' is not defined in categories.tsv", "category");
    auto level = ParseTemplateLevel(t, row, c[2]);
    if (!level) return level.error();
    r.level = *level;
    const std::string level_name(LevelName(r.level));
    if (!has_key(r.level, r.unit))
      return t.Fail(row, "no " + level_name + " unit template has key '" + r.unit + "'", "unit");
    if (!c[3].empty()) {
      std::stringstream keys(c[3]);
      std::string key;
      while (std::getline(keys, key, ',')) {
        key = Trim(key);
        if (key.empty()) return t.Fail(row, "empty key in co_units '" + c[3] + "'", "co_units");
        if (!has_key(r.level, key))
          return t.Fail(row, "no " + level_name + " unit template has key '" + key + "'", "co_units");
        if (key == r.unit || std::find(r.co_units.begin(), r.co_units.end(), key) != r.co_units.end())
          return t.Fail(row, "co-unit '" + key + "' repeats a unit of the rule", "co_units");
        r.co_units.push_back(key);
      }
    }
    if (auto [it, fresh] = line_of.emplace(std::pair{r.category, r.level}, row.line); !fresh)
      return t.Fail(row,
                    "a " + level_name + " rule for category " + r.category + " is already on line " +
                        std::to_string(it->second),
                    "category");
    out.push_back(std::move(r));
  }
  return out;
}

std::string Instantiate(std::string pattern, const std::string& name) {
  for (size_t pos; (pos = pattern.find("{name}")) != std::string::npos;) pattern.replace(pos, 6, name);
  return pattern;
}

}  // namespace

int64_t Catalogue::UnitId(std::string_view division, std::string_view key) const {
  auto it = unit_ids.find({std::string(division), std::string(key)});
  return it == unit_ids.end() ? 0 : it->second;
}

Result<Catalogue> LoadCatalogue(const std::string& dir, const std::vector<Division>& divisions,
                                const CatalogueOptions& options) {
  const std::string units_path = dir + "/units.tsv", rules_path = dir + "/rules.tsv";
  Catalogue out;
  auto categories = ReadCategories(dir + "/categories.tsv");
  if (!categories) return categories.error();
  out.categories = std::move(*categories);
  const std::string details_path = dir + "/category_details.tsv", attributes_path = dir + "/category_attributes.tsv";
  if (std::filesystem::exists(details_path))
    if (auto r = ReadCategoryDetails(details_path, out.categories); !r) return r.error();
  if (std::filesystem::exists(attributes_path))
    if (auto r = ReadCategoryAttributes(attributes_path, out.categories); !r) return r.error();
  auto unit_templates = ReadUnitTemplates(units_path);
  if (!unit_templates) return unit_templates.error();
  auto rule_templates = ReadRuleTemplates(rules_path, out.categories, *unit_templates);
  if (!rule_templates) return rule_templates.error();

  // The divisions the templates apply to, in code order.
  std::vector<const Division*> targets;
  for (const Division& d : divisions)
    if (d.level == Level::kCounty || d.level == Level::kStreet || d.level == Level::kCommunity)
      if (d.level != Level::kCommunity || options.community_units) targets.push_back(&d);
  std::sort(targets.begin(), targets.end(), [](const Division* a, const Division* b) { return a->code < b->code; });
  for (size_t i = 1; i < targets.size(); ++i)
    if (targets[i]->code == targets[i - 1]->code)
      return Error::InvalidArgument("division " + targets[i]->code + " is given twice", "divisions");

  for (const Division* d : targets) {
    for (const UnitTemplate& t : *unit_templates) {
      if (t.level != d->level) continue;
      Unit u;
      u.id = static_cast<int64_t>(out.units.size()) + 1;
      u.name = Instantiate(t.pattern, d->name);
      u.kind = t.kind;
      u.territory = d->code;
      if (auto r = ValidateUnit(u); !r)
        return Error::InvalidArgument(units_path + ": unit '" + t.key + "' of division " + d->code + ": " +
                                          r.error().message,
                                      r.error().field);
      out.unit_ids[{d->code, t.key}] = u.id;
      out.units.push_back(std::move(u));
    }
  }
  for (const Division* d : targets) {
    for (const RuleTemplate& t : *rule_templates) {
      if (t.level != d->level) continue;
      RoutingRule r;
      r.id = static_cast<int64_t>(out.rules.size()) + 1;
      r.category = t.category;
      r.territory = d->code;
      r.unit = out.UnitId(d->code, t.unit);
      for (const std::string& key : t.co_units) r.co_units.push_back(out.UnitId(d->code, key));
      r.note = t.note;
      if (auto v = ValidateRoutingRule(r); !v)
        return Error::InvalidArgument(rules_path + " line " + std::to_string(t.line) + ": rule for division " +
                                          d->code + ": " + v.error().message,
                                      v.error().field);
      out.rules.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace civicgrid::demo
