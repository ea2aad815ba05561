// Personal data at rest and in answers: sealing with numbered keys, and masking for display.
//
// Values such as a reporter's name and phone number are stored sealed with XSalsa20-Poly1305
// (libsodium's crypto_secretbox_easy) under a 32-byte key from a Keyring. A sealed value is text:
//
//   cg1:<key id>:<base64url, no padding, of nonce (24 bytes) || MAC (16) || ciphertext>
//
// The newest key (the highest id) seals; every key in the ring opens. Rotation: AddKey, Save, re-seal
// the stored values, then KeepOnly the new key and Save again.
//
// The key file is text, one key per line, '#' starting a comment line; blank lines are ignored:
//
//   cgkey1 <id> <64 lowercase hex digits>
//
// It must be a regular file that neither group nor others may access (mode 0600 or narrower).
//
//   auto ring = security::Keyring::LoadOrCreate("/etc/civicgrid/personal-data.keys");
//   std::string sealed = ring->Seal("13800001234");  // "cg1:1:..."
//   auto phone = ring->Open(sealed);                  // "13800001234"
//   security::MaskPhone(*phone);                      // "138****1234"
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace civicgrid::security {

// Numbered secret keys. Holds at least one key, except once moved from. Key bytes are wiped from memory
// when the ring (or a key dropped from it) is destroyed; a ring is moved, never copied. Not safe to
// change from one thread while another uses it; concurrent Seal and Open calls are safe.
class Keyring {
 public:
  static constexpr size_t kKeyBytes = 32;

  // A ring held only in memory, with one new random key, id 1.
  static Keyring Generate();

  // Reads the key file at `path`. Fails with invalid_argument (field "keys") when the file is missing or
  // unreadable, is not a regular file, is accessible by group or others (its mode is named), has a
  // malformed line (its line number is named), repeats a key id, or holds no key. Key ids are 1 to
  // 4294967295.
  static Result<Keyring> Load(const std::string& path);

  // Load, or when nothing is at `path`: creates the file (mode 0600) holding one new key, id 1, and
  // answers that ring. When two processes create it at once, both end up with the key that won. The
  // parent directory must exist.
  static Result<Keyring> LoadOrCreate(const std::string& path);

  Keyring(Keyring&&) = default;
  Keyring& operator=(Keyring&&) = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;
  ~Keyring() = default;

  // Writes the ring to `path` atomically: a temporary file beside it (mode 0600) is written, fsynced and
  // renamed over `path`, then the directory is fsynced. Fails with internal on an I/O error, leaving
  // `path` as it was.
  Result<void> Save(const std::string& path) const;

  // The id of the key that seals: the highest.
  uint32_t current() const;

  // Adds a new random key with id current() + 1, which then seals; answers its id.
  uint32_t AddKey();

  // Drops every key but `id` (once nothing sealed with them is left). Does nothing when `id` is not in
  // the ring, so that the ring never becomes empty.
  void KeepOnly(uint32_t id);

  // The ids of the keys held, ascending.
  std::vector<uint32_t> ids() const;

  // Seals `plaintext` with the current key and a fresh random nonce: "" for "", otherwise
  // "cg1:<id>:<base64url>" (two seals of the same text differ).
  std::string Seal(std::string_view plaintext) const;

  // The plaintext of a sealed value. "" answers ""; a value not starting with "cg1:" is answered
  // unchanged (it was stored before sealing existed). Fails with internal, message "cannot decrypt
  // personal data: ...", when the value is malformed, its key is not in the ring ("key <id> unknown")
  // or it does not authenticate ("data altered").
  Result<std::string> Open(std::string_view sealed) const;

  // The key id of a sealed value "cg1:<id>:...", or nullopt for anything else (e.g. plaintext).
  static std::optional<uint32_t> KeyIdOf(std::string_view sealed);

 private:
  // One key's bytes; wiped when destroyed.
  struct Key {
    unsigned char bytes[kKeyBytes];
    Key();
    ~Key();
    Key(const Key&) = delete;
    Key& operator=(const Key&) = delete;
  };

  Keyring() = default;
  // Appends the key file's text to `out`.
  void FileText(std::string& out) const;

  std::map<uint32_t, Key> keys_;
};

// Masks a phone number for display. Digits are ASCII 0-9 and full-width ０-９; every other character is
// kept as it is, and a masked digit becomes '*'.
//   - 8 or more digits: the first 3 and the last 4 digits are kept, the others masked. A mainland
//     mobile number "13800001234" becomes "138****1234"; "0539-8123456" becomes "053*-***3456".
//   - fewer than 8 digits: only the last 2 digits are kept ("12345" → "***45"; "12" stays "12").
// Input that is not valid UTF-8 has each bad byte replaced by U+FFFD; the answer is valid UTF-8.
std::string MaskPhone(std::string_view phone);

// Masks a name for display: the first character (Unicode code point) is kept and every other one becomes
// '*' ("张三" → "张*", "王女士" → "王**"); a one-character name becomes "*"; "" stays "". Bytes that are
// not valid UTF-8 count as one character each and are shown as U+FFFD when kept.
std::string MaskName(std::string_view name);

}  // namespace civicgrid::security
