// A temporary directory for one test, removed with everything in it at the end.
#pragma once

#include <filesystem>
#include <string>

namespace civicgrid::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path`.
void WriteFile(const std::string& path, const std::string& text);

// Reads a whole file.
std::string ReadFile(const std::string& path);

}  // namespace civicgrid::testing
