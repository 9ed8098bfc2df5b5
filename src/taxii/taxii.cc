#include "taxii/taxii.h"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "util/util.h"

namespace sanad::taxii {

namespace json = boost::json;

namespace {

constexpr int64_t kUs = 1000000;

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

std::string Serialize(const json::value& v) { return json::serialize(v); }

// A STIX id with its uuid part ("TYPE--UUID") in lower case.
std::string CanonicalId(const std::string& id) {
  size_t sep = id.find("--");
  return sep == std::string::npos ? id : id.substr(0, sep + 2) + util::ToLower(id.substr(sep + 2));
}

policy::Viewer AudienceViewer(const Collection& col) {
  policy::Viewer v;
  switch (col.kind) {
    case CollectionKind::kCommunity:
    case CollectionKind::kPublic:
      break;  // no org, no group: what every member may see
    case CollectionKind::kSharingGroup:
      v.sharing_groups = {col.sharing_group_id};
      break;
    case CollectionKind::kOwn:
      v.org_id = col.org_id;  // the owner sees all of its events
      break;
  }
  return v;
}

store::TaxiiSource SourceOf(const Collection& col) {
  store::TaxiiSource src;
  switch (col.kind) {
    case CollectionKind::kCommunity:
      src.kind = store::TaxiiSource::kAll;
      break;
    case CollectionKind::kPublic:
      src.kind = store::TaxiiSource::kClear;
      break;
    case CollectionKind::kSharingGroup:
      src.kind = store::TaxiiSource::kSharingGroup;
      src.id = col.sharing_group_id;
      break;
    case CollectionKind::kOwn:
      src.kind = store::TaxiiSource::kOrg;
      src.id = col.org_id;
      break;
  }
  return src;
}

bool ClearOrUnmarked(const std::vector<model::Tag>& tags) {
  model::Tlp t = model::StrictestTlp(tags);
  return t == model::Tlp::kNone || t == model::Tlp::kClear;
}

bool Sensitive(model::Tlp t) {
  return t == model::Tlp::kAmber || t == model::Tlp::kAmberStrict || t == model::Tlp::kRed;
}

bool EventSensitive(const model::Event& ev) {
  if (Sensitive(model::StrictestTlp(ev.tags))) return true;
  for (const auto& a : ev.attributes)
    if (Sensitive(model::StrictestTlp(a.tags))) return true;
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes)
      if (Sensitive(model::StrictestTlp(a.tags))) return true;
  return false;
}

bool InGroup(int64_t sg, const model::Event& ev) {
  if (ev.distribution == model::Distribution::kSharingGroup && ev.sharing_group.id == sg)
    return true;
  auto item = [&](model::Distribution d, int64_t id) {
    return d == model::Distribution::kSharingGroup && id == sg;
  };
  for (const auto& a : ev.attributes)
    if (item(a.distribution, a.sharing_group.id)) return true;
  for (const auto& o : ev.objects) {
    if (item(o.distribution, o.sharing_group.id)) return true;
    for (const auto& a : o.attributes)
      if (item(a.distribution, a.sharing_group.id)) return true;
  }
  return false;
}

// Applies the collection's own rule to an event already redacted for its
// audience. False when the event does not belong to the collection.
bool Admit(const Collection& col, model::Event* ev) {
  switch (col.kind) {
    case CollectionKind::kCommunity:
      return true;
    case CollectionKind::kOwn:
      return ev->org.id == col.org_id;
    case CollectionKind::kSharingGroup:
      return InGroup(col.sharing_group_id, *ev);
    case CollectionKind::kPublic: {
      if (model::StrictestTlp(ev->tags) != model::Tlp::kClear) return false;
      std::set<std::string> dropped;
      std::erase_if(ev->attributes, [&](const model::Attribute& a) {
        if (ClearOrUnmarked(a.tags)) return false;
        dropped.insert(a.uuid);
        return true;
      });
      for (auto& o : ev->objects)
        std::erase_if(o.attributes, [&](const model::Attribute& a) {
          if (ClearOrUnmarked(a.tags)) return false;
          dropped.insert(a.uuid);
          return true;
        });
      std::erase_if(ev->objects, [&](const model::Object& o) {
        if (!o.attributes.empty()) return false;
        dropped.insert(o.uuid);
        return true;
      });
      // References to what was dropped would reveal it.
      for (auto& o : ev->objects)
        std::erase_if(o.references, [&](const model::ObjectReference& r) {
          return dropped.count(util::ToLower(r.referenced_uuid)) > 0;
        });
      return true;
    }
  }
  return false;
}

struct ObjectFacts {
  std::string id, type, spec_version, version;
  int64_t version_us = 0;
};

Status Facts(const std::string& text, ObjectFacts* f) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Internal("taxii: converter produced a non-object");
  const auto& o = v.as_object();
  auto str = [&](const char* k) -> std::string {
    const json::value* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  f->id = str("id");
  f->type = str("type");
  f->spec_version = str("spec_version");
  if (f->spec_version.empty()) f->spec_version = "2.1";
  if (f->id.empty() || f->type.empty())
    return Status::Internal("taxii: converter produced an object without id or type");
  // The log keys ids with a lower-case uuid part (filters are normalised
  // the same way); the object text keeps its spelling.
  if (size_t sep = f->id.find("--"); sep != std::string::npos)
    f->id = f->id.substr(0, sep + 2) + util::ToLower(f->id.substr(sep + 2));
  f->version = str("modified");
  if (f->version.empty()) f->version = str("created");
  f->version_us = 0;
  if (!f->version.empty() && !ParseTimestamp(f->version, &f->version_us)) f->version.clear();
  return Status::Ok();
}

class Refresher {
 public:
  Refresher(store::Store* s, store::TaxiiStore* ts, const Collection& col, MicroClock clock,
            int64_t* last_added, RefreshStats* stats)
      : s_(s), ts_(ts), col_(col), clock_(clock), last_added_(last_added), stats_(stats) {}

