#include "app/attachments.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "common/log.h"

namespace civicgrid::app {
namespace fs = std::filesystem;
namespace {

using Bytes = const unsigned char*;

uint32_t Be16(Bytes p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }
uint32_t Be32(Bytes p) { return Be16(p) << 16 | Be16(p + 2); }
uint32_t Le16(Bytes p) { return static_cast<uint32_t>(p[1]) << 8 | p[0]; }
uint32_t Le24(Bytes p) { return static_cast<uint32_t>(p[2]) << 16 | Le16(p); }
uint32_t Le32(Bytes p) { return static_cast<uint32_t>(p[3]) << 24 | Le24(p); }

// The CRC-32 of PNG chunks (ISO 3309, reflected, polynomial 0xEDB88320).
uint32_t Crc32(Bytes p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

// JPEG: SOI then a marker; the dimensions come from the first frame header (SOFn) before the scan.
std::optional<ImageInfo> SniffJpeg(Bytes b, size_t n) {
  if (n < 3 || b[0] != 0xFF || b[1] != 0xD8 || b[2] != 0xFF) return std::nullopt;
  ImageInfo info{"image/jpeg", 0, 0};
  size_t i = 2;
  while (i < n && b[i] == 0xFF) {
    while (i < n && b[i] == 0xFF) ++i;  // a marker may be preceded by fill bytes
    if (i >= n) break;
    const unsigned char marker = b[i++];
    if (marker == 0x00 || marker == 0xD9 || marker == 0xDA) break;      // invalid, EOI, or SOS: no frame header
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // TEM, RSTn, SOI: no length
    if (i + 2 > n) break;
    const size_t length = Be16(b + i);  // counts itself
    if (length < 2 || length > n - i) break;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      // precision (1), height (2), width (2); a zero height is defined later by a DNL marker: unreadable.
      if (length >= 7 && Be16(b + i + 3) != 0) {
        info.height = Be16(b + i + 3);
        info.width = Be16(b + i + 5);
      }
      break;
    }
    i += length;
  }
  if (info.width == 0) info.height = 0;
  return info;
}

// PNG: the signature, then IHDR first: length 13, a matching CRC, non-zero dimensions below 2^31.
std::optional<ImageInfo> SniffPng(Bytes b, size_t n) {
  static constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (n < 8 || std::memcmp(b, kSignature, 8) != 0) return std::nullopt;
  if (n < 8 + 8 + 13 + 4 || Be32(b + 8) != 13 || std::memcmp(b + 12, "IHDR", 4) != 0) return std::nullopt;
  if (Crc32(b + 12, 4 + 13) != Be32(b + 29)) return std::nullopt;
  const uint32_t width = Be32(b + 16), height = Be32(b + 20);
  if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) return std::nullopt;
  return ImageInfo{"image/png", width, height};
}

// WebP: "RIFF" <size> "WEBP" where size covers exactly the rest of the data, and a first chunk (VP8,
// VP8L or VP8X) that fits inside it.
std::optional<ImageInfo> SniffWebp(Bytes b, size_t n) {
  if (n < 20 || std::memcmp(b, "RIFF", 4) != 0 || std::memcmp(b + 8, "WEBP", 4) != 0) return std::nullopt;
  if (static_cast<uint64_t>(Le32(b + 4)) + 8 != n) return std::nullopt;
  const uint32_t chunk = Le32(b + 16);
  if (chunk > n - 20) return std::nullopt;
  Bytes data = b + 20;
  ImageInfo info{"image/webp", 0, 0};
  if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (2 bits of scale each).
    if (chunk >= 10 && data[3] == 0x9D && data[4] == 0x01 && data[5] == 0x2A) {
      info.width = Le16(data + 6) & 0x3FFF;
      info.height = Le16(data + 8) & 0x3FFF;
    }
  } else if (std::memcmp(b + 12, "VP8L", 4) == 0) {
    // Signature 0x2F, then width-1 and height-1 in 14 bits each.
    if (chunk >= 5 && data[0] == 0x2F) {
      const uint32_t bits = Le32(data + 1);
      info.width = (bits & 0x3FFF) + 1;
      info.height = ((bits >> 14) & 0x3FFF) + 1;
    }
  } else if (std::memcmp(b + 12, "VP8X", 4) == 0) {
    // Flags (1 byte), reserved (3), canvas width-1 and height-1 in 24 bits each.
    if (chunk >= 10) {
      info.width = Le24(data + 4) + 1;
      info.height = Le24(data + 7) + 1;
    }
  } else {
    return std::nullopt;
  }
  if (info.width == 0 || info.height == 0) info.width = info.height = 0;
  return info;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string Hex(const unsigned char* bin, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bin, n);
  out.pop_back();
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest, sizeof digest);
}

// Logs an I/O failure with its details and answers an "internal" error without paths for clients.
Error IoError(std::string_view what, const fs::path& path, int err) {
  std::string reason = std::system_category().message(err);
  log::Error("attachments.io_error", {{"op", what}, {"path", path.string()}, {"error", reason}});
  return Error::Internal("cannot " + std::string(what) + " the attachment: " + reason);
}

