// The audit log's hash chain: what the hash covers, and the first broken link the verifier reports for
// altered, removed, reordered and truncated records.
#include "security/audit_chain.h"

#include <gtest/gtest.h>

#include <cctype>
#include <vector>

namespace civicgrid::security {
namespace {

// A well-linked chain of `n` records.
std::vector<AuditRecord> Chain(int n) {
  std::vector<AuditRecord> out;
  std::string prev(kAuditGenesis);
  for (int i = 1; i <= n; ++i) {
    AuditRecord r;
    r.seq = i;
    r.at = 1700000000 + i;
    r.actor = "user:" + std::to_string(i % 3);
    r.action = "case.update";
    r.target = "case:" + std::to_string(100 + i);
    r.detail = R"({"n":)" + std::to_string(i) + "}";
    r.remote = "10.0.0." + std::to_string(i);
    Link(r, prev);
    prev = r.hash;
    out.push_back(r);
  }
  return out;
}

std::optional<AuditBreak> Verify(const std::vector<AuditRecord>& records,
                                 std::optional<std::string> anchor = std::nullopt) {
  AuditVerifier v(std::move(anchor));
  for (const auto& r : records) v.Add(r);
  return v.Finish();
}

TEST(AuditHash, IsHexSha256OverEveryFieldButTheHash) {
  AuditRecord r = Chain(1)[0];
  const std::string h = AuditHash(r);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(h, r.hash);
  AuditRecord same = r;
  same.hash = "whatever";
  EXPECT_EQ(AuditHash(same), h);

  auto changed = [&](auto mutate) {
    AuditRecord c = r;
    mutate(c);
    return AuditHash(c) != h;
  };
  EXPECT_TRUE(changed([](AuditRecord& c) { c.seq++; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.at++; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.actor += "x"; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.action += "x"; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.target += "x"; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.detail = "{}"; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.remote = ""; }));
  EXPECT_TRUE(changed([](AuditRecord& c) { c.prev_hash[0] = '1'; }));
}

TEST(AuditHash, FieldBoundariesAreUnambiguous) {
  AuditRecord a, b;
  a.actor = "ab";
  a.action = "c";
  b.actor = "a";
  b.action = "bc";
  EXPECT_NE(AuditHash(a), AuditHash(b));
  a = b = AuditRecord{};
  a.target = "x";
  b.detail = "x";
  a.detail = "";
  EXPECT_NE(AuditHash(a), AuditHash(b));
}

TEST(AuditVerifier, IntactChainAndEmptyChain) {
  auto chain = Chain(20);
  AuditVerifier v;
  for (const auto& r : chain) EXPECT_TRUE(v.Add(r));
  EXPECT_EQ(v.Finish(), std::nullopt);
  EXPECT_EQ(v.count(), 20);
  EXPECT_EQ(v.head(), chain.back().hash);

  AuditVerifier empty;
  EXPECT_EQ(empty.Finish(), std::nullopt);
  EXPECT_EQ(empty.count(), 0);
  EXPECT_EQ(empty.head(), kAuditGenesis);
}

TEST(AuditVerifier, AlteredRecord) {
  auto chain = Chain(20);
  chain[6].detail = R"({"n":999})";
  AuditVerifier v;
  for (const auto& r : chain) v.Add(r);
  auto b = v.Finish();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 7);
  EXPECT_NE(b->reason.find("record 7 was altered"), std::string::npos) << b->reason;
  EXPECT_EQ(v.count(), 6);
  EXPECT_EQ(v.head(), chain[5].hash);
}

TEST(AuditVerifier, AlteredRecordWithRecomputedHashBreaksTheNextLink) {
  auto chain = Chain(20);
  chain[6].actor = "someone else";
  Link(chain[6], chain[6].prev_hash);
  auto b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 8);
  EXPECT_NE(b->reason.find("before record 8 were removed or replaced"), std::string::npos) << b->reason;
}

