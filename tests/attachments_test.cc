// Case attachments: magic-byte detection, the content-addressed store on disk, the attachment settings,
// and the upload/download routes on a real server on a random loopback port.
#include "app/attachments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "common/config.h"
#include "http/attachment_routes.h"
#include "http/server.h"
#include "support/http_client.h"
#include "support/scoped_env.h"
#include "support/test_guard.h"
#include "support/temp_dir.h"

namespace civicgrid {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using testing::HttpGet;
using testing::HttpRequest;
using testing::ReadFile;
using testing::WriteFile;

std::string Bytes(std::initializer_list<unsigned char> bytes) { return std::string(bytes.begin(), bytes.end()); }

// A real 3×2 RGB PNG (IHDR, one IDAT, IEND).
const std::string kPng = Bytes({
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12, 0x16, 0xf1,
    0x4d, 0x00, 0x00, 0x00, 0x15, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcf, 0xc0, 0xc0,
    0x00, 0xc1, 0xff, 0xff, 0x83, 0xe8, 0x86, 0x86, 0x06, 0x00, 0x47, 0xcf, 0x07, 0x7b, 0x62, 0x21,
    0x8f, 0x81, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
});
constexpr const char* kPngSha256 = "34333baa05ca88954f2d0076d40f39548b10b78f6a2a0813a5b55ff816878572";

// A real baseline grayscale JPEG (JFIF, DQT, SOF0, DHT, SOS, EOI), 2×2 with its frame width set to 3:
// one 8×8 block covers either size, so it is a valid 3×2 image.
const std::string kJpeg = Bytes({
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08,
    0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0a, 0x0c, 0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c, 0x19, 0x12,
    0x13, 0x0f, 0x14, 0x1d, 0x1a, 0x1f, 0x1e, 0x1d, 0x1a, 0x1c, 0x1c, 0x20, 0x24, 0x2e, 0x27, 0x20,
    0x22, 0x2c, 0x23, 0x1c, 0x1c, 0x28, 0x37, 0x29, 0x2c, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1f, 0x27,
    0x39, 0x3d, 0x38, 0x32, 0x3c, 0x2e, 0x33, 0x34, 0x32, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x02,
    0x00, 0x03, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x1f, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xff, 0xc4, 0x00, 0xb5, 0x10, 0x00, 0x02, 0x01, 0x03,
    0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01, 0x02, 0x03, 0x00,
    0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32,
    0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72,
    0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35,
    0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55,
    0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75,
    0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2,
    0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
    0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6,
    0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xff, 0xda,
    0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x2b, 0xff, 0xd9
});

// Real 1×1 WebP images: lossless (VP8L) and lossy (VP8).
const std::string kWebpLossless = Bytes({
    0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c,
    0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe,
    0x07, 0x00
});
const std::string kWebpLossy = Bytes({
    0x52, 0x49, 0x46, 0x46, 0x22, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20,
    0x16, 0x00, 0x00, 0x00, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x01, 0x00, 0x01, 0x00, 0x0e, 0xc0,
    0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00
});

std::string Le32(uint32_t v) {
  return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
                     static_cast<char>((v >> 16) & 0xFF), static_cast<char>((v >> 24) & 0xFF)};
}

// A RIFF/WEBP container holding one chunk, with a correct RIFF size.
std::string Webp(const std::string& fourcc, const std::string& data) {
  std::string chunk = fourcc + Le32(static_cast<uint32_t>(data.size())) + data;
  if (data.size() % 2) chunk.push_back('\0');
  return "RIFF" + Le32(static_cast<uint32_t>(4 + chunk.size())) + "WEBP" + chunk;
}

// The header of an extended WebP (VP8X) with a canvas of w×h.
std::string WebpExtended(uint32_t w, uint32_t h) {
  std::string data(10, '\0');
  for (int i = 0; i < 3; ++i) {
    data[4 + i] = static_cast<char>(((w - 1) >> (8 * i)) & 0xFF);
    data[7 + i] = static_cast<char>(((h - 1) >> (8 * i)) & 0xFF);
  }
  return Webp("VP8X", data);
}

