// Secrets of accounts: argon2id password hashes, random tokens, and the digests under which tokens are
// stored. Tokens carry 256 random bits; only their SHA-256 is kept, so a copy of the database lets
// nobody sign in.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace civicgrid::app {

// How much work one password hash costs. kInteractive (libsodium's interactive limits: 64 MiB, 2 passes)
// for real accounts; kMinimal only for tests and throwaway demo data on slow machines.
enum class PasswordCost { kInteractive, kModerate, kMinimal };
// Parses "interactive", "moderate" or "minimal".
Result<PasswordCost> ParsePasswordCost(std::string_view name);

// Checks a new password: 8 to 128 bytes of valid text, not all one character.
Result<void> CheckPasswordStrength(std::string_view password);

// The argon2id hash of `password` in libsodium's self-describing string form ($argon2id$v=19$...).
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True when `password` matches `hash` (constant time in the password).
bool VerifyPassword(std::string_view hash, std::string_view password);
// Burns about the time of one verification, so that a login for an unknown user takes as long as one
// with a wrong password.
void VerifyDummyPassword(std::string_view password, PasswordCost cost);

// A new random token: `prefix` + 43 characters of base64url (256 bits), e.g. "cgs_…" for sessions,
// "cgk_…" for API keys.
std::string NewToken(std::string_view prefix);
// A random password of `length` characters from letters and digits without look-alikes (0/O, 1/l/I):
// about 5.8 bits per character.
std::string NewPassword(size_t length = 16);

// The lower-case hex SHA-256 of a token: how tokens are stored and looked up.
std::string TokenDigest(std::string_view token);

}  // namespace civicgrid::app
