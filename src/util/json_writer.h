// JSON text without a DOM: string literals and a streaming writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sanad::util {

// JSON's two-character escapes both ways: unescape[e] is the character that
// "\e" stands for (e one of " \ / b f n r t), escape[c] the letter that
// stands for `c` after a backslash when written (" \ and the controls \b \f
// \n \r \t; '/' is written as is); 0 where there is none.
struct JsonEscapes {
  char unescape[256] = {};
  char escape[256] = {};
  constexpr JsonEscapes() {
    constexpr std::string_view kLetters = "\"\\bfnrt", kChars = "\"\\\b\f\n\r\t";
    for (size_t i = 0; i < kLetters.size(); ++i) {
      unescape[static_cast<unsigned char>(kLetters[i])] = kChars[i];
      escape[static_cast<unsigned char>(kChars[i])] = kLetters[i];
    }
    unescape[static_cast<unsigned char>('/')] = '/';
  }
};
inline constexpr JsonEscapes kJsonEscapes;

// Appends `s` to `*out` as a JSON string literal, quotes included. '"' and
// '\\' are escaped, control characters as \n \r \t \b \f or \u00xx (lower-case
// hex); every other byte of valid UTF-8 is copied as is, and each byte that is
// not part of valid UTF-8 (overlong forms, surrogates, beyond U+10FFFF,
// truncated sequences) becomes U+FFFD.
void AppendJsonString(std::string* out, std::string_view s);
// The JSON string literal of `s` (see AppendJsonString).
std::string JsonQuote(std::string_view s);

// Writes one JSON value into a string, front to back. Compact by default;
// with `pretty`, every member and element starts a new line indented two
// spaces per level, keys are followed by ": ", and empty containers stay
// "{}" / "[]". The caller keeps Begin/End balanced and writes a Key before
// each member value of an object; the writer does not check either.
class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view k);
  void String(std::string_view v);
  void Int(int64_t v);  // a JSON number
  void Bool(bool v);
  // A value given as JSON text (a number, true, false, null, ...), copied as is.
  void Raw(std::string_view json);

  // A member: Key(k) then the value.
  void Field(std::string_view k, std::string_view v) {
    Key(k);
    String(v);
  }
  void FieldBool(std::string_view k, bool v) {
    Key(k);
    Bool(v);
  }

  // The text written, moved out: call once, when the value is complete.
  std::string Take() { return std::move(s_); }

 private:
  void Open(char c);
  void Close(char c);
  void Sep();  // the separator (and in pretty mode the line break) before a value
  void Newline();

  std::string s_;
  bool pretty_;
  bool after_key_ = false;
  std::vector<bool> first_;  // per open container: nothing written in it yet
};

}  // namespace sanad::util