// Every regular file under `root`, relative to it.
std::vector<std::string> FilesUnder(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) out.push_back(fs::relative(e.path(), root).string());
  }
  return out;
}

void ExpectImage(const std::string& bytes, const std::string& type, uint32_t w, uint32_t h) {
  auto info = app::SniffImage(bytes);
  ASSERT_TRUE(info.has_value()) << type;
  EXPECT_EQ(info->content_type, type);
  EXPECT_EQ(info->width, w) << type;
  EXPECT_EQ(info->height, h) << type;
}

TEST(SniffImage, RealImagesWithTheirDimensions) {
  ExpectImage(kPng, "image/png", 3, 2);
  ExpectImage(kJpeg, "image/jpeg", 3, 2);
  ExpectImage(kWebpLossless, "image/webp", 1, 1);
  ExpectImage(kWebpLossy, "image/webp", 1, 1);
}

TEST(SniffImage, WebpHeaders) {
  ExpectImage(WebpExtended(640, 480), "image/webp", 640, 480);
  ExpectImage(WebpExtended(1 << 24, 3), "image/webp", 1 << 24, 3);
  // VP8L: signature 0x2F, then width-1 and height-1 in 14 bits each.
  ExpectImage(Webp("VP8L", "\x2f" + Le32((5 - 1) | ((3 - 1) << 14))), "image/webp", 5, 3);
  // VP8: a key frame's start code, then 14-bit dimensions (the top 2 bits are a scale).
  ExpectImage(Webp("VP8 ", Bytes({0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0xc1})), "image/webp", 640,
              480);
  // A VP8 chunk too short for its frame header: still a WebP, dimensions unknown.
  ExpectImage(Webp("VP8 ", Bytes({0x30, 0x01})), "image/webp", 0, 0);
}

TEST(SniffImage, JpegDimensionsComeFromTheFrameHeaderNotAThumbnail) {
  // APP1 (Exif) holding a thumbnail's SOF0 of 160×120, then the image's own progressive SOF2 of 4000×3000.
  std::string jpeg = Bytes({0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x0D, 'E', 'x', 'i', 'f', 0, 0, 0xFF, 0xC0, 0x00, 0x78,
                            0x00, 0xFF, 0xFF, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x0B, 0xB8, 0x0F, 0xA0, 0x01, 0x01, 0x11,
                            0x00, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9});
  ExpectImage(jpeg, "image/jpeg", 4000, 3000);
  // Only the magic bytes, or a frame header cut short: a JPEG whose dimensions are unknown.
  ExpectImage(Bytes({0xFF, 0xD8, 0xFF}), "image/jpeg", 0, 0);
  ExpectImage(kJpeg.substr(0, 95), "image/jpeg", 0, 0);
  // Extended sequential (SOF1) counts too.
  std::string sof1 = kJpeg;
  sof1[90] = static_cast<char>(0xC1);
  ExpectImage(sof1, "image/jpeg", 3, 2);
}

