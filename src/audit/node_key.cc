#include "audit/node_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/util.h"

namespace sanad::audit {

namespace {

constexpr char kHeader[] = "sanad-node-key-v1 ed25519";

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(Errno("writing", path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

void Wipe(std::string* s) {
  if (!s->empty()) sodium_memzero(s->data(), s->size());
}

}  // namespace

NodeKey::~NodeKey() { Wipe(&secret_key_); }

std::string NodeKey::Sign(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return sig;
}

StatusOr<NodeKey> NodeKey::FromSeed(std::string_view seed) {
  util::Init();
  if (seed.size() != crypto_sign_SEEDBYTES) return Status::Invalid("a node key seed is 32 bytes");
  NodeKey k;
  k.public_key_.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  k.secret_key_.assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(k.public_key_.data()),
                           reinterpret_cast<unsigned char*>(k.secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return k;
}

NodeKey NodeKey::Generate() {
  util::Init();
  std::string seed = util::RandomBytes(crypto_sign_SEEDBYTES);
  auto k = FromSeed(seed);
  Wipe(&seed);
  return std::move(*k);
}

std::string NodeKeyPath(const std::string& data_dir) { return data_dir + "/node.key"; }

StatusOr<NodeKey> LoadNodeKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no node key at " + path);
    return Status::Io(Errno("opening", path));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::Io(Errno("reading", path));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Corrupt(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Status::Permission(path +
                              " (the node's secret key) may be accessed by group or others: "
                              "chmod 600 it");
  }
  std::string text(256, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  const auto nl = text.find('\n');
  std::string seed;
  const bool ok = nl != std::string::npos && std::string_view(text).substr(0, nl) == kHeader &&
                  util::FromHex(util::Trim(std::string_view(text).substr(nl + 1)), &seed) &&
                  seed.size() == crypto_sign_SEEDBYTES;
  Wipe(&text);
  if (!ok) {
    Wipe(&seed);
    return Status::Corrupt(path + " is not a Sanad node key");
  }
  auto k = NodeKey::FromSeed(seed);
  Wipe(&seed);
  return k;
}

StatusOr<NodeKey> LoadOrCreateNodeKey(const std::string& path) {
  auto k = LoadNodeKey(path);
  if (k.ok() || k.status().code() != Status::Code::kNotFound) return k;
  util::Init();
  // Write a temporary file (0600 from the start), then link it into place:
  // link() never replaces an existing file, so a concurrent creator wins and
  // both processes load the same key.
  std::string seed = util::RandomBytes(crypto_sign_SEEDBYTES);
  std::string hex = util::ToHex(seed);
  Wipe(&seed);
  std::string text = std::string(kHeader) + "\n" + hex + "\n";
  Wipe(&hex);
  const std::string tmp = path + ".tmp-" + util::ToHex(util::RandomBytes(8));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    Wipe(&text);
    return Status::Io(Errno("creating", tmp));
  }
  Status st = WriteAll(fd, text, tmp);
  Wipe(&text);
  if (st.ok() && ::fsync(fd) != 0) st = Status::Io(Errno("syncing", tmp));
  ::close(fd);
  if (st.ok() && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST)
    st = Status::Io(Errno("creating", path));
  ::unlink(tmp.c_str());
  if (!st.ok()) return st;
  return LoadNodeKey(path);
}

bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature) {
  util::Init();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
    return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace sanad::audit
