// Matcher: format detection, headers, and the parallel streaming pipeline
// (a reader on the calling thread, N workers, hits emitted in input order).
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "detect/detect.h"
#include "detect/internal.h"
#include "detect/scanner.h"
#include "util/util.h"

namespace sanad::detect {

namespace {

std::string_view FirstLine(std::string_view d, size_t skip_lines = 0) {
  size_t pos = 0;
  for (size_t k = 0; k < skip_lines && pos < d.size(); ++k) {
    size_t nl = d.find('\n', pos);
    pos = nl == std::string_view::npos ? d.size() : nl + 1;
  }
  d.remove_prefix(pos);
  std::string_view l = d.substr(0, d.find('\n'));
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

std::vector<std::string> SplitCsvHeader(std::string_view l) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    std::string f;
    if (i < l.size() && l[i] == '"') {
      ++i;
      while (i < l.size()) {
        if (l[i] == '"') {
          if (i + 1 < l.size() && l[i + 1] == '"') {
            f.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.push_back(l[i++]);
      }
      while (i < l.size() && l[i] != ',') ++i;
    } else {
      size_t c = l.find(',', i);
      f = std::string(l.substr(i, c == std::string_view::npos ? std::string_view::npos : c - i));
      i = c == std::string_view::npos ? l.size() : c;
    }
    // Trim spaces around names.
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
    size_t lead = f.find_first_not_of(" \t");
    out.push_back(lead == std::string::npos ? std::string() : f.substr(lead));
    if (i >= l.size()) break;
    ++i;
  }
  return out;
}

// Out of line, so that no object of it lives in ProcessMapped's frame (which
// a longjmp may leave).
__attribute__((noinline)) void RunProcess(Scanner* sc, const char* p, size_t n, bool skip,
                                          ChunkResult* res, Status* out) {
  *out = sc->Process(p, n, skip, res);
}

// Scanner::Process on a piece of a mapped file. False when a page of it was
// gone (the file shrank): the scanner's partial results are discarded.
bool ProcessMapped(Scanner* sc, std::string_view whole, const char* p, size_t n, bool skip,
                   ChunkResult* res, Status* out) {
  sigjmp_buf env;
  if (sigsetjmp(env, 1) != 0) return false;
  ArmSigbus(&env, whole.data(), whole.data() + whole.size());
  RunProcess(sc, p, n, skip, res, out);
  DisarmSigbus();
  return true;
}

// The last '\n' of whole[pos, end) when end is not the input's end (*nl),
// else the input's last byte (*last). False when a page was gone.
bool CutMapped(std::string_view whole, size_t pos, size_t end, const void** nl, char* last) {
  sigjmp_buf env;
  if (sigsetjmp(env, 1) != 0) return false;
  ArmSigbus(&env, whole.data(), whole.data() + whole.size());
  if (end < whole.size()) *nl = memrchr(whole.data() + pos, '\n', end - pos);
  if (end == whole.size()) *last = whole.back();
  DisarmSigbus();
  return true;
}

}  // namespace

struct Matcher::Impl {
  std::shared_ptr<const IndicatorSet> set;
  MatchOptions opts;
  FieldConfig cfg;
  bool started = false;
  bool header_pending = false;  // CSV: the first line of the next chunk is the header
  uint64_t line_base = 0, offset_base = 0;
  std::unique_ptr<Scanner> scanner;  // MatchBuffer's
  ChunkResult result;

  void Reset() {
    started = false;
    header_pending = false;
    line_base = offset_base = 0;
    scanner.reset();
    cfg = FieldConfig{};
  }

