// Internal: Sanad's built-in warninglists as plain data
// (default_warninglists.cc), turned into lists by WarninglistSet::Defaults().
#pragma once

#include <initializer_list>
#include <span>
#include <string_view>

#include "intel/warninglist.h"

namespace sanad::intel::internal {

struct DefaultList {
  std::string_view name;
  std::string_view description;
  WarninglistType type;
  int version;
  std::span<const std::string_view> matching_attributes;
  std::initializer_list<std::string_view> entries;
};

// The built-in lists, in the order they are checked and listed.
std::span<const DefaultList> DefaultLists();

}  // namespace sanad::intel::internal
