// STIX 2.1 pattern parser: a hand-written lexer and recursive-descent parser
// for the grammar of STIX 2.1 part 9 (the OASIS STIXPattern.g4), plus the
// checks the specification adds beyond the grammar.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "stix/pattern_internal.h"
#include "util/util.h"

namespace sanad::stix {

namespace {

// ---- small helpers -----------------------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

int B64Val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Length of the Unicode white space (as the grammar's WS rule lists it) at
// s[i], 0 when there is none.
size_t SpaceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\v' || c == '\r' || c == '\n' || c == '\f') return 1;
  if (c == 0xC2 && i + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    if (d == 0x85 || d == 0xA0) return 2;
  }
  if (c == 0xE1 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9A &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;  // U+1680
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[i + 1]);
    unsigned char e = static_cast<unsigned char>(s[i + 2]);
    if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF)) return 3;
    if (d == 0x81 && e == 0x9F) return 3;  // U+205F
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;  // U+3000
  return 0;
}

}  // namespace

bool ToLatin1(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if ((d & 0xC0) != 0x80) return false;
      out->push_back(static_cast<char>(((c & 0x1F) << 6) | (d & 0x3F)));
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ---- tokens ------------------------------------------------------------------------

enum class Tok : uint8_t {
  kEof,
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kStar,
  kCmp,  // =, !=, <>, <, <=, >, >= (the operator in Token::op)
  kIdent,
  kString,
  kInt,
  kFloat,
  kHex,
  kBin,
  kTime,
  kBool,
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSuperset,
  kIsSubset,
  kExists,
  kIn,
  kStart,
  kStop,
  kSeconds,
  kWithin,
  kRepeats,
  kTimes,
  kLast,
};

struct Token {
  Tok kind = Tok::kEof;
  size_t off = 0;
  size_t end = 0;
  bool hyphen = false;  // kIdent containing '-'
  Op op = Op::kEq;      // kCmp
  Literal lit;          // literals, decoded
};

// By Tok value.
// clang-format off
constexpr const char* kTokNames[] = {
    "end of pattern", "'['", "']'", "'('", "')'", "':'", "'.'", "','", "'*'",
    "a comparison operator", "an identifier", "a string", "an integer", "a float", "a hex literal",
    "a binary literal", "a timestamp", "a boolean", "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE",
    "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS", "IN", "START", "STOP", "SECONDS", "WITHIN",
    "REPEATS", "TIMES", "LAST"};
// clang-format on
static_assert(std::size(kTokNames) == static_cast<size_t>(Tok::kLast) + 1);

const char* TokName(Tok t) { return util::EnumName(t, kTokNames, "?"); }

struct Keyword {
  std::string_view text;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},
    {"OR", Tok::kOr},
    {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy},
    {"LIKE", Tok::kLike},
    {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset},
    {"ISSUBSET", Tok::kIsSubset},
    {"EXISTS", Tok::kExists},
    {"IN", Tok::kIn},
    {"START", Tok::kStart},
    {"STOP", Tok::kStop},
    {"SECONDS", Tok::kSeconds},
    {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats},
    {"TIMES", Tok::kTimes},
    {"LAST", Tok::kLast},
};

struct Failure {
  size_t offset;
  std::string reason;
};

