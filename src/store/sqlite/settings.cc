// The SQLite implementation of store::SettingsStore.
#include "store/sqlite/internal.h"

namespace sanad::store::internal {
namespace {

constexpr char kGetSetting[] = "SELECT value FROM settings WHERE key = ?1";
constexpr char kSetSetting[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";

class SqliteSettings final : public SettingsStore, private ConnSection {
 public:
  explicit SqliteSettings(Conn* c) : ConnSection(c) {}

  StatusOr<std::string> GetSetting(std::string_view key) override {
    SANAD_USE(q, kGetSetting);
    q.Bind(1, key);
    return OneRow<std::string>(
        q, "reading setting", [](Row& r) { return r.Text(); },
        "setting " + Quote(key) + " is not set");
  }

  Status SetSetting(std::string_view key, std::string_view value) override {
    if (key.empty()) return Status::Invalid("setting: empty key");
    SANAD_USE(q, kSetSetting);
    return q.Bind(1, key).Bind(2, value).Exec("writing setting " + Quote(key));
  }
};

}  // namespace

std::unique_ptr<SettingsStore> NewSettingsStore(Conn* c) {
  return std::make_unique<SqliteSettings>(c);
}

}  // namespace sanad::store::internal