TEST(SniffImage, RejectsWhatIsNotAJpegPngOrWebp) {
  EXPECT_FALSE(app::SniffImage(""));
  EXPECT_FALSE(app::SniffImage("hello, this is a text file\n"));
  EXPECT_FALSE(app::SniffImage("GIF89a\x01\x00\x01\x00"));
  EXPECT_FALSE(app::SniffImage(Bytes({0xFF, 0xD8})));  // two of JPEG's three magic bytes
  EXPECT_FALSE(app::SniffImage("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
  EXPECT_FALSE(app::SniffImage("%PDF-1.7\n"));
}

TEST(SniffImage, RejectsATruncatedOrDamagedPng) {
  for (size_t n : {1, 8, 16, 24, 32}) EXPECT_FALSE(app::SniffImage(kPng.substr(0, n))) << n << " bytes";
  EXPECT_TRUE(app::SniffImage(kPng.substr(0, 33)));  // signature and a whole IHDR
  std::string bad_crc = kPng;
  bad_crc[29] ^= 1;
  EXPECT_FALSE(app::SniffImage(bad_crc));
  std::string zero_width = kPng;
  zero_width[19] = 0;  // a zero width (and so a wrong CRC)
  EXPECT_FALSE(app::SniffImage(zero_width));
  std::string not_ihdr = kPng;
  not_ihdr[12] = 'X';
  EXPECT_FALSE(app::SniffImage(not_ihdr));
}

TEST(SniffImage, RejectsAWebpWithAnInconsistentRiffSize) {
  EXPECT_FALSE(app::SniffImage(kWebpLossless.substr(0, kWebpLossless.size() - 1)));  // truncated
  EXPECT_FALSE(app::SniffImage(kWebpLossless + "x"));                                 // trailing data
  std::string wave = kWebpLossless;
  wave.replace(8, 4, "WAVE");
  EXPECT_FALSE(app::SniffImage(wave));
  EXPECT_FALSE(app::SniffImage(Webp("ALPH", "abcd")));  // the first chunk must be VP8, VP8L or VP8X
  std::string long_chunk = kWebpLossless;
  long_chunk[16] = 0x7F;  // a chunk longer than the container
  EXPECT_FALSE(app::SniffImage(long_chunk));
}

TEST(AttachmentId, SixtyFourHexDigits) {
  EXPECT_TRUE(app::IsAttachmentId(kPngSha256));
  EXPECT_TRUE(app::IsAttachmentId(std::string(64, 'F')));
  EXPECT_FALSE(app::IsAttachmentId(std::string(63, 'a')));
  EXPECT_FALSE(app::IsAttachmentId(std::string(65, 'a')));
  EXPECT_FALSE(app::IsAttachmentId(std::string(64, 'g')));
  EXPECT_FALSE(app::IsAttachmentId("../" + std::string(61, 'a')));
}

class AttachmentStoreTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_.path() / "attachments"; }
  testing::TempDir dir_;
};

TEST_F(AttachmentStoreTest, PutStoresContentAddressed) {
  app::AttachmentStore store(root());
  auto a = store.Put(kPng);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->id, kPngSha256);
  EXPECT_EQ(a->content_type, "image/png");
  EXPECT_EQ(a->size, kPng.size());
  EXPECT_EQ(a->width, 3u);
  EXPECT_EQ(a->height, 2u);
  const fs::path path = root() / "34" / "33" / kPngSha256;
  EXPECT_EQ(store.PathFor(a->id), path);
  EXPECT_EQ(ReadFile(path.string()), kPng);
  EXPECT_TRUE(store.Exists(a->id));
}

TEST_F(AttachmentStoreTest, SameBytesTwiceIsOneFile) {
  app::AttachmentStore store(root());
  auto first = store.Put(kJpeg);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto mtime = fs::last_write_time(store.PathFor(first->id));
  auto second = store.Put(std::string(kJpeg));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->width, 3u);
  EXPECT_EQ(fs::last_write_time(store.PathFor(first->id)), mtime);  // not rewritten
  EXPECT_EQ(FilesUnder(root()).size(), 1u);
}

TEST_F(AttachmentStoreTest, ManyImagesLeaveOnlyFinalFiles) {
  app::AttachmentStore store(root());
  std::vector<std::string> ids;
  for (const std::string& image : {kPng, kJpeg, kWebpLossless, kWebpLossy, WebpExtended(100, 50)}) {
    auto a = store.Put(image);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ids.push_back(a->id);
  }
  // Rejected uploads write nothing.
  EXPECT_FALSE(store.Put("not an image").ok());
  auto files = FilesUnder(root());
  ASSERT_EQ(files.size(), ids.size());
  for (const std::string& id : ids) {
    const std::string rel = id.substr(0, 2) + "/" + id.substr(2, 2) + "/" + id;
    EXPECT_NE(std::find(files.begin(), files.end(), rel), files.end()) << rel;
  }
  for (const std::string& f : files) EXPECT_EQ(f.find(".tmp"), std::string::npos) << f;
}

TEST_F(AttachmentStoreTest, ForgedTextIsUnsupported) {
  app::AttachmentStore store(root());
  auto a = store.Put("this is plain text, whatever the client says");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "unsupported_media_type");
  EXPECT_EQ(a.error().field, "file");
  EXPECT_EQ(http::StatusFor(a.error()), 415u);
  auto truncated = store.Put(kPng.substr(0, 20));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, "unsupported_media_type");
  EXPECT_FALSE(fs::exists(root()));
}

