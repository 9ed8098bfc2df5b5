// PatternSet: many patterns against one set of observations without
// evaluating every comparison expression on every observation.
//
// Every comparison is true only on an object of its path's type, so each
// observation leaf ([...]) has "triggers": the object types, or, when the
// expression needs a string equality (= or IN, without NOT), the (path,
// value) pairs that must be present. AND takes the more selective side, OR
// both. An observation's objects look their type and the strings at the
// indexed paths up; only the leaves found are evaluated, and only patterns
// with a true leaf reach the binding search. The search is the same as for
// Match(), so results are identical.
#include <algorithm>

#include "stix/pattern_internal.h"

namespace sanad::stix {

namespace bj = boost::json;

namespace {

struct Trig {
  std::vector<std::string> types;
  std::vector<std::pair<const ObjectPath*, std::string>> values;
  std::vector<std::pair<const ObjectPath*, model::IpPrefix>> cidrs;  // ISSUBSET
  size_t Cost() const { return types.size() * 1000000 + values.size() + cidrs.size(); }
};

// The prefix `p` cut to its first `len` bits.
model::IpPrefix Truncate(const model::IpPrefix& p, int len) {
  model::IpPrefix r = p;
  r.len = len;
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(len - i * 8, 0, 8);
    r.addr[static_cast<size_t>(i)] &= static_cast<uint8_t>(0xFF00 >> keep);
  }
  return r;
}

std::string CidrKey(uint32_t path_id, const model::IpPrefix& p) {
  std::string k(reinterpret_cast<const char*>(&path_id), sizeof path_id);
  k.push_back(p.v6 ? '6' : '4');
  k.push_back(static_cast<char>(p.len));
  k.append(reinterpret_cast<const char*>(p.addr.data()), p.v6 ? 16 : 4);
  return k;
}

bool ValueIndexable(const Comparison& c) {
  if (c.negated || (c.op != Op::kEq && c.op != Op::kIn)) return false;
  const PathStep& last = c.path.steps.back();
  if (last.kind == PathStep::kKey &&
      (last.suffix == PathStep::kHexValue || last.suffix == PathStep::kBinValue)) {
    return false;  // string literals also equal decoded binary values
  }
  for (const auto& l : c.values) {
    if (l.kind != LitKind::kString) return false;
  }
  return true;
}

Trig Triggers(const PatternImpl& p, int node) {
  const CmpNode& n = p.cnodes[static_cast<size_t>(node)];
  switch (n.kind) {
    case CmpNode::kLeaf: {
      const Comparison& c = p.cmps[static_cast<size_t>(n.cmp)];
      Trig t;
      if (ValueIndexable(c)) {
        for (const auto& l : c.values) t.values.emplace_back(&c.path, l.bytes);
      } else if (c.op == Op::kIsSubset && !c.negated) {
        // True only for an address or CIDR inside the literal's prefix: the
        // value cut to the literal's length is the literal.
        t.cidrs.emplace_back(&c.path, c.prefix);
      } else {
        t.types.push_back(c.path.type);
      }
      return t;
    }
    case CmpNode::kAnd: {
      Trig a = Triggers(p, n.a);
      Trig b = Triggers(p, n.b);
      return a.Cost() <= b.Cost() ? a : b;
    }
    case CmpNode::kOr: {
      Trig a = Triggers(p, n.a);
      Trig b = Triggers(p, n.b);
      a.types.insert(a.types.end(), b.types.begin(), b.types.end());
      a.values.insert(a.values.end(), std::make_move_iterator(b.values.begin()),
                      std::make_move_iterator(b.values.end()));
      a.cidrs.insert(a.cidrs.end(), b.cidrs.begin(), b.cidrs.end());
      return a;
    }
  }
  return {};
}

using StrMap = std::unordered_map<std::string, std::vector<uint32_t>, StrViewHash, std::equal_to<>>;

void AddUnique(std::vector<uint32_t>* v, uint32_t x) {
  if (v->empty() || v->back() != x) v->push_back(x);
}

}  // namespace

struct PatternSet::Impl {
  std::vector<Pattern> patterns;
  struct LeafRef {
    uint32_t pattern;
    int leaf;
    const PatternImpl* impl;  // owned by patterns[pattern]
    int cmp_root;             // the leaf's comparison expression
  };
  std::vector<LeafRef> leaves;       // global leaf id -> pattern and local leaf
  std::vector<uint32_t> first_leaf;  // pattern -> its first global leaf id
  StrMap type_leaves;                // object type -> leaves triggered by the type
  std::vector<ObjectPath> paths;     // indexed paths
  std::unordered_map<std::string, uint32_t> path_ids;  // ObjectPath::Text -> id
  StrMap type_paths;  // object type -> indexed path ids (as uint32 values)
  StrMap values;      // 4-byte path id + value -> leaves
  // ISSUBSET: path ids of the type, and per path the prefix lengths used.
  StrMap type_cidr_paths;
  std::unordered_map<uint32_t, std::vector<std::pair<bool, int>>> cidr_lens;  // (v6, len)
  StrMap cidrs;                                                               // CidrKey -> leaves

  // Interns an indexed path; `strings`: also extract its strings (= / IN).
  uint32_t PathId(const ObjectPath& path, bool strings = false) {
    std::string text = path.Text();
    auto [it, inserted] = path_ids.try_emplace(text, static_cast<uint32_t>(paths.size()));
    if (inserted) {
      paths.push_back(path);
      string_path.push_back(false);
    }
    if (strings && !string_path[it->second]) {
      string_path[it->second] = true;
      type_paths[path.type].push_back(it->second);
    }
    return it->second;
  }
  std::vector<bool> string_path;

