// civicgrid db copy | db checksums | backup | restore: moving, checking and backing up whole databases.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "store/backup.h"
#include "store/copy.h"
#include "store/database.h"
#include "store/store.h"

namespace civicgrid::cli {
namespace {

namespace fs = std::filesystem;

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The keyring of `url` given `named` (may be ""): named, else the SQLite file + ".key"; "" for a
// PostgreSQL database with none named.
std::string KeyringOf(const std::string& url, const std::string& named) {
  Config c;
  c.db = url;
  c.key_file = named;
  return KeyFileOf(c);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::InvalidArgument("cannot read " + path, "key_file");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Makes `to` hold the keyring of `from`: copies the file (mode 0600) when `to` does not exist; when it
// does, it must hold the same keyring, or the copied personal data could not be opened.
Result<void> ShareKeyring(const std::string& from, const std::string& to) {
  auto source = ReadFile(from);
  if (!source) return Error::InvalidArgument("no keyring at " + from + " (name it with --from-key-file)",
                                             "from_key_file");
  std::error_code ec;
  if (fs::exists(to, ec)) {
    auto target = ReadFile(to);
    if (!target) return Error::InvalidArgument("cannot read the keyring " + to, "to_key_file");
    if (*target != *source)
      return Error::InvalidArgument("the keyring " + to + " differs from the source's " + from +
                                        ": the copied personal data could not be opened with it (name a new file)",
                                    "to_key_file");
    return {};
  }
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Error::InvalidArgument("cannot create the keyring " + to, "to_key_file");
  const bool ok = ::write(fd, source->data(), source->size()) == static_cast<ssize_t>(source->size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Error::InvalidArgument("cannot write the keyring " + to, "to_key_file");
  return {};
}

int FailWith(const Error& e) { return Fail(e.field.empty() ? e.message : e.message + " (" + e.field + ")"); }

void PrintSummaries(const std::vector<store::TableSummary>& tables) {
  int64_t rows = 0;
  std::printf("%-18s %12s  %s\n", "table", "rows", "sha256");
  for (const auto& t : tables) {
    std::printf("%-18s %12lld  %s\n", t.table.c_str(), static_cast<long long>(t.rows), t.checksum.c_str());
    rows += t.rows;
  }
  std::printf("%-18s %12lld\n", "all", static_cast<long long>(rows));
}

// Prints "<what>: NN% (done of total pages)" at every 5% more.
store::PageProgress PercentPrinter(const std::string& what) {
  auto last = std::make_shared<int>(-1);
  return [what, last](int64_t done, int64_t total) {
    const int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    if (pct / 5 == *last / 5 && pct != 100) return;
    if (pct == *last) return;
    *last = pct;
    std::fprintf(stderr, "%s: %d%% (%lld of %lld pages)\n", what.c_str(), pct, static_cast<long long>(done),
                 static_cast<long long>(total));
  };
}

}  // namespace

int DbCopy(const DbCopyArgs& args) {
  const auto t0 = std::chrono::steady_clock::now();
  if (args.from == args.to) return Fail("--from and --to name the same database");
  const std::string from_key = KeyringOf(args.from, args.from_key_file);
  if (from_key.empty()) return Fail("a PostgreSQL source needs its keyring: --from-key-file (from_key_file)");
  const std::string to_key = KeyringOf(args.to, args.to_key_file);
  if (to_key.empty()) return Fail("a PostgreSQL target needs a keyring file: --to-key-file (to_key_file)");
  // The source must exist (nothing is created for a missing SQLite file) and be reachable.
  if (auto c = store::ConnectDatabase(args.from, "from"); !c) return FailWith(c.error());
  if (!store::IsPostgresUrl(args.to)) {
    std::error_code ec;
    if (fs::exists(store::SqlitePathOf(args.to), ec))
      return Fail("the target file " + store::SqlitePathOf(args.to) + " exists: copy into a new file (to)");
  }
  // Both databases at this version's schema (the source as its server would migrate it).
  std::fprintf(stderr, "db copy: opening the source %s\n", args.from.c_str());
  if (auto s = store::OpenStore(args.from, from_key); !s) return FailWith(s.error());
  if (auto r = ShareKeyring(from_key, to_key); !r) return FailWith(r.error());
  std::fprintf(stderr, "db copy: preparing the target %s (keyring %s)\n", args.to.c_str(), to_key.c_str());
  if (auto s = store::OpenStore(args.to, to_key); !s) return FailWith(s.error());

  auto from = store::ConnectDatabase(args.from, "from");
  if (!from) return FailWith(from.error());
  auto to = store::ConnectDatabase(args.to, "to");
  if (!to) return FailWith(to.error());
  std::string current;
  auto copied = store::CopyDatabase(**from, **to, [&](const store::CopyProgress& p) {
    if (p.table != current) {
      current = p.table;
      std::fprintf(stderr, "db copy: %s: %lld rows\n", p.table.c_str(), static_cast<long long>(p.total));
    } else if (p.done < p.total) {
      std::fprintf(stderr, "db copy: %s: %lld of %lld (%d%%)\n", p.table.c_str(), static_cast<long long>(p.done),
                   static_cast<long long>(p.total), p.total ? static_cast<int>(p.done * 100 / p.total) : 100);
    }
  });
  if (!copied) return FailWith(copied.error());
  PrintSummaries(*copied);
  std::fprintf(stderr,
               "db copy: %zu tables copied in %.1f s; every table's row count and checksum are the same in both "
               "databases. Serve the target with --db %s --key-file %s\n",
               copied->size(), SecondsSince(t0), args.to.c_str(), to_key.c_str());
  return 0;
}

int DbChecksums(const Config& config) {
  auto db = store::ConnectDatabase(config.db, "db");
  if (!db) return FailWith(db.error());
  auto summaries = store::SummarizeDatabase(**db);
  if (!summaries) return FailWith(summaries.error());
  PrintSummaries(*summaries);
  return 0;
}

int Backup(const Config& config, const BackupArgs& args) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = store::Backup(config.db, args.to, PercentPrinter("backup"));
  if (!r) return FailWith(r.error());
  std::fprintf(stderr, "backup: wrote %s (%s, %.1f MB) in %.1f s\n", args.to.c_str(), r->engine.c_str(),
               static_cast<double>(r->bytes) / 1e6, SecondsSince(t0));
  const std::string key = KeyFileOf(config);
  std::fprintf(stderr,
               "backup: the keyring%s%s is not in the backup and is needed to read it: keep a copy of it apart from "
               "the backups\n",
               key.empty() ? "" : " ", key.c_str());
  return 0;
}

int Restore(const Config& config, const RestoreArgs& args) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string key = KeyFileOf(config);
  std::error_code ec;
  if (key.empty()) return Fail("a PostgreSQL database needs its keyring: --key-file (key_file)");
  if (!fs::exists(key, ec))
    return Fail("no keyring at " + key + ": put back the keyring the backup was made with first (key_file)");
  if (auto r = store::Restore(args.from, config.db, args.force, PercentPrinter("restore")); !r) return FailWith(r.error());
  // Open it as a server would (migrating a backup of an older version) and read the newest case, which
  // shows that the keyring opens its personal data.
  auto s = store::OpenStore(config.db, key);
  if (!s) return FailWith(s.error());
  auto cases = (*s)->CountCases();
  if (!cases) return FailWith(cases.error());
  store::CaseFilter newest;
  newest.limit = 1;
  auto page = (*s)->ListCases(newest);
  if (!page) return FailWith(page.error());
  if (!page->cases.empty()) {
    auto c = (*s)->GetCase(page->cases.front().id);
    if (!c) return Fail("the keyring " + key + " does not open the restored personal data: " + c.error().message);
  }
  std::fprintf(stderr, "restore: %s restored from %s in %.1f s: %lld cases\n", config.db.c_str(), args.from.c_str(),
               SecondsSince(t0), static_cast<long long>(*cases));
  return 0;
}

}  // namespace civicgrid::cli
