// The subcommands of the civicgrid binary. Each answers a process exit code: 0 on success, 1 when the
// work failed (with a message on stderr), 2 for bad usage.
#pragma once

#include <string>

#include "common/config.h"

namespace civicgrid::cli {

struct ServeArgs {
  bool reload = true;  // watch the store for territory changes
};
int Serve(const Config& config, const ServeArgs& args);

struct DemoBuildArgs {
  std::string data_dir = "data/territory";
  bool force = false;
};
int DemoBuild(const Config& config, const DemoBuildArgs& args);

int GridsImport(const Config& config, const std::string& file);

struct GridsExportArgs {
  std::string under;
  std::string out;  // "" or "-" = stdout
};
int GridsExport(const Config& config, const GridsExportArgs& args);

struct LocateArgs {
  double lon = 0, lat = 0;
  std::string crs = "wgs84";
  bool json = false;
};
int Locate(const Config& config, const LocateArgs& args);

// Prints "civicgrid: <message>" to stderr and answers 1.
int Fail(const std::string& message);

}  // namespace civicgrid::cli
