// store::RfaStore over SQLite (incident_internal.h): requests for
// assistance, their audiences and the offers of help answering them.
#include <algorithm>

#include "store/sqlite/incident_internal.h"

namespace sanad::store::internal {
namespace {

#define RFA_SELECT                                                                       \
  "SELECT r.id, r.uuid, r.incident_id, r.requester_org_id, r.kind, r.description,"       \
  " r.audience, r.sharing_group_id, r.needed_by, r.status, r.created, r.ended, o.uuid,"  \
  " o.name, i.uuid, g.uuid, g.name FROM rfas r JOIN orgs o ON o.id = r.requester_org_id" \
  " JOIN incidents i ON i.id = r.incident_id LEFT JOIN sharing_groups g ON g.id = "      \
  "r.sharing_group_id "

StatusOr<model::Rfa> ReadRfa(Row& r) {
  EnumColumns e;
  model::Rfa a{r.Int(),
               r.Text(),
               r.Int(),
               r.Int(),
               e.Read<model::RfaKind>(r, "kind"),
               r.Text(),
               e.Read<model::RfaAudience>(r, "audience"),
               r.Int(),
               {},
               r.Int(),
               e.Read<model::RfaStatus>(r, "status"),
               r.Int(),
               r.Int(),
               {},
               {},
               {}};
  a.requester_org = ReadOrgRef(r, a.requester_org_id);
  a.incident_uuid = r.Text();
  a.sharing_group = {a.sharing_group_id, r.Text(), r.Text()};
  SANAD_RETURN_IF_ERROR(e.Check("rfas", a.id));
  return a;
}

#define OFFER_SELECT                                                                     \
  "SELECT f.id, f.uuid, f.rfa_id, f.org_id, f.description, f.by_when, f.status, f.note," \
  " f.created, f.decided, o.uuid, o.name FROM rfa_offers f JOIN orgs o ON o.id = f.org_id "

StatusOr<model::Offer> ReadOffer(Row& r) {
  EnumColumns e;
  model::Offer o{r.Int(),
                 r.Text(),
                 r.Int(),
                 r.Int(),
                 r.Text(),
                 r.Int(),
                 e.Read<model::OfferStatus>(r, "status"),
                 r.Text(),
                 r.Int(),
                 r.Int(),
                 {}};
  o.org = ReadOrgRef(r, o.org_id);
  SANAD_RETURN_IF_ERROR(e.Check("rfa_offers", o.id));
  return o;
}

constexpr const char kInsertRfa[] =
    "INSERT INTO rfas(uuid, incident_id, requester_org_id, kind, description, audience,"
    " sharing_group_id, needed_by, status, created, ended)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char kInsertRfaOrg[] =
    "INSERT OR IGNORE INTO rfa_audience_orgs(rfa_id, org_id) VALUES (?1, ?2)";
constexpr const char kRfaOrgs[] =
    "SELECT org_id FROM rfa_audience_orgs WHERE rfa_id = ?1 ORDER BY org_id";
constexpr const char kUpdateRfa[] = "UPDATE rfas SET status = ?2, ended = ?3 WHERE id = ?1";
constexpr const char kGetRfa[] = RFA_SELECT "WHERE r.id = ?1";
constexpr const char kFindRfa[] = RFA_SELECT "WHERE r.uuid = ?1";
constexpr const char kListRfas[] = RFA_SELECT "WHERE ?1 = 0 OR r.incident_id = ?1 ORDER BY r.id";

constexpr const char kInsertOffer[] =
    "INSERT INTO rfa_offers(uuid, rfa_id, org_id, description, by_when, status, note, created,"
    " decided) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char kUpdateOffer[] =
    "UPDATE rfa_offers SET status = ?2, note = ?3, decided = ?4 WHERE id = ?1";
constexpr const char kFindOffer[] = OFFER_SELECT "WHERE f.uuid = ?1";
constexpr const char kListOffers[] = OFFER_SELECT "WHERE f.rfa_id = ?1 ORDER BY f.id";

class SqliteRfaStore final : public RfaStore, IncidentSection {
 public:
  explicit SqliteRfaStore(Conn* c) : IncidentSection(c) {}

  Status AddRfa(model::Rfa* r) override;
  Status UpdateRfa(const model::Rfa& r) override;
  StatusOr<model::Rfa> GetRfa(int64_t id) override;
  StatusOr<model::Rfa> FindRfa(std::string_view uuid) override;
  Status ListRfas(int64_t incident_id, std::vector<model::Rfa>* out) override;
  Status AddOffer(model::Offer* o) override;
  Status UpdateOffer(const model::Offer& o) override;
  StatusOr<model::Offer> FindOffer(std::string_view uuid) override;
  Status ListOffers(int64_t rfa_id, std::vector<model::Offer>* out) override;

