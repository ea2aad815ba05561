#include "app/credentials.h"

#include <sodium.h>

#include <mutex>

namespace civicgrid::app {
namespace {

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
  });
}

struct Limits {
  unsigned long long ops;
  size_t mem;
};

Limits LimitsOf(PasswordCost cost) {
  switch (cost) {
    case PasswordCost::kInteractive: return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
    case PasswordCost::kModerate: return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case PasswordCost::kMinimal: break;
  }
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

}  // namespace

Result<PasswordCost> ParsePasswordCost(std::string_view name) {
  if (name == "interactive") return PasswordCost::kInteractive;
  if (name == "moderate") return PasswordCost::kModerate;
  if (name == "minimal") return PasswordCost::kMinimal;
  return Error::InvalidArgument("password cost must be interactive, moderate or minimal", "password_cost");
}

Result<void> CheckPasswordStrength(std::string_view pw) {
  if (pw.size() < 8) return Error::InvalidArgument("a password has at least 8 characters", "password");
  if (pw.size() > 128) return Error::InvalidArgument("a password has at most 128 bytes", "password");
  if (pw.find_first_not_of(pw[0]) == std::string_view::npos)
    return Error::InvalidArgument("a password is not one character repeated", "password");
  for (unsigned char ch : pw)
    if (ch < 0x20 || ch == 0x7f) return Error::InvalidArgument("a password has no control characters", "password");
  return {};
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  InitSodium();
  const Limits l = LimitsOf(cost);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), l.ops, l.mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Error::Internal("out of memory while hashing a password");
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  InitSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);  // NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void VerifyDummyPassword(std::string_view password, PasswordCost cost) {
  static const std::string dummy = [cost] {
    auto h = HashPassword("civicgrid-dummy-password", cost);
    return h ? *h : std::string();
  }();
  (void)VerifyPassword(dummy, password);
}

std::string NewToken(std::string_view prefix) {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(prefix) + out;
}

std::string NewPassword(size_t length) {
  InitSodium();
  static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (size_t i = 0; i < length; ++i) out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

std::string TokenDigest(std::string_view token) {
  InitSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return Hex(digest, sizeof digest);
}

}  // namespace civicgrid::app
