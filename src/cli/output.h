// Output of list commands (internal to src/cli): one JSON array with --json,
// otherwise a plain table.
#pragma once

#include <boost/json.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/context.h"

namespace sanad::cli {

// Prints `items` on stdout: with --json (ctx.json) the compact JSON array of
// to_json(item) and a newline; otherwise PrintTable of row(item) (a vector
// of cells) under `header`. Returns kExitOk.
template <class T, class ToJson, class Row>
int PrintItems(const Context& ctx, const std::vector<T>& items, ToJson to_json,
               const std::vector<std::string>& header, Row row) {
  if (ctx.json) {
    boost::json::array arr;
    for (const auto& x : items) arr.push_back(to_json(x));
    std::cout << boost::json::serialize(arr) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : items) rows.push_back(row(x));
  PrintTable(header, rows);
  return kExitOk;
}

}  // namespace sanad::cli
