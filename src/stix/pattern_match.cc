// STIX pattern matching: observed-data loading, comparison of values with
// literals, object path walking (references, lists), and the binding search
// over observations (AND, OR, FOLLOWEDBY, REPEATS, WITHIN, START/STOP).
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "stix/pattern_internal.h"
#include "util/util.h"

namespace sanad::stix {

namespace bj = boost::json;

namespace {

// ---- value helpers -----------------------------------------------------------------

bool DecodeBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else {
      return false;
    }
    if (pad > 0) return false;  // data after padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return pad <= 2;
}

int Sign(int v) { return (v > 0) - (v < 0); }
int CompareBytes(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

template <class T>
int Cmp3(T a, T b) {
  return (a > b) - (a < b);
}

// A value selected by a path: a JSON value, decoded binary, or a list of
// dereferenced objects (…_refs not followed by an index).
struct Term {
  const bj::value* j = nullptr;
  std::string_view bin;
  bool is_bin = false;
  bool is_list = false;
};

// Orders the selected value against the literal (value <=> literal); false
// when the two cannot be compared.
bool Compare(const Literal& l, const Term& t, int* out) {
  if (t.is_list) return false;
  if (t.is_bin) {
    switch (l.kind) {
      case LitKind::kHex:
      case LitKind::kBinary:
        *out = CompareBytes(t.bin, l.bytes);
        return true;
      case LitKind::kString:
        if (!l.latin1_ok) return false;
        *out = CompareBytes(t.bin, l.latin1);
        return true;
      default:
        return false;
    }
  }
  const bj::value& v = *t.j;
  switch (l.kind) {
    case LitKind::kString:
      if (!v.is_string()) return false;
      *out = CompareBytes(std::string_view(v.get_string()), l.bytes);
      return true;
    case LitKind::kInt:
    case LitKind::kFloat: {
      // Integers compare exactly with integers, doubles with float literals
      // as doubles; every other pair of numbers as long doubles.
      if (!v.is_number()) return false;
      const bool int_lit = l.kind == LitKind::kInt;
      if (int_lit && v.is_int64()) {
        *out = Cmp3(v.get_int64(), l.i);
      } else if (int_lit && v.is_uint64()) {
        *out = l.i < 0 ? 1 : Cmp3(v.get_uint64(), static_cast<uint64_t>(l.i));
      } else if (!int_lit && v.is_double()) {
        *out = Cmp3(v.get_double(), l.f);
      } else {
        const long double x = v.is_int64()    ? static_cast<long double>(v.get_int64())
                              : v.is_uint64() ? static_cast<long double>(v.get_uint64())
                                              : static_cast<long double>(v.get_double());
        *out = Cmp3(x, int_lit ? static_cast<long double>(l.i) : static_cast<long double>(l.f));
      }
      return true;
    }
    case LitKind::kBool:
      if (!v.is_bool()) return false;
      *out = Cmp3(static_cast<int>(v.get_bool()), static_cast<int>(l.b));
      return true;
    case LitKind::kTimestamp: {
      if (!v.is_string()) return false;
      Nanos ts;
      if (!ParseStixTimestamp(std::string_view(v.get_string()), &ts)) return false;
      *out = Cmp3(ts, l.t);
      return true;
    }
    case LitKind::kHex:
    case LitKind::kBinary: {
      if (!v.is_string()) return false;
      std::string latin;
      if (!ToLatin1(std::string_view(v.get_string()), &latin)) return false;
      *out = CompareBytes(latin, l.bytes);
      return true;
    }
  }
  return false;
}

bool Equal(const Literal& l, const Term& t) {
  int c;
  return Compare(l, t, &c) && c == 0;
}

// SQL-LIKE on UTF-8: '%' any sequence, '_' one code point; the whole value.
size_t CpLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  return std::min(n, s.size() - i);
}

bool Like(std::string_view v, std::string_view p) {
  size_t vi = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_v = 0;
  while (vi < v.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_v = vi;
      continue;
    }
    if (pi < p.size() && p[pi] == '_') {
      vi += CpLen(v, vi);
      pi += CpLen(p, pi);
      continue;
    }
    if (pi < p.size() && p[pi] == v[vi]) {
      ++pi;
      ++vi;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    star_v += CpLen(v, star_v);
    vi = star_v;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

bool RegexSearch(const std::regex& re, std::string_view s) {
  if (s.size() > kMaxRegexSubjectBytes) return false;
  try {
    return std::regex_search(s.begin(), s.end(), re);
  } catch (const std::exception&) {
    return false;
  }
}

bool IpTest(const Comparison& c, const Term& t) {
  if (t.is_bin || t.is_list || !t.j->is_string()) return false;
  model::IpPrefix v;
  if (!model::ParseIpPrefix(std::string_view(t.j->get_string()), &v)) return false;
  v = model::UnmapV4(v);
  if (v.v6 != c.prefix.v6) return false;
  return c.op == Op::kIsSubset ? model::PrefixContains(c.prefix, v)
                               : model::PrefixContains(v, c.prefix);
}

// The comparison on one selected value. Type mismatches make = and IN false
// (so != and NOT = true); for every other operator a value that cannot be
// compared makes the comparison false, with or without NOT.
bool TestTerm(const Comparison& c, const Term& t) {
  bool r;
  switch (c.op) {
    case Op::kEq:
      r = Equal(c.values[0], t);
      break;
    case Op::kNe:
      r = !Equal(c.values[0], t);
      break;
    case Op::kIn:
      r = false;
      for (const auto& l : c.values) {
        if (Equal(l, t)) {
          r = true;
          break;
        }
      }
      break;
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      int k;
      if (!Compare(c.values[0], t, &k)) return false;
      r = c.op == Op::kLt ? k < 0 : c.op == Op::kLe ? k <= 0 : c.op == Op::kGt ? k > 0 : k >= 0;
      break;
    }
    case Op::kLike:
      if (t.is_bin || t.is_list || !t.j->is_string()) return false;
      r = Like(std::string_view(t.j->get_string()), c.values[0].bytes);
      break;
    case Op::kMatches:
      if (t.is_list) return false;
      if (t.is_bin) {
        if (!c.re_bin) return false;
        r = RegexSearch(*c.re_bin, t.bin);
      } else {
        if (!t.j->is_string()) return false;
        r = RegexSearch(*c.re, std::string_view(t.j->get_string()));
      }
      break;
    case Op::kIsSubset:
    case Op::kIsSuperset:
      if (t.is_bin || t.is_list || !t.j->is_string()) return false;
      {
        model::IpPrefix v;
        if (!model::ParseIpPrefix(std::string_view(t.j->get_string()), &v)) return false;
      }
      r = IpTest(c, t);
      break;
    case Op::kExists:
      return true;
  }
  return c.negated ? !r : r;
}

// ---- object paths ------------------------------------------------------------------

struct Walk {
  const ObjectPath& path;
  const ObservationRec& o;
  const ObservedDataImpl& d;

  const bj::value* Resolve(const bj::value& ref) const {
    if (!ref.is_string()) return nullptr;
    std::string_view id(ref.get_string());
    if (o.local != nullptr) {
      auto it = o.local->find(id);
      if (it == o.local->end() || !it->value().is_object()) return nullptr;
      return &it->value();
    }
    auto it = d.by_id.find(id);
    if (it == d.by_id.end() || !it->second->is_object()) return nullptr;
    return it->second;
  }

  // Visits the values selected by steps[i..] from `v`; stops and returns
  // true as soon as fn does.
  template <class F>
  bool From(const bj::value& v, size_t i, F& fn) const {
    if (i == path.steps.size()) {
      Term t;
      t.j = &v;
      return fn(t);
    }
    const PathStep& st = path.steps[i];
    switch (st.kind) {
      case PathStep::kKey: {
        const bj::object* obj = v.if_object();
        if (obj == nullptr) return false;
        auto it = obj->find(st.key);
        if (it == obj->end()) return false;
        const bj::value& child = it->value();
        switch (st.suffix) {
          case PathStep::kPlain:
            return From(child, i + 1, fn);
          case PathStep::kHexValue:
          case PathStep::kBinValue: {
            if (!child.is_string()) return From(child, i + 1, fn);
            std::string bytes;
            bool ok = st.suffix == PathStep::kHexValue
                          ? util::FromHex(std::string_view(child.get_string()), &bytes)
                          : DecodeBase64(std::string_view(child.get_string()), &bytes);
            if (!ok || i + 1 != path.steps.size()) return false;
            Term t;
            t.is_bin = true;
            t.bin = bytes;
            return fn(t);
          }
          case PathStep::kRef: {
            const bj::value* target = Resolve(child);
            return target != nullptr && From(*target, i + 1, fn);
          }
          case PathStep::kRefs: {
            const bj::array* arr = child.if_array();
            if (arr == nullptr) return false;
            if (i + 1 == path.steps.size()) {
              for (const auto& ref : *arr) {
                if (Resolve(ref) != nullptr) {
                  Term t;
                  t.is_list = true;
                  return fn(t);
                }
              }
              return false;
            }
            const PathStep& next = path.steps[i + 1];
            if (next.kind == PathStep::kStar) {
              for (const auto& ref : *arr) {
                const bj::value* target = Resolve(ref);
                if (target != nullptr && From(*target, i + 2, fn)) return true;
              }
              return false;
            }
            if (next.kind == PathStep::kIndex) {
              // Indexes count the references that resolve.
              std::vector<const bj::value*> resolved;
              for (const auto& ref : *arr) {
                if (const bj::value* target = Resolve(ref)) resolved.push_back(target);
              }
              int64_t n = static_cast<int64_t>(resolved.size());
              int64_t k = next.index < 0 ? n + next.index : next.index;
              if (k < 0 || k >= n) return false;
              return From(*resolved[static_cast<size_t>(k)], i + 2, fn);
            }
            return false;  // a key step into a list
          }
        }
        return false;
      }
      case PathStep::kIndex: {
        const bj::array* arr = v.if_array();
        if (arr == nullptr) return false;
        int64_t n = static_cast<int64_t>(arr->size());
        int64_t k = st.index < 0 ? n + st.index : st.index;
        if (k < 0 || k >= n) return false;
        return From((*arr)[static_cast<size_t>(k)], i + 1, fn);
      }
      case PathStep::kStar: {
        const bj::array* arr = v.if_array();
        if (arr == nullptr) return false;
        for (const auto& e : *arr) {
          if (From(e, i + 1, fn)) return true;
        }
        return false;
      }
    }
    return false;
  }
};

bool EvalComparison(const Comparison& c, const bj::value& root, std::string_view root_type,
                    const ObservationRec& o, const ObservedDataImpl& d) {
  if (root_type != c.path.type) return false;
  Walk w{c.path, o, d};
  auto fn = [&c](const Term& t) { return TestTerm(c, t); };
  return w.From(root, 0, fn);
}

// ---- function reference for continuations ------------------------------------------

class FnRef {
 public:
  template <class F>
  FnRef(F& f)  // NOLINT(google-explicit-constructor)
      : obj_(&f), call_([](void* o) { return (*static_cast<F*>(o))(); }) {}
  bool operator()() const { return call_(obj_); }

 private:
  void* obj_;
  bool (*call_)(void*);
};

// ---- binding search ----------------------------------------------------------------

inline constexpr Nanos kUnbounded = static_cast<Nanos>(1) << 125;

// Finds one assignment of distinct observations (an observed-data counts
// number_observed times) to the observation leaves of the pattern that
// satisfies every operator and qualifier. Depth-first with pruning: WITHIN
// windows are checked as observations are added (the span only grows),
// FOLLOWEDBY's right side must end after the left side's latest start, and
// START/STOP filters each observation.
class Searcher {
 public:
  Searcher(const PatternImpl& p, const ObservedDataImpl& d,
           const std::vector<std::vector<uint32_t>>& leaf_obs)
      : p_(p), d_(d), cand_(leaf_obs) {
    for (auto& c : cand_) {
      std::stable_sort(c.begin(), c.end(),
                       [&](uint32_t a, uint32_t b) { return d_.obs[a].last > d_.obs[b].last; });
    }
    usage_.assign(d.obs.size(), 0);
    possible_.assign(p.onodes.size(), 0);
  }

  MatchResult Run() {
    MatchResult r;
    ComputePossible(p_.root);
    if (!possible_[static_cast<size_t>(p_.root)]) return r;
    auto done = [&] {
      found_ = chosen_;
      return true;
    };
    bool ok = Solve(p_.root, FnRef(done));
    if (exhausted_) {
      r.status = Status::Limit("the pattern's search tried more than " +
                               std::to_string(kMaxSearchSteps) + " candidate observations");
      return r;
    }
    r.matched = ok;
    if (ok) {
      std::sort(found_.begin(), found_.end());
      found_.erase(std::unique(found_.begin(), found_.end()), found_.end());
      r.observed.assign(found_.begin(), found_.end());
    }
    return r;
  }

 private:
  struct Scope {
    Nanos max_first = -kUnbounded;
    Nanos min_last = kUnbounded;
    Nanos span = kUnbounded;  // WITHIN: max_first - min_last <= span
  };

  bool ComputePossible(int n) {
    const ObsNode& node = p_.onodes[static_cast<size_t>(n)];
    bool r = false;
    switch (node.kind) {
      case ObsNode::kLeaf:
        r = !cand_[static_cast<size_t>(node.leaf)].empty();
        break;
      case ObsNode::kAnd:
      case ObsNode::kFollowedBy: {
        bool a = ComputePossible(node.a);
        bool b = ComputePossible(node.b);
        r = a && b;
        break;
      }
      case ObsNode::kOr: {
        bool a = ComputePossible(node.a);
        bool b = ComputePossible(node.b);
        r = a || b;
        break;
      }
      default:
        r = ComputePossible(node.a);
    }
    possible_[static_cast<size_t>(n)] = r;
    return r;
  }

  // Can observation `o` be added now? If so, records it.
  bool Take(uint32_t o) {
    const ObservationRec& rec = d_.obs[o];
    if (usage_[o] >= rec.count) return false;
    for (const auto& w : windows_) {
      if (!(rec.first < w.second && rec.last >= w.first)) return false;
    }
    for (const Scope* s : scopes_) {
      Nanos mf = std::max(s->max_first, rec.first);
      Nanos ml = std::min(s->min_last, rec.last);
      if (mf - ml > s->span) return false;
    }
    for (Scope* s : scopes_) {
      undo_.push_back({s->max_first, s->min_last});
      s->max_first = std::max(s->max_first, rec.first);
      s->min_last = std::min(s->min_last, rec.last);
    }
    ++usage_[o];
    chosen_.push_back(o);
    return true;
  }

  void Release(uint32_t o) {
    chosen_.pop_back();
    --usage_[o];
    for (size_t i = scopes_.size(); i-- > 0;) {
      scopes_[i]->max_first = undo_.back().first;
      scopes_[i]->min_last = undo_.back().second;
      undo_.pop_back();
    }
  }

  Nanos LowerBound() const {
    Nanos b = -kUnbounded;
    for (Nanos x : bounds_) b = std::max(b, x);
    return b;
  }

  // Tries the leaf's candidates from index `from`; k continues the search.
  bool Leaf(int leaf, size_t from, FnRef k, size_t* chosen_index) {
    const auto& cands = cand_[static_cast<size_t>(leaf)];
    Nanos bound = LowerBound();
    for (size_t ci = from; ci < cands.size(); ++ci) {
      uint32_t o = cands[ci];
      if (d_.obs[o].last < bound) break;  // sorted by last, descending
      if (++steps_ > kMaxSearchSteps) {
        exhausted_ = true;
        return false;
      }
      if (!Take(o)) continue;
      if (chosen_index != nullptr) *chosen_index = ci;
      bool r = k();
      Release(o);
      if (r) return true;
      if (exhausted_) return false;
    }
    return false;
  }

  bool RepeatLeaf(int leaf, int64_t remaining, size_t from, FnRef k) {
    if (remaining == 0) return k();
    size_t ci = 0;
    auto next = [&] { return RepeatLeaf(leaf, remaining - 1, ci, k); };
    return Leaf(leaf, from, FnRef(next), &ci);
  }

  bool Repeat(int child, int64_t remaining, FnRef k) {
    if (remaining == 0) return k();
    auto next = [&] { return Repeat(child, remaining - 1, k); };
    return Solve(child, FnRef(next));
  }

  // Solves node `n` with `v` on top of `stack` (a constraint on the
  // observations chosen within `n`), taken off while the continuation runs.
  template <class T>
  bool SolveWith(std::vector<T>* stack, std::type_identity_t<T> v, int n, FnRef k) {
    stack->push_back(v);
    auto after = [&] {
      stack->pop_back();
      bool r = k();
      stack->push_back(v);
      return r;
    };
    bool r = Solve(n, FnRef(after));
    stack->pop_back();
    return r;
  }

  bool Solve(int n, FnRef k) {
    if (exhausted_ || !possible_[static_cast<size_t>(n)]) return false;
    const ObsNode& node = p_.onodes[static_cast<size_t>(n)];
    switch (node.kind) {
      case ObsNode::kLeaf:
        return Leaf(node.leaf, 0, k, nullptr);
      case ObsNode::kAnd: {
        auto right = [&] { return Solve(node.b, k); };
        return Solve(node.a, FnRef(right));
      }
      case ObsNode::kOr:
        return Solve(node.a, k) || Solve(node.b, k);
      case ObsNode::kFollowedBy: {
        // The right side's observations end no earlier than the left's
        // latest start (a lower bound on their last time).
        Scope lhs;
        auto right = [&] { return SolveWith(&bounds_, lhs.max_first, node.b, k); };
        return SolveWith(&scopes_, &lhs, node.a, FnRef(right));
      }
      case ObsNode::kWithin: {
        Scope s;
        s.span = node.within;
        return SolveWith(&scopes_, &s, node.a, k);
      }
      case ObsNode::kStartStop:
        return SolveWith(&windows_, {node.start, node.stop}, node.a, k);
      case ObsNode::kRepeat: {
        const ObsNode& child = p_.onodes[static_cast<size_t>(node.a)];
        // Repeats of a single leaf: choose candidates in non-decreasing
        // order (the constraints do not depend on the order).
        if (child.kind == ObsNode::kLeaf) return RepeatLeaf(child.leaf, node.repeat, 0, k);
        return Repeat(node.a, node.repeat, k);
      }
    }
    return false;
  }

  const PatternImpl& p_;
  const ObservedDataImpl& d_;
  std::vector<std::vector<uint32_t>> cand_;
  std::vector<uint64_t> usage_;
  std::vector<char> possible_;
  std::vector<Scope*> scopes_;
  std::vector<std::pair<Nanos, Nanos>> undo_;
  std::vector<Nanos> bounds_;
  std::vector<std::pair<Nanos, Nanos>> windows_;
  std::vector<uint32_t> chosen_, found_;
  uint64_t steps_ = 0;
  bool exhausted_ = false;
};

// ---- observed-data loading ---------------------------------------------------------

Status Bad(const std::string& path, const std::string& what) {
  return Status::Invalid(path + ": " + what);
}

Status LoadObservation(const bj::object& od, const std::string& path, ObservedDataImpl* d) {
  ObservationRec rec;
  auto id = od.find("id");
  if (id == od.end() || !id->value().is_string())
    return Bad(path + ".id", "missing or not a string");
  rec.id = std::string(id->value().get_string());
  for (const char* k : {"first_observed", "last_observed"}) {
    auto it = od.find(k);
    if (it == od.end() || !it->value().is_string()) {
      return Bad(path + "." + k, "missing or not a string");
    }
    Nanos t;
    if (!ParseStixTimestamp(std::string_view(it->value().get_string()), &t)) {
      return Bad(path + "." + k, "not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)");
    }
    (std::strcmp(k, "first_observed") == 0 ? rec.first : rec.last) = t;
  }
  if (rec.last < rec.first) return Bad(path + ".last_observed", "earlier than first_observed");
  auto n = od.find("number_observed");
  int64_t count = 0;
  if (n != od.end() && n->value().is_int64())
    count = n->value().get_int64();
  else if (n != od.end() && n->value().is_uint64())
    count = 0;
  if (n == od.end() || count < 1 || count > 999'999'999) {
    return Bad(path + ".number_observed", "must be an integer from 1 to 999999999");
  }
  rec.count = static_cast<uint64_t>(count);
  auto objs = od.find("objects");
  auto refs = od.find("object_refs");
  if (objs != od.end()) {
    const bj::object* m = objs->value().if_object();
    if (m == nullptr) return Bad(path + ".objects", "not an object (a dictionary of SCOs)");
    rec.local = m;
    for (const auto& kv : *m) {
      if (!kv.value().is_object()) {
        return Bad(path + ".objects." + std::string(kv.key()), "not an object");
      }
      rec.roots.push_back(&kv.value());
    }
  } else if (refs != od.end()) {
    const bj::array* a = refs->value().if_array();
    if (a == nullptr) return Bad(path + ".object_refs", "not an array");
    for (size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_string()) {
        return Bad(path + ".object_refs[" + std::to_string(i) + "]", "not a string");
      }
      auto it = d->by_id.find(std::string_view((*a)[i].get_string()));
      if (it != d->by_id.end()) rec.roots.push_back(it->second);  // unresolved: skipped
    }
  } else {
    return Bad(path, "observed-data needs \"objects\" or \"object_refs\"");
  }
  for (const bj::value* r : rec.roots) {
    const bj::object& obj = r->get_object();
    auto t = obj.find("type");
    rec.root_types.push_back(t != obj.end() && t->value().is_string()
                                 ? std::string_view(t->value().get_string())
                                 : std::string_view());
  }
  d->obs.push_back(std::move(rec));
  return Status::Ok();
}

}  // namespace