TEST_F(AttachmentStoreTest, EmptyAndOversizedAreRefused) {
  app::AttachmentStore store(root(), kPng.size() + 10);
  EXPECT_EQ(store.max_bytes(), kPng.size() + 10);
  auto empty = store.Put("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "invalid_argument");
  EXPECT_EQ(empty.error().field, "file");
  auto big = store.Put(kPng + std::string(11, 'x'));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, "payload_too_large");
  EXPECT_EQ(big.error().field, "file");
  EXPECT_EQ(http::StatusFor(big.error()), 413u);
  EXPECT_TRUE(store.Put(kPng + std::string(10, 'x')).ok());  // exactly at the limit
  EXPECT_EQ(app::AttachmentStore(root()).max_bytes(), 10u * 1024 * 1024);
}

TEST_F(AttachmentStoreTest, GetAnswersBytesAndType) {
  app::AttachmentStore store(root());
  auto a = store.Put(kWebpLossy);
  ASSERT_TRUE(a.ok());
  auto c = store.Get(a->id);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->bytes, kWebpLossy);
  EXPECT_EQ(c->content_type, "image/webp");
  std::string upper = a->id;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  ASSERT_TRUE(store.Get(upper).ok());
  EXPECT_TRUE(store.Exists(upper));
}

TEST_F(AttachmentStoreTest, GetRefusesBadIdsAndAnswersNotFound) {
  app::AttachmentStore store(root());
  for (std::string id : {std::string("abc"), std::string(64, 'z'), "../../" + std::string(58, 'a'), std::string()}) {
    auto c = store.Get(id);
    ASSERT_FALSE(c.ok()) << id;
    EXPECT_EQ(c.error().code, "invalid_argument") << id;
    EXPECT_EQ(c.error().field, "id");
    EXPECT_FALSE(store.Exists(id));
  }
  auto missing = store.Get(kPngSha256);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "not_found");
  EXPECT_EQ(missing.error().field, "id");
  EXPECT_FALSE(store.Exists(kPngSha256));
}

TEST_F(AttachmentStoreTest, ADamagedFileIsAnInternalError) {
  app::AttachmentStore store(root());
  auto a = store.Put(kPng);
  ASSERT_TRUE(a.ok());
  WriteFile(store.PathFor(a->id).string(), "garbage");
  auto c = store.Get(a->id);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "internal");
  // A file of the wrong size under the name is replaced by the next Put of the real bytes.
  ASSERT_TRUE(store.Put(kPng).ok());
  EXPECT_EQ(ReadFile(store.PathFor(a->id).string()), kPng);
}

using testing::ScopedEnv;

TEST(AttachmentConfig, DefaultsFileAndEnvironment) {
  testing::TempDir dir;
  WriteFile(dir.File("empty.toml"), "");
  auto d = LoadConfig(dir.File("empty.toml"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->attachments_dir, "var/attachments");
  EXPECT_EQ(d->attachment_max_bytes, 10485760u);

  WriteFile(dir.File("c.toml"), "[attachments]\ndir = \"/srv/photos\"\nmax_bytes = 2048\n");
  auto f = LoadConfig(dir.File("c.toml"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->attachments_dir, "/srv/photos");
  EXPECT_EQ(f->attachment_max_bytes, 2048u);
  {
    ScopedEnv dir_env("CIVICGRID_ATTACHMENTS_DIR", "/data/att");
    ScopedEnv max_env("CIVICGRID_ATTACHMENT_MAX_BYTES", "5000000");
    auto e = LoadConfig(dir.File("c.toml"));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->attachments_dir, "/data/att");
    EXPECT_EQ(e->attachment_max_bytes, 5000000u);
  }
  // The example configuration parses and states the defaults.
  auto example = LoadConfig(CIVICGRID_SOURCE_DIR "/config/civicgrid.example.toml");
  ASSERT_TRUE(example.ok()) << example.error().message;
  EXPECT_EQ(example->attachments_dir, "var/attachments");
  EXPECT_EQ(example->attachment_max_bytes, 10485760u);
}

TEST(AttachmentConfig, InvalidMaxBytesIsAnError) {
  testing::TempDir dir;
  WriteFile(dir.File("empty.toml"), "");
  for (const char* bad : {"0", "-1", "12abc", " 12", "+12", "1073741825", "99999999999999999999999999"}) {
    ScopedEnv env("CIVICGRID_ATTACHMENT_MAX_BYTES", bad);
    auto c = LoadConfig(dir.File("empty.toml"));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "attachment_max_bytes") << bad;
  }
  {
    ScopedEnv env("CIVICGRID_ATTACHMENT_MAX_BYTES", "1073741824");
    EXPECT_TRUE(LoadConfig(dir.File("empty.toml")).ok());
  }
  for (const char* bad : {"max_bytes = 0", "max_bytes = -5", "max_bytes = \"10MB\"", "max_bytes = 1.5",
                          "max_bytes = 2000000000"}) {
    WriteFile(dir.File("bad.toml"), std::string("[attachments]\n") + bad + "\n");
    auto c = LoadConfig(dir.File("bad.toml"));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().field, "attachment_max_bytes") << bad;
  }
}

