// The settings section of the store: community settings as key/value text,
// e.g. "correlation.max_events". Writes join the current transaction.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace sanad::store {

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;
  virtual StatusOr<std::string> GetSetting(std::string_view key) = 0;  // NotFound if unset
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;
};

}  // namespace sanad::store