  // Decides the format from the first data of an input and reads its header.
  Status Start(std::string_view first, const std::string& name) {
    started = true;
    cfg = FieldConfig{};
    cfg.fields = opts.fields;
    Format f = opts.format;
    std::string_view l = FirstLine(first);
    if (l.starts_with("\xEF\xBB\xBF")) l.remove_prefix(3);
    if (f == Format::kAuto) {
      size_t k = l.find_first_not_of(" \t");
      if (l.starts_with("#separator")) {
        f = Format::kZeek;
      } else if (k != std::string_view::npos && l[k] == '{') {
        f = Format::kJsonl;
      } else {
        f = Format::kText;
      }
    }
    cfg.format = f;
    if (f == Format::kText && !opts.fields.empty()) {
      return Status::Invalid(name +
                             ": --field needs JSON lines, CSV or Zeek input, but this looks like "
                             "free text (use --format to say otherwise)");
    }
    if (f == Format::kCsv) {
      cfg.columns = SplitCsvHeader(l);
      header_pending = true;
    } else if (f == Format::kZeek) {
      std::string_view rest = first;
      bool have_fields = false;
      while (!rest.empty() && rest[0] == '#') {
        std::string_view line = FirstLine(rest);
        if (line.starts_with("#separator ")) {
          std::string_view v = line.substr(11);
          std::string byte;
          if (v.size() == 4 && v.starts_with("\\x") && util::FromHex(v.substr(2), &byte)) {
            cfg.separator = byte[0];
          } else if (v.size() == 1) {
            cfg.separator = v[0];
          } else {
            return Status::Invalid(name + ": Zeek header: bad #separator '" + std::string(v) +
                                   "' (expected \\xHH or one character)");
          }
        } else if (line.starts_with("#fields")) {
          std::string_view v = line.substr(7);
          if (!v.empty() && v[0] == cfg.separator) v.remove_prefix(1);
          size_t i = 0;
          while (i <= v.size()) {
            size_t c = v.find(cfg.separator, i);
            if (c == std::string_view::npos) c = v.size();
            cfg.columns.emplace_back(v.substr(i, c - i));
            i = c + 1;
          }
          have_fields = true;
        }
        size_t nl = rest.find('\n');
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      }
      if (!have_fields) return Status::Invalid(name + ": Zeek log without a #fields header line");
    }
    if (!cfg.columns.empty()) {
      cfg.selected.assign(cfg.columns.size(), opts.fields.empty() ? 1 : 0);
      for (const auto& want : opts.fields) {
        auto it = std::find(cfg.columns.begin(), cfg.columns.end(), want);
        if (it == cfg.columns.end()) {
          std::string cols;
          for (const auto& c : cfg.columns) cols += (cols.empty() ? "" : ", ") + c;
          return Status::Invalid(name + ": no column named '" + want + "' (columns: " + cols + ")");
        }
        cfg.selected[it - cfg.columns.begin()] = 1;
      }
    }
    return Status::Ok();
  }

