// Sealing personal data with a keyring (round trip, nonces, tampering, rotation, the key file) and
// masking names and phone numbers for display.
#include "security/personal_data.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace civicgrid::security {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

const std::string kHexKey(64, 'a');

std::string KeyFile(const TempDir& dir, const std::string& text, mode_t mode = 0600) {
  std::string path = dir.File("keys");
  WriteFile(path, text);
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(Keyring, SealOpenRoundTrip) {
  Keyring ring = Keyring::Generate();
  EXPECT_EQ(ring.current(), 1u);
  for (const std::string& text :
       std::vector<std::string>{"13800001234", "张三", "a", std::string(10000, 'x'), std::string("\0\x01\xff", 3)}) {
    std::string sealed = ring.Seal(text);
    EXPECT_EQ(sealed.rfind("cg1:1:", 0), 0u) << sealed;
    EXPECT_EQ(sealed.find_first_of("+/=", 6), std::string::npos) << "base64url without padding: " << sealed;
    if (text.size() >= 8) EXPECT_EQ(sealed.find(text), std::string::npos);  // short texts may occur by chance
    auto opened = ring.Open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, text);
    EXPECT_EQ(Keyring::KeyIdOf(sealed), 1u);
  }
}

TEST(Keyring, EmptyAndPlaintextValues) {
  Keyring ring = Keyring::Generate();
  EXPECT_EQ(ring.Seal(""), "");
  EXPECT_EQ(*ring.Open(""), "");
  // Rows written before sealing existed are answered as they are.
  EXPECT_EQ(*ring.Open("13800001234"), "13800001234");
  EXPECT_EQ(*ring.Open("cg1"), "cg1");
  EXPECT_EQ(Keyring::KeyIdOf("13800001234"), std::nullopt);
  EXPECT_EQ(Keyring::KeyIdOf("cg1:x:abc"), std::nullopt);
  EXPECT_EQ(Keyring::KeyIdOf("cg1:0:abc"), std::nullopt);
  EXPECT_EQ(Keyring::KeyIdOf("cg1:42:abc"), 42u);
}

TEST(Keyring, EverySealHasItsOwnNonce) {
  Keyring ring = Keyring::Generate();
  std::string a = ring.Seal("13800001234"), b = ring.Seal("13800001234");
  EXPECT_NE(a, b);
  EXPECT_NE(a.substr(0, 6 + 32), b.substr(0, 6 + 32));  // the nonce is the first 24 bytes (32 characters)
  EXPECT_EQ(*ring.Open(a), *ring.Open(b));
}

TEST(Keyring, TamperingIsDetected) {
  Keyring ring = Keyring::Generate();
  const std::string sealed = ring.Seal("王女士 13800001234");
  for (size_t i = 6; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = ring.Open(bad);
    ASSERT_FALSE(r.ok()) << "changed character " << i;
    EXPECT_EQ(r.error().code, "internal");
    EXPECT_NE(r.error().message.find("cannot decrypt personal data"), std::string::npos);
  }
  auto cut = ring.Open(sealed.substr(0, sealed.size() - 4));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("data altered"), std::string::npos) << cut.error().message;
  EXPECT_FALSE(ring.Open("cg1:1:").ok());
  EXPECT_FALSE(ring.Open("cg1:1:!!!!").ok());
  EXPECT_FALSE(ring.Open("cg1:one:abc").ok());
}

TEST(Keyring, UnknownKeyAndAnotherRingFail) {
  Keyring ring = Keyring::Generate();
  std::string sealed = ring.Seal("13800001234");
  auto unknown = ring.Open("cg1:9" + sealed.substr(5));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("key 9 unknown"), std::string::npos) << unknown.error().message;
  Keyring other = Keyring::Generate();  // also key id 1, different bytes
  auto r = other.Open(sealed);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("data altered"), std::string::npos);
}

TEST(Keyring, Rotation) {
  TempDir dir;
  const std::string path = dir.File("keys");
  auto ring = Keyring::LoadOrCreate(path);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  const std::string old_sealed = ring->Seal("张三");

  EXPECT_EQ(ring->AddKey(), 2u);
  EXPECT_EQ(ring->current(), 2u);
  ASSERT_TRUE(ring->Save(path).ok());

  auto reloaded = Keyring::Load(path);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  EXPECT_EQ(reloaded->ids(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(*reloaded->Open(old_sealed), "张三");
  const std::string resealed = reloaded->Seal(*reloaded->Open(old_sealed));
  EXPECT_EQ(Keyring::KeyIdOf(resealed), 2u);

  reloaded->KeepOnly(7);  // not in the ring: nothing changes
  EXPECT_EQ(reloaded->ids(), (std::vector<uint32_t>{1, 2}));
  reloaded->KeepOnly(2);
  EXPECT_EQ(reloaded->ids(), (std::vector<uint32_t>{2}));
  ASSERT_TRUE(reloaded->Save(path).ok());
  auto final_ring = Keyring::Load(path);
  ASSERT_TRUE(final_ring.ok());
  EXPECT_EQ(*final_ring->Open(resealed), "张三");
  auto gone = final_ring->Open(old_sealed);
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("key 1 unknown"), std::string::npos);
  EXPECT_EQ(final_ring->AddKey(), 3u);
}

TEST(KeyFile, LoadOrCreateMakesA0600FileAndReusesIt) {
  TempDir dir;
  const std::string path = dir.File("keys");
  auto a = Keyring::LoadOrCreate(path);
  ASSERT_TRUE(a.ok()) << a.error().message;
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFile(path);
  EXPECT_NE(text.find("cgkey1 1 "), std::string::npos) << text;
  auto b = Keyring::LoadOrCreate(path);  // the same key, not a new one
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b->Open(a->Seal("x")), "x");
  EXPECT_EQ(ReadFile(path), text);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename(), "keys") << "no temporary file is left behind";
}