http::Request MultipartRequest(const std::string& content_type, const std::string& body) {
  http::Request r;
  r.method = http::Verb::post;
  r.headers["content-type"] = content_type;
  r.body = body;
  return r;
}

TEST(UploadedFile, RawBodyWhateverTheDeclaredType) {
  for (const char* type : {"image/png", "application/octet-stream", "text/plain", ""}) {
    const http::Request req = MultipartRequest(type, kPng);
    auto f = http::UploadedFile(req);
    ASSERT_TRUE(f.ok()) << type;
    EXPECT_EQ(*f, kPng);
  }
}

TEST(UploadedFile, MultipartWithPreambleOtherFieldsAndEpilogue) {
  const std::string body =
      "This is the preamble; it is ignored.\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "a note, not the file\r\n"
      "--XyZ  \r\n"  // transport padding
      "content-disposition: form-data; name=\"file\"; filename=\"photo; 1.png\"\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n" +
      kPng +
      "\r\n"
      "--XyZ--\r\n"
      "This is the epilogue.";
  for (const char* type : {"multipart/form-data; boundary=XyZ", "Multipart/Form-Data;boundary=\"XyZ\"",
                           "multipart/form-data; charset=utf-8; boundary=XyZ"}) {
    const http::Request req = MultipartRequest(type, body);
    auto f = http::UploadedFile(req);
    ASSERT_TRUE(f.ok()) << type << ": " << f.error().message;
    EXPECT_EQ(*f, kPng) << type;
  }
}

TEST(UploadedFile, MultipartOpeningWithTheBoundaryAndAnEmptyFile) {
  const http::Request req = MultipartRequest(
      "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--b--");
  auto f = http::UploadedFile(req);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(*f, "");
}

TEST(UploadedFile, MalformedMultipartIsABadRequestOnFile) {
  const std::string part = "Content-Disposition: form-data; name=\"file\"\r\n\r\nDATA\r\n";
  const std::pair<std::string, std::string> cases[] = {
      {"multipart/form-data", "--b\r\n" + part + "--b--"},                          // no boundary parameter
      {"multipart/form-data; boundary=", "--\r\n" + part + "----"},                 // empty boundary
      {"multipart/form-data; boundary=\"b", "--b\r\n" + part + "--b--"},            // unclosed quote
      {"multipart/form-data; boundary=" + std::string(71, 'b'), "x"},               // too long
      {"multipart/form-data; boundary=b", "no delimiter at all"},                   // boundary absent
      {"multipart/form-data; boundary=b", "--b\r\n" + part},                        // never closed
      {"multipart/form-data; boundary=b",
       "--b\r\nContent-Disposition: form-data; name=\"file\"\r\nDATA"},  // headers never end
      {"multipart/form-data; boundary=b", "--bX\r\n" + part + "--b--"},             // not followed by CRLF
      {"multipart/form-data; boundary=b", "--b\r\nContent-Type: image/png\r\n\r\nDATA\r\n--b--"},  // no disposition
      {"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nD\r\n--b--"},
      {"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data\r\n\r\nDATA\r\n--b--"},  // no name
      {"multipart/form-data; boundary=b", "--b\r\nbroken header line\r\n\r\nDATA\r\n--b--"},
      {"multipart/form-data; boundary=b", "--b--"},                                                     // no parts
      {"multipart/form-data; boundary=b",
       "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nDATA\r\n--b--"},  // no part named file
      {"multipart/form-data; boundary=b", "--b\r\n" + part + "--b\r\n" + part + "--b--"},  // two files
  };
  for (const auto& [type, body] : cases) {
    const http::Request req = MultipartRequest(type, body);
    auto f = http::UploadedFile(req);
    ASSERT_FALSE(f.ok()) << type << " | " << body;
    EXPECT_EQ(f.error().code, "invalid_argument") << body;
    EXPECT_EQ(f.error().field, "file") << body;
  }
}

