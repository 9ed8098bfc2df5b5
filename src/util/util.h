// Small utilities shared by every module: uuids, time, randomness, hashing,
// constant-time comparison, hex. Backed by libsodium.
#pragma once

#include <cstddef>
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
// Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m in 1..12,
// d in 1..31; not validated), negative before the epoch.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// The name of `v` in `names`, a table indexed by the enum's values (which
// run from 0 without gaps); `fallback` for a value outside the table.
template <class E, size_t N>
constexpr const char* EnumName(E v, const char* const (&names)[N], const char* fallback) {
  auto i = static_cast<size_t>(v);
  return i < N ? names[i] : fallback;
}

std::string ToLower(std::string_view s);
// ASCII case folding of one byte; bytes other than A-Z are unchanged.
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
// ASCII case-insensitive equality (other bytes compare exactly).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// The value of hex digit `c` (0-9, a-f, A-F), or -1 when it is not one.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
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