 private:
  // Reads the audience orgs of the requests addressed to listed orgs.
  Status FillAudience(std::vector<model::Rfa>* rfas);
};

}  // namespace

// ---- requests for assistance ----

Status SqliteRfaStore::AddRfa(model::Rfa* r) {
  AssignUuid(&r->uuid);
  {
    SANAD_USE(q, kInsertRfa);
    q.Bind(1, r->uuid).Bind(2, r->incident_id).Bind(3, r->requester_org_id);
    q.Bind(4, Name(r->kind)).Bind(5, r->description).Bind(6, Name(r->audience));
    q.BindId(7, r->sharing_group_id).Bind(8, r->needed_by).Bind(9, Name(r->status));
    q.Bind(10, r->created).Bind(11, r->ended);
    SANAD_RETURN_IF_ERROR(
        Insert(q, "request " + r->uuid + " exists", "adding request for assistance", &r->id));
  }
  std::sort(r->audience_org_ids.begin(), r->audience_org_ids.end());
  for (int64_t org : r->audience_org_ids) {
    SANAD_USE(q, kInsertRfaOrg);
    q.Bind(1, r->id).Bind(2, org);
    SANAD_RETURN_IF_ERROR(q.Exec("adding request audience"));
  }
  return Status::Ok();
}

Status SqliteRfaStore::UpdateRfa(const model::Rfa& r) {
  SANAD_USE(q, kUpdateRfa);
  q.Bind(1, r.id).Bind(2, Name(r.status)).Bind(3, r.ended);
  return Update(q, "updating request", "no request " + r.uuid);
}

StatusOr<model::Rfa> SqliteRfaStore::GetRfa(int64_t id) {
  std::vector<model::Rfa> v;
  {
    SANAD_USE(q, kGetRfa);
    q.Bind(1, id);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "reading requests", ReadRfa, &v));
  }
  if (v.empty()) return Status::NotFound("no request with id " + std::to_string(id));
  SANAD_RETURN_IF_ERROR(FillAudience(&v));
  return std::move(v[0]);
}

StatusOr<model::Rfa> SqliteRfaStore::FindRfa(std::string_view uuid) {
  std::string u = util::ToLower(uuid);
  std::vector<model::Rfa> v;
  {
    SANAD_USE(q, kFindRfa);
    q.Bind(1, u);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "reading requests", ReadRfa, &v));
  }
  if (v.empty()) return Status::NotFound("no request for assistance " + u);
  SANAD_RETURN_IF_ERROR(FillAudience(&v));
  return std::move(v[0]);
}

Status SqliteRfaStore::ListRfas(int64_t incident_id, std::vector<model::Rfa>* out) {
  out->clear();
  {
    SANAD_USE(q, kListRfas);
    q.Bind(1, incident_id);
    SANAD_RETURN_IF_ERROR(AppendRows(q, "reading requests", ReadRfa, out));
  }
  return FillAudience(out);
}

Status SqliteRfaStore::FillAudience(std::vector<model::Rfa>* rfas) {
  for (auto& r : *rfas) {
    if (r.audience != model::RfaAudience::kOrgs) continue;
    r.audience_org_ids.clear();
    SANAD_USE(q, kRfaOrgs);
    q.Bind(1, r.id);
    SANAD_RETURN_IF_ERROR(AppendRows(
        q, "reading request audience", [](Row& row) { return row.Int(); }, &r.audience_org_ids));
  }
  return Status::Ok();
}

// ---- offers ----

Status SqliteRfaStore::AddOffer(model::Offer* o) {
  AssignUuid(&o->uuid);
  SANAD_USE(q, kInsertOffer);
  q.Bind(1, o->uuid).Bind(2, o->rfa_id).Bind(3, o->org_id).Bind(4, o->description);
  q.Bind(5, o->by_when).Bind(6, Name(o->status)).Bind(7, o->note).Bind(8, o->created);
  q.Bind(9, o->decided);
  return Insert(q, "offer " + o->uuid + " exists", "adding offer", &o->id);
}

Status SqliteRfaStore::UpdateOffer(const model::Offer& o) {
  SANAD_USE(q, kUpdateOffer);
  q.Bind(1, o.id).Bind(2, Name(o.status)).Bind(3, o.note).Bind(4, o.decided);
  return Update(q, "updating offer", "no offer " + o.uuid);
}

StatusOr<model::Offer> SqliteRfaStore::FindOffer(std::string_view uuid) {
  std::string u = util::ToLower(uuid);
  return OneRowBy<model::Offer>(stmts_, kFindOffer, u, "reading offers", ReadOffer,
                                "no offer " + u);
}

Status SqliteRfaStore::ListOffers(int64_t rfa_id, std::vector<model::Offer>* out) {
  return ListBy(stmts_, kListOffers, rfa_id, "reading offers", ReadOffer, out);
}

std::unique_ptr<RfaStore> NewRfaStore(Conn* c) { return std::make_unique<SqliteRfaStore>(c); }

}  // namespace sanad::store::internal