// ---- evaluation entry points -----------------------------------------------------------

bool EvalCmpTree(const PatternImpl& p, int node, const bj::value& root, std::string_view root_type,
                 const ObservationRec& o, const ObservedDataImpl& d) {
  while (true) {
    const CmpNode& n = p.cnodes[static_cast<size_t>(node)];
    switch (n.kind) {
      case CmpNode::kLeaf:
        return EvalComparison(p.cmps[static_cast<size_t>(n.cmp)], root, root_type, o, d);
      case CmpNode::kAnd:
        if (!EvalCmpTree(p, n.a, root, root_type, o, d)) return false;
        node = n.b;
        continue;
      case CmpNode::kOr:
        if (EvalCmpTree(p, n.a, root, root_type, o, d)) return true;
        node = n.b;
        continue;
    }
    return false;
  }
}

bool EvalLeaf(const PatternImpl& p, int leaf, const ObservationRec& o, const ObservedDataImpl& d) {
  int root = p.leaves[static_cast<size_t>(leaf)];
  for (size_t i = 0; i < o.roots.size(); ++i) {
    if (EvalCmpTree(p, root, *o.roots[i], o.root_types[i], o, d)) return true;
  }
  return false;
}

void ForEachPathString(const ObjectPath& path, const bj::value& root, const ObservationRec& o,
                       const ObservedDataImpl& d, const std::function<void(std::string_view)>& fn) {
  Walk w{path, o, d};
  auto visit = [&fn](const Term& t) {
    if (!t.is_bin && !t.is_list && t.j->is_string()) fn(std::string_view(t.j->get_string()));
    return false;  // visit every value
  };
  w.From(root, 0, visit);
}

MatchResult SearchBindings(const PatternImpl& p, const ObservedDataImpl& d,
                           const std::vector<std::vector<uint32_t>>& leaf_obs) {
  if (p.single_observation) {
    // Each binding is one observation: every observation of any leaf.
    MatchResult r;
    for (const auto& l : leaf_obs) r.observed.insert(r.observed.end(), l.begin(), l.end());
    std::sort(r.observed.begin(), r.observed.end());
    r.observed.erase(std::unique(r.observed.begin(), r.observed.end()), r.observed.end());
    r.matched = !r.observed.empty();
    return r;
  }
  Searcher s(p, d, leaf_obs);
  return s.Run();
}

MatchResult Match(const Pattern& pattern, const ObservedData& data) {
  const PatternImpl& p = pattern.impl();
  const ObservedDataImpl& d = data.impl();
  std::vector<std::vector<uint32_t>> leaf_obs(p.leaves.size());
  for (size_t l = 0; l < p.leaves.size(); ++l) {
    for (size_t o = 0; o < d.obs.size(); ++o) {
      if (EvalLeaf(p, static_cast<int>(l), d.obs[o], d))
        leaf_obs[l].push_back(static_cast<uint32_t>(o));
    }
  }
  return SearchBindings(p, d, leaf_obs);
}