// Flushes a directory's entries to disk.
Result<void> FsyncDir(const fs::path& dir) {
  const fs::path d = dir.empty() ? fs::path(".") : dir;
  int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("sync", d, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("sync", d, err);
  return {};
}

// Creates `dir` and any missing parents, fsyncing the parent of each directory made so that the new
// entries survive a crash.
Result<void> MakeDirs(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || fs::is_directory(dir, ec)) return {};
  const fs::path parent = dir.parent_path();
  if (parent != dir) {
    if (auto r = MakeDirs(parent); !r) return r;
  }
  if (::mkdir(dir.c_str(), 0755) != 0) {
    int err = errno;
    if (err != EEXIST || !fs::is_directory(dir, ec)) return IoError("store", dir, err == EEXIST ? ENOTDIR : err);
    return {};  // made meanwhile by another writer
  }
  return FsyncDir(parent);
}

// Closes a descriptor and, unless released, removes the (temporary) file at `path` if one is given.
class FileGuard {
 public:
  FileGuard(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~FileGuard() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;
  int fd() const { return fd_; }
  // Closes the descriptor; answers 0 or an errno.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  // The file is now under its final name: do not remove it.
  void Release() { path_.clear(); }

 private:
  int fd_;
  fs::path path_;
};

// Writes `bytes` to `target` so that the name only ever holds complete content: a temporary file in
// the same directory, fsync, rename, fsync of the directory.
Result<void> WriteAtomically(const fs::path& target, std::string_view bytes) {
  unsigned char nonce[8];
  randombytes_buf(nonce, sizeof nonce);
  const fs::path dir = target.parent_path();
  const fs::path temp = dir / ("." + target.filename().string() + "." + Hex(nonce, sizeof nonce) + ".tmp");
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("store", temp, errno);
  FileGuard file(fd, temp);
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(file.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("store", temp, n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  if (::fsync(file.fd()) != 0) return IoError("store", temp, errno);
  if (int err = file.Close(); err != 0) return IoError("store", temp, err);
  if (::rename(temp.c_str(), target.c_str()) != 0) return IoError("store", target, errno);
  file.Release();
  return FsyncDir(dir);
}

}  // namespace

std::optional<ImageInfo> SniffImage(std::string_view bytes) {
  auto b = reinterpret_cast<Bytes>(bytes.data());
  if (auto info = SniffJpeg(b, bytes.size())) return info;
  if (auto info = SniffPng(b, bytes.size())) return info;
  return SniffWebp(b, bytes.size());
}

bool IsAttachmentId(std::string_view id) {
  if (id.size() != crypto_hash_sha256_BYTES * 2) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

AttachmentStore::AttachmentStore(fs::path root, std::size_t max_bytes) : root_(std::move(root)), max_bytes_(max_bytes) {
  static const bool sodium_ready = sodium_init() >= 0;
  if (!sodium_ready) throw std::runtime_error("libsodium cannot be initialised");
}

fs::path AttachmentStore::PathFor(std::string_view id) const {
  return root_ / std::string(id.substr(0, 2)) / std::string(id.substr(2, 2)) / std::string(id);
}

Result<Attachment> AttachmentStore::Put(std::string_view bytes) {
  if (bytes.empty()) return Error::InvalidArgument("the file is empty", "file");
  if (bytes.size() > max_bytes_)
    return Error{"payload_too_large",
                 "the file is " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(max_bytes_) +
                     " are accepted",
                 "file"};
  auto info = SniffImage(bytes);
  if (!info) return Error{"unsupported_media_type", "the file is not a JPEG, PNG or WebP image", "file"};
  Attachment a{Sha256Hex(bytes), info->content_type, bytes.size(), info->width, info->height};
  const fs::path target = PathFor(a.id);
  std::error_code ec;
  // Content-addressed: a complete file under this name holds these very bytes (only a rename puts it there).
  if (fs::is_regular_file(target, ec) && fs::file_size(target, ec) == bytes.size() && !ec) return a;
  if (auto r = MakeDirs(target.parent_path()); !r) return r.error();
  if (auto r = WriteAtomically(target, bytes); !r) return r.error();
  return a;
}

Result<AttachmentContent> AttachmentStore::Get(std::string_view id_arg) const {
  if (!IsAttachmentId(id_arg)) return Error::InvalidArgument("an attachment id is 64 hex digits", "id");
  const std::string id = Lower(id_arg);
  const fs::path path = PathFor(id);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error::NotFound("no attachment has id '" + id + "'", "id");
    return IoError("read", path, errno);
  }
  FileGuard file(fd, {});
  struct stat st {};
  if (::fstat(fd, &st) != 0) return IoError("read", path, errno);
  if (!S_ISREG(st.st_mode)) return Error::NotFound("no attachment has id '" + id + "'", "id");
  AttachmentContent out;
  out.bytes.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.bytes.size()) {
    ssize_t n = ::read(fd, out.bytes.data() + done, out.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("read", path, errno);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.bytes.resize(done);
  auto info = SniffImage(out.bytes);
  if (!info) {
    log::Error("attachments.damaged", {{"path", path.string()}, {"bytes", out.bytes.size()}});
    return Error::Internal("attachment '" + id + "' is damaged");
  }
  out.content_type = std::move(info->content_type);
  return out;
}

bool AttachmentStore::Exists(std::string_view id) const {
  if (!IsAttachmentId(id)) return false;
  std::error_code ec;
  return fs::is_regular_file(PathFor(Lower(id)), ec);
}

}  // namespace civicgrid::app
