#include "security/audit_chain.h"

#include <sodium.h>

#include <cctype>
#include <stdexcept>

namespace civicgrid::security {
namespace {

// Tags the encoding, so that a later change of the hashed fields cannot be confused with this one.
constexpr std::string_view kEncodingTag = "civicgrid-audit-v1";

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium cannot be initialised");
}

void PutU64(crypto_hash_sha256_state& st, uint64_t v) {
  unsigned char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<unsigned char>(v & 0xFF);
    v >>= 8;
  }
  crypto_hash_sha256_update(&st, b, sizeof b);
}

void PutString(crypto_hash_sha256_state& st, std::string_view s) {
  PutU64(st, s.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

std::string Seqs(int64_t from, int64_t to) {
  return from == to ? "record " + std::to_string(from) : "records " + std::to_string(from) + "–" + std::to_string(to);
}

}  // namespace

std::string AuditHash(const AuditRecord& r) {
  EnsureSodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  PutString(st, kEncodingTag);
  PutU64(st, static_cast<uint64_t>(r.seq));
  PutU64(st, static_cast<uint64_t>(r.at));
  for (const std::string* s : {&r.actor, &r.action, &r.target, &r.detail, &r.remote, &r.prev_hash}) PutString(st, *s);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

void Link(AuditRecord& r, const std::string& prev_hash) {
  r.prev_hash = prev_hash;
  r.hash = AuditHash(r);
}

AuditVerifier::AuditVerifier(std::optional<std::string> anchor) : anchor_(std::move(anchor)), head_(kAuditGenesis) {
  if (anchor_)
    for (char& c : *anchor_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool AuditVerifier::Add(const AuditRecord& r) {
  if (broken_) return false;
  const std::string n = std::to_string(r.seq);
  if (AuditHash(r) != r.hash) {
    broken_ = AuditBreak{r.seq, "record " + n + " was altered: its hash does not match its content"};
  } else if (count_ == 0 && r.seq != 1) {
    broken_ = AuditBreak{r.seq, r.seq > 1 ? Seqs(1, r.seq - 1) + " before record " + n + " were removed"
                                          : "record " + n + " has an invalid seq (the first record is 1)"};
  } else if (count_ == 0 && r.prev_hash != kAuditGenesis) {
    broken_ = AuditBreak{r.seq,
                         "record(s) before record 1 were removed or replaced: its prev_hash is not the "
                         "genesis hash"};
  } else if (count_ > 0 && r.seq > last_seq_ + 1) {
    broken_ = AuditBreak{r.seq, Seqs(last_seq_ + 1, r.seq - 1) + " before record " + n + " were removed"};
  } else if (count_ > 0 && r.seq <= last_seq_) {
    broken_ = AuditBreak{r.seq, "record " + n + " is out of order: it follows record " + std::to_string(last_seq_)};
  } else if (count_ > 0 && r.prev_hash != head_) {
    broken_ = AuditBreak{r.seq, "record(s) before record " + n + " were removed or replaced: its prev_hash is not " +
                                    "the hash of record " + std::to_string(last_seq_)};
  }
  if (broken_) return false;
  ++count_;
  last_seq_ = r.seq;
  head_ = r.hash;
  if (anchor_ && head_ == *anchor_) anchor_seen_ = true;
  return true;
}

std::optional<AuditBreak> AuditVerifier::Finish() {
  if (broken_) return broken_;
  if (anchor_ && !anchor_seen_)
    broken_ = AuditBreak{last_seq_ + 1, "the chain does not reach the anchor " + *anchor_ + " (it ends at record " +
                                            std::to_string(last_seq_) +
                                            "): records at the end were removed, or the chain was rewritten"};
  return broken_;
}

}  // namespace civicgrid::security
