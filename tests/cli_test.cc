// The civicgrid binary as a user runs it: --help everywhere, demo build on a tiny data set, grid
// import (good and bad), export and locate, with exit codes.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/run.h"
#include "support/temp_dir.h"
#include "support/tiny_territory.h"

namespace civicgrid {
namespace {
using testing::Civicgrid;

TEST(Cli, HelpOnEveryCommand) {
  for (const char* cmd : {"", "serve", "demo", "demo build", "grids", "grids import", "grids export", "locate", "user",
                          "user add", "user list", "user disable", "apikey", "apikey add", "apikey list",
                          "apikey revoke", "keys", "keys rotate", "audit", "audit verify", "audit tail", "db", "db copy",
                          "db checksums", "backup", "restore"}) {
    auto r = Civicgrid(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << cmd;
  }
}

TEST(Cli, BadUsageExitsNonZero) {
  EXPECT_NE(Civicgrid("").exit_code, 0);
  EXPECT_NE(Civicgrid("locate 118").exit_code, 0);
  EXPECT_NE(Civicgrid("frobnicate").exit_code, 0);
}

class CliTerritory : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_.path() / "data");
    testing::WriteTinyTerritory(dir_.File("data"));
    db_ = dir_.File("t.db");
    auto r = Civicgrid("--db " + db_ + " demo build --data " + dir_.File("data"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("demo build: done"), std::string::npos) << r.output;
  }
  testing::TempDir dir_;
  std::string db_;
};

TEST_F(CliTerritory, DemoBuildRefusesToOverwriteWithoutForce) {
  auto again = Civicgrid("--db " + db_ + " demo build --data " + dir_.File("data"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("--force"), std::string::npos);
  EXPECT_EQ(Civicgrid("--db " + db_ + " demo build --force --data " + dir_.File("data")).exit_code, 0);
}

TEST_F(CliTerritory, LocateExportImport) {
  auto loc = Civicgrid("--db " + db_ + " locate 118.05 35.05");
  ASSERT_EQ(loc.exit_code, 0) << loc.output;
  EXPECT_NE(loc.output.find("county    379901"), std::string::npos) << loc.output;
  EXPECT_NE(loc.output.find("grid      379901"), std::string::npos) << loc.output;

  auto outside = Civicgrid("--db " + db_ + " locate 118.2 35.05 --json");
  ASSERT_EQ(outside.exit_code, 0);
  EXPECT_NE(outside.output.find("\"inside\":false"), std::string::npos) << outside.output;

  // Global options may also follow the subcommand.
  auto after = Civicgrid("locate 118.05 35.05 --db " + db_);
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(Civicgrid("grids export --under 379901001 --db " + db_ + " -o " + dir_.File("x.geojson")).exit_code, 0);

  EXPECT_NE(Civicgrid("--db " + db_ + " locate 200 35").exit_code, 0);
  EXPECT_NE(Civicgrid("--db " + db_ + " locate 118 35 --crs bd09").exit_code, 0);

  std::string out = dir_.File("grids.geojson");
  auto ex = Civicgrid("--db " + db_ + " grids export --under 379901001 -o " + out);
  ASSERT_EQ(ex.exit_code, 0) << ex.output;
  std::string text = testing::ReadFile(out);
  EXPECT_NE(text.find("\"FeatureCollection\""), std::string::npos);
  EXPECT_EQ(text.find("379901100201"), std::string::npos);  // not under the street asked for

  // Re-importing what was exported succeeds and changes nothing in the count.
  auto im = Civicgrid("--db " + db_ + " grids import " + out);
  EXPECT_EQ(im.exit_code, 0) << im.output;

  testing::WriteFile(dir_.File("bad.geojson"),
                     R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"379901001001900"},)"
                     R"("geometry":{"type":"Polygon","coordinates":[[[118,35],[118.01,35.01],[118.01,35],[118,35.01],[118,35]]]}}]})");
  auto bad = Civicgrid("--db " + db_ + " grids import " + dir_.File("bad.geojson"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("feature 0 (code 379901001001900): the shape is self-intersecting"), std::string::npos)
      << bad.output;
  EXPECT_NE(bad.output.find("nothing was written"), std::string::npos);

  EXPECT_EQ(Civicgrid("--db " + db_ + " grids import /nonexistent.geojson").exit_code, 1);
  EXPECT_NE(Civicgrid("--db " + db_ + " grids export --under 12345").exit_code, 0);
}

TEST(CliConfig, MissingConfigFileIsAnError) {
  auto r = Civicgrid("--config /nonexistent.toml locate 118 35");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("config file"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid
