#include "audit/checkpoint.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include "audit/encoding.h"
#include "util/util.h"

namespace sanad::audit {

namespace {

std::string Short(std::string_view raw) { return util::ToHex(raw).substr(0, 16); }

std::string CheckpointDetails(const model::AuditCheckpoint& c) {
  return "seq=" + std::to_string(c.seq) + " hash=" + util::ToHex(c.hash) +
         " key=" + util::ToHex(c.public_key);
}

// Parses "seq=N hash=HEX ..." of an audit.checkpoint entry.
bool ParseCheckpointDetails(std::string_view d, int64_t* seq, std::string* hash) {
  if (d.substr(0, 4) != "seq=") return false;
  d.remove_prefix(4);
  auto sp = d.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 18) return false;
  int64_t v = 0;
  for (char c : d.substr(0, sp)) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  d.remove_prefix(sp + 1);
  if (d.substr(0, 5) != "hash=") return false;
  d.remove_prefix(5);
  sp = d.find(' ');
  if (!util::FromHex(d.substr(0, sp), hash)) return false;
  *seq = v;
  return true;
}

struct Expectation {
  enum Source { kStored, kHead, kKept };
  std::string hash;  // raw
  std::string what;  // "the signed checkpoint of entry 12", "audit.head", ...
  Source source;
};

}  // namespace

std::string CheckpointMessage(const model::AuditCheckpoint& c) {
  std::string out = std::string(kCheckpointFormat) + ";";
  AppendField(&out, std::to_string(c.seq));
  AppendField(&out, std::to_string(c.time));
  AppendField(&out, c.hash);
  AppendField(&out, c.public_key);
  return out;
}

model::AuditCheckpoint SignCheckpoint(const NodeKey& key, int64_t seq, std::string_view hash,
                                      int64_t time) {
  model::AuditCheckpoint c;
  c.seq = seq;
  c.time = time;
  c.hash = std::string(hash);
  c.public_key = key.public_key();
  c.signature = key.Sign(CheckpointMessage(c));
  return c;
}

bool CheckpointSignatureValid(const model::AuditCheckpoint& c) {
  return c.seq > 0 && c.hash.size() == 32 &&
         VerifySignature(c.public_key, CheckpointMessage(c), c.signature);
}