// ---- lexer -------------------------------------------------------------------------

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  // Tokenises the whole input; false with *f on the first error.
  bool Run(std::vector<Token>* out, Failure* f) {
    while (true) {
      if (!SkipSpaceAndComments(f)) return false;
      Token t;
      t.off = i_;
      if (i_ >= s_.size()) {
        t.kind = Tok::kEof;
        t.end = i_;
        out->push_back(std::move(t));
        return true;
      }
      if (!Next(&t, f)) return false;
      t.end = i_;
      out->push_back(std::move(t));
    }
  }

 private:
  bool Fail(Failure* f, size_t off, std::string reason) {
    f->offset = off;
    f->reason = std::move(reason);
    return false;
  }

  bool SkipSpaceAndComments(Failure* f) {
    while (i_ < s_.size()) {
      size_t n = SpaceAt(s_, i_);
      if (n > 0) {
        i_ += n;
        continue;
      }
      if (s_[i_] == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        size_t close = s_.find("*/", i_ + 2);
        if (close == std::string_view::npos) return Fail(f, i_, "unterminated comment");
        i_ = close + 2;
        continue;
      }
      if (s_[i_] == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
        continue;
      }
      break;
    }
    return true;
  }

  bool Next(Token* t, Failure* f) {
    char c = s_[i_];
    auto one = [&](Tok k) {
      t->kind = k;
      ++i_;
      return true;
    };
    auto cmp = [&](Op op, size_t len) {
      t->kind = Tok::kCmp;
      t->op = op;
      i_ += len;
      return true;
    };
    switch (c) {
      case '[':
        return one(Tok::kLBrack);
      case ']':
        return one(Tok::kRBrack);
      case '(':
        return one(Tok::kLParen);
      case ')':
        return one(Tok::kRParen);
      case ':':
        return one(Tok::kColon);
      case ',':
        return one(Tok::kComma);
      case '*':
        return one(Tok::kStar);
      case '=':
        return cmp(Op::kEq, (i_ + 1 < s_.size() && s_[i_ + 1] == '=') ? 2 : 1);
      case '!':
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '=') return cmp(Op::kNe, 2);
        return Fail(f, i_, "unexpected '!' (did you mean '!='?)");
      case '<':
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '=') return cmp(Op::kLe, 2);
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '>') return cmp(Op::kNe, 2);
        return cmp(Op::kLt, 1);
      case '>':
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '=') return cmp(Op::kGe, 2);
        return cmp(Op::kGt, 1);
      case '\'':
        return LexString(t, f);
      default:
        break;
    }
    if (c == '.') {
      if (i_ + 1 < s_.size() && IsDigit(s_[i_ + 1])) return LexNumber(t, f);
      return one(Tok::kDot);
    }
    if (IsDigit(c) || c == '+' || c == '-') return LexNumber(t, f);
    if ((c == 'h' || c == 'b' || c == 't') && i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
      if (c == 'h') return LexHex(t, f);
      if (c == 'b') return LexBinary(t, f);
      return LexTimestamp(t, f);
    }
    if (IsIdentStart(c)) {
      size_t start = i_;
      while (i_ < s_.size() && (IsIdentChar(s_[i_]) || s_[i_] == '-')) {
        if (s_[i_] == '-') t->hyphen = true;
        ++i_;
      }
      std::string_view word = s_.substr(start, i_ - start);
      if (!t->hyphen) {
        for (const auto& k : kKeywords) {
          if (word == k.text) {
            t->kind = k.tok;
            return true;
          }
        }
        if (word == "true" || word == "false") {
          t->kind = Tok::kBool;
          t->lit.kind = LitKind::kBool;
          t->lit.b = word == "true";
          return true;
        }
      }
      t->kind = Tok::kIdent;
      t->lit.bytes = std::string(word);
      return true;
    }
    unsigned char uc = static_cast<unsigned char>(c);
    if (uc >= 0x20 && uc < 0x7f)
      return Fail(f, i_, std::string("unexpected character '") + c + "'");
    char buf[32];
    std::snprintf(buf, sizeof buf, "unexpected byte 0x%02X", uc);
    return Fail(f, i_, buf);
  }

  bool LexString(Token* t, Failure* f) {
    size_t open = i_++;
    std::string v;
    while (true) {
      if (i_ >= s_.size()) return Fail(f, open, "unterminated string literal");
      char c = s_[i_];
      if (c == '\'') {
        ++i_;
        break;
      }
      if (c == '\\') {
        if (i_ + 1 < s_.size() && (s_[i_ + 1] == '\'' || s_[i_ + 1] == '\\')) {
          v.push_back(s_[i_ + 1]);
          i_ += 2;
          continue;
        }
        if (i_ + 1 >= s_.size()) return Fail(f, open, "unterminated string literal");
        return Fail(f, i_, "invalid escape in string literal (only \\' and \\\\ are allowed)");
      }
      v.push_back(c);
      ++i_;
    }
    t->kind = Tok::kString;
    t->lit.kind = LitKind::kString;
    t->lit.latin1_ok = ToLatin1(v, &t->lit.latin1);
    if (!t->lit.latin1_ok) t->lit.latin1.clear();
    t->lit.bytes = std::move(v);
    return true;
  }

  bool LexNumber(Token* t, Failure* f) {
    size_t start = i_;
    bool neg = false;
    if (s_[i_] == '+' || s_[i_] == '-') {
      neg = s_[i_] == '-';
      ++i_;
    }
    size_t digits = i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    size_t ndig = i_ - digits;
    bool is_float = false;
    if (i_ < s_.size() && s_[i_] == '.' && i_ + 1 < s_.size() && IsDigit(s_[i_ + 1])) {
      is_float = true;
      ++i_;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (ndig == 0 && !is_float) {
      return Fail(f, start, std::string("unexpected '") + s_[start] + "'");
    }
    if (!is_float && ndig > 1 && s_[digits] == '0') {
      return Fail(f, start, "integer literals must not have leading zeros");
    }
    std::string_view text = s_.substr(digits, i_ - digits);
    if (is_float) {
      double v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec != std::errc() || !std::isfinite(v))
        return Fail(f, start, "float literal out of range");
      t->kind = Tok::kFloat;
      t->lit.kind = LitKind::kFloat;
      t->lit.f = neg ? -v : v;
    } else {
      uint64_t v = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec != std::errc() || v > (neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1)) {
        return Fail(f, start, "integer literal out of range (64-bit)");
      }
      t->kind = Tok::kInt;
      t->lit.kind = LitKind::kInt;
      t->lit.i = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    }
    t->hyphen = neg;  // remembers the sign for checks of positive-only places
    return true;
  }

  // Reads the body of a prefixed literal x'...'; returns false if unterminated.
  bool Body(std::string_view* body, Failure* f, const char* what) {
    size_t open = i_;
    i_ += 2;
    size_t close = s_.find('\'', i_);
    if (close == std::string_view::npos) return Fail(f, open, std::string("unterminated ") + what);
    *body = s_.substr(i_, close - i_);
    i_ = close + 1;
    return true;
  }

  bool LexHex(Token* t, Failure* f) {
    size_t open = i_;
    std::string_view b;
    if (!Body(&b, f, "hex literal")) return false;
    if (b.size() % 2 != 0) return Fail(f, open, "hex literal needs an even number of hex digits");
    std::string out;
    out.reserve(b.size() / 2);
    for (size_t k = 0; k < b.size(); k += 2) {
      int hi = util::HexDigitValue(b[k]), lo = util::HexDigitValue(b[k + 1]);
      if (hi < 0 || lo < 0) {
        return Fail(f, open + 2 + k + (hi < 0 ? 0 : 1), "invalid digit in hex literal");
      }
      out.push_back(static_cast<char>(hi << 4 | lo));
    }
    t->kind = Tok::kHex;
    t->lit.kind = LitKind::kHex;
    t->lit.bytes = std::move(out);
    return true;
  }

  bool LexBinary(Token* t, Failure* f) {
    size_t open = i_;
    std::string_view b;
    if (!Body(&b, f, "binary literal")) return false;
    if (b.empty() || b.size() % 4 != 0) {
      return Fail(f, open, "binary literal must be base64 with a length that is a multiple of 4");
    }
    size_t pad = 0;
    if (b.back() == '=') ++pad;
    if (b.size() >= 2 && b[b.size() - 2] == '=') ++pad;
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < b.size() - pad; ++k) {
      int v = B64Val(b[k]);
      if (v < 0) return Fail(f, open + 2 + k, "invalid character in base64 binary literal");
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
    }
    t->kind = Tok::kBin;
    t->lit.kind = LitKind::kBinary;
    t->lit.bytes = std::move(out);
    return true;
  }

  bool LexTimestamp(Token* t, Failure* f) {
    size_t open = i_;
    std::string_view b;
    if (!Body(&b, f, "timestamp literal")) return false;
    Nanos v;
    if (!ParseStixTimestamp(b, &v)) {
      return Fail(f, open,
                  "invalid timestamp (expected t'YYYY-MM-DDTHH:MM:SS[.s+]Z' with a real date)");
    }
    t->kind = Tok::kTime;
    t->lit.kind = LitKind::kTimestamp;
    t->lit.t = v;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// ---- parser ------------------------------------------------------------------------

// Checks a pattern's MATCHES regex for constructs std::regex would expand
// into huge automata: the product of all {n,m} bounds must stay <= 10000.
bool RegexTooLarge(std::string_view re) {
  double product = 1;
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
      continue;
    }
    if (re[i] != '{') continue;
    size_t j = i + 1;
    uint64_t best = 0, cur = 0;
    bool any = false;
    while (j < re.size() && (IsDigit(re[j]) || re[j] == ',')) {
      if (re[j] == ',') {
        best = std::max(best, cur);
        cur = 0;
      } else {
        cur = std::min<uint64_t>(cur * 10 + static_cast<uint64_t>(re[j] - '0'), 1u << 30);
        any = true;
      }
      ++j;
    }
    best = std::max(best, cur);
    if (any && j < re.size() && re[j] == '}')
      product *= static_cast<double>(std::max<uint64_t>(best, 1));
    if (product > 10000) return true;
  }
  return false;
}