// A HEAD request (the support client would wait for a body that never comes).
boost::beast::http::response<boost::beast::http::string_body> Head(unsigned short port, const std::string& target) {
  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{bhttp::verb::head, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(true);
  bhttp::read(socket, buffer, parser);
  return parser.release();
}

class AttachmentApi : public ::testing::Test {
 protected:
  static constexpr std::size_t kMaxBytes = 64 * 1024;

  void SetUp() override {
    store_ = std::make_unique<app::AttachmentStore>(dir_.path() / "attachments", kMaxBytes);
    router_.SetGuard(testing::SignedInGuard());
    http::AddStandardRoutes(router_, metrics_);
    http::AddAttachmentRoutes(router_, *store_);
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.log_requests = false;
    o.max_body_bytes = kMaxBytes + 16 * 1024;  // the image plus multipart framing
    server_ = std::make_unique<http::Server>(o, router_, metrics_);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }
  void TearDown() override { server_->Stop(); }

  // POSTs `body` and expects `status`; answers the parsed JSON.
  json::object Post(const std::string& body, const std::string& content_type, unsigned status) {
    auto reply = HttpRequest(port_, "POST", "/api/v1/attachments", body, {{"Content-Type", content_type}});
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.headers["content-type"], "application/json");
    json::value v = json::parse(reply.body);
    return v.as_object();
  }
  void ExpectError(const json::object& o, const std::string& code, const std::string& field) {
    EXPECT_EQ(o.at("error").at("code").as_string(), code);
    EXPECT_EQ(o.at("error").at("field").as_string(), field);
    EXPECT_FALSE(o.at("error").at("message").as_string().empty());
  }

  testing::TempDir dir_;
  std::unique_ptr<app::AttachmentStore> store_;
  http::Router router_;
  http::Metrics metrics_;
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
};