StatusOr<VerifyResult> VerifyWithCheckpoints(store::Store* s, const VerifyOptions& o) {
  VerifyResult r;
  auto problem = [&](std::string p) {
    if (r.problems.empty()) r.problem = p;
    r.problems.push_back(std::move(p));
    r.ok = false;
  };

  // What the log must still contain: seq -> hash, from every source.
  std::multimap<int64_t, Expectation> expect;
  std::set<std::pair<int64_t, std::string>> stored_points;  // (seq, hash) of stored checkpoints
  std::vector<model::AuditCheckpoint> stored;
  Status cst = s->audit_log().ScanAuditCheckpoints([&](const model::AuditCheckpoint& c) {
    stored.push_back(c);
    return true;
  });
  if (!cst.ok()) {
    problem("the signed checkpoints cannot be read (" + cst.message() +
            "): the audit_checkpoints table was removed or damaged");
  }
  bool reported_key = false;
  for (size_t i = 0; i < stored.size(); ++i) {
    const auto& c = stored[i];
    const std::string what = "the signed checkpoint of entry " + std::to_string(c.seq);
    if (!CheckpointSignatureValid(c)) {
      problem(what + " has no valid signature (forged or altered)");
      continue;
    }
    if (o.node_public_key && *o.node_public_key != c.public_key && !reported_key) {
      reported_key = true;
      problem(o.node_public_key->empty()
                  ? "node.key is missing although the log has checkpoints signed with a node key "
                    "(" +
                        Short(c.public_key) + "…): the key was deleted"
                  : what + " is signed by key " + Short(c.public_key) +
                        "…, not by this node's key " + Short(*o.node_public_key) +
                        "… (node.key was replaced?)");
    }
    stored_points.insert({c.seq, c.hash});
    expect.insert({c.seq, {c.hash, what, Expectation::kStored}});
  }

  if (!o.head_file.empty()) {
    std::ifstream f(o.head_file);
    if (!f) {
      if (!stored.empty() || !cst.ok())
        problem("audit.head is missing although signed checkpoints exist: it was deleted");
    } else {
      std::string line, hash;
      std::getline(f, line);
      auto sp = line.find(' ');
      int64_t seq = -1;
      if (sp != std::string::npos) {
        try {
          seq = std::stoll(line.substr(0, sp));
        } catch (...) {
          seq = -1;
        }
      }
      if (seq < 0 || !util::FromHex(util::Trim(std::string_view(line).substr(sp + 1)), &hash) ||
          (seq > 0 && hash.size() != 32)) {
        problem("audit.head is malformed: \"" + util::EscapeForTerminal(line.substr(0, 80)) + "\"");
      } else if (seq > 0) {
        expect.insert({seq, {hash, "audit.head", Expectation::kHead}});
      }
    }
  }

  for (const auto& k : o.kept) {
    const std::string what = "the kept checkpoint of entry " + std::to_string(k.seq) + " (key " +
                             Short(k.public_key) + "…)";
    if (!CheckpointSignatureValid(k)) {
      problem(what + " has no valid signature");
      continue;
    }
    expect.insert({k.seq, {k.hash, what, Expectation::kKept}});
  }

  std::string prev;
  int64_t expect_seq = 1;
  bool chain_ok = true;
  auto next = expect.begin();
  int64_t kept_ok = 0, stored_in_place = 0;
  Status st = s->audit_log().ScanAuditEntries([&](const model::AuditEntry& e) {
    if (e.seq != expect_seq) {
      chain_ok = false;
      problem("entry " + std::to_string(expect_seq) + " is missing (found " +
              std::to_string(e.seq) + " next): entries were deleted or reordered");
      return false;
    }
    if (e.prev_hash != prev) {
      chain_ok = false;
      problem("entry " + std::to_string(e.seq) +
              ": does not link to the previous entry (reordered or altered)");
      return false;
    }
    if (!util::ConstantTimeEqual(ComputeHash(prev, e), e.hash)) {
      chain_ok = false;
      problem("entry " + std::to_string(e.seq) + ": contents do not match its hash (edited)");
      return false;
    }
    for (; next != expect.end() && next->first <= e.seq; ++next) {
      if (next->first < e.seq) continue;  // cannot happen: seqs are contiguous
      const Expectation& x = next->second;
      if (x.hash == e.hash) {
        if (x.source == Expectation::kKept) ++kept_ok;
        if (x.source == Expectation::kStored) ++stored_in_place;
      } else {
        problem(x.what + " says entry " + std::to_string(e.seq) + " has hash " + Short(x.hash) +
                "…, the log has " + Short(e.hash) + "…: the log was rewritten");
      }
    }
    if (e.action == kCheckpointAction) {
      int64_t cseq = 0;
      std::string chash;
      if (!ParseCheckpointDetails(e.details, &cseq, &chash)) {
        problem("entry " + std::to_string(e.seq) + " records a checkpoint it cannot describe");
      } else if (cst.ok() && !stored_points.count({cseq, chash})) {
        problem("entry " + std::to_string(e.seq) + " records a signed checkpoint of entry " +
                std::to_string(cseq) + " that is missing from the store: it was deleted");
      }
    }
    prev = e.hash;
    ++expect_seq;
    ++r.entries;
    return true;
  });
  if (!st.ok()) return st;
  if (chain_ok) {
    for (; next != expect.end(); ++next) {
      const std::string& what = next->second.what;
      problem("the log is shorter than " + what + " says: it ends at entry " +
              std::to_string(r.entries) + ", " + what + " vouches for entry " +
              std::to_string(next->first) + " (the tail was truncated)");
    }
  }
  r.checkpoints = stored_in_place;
  r.kept_checked = kept_ok;
  r.head_hash = util::ToHex(prev);
  return r;
}

StatusOr<model::AuditCheckpoint> MakeCheckpoint(store::Store* s, const NodeKey& key,
                                                const policy::Actor& actor,
                                                const VerifyResult& verified) {
  if (!verified.ok) return Status::Invalid("refusing to sign a log that does not verify");
  if (verified.entries == 0) return Status::NotFound("the audit log is empty");
  std::string hash;
  if (!util::FromHex(verified.head_hash, &hash) || hash.size() != 32)
    return Status::Internal("bad head hash");
  store::Transaction tx(s);
  if (!tx.status().ok()) return tx.status();
  std::optional<model::AuditCheckpoint> last;
  SANAD_RETURN_IF_ERROR(s->audit_log().ScanAuditCheckpoints([&](const model::AuditCheckpoint& c) {
    if (c.public_key == key.public_key() && (!last || c.seq >= last->seq)) last = c;
    return true;
  }));
  if (last && last->seq + 1 >= verified.entries) return *last;
  model::AuditCheckpoint c = SignCheckpoint(key, verified.entries, hash, util::Now());
  SANAD_RETURN_IF_ERROR(s->audit_log().AddAuditCheckpoint(c));
  SANAD_RETURN_IF_ERROR(
      Record(s, actor, kCheckpointAction, "audit-log", "", "", CheckpointDetails(c)));
  SANAD_RETURN_IF_ERROR(tx.Commit());
  return c;
}

Status WriteHeadFile(const std::string& path, int64_t seq, std::string_view hex_hash) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << seq << " " << hex_hash << "\n";
    f.flush();
    if (!f) return Status::Io("writing " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::Io("replacing " + path);
  return Status::Ok();
}

}  // namespace sanad::audit