  static std::string Key(uint32_t path_id, std::string_view value) {
    std::string k(reinterpret_cast<const char*>(&path_id), sizeof path_id);
    k.append(value);
    return k;
  }
};

PatternSet::PatternSet() : impl_(std::make_unique<Impl>()) {}
PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;
size_t PatternSet::size() const { return impl_->patterns.size(); }
const Pattern& PatternSet::pattern(size_t i) const { return impl_->patterns[i]; }

size_t PatternSet::Add(Pattern p) {
  Impl& m = *impl_;
  auto pi = static_cast<uint32_t>(m.patterns.size());
  m.first_leaf.push_back(static_cast<uint32_t>(m.leaves.size()));
  const PatternImpl& pat = p.impl();
  for (size_t l = 0; l < pat.leaves.size(); ++l) {
    auto id = static_cast<uint32_t>(m.leaves.size());
    m.leaves.push_back({pi, static_cast<int>(l), &pat, pat.leaves[l]});
    Trig t = Triggers(pat, pat.leaves[l]);
    for (const auto& type : t.types) AddUnique(&m.type_leaves[type], id);
    for (const auto& [path, value] : t.values) {
      AddUnique(&m.values[Impl::Key(m.PathId(*path, true), value)], id);
    }
    for (const auto& [path, prefix] : t.cidrs) {
      uint32_t pid = m.PathId(*path);
      auto& lens = m.cidr_lens[pid];
      if (lens.empty()) m.type_cidr_paths[path->type].push_back(pid);
      std::pair<bool, int> fl{prefix.v6, prefix.len};
      if (std::find(lens.begin(), lens.end(), fl) == lens.end()) lens.push_back(fl);
      AddUnique(&m.cidrs[CidrKey(pid, prefix)], id);
    }
  }
  m.patterns.push_back(std::move(p));
  return pi;
}

std::vector<MatchResult> PatternSet::MatchAll(const ObservedData& data) const {
  return MatchAll(data, nullptr);
}

std::vector<MatchResult> PatternSet::MatchAll(const ObservedData& data, Stats* stats) const {
  const Impl& m = *impl_;
  const ObservedDataImpl& d = data.impl();
  std::vector<MatchResult> results(m.patterns.size());
  std::vector<std::vector<uint32_t>> leaf_obs(m.leaves.size());
  // A leaf is true on an object only if one of its triggers fires on that
  // object, so each triggered leaf is evaluated on the objects that
  // triggered it, until it is true for the observation.
  std::vector<uint32_t> true_in(m.leaves.size(), 0);   // observation index + 1
  std::vector<uint64_t> tried_on(m.leaves.size(), 0);  // object stamp
  std::vector<char> touched(m.patterns.size(), 0);
  std::string key;
  uint64_t object_stamp = 0;
  Stats st;
  for (size_t oi = 0; oi < d.obs.size(); ++oi) {
    const ObservationRec& o = d.obs[oi];
    auto obs_stamp = static_cast<uint32_t>(oi + 1);
    for (size_t ri = 0; ri < o.roots.size(); ++ri) {
      const bj::value& root = *o.roots[ri];
      std::string_view type = o.root_types[ri];
      ++object_stamp;
      auto try_leaf = [&](uint32_t leaf) {
        if (true_in[leaf] == obs_stamp || tried_on[leaf] == object_stamp) return;
        tried_on[leaf] = object_stamp;
        const auto& ref = m.leaves[leaf];
        ++st.leaf_evaluations;
        if (EvalCmpTree(*ref.impl, ref.cmp_root, root, type, o, d)) {
          true_in[leaf] = obs_stamp;
          leaf_obs[leaf].push_back(static_cast<uint32_t>(oi));
          touched[ref.pattern] = 1;
        }
      };
      if (auto it = m.type_leaves.find(type); it != m.type_leaves.end()) {
        for (uint32_t leaf : it->second) try_leaf(leaf);
      }
      if (auto cit = m.type_cidr_paths.find(type); cit != m.type_cidr_paths.end()) {
        for (uint32_t path_id : cit->second) {
          const auto& lens = m.cidr_lens.find(path_id)->second;
          ForEachPathString(m.paths[path_id], root, o, d, [&](std::string_view v) {
            model::IpPrefix ip;
            if (!model::ParseIpPrefix(v, &ip)) return;
            ip = model::UnmapV4(ip);
            for (const auto& [v6, len] : lens) {
              if (v6 != ip.v6 || len > ip.len) continue;
              if (auto it = m.cidrs.find(std::string_view(CidrKey(path_id, Truncate(ip, len))));
                  it != m.cidrs.end()) {
                for (uint32_t leaf : it->second) try_leaf(leaf);
              }
            }
          });
        }
      }
      auto pit = m.type_paths.find(type);
      if (pit == m.type_paths.end()) continue;
      for (uint32_t path_id : pit->second) {
        ForEachPathString(m.paths[path_id], root, o, d, [&](std::string_view v) {
          key.assign(reinterpret_cast<const char*>(&path_id), sizeof path_id);
          key.append(v);
          if (auto vit = m.values.find(std::string_view(key)); vit != m.values.end()) {
            for (uint32_t leaf : vit->second) try_leaf(leaf);
          }
        });
      }
    }
  }
  std::vector<std::vector<uint32_t>> local;
  for (size_t pi = 0; pi < m.patterns.size(); ++pi) {
    if (!touched[pi]) continue;
    ++st.searched_patterns;
    const PatternImpl& p = m.patterns[pi].impl();
    local.assign(p.leaves.size(), {});
    for (size_t l = 0; l < p.leaves.size(); ++l)
      local[l] = std::move(leaf_obs[m.first_leaf[pi] + l]);
    results[pi] = SearchBindings(p, d, local);
  }
  if (stats != nullptr) *stats = st;
  return results;
}

}  // namespace sanad::stix
