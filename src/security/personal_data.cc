#include "security/personal_data.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace civicgrid::security {
namespace {

constexpr std::string_view kSealedPrefix = "cg1:";
constexpr std::string_view kKeyLinePrefix = "cgkey1";

// libsodium must be initialised once before use; sodium_init is itself idempotent and thread-safe.
void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium cannot be initialised");
}

Error KeyFileError(const std::string& path, const std::string& what) {
  return Error::InvalidArgument("key file '" + path + "': " + what, "keys");
}

Error IoError(const std::string& what, const std::string& path, int err) {
  return Error::Internal(what + " '" + path + "': " + std::strerror(err));
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// A string whose bytes are wiped when it is destroyed (key file text).
struct SecretText {
  std::string text;
  ~SecretText() { sodium_memzero(text.data(), text.size()); }
};

// `s` as a decimal key id (1 to 2^32-1, no leading zero), or nullopt.
std::optional<uint32_t> ParseKeyId(std::string_view s) {
  if (s.empty() || s.size() > 10 || s[0] == '0') return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// Splits `line` at runs of spaces and tabs.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

// fsyncs the directory holding `path`, so that a rename or link in it is durable.
Result<void> SyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return IoError("cannot fsync directory", dir, errno);
  return {};
}

// Writes `text` to a new file `path` (mode 0600; an old file of that name is replaced) and fsyncs it.
Result<void> WriteNewFile(const std::string& path, std::string_view text) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return IoError("cannot remove", path, errno);
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoError("cannot create", path, errno);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::unlink(path.c_str());
      return IoError("cannot write", path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return IoError("cannot write", path, err);
  }
  return {};
}

// A UTF-8 code point read from text: its value (U+FFFD for a bad byte) and the bytes it took.
struct CodePoint {
  char32_t value;
  size_t length;
};

// Decodes the code point at s[i] strictly (no overlong forms, surrogates or values past U+10FFFF); a bad
// byte answers U+FFFD with length 1.
CodePoint DecodeAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  size_t n;
  char32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return {0xFFFD, 1};
  }
  if (i + n > s.size()) return {0xFFFD, 1};
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return {0xFFFD, 1};
    v = (v << 6) | (b(k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return {0xFFFD, 1};
  return {v, n};
}

void AppendUtf8(std::string& out, char32_t v) {
  if (v < 0x80) {
    out += static_cast<char>(v);
  } else if (v < 0x800) {
    out += static_cast<char>(0xC0 | (v >> 6));
    out += static_cast<char>(0x80 | (v & 0x3F));
  } else if (v < 0x10000) {
    out += static_cast<char>(0xE0 | (v >> 12));
    out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (v & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (v >> 18));
    out += static_cast<char>(0x80 | ((v >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (v & 0x3F));
  }
}

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    CodePoint cp = DecodeAt(s, i);
    out.push_back(cp.value);
    i += cp.length;
  }
  return out;
}

bool IsDigit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'\uFF10' && c <= U'\uFF19'); }

}  // namespace

Keyring::Key::Key() { std::memset(bytes, 0, sizeof bytes); }
Keyring::Key::~Key() { sodium_memzero(bytes, sizeof bytes); }

Keyring Keyring::Generate() {
  EnsureSodium();
  Keyring ring;
  crypto_secretbox_keygen(ring.keys_[1].bytes);
  return ring;
}

Result<Keyring> Keyring::Load(const std::string& path) {
  EnsureSodium();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return KeyFileError(path, "no such file");
    return KeyFileError(path, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return KeyFileError(path, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return KeyFileError(path, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return KeyFileError(path, std::string("permissions ") + mode +
                                  " are too wide: group and others must have no access (chmod 600 '" + path + "')");
  }
  SecretText file;
  if (st.st_size > (1 << 20)) return KeyFileError(path, "larger than 1 MiB");
  file.text.reserve(static_cast<size_t>(st.st_size) + 1);  // no reallocation leaves key text behind
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return KeyFileError(path, std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) break;
    file.text.append(buf, static_cast<size_t>(n));
    if (file.text.size() > (1u << 20)) return KeyFileError(path, "larger than 1 MiB");
  }
  sodium_memzero(buf, sizeof buf);

  Keyring ring;
  std::string_view text = file.text;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto f = Fields(line);
    if (f.empty() || f[0][0] == '#') continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (f.size() != 3 || f[0] != kKeyLinePrefix)
      return KeyFileError(path, where + "expected 'cgkey1 <id> <64 hex digits>'");
    auto id = ParseKeyId(f[1]);
    if (!id) return KeyFileError(path, where + "the key id must be a number from 1 to 4294967295");
    if (f[2].size() != 2 * kKeyBytes || !IsHex(f[2]))
      return KeyFileError(path, where + "the key must be 64 hex digits");
    if (ring.keys_.count(*id)) return KeyFileError(path, where + "key " + std::to_string(*id) + " appears twice");
    Key& key = ring.keys_[*id];
    size_t n = 0;
    if (sodium_hex2bin(key.bytes, sizeof key.bytes, f[2].data(), f[2].size(), nullptr, &n, nullptr) != 0 ||
        n != kKeyBytes)
      return KeyFileError(path, where + "the key must be 64 hex digits");
  }
  if (ring.keys_.empty()) return KeyFileError(path, "holds no key");
  return ring;
}