// Maps PCRE syntax that std::regex (ECMAScript) would silently read
// differently: \A -> ^ and \z -> $ (outside classes); rejects the PCRE-only
// escapes \Z \G \K \Q \E \R \X \h \H \p \P and possessive quantifiers.
bool TranslatePcre(std::string_view re, std::string* out, std::string* why) {
  out->clear();
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      char n = re[++i];
      if (!in_class && n == 'A') {
        out->push_back('^');
      } else if (!in_class && n == 'z') {
        out->push_back('$');
      } else if (n != '\0' && std::strchr("ZGKQERXhHpP", n) != nullptr) {
        *why = std::string("the PCRE escape \\") + n + " is not supported";
        return false;
      } else {
        out->push_back(c);
        out->push_back(n);
      }
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out->push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out->push_back(c);
      if (i + 1 < re.size() && re[i + 1] == '^') out->push_back(re[++i]);
      if (i + 1 < re.size() && re[i + 1] == ']') out->push_back(re[++i]);
      continue;
    }
    if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < re.size() && re[i + 1] == '+') {
      *why = "possessive quantifiers (PCRE) are not supported";
      return false;
    }
    out->push_back(c);
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> toks, PatternImpl* p)
      : text_(text), toks_(std::move(toks)), p_(p) {}

  bool Run(Failure* f) {
    f_ = f;
    int root;
    int64_t size;
    if (!ObsExprs(&root, &size)) return false;
    if (Peek().kind != Tok::kEof) {
      return Fail(Peek().off, std::string("expected AND, OR, FOLLOWEDBY or a qualifier, found ") +
                                  Describe(Peek()));
    }
    p_->root = root;
    p_->single_observation = std::all_of(
        p_->onodes.begin(), p_->onodes.end(),
        [](const ObsNode& n) { return n.kind == ObsNode::kLeaf || n.kind == ObsNode::kOr; });
    return true;
  }

 private:
  const Token& Peek() const { return toks_[pos_]; }
  const Token& Take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool Fail(size_t off, std::string reason) {
    f_->offset = off;
    f_->reason = std::move(reason);
    return false;
  }
  std::string Describe(const Token& t) const {
    if (t.kind == Tok::kEof) return "the end of the pattern";
    std::string_view text = text_.substr(t.off, std::min<size_t>(t.end - t.off, 40));
    return "'" + std::string(text) + "'";
  }
  bool Expect(Tok k, const char* context) {
    if (Peek().kind != k) {
      return Fail(Peek().off, std::string("expected ") + TokName(k) + " " + context + ", found " +
                                  Describe(Peek()));
    }
    Take();
    return true;
  }
  bool Enter() {
    if (++depth_ > kMaxPatternDepth) {
      return Fail(Peek().off,
                  "nesting deeper than " + std::to_string(kMaxPatternDepth) + " levels");
    }
    return true;
  }

  int AddObs(ObsNode n) {
    p_->onodes.push_back(n);
    return static_cast<int>(p_->onodes.size() - 1);
  }
  int AddCmp(CmpNode n) {
    p_->cnodes.push_back(n);
    return static_cast<int>(p_->cnodes.size() - 1);
  }

  bool CheckSize(int64_t size, size_t off) {
    if (size > kMaxBindingSize) {
      return Fail(off, "the pattern needs more than " + std::to_string(kMaxBindingSize) +
                           " observations per match (observation expressions x REPEATS)");
    }
    return true;
  }

  // Parses `operand (tok operand)*` into left-nested `kind` nodes. A match
  // of an OR binds the observations of one side (the larger size); of AND
  // and FOLLOWEDBY, those of both sides (the sizes add up, within limits).
  template <bool (Parser::*Operand)(int*, int64_t*)>
  bool ObsChain(Tok tok, ObsNode::Kind kind, int* out, int64_t* size) {
    if (!(this->*Operand)(out, size)) return false;
    while (Peek().kind == tok) {
      size_t off = Take().off;
      int rhs;
      int64_t rsize;
      if (!(this->*Operand)(&rhs, &rsize)) return false;
      ObsNode n;
      n.kind = kind;
      n.a = *out;
      n.b = rhs;
      *out = AddObs(n);
      if (kind == ObsNode::kOr) {
        *size = std::max(*size, rsize);
      } else {
        *size += rsize;
        if (!CheckSize(*size, off)) return false;
      }
    }
    return true;
  }

  // observationExpressions: observationExpressionOr (FOLLOWEDBY ...)*
  bool ObsExprs(int* out, int64_t* size) {
    return ObsChain<&Parser::ObsOr>(Tok::kFollowedBy, ObsNode::kFollowedBy, out, size);
  }
  bool ObsOr(int* out, int64_t* size) {
    return ObsChain<&Parser::ObsAnd>(Tok::kOr, ObsNode::kOr, out, size);
  }
  bool ObsAnd(int* out, int64_t* size) {
    return ObsChain<&Parser::ObsExpr>(Tok::kAnd, ObsNode::kAnd, out, size);
  }

  bool ObsExpr(int* out, int64_t* size) {
    if (!Enter()) return false;
    const Token& t = Peek();
    if (t.kind == Tok::kLBrack) {
      Take();
      int cmp;
      if (!CmpOr(&cmp)) return false;
      if (!Expect(Tok::kRBrack, "to close the observation expression")) return false;
      p_->leaves.push_back(cmp);
      ObsNode n;
      n.kind = ObsNode::kLeaf;
      n.leaf = static_cast<int>(p_->leaves.size() - 1);
      *out = AddObs(n);
      *size = 1;
    } else if (t.kind == Tok::kLParen) {
      Take();
      if (!ObsExprs(out, size)) return false;
      if (!Expect(Tok::kRParen, "to close the parenthesis")) return false;
    } else {
      return Fail(t.off,
                  "expected '[' or '(' to start an observation expression, found " + Describe(t));
    }
    --depth_;
    return Qualifiers(out, size);
  }

  bool PositiveNumber(const Token& t, bool allow_float, const char* what) {
    if (t.kind != Tok::kInt && !(allow_float && t.kind == Tok::kFloat)) {
      return Fail(t.off, std::string("expected ") +
                             (allow_float ? "a positive number" : "a positive integer") +
                             " after " + what + ", found " + Describe(t));
    }
    if (t.hyphen) return Fail(t.off, std::string(what) + " needs a positive number");
    return true;
  }

  bool Qualifiers(int* out, int64_t* size) {
    while (true) {
      Tok k = Peek().kind;
      if (k == Tok::kWithin) {
        Take();
        const Token& num = Peek();
        if (!PositiveNumber(num, true, "WITHIN")) return false;
        Nanos d;
        if (num.kind == Tok::kInt) {
          d = static_cast<Nanos>(num.lit.i) * kNanosPerSecond;
        } else {
          long double v = static_cast<long double>(num.lit.f) * 1e9L;
          d = v > 1e30L ? static_cast<Nanos>(1e30L) : static_cast<Nanos>(v);
        }
        if (d <= 0) return Fail(num.off, "WITHIN needs a duration greater than 0");
        Take();
        if (!Expect(Tok::kSeconds, "after the WITHIN duration")) return false;
        ObsNode n;
        n.kind = ObsNode::kWithin;
        n.a = *out;
        n.within = d;
        *out = AddObs(n);
      } else if (k == Tok::kRepeats) {
        Take();
        const Token& num = Peek();
        if (!PositiveNumber(num, false, "REPEATS")) return false;
        if (num.lit.i < 1) return Fail(num.off, "REPEATS needs a count of at least 1");
        int64_t count = num.lit.i;
        if (count > kMaxBindingSize || *size * count > kMaxBindingSize) {
          if (!CheckSize(kMaxBindingSize + 1, num.off)) return false;
        }
        Take();
        if (!Expect(Tok::kTimes, "after the REPEATS count")) return false;
        ObsNode n;
        n.kind = ObsNode::kRepeat;
        n.a = *out;
        n.repeat = count;
        *out = AddObs(n);
        *size *= count;
      } else if (k == Tok::kStart) {
        Take();
        const Token& a = Peek();
        if (a.kind != Tok::kTime) {
          return Fail(a.off, "expected a timestamp t'...' after START, found " + Describe(a));
        }
        Nanos start = a.lit.t;
        Take();
        if (!Expect(Tok::kStop, "after the START timestamp")) return false;
        const Token& b = Peek();
        if (b.kind != Tok::kTime) {
          return Fail(b.off, "expected a timestamp t'...' after STOP, found " + Describe(b));
        }
        if (b.lit.t <= start) return Fail(b.off, "the STOP timestamp must be later than START");
        ObsNode n;
        n.kind = ObsNode::kStartStop;
        n.a = *out;
        n.start = start;
        n.stop = b.lit.t;
        Take();
        *out = AddObs(n);
      } else {
        return true;
      }
    }
  }

  // Parses `operand (tok operand)*` into left-nested `kind` nodes.
  template <bool (Parser::*Operand)(int*)>
  bool CmpChain(Tok tok, CmpNode::Kind kind, int* out) {
    if (!(this->*Operand)(out)) return false;
    while (Peek().kind == tok) {
      Take();
      int rhs;
      if (!(this->*Operand)(&rhs)) return false;
      CmpNode n;
      n.kind = kind;
      n.a = *out;
      n.b = rhs;
      *out = AddCmp(n);
    }
    return true;
  }
  bool CmpOr(int* out) { return CmpChain<&Parser::CmpAnd>(Tok::kOr, CmpNode::kOr, out); }
  bool CmpAnd(int* out) { return CmpChain<&Parser::PropTest>(Tok::kAnd, CmpNode::kAnd, out); }

  bool PropTest(int* out) {
    const Token& t = Peek();
    if (t.kind == Tok::kLParen) {
      if (!Enter()) return false;
      Take();
      if (!CmpOr(out)) return false;
      if (!Expect(Tok::kRParen, "to close the parenthesis")) return false;
      --depth_;
      return true;
    }
    Comparison c;
    c.offset = t.off;
    if (t.kind == Tok::kExists) {
      Take();
      if (!Path(&c.path)) return false;
      c.op = Op::kExists;
      return Finish(std::move(c), out);
    }
    if (!Path(&c.path)) return false;
    if (Peek().kind == Tok::kNot) {
      Take();
      c.negated = true;
    }
    const Token& op = Peek();
    switch (op.kind) {
      case Tok::kCmp: {
        c.op = op.op;
        Take();
        Literal l;
        bool orderable = c.op != Op::kEq && c.op != Op::kNe;
        if (!PrimitiveLiteral(&l, orderable, "after the comparison operator")) return false;
        c.values.push_back(std::move(l));
        break;
      }
      case Tok::kIn: {
        c.op = Op::kIn;
        Take();
        if (!SetLiteral(&c.values)) return false;
        break;
      }
      case Tok::kLike:
      case Tok::kMatches:
      case Tok::kIsSubset:
      case Tok::kIsSuperset: {
        c.op = op.kind == Tok::kLike       ? Op::kLike
               : op.kind == Tok::kMatches  ? Op::kMatches
               : op.kind == Tok::kIsSubset ? Op::kIsSubset
                                           : Op::kIsSuperset;
        Take();
        const Token& s = Peek();
        if (s.kind != Tok::kString) {
          return Fail(s.off, std::string("expected a string after ") + OpName(c.op) + ", found " +
                                 Describe(s));
        }
        c.values.push_back(s.lit);
        Take();
        if (c.op == Op::kMatches && !CompileRegex(&c, s.off)) return false;
        if (c.op == Op::kIsSubset || c.op == Op::kIsSuperset) {
          if (!model::ParseIpPrefix(c.values[0].bytes, &c.prefix)) {
            return Fail(s.off, std::string(OpName(c.op)) + " needs an IPv4/IPv6 address or CIDR");
          }
          c.prefix = model::UnmapV4(c.prefix);
        }
        break;
      }
      default:
        return Fail(op.off, std::string("expected a comparison operator (=, !=, <, <=, >, >=, IN, "
                                        "LIKE, MATCHES, ISSUBSET, ISSUPERSET) after the object "
                                        "path, found ") +
                                Describe(op));
    }
    return Finish(std::move(c), out);
  }

  bool Finish(Comparison c, int* out) {
    p_->cmps.push_back(std::move(c));
    CmpNode n;
    n.kind = CmpNode::kLeaf;
    n.cmp = static_cast<int>(p_->cmps.size() - 1);
    *out = AddCmp(n);
    return true;
  }

  bool CompileRegex(Comparison* c, size_t off) {
    std::string src = c->values[0].bytes;
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (src.starts_with("(?i)")) {
      src.erase(0, 4);
      flags |= std::regex::icase;
    }
    if (src.size() > 4096) return Fail(off, "regular expression longer than 4096 bytes");
    if (RegexTooLarge(src)) {
      return Fail(off, "regular expression repetition bounds too large (product above 10000)");
    }
    std::string translated, why;
    if (!TranslatePcre(src, &translated, &why))
      return Fail(off, "invalid regular expression: " + why);
    src = std::move(translated);
    try {
      c->re = std::make_shared<const std::regex>(src, flags);
      std::string latin;
      if (ToLatin1(src, &latin)) {
        c->re_bin = latin == src ? c->re : std::make_shared<const std::regex>(latin, flags);
      }
    } catch (const std::regex_error& e) {
      return Fail(off, std::string("invalid regular expression: ") + e.what());
    } catch (const std::exception& e) {
      return Fail(off, std::string("regular expression rejected: ") + e.what());
    }
    return true;
  }

  bool PrimitiveLiteral(Literal* l, bool orderable, const char* context) {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kString:
      case Tok::kInt:
      case Tok::kFloat:
      case Tok::kHex:
      case Tok::kBin:
      case Tok::kTime:
        *l = t.lit;
        Take();
        return true;
      case Tok::kBool:
        if (orderable) return Fail(t.off, "booleans cannot be compared with <, <=, > or >=");
        *l = t.lit;
        Take();
        return true;
      default:
        return Fail(t.off, std::string("expected a literal ") + context + ", found " + Describe(t));
    }
  }

  bool SetLiteral(std::vector<Literal>* out) {
    if (!Expect(Tok::kLParen, "to start the IN set")) return false;
    if (Peek().kind == Tok::kRParen) {
      Take();
      return true;
    }
    while (true) {
      size_t off = Peek().off;
      Literal l;
      if (!PrimitiveLiteral(&l, false, "in the IN set")) return false;
      if (!out->empty() && (*out)[0].kind != l.kind) {
        return Fail(off, "every value of an IN set must have the same type");
      }
      out->push_back(std::move(l));
      if (Peek().kind == Tok::kComma) {
        Take();
        continue;
      }
      return Expect(Tok::kRParen, "to close the IN set");
    }
  }

  static bool ValidTypeName(std::string_view s, std::string* why) {
    if (s.size() < 3 || s.size() > 250) {
      *why = "object type names are 3 to 250 characters long";
      return false;
    }
    if (!(s[0] >= 'a' && s[0] <= 'z')) {
      *why = "object type names start with a lower-case letter";
      return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool ok = (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-';
      if (!ok) {
        *why = "object type names use only a-z, 0-9 and '-'";
        return false;
      }
      if (c == '-' && i > 0 && s[i - 1] == '-') {
        *why = "object type names must not contain '--'";
        return false;
      }
    }
    if (s.back() == '-') {
      *why = "object type names must not end with '-'";
      return false;
    }
    return true;
  }

  static void SetSuffix(PathStep* st) {
    const std::string& k = st->key;
    if (k.ends_with("_hex"))
      st->suffix = PathStep::kHexValue;
    else if (k.ends_with("_bin"))
      st->suffix = PathStep::kBinValue;
    else if (k.ends_with("_refs"))
      st->suffix = PathStep::kRefs;
    else if (k.ends_with("_ref"))
      st->suffix = PathStep::kRef;
  }

  bool Key(PathStep* st, const char* where) {
    const Token& t = Peek();
    if (t.kind == Tok::kIdent) {
      if (t.hyphen) {
        return Fail(t.off, "property names containing '-' must be quoted ('" + t.lit.bytes + "')");
      }
      st->key = t.lit.bytes;
    } else if (t.kind == Tok::kString) {
      st->key = t.lit.bytes;
    } else {
      return Fail(t.off,
                  std::string("expected a property name ") + where + ", found " + Describe(t));
    }
    Take();
    st->kind = PathStep::kKey;
    SetSuffix(st);
    return true;
  }

  bool Path(ObjectPath* path) {
    const Token& t = Peek();
    if (t.kind != Tok::kIdent) {
      return Fail(t.off, "expected an object path (type:property) or EXISTS, found " + Describe(t));
    }
    std::string why;
    if (!ValidTypeName(t.lit.bytes, &why))
      return Fail(t.off, "invalid object type '" + t.lit.bytes + "': " + why);
    path->type = t.lit.bytes;
    Take();
    if (!Expect(Tok::kColon, "after the object type")) return false;
    PathStep first;
    if (!Key(&first, "after ':'")) return false;
    path->steps.push_back(std::move(first));
    while (true) {
      if (Peek().kind == Tok::kDot) {
        Take();
        PathStep st;
        if (!Key(&st, "after '.'")) return false;
        path->steps.push_back(std::move(st));
      } else if (Peek().kind == Tok::kLBrack) {
        Take();
        const Token& i = Peek();
        PathStep st;
        if (i.kind == Tok::kStar) {
          st.kind = PathStep::kStar;
        } else if (i.kind == Tok::kInt) {
          st.kind = PathStep::kIndex;
          st.index = i.lit.i;
        } else {
          return Fail(i.off, "expected a list index or '*' after '[', found " + Describe(i));
        }
        Take();
        if (!Expect(Tok::kRBrack, "to close the list index")) return false;
        path->steps.push_back(std::move(st));
      } else {
        return true;
      }
    }
  }

  std::string_view text_;
  std::vector<Token> toks_;
  PatternImpl* p_;
  Failure* f_ = nullptr;
  size_t pos_ = 0;
  int depth_ = 0;
};

