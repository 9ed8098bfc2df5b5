// sanad audit verify | checkpoint | list | access
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <vector>

#include "audit/audit.h"
#include "audit/checkpoint.h"
#include "audit/node_key.h"
#include "cli/cli.h"
#include "cli/context.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/register.h"
#include "util/util.h"

namespace sanad::cli {

namespace json = boost::json;

namespace {

json::object EntryJson(const model::AuditEntry& e) {
  return {{"seq", e.seq},
          {"time", util::FormatIso8601(e.time)},
          {"actor", e.actor},
          {"org", e.org_uuid},
          {"action", e.action},
          {"object_type", e.object_type},
          {"object", e.object_uuid},
          {"owner_org", e.owner_org_uuid},
          {"details", e.details},
          {"hash", util::ToHex(e.hash)}};
}

int PrintEntries(const Context& ctx, store::Store* s, const std::string& owner, int64_t limit) {
  std::vector<model::AuditEntry> entries;
  auto keep = [&](const model::AuditEntry& e) {
    entries.push_back(e);
    if (limit > 0 && static_cast<int64_t>(entries.size()) > limit) entries.erase(entries.begin());
    return true;
  };
  Status st = owner.empty() ? s->audit_log().ScanAuditEntries(keep) : s->audit_log().ScanAuditEntriesByOwner(owner, keep);
  if (!st.ok()) return Fail(st);
  return PrintItems(ctx, entries, EntryJson,
                    {"SEQ", "TIME", "ACTOR", "ORG", "ACTION", "TYPE", "OBJECT", "DETAILS"},
                    [](const model::AuditEntry& e) -> std::vector<std::string> {
                      return {std::to_string(e.seq),
                              util::FormatIso8601(e.time),
                              e.actor,
                              e.org_uuid.substr(0, 8),
                              e.action,
                              e.object_type,
                              e.object_uuid,
                              e.details};
                    });
}

json::object CheckpointJson(const model::AuditCheckpoint& c) {
  return {{"format", audit::kCheckpointFormat},
          {"seq", c.seq},
          {"hash", util::ToHex(c.hash)},
          {"time", util::FormatIso8601(c.time)},
          {"public_key", util::ToHex(c.public_key)},
          {"signature", util::ToHex(c.signature)}};
}

StatusOr<model::AuditCheckpoint> CheckpointFromJson(const json::value& v,
                                                    const std::string& where) {
  auto bad = [&](const std::string& why) {
    return Status::Invalid(where + ": not a " + audit::kCheckpointFormat + " checkpoint: " + why);
  };
  if (!v.is_object()) return bad("expected an object");
  const auto& o = v.as_object();
  auto str = [&](const char* k) -> const json::string* {
    const auto* f = o.if_contains(k);
    return f && f->is_string() ? &f->as_string() : nullptr;
  };
  const auto* format = str("format");
  if (!format || *format != audit::kCheckpointFormat)
    return bad("\"format\" is missing or unknown");
  model::AuditCheckpoint c;
  const auto* seq = o.if_contains("seq");
  if (!seq || !seq->is_int64() || seq->as_int64() <= 0)
    return bad("\"seq\" must be a positive integer");
  c.seq = seq->as_int64();
  const auto* t = str("time");
  if (!t || !util::ParseIso8601(std::string_view(t->data(), t->size()), &c.time))
    return bad("\"time\" must be an ISO-8601 time");
  struct HexField {
    const char* name;
    std::string* out;
    size_t size;
  };
  for (const HexField& h :
       {HexField{"hash", &c.hash, 32}, HexField{"public_key", &c.public_key, 32},
        HexField{"signature", &c.signature, 64}}) {
    const auto* f = str(h.name);
    if (!f || !util::FromHex(std::string_view(f->data(), f->size()), h.out) ||
        h.out->size() != h.size)
      return bad(std::string("\"") + h.name + "\" must be " + std::to_string(h.size * 2) +
                 " hex digits");
  }
  return c;
}

// A file with one checkpoint object, or an array of them.
Status ReadKeptCheckpoints(const std::string& path, std::vector<model::AuditCheckpoint>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Status::Invalid(path + ": not JSON: " + ec.message());
  if (v.is_array()) {
    size_t i = 0;
    for (const auto& item : v.as_array()) {
      auto c = CheckpointFromJson(item, path + "[" + std::to_string(i++) + "]");
      if (!c.ok()) return c.status();
      out->push_back(*c);
    }
    return Status::Ok();
  }
  auto c = CheckpointFromJson(v, path);
  if (!c.ok()) return c.status();
  out->push_back(*c);
  return Status::Ok();
}

// Verifies the log against its stored checkpoints, audit.head, the node key
// and the kept checkpoint files; when it is intact, signs a checkpoint of the
// head and records the head in audit.head. `checkpoint_only`: print the
// checkpoint (sanad audit checkpoint) rather than the verification.
int VerifyAndCheckpoint(const Context& ctx, const std::vector<std::string>& kept_files,
                        bool checkpoint_only) {
  audit::VerifyOptions o;
  for (const auto& file : kept_files) {
    Status st = ReadKeptCheckpoints(file, &o.kept);
    if (!st.ok()) return Fail(st);
  }
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  const std::string key_file = audit::NodeKeyPath(ctx.data_dir);
  auto key = audit::LoadNodeKey(key_file);
  if (!key.ok() && key.status().code() != Status::Code::kNotFound) return Fail(key.status());
  o.node_public_key = key.ok() ? key->public_key() : std::string();
  o.head_file = ctx.data_dir + "/audit.head";
  auto r = audit::VerifyWithCheckpoints(s->get(), o);
  if (!r.ok()) return Fail(r.status());

  std::optional<model::AuditCheckpoint> made;
  if (r->ok) {
    if (r->entries > 0) {
      if (!key.ok()) key = audit::LoadOrCreateNodeKey(key_file);
      if (!key.ok()) return Fail(key.status());
      auto c = audit::MakeCheckpoint(s->get(), *key, CliActor(), *r);
      if (!c.ok()) return Fail(c.status());
      made = *c;
    }
    int64_t head_seq = 0;
    std::string head_hash;
    auto last = (*s)->audit_log().LastAuditEntry();
    if (last.ok()) {
      head_seq = last->seq;
      head_hash = util::ToHex(last->hash);
    } else if (last.status().code() != Status::Code::kNotFound) {
      return Fail(last.status());
    }
    Status st = audit::WriteHeadFile(o.head_file, head_seq, head_hash);
    if (!st.ok()) return Fail(st);
  }

  if (ctx.json) {
    if (checkpoint_only && made) {
      std::cout << json::serialize(CheckpointJson(*made)) << "\n";
    } else {
      json::array problems;
      for (const auto& p : r->problems) problems.push_back(json::string(p));
      json::object out{{"ok", r->ok},
                       {"entries", r->entries},
                       {"head", r->head_hash},
                       {"problem", r->problem},
                       {"problems", std::move(problems)},
                       {"checkpoints", r->checkpoints},
                       {"kept_checkpoints", r->kept_checked}};
      out["checkpoint"] = made ? json::value(CheckpointJson(*made)) : json::value(nullptr);
      std::cout << json::serialize(out) << "\n";
    }
  } else if (r->ok) {
    if (!checkpoint_only || !made) {
      std::cout << "audit log intact: " << r->entries << " entries, head " << r->head_hash << "; "
                << r->checkpoints << " signed checkpoints in place";
      if (!o.kept.empty()) std::cout << ", " << r->kept_checked << " kept checkpoints match";
      std::cout << "\n";
    }
    if (made) {
      std::cout << "checkpoint: entry " << made->seq << " hash " << util::ToHex(made->hash)
                << " at " << util::FormatIso8601(made->time) << "\n"
                << "  node key  " << util::ToHex(made->public_key) << "\n"
                << "  signature " << util::ToHex(made->signature) << "\n";
      if (checkpoint_only)
        std::cout << "(give `sanad --json audit checkpoint` output to other members to keep)\n";
    }
  } else {
    std::cout << "AUDIT LOG TAMPERED: " << r->problem << "\n";
    for (size_t i = 1; i < r->problems.size(); ++i)
      std::cout << "  also: " << r->problems[i] << "\n";
  }
  return r->ok ? kExitOk : kExitFailure;
}

// PrintEntries of the store: all entries, or with `as` (--as) those about
// the items that organisation created.
int ListEntries(const Context& ctx, const std::string* as, int64_t limit) {
  auto s = OpenStore(ctx);
  if (!s.ok()) return Fail(s.status());
  std::string org_uuid;
  if (as) {
    auto org = ResolveActingOrg(s->get(), *as);
    if (!org.ok()) return Fail(org.status());
    org_uuid = org->uuid;
  }
  return PrintEntries(ctx, s->get(), org_uuid, limit);
}

}  // namespace

void RegisterAuditCommands(CLI::App* app, Context* ctx, int* rc) {
  auto* audit = AddGroup(app, "audit", "The tamper-evident audit log");
  {
    static std::vector<std::string> kept;
    auto* c = AddCommand(
        audit, "verify",
        "Recompute the hash chain and check it against the signed checkpoints and audit.head; "
        "exit 1 when it was tampered with. Then sign a checkpoint of the head",
        rc, [ctx] { return VerifyAndCheckpoint(*ctx, kept, false); });
    c->add_option("--checkpoint", kept,
                  "A checkpoint kept from `sanad audit checkpoint --json` (one object or an "
                  "array); the log must still match it")
        ->check(CLI::ExistingFile);
    AddJsonFlag(c, &ctx->json);
  }
  {
    auto* c = AddCommand(
        audit, "checkpoint",
        "Verify the log, sign a checkpoint of its head with the node key (<data>/node.key, "
        "created on first use) and print it for other members to keep",
        rc, [ctx] { return VerifyAndCheckpoint(*ctx, {}, true); });
    AddJsonFlag(c, &ctx->json, "Print the signed checkpoint as JSON");
  }
  {
    static int64_t limit = 50;
    auto* c = AddCommand(audit, "list", "The last entries", rc,
                         [ctx] { return ListEntries(*ctx, nullptr, limit); });
    c->add_option("--limit", limit, "At most this many (0 = all)")->capture_default_str();
  }
  {
    static std::string as;
    static int64_t limit = 0;
    auto* c = AddCommand(audit, "access",
                         "Who touched the items an organisation created (access transparency)", rc,
                         [ctx] { return ListEntries(*ctx, &as, limit); });
    AddAs(c, &as, "The originating organisation; it sees only its own items");
    c->add_option("--limit", limit, "At most this many (0 = all)");
  }
}

}  // namespace sanad::cli
