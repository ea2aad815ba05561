// civicgrid audit verify | audit tail
//
// Both read the SQLite database file directly (not through the store), in one read transaction, so that
// they see one consistent state of the log while a server goes on appending to it.
#include <cctype>
#include <cstdio>
#include <filesystem>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "core/case.h"
#include "security/audit_chain.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite_audit.h"

namespace civicgrid::cli {
namespace {

namespace sqlite = store::sqlite;

constexpr int kPage = 10000;                // records read per query
constexpr int64_t kProgressEvery = 100000;  // records between progress lines

// Opens the database file named by config.db ("PATH" or "sqlite:PATH") if it exists and holds the audit
// log; answers nullptr after printing why not.
std::unique_ptr<sqlite::Db> OpenAuditDb(const Config& config) {
  const std::string file = config.db.rfind("sqlite:", 0) == 0 ? config.db.substr(7) : config.db;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    Fail("no database file at '" + file + "'");
    return nullptr;
  }
  auto db = sqlite::Db::Open(file);
  if (!db) {
    Fail(db.error().message);
    return nullptr;
  }
  sqlite::Stmt s((*db)->handle(), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'");
  if (!s.ok() || !s.Step()) {
    Fail(s.error().empty() ? "the database '" + file +
                                 "' has no audit log yet (it is added by schema migration 3, when a server or "
                                 "command of this version opens the store)"
                           : "sqlite: " + s.error());
    return nullptr;
  }
  return std::move(*db);
}

bool IsHash(const std::string& s) {
  if (s.size() != security::kAuditGenesis.size()) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// One record as a JSON object; detail is embedded as an object when it parses as one, else as text.
boost::json::object RecordJson(const security::AuditRecord& r) {
  boost::json::object o;
  o["seq"] = r.seq;
  o["at"] = r.at;
  o["time"] = FormatTimestamp(r.at);
  o["actor"] = r.actor;
  o["action"] = r.action;
  o["target"] = r.target;
  boost::system::error_code ec;
  auto detail = boost::json::parse(r.detail, ec);
  if (!ec && detail.is_object())
    o["detail"] = std::move(detail);
  else
    o["detail"] = r.detail;
  o["remote"] = r.remote;
  o["prev_hash"] = r.prev_hash;
  o["hash"] = r.hash;
  return o;
}

}  // namespace

int AuditVerify(const Config& config, const AuditVerifyArgs& args) {
  std::optional<std::string> anchor;
  if (!args.anchor.empty()) {
    if (!IsHash(args.anchor)) {
      std::fprintf(stderr, "civicgrid: --anchor must be a record hash: 64 hex digits\n");
      return 2;
    }
    anchor = args.anchor;
    for (char& c : *anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto db = OpenAuditDb(config);
  if (!db) return 1;
  if (auto r = db->Exec("BEGIN"); !r) return Fail(r.error().message);  // one snapshot for every page

  security::AuditVerifier verifier(anchor);
  int64_t after = 0, next_progress = kProgressEvery;
  for (bool more = true; more;) {
    auto page = sqlite::ReadAudit(*db, after, kPage);
    if (!page) return Fail("cannot read the audit log: " + page.error().message);
    for (const auto& r : *page)
      if (!verifier.Add(r)) break;
    more = page->size() == static_cast<size_t>(kPage) && !verifier.broken();
    if (!page->empty()) after = page->back().seq;
    if (verifier.count() >= next_progress) {
      std::fprintf(stderr, "audit verify: %lld records checked\n", static_cast<long long>(verifier.count()));
      next_progress = (verifier.count() / kProgressEvery + 1) * kProgressEvery;
    }
  }
  (void)db->Exec("COMMIT");

  if (auto b = verifier.Finish()) {
    std::printf("audit log: chain broken at record %lld: %s\n", static_cast<long long>(b->seq), b->reason.c_str());
    std::printf("audit log: the %lld records before it are intact, head %s\n", static_cast<long long>(verifier.count()),
                verifier.head().c_str());
    return 3;
  }
  std::printf("audit log: %lld records, chain intact, head %s\n", static_cast<long long>(verifier.count()),
              verifier.head().c_str());
  if (anchor) std::printf("audit log: the chain reaches the anchor %s\n", anchor->c_str());
  return 0;
}

int AuditTail(const Config& config, const AuditTailArgs& args) {
  auto db = OpenAuditDb(config);
  if (!db) return 1;
  auto records = sqlite::ReadLatestAudit(*db, args.limit);
  if (!records) return Fail("cannot read the audit log: " + records.error().message);
  for (const auto& r : *records) std::printf("%s\n", boost::json::serialize(RecordJson(r)).c_str());
  return 0;
}

}  // namespace civicgrid::cli
