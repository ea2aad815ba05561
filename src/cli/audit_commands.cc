// civicgrid audit verify | audit tail
//
// Both read the database directly (not through the store), in one read snapshot, so that they see one
// consistent state of the log while servers go on appending to it.
#include <cctype>
#include <cstdio>

#include <boost/json.hpp>

#include "cli/commands.h"
#include "core/case.h"
#include "security/audit_chain.h"
#include "store/database.h"
#include "store/sql/audit.h"

namespace civicgrid::cli {
namespace {

constexpr int kPage = 10000;                // records read per query
constexpr int64_t kProgressEvery = 100000;  // records between progress lines

// Connects to the database of config.db if it exists and holds the audit log, inside a read snapshot;
// answers nullptr after printing why not.
std::unique_ptr<store::sql::Runner> OpenAuditDb(const Config& config) {
  auto db = store::ConnectDatabase(config.db);
  if (!db) {
    Fail(db.error().message);
    return nullptr;
  }
  bool found = false;
  const char* sql = (*db)->dialect() == store::sql::Dialect::kPostgres
                        ? "SELECT 1 WHERE to_regclass('audit_log') IS NOT NULL"
                        : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'";
  auto r = (*db)->RunOnce(sql, {}, [&](const store::sql::RowReader&) { found = true; });
  if (!r) {
    Fail(r.error().message);
    return nullptr;
  }
  if (!found) {
    Fail("the database '" + config.db +
         "' has no audit log yet (it is added by schema migration 3, when a server or command of this version "
         "opens the store)");
    return nullptr;
  }
  if (auto b = store::BeginSnapshot(**db); !b) {  // one snapshot for every page
    Fail(b.error().message);
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

  security::AuditVerifier verifier(anchor);
  int64_t after = 0, next_progress = kProgressEvery;
  for (bool more = true; more;) {
    auto page = store::sql::ReadAudit(*db, after, kPage);
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
  store::Rollback(*db);  // read only

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
  auto records = store::sql::ReadLatestAudit(*db, args.limit);
  if (!records) return Fail("cannot read the audit log: " + records.error().message);
  for (const auto& r : *records) std::printf("%s\n", boost::json::serialize(RecordJson(r)).c_str());
  return 0;
}

}  // namespace civicgrid::cli
