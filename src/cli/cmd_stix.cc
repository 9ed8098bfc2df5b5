// sanad stix ...: the STIX 2.1 pattern engine on the command line.
//   sanad stix match --patterns FILE --observed BUNDLE [--json]
//   sanad stix validate-pattern PATTERN...
// Neither touches the store.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/register.h"
#include "stix/pattern.h"
#include "util/util.h"

namespace sanad::cli {

namespace {

namespace json = boost::json;

// Documented limits (docs/stix.md).
constexpr size_t kMaxPatternFileBytes = 64u << 20;
constexpr size_t kMaxObservedFileBytes = 512u << 20;

bool IsStr(const json::value& v, std::string_view s) {
  return v.is_string() && std::string_view(v.get_string()) == s;
}

struct StixMatchArgs {
  std::string patterns, observed;
};

Status ReadAll(const std::string& path, size_t limit, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open");
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  if (size > limit) {
    return Status::Limit(path + ": larger than " + std::to_string(limit >> 20) + " MiB");
  }
  in.seekg(0);
  out->resize(size);
  if (size > 0 && !in.read(out->data(), static_cast<std::streamsize>(size))) {
    return Status::Io(path + ": read failed");
  }
  return Status::Ok();
}

struct Source {
  std::string label;  // "line 3" or the indicator id
  std::string text;
};

// Patterns from a file: one per line (blank lines and '#' comments skipped),
// or STIX indicators (a bundle, an array of objects or one indicator).
Status LoadPatterns(const std::string& path, std::vector<Source>* out,
                    std::vector<std::string>* skipped) {
  std::string data;
  SANAD_RETURN_IF_ERROR(ReadAll(path, kMaxPatternFileBytes, &data));
  std::string_view trimmed = util::Trim(data);
  bool as_json = false;
  json::value doc;
  if (!trimmed.empty() && (trimmed[0] == '{' || trimmed[0] == '[')) {
    boost::system::error_code ec;
    doc = json::parse(trimmed, ec);
    if (!ec && (doc.is_object() ||
                (doc.is_array() && !doc.get_array().empty() && doc.get_array()[0].is_object()))) {
      as_json = true;
    } else if (trimmed[0] == '{') {
      return Status::Invalid(path + ": not valid JSON: " + ec.message());
    }
  }
  if (!as_json) {
    std::istringstream in(data);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string_view t = util::Trim(line);
      if (t.empty() || t[0] == '#') continue;
      out->push_back({"line " + std::to_string(n), std::string(t)});
    }
    return Status::Ok();
  }
  const json::array* objects = nullptr;
  json::array single;
  std::string prefix = "objects";
  if (doc.is_object()) {
    const json::object& o = doc.get_object();
    auto type = o.find("type");
    if (type != o.end() && IsStr(type->value(), "bundle")) {
      auto it = o.find("objects");
      if (it == o.end() || !it->value().is_array()) {
        return Status::Invalid(path + ": objects: missing or not an array");
      }
      objects = &it->value().get_array();
    } else {
      single.push_back(doc);
      objects = &single;
      prefix = "";
    }
  } else {
    objects = &doc.get_array();
    prefix = "";
  }
  for (size_t i = 0; i < objects->size(); ++i) {
    std::string where = path + ": " + prefix + "[" + std::to_string(i) + "]";
    const json::object* o = (*objects)[i].if_object();
    if (o == nullptr) return Status::Invalid(where + ": not an object");
    auto type = o->find("type");
    if (type == o->end() || !IsStr(type->value(), "indicator")) continue;
    auto id = o->find("id");
    std::string label = id != o->end() && id->value().is_string()
                            ? std::string(id->value().get_string())
                            : prefix + "[" + std::to_string(i) + "]";
    auto pt = o->find("pattern_type");
    if (pt != o->end() && !IsStr(pt->value(), "stix")) {
      std::string kind = pt->value().is_string() ? std::string(pt->value().get_string()) : "?";
      skipped->push_back(label + " (pattern_type " + kind + ")");
      continue;
    }
    auto pat = o->find("pattern");
    if (pat == o->end() || !pat->value().is_string()) {
      return Status::Invalid(where + ".pattern: missing or not a string");
    }
    out->push_back({label, std::string(pat->value().get_string())});
  }
  return Status::Ok();
}

int CmdStixMatch(const Context& ctx, const StixMatchArgs& a) {
  std::vector<Source> sources;
  std::vector<std::string> skipped;
  Status st = LoadPatterns(a.patterns, &sources, &skipped);
  if (!st.ok()) return Fail(st);
  stix::PatternSet set;
  int errors = 0;
  for (const auto& s : sources) {
    auto p = stix::Pattern::Parse(s.text);
    if (!p.ok()) {
      std::fprintf(stderr, "sanad: %s: %s: %s\n", a.patterns.c_str(), s.label.c_str(),
                   p.status().message().c_str());
      ++errors;
      continue;
    }
    set.Add(std::move(p.value()));
  }
  if (errors > 0) {
    std::fprintf(stderr, "sanad: %d invalid pattern%s; nothing matched\n", errors,
                 errors == 1 ? "" : "s");
    return kExitFailure;
  }
  std::string bundle;
  st = ReadAll(a.observed, kMaxObservedFileBytes, &bundle);
  if (!st.ok()) return Fail(st);
  auto data = stix::ObservedData::Parse(bundle);
  if (!data.ok()) return Fail(data.status().WithContext(a.observed));
  bundle.clear();
  bundle.shrink_to_fit();

  std::vector<stix::MatchResult> results = set.MatchAll(*data);
  size_t matched = 0;
  std::vector<char> od_hit(data->size(), 0);
  int failed = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].status.ok()) {
      std::fprintf(stderr, "sanad: %s: %s\n", sources[i].label.c_str(),
                   results[i].status.message().c_str());
      ++failed;
    }
    if (!results[i].matched) continue;
    ++matched;
    for (size_t o : results[i].observed) od_hit[o] = 1;
  }
  size_t od_matched = static_cast<size_t>(std::count(od_hit.begin(), od_hit.end(), 1));
  if (ctx.json) {
    json::object out;
    out["patterns"] = results.size();
    out["matched"] = matched;
    out["observed_data"] = data->size();
    out["observed_data_matched"] = od_matched;
    json::array rs;
    for (size_t i = 0; i < results.size(); ++i) {
      json::object r;
      r["source"] = sources[i].label;
      r["pattern"] = sources[i].text;
      r["matched"] = results[i].matched;
      json::array ids;
      for (size_t o : results[i].observed) ids.push_back(json::string(data->id(o)));
      r["observed_data"] = std::move(ids);
      if (!results[i].status.ok()) r["error"] = results[i].status.message();
      rs.push_back(std::move(r));
    }
    out["results"] = std::move(rs);
    json::array sk;
    for (const auto& s : skipped) sk.push_back(json::string(s));
    out["skipped"] = std::move(sk);
    std::cout << json::serialize(out) << "\n";
  } else {
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].matched) continue;
      std::cout << sources[i].label << ": " << sources[i].text << "\n";
      for (size_t o : results[i].observed) std::cout << "  " << data->id(o) << "\n";
    }
    if (!ctx.quiet) {
      std::fprintf(stderr, "%zu of %zu patterns matched; %zu of %zu observed-data involved",
                   matched, results.size(), od_matched, data->size());
      if (!skipped.empty())
        std::fprintf(stderr, "; %zu non-STIX indicators skipped", skipped.size());
      std::fprintf(stderr, "\n");
    }
  }
  return failed > 0 ? kExitFailure : kExitOk;
}

