#include "audit/audit.h"

#include "audit/checkpoint.h"
#include "audit/encoding.h"
#include "util/util.h"

namespace sanad::audit {

namespace {

bool IsSensitive(model::Tlp t) {
  return t == model::Tlp::kAmber || t == model::Tlp::kAmberStrict || t == model::Tlp::kRed;
}

}  // namespace

std::string CanonicalEncoding(const model::AuditEntry& e) {
  std::string out = "sanad-audit-v1;";
  AppendField(&out, std::to_string(e.seq));
  AppendField(&out, std::to_string(e.time));
  AppendField(&out, e.actor);
  AppendField(&out, e.org_uuid);
  AppendField(&out, e.action);
  AppendField(&out, e.object_type);
  AppendField(&out, e.object_uuid);
  AppendField(&out, e.owner_org_uuid);
  AppendField(&out, e.details);
  return out;
}

std::string ComputeHash(std::string_view prev_hash, const model::AuditEntry& e) {
  std::string data(prev_hash);
  data += CanonicalEncoding(e);
  return util::Blake2b256(data);
}

namespace {

Status AppendOnce(store::Store* s, const policy::Actor& actor, std::string_view action,
                  std::string_view object_type, std::string_view object_uuid,
                  std::string_view owner_org_uuid, std::string_view details) {
  model::AuditEntry e;
  auto last = s->audit_log().LastAuditEntry();
  if (last.ok()) {
    e.seq = last->seq + 1;
    e.prev_hash = last->hash;
  } else if (last.status().code() == Status::Code::kNotFound) {
    e.seq = 1;
  } else {
    return last.status();
  }
  e.time = util::Now();
  e.actor = actor.name;
  e.org_uuid = actor.org.uuid;
  e.action = std::string(action);
  e.object_type = std::string(object_type);
  e.object_uuid = std::string(object_uuid);
  e.owner_org_uuid = std::string(owner_org_uuid);
  e.details = std::string(details);
  e.hash = ComputeHash(e.prev_hash, e);
  return s->audit_log().AppendAuditEntry(e);
}

}  // namespace

Status Record(store::Store* s, const policy::Actor& actor, std::string_view action,
              std::string_view object_type, std::string_view object_uuid,
              std::string_view owner_org_uuid, std::string_view details) {
  // Outside a transaction another connection (the server, another CLI run)
  // may take the same sequence number between our read and our insert: the
  // primary key refuses the second insert, and we chain onto the new head.
  Status st;
  for (int attempt = 0; attempt < 8; ++attempt) {
    st = AppendOnce(s, actor, action, object_type, object_uuid, owner_org_uuid, details);
    if (st.code() != Status::Code::kConflict) return st;
  }
  return st;
}

model::Tlp StrictestTlpOf(const model::Event& ev) {
  model::Tlp t = model::StrictestTlp(ev.tags);
  auto consider = [&](const model::Attribute& a) {
    model::Tlp at = model::StrictestTlp(a.tags);
    if (static_cast<int>(at) > static_cast<int>(t)) t = at;
  };
  for (const auto& a : ev.attributes) consider(a);
  for (const auto& o : ev.objects)
    for (const auto& a : o.attributes) consider(a);
  return t;
}

bool IsSensitiveRead(const model::Event& ev) { return IsSensitive(StrictestTlpOf(ev)); }

Status RecordSensitiveRead(store::Store* s, const policy::Actor& actor, std::string_view path,
                           const model::Event& ev) {
  const model::Tlp t = StrictestTlpOf(ev);
  if (!IsSensitive(t)) return Status::Ok();
  return Record(s, actor, std::string("read.") + std::string(path), "event", ev.uuid,
                ev.orgc.uuid.empty() ? ev.org.uuid : ev.orgc.uuid, model::TlpLabel(t));
}

StatusOr<VerifyResult> Verify(store::Store* s) { return VerifyWithCheckpoints(s, {}); }

}  // namespace sanad::audit
