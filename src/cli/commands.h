// CLI command implementations (internal to src/cli). Each returns an exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.h"
#include "formats/export.h"

namespace sanad::cli {

int CmdInit(const Context& ctx);
int CmdStatus(const Context& ctx);

struct OrgAddArgs {
  std::string name, country, kind = "national-cert", category = "full", uuid, description;
  std::string status = "member";
  bool chair = false;
};
int CmdOrgAdd(const Context& ctx, const OrgAddArgs& a);
int CmdOrgList(const Context& ctx);
int CmdOrgShow(const Context& ctx, const std::string& org);
int CmdOrgSetChair(const Context& ctx, const std::string& org);

struct UserAddArgs {
  std::string email, org, role = "analyst", expires;
  bool read_only = false;
};
int CmdUserAdd(const Context& ctx, const UserAddArgs& a);
int CmdUserList(const Context& ctx, const std::string& org);
int CmdUserNewKey(const Context& ctx, const UserAddArgs& a);

struct SharingGroupAddArgs {
  std::string name, owner, releasability, description, uuid;
  std::vector<std::string> orgs;
};
int CmdSharingGroupAdd(const Context& ctx, const SharingGroupAddArgs& a);
int CmdSharingGroupAddOrg(const Context& ctx, const std::string& group,
                          const std::vector<std::string>& orgs);
int CmdSharingGroupList(const Context& ctx);

struct ImportArgs {
  std::vector<std::string> paths;
  std::string as;
  // Distribution of new events that name none (and of STIX bundles):
  // organisation|community|connected|all|0-3, or a sharing group name or
  // uuid; empty: the community's rules default.
  std::string distribution;
};
int CmdImport(const Context& ctx, const ImportArgs& a);

struct ExportArgs {
  std::string as, format = "misp", output, since;
  // The options that map to the filter one to one (all but --since and the
  // warninglists, which CmdExport fills in).
  formats::ExportFilter filter;
};
int CmdExport(const Context& ctx, const ExportArgs& a);

int CmdWarninglistList(const Context& ctx);
int CmdWarninglistAdd(const Context& ctx, const std::string& file);
int CmdWarninglistCheck(const Context& ctx, const std::vector<std::string>& values,
                        const std::string& type);

int CmdEventShow(const Context& ctx, const std::string& uuid, const std::string& as);
int CmdEventList(const Context& ctx, const std::string& as, int64_t limit);

}  // namespace sanad::cli