PatternError MakeError(std::string_view text, size_t off, std::string reason) {
  PatternError e;
  e.offset = std::min(off, text.size());
  e.reason = std::move(reason);
  size_t line_start = 0;
  for (size_t i = 0; i < e.offset; ++i) {
    if (text[i] == '\n') {
      ++e.line;
      line_start = i + 1;
    }
  }
  size_t col = 1;
  for (size_t i = line_start; i < e.offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  }
  e.column = col;
  return e;
}

}  // namespace

bool ParseStixTimestamp(std::string_view s, Nanos* out) {
  // YYYY-MM-DDTHH:MM:SS[.f+]Z
  if (s.size() < 20) return false;
  auto num = [&](size_t at, size_t n, int* v) {
    *v = 0;
    for (size_t k = at; k < at + n; ++k) {
      if (!IsDigit(s[k])) return false;
      *v = *v * 10 + (s[k] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!num(0, 4, &y) || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d) ||
      s[10] != 'T' || !num(11, 2, &h) || s[13] != ':' || !num(14, 2, &mi) || s[16] != ':' ||
      !num(17, 2, &se)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return false;
  int dim = kDays[mo - 1] + (mo == 2 && IsLeap(y) ? 1 : 0);
  if (d > dim || h > 23 || mi > 59 || se > 60) return false;
  size_t i = 19;
  int64_t frac = 0;
  if (s[i] == '.') {
    ++i;
    size_t start = i;
    int digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (digits < 9) {
        frac = frac * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (i == start) return false;
    while (digits < 9) {
      frac *= 10;
      ++digits;
    }
  }
  if (i + 1 != s.size() || s[i] != 'Z') return false;
  int64_t days = util::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + se;
  *out = static_cast<Nanos>(secs) * kNanosPerSecond + frac;
  return true;
}

const char* OpName(Op op) {
  static constexpr const char* kNames[] = {
      "=", "!=", "<", "<=", ">", ">=", "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS"};
  static_assert(std::size(kNames) == static_cast<size_t>(Op::kExists) + 1);
  return util::EnumName(op, kNames, "?");
}

std::string ObjectPath::Text() const {
  std::string s = type + ":";
  bool first = true;
  auto quote = [](const std::string& k) {
    bool plain = !k.empty() && IsIdentStart(k[0]) &&
                 std::all_of(k.begin(), k.end(), [](char c) { return IsIdentChar(c); });
    if (plain) return k;
    std::string q = "'";
    for (char c : k) {
      if (c == '\'' || c == '\\') q.push_back('\\');
      q.push_back(c);
    }
    return q + "'";
  };
  for (const auto& st : steps) {
    switch (st.kind) {
      case PathStep::kKey:
        if (!first) s += '.';
        s += quote(st.key);
        break;
      case PathStep::kIndex:
        s += "[" + std::to_string(st.index) + "]";
        break;
      case PathStep::kStar:
        s += "[*]";
        break;
    }
    first = false;
  }
  return s;
}

std::string PatternError::ToString() const {
  return "offset " + std::to_string(offset) + " (line " + std::to_string(line) + ", column " +
         std::to_string(column) + "): " + reason;
}

StatusOr<Pattern> Pattern::Parse(std::string_view text, PatternError* error) {
  Failure f{0, ""};
  auto fail = [&](Failure fl) -> StatusOr<Pattern> {
    PatternError e = MakeError(text, fl.offset, std::move(fl.reason));
    if (error != nullptr) *error = e;
    return Status::Invalid(e.ToString());
  };
  if (text.size() > kMaxPatternBytes) {
    return fail(
        {kMaxPatternBytes, "pattern longer than " + std::to_string(kMaxPatternBytes) + " bytes"});
  }
  std::vector<Token> toks;
  Lexer lx(text);
  if (!lx.Run(&toks, &f)) return fail(f);
  auto impl = std::make_shared<PatternImpl>();
  impl->text = std::string(text);
  Parser ps(text, std::move(toks), impl.get());
  if (!ps.Run(&f)) return fail(f);
  return Pattern(std::move(impl));
}

const std::string& Pattern::text() const { return impl_->text; }
size_t Pattern::observation_expressions() const { return impl_->leaves.size(); }

}  // namespace sanad::stix