  int64_t NextDate() {
    int64_t d = std::max(NowMicros(clock_), *last_added_ + 1);
    *last_added_ = d;
    return d;
  }

  // Records one object produced by `event_id`.
  Status Put(const std::string& text, const ObjectFacts& f, int64_t event_id) {
    std::string hash = util::Blake2b256(text);
    std::vector<store::TaxiiObjectRow> rows;
    SANAD_RETURN_IF_ERROR(ts_->ObjectVersions(col_.id, f.id, &rows));
    bool was_withdrawn = !rows.empty() && rows.front().withdrawn;
    const store::TaxiiObjectRow* same = nullptr;
    for (const auto& r : rows) {
      if (f.version_us == 0 ? r.hash == hash : r.version_us == f.version_us) same = &r;
    }
    if (same && same->hash == hash) {
      if (was_withdrawn) SANAD_RETURN_IF_ERROR(ts_->SetWithdrawn(col_.id, f.id, false, event_id));
      return Status::Ok();
    }
    if (was_withdrawn) SANAD_RETURN_IF_ERROR(ts_->SetWithdrawn(col_.id, f.id, false, event_id));
    store::TaxiiObjectRow row;
    row.collection = col_.id;
    row.stix_id = f.id;
    row.type = f.type;
    row.spec_version = f.spec_version;
    row.version = f.version;
    row.date_added = NextDate();
    row.version_us = f.version_us ? f.version_us : row.date_added;
    row.event_id = event_id;
    row.hash = std::move(hash);
    row.json = text;
    ++stats_->appended;
    if (same) {  // the same version with other content: moved to a new date_added
      row.seq = same->seq;
      return ts_->ReplaceObject(row);
    }
    return ts_->InsertObject(&row);
  }

  Status Event(int64_t event_id, const Converter& convert) {
    auto acc = ts_->EventAccess(event_id);
    if (!acc.ok()) return acc.status();
    model::Event ev;
    bool in = false;
    if (!acc->deleted) {
      auto e = s_->events().GetEvent(AudienceViewer(col_), acc->uuid);
      if (e.ok()) {
        ev = std::move(*e);
        in = Admit(col_, &ev);
      } else if (e.status().code() != Status::Code::kNotFound) {
        return e.status();
      }
    }
    std::vector<std::string> ids;
    if (in) {
      auto objs = convert(s_, ev);
      if (!objs.ok()) return objs.status();
      for (const auto& text : *objs) {
        ObjectFacts f;
        SANAD_RETURN_IF_ERROR(Facts(text, &f));
        SANAD_RETURN_IF_ERROR(Put(text, f, event_id));
        ids.push_back(f.id);
      }
      ++stats_->events;
    }
    std::vector<std::string> old;
    SANAD_RETURN_IF_ERROR(ts_->EventObjectIds(col_.id, event_id, &old));
    std::set<std::string> now(ids.begin(), ids.end());
    for (const auto& id : old) {
      if (now.count(id)) continue;
      auto other = ts_->OtherProducer(col_.id, id, event_id);
      if (!other.ok()) return other.status();
      if (*other) {
        SANAD_RETURN_IF_ERROR(ts_->SetWithdrawn(col_.id, id, false, *other));
      } else {
        SANAD_RETURN_IF_ERROR(ts_->SetWithdrawn(col_.id, id, true, event_id));
        ++stats_->withdrawn;
      }
    }
    SANAD_RETURN_IF_ERROR(ts_->SetEventObjectIds(col_.id, event_id,
                                                 std::vector<std::string>(now.begin(), now.end())));
    store::TaxiiEventState st;
    st.event_id = event_id;
    st.timestamp = acc->timestamp;
    st.present = in;
    st.sensitive = in && EventSensitive(ev);
    st.event_uuid = acc->uuid;
    st.orgc_uuid = in ? ev.orgc.uuid : "";
    return ts_->PutEventState(col_.id, st);
  }

