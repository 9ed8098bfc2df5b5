#include "formats/export.h"

#include <algorithm>
#include <boost/json.hpp>
#include <span>
#include <unordered_set>

#include "formats/misp.h"
#include "intel/sighting.h"
#include "policy/policy.h"
#include "stix/stix.h"
#include "util/util.h"

namespace sanad::formats {

bool ParseExportFormat(std::string_view s, ExportFormat* out) {
  if (s == "misp" || s == "json") {
    *out = ExportFormat::kMisp;
  } else if (s == "csv") {
    *out = ExportFormat::kCsv;
  } else if (s == "text" || s == "txt") {
    *out = ExportFormat::kText;
  } else if (s == "stix21" || s == "stix") {
    *out = ExportFormat::kStix21;
  } else {
    return false;
  }
  return true;
}

namespace {

bool HasTag(const std::vector<model::Tag>& tags, std::string_view name) {
  for (const auto& t : tags)
    if (t.name.size() == name.size() && util::ToLower(t.name) == util::ToLower(name)) return true;
  return false;
}

bool AnyOf(const std::vector<std::string>& set, const std::string& v) {
  return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
}

bool AttributePasses(const ExportFilter& f, const model::Event& ev, const model::Attribute& a) {
  if (!AnyOf(f.types, a.type) || !AnyOf(f.categories, a.category)) return false;
  if (f.to_ids && a.to_ids != *f.to_ids) return false;
  if (f.since && a.timestamp < *f.since) return false;
  if (f.to_ids && *f.to_ids && f.warninglists && !f.include_warninglisted &&
      f.warninglists->Hits(a.type, a.canonical))
    return false;
  bool has_positive = false, matched_positive = false;
  for (const auto& t : f.tags) {
    bool negated = !t.empty() && t[0] == '!';
    std::string_view name = negated ? std::string_view(t).substr(1) : std::string_view(t);
    bool present = HasTag(a.tags, name) || HasTag(ev.tags, name);
    if (negated) {
      if (present) return false;
    } else {
      has_positive = true;
      matched_positive = matched_positive || present;
    }
  }
  return !has_positive || matched_positive;
}

bool HasAttributeFilters(const ExportFilter& f) {
  return !f.types.empty() || !f.categories.empty() || !f.tags.empty() || f.to_ids.has_value() ||
         f.since.has_value();
}

// Drops the attributes for which drop(attribute) is true, in and outside
// objects; objects left empty are dropped.
template <class Pred>
void DropAttributes(model::Event* ev, Pred drop) {
  std::erase_if(ev->attributes, drop);
  for (auto& o : ev->objects) std::erase_if(o.attributes, drop);
  std::erase_if(ev->objects, [](const model::Object& o) { return o.attributes.empty(); });
}

// Drops attributes that fail the filter; objects left empty are dropped.
void ApplyFilter(const ExportFilter& f, model::Event* ev) {
  DropAttributes(ev, [&](const model::Attribute& a) { return !AttributePasses(f, *ev, a); });
}

// Drops attributes scoring below `min_score` (objects left empty are
// dropped); the sightings of the whole event are read in one query.
Status ApplyMinScore(store::Store* store, const intel::DecayConfig& cfg, double min_score,
                     model::Timestamp now, model::Event* ev) {
  std::vector<model::Sighting> sightings;
  SANAD_RETURN_IF_ERROR(store->sightings().ListEventSightings(ev->id, &sightings));  // by attribute id
  auto low = [&](const model::Attribute& a) {
    auto first =
        std::lower_bound(sightings.begin(), sightings.end(), a.id,
                         [](const model::Sighting& s, int64_t id) { return s.attribute_id < id; });
    auto last = first;
    while (last != sightings.end() && last->attribute_id == a.id) ++last;
    std::span<const model::Sighting> mine(sightings.data() + (first - sightings.begin()),
                                          static_cast<size_t>(last - first));
    return intel::Score(cfg, a.type, a.timestamp, mine, now) < min_score;
  };
  DropAttributes(ev, low);
  return Status::Ok();
}

int64_t CountAttributes(const model::Event& ev) {
  int64_t n = static_cast<int64_t>(ev.attributes.size());
  for (const auto& o : ev.objects) n += static_cast<int64_t>(o.attributes.size());
  return n;
}

void CsvField(std::ostream& out, std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

void CsvRow(std::ostream& out, const model::Event& ev, const model::Object* o,
            const model::Attribute& a) {
  std::string tags;
  for (const auto& t : a.tags) {
    if (!tags.empty()) tags += ',';
    tags += t.name;
  }
  CsvField(out, a.uuid);
  out << ',';
  CsvField(out, ev.uuid);
  out << ',';
  CsvField(out, a.category);
  out << ',';
  CsvField(out, a.type);
  out << ',';
  CsvField(out, a.value);
  out << ',';
  CsvField(out, a.comment);
  out << ',' << (a.to_ids ? 1 : 0) << ',' << util::FormatDate(a.timestamp) << ',';
  CsvField(out, a.object_relation);
  out << ',';
  CsvField(out, tags);
  out << ',';
  CsvField(out, o ? std::string_view(o->uuid) : std::string_view());
  out << ',';
  CsvField(out, o ? std::string_view(o->name) : std::string_view());
  out << ',';
  CsvField(out, o ? std::string_view(o->meta_category) : std::string_view());
  out << "\r\n";
}

}  // namespace

Status Export(store::Store* store, const policy::Viewer& viewer, ExportFormat fmt,
              const ExportFilter& filter, std::ostream& out, ExportStats* stats,
              const policy::Actor* actor) {
  store::EventQuery q;
  q.published = filter.published;
  q.include_deleted = filter.include_deleted;
  bool attr_filters = HasAttributeFilters(filter);
  bool first = true;
  std::unordered_set<std::string> seen_text;
  std::vector<model::Event> audited;  // heads of exported events, for the audit log
  ExportStats local;
  // Full group definitions travel with distribution-4 items so that the
  // receiving node can recreate the group (its members already see it).
  std::vector<model::SharingGroup> groups;
  MispWriteOptions wopts;
  if (fmt == ExportFormat::kMisp) {
    SANAD_RETURN_IF_ERROR(store->community().ListSharingGroups(&groups));
    wopts.sharing_groups = &groups;
    out << "{\"response\": [";
  }
  // STIX: object ids already written (events share identities and markings).
  std::unordered_set<std::string> stix_ids;
  stix::ExportOptions stix_opts;
  stix_opts.viewer = &viewer;
  if (fmt == ExportFormat::kStix21)
    out << "{\"type\":\"bundle\",\"id\":\"bundle--" << util::NewUuid() << "\",\"objects\":[";
  if (fmt == ExportFormat::kCsv)
    out << "uuid,event_uuid,category,type,value,comment,to_ids,date,object_relation,"
           "attribute_tag,object_uuid,object_name,object_meta_category\r\n";
  intel::DecayConfig decay;
  if (filter.min_score) {
    auto cfg = intel::LoadDecayConfig(store);
    if (!cfg.ok()) return cfg.status();
    decay = *cfg;
  }
  const model::Timestamp now = util::Now();
  Status inner;
  Status st = store->events().ScanEvents(viewer, q, [&](model::Event& ev) {
    policy::RedactLocalTags(viewer, &ev);
    if (attr_filters || filter.min_score) {
      if (attr_filters) ApplyFilter(filter, &ev);
      if (filter.min_score) {
        inner = ApplyMinScore(store, decay, *filter.min_score, now, &ev);
        if (!inner.ok()) return false;
      }
      if (ev.attributes.empty() && ev.objects.empty()) return true;
    }
    local.events++;
    local.attributes += CountAttributes(ev);
    if (actor) {
      // Recorded after the scan (no writes while the read is open).
      model::Event head;
      head.uuid = ev.uuid;
      head.org = ev.org;
      head.orgc = ev.orgc;
      head.tags = ev.tags;
      for (const auto& a : ev.attributes)
        if (model::StrictestTlp(a.tags) != model::Tlp::kNone) head.attributes.push_back(a);
      for (const auto& o : ev.objects)
        for (const auto& a : o.attributes)
          if (model::StrictestTlp(a.tags) != model::Tlp::kNone) head.attributes.push_back(a);
      audited.push_back(std::move(head));
    }
    switch (fmt) {
      case ExportFormat::kMisp:
        if (!first) out << ",";
        out << "\n" << WriteMispEvent(ev, wopts);
        break;
      case ExportFormat::kCsv:
        for (const auto& a : ev.attributes) CsvRow(out, ev, nullptr, a);
        for (const auto& o : ev.objects)
          for (const auto& a : o.attributes) CsvRow(out, ev, &o, a);
        break;
      case ExportFormat::kText: {
        auto emit = [&](const model::Attribute& a) {
          // Canonical values: what a blocklist consumer needs.
          std::vector<std::string> parts;
          if (!a.canonical2.empty()) {
            parts = {a.canonical1, a.canonical2};
          } else {
            parts = {a.canonical.empty() ? a.value : a.canonical};
          }
          for (auto& p : parts) {
            if (p.empty() || p.find('\n') != std::string::npos) continue;
            if (seen_text.insert(p).second) out << p << "\n";
          }
        };
        for (const auto& a : ev.attributes) emit(a);
        for (const auto& o : ev.objects)
          for (const auto& a : o.attributes) emit(a);
        break;
      }
      case ExportFormat::kStix21: {
        auto objs = stix::EventToObjects(store, ev, stix_opts);
        if (!objs.ok()) {
          inner = objs.status().WithContext("event " + ev.uuid);
          return false;
        }
        for (const auto& text : *objs) {
          boost::system::error_code ec;
          boost::json::value v = boost::json::parse(text, ec);
          std::string id = text;
          if (!ec && v.is_object() && v.as_object().contains("id") && v.as_object().at("id").is_string())
            id = std::string(v.as_object().at("id").as_string());
          if (!stix_ids.insert(util::ToLower(id)).second) continue;
          if (stix_ids.size() > 1) out << ",";
          out << "\n" << text;
        }
        break;
      }
    }
    first = false;
    return static_cast<bool>(out);
  });
  if (fmt == ExportFormat::kMisp) out << (first ? "]}\n" : "\n]}\n");
  if (fmt == ExportFormat::kStix21) out << (stix_ids.empty() ? "]}\n" : "\n]}\n");
  if (stats) *stats = local;
  if (!st.ok()) return st;
  for (const auto& ev : audited)
    SANAD_RETURN_IF_ERROR(audit::RecordSensitiveRead(store, *actor, "export", ev));
  if (!inner.ok()) return inner;
  if (!out) return Status::Io("write failed while exporting");
  return Status::Ok();
}

}  // namespace sanad::formats