int CmdValidatePattern(const Context& ctx, const std::vector<std::string>& patterns) {
  int invalid = 0;
  json::array rs;
  for (const auto& text : patterns) {
    stix::PatternError err;
    auto p = stix::Pattern::Parse(text, &err);
    if (!p.ok()) ++invalid;
    if (ctx.json) {
      json::object r;
      r["pattern"] = text;
      r["valid"] = p.ok();
      if (!p.ok()) {
        r["offset"] = err.offset;
        r["line"] = err.line;
        r["column"] = err.column;
        r["error"] = err.reason;
      }
      rs.push_back(std::move(r));
    } else if (p.ok()) {
      std::cout << "valid: " << text << "\n";
    } else {
      std::cout << "invalid: " << text << "\n  " << err.ToString() << "\n";
      // A caret under the error when the pattern is one line.
      if (text.find('\n') == std::string::npos) {
        std::cout << "  " << text << "\n  " << std::string(err.column - 1, ' ') << "^\n";
      }
    }
  }
  if (ctx.json) {
    json::object out;
    out["results"] = std::move(rs);
    out["invalid"] = invalid;
    std::cout << json::serialize(out) << "\n";
  }
  return invalid > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterStixCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* stix = AddGroup(app, "stix", "STIX 2.1 patterns: match observed-data, validate");

  static StixMatchArgs a;
  auto* m = AddCommand(
      stix, "match",
      "Which STIX patterns match the observed-data of a bundle (and which observed-data)", rc,
      [ctx] { return CmdStixMatch(*ctx, a); });
  m->add_option("--patterns", a.patterns,
                "File of patterns: one per line, or STIX indicators (bundle or array)")
      ->required();
  m->add_option("--observed", a.observed, "STIX bundle with observed-data (2.0 or 2.1 style)")
      ->required();
  AddJsonFlag(m, &ctx->json);

  auto* v = stix->add_subcommand("validate-pattern",
                                 "Check STIX 2.1 patterns (PATTERN..., quoted); errors give "
                                 "offset, line, column");
  // The patterns are taken verbatim from the remaining arguments: a CLI11
  // option would read "[a,b]" as a list.
  v->allow_extras();
  AddJsonFlag(v, &ctx->json);
  v->callback([ctx, rc, v] {
    std::vector<std::string> patterns = v->remaining();
    if (patterns.empty()) {
      *rc = Usage("stix validate-pattern needs at least one PATTERN");
      return;
    }
    *rc = CmdValidatePattern(*ctx, patterns);
  });
}

}  // namespace sanad::cli