 private:
  store::Store* s_;
  store::TaxiiStore* ts_;
  const Collection& col_;
  MicroClock clock_;
  int64_t* last_added_;
  RefreshStats* stats_;
};

std::string EncodeNext(int64_t date_added) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "n%llx", static_cast<unsigned long long>(date_added));
  return buf;
}

bool DecodeNext(std::string_view s, int64_t* out) {
  if (s.size() < 2 || s.size() > 17 || s[0] != 'n') return false;
  uint64_t v = 0;
  for (char c : s.substr(1)) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

void SplitInto(std::string_view value, std::vector<std::string>* out) {
  while (true) {
    size_t c = value.find(',');
    auto part = util::Trim(value.substr(0, c));
    if (!part.empty()) out->emplace_back(part);
    if (c == std::string_view::npos) break;
    value = value.substr(c + 1);
  }
}

std::string VersionText(const store::TaxiiObjectRow& r) {
  return r.version.empty() ? FormatTimestamp(r.version_us) : r.version;
}

}  // namespace

// ---- time ----

int64_t NowMicros(MicroClock clock) {
  if (clock) return clock();
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatTimestamp(int64_t us) {
  int64_t secs = us >= 0 ? us / kUs : -((-us + kUs - 1) / kUs);
  int64_t frac = us - secs * kUs;
  std::string base = util::FormatIso8601(secs);  // YYYY-MM-DDThh:mm:ssZ
  if (!base.empty() && base.back() == 'Z') base.pop_back();
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(frac));
  return base + buf;
}

bool ParseTimestamp(std::string_view s, int64_t* us) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i, n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 6) frac = frac * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (i == start || n > 9) return false;
    for (size_t k = n; k < 6; ++k) frac *= 10;
  }
  if (i + 1 != s.size() || (s[i] != 'Z' && s[i] != 'z')) return false;
  int64_t days = util::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *us = ((days * 86400) + h * 3600 + mi * 60 + se) * kUs + frac;
  return true;
}

// ---- collections ----

StatusOr<std::vector<Collection>> CollectionsFor(store::Store* s, const policy::Actor& c) {
  std::vector<Collection> out;
  Collection community;
  community.id = kCommunityCollectionId;
  community.title = "Community";
  community.alias = "community";
  community.description =
      "Intelligence the members share with the whole community (distribution community, "
      "connected communities or all), as every member may see it.";
  community.kind = CollectionKind::kCommunity;
  community.can_write = c.may_write;
  out.push_back(community);

  Collection own;
  own.id = c.org.uuid;
  own.title = c.org.name + " (own)";
  own.alias = "own";
  own.description = "Everything " + c.org.name +
                    " holds, its organisation-only data included. Objects added here are "
                    "shared with the organisation only.";
  own.kind = CollectionKind::kOwn;
  own.org_id = c.org.id;
  own.can_write = c.may_write;
  out.push_back(own);

  std::vector<model::SharingGroup> groups;
  SANAD_RETURN_IF_ERROR(s->community().ListSharingGroups(&groups));
  for (const auto& g : groups) {
    if (!c.viewer.InGroup(g.id)) continue;
    Collection col;
    col.id = g.uuid;
    col.title = "Sharing group " + g.name;
    col.description = "Intelligence shared with the sharing group " + g.name +
                      (g.releasability.empty() ? "" : " (releasable to: " + g.releasability + ")") +
                      ". Objects added here are shared with the group.";
    col.kind = CollectionKind::kSharingGroup;
    col.sharing_group_id = g.id;
    col.can_write = c.may_write;
    out.push_back(col);
  }

  Collection pub;
  pub.id = kPublicCollectionId;
  pub.title = "Public (TLP:CLEAR)";
  pub.alias = "public";
  pub.description =
      "Events marked TLP:CLEAR that the community shares (distribution 1-3), without the "
      "attributes marked with a stricter TLP. Read-only.";
  pub.kind = CollectionKind::kPublic;
  pub.can_write = false;
  out.push_back(pub);
  return out;
}