TEST(KeyFile, SaveIsAtomicAndPrivate) {
  TempDir dir;
  const std::string path = dir.File("keys");
  Keyring ring = Keyring::Generate();
  ring.AddKey();
  ASSERT_TRUE(ring.Save(path).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = Keyring::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->ids(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(*loaded->Open(ring.Seal("x")), "x");
  EXPECT_FALSE(ring.Save(dir.File("missing/keys")).ok());
}

TEST(KeyFile, CommentsBlankLinesAndFormat) {
  TempDir dir;
  auto ring = Keyring::Load(KeyFile(
      dir, "# keys\n\n  # indented comment\ncgkey1 3 " + kHexKey + "\r\ncgkey1 1\t" + std::string(64, 'B') + "\n"));
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_EQ(ring->ids(), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(ring->current(), 3u);
  EXPECT_EQ(Keyring::KeyIdOf(ring->Seal("x")), 3u);
}

TEST(KeyFile, RefusesWidePermissions) {
  TempDir dir;
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    auto r = Keyring::Load(KeyFile(dir, "cgkey1 1 " + kHexKey + "\n", mode));
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.error().field, "keys");
    EXPECT_NE(r.error().message.find("permissions"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos) << r.error().message;
  }
  EXPECT_TRUE(Keyring::Load(KeyFile(dir, "cgkey1 1 " + kHexKey + "\n", 0400)).ok());
  // LoadOrCreate does not create over a refused file.
  EXPECT_FALSE(Keyring::LoadOrCreate(KeyFile(dir, "cgkey1 1 " + kHexKey + "\n", 0644)).ok());
}

TEST(KeyFile, MissingFileAndDirectory) {
  TempDir dir;
  auto r = Keyring::Load(dir.File("nothing"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no such file"), std::string::npos) << r.error().message;
  EXPECT_FALSE(Keyring::Load(dir.path().string()).ok());
  EXPECT_FALSE(Keyring::LoadOrCreate(dir.File("no/such/dir/keys")).ok());
}

TEST(KeyFile, MalformedLinesNameTheirLine) {
  TempDir dir;
  const std::string good = "cgkey1 1 " + kHexKey + "\n";
  struct Case {
    std::string text;
    std::string expect;
  };
  for (const Case& c : std::vector<Case>{
           {"# only a comment\n", "holds no key"},
           {"", "holds no key"},
           {good + "cgkey2 2 " + kHexKey + "\n", "line 2"},
           {good + "cgkey1 2\n", "line 2"},
           {good + "cgkey1 2 " + kHexKey + " extra\n", "line 2"},
           {"#\n" + good + "cgkey1 0 " + kHexKey + "\n", "line 3"},
           {good + "cgkey1 -1 " + kHexKey + "\n", "line 2"},
           {good + "cgkey1 4294967296 " + kHexKey + "\n", "line 2"},
           {good + "cgkey1 2 " + kHexKey.substr(2) + "\n", "64 hex digits"},
           {good + "cgkey1 2 " + kHexKey.substr(2) + "zz\n", "64 hex digits"},
           {good + good, "appears twice"},
       }) {
    auto r = Keyring::Load(KeyFile(dir, c.text));
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, "invalid_argument");
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
}

TEST(Masking, Phones) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::vector<Case>{
           {"13800001234", "138****1234"},
           {"0539-8123456", "053*-***3456"},
           {"05398123456", "053****3456"},
           {"+86 138 0000 1234", "+86 1** **** 1234"},
           {"12345678", "123*5678"},
           {"1234567", "*****67"},
           {"12345", "***45"},
           {"12", "12"},
           {"", ""},
           {"无", "无"},
           {"电话：13800001234（晚上）", "电话：138****1234（晚上）"},
           {"１３８００００１２３４", "１３８****１２３４"},  // full-width digits are digits too
           {"138\xff"
            "00001234",
            "138\xEF\xBF\xBD****1234"},  // a bad byte becomes U+FFFD
       }) {
    EXPECT_EQ(MaskPhone(c.in), c.out) << c.in;
  }
}

TEST(Masking, Names) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::vector<Case>{
           {"张三", "张*"},
           {"王女士", "王**"},
           {"欧阳娜娜", "欧***"},
           {"李", "*"},
           {"", ""},
           {"Li Lei", "L*****"},
           {"𠀀𠀁", "𠀀*"},                // a four-byte code point is one character
           {"\xe5\xbc", "\xEF\xBF\xBD*"},  // a truncated sequence: two bad bytes
       }) {
    EXPECT_EQ(MaskName(c.in), c.out) << c.in;
  }
}

}  // namespace
}  // namespace civicgrid::security
