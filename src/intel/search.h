// Search: finds the attributes an organisation may see that match query
// values, with their events and their correlations visible to the same
// organisation.
//
// A query value is read as its guessed MISP type (model::GuessType; or the
// given type) and canonicalised. It matches attributes whose canonical value
// or component equals it (any type, from the store), and, through the
// correlation index, by CIDR containment both ways (a CIDR finds the
// addresses inside it, an address the CIDRs holding it), by domain (a domain
// finds its subdomains and URLs on them, a hostname the domains above it) and
// by URL host. A value that is not a valid instance of an explicit type is
// Invalid; an unguessable value is searched as exact text.
//
// Filters (all must hold):
//  - types, categories: the attribute's type / category is one of them;
//  - any_tags (`--tag X`, repeatable): at least one of them is on the
//    attribute or its event (OR); all_tags (`--all-tags X`): every one (AND);
//    not_tags (`--tag '!X'`): none of them (NOT). Tag names ignore case;
//  - org: the event's creator org (orgc) by name (case-insensitive) or uuid;
//  - from / to: the event date (YYYY-MM-DD) within [from, to];
//  - since (`--last 7d`): the attribute timestamp >= since;
//  - to_ids, published: the attribute's to_ids / the event's published flag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "intel/correlation.h"
#include "store/store.h"

namespace sanad::intel {

struct SearchFilters {
  std::string type;  // type of the query values ("" = guessed per value)
  std::vector<std::string> types, categories;
  std::vector<std::string> any_tags, all_tags, not_tags;
  std::string org;
  std::string from, to;  // "YYYY-MM-DD" or ""
  std::optional<model::Timestamp> since;
  std::optional<bool> to_ids, published;
  size_t limit = 1000;       // at most this many hits (0 = no limit)
  bool correlations = true;  // attach each hit's correlations
};

// A correlated attribute with what the viewer may see of it.
struct CorrelatedAttribute {
  CorrelationMatch match;
  store::AttributeContext context;
};

struct SearchHit {
  store::AttributeContext context;
  std::string query;  // the query value that found it
  CorrelationRule rule = CorrelationRule::kExact;
  std::vector<CorrelatedAttribute> correlations;
  std::vector<OverCorrelation> over_correlating;
};

struct SearchResult {
  std::vector<SearchHit> hits;  // attribute id order
  bool truncated = false;       // more hits than filters.limit
};

// `tags` as given to --tag: "X" -> any_tags, "!X" -> not_tags.
void AddTagFilters(const std::vector<std::string>& tags, SearchFilters* f);

Status Search(store::Store* s, const CorrelationIndex& index, const CorrelationSettings& settings,
              const policy::Viewer& v, const std::vector<std::string>& values,
              const SearchFilters& f, SearchResult* out);

// Loads, through the policy, what `v` may see of each correlated attribute
// (one that became invisible since the index was built is left out).
Status DescribeCorrelations(store::Store* s, const policy::Viewer& v, const CorrelationResult& r,
                            std::vector<CorrelatedAttribute>* out);

}  // namespace sanad::intel
