#include "cli/context.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "cli/cli.h"
#include "util/util.h"

namespace sanad::cli {

namespace {
double Seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int Fail(const Status& st) {
  // Messages may quote stored names (an org, a title): escaped like tables,
  // line by line (some messages list several problems on their own lines).
  const std::string msg = st.ToString();
  std::string safe;
  for (size_t b = 0; b <= msg.size();) {
    size_t e = msg.find('\n', b);
    if (e == std::string::npos) e = msg.size();
    if (b) safe += '\n';
    safe += util::EscapeForTerminal(std::string_view(msg).substr(b, e - b));
    b = e + 1;
  }
  std::fprintf(stderr, "sanad: %s\n", safe.c_str());
  return kExitFailure;
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "sanad: %s\n", message.c_str());
  return kExitUsage;
}

StatusOr<std::unique_ptr<store::Store>> OpenStore(const Context& ctx, int cache_mb) {
  store::OpenOptions o;
  o.cache_mb = cache_mb;
  return store::Store::Open(ctx.data_dir, o);
}

policy::Actor CliActor(const model::Org* as) {
  return policy::LocalActor(as ? *as : model::Org());
}

std::string WarninglistDir(const Context& ctx) { return ctx.data_dir + "/warninglists"; }

StatusOr<intel::WarninglistSet> LoadWarninglists(const Context& ctx) {
  return intel::WarninglistSet::Load(WarninglistDir(ctx));
}

StatusOr<model::Org> ResolveActingOrg(store::Store* s, const std::string& name_or_uuid) {
  auto org = s->community().FindOrg(name_or_uuid);
  if (!org.ok()) return Status::NotFound("unknown organisation '" + name_or_uuid + "'");
  if (org->status != model::OrgStatus::kMember)
    return Status::Permission("organisation '" + org->name + "' is " +
                              model::Name(org->status) + ", not an active member");
  return org;
}

Status ResolveViewer(store::Store* s, const std::string& name_or_uuid, model::Org* org,
                     policy::Viewer* viewer) {
  auto o = ResolveActingOrg(s, name_or_uuid);
  if (!o.ok()) return o.status();
  auto v = s->community().ViewerFor(o->id);
  if (!v.ok()) return v.status();
  *org = std::move(*o);
  *viewer = std::move(*v);
  return Status::Ok();
}

int InTransactionAs(const Context& ctx, const std::string& as,
                    const std::function<Status(store::Store*, const model::Org&)>& fn) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  store::Transaction tx(s->get());
  if (!tx.status().ok()) return Fail(tx.status());
  auto org = ResolveActingOrg(s->get(), as);
  if (!org.ok()) return Fail(org.status());
  Status st = fn(s->get(), *org);
  if (st.ok()) st = tx.Commit();
  return st.ok() ? kExitOk : Fail(st);
}

bool ParseTimeArg(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char unit = s.back();
  if ((unit == 'd' || unit == 'h' || unit == 'm' || unit == 'w') && s.size() > 1 &&
      std::all_of(s.begin(), s.end() - 1, ::isdigit)) {
    int64_t n = std::stoll(s.substr(0, s.size() - 1));
    int64_t mult = unit == 'w' ? 604800 : unit == 'd' ? 86400 : unit == 'h' ? 3600 : 60;
    *out = util::Now() - n * mult;
    return true;
  }
  if (std::all_of(s.begin(), s.end(), ::isdigit) && s.size() <= 12) {
    *out = std::stoll(s);
    return true;
  }
  return util::ParseIso8601(s, out);
}

Progress::Progress(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1), start_(Seconds()) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done, uint64_t total, uint64_t bytes) {
  if (!enabled_) return;
  double now = Seconds();
  if (now - last_ < 0.1 && done != total) return;
  last_ = now;
  double el = std::max(now - start_, 1e-6);
  std::fprintf(stderr, "\r%s: %llu/%llu files, %.1f MB, %.1f MB/s   ", label_.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               bytes / 1e6, bytes / 1e6 / el);
  printed_ = true;
}

void Progress::Finish() {
  if (enabled_ && printed_) std::fprintf(stderr, "\n");
  printed_ = false;
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& raw_rows) {
  // Cells carry names and titles other members chose: escape control and
  // bidi characters so that they cannot rewrite what the terminal shows.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(raw_rows.size());
  for (const auto& r : raw_rows) {
    std::vector<std::string>& out = rows.emplace_back();
    out.reserve(r.size());
    for (const auto& c : r) out.push_back(util::EscapeForTerminal(c));
  }
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string c = i < r.size() ? r[i] : "";
      s += c;
      if (i + 1 < w.size()) s += std::string(w[i] - c.size() + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::cout << s << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

}  // namespace sanad::cli
