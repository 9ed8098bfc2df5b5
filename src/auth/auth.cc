#include "auth/auth.h"

#include "util/util.h"

namespace sanad::auth {

std::string GenerateApiKey() { return util::ToHex(util::RandomBytes(kKeyBytes)); }

std::string HashApiKey(std::string_view key) { return util::Blake2b256(key); }

StatusOr<NewKey> CreateApiKey(store::Store* store, int64_t user_id, model::Timestamp expires,
                              bool read_only) {
  NewKey nk;
  nk.key = GenerateApiKey();
  nk.record.user_id = user_id;
  nk.record.prefix = nk.key.substr(0, 8);
  nk.record.hash = HashApiKey(nk.key);
  nk.record.created = util::Now();
  nk.record.expires = expires;
  nk.record.read_only = read_only;
  Status st = store->AddApiKey(&nk.record);
  if (!st.ok()) return st;
  return nk;
}

StatusOr<Principal> Authenticate(store::Store* store, std::string_view presented,
                                 model::Timestamp now) {
  const Status denied = Status::Permission("invalid API key");
  if (presented.size() != kKeyBytes * 2) return denied;
  std::string h = HashApiKey(presented);
  auto key = store->FindApiKeyByHash(h);
  if (!key.ok()) return denied;
  if (!util::ConstantTimeEqual(key->hash, h)) return denied;
  if (key->revoked || (key->expires != 0 && key->expires <= now)) return denied;
  auto user = store->GetUser(key->user_id);
  if (!user.ok() || user->disabled) return denied;
  auto org = store->GetOrg(user->org_id);
  if (!org.ok() || org->status != model::OrgStatus::kMember) return denied;
  return Principal{*user, *org, *key};
}

}  // namespace sanad::auth
