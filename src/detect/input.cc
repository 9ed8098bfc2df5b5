// Input streams: files, stdin and memory, with gzip and zstd decompression
// chosen by magic number.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "detect/detect.h"
#include "detect/internal.h"

namespace sanad::detect {

namespace {

// Raw bytes, with a small push-back buffer for the magic-number peek.
class RawSource {
 public:
  virtual ~RawSource() = default;
  virtual StatusOr<size_t> ReadRaw(char* buf, size_t cap) = 0;
  // The whole size when known in advance, else 0.
  virtual uint64_t TotalSize() const { return 0; }
};

class FdSource : public RawSource {
 public:
  FdSource(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  StatusOr<size_t> ReadRaw(char* buf, size_t cap) override {
    while (true) {
      ssize_t r = ::read(fd_, buf, cap);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      return Status::Io(name_ + ": read failed: " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
  std::string name_;
};

class MemSource : public RawSource {
 public:
  explicit MemSource(std::string_view d) : d_(d) {}
  StatusOr<size_t> ReadRaw(char* buf, size_t cap) override {
    size_t n = std::min(cap, d_.size() - pos_);
    std::memcpy(buf, d_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  uint64_t TotalSize() const override { return d_.size(); }

 private:
  std::string_view d_;
  size_t pos_ = 0;
};

enum class Codec { kNone, kGzip, kZstd };

class Stream : public InputStream {
 public:
  Stream(std::unique_ptr<RawSource> src, std::string name, InputLimits limits = {})
      : src_(std::move(src)), name_(std::move(name)), limits_(std::move(limits)) {}
  ~Stream() override {
    if (codec_ == Codec::kGzip && zinit_) inflateEnd(&z_);
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  }

  StatusOr<size_t> Read(char* buf, size_t cap) override {
    if (limits_.cancelled && limits_.cancelled()) return Status::Io(name_ + ": cancelled");
    if (!started_) {
      Status st = Start();
      if (!st.ok()) return st;
    }
    if (cap == 0) return size_t{0};
    if (codec_ != Codec::kNone) {
      auto r = codec_ == Codec::kGzip ? ReadGzip(buf, cap) : ReadZstd(buf, cap);
      if (!r.ok()) return r;
      produced_ += *r;
      Status lim = CheckLimits();
      if (!lim.ok()) return lim;
      return r;
    }
    switch (codec_) {
      case Codec::kNone: {
        if (in_pos_ < in_len_) {
          size_t n = std::min(cap, in_len_ - in_pos_);
          std::memcpy(buf, in_.data() + in_pos_, n);
          in_pos_ += n;
          return n;
        }
        auto r = src_->ReadRaw(buf, cap);
        if (r.ok()) compressed_ += *r;
        return r;
      }
      case Codec::kGzip:
        return ReadGzip(buf, cap);
      case Codec::kZstd:
        return ReadZstd(buf, cap);
    }
    return Status::Internal("bad codec");
  }
  uint64_t compressed_bytes() const override { return compressed_; }
  const std::string& name() const override { return name_; }

 private:
  // The decompression limits (InputLimits) against what has come out so far.
  Status CheckLimits() const {
    const char* codec = codec_ == Codec::kGzip ? "gzip" : "zstd";
    if (limits_.max_bytes > 0 && produced_ > limits_.max_bytes)
      return Status::Limit(name_ + ": " + codec + " data expands beyond " +
                           std::to_string(limits_.max_bytes) + " bytes (the decompressed limit)");
    if (limits_.max_ratio > 0 && produced_ > limits_.ratio_floor_bytes) {
      uint64_t base = std::max<uint64_t>({src_->TotalSize(), compressed_, 1});
      if (produced_ > limits_.max_ratio * base)
        return Status::Limit(name_ + ": " + codec + " data expands more than " +
                             std::to_string(limits_.max_ratio) + " times (" +
                             std::to_string(base) + " compressed bytes gave more than " +
                             std::to_string(produced_) + ")");
    }
    return Status::Ok();
  }

  Status Fill() {
    auto r = src_->ReadRaw(in_.data(), in_.size());
    if (!r.ok()) return r.status();
    in_pos_ = 0;
    in_len_ = *r;
    compressed_ += *r;
    return Status::Ok();
  }

  Status Start() {
    started_ = true;
    in_.resize(1 << 18);
    // Peek up to 4 bytes (a short read may return fewer).
    while (in_len_ < 4) {
      auto r = src_->ReadRaw(in_.data() + in_len_, in_.size() - in_len_);
      if (!r.ok()) return r.status();
      if (*r == 0) break;
      in_len_ += *r;
      compressed_ += *r;
    }
    const auto* u = reinterpret_cast<const unsigned char*>(in_.data());
    if (in_len_ >= 2 && u[0] == 0x1f && u[1] == 0x8b) {
      codec_ = Codec::kGzip;
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit2(&z_, 15 + 32) != Z_OK) return Status::Internal("zlib init failed");
      zinit_ = true;
    } else if (in_len_ >= 4 && u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd) {
      codec_ = Codec::kZstd;
      zstd_ = ZSTD_createDStream();
      if (zstd_ == nullptr) return Status::Internal("zstd init failed");
      ZSTD_initDStream(zstd_);
    }
    return Status::Ok();
  }

  // Refills the compressed buffer once it is all consumed. *at_end becomes
  // true when the source has no more bytes (eof_ is then set); ending while
  // the `codec` stream is `pending` (mid-frame) is an error.
  Status Refill(bool pending, const char* codec, bool* at_end) {
    *at_end = false;
    if (in_pos_ < in_len_) return Status::Ok();
    if (!eof_) {
      SANAD_RETURN_IF_ERROR(Fill());
      if (in_len_ > 0) return Status::Ok();
      eof_ = true;
      if (pending) return Status::Invalid(name_ + ": truncated " + codec + " data");
    }
    *at_end = true;
    return Status::Ok();
  }

  StatusOr<size_t> ReadGzip(char* buf, size_t cap) {
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(cap, 1u << 30));
    while (z_.avail_out > 0) {
      bool at_end;
      SANAD_RETURN_IF_ERROR(Refill(!member_done_, "gzip", &at_end));
      if (at_end) break;
      if (member_done_) {
        // Another gzip member follows (concatenated .gz files).
        inflateReset(&z_);
        member_done_ = false;
      }
      z_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
      z_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_len_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Invalid(name_ + ": corrupt gzip data" +
                               (z_.msg != nullptr ? std::string(" (") + z_.msg + ")" : ""));
      } else if (rc == Z_BUF_ERROR && z_.avail_in > 0) {
        return Status::Invalid(name_ + ": corrupt gzip data");
      }
    }
    return cap - z_.avail_out;
  }

  StatusOr<size_t> ReadZstd(char* buf, size_t cap) {
    ZSTD_outBuffer out{buf, cap, 0};
    while (out.pos < out.size) {
      bool at_end;
      SANAD_RETURN_IF_ERROR(Refill(zstd_pending_, "zstd", &at_end));
      if (at_end) break;
      ZSTD_inBuffer in{in_.data(), in_len_, in_pos_};
      size_t rc = ZSTD_decompressStream(zstd_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(rc))
        return Status::Invalid(name_ + ": corrupt zstd data (" + ZSTD_getErrorName(rc) + ")");
      zstd_pending_ = rc != 0;
    }
    return out.pos;
  }

  std::unique_ptr<RawSource> src_;
  std::string name_;
  InputLimits limits_;
  uint64_t produced_ = 0;  // decompressed bytes returned
  bool started_ = false;
  Codec codec_ = Codec::kNone;
  std::string in_;
  size_t in_pos_ = 0, in_len_ = 0;
  uint64_t compressed_ = 0;
  bool eof_ = false;
  z_stream z_{};
  bool zinit_ = false;
  bool member_done_ = false;
  ZSTD_DStream* zstd_ = nullptr;
  bool zstd_pending_ = false;
};

// A regular file mapped whole (read-only, private). Read() copies from the
// mapping (under the SIGBUS guard) for callers that do not use Mapped().
class MappedStream : public InputStream {
 public:
  MappedStream(const char* p, size_t n, std::string name) : p_(p), n_(n), name_(std::move(name)) {}
  ~MappedStream() override { ::munmap(const_cast<char*>(p_), n_); }
  StatusOr<size_t> Read(char* buf, size_t cap) override {
    size_t k = std::min(cap, n_ - pos_);
    if (!CopyMapped({p_, n_}, buf, p_ + pos_, k))
      return Status::Io(name_ + ": the file shrank while it was being read");
    pos_ += k;
    return k;
  }
  uint64_t compressed_bytes() const override { return pos_; }
  const std::string& name() const override { return name_; }
  std::string_view Mapped() const override { return {p_, n_}; }

 private:
  const char* p_;
  size_t n_;
  size_t pos_ = 0;
  std::string name_;
};

// ---- SIGBUS on mapped files -------------------------------------------------

thread_local sigjmp_buf* tl_env = nullptr;
thread_local const char* tl_lo = nullptr;
thread_local const char* tl_hi = nullptr;
struct sigaction g_previous;
std::once_flag g_installed;

void OnSigbus(int sig, siginfo_t* info, void* context) {
  const auto* addr = static_cast<const char*>(info->si_addr);
  if (tl_env != nullptr && addr >= tl_lo && addr < tl_hi) {
    sigjmp_buf* env = tl_env;
    tl_env = nullptr;
    siglongjmp(*env, 1);
  }
  // Not a page of an armed mapping: what would have happened without us.
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
             g_previous.sa_handler != nullptr) {
    g_previous.sa_handler(sig);
  } else {
    ::signal(SIGBUS, SIG_DFL);
    ::raise(SIGBUS);
  }
}

void InstallSigbusHandler() {
  std::call_once(g_installed, [] {
    struct sigaction sa {};
    sa.sa_sigaction = &OnSigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &g_previous);
  });
}

}  // namespace

void ArmSigbus(sigjmp_buf* env, const char* lo, const char* hi) {
  tl_lo = lo;
  tl_hi = hi;
  tl_env = env;
}

void DisarmSigbus() { tl_env = nullptr; }

bool CopyMapped(std::string_view region, char* dst, const char* src, size_t n) {
  sigjmp_buf env;
  if (sigsetjmp(env, 1) == 0) {
    ArmSigbus(&env, region.data(), region.data() + region.size());
    std::memcpy(dst, src, n);
    DisarmSigbus();
    return true;
  }
  return false;
}

StatusOr<std::unique_ptr<InputStream>> InputStream::OpenFile(const std::string& path,
                                                             InputLimits limits) {
  if (path == "-") {
    return std::unique_ptr<InputStream>(
        new Stream(std::make_unique<FdSource>(0, false, "<stdin>"), "<stdin>", std::move(limits)));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  unsigned char magic[4] = {0, 0, 0, 0};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 4 &&
      ::pread(fd, magic, 4, 0) == 4 && !(magic[0] == 0x1f && magic[1] == 0x8b) &&
      !(magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)) {
    const auto size = static_cast<size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      ::close(fd);
      ::madvise(p, size, MADV_WILLNEED);
      InstallSigbusHandler();
      return std::unique_ptr<InputStream>(
          new MappedStream(static_cast<const char*>(p), size, path));
    }
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<InputStream>(
      new Stream(std::make_unique<FdSource>(fd, true, path), path, std::move(limits)));
}

std::unique_ptr<InputStream> InputStream::FromMemory(std::string_view data, std::string name,
                                                     InputLimits limits) {
  return std::unique_ptr<InputStream>(
      new Stream(std::make_unique<MemSource>(data), std::move(name), std::move(limits)));
}

bool InputStream::IsCompressed(std::string_view data) {
  const auto* u = reinterpret_cast<const unsigned char*>(data.data());
  return (data.size() >= 2 && u[0] == 0x1f && u[1] == 0x8b) ||
         (data.size() >= 4 && u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd);
}

}  // namespace sanad::detect