StatusOr<Collection> FindCollection(store::Store* s, const policy::Actor& c, std::string_view id) {
  auto all = CollectionsFor(s, c);
  if (!all.ok()) return all.status();
  std::string want = util::ToLower(id);
  for (auto& col : *all)
    if (col.id == want || (!col.alias.empty() && col.alias == want)) return std::move(col);
  return Status::NotFound("no collection '" + std::string(id) + "'");
}

std::string CollectionJson(const Collection& col) {
  json::object o{{"id", col.id},
                 {"title", col.title},
                 {"description", col.description},
                 {"can_read", col.can_read},
                 {"can_write", col.can_write},
                 {"media_types", json::array{kStixMediaType}}};
  if (!col.alias.empty()) o["alias"] = col.alias;
  return Serialize(o);
}

// ---- refresh ----

StatusOr<bool> NeedsRefresh(store::Store* s, const Collection& col) {
  auto gen = s->intel().DataGeneration();
  if (!gen.ok()) return gen.status();
  auto ts = store::NewTaxiiStore(s);
  auto cs = ts->GetCollectionState(col.id);
  if (!cs.ok()) return cs.status();
  return cs->generation != *gen;
}

namespace {

// Refreshers of one collection are serialised within the process.
std::mutex& CollectionLock(const std::string& id) {
  static std::mutex registry_mu;
  static auto* registry = new std::map<std::string, std::unique_ptr<std::mutex>>();
  std::lock_guard<std::mutex> l(registry_mu);
  auto& m = (*registry)[id];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

std::unique_lock<std::mutex> LockWriter(std::mutex* m) {
  return m ? std::unique_lock<std::mutex>(*m) : std::unique_lock<std::mutex>();
}

}  // namespace

Status Refresh(store::Store* s, const Collection& col, const Converter& convert, MicroClock clock,
               std::mutex* write_mutex, RefreshStats* stats) {
  RefreshStats local;
  if (!stats) stats = &local;
  std::lock_guard<std::mutex> serial(CollectionLock(col.id));
  auto ts = store::NewTaxiiStore(s);
  // The generation first: a write committed after it is converted now or
  // by the next refresh (the stored generation stays older than it).
  auto gen = s->intel().DataGeneration();
  if (!gen.ok()) return gen.status();
  auto cs = ts->GetCollectionState(col.id);
  if (!cs.ok()) return cs.status();
  if (cs->generation == *gen) return Status::Ok();
  std::vector<int64_t> ids;
  SANAD_RETURN_IF_ERROR(ts->ChangedEvents(col.id, SourceOf(col), &ids));
  const int64_t old_generation = cs->generation;
  int64_t last_added = cs->last_added;
  for (size_t start = 0; start <= ids.size(); start += kRefreshChunk) {
    auto writer = LockWriter(write_mutex);
    store::Transaction tx(s);
    SANAD_RETURN_IF_ERROR(tx.status());
    auto now = ts->GetCollectionState(col.id);
    if (!now.ok()) return now.status();
    last_added = std::max(last_added, now->last_added);
    Refresher r(s, ts.get(), col, clock, &last_added, stats);
    size_t end = std::min(ids.size(), start + kRefreshChunk);
    for (size_t i = start; i < end; ++i) SANAD_RETURN_IF_ERROR(r.Event(ids[i], convert));
    store::TaxiiStore::CollectionState next;
    next.generation = end == ids.size() ? *gen : old_generation;  // done only after the last chunk
    next.last_added = last_added;
    SANAD_RETURN_IF_ERROR(ts->SetCollectionState(col.id, next));
    SANAD_RETURN_IF_ERROR(tx.Commit());
    if (end == ids.size()) break;
  }
  return Status::Ok();
}

// ---- filters and reads ----

StatusOr<Filter> ParseFilter(const std::vector<std::pair<std::string, std::string>>& query,
                             bool allow_version) {
  Filter f;
  for (const auto& [k, v] : query) {
    if (k == "added_after") {
      if (!ParseTimestamp(v, &f.added_after))
        return Status::Invalid("added_after: '" + v + "' is not a timestamp (RFC 3339, UTC)");
    } else if (k == "limit") {
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0')
        return Status::Invalid("limit: '" + v + "' is not a positive integer");
      f.limit = std::clamp<long long>(n, 1, kMaxPage);
    } else if (k == "next") {
      if (!v.empty() && !DecodeNext(v, &f.next_after))
        return Status::Invalid("next: '" + v + "' is not a token from this server");
    } else if (k == "match[id]") {
      SplitInto(v, &f.ids);
    } else if (k == "match[type]") {
      SplitInto(v, &f.types);
    } else if (k == "match[spec_version]") {
      SplitInto(v, &f.spec_versions);
    } else if (k == "match[version]") {
      if (!allow_version) return Status::Invalid("match[version] is not supported here");
      std::vector<std::string> vals;
      SplitInto(v, &vals);
      if (!f.version_given) {
        f.latest = false;
        f.version_given = true;
      }
      for (const auto& x : vals) {
        if (x == "last") {
          f.latest = true;
        } else if (x == "first") {
          f.first = true;
        } else if (x == "all") {
          f.all = true;
        } else {
          int64_t us = 0;
          if (!ParseTimestamp(x, &us))
            return Status::Invalid("match[version]: '" + x +
                                   "' is not last, first, all or a timestamp");
          f.versions_us.push_back(us);
        }
      }
    } else if (k.rfind("match[", 0) == 0) {
      return Status::Invalid(k +
                             ": unsupported filter (match[id], match[type], "
                             "match[version] and match[spec_version] are)");
    }
  }
  for (auto* l : {&f.ids, &f.types, &f.spec_versions})
    if (l->size() > kMaxFilterValues)
      return Status::Invalid("a match[] filter holds more than " +
                             std::to_string(kMaxFilterValues) + " values");
  if (f.versions_us.size() > kMaxFilterValues)
    return Status::Invalid("match[version] holds more than " + std::to_string(kMaxFilterValues) +
                           " values");
  for (auto& id : f.ids) id = CanonicalId(id);
  return f;
}

StatusOr<Page> Read(store::Store* s, const Collection& col, const policy::Viewer& viewer,
                    const Filter& f, std::string_view only_id) {
  auto ts = store::NewTaxiiStore(s);
  store::TaxiiQuery q;
  q.collection = col.id;
  q.after = std::max(f.added_after, f.next_after);
  q.ids = f.ids;
  if (!only_id.empty()) {
    std::string id = CanonicalId(std::string(only_id));
    if (!q.ids.empty() && std::find(q.ids.begin(), q.ids.end(), id) == q.ids.end()) return Page{};
    q.ids = {id};
  }
  q.types = f.types;
  q.spec_versions = f.spec_versions;
  q.latest = f.latest;
  q.first = f.first;
  q.all = f.all;
  q.versions_us = f.versions_us;
  q.limit = f.limit + 1;

  // Per event: may the caller see it now (the one policy), and is it
  // sensitive. Cached for the page.
  struct Seen {
    bool visible = false;
    bool sensitive = false;
    std::string uuid, orgc_uuid;
  };
  std::map<int64_t, Seen> seen;
  auto check = [&](int64_t event_id) -> StatusOr<const Seen*> {
    auto it = seen.find(event_id);
    if (it != seen.end()) return &it->second;
    Seen v;
    auto acc = ts->EventAccess(event_id);
    if (acc.ok()) {
      model::Event ev;
      ev.org.id = acc->org_id;
      ev.distribution = static_cast<model::Distribution>(acc->distribution);
      ev.sharing_group.id = acc->sharing_group_id;
      v.visible = !acc->deleted && policy::MaySeeEvent(viewer, ev);
      if (v.visible) {
        auto st = ts->GetEventState(col.id, event_id);
        if (st.ok()) {
          v.sensitive = st->sensitive;
          v.uuid = st->event_uuid;
          v.orgc_uuid = st->orgc_uuid;
        } else if (st.status().code() != Status::Code::kNotFound) {
          return st.status();
        }
      }
    } else if (acc.status().code() != Status::Code::kNotFound) {
      return acc.status();
    }
    return &seen.emplace(event_id, std::move(v)).first->second;
  };

  Page page;
  std::set<std::string> sensitive;
  std::vector<store::TaxiiObjectRow> rows;
  while (true) {
    SANAD_RETURN_IF_ERROR(ts->Query(q, &rows));
    for (auto& r : rows) {
      q.after = r.date_added;
      auto v = check(r.event_id);
      if (!v.ok()) return v.status();
      if (!(*v)->visible) continue;
      if (static_cast<int64_t>(page.rows.size()) == f.limit) {
        page.more = true;  // a further row the caller may see exists
        break;
      }
      if ((*v)->sensitive && sensitive.insert((*v)->uuid).second)
        page.sensitive_events.emplace_back((*v)->uuid, (*v)->orgc_uuid);
      page.rows.push_back(std::move(r));
    }
    if (page.more || static_cast<int64_t>(rows.size()) < q.limit) break;
  }
  if (page.more) page.next = EncodeNext(page.rows.back().date_added);
  return page;
}

std::string EnvelopeJson(const Page& p) {
  std::string out = "{\"more\":";
  out += p.more ? "true" : "false";
  if (p.more) out += ",\"next\":" + Serialize(json::value(p.next));
  out += ",\"objects\":[";
  for (size_t i = 0; i < p.rows.size(); ++i) {
    if (i) out += ',';
    out += p.rows[i].json;
  }
  out += "]}";
  return out;
}

std::string ManifestJson(const Page& p) {
  json::array objs;
  for (const auto& r : p.rows)
    objs.push_back(json::object{{"id", r.stix_id},
                                {"date_added", FormatTimestamp(r.date_added)},
                                {"version", VersionText(r)},
                                {"media_type", kStixMediaType}});
  json::object o{{"more", p.more}};
  if (p.more) o["next"] = p.next;
  o["objects"] = std::move(objs);
  return Serialize(o);
}

std::string VersionsJson(const Page& p) {
  json::array v;
  for (const auto& r : p.rows) v.push_back(json::value(VersionText(r)));
  json::object o{{"more", p.more}};
  if (p.more) o["next"] = p.next;
  o["versions"] = std::move(v);
  return Serialize(o);
}

std::string DateAddedFirst(const Page& p) {
  return p.rows.empty() ? "" : FormatTimestamp(p.rows.front().date_added);
}
std::string DateAddedLast(const Page& p) {
  return p.rows.empty() ? "" : FormatTimestamp(p.rows.back().date_added);
}

// ---- add objects and status ----

namespace {

// True when `writer` may not add an object with this id (`key`: uuid part
// lower-cased; `text`: the object as posted, compact JSON). See AddObjects
// in taxii.h. The answer never depends on whether the writer may see what
// the other organisation holds.
StatusOr<bool> IdRefused(store::Store* s, store::TaxiiStore* ts, const model::Org& writer,
                         const std::string& key, const std::string& text) {
  size_t sep = key.find("--");
  std::string type = key.substr(0, sep), uuid = key.substr(sep + 2);
  if (SharedStixId(type, key)) return false;
  bool foreign = false;
  if (type == "identity") {
    if (uuid == util::ToLower(writer.uuid)) return false;  // an organisation's own identity
    auto org = s->community().FindOrg(uuid);
    if (org.ok() && util::ToLower(org->uuid) == uuid && org->status != model::OrgStatus::kExternal)
      foreign = true;  // another member's identity, stored in events or not
    else if (!org.ok() && org.status().code() != Status::Code::kNotFound)
      return org.status();
  }
  std::vector<store::TaxiiStore::StixIdHolder> holders;
  SANAD_RETURN_IF_ERROR(ts->StixIdHolders(key, &holders));
  for (const auto& h : holders) foreign = foreign || h.org_id != writer.id;
  if (!foreign) return false;
  // A byte-identical copy of a stored version changes nothing for anyone.
  for (const auto& h : holders)
    if (!h.json.empty() && h.json == text) return false;
  return true;
}

}  // namespace

StatusOr<std::string> AddObjects(store::Store* s, const Collection& col, const policy::Actor& c,
                                 std::string_view envelope, const Importer& import,
                                 MicroClock clock) {
  if (!col.can_write)
    return Status::Permission("collection " + col.id + " (" + col.title +
                              ") does not accept objects from this caller");
  if (envelope.size() > kMaxEnvelopeBytes)
    return Status::Limit("envelope larger than " + std::to_string(kMaxEnvelopeBytes) + " bytes");
  boost::system::error_code ec;
  json::value v = json::parse(envelope, ec);
  if (ec) return Status::Invalid("envelope: not JSON (" + ec.message() + ")");
  if (!v.is_object()) return Status::Invalid("envelope: $: must be an object");
  const json::value* objs = v.as_object().if_contains("objects");
  if (!objs || !objs->is_array())
    return Status::Invalid("envelope: $.objects: must be an array of STIX objects");
  const auto& arr = objs->as_array();
  if (arr.size() > kMaxEnvelopeObjects)
    return Status::Limit("envelope: more than " + std::to_string(kMaxEnvelopeObjects) + " objects");
  struct Item {
    std::string id, key, version;  // key: the id with its uuid part lower-cased
    const json::value* object = nullptr;
    int64_t modified_us = INT64_MIN;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string at = "envelope: $.objects[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return Status::Invalid(at + ": must be an object");
    const auto& o = arr[i].as_object();
    const json::value* id = o.if_contains("id");
    const json::value* type = o.if_contains("type");
    if (!type || !type->is_string() || type->as_string().empty())
      return Status::Invalid(at + ".type: must be a non-empty string");
    if (!id || !id->is_string() || id->as_string().find("--") == json::string::npos)
      return Status::Invalid(at + ".id: must be a STIX identifier (type--uuid)");
    Item it;
    it.id = std::string(id->as_string());
    size_t sep = it.id.find("--");
    it.key = it.id.substr(0, sep + 2) + util::ToLower(it.id.substr(sep + 2));
    it.object = &arr[i];
    if (const json::value* m = o.if_contains("modified"); m && m->is_string()) {
      it.version = std::string(m->as_string());
      int64_t us = 0;
      if (ParseTimestamp(it.version, &us)) it.modified_us = us;
    } else if (const json::value* cr = o.if_contains("created"); cr && cr->is_string()) {
      it.version = std::string(cr->as_string());
    }
    items.push_back(std::move(it));
  }
  // One version per id is imported (the newest by modified, the first of
  // equals, as the bundle parser keeps); the others are reported as failures.
  std::map<std::string, size_t> winner;
  for (size_t i = 0; i < items.size(); ++i) {
    auto [w, fresh] = winner.emplace(items[i].key, i);
    if (!fresh && items[i].modified_us > items[w->second].modified_us) w->second = i;
  }

  AddTarget target;
  target.org_id = c.org.id;
  target.actor = &c;
  target.creators = c.creators;
  switch (col.kind) {
    case CollectionKind::kCommunity:
      target.distribution = model::Distribution::kCommunity;
      break;
    case CollectionKind::kOwn:
      target.distribution = model::Distribution::kOrganisation;
      break;
    case CollectionKind::kSharingGroup:
      target.distribution = model::Distribution::kSharingGroup;
      target.sharing_group_id = col.sharing_group_id;
      break;
    case CollectionKind::kPublic:
      return Status::Permission("the public collection is read-only");
  }
  int64_t request_us = NowMicros(clock);
  Status result;
  ImportOutcome outcome;
  std::set<std::string> refused;  // keys
  if (!items.empty()) {
    store::Transaction tx(s);
    result = tx.status();
    if (result.ok()) {
      auto ts = store::NewTaxiiStore(s);
      json::array keep;
      for (size_t i = 0; i < items.size() && result.ok(); ++i) {
        const Item& it = items[i];
        if (winner[it.key] != i) continue;
        auto no = IdRefused(s, ts.get(), c.org, it.key, Serialize(*it.object));
        if (!no.ok()) return no.status();
        if (*no) {
          refused.insert(it.key);
        } else {
          keep.push_back(*it.object);
        }
      }
      if (result.ok() && !keep.empty()) {
        json::object bundle{
            {"type", "bundle"}, {"id", "bundle--" + util::NewUuid()}, {"objects", std::move(keep)}};
        auto r = import(s, Serialize(bundle), target);
        if (r.ok()) {
          outcome = std::move(*r);
          result = tx.Commit();
        } else {
          result = r.status();
        }
      }
    }
  }
  std::map<std::string, std::string> not_written(outcome.not_written.begin(),
                                                 outcome.not_written.end());
  std::string status_id = util::NewUuid();
  json::array successes, failures;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    json::object d{{"id", it.id}};
    if (!it.version.empty()) d["version"] = it.version;
    std::string why;
    if (refused.count(it.key)) {
      why = kIdNotAccepted;
    } else if (winner[it.key] != i) {
      why = "not added: another version of this object in the same request was taken instead";
    } else if (!result.ok()) {
      // Nothing was written. A conflict on an id answers like a refused id.
      why = result.code() == Status::Code::kConflict ? std::string(kIdNotAccepted)
                                                     : result.message();
    } else if (auto nw = not_written.find(it.key); nw != not_written.end()) {
      why = nw->second;
    }
    if (why.empty()) {
      successes.push_back(std::move(d));
    } else {
      d["message"] = why;
      failures.push_back(std::move(d));
    }
  }
  std::vector<std::string>& notes = outcome.notes;
  json::object st{{"id", status_id},
                  {"status", "complete"},
                  {"request_timestamp", FormatTimestamp(request_us)},
                  {"total_count", items.size()},
                  {"success_count", successes.size()},
                  {"successes", std::move(successes)},
                  {"failure_count", failures.size()},
                  {"failures", std::move(failures)},
                  {"pending_count", 0},
                  {"pendings", json::array()}};
  if (!notes.empty()) {
    json::array n;
    for (auto& x : notes) n.push_back(json::value(x));
    st["x_sanad_notes"] = std::move(n);
  }
  std::string text = Serialize(st);
  store::TaxiiStore::StatusResource res;
  res.id = status_id;
  res.collection = col.id;
  res.org_id = c.org.id;
  res.request_us = request_us;
  res.json = text;
  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  SANAD_RETURN_IF_ERROR(store::NewTaxiiStore(s)->PutStatus(res));
  SANAD_RETURN_IF_ERROR(tx.Commit());
  return text;
}