  // Delivers one chunk's hits; false when the callback asked to stop.
  bool Emit(const ChunkResult& r, uint64_t lbase, uint64_t obase, const HitCallback& cb,
            uint64_t* hits) {
    for (const RawHit& h : r.hits) {
      Hit out;
      out.line = lbase + h.line + 1;
      out.offset = obase + h.offset;
      out.observable = std::string_view(r.arena).substr(h.obs_off, h.obs_len);
      out.field = std::string_view(r.arena).substr(h.field_off, h.field_len);
      out.kind = h.kind;
      out.indicator = h.indicator;
      ++*hits;
      if (!cb(out)) return false;
    }
    return true;
  }
};

Matcher::Matcher() : impl_(std::make_unique<Impl>()) {}
Matcher::~Matcher() = default;

StatusOr<std::unique_ptr<Matcher>> Matcher::Create(std::shared_ptr<const IndicatorSet> set,
                                                   const MatchOptions& opts) {
  if (set == nullptr) return Status::Invalid("no indicator set");
  if (opts.format == Format::kText && !opts.fields.empty())
    return Status::Invalid("--field needs JSON lines, CSV or Zeek input, not text");
  if (opts.chunk_bytes < 4096 || opts.chunk_bytes > (1u << 30))
    return Status::Invalid("chunk size must be 4 KiB .. 1 GiB");
  std::unique_ptr<Matcher> m(new Matcher());
  m->impl_->set = std::move(set);
  m->impl_->opts = opts;
  return m;
}

void Matcher::Reset() { impl_->Reset(); }
Format Matcher::format() const { return impl_->cfg.format; }

Status Matcher::MatchBuffer(std::span<const char> data, const HitCallback& cb) {
  Impl& m = *impl_;
  if (!m.started) {
    SANAD_RETURN_IF_ERROR(m.Start(std::string_view(data.data(), data.size()), "<buffer>"));
  }
  if (m.scanner == nullptr) {
    m.scanner =
        std::make_unique<Scanner>(m.set->tables(), m.cfg, m.opts.scan, m.opts.byte_tokenizer);
    SANAD_RETURN_IF_ERROR(m.scanner->Init());
  }
  if (data.empty()) return Status::Ok();
  bool skip = m.header_pending;
  m.header_pending = false;
  SANAD_RETURN_IF_ERROR(m.scanner->Process(data.data(), data.size(), skip, &m.result));
  uint64_t hits = 0;
  m.Emit(m.result, m.line_base, m.offset_base, cb, &hits);
  m.line_base += m.result.newlines + (data.back() != '\n' ? 1 : 0);
  m.offset_base += data.size();
  return Status::Ok();
}

Status Matcher::MatchStream(InputStream* in, const HitCallback& cb, MatchStats* stats,
                            const std::function<void(const MatchStats&)>& progress) {
  Impl& m = *impl_;
  m.Reset();
  MatchStats st;
  const size_t chunk = m.opts.chunk_bytes;
  int nthreads = m.opts.threads > 0
                     ? m.opts.threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  nthreads = std::min(nthreads, 64);

  struct Slot {
    std::string buf;
    const char* data = nullptr;  // buf, or a piece of the mapped input
    size_t len = 0;
    bool skip_first = false;
    bool done = false;
    Status status;
    ChunkResult res;
  };
  const size_t nslots = static_cast<size_t>(nthreads) * 2 + 1;
  std::vector<std::unique_ptr<Slot>> slots;
  for (size_t i = 0; i < nslots; ++i) slots.push_back(std::make_unique<Slot>());
  std::vector<Slot*> free_slots;
  for (auto& s : slots) free_slots.push_back(s.get());

  // A mapped file is scanned in place: slots point into it.
  const std::string_view whole = in->Mapped();
  size_t map_pos = 0;
  bool last_without_newline = false;  // the input's last byte is not '\n'
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::deque<Slot*> work;
  bool closing = false;

  // Workers are created after the format is known (first chunk).
  std::vector<std::thread> workers;
  auto start_workers = [&] {
    for (int w = 0; w < nthreads; ++w) {
      workers.emplace_back([&] {
        Scanner sc(m.set->tables(), m.cfg, m.opts.scan, m.opts.byte_tokenizer);
        Status init = sc.Init();
        while (true) {
          Slot* s;
          {
            std::unique_lock<std::mutex> lk(mu);
            work_cv.wait(lk, [&] { return closing || !work.empty(); });
            if (work.empty()) return;
            s = work.front();
            work.pop_front();
          }
          Status r = init;
          if (!init.ok()) {
          } else if (!whole.empty()) {
            if (!ProcessMapped(&sc, whole, s->data, s->len, s->skip_first, &s->res, &r))
              r = Status::Io(in->name() + ": the file shrank while it was being read");
          } else {
            r = sc.Process(s->data, s->len, s->skip_first, &s->res);
          }
          {
            std::lock_guard<std::mutex> lk(mu);
            s->status = r;
            s->done = true;
          }
          done_cv.notify_all();
        }
      });
    }
  };
  auto stop_workers = [&] {
    {
      std::lock_guard<std::mutex> lk(mu);
      closing = true;
      work.clear();
    }
    work_cv.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
  };

  std::string carry;
  bool eof = false;
  bool first = true;
  std::deque<Slot*> inflight;
  Status result;
  bool stopped = false;
  uint64_t line_base = 0, offset_base = 0;

  // Fills a slot: the carried partial line, then input up to the chunk size;
  // the tail after the last '\n' is carried to the next chunk.
  auto fill = [&](Slot* s) -> Status {
    if (!whole.empty()) {
      size_t end = std::min(whole.size(), map_pos + chunk);
      const void* nl = nullptr;
      char last = '\n';
      if (!CutMapped(whole, map_pos, end, &nl, &last))
        return Status::Io(in->name() + ": the file shrank while it was being read");
      if (nl != nullptr) end = static_cast<size_t>(static_cast<const char*>(nl) - whole.data()) + 1;
      // else: one line longer than the chunk, cut here (docs/detect.md)
      s->data = whole.data() + map_pos;
      s->len = end - map_pos;
      map_pos = end;
      if (map_pos == whole.size()) {
        eof = true;
        last_without_newline = last != '\n';
      }
      return Status::Ok();
    }
    if (s->buf.size() < chunk) s->buf.resize(chunk);
    s->data = s->buf.data();
    size_t len = carry.size();
    std::memcpy(s->buf.data(), carry.data(), carry.size());
    carry.clear();
    while (len < chunk && !eof) {
      auto r = in->Read(s->buf.data() + len, chunk - len);
      if (!r.ok()) return r.status();
      if (*r == 0) {
        eof = true;
        break;
      }
      len += *r;
    }
    if (!eof) {
      const char* b = s->buf.data();
      const void* nl = memrchr(b, '\n', len);
      if (nl != nullptr) {
        size_t cut = static_cast<size_t>(static_cast<const char*>(nl) - b) + 1;
        carry.assign(b + cut, len - cut);
        len = cut;
      }  // else: one line longer than the chunk, cut here (docs/detect.md)
    }
    s->len = len;
    if (eof && len > 0) last_without_newline = s->buf[len - 1] != '\n';
    return Status::Ok();
  };

  while (true) {
    // Submit while there are free slots and input.
    while (!eof && !free_slots.empty() && !stopped) {
      Slot* s = free_slots.back();
      Status fs = fill(s);
      if (!fs.ok()) {
        result = fs;
        stopped = true;
        break;
      }
      if (s->len == 0) break;
      free_slots.pop_back();
      if (first) {
        first = false;
        // The format and header come from the first chunk (a copy of it
        // when mapped, so that a shrinking file cannot fault in here).
        std::string first_copy;
        std::string_view first_data(s->data, s->len);
        if (!whole.empty()) {
          first_copy.resize(s->len);
          if (!CopyMapped(whole, first_copy.data(), s->data, s->len)) {
            result = Status::Io(in->name() + ": the file shrank while it was being read");
            stopped = true;
            free_slots.push_back(s);
            break;
          }
          first_data = first_copy;
        }
        Status ss = m.Start(first_data, in->name());
        if (!ss.ok()) {
          result = ss;
          stopped = true;
          free_slots.push_back(s);
          break;
        }
        s->skip_first = m.header_pending;
        m.header_pending = false;
        start_workers();
      } else {
        s->skip_first = false;
      }
      s->done = false;
      {
        std::lock_guard<std::mutex> lk(mu);
        work.push_back(s);
      }
      work_cv.notify_one();
      inflight.push_back(s);
      st.bytes += s->len;
    }
    if (inflight.empty()) break;
    Slot* s = inflight.front();
    {
      std::unique_lock<std::mutex> lk(mu);
      done_cv.wait(lk, [&] { return s->done; });
    }
    inflight.pop_front();
    if (!stopped) {
      if (!s->status.ok()) {
        result = s->status;
        stopped = true;
      } else {
        if (!m.Emit(s->res, line_base, offset_base, cb, &st.hits)) stopped = true;
        st.malformed_lines += s->res.malformed;
        line_base += s->res.newlines;
        if (eof && inflight.empty() && carry.empty() && s->len > 0 && last_without_newline)
          ++line_base;  // last line without '\n'
        offset_base += s->len;
        st.lines = line_base;
        st.compressed_bytes = in->compressed_bytes();
        st.format = m.cfg.format;
        if (progress) progress(st);
      }
    }
    free_slots.push_back(s);
    if (stopped && inflight.empty()) break;
  }
  stop_workers();
  st.lines = line_base;
  st.compressed_bytes = in->compressed_bytes();
  st.format = m.cfg.format;
  if (stats != nullptr) *stats = st;
  return result;
}

}  // namespace sanad::detect