TEST(AuditVerifier, RemovedRecordsAreNamed) {
  auto chain = Chain(20);
  chain.erase(chain.begin() + 9);  // record 10
  auto b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 11);
  EXPECT_NE(b->reason.find("record 10 before record 11 were removed"), std::string::npos) << b->reason;

  chain = Chain(20);
  chain.erase(chain.begin() + 9, chain.begin() + 12);  // records 10, 11, 12
  b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 13);
  EXPECT_NE(b->reason.find("records 10–12 before record 13 were removed"), std::string::npos) << b->reason;
}

TEST(AuditVerifier, RemovedHead) {
  auto chain = Chain(5);
  chain.erase(chain.begin());
  auto b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 2);
  EXPECT_NE(b->reason.find("record 1 before record 2 were removed"), std::string::npos) << b->reason;

  // Renumbered after removing the head: seq 1 whose prev_hash is not the genesis.
  chain = Chain(5);
  chain.erase(chain.begin());
  for (auto& r : chain) {
    r.seq--;
    r.hash = AuditHash(r);
  }
  b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 1);
  EXPECT_NE(b->reason.find("genesis"), std::string::npos) << b->reason;
}

TEST(AuditVerifier, RemovedAndRenumberedInTheMiddle) {
  auto chain = Chain(10);
  chain.erase(chain.begin() + 4);  // record 5, later ones renumbered with their hashes recomputed
  for (size_t i = 4; i < chain.size(); ++i) {
    chain[i].seq = static_cast<int64_t>(i) + 1;
    chain[i].hash = AuditHash(chain[i]);
  }
  auto b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 5);
  EXPECT_NE(b->reason.find("prev_hash is not the hash of record 4"), std::string::npos) << b->reason;
}

TEST(AuditVerifier, OutOfOrderAndDuplicate) {
  auto chain = Chain(5);
  std::swap(chain[2], chain[3]);
  auto b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 4);  // record 3 is missing where record 4 appears

  chain = Chain(5);
  chain.insert(chain.begin() + 3, chain[2]);
  b = Verify(chain);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 3);
  EXPECT_NE(b->reason.find("out of order"), std::string::npos) << b->reason;
}

TEST(AuditVerifier, OnlyTheFirstBreakIsReported) {
  auto chain = Chain(10);
  chain[2].detail = "{}";
  chain[7].detail = "{}";
  AuditVerifier v;
  EXPECT_TRUE(v.Add(chain[0]));
  EXPECT_TRUE(v.Add(chain[1]));
  EXPECT_FALSE(v.Add(chain[2]));
  for (size_t i = 3; i < chain.size(); ++i) EXPECT_FALSE(v.Add(chain[i]));
  ASSERT_TRUE(v.broken());
  EXPECT_EQ(v.broken()->seq, 3);
  EXPECT_EQ(v.count(), 2);
}

TEST(AuditVerifier, Anchor) {
  auto chain = Chain(20);
  const std::string anchor = chain.back().hash;
  EXPECT_EQ(Verify(chain, anchor), std::nullopt);

  // The log grew after the anchor was taken: fine.
  EXPECT_EQ(Verify(chain, chain[11].hash), std::nullopt);

  // Upper-case hex names the same hash.
  std::string upper = anchor;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Verify(chain, upper), std::nullopt);

  // The last records were removed: only the anchor shows it.
  chain.pop_back();
  chain.pop_back();
  EXPECT_EQ(Verify(chain), std::nullopt);
  auto b = Verify(chain, anchor);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 19);
  EXPECT_NE(b->reason.find("does not reach the anchor " + anchor), std::string::npos) << b->reason;
  EXPECT_NE(b->reason.find("records at the end were removed"), std::string::npos) << b->reason;

  // An empty chain does not reach any anchor.
  b = Verify({}, anchor);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 1);
}

TEST(AuditVerifier, AnEarlierBreakWinsOverTheAnchor) {
  auto chain = Chain(10);
  const std::string anchor = chain.back().hash;
  chain[3].target = "case:0";
  auto b = Verify(chain, anchor);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->seq, 4);
  EXPECT_NE(b->reason.find("altered"), std::string::npos);
}

}  // namespace
}  // namespace civicgrid::security
