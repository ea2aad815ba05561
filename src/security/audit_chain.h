// The hash chain of the audit log: each record carries the SHA-256 of its own content and of the record
// before it, so that altering, removing or reordering stored records shows when the chain is checked.
//
//   AuditRecord r{.at = now, .actor = "user:7", .action = "case.assign", .target = "case:42"};
//   r.seq = last.seq + 1;
//   Link(r, last.hash);                  // r.prev_hash, r.hash
//
//   AuditVerifier v(anchor);             // anchor: a head hash kept elsewhere, or nullopt
//   for (const AuditRecord& r : records_in_seq_order) v.Add(r);
//   if (auto b = v.Finish()) ...;        // b->seq, b->reason
//
// The chain is not keyed: whoever can write the store can also rewrite every record after some point and
// recompute the hashes. Only a head hash kept outside the store (an anchor) shows that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civicgrid::security {

// One entry of the audit log: who did what to what, when and from where.
struct AuditRecord {
  int64_t seq = 0;            // 1, 2, 3… in the order appended
  int64_t at = 0;             // unix seconds
  std::string actor;          // who acted, e.g. "user:7" or "system"
  std::string action;         // what was done, e.g. "case.assign"
  std::string target;         // what it was done to, e.g. "case:42"
  std::string detail = "{}";  // JSON object text
  std::string remote;         // the client's address, "" when none
  std::string prev_hash;      // the hash of record seq - 1; kAuditGenesis for record 1
  std::string hash;           // AuditHash of this record
};

// The prev_hash of record 1: 64 '0' characters.
inline constexpr std::string_view kAuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// The lowercase hex SHA-256 of an unambiguous encoding of r.seq, at, actor, action, target, detail,
// remote and prev_hash (a version tag, then each integer as 8 big-endian bytes and each string as its
// 8-byte big-endian length followed by its bytes). r.hash is not part of it.
std::string AuditHash(const AuditRecord& r);

// Sets r.prev_hash to `prev_hash`, then r.hash to AuditHash(r).
void Link(AuditRecord& r, const std::string& prev_hash);

// Where a chain breaks: the seq of the first record found wrong, and why, in words.
struct AuditBreak {
  int64_t seq = 0;
  std::string reason;
};

// Checks a chain fed record by record in seq order, keeping only the previous record's seq and hash (so a
// log of any length is checked in constant memory). Reports the first broken link only:
//   - a record whose hash is not AuditHash of its content: "record N was altered";
//   - a first record that is not seq 1 with prev_hash kAuditGenesis, a seq that is not the previous seq
//     + 1, or a prev_hash that is not the previous record's hash: "record(s) before N were removed"
//     (naming the missing seqs when the seq jumps) or replaced;
//   - with an anchor, a chain in which no record has the anchor's hash: records at the end were removed.
// An anchor's hash on a record before the last is fine: the log grew after the anchor was taken.
class AuditVerifier {
 public:
  // `anchor`: a head hash (64 hex digits) recorded elsewhere earlier, which some record must have.
  explicit AuditVerifier(std::optional<std::string> anchor = std::nullopt);

  // Checks the next record; answers false once the chain is broken (later records are then ignored).
  bool Add(const AuditRecord& r);

  // The first broken link found so far, if any.
  std::optional<AuditBreak> broken() const { return broken_; }

  // The number of records checked good: those before the first broken link.
  int64_t count() const { return count_; }

  // The hash of the last record checked good; kAuditGenesis when there is none.
  const std::string& head() const { return head_; }

  // Call after the last record: broken(), or else the anchor check (its break names the seq after the
  // last record). An empty chain is intact when no anchor is given.
  std::optional<AuditBreak> Finish();

 private:
  std::optional<std::string> anchor_;
  bool anchor_seen_ = false;
  std::optional<AuditBreak> broken_;
  int64_t count_ = 0;
  int64_t last_seq_ = 0;
  std::string head_;
};

}  // namespace civicgrid::security