StatusOr<ObservedData> ObservedData::FromJson(const bj::value& doc) {
  auto impl = std::make_shared<ObservedDataImpl>();
  impl->doc = doc;
  const bj::array* objects = nullptr;
  std::string prefix;
  bj::array single;
  if (const bj::object* o = impl->doc.if_object()) {
    auto type = o->find("type");
    if (type != o->end() && type->value().is_string() && type->value().get_string() == "bundle") {
      auto it = o->find("objects");
      if (it == o->end() || !it->value().is_array())
        return Bad("objects", "missing or not an array");
      objects = &it->value().get_array();
      prefix = "objects";
    } else {
      // One observed-data object: wrap it.
      bj::value wrapped = bj::array{impl->doc};
      impl->doc = std::move(wrapped);
      objects = &impl->doc.get_array();
      prefix = "";
    }
  } else if (impl->doc.is_array()) {
    objects = &impl->doc.get_array();
  } else {
    return Status::Invalid(
        "expected a STIX bundle, an array of objects or an observed-data object");
  }
  for (const auto& v : *objects) {
    const bj::object* o = v.if_object();
    if (o == nullptr) continue;
    auto id = o->find("id");
    if (id != o->end() && id->value().is_string()) {
      impl->by_id.emplace(std::string_view(id->value().get_string()), &v);
    }
  }
  for (size_t i = 0; i < objects->size(); ++i) {
    const bj::object* o = (*objects)[i].if_object();
    std::string path = prefix + "[" + std::to_string(i) + "]";
    if (o == nullptr) return Bad(path, "not an object");
    auto type = o->find("type");
    if (type == o->end() || !type->value().is_string()) return Bad(path + ".type", "missing");
    if (type->value().get_string() != "observed-data") continue;
    SANAD_RETURN_IF_ERROR(LoadObservation(*o, path, impl.get()));
  }
  return ObservedData(std::move(impl));
}

StatusOr<ObservedData> ObservedData::Parse(std::string_view json_text) {
  boost::system::error_code ec;
  bj::value v = bj::parse(json_text, ec);
  if (ec) return Status::Invalid("not valid JSON: " + ec.message());
  return FromJson(v);
}

size_t ObservedData::size() const { return impl_->obs.size(); }
const std::string& ObservedData::id(size_t i) const { return impl_->obs[i].id; }
uint64_t ObservedData::number_observed(size_t i) const { return impl_->obs[i].count; }

// ---- simple observables ----------------------------------------------------------------

namespace {

std::string HashType(std::string_view key) {
  std::string k;
  for (char c : key) {
    if (c == '-' || c == '_') continue;
    k.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
  }
  static const std::pair<std::string_view, std::string_view> kMap[] = {
      {"MD5", "md5"},       {"SHA1", "sha1"},     {"SHA224", "sha224"},    {"SHA256", "sha256"},
      {"SHA384", "sha384"}, {"SHA512", "sha512"}, {"SHA3256", "sha3-256"}, {"SHA3512", "sha3-512"},
      {"SSDEEP", "ssdeep"}, {"TLSH", "tlsh"},
  };
  for (const auto& [name, type] : kMap) {
    if (k == name) return std::string(type);
  }
  return "";
}

// The MISP type of an equality on `path`, "" when not a simple observable.
std::string SimpleType(const ObjectPath& path) {
  const auto& st = path.steps;
  if (st.size() == 1 && st[0].kind == PathStep::kKey && st[0].key == "value") {
    if (path.type == "ipv4-addr" || path.type == "ipv6-addr") return "ip-dst";
    if (path.type == "domain-name") return "domain";
    if (path.type == "url") return "url";
    if (path.type == "email-addr") return "email";
    return "";
  }
  if (path.type == "file" && st.size() == 2 && st[0].kind == PathStep::kKey &&
      st[0].key == "hashes" && st[1].kind == PathStep::kKey) {
    return HashType(st[1].key);
  }
  return "";
}

bool SimpleCmp(const PatternImpl& p, int node,
               std::vector<std::pair<std::string, std::string>>* out) {
  const CmpNode& n = p.cnodes[static_cast<size_t>(node)];
  if (n.kind == CmpNode::kAnd) return false;
  if (n.kind == CmpNode::kOr) return SimpleCmp(p, n.a, out) && SimpleCmp(p, n.b, out);
  const Comparison& c = p.cmps[static_cast<size_t>(n.cmp)];
  if (c.negated || (c.op != Op::kEq && c.op != Op::kIn)) return false;
  std::string type = SimpleType(c.path);
  if (type.empty()) return false;
  for (const auto& l : c.values) {
    if (l.kind != LitKind::kString) return false;
    out->emplace_back(type, l.bytes);
  }
  return true;
}

}  // namespace

bool SimpleObservables(const Pattern& pattern,
                       std::vector<std::pair<std::string, std::string>>* out) {
  const PatternImpl& p = pattern.impl();
  if (!p.single_observation) return false;
  std::vector<std::pair<std::string, std::string>> got;
  for (int root : p.leaves) {
    if (!SimpleCmp(p, root, &got)) return false;
  }
  if (got.empty()) return false;
  out->insert(out->end(), got.begin(), got.end());
  return true;
}

}  // namespace sanad::stix
