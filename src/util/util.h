// Small utilities shared by every module: uuids, time, randomness, hashing,
// constant-time comparison, hex. Backed by libsodium.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sanad::util {

// Must be called once before any function here (initialises libsodium).
void Init();

// A new random (version 4) UUID in lower-case 8-4-4-4-12 form.
std::string NewUuid();
// True when `s` is a UUID in 8-4-4-4-12 hex form (any case, any version).
bool IsUuid(std::string_view s);
// Lower-cases a UUID (callers validate first).
std::string LowerUuid(std::string_view s);

// Seconds since the Unix epoch; the clock is injectable for tests.
using Clock = int64_t (*)();
int64_t Now();
void SetClockForTesting(Clock c);  // nullptr restores the system clock

// `n` cryptographically random bytes.
std::string RandomBytes(size_t n);
std::string ToHex(std::string_view bytes);
// Decodes lower/upper-case hex; returns false on odd length or bad digits.
bool FromHex(std::string_view hex, std::string* out);
// BLAKE2b-256 of `data`, keyed when `key` is non-empty (16..64 bytes).
std::string Blake2b256(std::string_view data, std::string_view key = {});
// Constant-time equality for equal-length secrets; false when lengths differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Date helpers: "YYYY-MM-DD" of a Unix time (UTC), and ISO-8601 parsing of
// "YYYY-MM-DD[Thh:mm[:ss[.frac]]][Z|+hh:mm]" to Unix seconds.
std::string FormatDate(int64_t unix_seconds);
std::string FormatIso8601(int64_t unix_seconds);  // "YYYY-MM-DDThh:mm:ssZ"
bool ParseIso8601(std::string_view s, int64_t* unix_seconds);

std::string ToLower(std::string_view s);
std::string_view Trim(std::string_view s);

// Makes untrusted text safe to print on a terminal: C0 controls (including
// tab, CR and LF), DEL and bytes that are not valid UTF-8 become "\xHH"; C1
// controls (U+0080-U+009F) and invisible direction and line controls
// (U+061C, U+200E, U+200F, U+2028, U+2029, U+202A-U+202E, U+2066-U+2069)
// become "\uHHHH". Everything else, including backslashes and other
// non-ASCII text, is kept as is. Text with nothing to escape is returned
// unchanged. For human-readable output only (JSON output escapes as JSON).
std::string EscapeForTerminal(std::string_view s);

}  // namespace sanad::util
