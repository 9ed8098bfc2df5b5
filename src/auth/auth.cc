#include "auth/auth.h"

#include "util/util.h"

namespace sanad::auth {

std::string GenerateApiKey() { return util::ToHex(util::RandomBytes(kKeyBytes)); }

std::string HashApiKey(std::string_view key) { return util::Blake2b256(key); }

StatusOr<NewKey> CreateApiKey(store::Store* store, int64_t user_id, model::Timestamp expires,
                              bool read_only, std::string_view allowed_cidrs) {
  NewKey nk;
  nk.key = GenerateApiKey();
  nk.record.user_id = user_id;
  nk.record.prefix = nk.key.substr(0, 8);
  nk.record.hash = HashApiKey(nk.key);
  nk.record.created = util::Now();
  nk.record.expires = expires;
  nk.record.read_only = read_only;
  nk.record.allowed_cidrs = std::string(allowed_cidrs);
  Status st = store->community().AddApiKey(&nk.record);
  if (!st.ok()) return st;
  return nk;
}

StatusOr<policy::Actor> Authenticate(store::Store* store, std::string_view presented,
                                     model::Timestamp now, model::ApiKey* key_out) {
  const Status denied = Status::Permission("invalid API key");
  if (presented.size() != kKeyBytes * 2) return denied;
  std::string h = HashApiKey(presented);
  auto key = store->community().FindApiKeyByHash(h);
  if (!key.ok()) return denied;
  if (!util::ConstantTimeEqual(key->hash, h)) return denied;
  if (key->revoked || (key->expires != 0 && key->expires <= now)) return denied;
  auto user = store->community().GetUser(key->user_id);
  if (!user.ok() || user->disabled) return denied;
  auto org = store->community().GetOrg(user->org_id);
  if (!org.ok() || org->status != model::OrgStatus::kMember) return denied;
  auto viewer = store->community().ViewerFor(org->id);
  if (!viewer.ok()) return viewer.status();
  policy::Actor a;
  a.name = user->email;
  a.user = std::move(*user);
  a.org = std::move(*org);
  a.viewer = std::move(*viewer);
  a.may_write = !key->read_only && a.user.role != model::Role::kReader;
  a.community_admin = a.user.role == model::Role::kAdmin && a.org.is_chair;
  a.creators = policy::CreatorsFor(a.user.role);
  a.key_id = key->id;
  if (key_out) *key_out = std::move(*key);
  return a;
}

}  // namespace sanad::auth