StatusOr<std::string> GetStatus(store::Store* s, const policy::Actor& c, std::string_view id) {
  // Another organisation's status answers exactly like an absent one.
  Status absent = Status::NotFound("no status resource " + std::string(id));
  auto r = store::NewTaxiiStore(s)->GetStatus(util::ToLower(id));
  if (!r.ok()) return r.status().code() == Status::Code::kNotFound ? absent : r.status();
  if (r->org_id != c.org.id) return absent;
  return r->json;
}

// ---- delete ----

Status DeleteObject(store::Store* s, const Collection& col, const policy::Actor& c,
                    std::string_view stix_id) {
  Filter f;
  f.all = true;
  f.limit = 1;
  auto page = Read(s, col, c.viewer, f, stix_id);
  if (!page.ok()) return page.status();
  Status hidden =
      Status::NotFound("no object '" + std::string(stix_id) + "' in collection " + col.id);
  if (page->rows.empty()) return hidden;
  auto ts = store::NewTaxiiStore(s);
  auto acc = ts->EventAccess(page->rows.front().event_id);
  if (!acc.ok()) return acc.status().code() == Status::Code::kNotFound ? hidden : acc.status();
  size_t sep = stix_id.find("--");
  std::string uuid = sep == std::string_view::npos ? "" : util::ToLower(stix_id.substr(sep + 2));

  store::Transaction tx(s);
  SANAD_RETURN_IF_ERROR(tx.status());
  auto ev = s->events().GetEvent(c.viewer, acc->uuid);
  if (!ev.ok()) return ev.status().code() == Status::Code::kNotFound ? hidden : ev.status();
  SANAD_RETURN_IF_ERROR(policy::CheckHolder(c.org.id, ev->org.id, ev->org.name, ev->uuid,
                                            "deletes", "object " + std::string(stix_id)));
  model::Timestamp now = util::Now();
  std::string kind;
  if (uuid == ev->uuid) {
    SANAD_RETURN_IF_ERROR(s->events().SoftDeleteEvent(ev->id, now));
    kind = "event";
  } else {
    auto mark = [&](model::Attribute& a) {
      a.deleted = true;
      a.timestamp = std::max(now, a.timestamp + 1);
      kind = "attribute";
    };
    for (auto& a : ev->attributes)
      if (a.uuid == uuid) mark(a);
    for (auto& o : ev->objects) {
      if (o.uuid == uuid) {
        o.deleted = true;
        o.timestamp = std::max(now, o.timestamp + 1);
        kind = "object";
      }
      for (auto& a : o.attributes)
        if (a.uuid == uuid) mark(a);
    }
    if (kind.empty())
      return Status::Invalid("object " + std::string(stix_id) +
                             " is not made from one MISP item (shared identities, markings and "
                             "observables go away with the items that produce them)");
    ev->timestamp = std::max(now, ev->timestamp + 1);
    auto out = s->events().UpsertEvent(&*ev);
    if (!out.ok()) return out.status();
  }
  SANAD_RETURN_IF_ERROR(audit::Record(s, c, "taxii.delete", kind,
                                      kind == "event" ? ev->uuid : uuid, ev->orgc.uuid,
                                      "stix id " + std::string(stix_id)));
  return tx.Commit();
}

// ---- discovery ----

std::string DiscoveryJson(std::string_view base) {
  std::string root = std::string(base) + "/taxii2/api/";
  json::object o{{"title", "Sanad TAXII 2.1"},
                 {"description",
                  "Threat intelligence of the Sanad community. Every collection is filtered by "
                  "the community's visibility policy for the caller's organisation."},
                 {"default", root},
                 {"api_roots", json::array{json::value(root)}}};
  return Serialize(o);
}

std::string ApiRootJson() {
  json::object o{{"title", "Sanad"},
                 {"description",
                  "Collections: community, the caller's own organisation, each sharing group "
                  "it belongs to, and public (TLP:CLEAR, read-only)."},
                 {"versions", json::array{kTaxiiMediaType}},
                 {"max_content_length", kMaxEnvelopeBytes}};
  return Serialize(o);
}

}  // namespace sanad::taxii