TEST_F(AttachmentApi, RawUploadAndDownloadByteIdentical) {
  auto o = Post(kPng, "image/png", 201);
  EXPECT_EQ(o.at("id").as_string(), kPngSha256);
  EXPECT_EQ(o.at("content_type").as_string(), "image/png");
  EXPECT_EQ(o.at("size").to_number<int64_t>(), static_cast<int64_t>(kPng.size()));
  EXPECT_EQ(o.at("width").to_number<int64_t>(), 3);
  EXPECT_EQ(o.at("height").to_number<int64_t>(), 2);
  const std::string url = "/api/v1/attachments/" + std::string(kPngSha256);
  EXPECT_EQ(o.at("url").as_string(), url);

  auto got = HttpGet(port_, url);
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_EQ(got.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(got.headers["etag"], "\"" + std::string(kPngSha256) + "\"");
  EXPECT_EQ(got.headers["x-content-type-options"], "nosniff");
}

TEST_F(AttachmentApi, MultipartUploadAndDownloadByteIdentical) {
  const std::string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
  const std::string body = "--" + boundary +
                           "\r\n"
                           "Content-Disposition: form-data; name=\"caption\"\r\n\r\n"
                           "pothole on the corner\r\n"
                           "--" + boundary +
                           "\r\n"
                           "Content-Disposition: form-data; name=\"file\"; filename=\"pothole.jpg\"\r\n"
                           "Content-Type: image/jpeg\r\n\r\n" +
                           kJpeg + "\r\n--" + boundary + "--\r\n";
  auto o = Post(body, "multipart/form-data; boundary=" + boundary, 201);
  EXPECT_EQ(o.at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(o.at("size").to_number<int64_t>(), static_cast<int64_t>(kJpeg.size()));
  EXPECT_EQ(o.at("width").to_number<int64_t>(), 3);
  EXPECT_EQ(o.at("height").to_number<int64_t>(), 2);
  auto got = HttpGet(port_, std::string(o.at("url").as_string()));
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(got.body, kJpeg);
  EXPECT_EQ(got.headers["content-type"], "image/jpeg");

  // The same photo again, raw this time: the same id, still one file.
  auto again = Post(kJpeg, "application/octet-stream", 201);
  EXPECT_EQ(again.at("id"), o.at("id"));
  EXPECT_EQ(FilesUnder(store_->root()).size(), 1u);
}

TEST_F(AttachmentApi, WebpUpload) {
  auto o = Post(kWebpLossless, "image/webp", 201);
  EXPECT_EQ(o.at("content_type").as_string(), "image/webp");
  auto got = HttpGet(port_, std::string(o.at("url").as_string()));
  EXPECT_EQ(got.body, kWebpLossless);
  EXPECT_EQ(got.headers["content-type"], "image/webp");
}

TEST_F(AttachmentApi, ForgedContentTypeIs415) {
  ExpectError(Post("just some text\n", "image/png", 415), "unsupported_media_type", "file");
  const std::string multipart = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
                                "Content-Type: image/png\r\n\r\nnot a png\r\n--b--\r\n";
  ExpectError(Post(multipart, "multipart/form-data; boundary=b", 415), "unsupported_media_type", "file");
  ExpectError(Post(kPng.substr(0, 30), "image/png", 415), "unsupported_media_type", "file");  // truncated
  EXPECT_TRUE(FilesUnder(store_->root()).empty());
}

TEST_F(AttachmentApi, TooLargeIs413) {
  ExpectError(Post(kPng + std::string(kMaxBytes, 'x'), "image/png", 413), "payload_too_large", "file");
  EXPECT_TRUE(FilesUnder(store_->root()).empty());
}

TEST_F(AttachmentApi, EmptyAndMalformedAre400) {
  ExpectError(Post("", "image/png", 400), "invalid_argument", "file");
  const std::string unclosed = "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + kPng;
  ExpectError(Post(unclosed, "multipart/form-data; boundary=b", 400), "invalid_argument", "file");
  ExpectError(Post(kPng, "multipart/form-data", 400), "invalid_argument", "file");
}

TEST_F(AttachmentApi, GetMissingOrBadIdIsJson) {
  auto missing = HttpGet(port_, "/api/v1/attachments/" + std::string(64, 'a'));
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(missing.body).at("error").at("code").as_string(), "not_found");
  auto bad = HttpGet(port_, "/api/v1/attachments/..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(json::parse(bad.body).at("error").at("field").as_string(), "id");
}

TEST_F(AttachmentApi, ConditionalAndHeadRequests) {
  auto o = Post(kPng, "image/png", 201);
  const std::string url(o.at("url").as_string());
  const std::string etag = "\"" + std::string(kPngSha256) + "\"";
  auto not_modified = HttpRequest(port_, "GET", url, "", {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(not_modified.status, 304u);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.headers["etag"], etag);
  auto changed = HttpRequest(port_, "GET", url, "", {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(changed.status, 200u);
  EXPECT_EQ(changed.body, kPng);
  // A tag for an attachment that is not stored is no reason for 304.
  const std::string absent(64, 'b');
  auto gone = HttpRequest(port_, "GET", "/api/v1/attachments/" + absent, "", {{"If-None-Match", "*"}});
  EXPECT_EQ(gone.status, 404u);
  auto head = Head(port_, url);
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[boost::beast::http::field::content_length], std::to_string(kPng.size()));
  EXPECT_EQ(head[boost::beast::http::field::content_type], "image/png");
  EXPECT_TRUE(head.body().empty());
}

}  // namespace
}  // namespace civicgrid