Result<Keyring> Keyring::LoadOrCreate(const std::string& path) {
  EnsureSodium();
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 || errno != ENOENT) return Load(path);
  Keyring ring = Generate();
  // Written under a temporary name, then linked to `path`: link never replaces a file that another
  // process created meanwhile, and `path` never holds a partial file.
  const std::string temp = path + ".new." + std::to_string(::getpid());
  SecretText text;
  ring.FileText(text.text);
  if (auto r = WriteNewFile(temp, text.text); !r) return r.error();
  const bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  const int err = errno;
  ::unlink(temp.c_str());
  if (!linked && err != EEXIST) return IoError("cannot create", path, err);
  if (!linked) return Load(path);  // created by another process meanwhile
  if (auto r = SyncDirectoryOf(path); !r) return r.error();
  return ring;
}

Result<void> Keyring::Save(const std::string& path) const {
  SecretText text;
  FileText(text.text);
  const std::string temp = path + ".new." + std::to_string(::getpid());
  if (auto r = WriteNewFile(temp, text.text); !r) return r;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return IoError("cannot replace", path, err);
  }
  return SyncDirectoryOf(path);
}

void Keyring::FileText(std::string& out) const {
  constexpr std::string_view kHeader =
      "# civicgrid personal-data keys: keep secret, and back up apart from the database.\n"
      "# The highest id seals; every key opens.\n";
  // Reserved up front, so that no reallocation leaves a copy of key text in freed memory.
  out.reserve(kHeader.size() + keys_.size() * (kKeyLinePrefix.size() + 12 + 2 * kKeyBytes + 1));
  out += kHeader;
  char hex[2 * kKeyBytes + 1];
  char id[16];
  for (const auto& [n, key] : keys_) {
    sodium_bin2hex(hex, sizeof hex, key.bytes, kKeyBytes);
    std::snprintf(id, sizeof id, " %u ", static_cast<unsigned>(n));
    out += kKeyLinePrefix;
    out += id;
    out += hex;
    out += '\n';
  }
  sodium_memzero(hex, sizeof hex);
}

uint32_t Keyring::current() const { return keys_.empty() ? 0 : keys_.rbegin()->first; }

uint32_t Keyring::AddKey() {
  EnsureSodium();
  const uint32_t id = current() + 1;
  crypto_secretbox_keygen(keys_[id].bytes);
  return id;
}

void Keyring::KeepOnly(uint32_t id) {
  if (!keys_.count(id)) return;
  for (auto it = keys_.begin(); it != keys_.end();) it = it->first == id ? std::next(it) : keys_.erase(it);
}

std::vector<uint32_t> Keyring::ids() const {
  std::vector<uint32_t> out;
  for (const auto& kv : keys_) out.push_back(kv.first);
  return out;
}

std::string Keyring::Seal(std::string_view plaintext) const {
  if (plaintext.empty()) return {};
  if (keys_.empty()) throw std::logic_error("Keyring::Seal on a ring without keys");
  EnsureSodium();
  const auto& [id, key] = *keys_.rbegin();
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, key.bytes);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string b64(sodium_base64_encoded_len(box.size(), variant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(box.data()), box.size(), variant);
  b64.resize(std::strlen(b64.c_str()));
  return std::string(kSealedPrefix) + std::to_string(id) + ":" + b64;
}

Result<std::string> Keyring::Open(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  if (sealed.substr(0, kSealedPrefix.size()) != kSealedPrefix) return std::string(sealed);
  EnsureSodium();
  auto id = KeyIdOf(sealed);
  if (!id) return Error::Internal("cannot decrypt personal data: malformed sealed value");
  auto key = keys_.find(*id);
  if (key == keys_.end())
    return Error::Internal("cannot decrypt personal data: key " + std::to_string(*id) + " unknown");
  const std::string_view b64 = sealed.substr(sealed.find(':', kSealedPrefix.size()) + 1);
  std::string box(b64.size(), '\0');  // base64 decodes to fewer bytes than it has characters
  size_t n = 0;
  const Error altered =
      Error::Internal("cannot decrypt personal data: data altered (sealed with key " + std::to_string(*id) + ")");
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), b64.data(), b64.size(), nullptr, &n,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return altered;
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  const size_t boxed = n - crypto_secretbox_NONCEBYTES;
  std::string plain(boxed - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 boxed, nonce, key->second.bytes) != 0)
    return altered;
  return plain;
}

std::optional<uint32_t> Keyring::KeyIdOf(std::string_view sealed) {
  if (sealed.substr(0, kSealedPrefix.size()) != kSealedPrefix) return std::nullopt;
  sealed.remove_prefix(kSealedPrefix.size());
  size_t colon = sealed.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return ParseKeyId(sealed.substr(0, colon));
}

std::string MaskPhone(std::string_view phone) {
  const auto cps = CodePoints(phone);
  size_t digits = 0;
  for (char32_t c : cps) digits += IsDigit(c);
  const size_t keep_head = digits >= 8 ? 3 : 0;
  const size_t keep_tail = digits >= 8 ? 4 : 2;
  std::string out;
  out.reserve(phone.size());
  size_t k = 0;  // index of the digit among the digits
  for (char32_t c : cps) {
    if (!IsDigit(c)) {
      AppendUtf8(out, c);
      continue;
    }
    const bool keep = k < keep_head || k + keep_tail >= digits;
    ++k;
    if (keep)
      AppendUtf8(out, c);
    else
      out += '*';
  }
  return out;
}

std::string MaskName(std::string_view name) {
  const auto cps = CodePoints(name);
  if (cps.empty()) return {};
  if (cps.size() == 1) return "*";
  std::string out;
  AppendUtf8(out, cps[0]);
  out.append(cps.size() - 1, '*');
  return out;
}

}  // namespace civicgrid::security
