#include "util/json_writer.h"

#include <utility>

namespace sanad::util {

void AppendJsonString(std::string* o, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  o->push_back('"');
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Fast path: a run of plain ASCII.
    size_t j = i;
    while (j < n) {
      unsigned char c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++j;
    }
    o->append(s.data() + i, j - i);
    i = j;
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (char e = kJsonEscapes.escape[c]) {
        o->push_back('\\');
        o->push_back(e);
      } else {
        o->append("\\u00");
        o->push_back(kHex[c >> 4]);
        o->push_back(kHex[c & 15]);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate.
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
          (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        ok = false;
    }
    if (ok) {
      o->append(s.data() + i, len);
      i += len;
    } else {
      o->append("\xEF\xBF\xBD");
      ++i;
    }
  }
  o->push_back('"');
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(&out, s);
  return out;
}

void JsonWriter::Key(std::string_view k) {
  Sep();
  AppendJsonString(&s_, k);
  s_.append(pretty_ ? ": " : ":");
  after_key_ = true;
}

void JsonWriter::String(std::string_view v) {
  Sep();
  AppendJsonString(&s_, v);
}

void JsonWriter::Int(int64_t v) { Raw(std::to_string(v)); }

void JsonWriter::Bool(bool v) { Raw(v ? "true" : "false"); }

void JsonWriter::Raw(std::string_view json) {
  Sep();
  s_.append(json);
}

void JsonWriter::Open(char c) {
  Sep();
  s_.push_back(c);
  first_.push_back(true);
}

void JsonWriter::Close(char c) {
  bool empty = first_.back();
  first_.pop_back();
  if (pretty_ && !empty) Newline();
  s_.push_back(c);
}

void JsonWriter::Sep() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) s_.push_back(',');
  first_.back() = false;
  if (pretty_) Newline();
}

void JsonWriter::Newline() {
  s_.push_back('\n');
  s_.append(first_.size() * 2, ' ');
}

}  // namespace sanad::util
