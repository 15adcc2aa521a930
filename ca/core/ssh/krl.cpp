// KRL writer and parser (PROTOCOL.krl). The writer emits sections in the
// order and with the record choices ssh-keygen -k makes, so that the same
// revocations give the same bytes as OpenSSH would write; the parser
// accepts what OpenSSH writes and refuses anything ambiguous.
#include "ca/core/ssh/krl.h"

#include <algorithm>
#include <limits>
#include <set>

#include <openssl/evp.h>

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kMagic{"SSHKRL\n\0", 8};
constexpr uint32_t kFormatVersion = 1;

// Top-level section types.
constexpr uint8_t kSectionCertificates = 1;
constexpr uint8_t kSectionExplicitKey = 2;
constexpr uint8_t kSectionSha1 = 3;
constexpr uint8_t kSectionSignature = 4;
constexpr uint8_t kSectionSha256 = 5;
constexpr uint8_t kSectionExtension = 255;

// Subsections of a certificates section.
enum class Record : uint8_t { None = 0, List = 0x20, Range = 0x21, Bitmap = 0x22 };
constexpr uint8_t kCertKeyId = 0x23;
constexpr uint8_t kCertExtension = 0x39;

constexpr size_t kSha1Len = 20;
constexpr size_t kSha256Len = 32;
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

Error formatError(std::string message) { return makeError(ErrorCode::InvalidFormat, std::move(message)); }

Bytes digest(std::span<const uint8_t> data, const EVP_MD* md) {
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return Bytes(out, out + len);
}

// Blob order of OpenSSH's trees (memcmp, then the shorter first), which is
// numeric order for equal-length hashes. A loop, not std::vector's <=>: its
// inlined memcmp trips a GCC 12 false positive (-Wstringop-overread).
struct BlobLess {
  bool operator()(const Bytes& a, const Bytes& b) const {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return a[i] < b[i];
    }
    return a.size() < b.size();
  }
};

template <class T, class Less = std::less<T>>
std::vector<T> sortedUnique(const std::vector<T>& v) {
  std::set<T, Less> s(v.begin(), v.end());
  return {s.begin(), s.end()};
}

// ---------------------------------------------------------------- writer

// Revoked serials as sorted, disjoint, non-adjacent inclusive runs (what
// OpenSSH's serial tree holds). Serial 0 is dropped: it means "no serial".
std::vector<KrlSerialRange> serialRuns(const KrlCertificates& c) {
  std::vector<KrlSerialRange> in = c.ranges;
  for (uint64_t s : c.serials) in.push_back({s, s});
  std::vector<KrlSerialRange> runs;
  for (KrlSerialRange r : in) {
    r.first = std::max<uint64_t>(r.first, 1);
    if (r.first <= r.last) runs.push_back(r);
  }
  std::sort(runs.begin(), runs.end(), [](auto a, auto b) { return a.first < b.first; });
  std::vector<KrlSerialRange> merged;
  for (const auto& r : runs) {
    if (!merged.empty() && (merged.back().last == kMaxU64 || r.first <= merged.back().last + 1)) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

struct RecordChoice {
  Record record;
  bool restartBitmap;
};

// OpenSSH's bit-cost model (krl.c choose_next_state): the cost of putting the
// next run into each record type, including switching from the current one;
// ties go to bitmap, then range, then list, as OpenSSH breaks them.
RecordChoice cheapestRecord(Record current, uint64_t contig, bool final, uint64_t lastGap, uint64_t nextGap) {
  constexpr uint64_t kCap = 1ULL << 31;  // keeps the sums below from overflowing
  contig = std::min(contig, kCap);
  lastGap = std::min(lastGap, kCap);
  nextGap = std::min(nextGap, kCap);
  constexpr uint64_t kNewSection = 8 + 64;  // type byte + bitmap offset / next header, in bits
  uint64_t list = current == Record::List ? 0 : 8;
  uint64_t range = 8;
  uint64_t bitmap = current == Record::Bitmap ? 0 : kNewSection;
  uint64_t restart = kNewSection;
  uint64_t tail = final ? 0 : kNewSection;
  list += 64 * contig + tail;
  range += 2 * 64 + tail;
  bitmap += lastGap + contig + (final ? 0 : std::min(nextGap, kNewSection));
  restart += contig + (final ? 0 : std::min(nextGap, kNewSection));
  auto bytes = [](uint64_t bits) { return (bits + 7) / 8; };
  RecordChoice best{Record::Bitmap, false};
  uint64_t cost = bytes(bitmap);
  if (bytes(range) < cost) best = {Record::Range, false}, cost = bytes(range);
  if (bytes(list) < cost) best = {Record::List, false}, cost = bytes(list);
  if (bytes(restart) < cost) best = {Record::Bitmap, true};
  return best;
}

// Emits serial runs as list / range / bitmap subsections.
class SerialRecordWriter {
 public:
  explicit SerialRecordWriter(wire::Writer& out) : out_(out) {}

  void add(const KrlSerialRange& run, const KrlSerialRange* next) {
    uint64_t contig = run.last - run.first + 1;  // no wrap: serial 0 is never in a run
    uint64_t lastGap = state_ == Record::None ? 0 : run.first - last_;
    uint64_t nextGap = next ? next->first - run.last : 0;
    RecordChoice choice = cheapestRecord(state_, contig, next == nullptr, lastGap, nextGap);
    if (state_ != Record::None && (choice.restartBitmap || choice.record != state_ || state_ == Record::Range)) flush();
    if (state_ == Record::None) start(choice.record, run.first);
    append(run);
    last_ = run.last;
  }

  void finish() {
    if (state_ != Record::None) flush();
  }

 private:
  void start(Record record, uint64_t first) {
    state_ = record;
    body_ = wire::Writer{};
    bits_.clear();
    if (record == Record::Bitmap) {
      bitmapStart_ = first;
      body_.u64(first);
    }
  }

  void append(const KrlSerialRange& run) {
    if (state_ == Record::Range) {
      body_.u64(run.first);
      body_.u64(run.last);
      return;
    }
    for (uint64_t s = run.first;; ++s) {
      if (state_ == Record::List)
        body_.u64(s);
      else
        setBit(s - bitmapStart_);
      if (s == run.last) break;
    }
  }

  void setBit(uint64_t index) {
    size_t byte = static_cast<size_t>(index / 8);
    if (bits_.size() <= byte) bits_.resize(byte + 1, 0);
    bits_[byte] |= static_cast<uint8_t>(1u << (index % 8));
  }

  void flush() {
    if (state_ == Record::Bitmap) {
      Bytes bigEndian(bits_.rbegin(), bits_.rend());  // bits_ is least significant byte first
      body_.mpint(bigEndian);
    }
    out_.u8(static_cast<uint8_t>(state_));
    out_.string(body_.bytes());
    state_ = Record::None;
  }

  wire::Writer& out_;
  Record state_ = Record::None;
  wire::Writer body_;
  uint64_t last_ = 0;
  uint64_t bitmapStart_ = 0;
  Bytes bits_;
};

bool sameCa(const std::optional<PublicKey>& a, const std::optional<PublicKey>& b) {
  if (!a || !b) return !a && !b;
  return *a == *b;
}

// One entry per CA key, in order of first appearance (OpenSSH keeps
// insertion order); entries for the same CA are merged.
std::vector<KrlCertificates> mergeByCa(const std::vector<KrlCertificates>& in) {
  std::vector<KrlCertificates> out;
  for (const auto& c : in) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& o) { return sameCa(o.caKey, c.caKey); });
    if (it == out.end()) {
      out.push_back(c);
      continue;
    }
    it->serials.insert(it->serials.end(), c.serials.begin(), c.serials.end());
    it->ranges.insert(it->ranges.end(), c.ranges.begin(), c.ranges.end());
    it->keyIds.insert(it->keyIds.end(), c.keyIds.begin(), c.keyIds.end());
  }
  return out;
}

Bytes encodeCertificatesSection(const KrlCertificates& c) {
  wire::Writer w;
  w.string(c.caKey ? encodePublicKeyWire(*c.caKey) : Bytes{});
  w.string(Bytes{});  // reserved
  SerialRecordWriter serials(w);
  auto runs = serialRuns(c);
  for (size_t i = 0; i < runs.size(); ++i) serials.add(runs[i], i + 1 < runs.size() ? &runs[i + 1] : nullptr);
  serials.finish();
  auto ids = sortedUnique(c.keyIds);  // byte order, as OpenSSH's strcmp tree
  if (!ids.empty()) {
    wire::Writer idw;
    for (const auto& id : ids) idw.cstring(id);
    w.u8(kCertKeyId);
    w.nested(idw);
  }
  return std::move(w).take();
}

// A section of strings (explicit keys, hashes), sorted as big-endian numbers
// / blobs and deduplicated; nothing when empty.
void writeBlobSection(wire::Writer& w, uint8_t type, std::vector<Bytes> blobs) {
  blobs = sortedUnique<Bytes, BlobLess>(blobs);
  if (blobs.empty()) return;
  wire::Writer body;
  for (const auto& b : blobs) body.string(b);
  w.u8(type);
  w.nested(body);
}

// ---------------------------------------------------------------- parser

// Extension sections: non-critical ones are skipped, as PROTOCOL.krl allows.
Status checkExtension(std::span<const uint8_t> body, std::string_view where) {
  wire::Reader r(body);
  auto name = r.cstring();
  if (!name.ok()) return formatError(std::string(where) + " extension has no name");
  auto critical = r.boolean();
  if (!critical.ok() || !r.string().ok() || !r.expectEnd().ok()) {
    return formatError(std::string(where) + " extension '" + *name + "' is malformed");
  }
  if (*critical) {
    return makeError(ErrorCode::Unsupported,
                     std::string(where) + " extension '" + *name + "' is critical and not supported");
  }
  return okStatus();
}

// The running state of one certificates section: serial records must be
// sorted and must not overlap, key IDs sorted and unique.
class CertificatesParser {
 public:
  explicit CertificatesParser(KrlCertificates& out) : out_(out) {}

  Status record(uint8_t type, std::span<const uint8_t> body) {
    switch (type) {
      case static_cast<uint8_t>(Record::List):
        return serialList(body);
      case static_cast<uint8_t>(Record::Range):
        return serialRange(body);
      case static_cast<uint8_t>(Record::Bitmap):
        return serialBitmap(body);
      case kCertKeyId:
        return keyIds(body);
      case kCertExtension:
        return checkExtension(body, "certificate section");
      default:
        return formatError("unknown certificate subsection type " + std::to_string(type));
    }
  }

 private:
  Status nextSerial(uint64_t first, uint64_t last, const char* what) {
    if (first == 0) return formatError(std::string(what) + " revokes serial 0, which OpenSSH refuses");
    if (first > last) {
      return formatError(std::string(what) + " " + std::to_string(first) + "-" + std::to_string(last) +
                         " is empty (minimum above maximum)");
    }
    if (first <= maxSerial_) {
      return formatError(std::string(what) + " serial " + std::to_string(first) +
                         " is not above the previous record's serial " + std::to_string(maxSerial_) +
                         ": serial records must be sorted and must not overlap");
    }
    maxSerial_ = last;
    return okStatus();
  }

  Status serialList(std::span<const uint8_t> body) {
    if (body.empty() || body.size() % 8 != 0) {
      return formatError("serial list of " + std::to_string(body.size()) + " bytes is not a non-empty list of uint64");
    }
    wire::Reader r(body);
    while (r.remaining() > 0) {
      uint64_t s = *r.u64();
      SSHCA_RETURN_IF_ERROR(nextSerial(s, s, "serial list"));
      out_.serials.push_back(s);
    }
    return okStatus();
  }

  Status serialRange(std::span<const uint8_t> body) {
    if (body.size() != 16) return formatError("serial range is " + std::to_string(body.size()) + " bytes, not 16");
    wire::Reader r(body);
    KrlSerialRange range{*r.u64(), *r.u64()};
    SSHCA_RETURN_IF_ERROR(nextSerial(range.first, range.last, "serial range"));
    out_.ranges.push_back(range);
    return okStatus();
  }

  Status serialBitmap(std::span<const uint8_t> body) {
    wire::Reader r(body);
    auto offset = r.u64();
    // Own length handling: a bitmap may be larger than an mpint cap for keys.
    auto len = offset.ok() ? r.u32() : Result<uint32_t>(offset.error());
    auto bits = len.ok() ? r.raw(*len) : Result<std::span<const uint8_t>>(len.error());
    if (!bits.ok() || !r.expectEnd().ok()) return formatError("serial bitmap is truncated or has trailing data");
    if (!bits->empty() && ((*bits)[0] & 0x80)) return formatError("serial bitmap is a negative mpint");
    if (!bits->empty() && (*bits)[0] == 0 && (bits->size() == 1 || !((*bits)[1] & 0x80))) {
      return formatError("serial bitmap mpint is not minimally encoded");
    }
    for (size_t i = 0; i < bits->size() * 8; ++i) {
      uint8_t byte = (*bits)[bits->size() - 1 - i / 8];
      if (!(byte & (1u << (i % 8)))) continue;
      if (i > kMaxU64 - *offset) return formatError("serial bitmap runs past serial 2^64-1");
      uint64_t s = *offset + i;
      SSHCA_RETURN_IF_ERROR(nextSerial(s, s, "serial bitmap"));
      out_.serials.push_back(s);
    }
    return okStatus();
  }

  Status keyIds(std::span<const uint8_t> body) {
    if (body.empty()) return formatError("key ID subsection is empty");
    wire::Reader r(body);
    while (r.remaining() > 0) {
      auto id = r.cstring();
      if (!id.ok()) return std::move(id).error().context("key ID subsection");
      if (!out_.keyIds.empty() && *id <= out_.keyIds.back()) {
        return formatError("key ID '" + *id + "' is not after '" + out_.keyIds.back() +
                           "': key IDs must be sorted and unique");
      }
      out_.keyIds.push_back(std::move(*id));
    }
    return okStatus();
  }

  KrlCertificates& out_;
  uint64_t maxSerial_ = 0;
};

// Sections and certificate subsections are read with their own length
// (not Reader::string): a list of random serials is 8 bytes each, so a CA
// with more than 32,768 revoked serials writes (as ssh-keygen does) one
// subsection over the size limit for keys and strings.
Result<std::span<const uint8_t>> sectionBody(wire::Reader& r, const char* what) {
  auto len = r.u32();
  if (!len.ok()) return formatError(std::string(what) + " length is truncated");
  auto body = r.raw(*len);
  if (!body.ok()) return formatError(std::string(what) + " of " + std::to_string(*len) + " bytes is truncated");
  return *body;
}

Result<KrlCertificates> parseCertificatesSection(std::span<const uint8_t> body) {
  wire::Reader r(body);
  auto ca = r.string();
  if (!ca.ok() || !r.string().ok()) return formatError("certificates section header is truncated");
  KrlCertificates out;
  if (!ca->empty()) {
    auto key = parsePublicKeyWire(*ca);
    if (!key.ok()) return std::move(key).error().context("CA key");
    out.caKey = std::move(*key);
  }
  CertificatesParser parser(out);
  while (r.remaining() > 0) {
    auto type = r.u8();
    SSHCA_ASSIGN_OR_RETURN(auto sub, sectionBody(r, "certificate subsection"));
    SSHCA_RETURN_IF_ERROR(parser.record(*type, sub));
  }
  return out;
}

// Strings in a key or hash section, each after the previous one across all
// sections of that type (PROTOCOL.krl: hashes in numeric order).
Status parseBlobs(std::span<const uint8_t> body, size_t fixedLen, std::vector<Bytes>& seen, const char* what) {
  if (body.empty()) return formatError(std::string(what) + " section is empty");
  wire::Reader r(body);
  while (r.remaining() > 0) {
    auto blob = r.string();
    if (!blob.ok()) return std::move(blob).error().context(what);
    Bytes b(blob->begin(), blob->end());
    if (fixedLen && b.size() != fixedLen) {
      return formatError(std::string(what) + " entry is " + std::to_string(b.size()) + " bytes, expected " +
                         std::to_string(fixedLen));
    }
    if (!seen.empty() && !BlobLess{}(seen.back(), b)) {
      return formatError(std::string(what) + " entries are not sorted and unique (" + toHex(b) + " after " +
                         toHex(seen.back()) + ")");
    }
    seen.push_back(std::move(b));
  }
  return okStatus();
}

Status parseExplicitKeys(std::span<const uint8_t> body, std::vector<Bytes>& seen, Krl& krl) {
  size_t before = seen.size();
  SSHCA_RETURN_IF_ERROR(parseBlobs(body, 0, seen, "explicit key"));
  for (size_t i = before; i < seen.size(); ++i) {
    auto key = parsePublicKeyWire(seen[i]);
    if (!key.ok()) return std::move(key).error().context("explicit key");
    krl.explicitKeys.push_back(std::move(*key));
  }
  return okStatus();
}

struct Header {
  uint64_t version, generatedDate;
  std::string comment;
};

Result<Header> parseHeader(wire::Reader& r) {
  auto magic = r.raw(kMagic.size());
  if (!magic.ok() || asString(*magic) != kMagic) return formatError("not a KRL: the magic \"SSHKRL\\n\\0\" is missing");
  auto format = r.u32();
  if (!format.ok()) return formatError("KRL header is truncated");
  if (*format != kFormatVersion) {
    return formatError("KRL format version " + std::to_string(*format) + " is not supported (expected 1)");
  }
  auto version = r.u64();
  auto date = r.u64();
  auto flags = r.u64();
  auto reserved = r.string();  // its contents are ignored (PROTOCOL.krl)
  auto comment = r.cstring();
  if (!version.ok() || !date.ok() || !flags.ok() || !reserved.ok() || !comment.ok()) {
    return formatError("KRL header is truncated or its comment is malformed");
  }
  if (*flags != 0) return formatError("KRL flags " + std::to_string(*flags) + " are not defined (expected 0)");
  return Header{*version, *date, std::move(*comment)};
}

struct SeenBlobs {
  std::vector<Bytes> keys, sha1, sha256;
};

Status parseSection(uint8_t type, std::span<const uint8_t> body, SeenBlobs& seen, Krl& krl) {
  switch (type) {
    case kSectionCertificates: {
      SSHCA_ASSIGN_OR_RETURN(auto certs, parseCertificatesSection(body));
      for (const auto& c : krl.certificates) {
        if (sameCa(c.caKey, certs.caKey)) return formatError("a second certificates section for the same CA key");
      }
      krl.certificates.push_back(std::move(certs));
      return okStatus();
    }
    case kSectionExplicitKey:
      return parseExplicitKeys(body, seen.keys, krl);
    case kSectionSha1:
      return parseBlobs(body, kSha1Len, seen.sha1, "SHA1 fingerprint");
    case kSectionSha256:
      return parseBlobs(body, kSha256Len, seen.sha256, "SHA256 fingerprint");
    case kSectionExtension:
      return checkExtension(body, "KRL");
    default:
      return formatError("unknown section type " + std::to_string(type));
  }
}

// ---------------------------------------------------------------- checks

bool serialRevoked(const KrlCertificates& c, uint64_t serial) {
  if (serial == 0) return false;  // sshd: zero means the CA set no serial
  if (std::find(c.serials.begin(), c.serials.end(), serial) != c.serials.end()) return true;
  return std::any_of(c.ranges.begin(), c.ranges.end(),
                     [&](const auto& r) { return r.first <= serial && serial <= r.last; });
}

bool revokedIn(const KrlCertificates& c, const Certificate& cert) {
  if (std::find(c.keyIds.begin(), c.keyIds.end(), cert.keyId) != c.keyIds.end()) return true;
  return serialRevoked(c, cert.serial);
}

bool contains(const std::vector<Bytes>& v, const Bytes& b) { return std::find(v.begin(), v.end(), b) != v.end(); }

}  // namespace

Bytes encodeKrl(const Krl& krl) {
  wire::Writer w;
  w.raw(asBytes(kMagic));
  w.u32(kFormatVersion);
  w.u64(krl.version);
  w.u64(krl.generatedDate);
  w.u64(0);           // flags: none defined
  w.string(Bytes{});  // reserved
  w.cstring(krl.comment);
  for (const auto& c : mergeByCa(krl.certificates)) {
    if (c.serials.empty() && c.ranges.empty() && c.keyIds.empty()) continue;
    w.u8(kSectionCertificates);
    w.string(encodeCertificatesSection(c));
  }
  std::vector<Bytes> keys;
  for (const auto& k : krl.explicitKeys) keys.push_back(encodePublicKeyWire(k));
  writeBlobSection(w, kSectionExplicitKey, std::move(keys));
  writeBlobSection(w, kSectionSha1, krl.sha1Fingerprints);
  writeBlobSection(w, kSectionSha256, krl.sha256Fingerprints);
  return std::move(w).take();
}

Result<Krl> parseKrl(std::span<const uint8_t> data) {
  wire::Reader r(data);
  SSHCA_ASSIGN_OR_RETURN(Header header, parseHeader(r));
  Krl krl;
  krl.version = header.version;
  krl.generatedDate = header.generatedDate;
  krl.comment = std::move(header.comment);
  SeenBlobs seen;
  for (int index = 1; r.remaining() > 0; ++index) {
    uint8_t type = *r.u8();
    std::string where = "KRL section " + std::to_string(index) + " (type " + std::to_string(type) + ")";
    if (type == kSectionSignature) {
      return formatError(where +
                         ": KRL signature sections are not supported (OpenSSH 9.4+ refuses them too; "
                         "the KRL is signed with SSHSIG instead)");
    }
    auto body = sectionBody(r, "section");
    if (!body.ok()) return std::move(body).error().context(where);
    auto st = parseSection(type, *body, seen, krl);
    if (!st.ok()) return std::move(st).error().context(where);
  }
  krl.sha1Fingerprints = std::move(seen.sha1);
  krl.sha256Fingerprints = std::move(seen.sha256);
  return krl;
}

bool isKeyRevoked(const Krl& krl, const PublicKey& key) {
  if (std::find(krl.explicitKeys.begin(), krl.explicitKeys.end(), key) != krl.explicitKeys.end()) return true;
  Bytes blob = encodePublicKeyWire(key);
  return contains(krl.sha256Fingerprints, digest(blob, EVP_sha256())) ||
         contains(krl.sha1Fingerprints, digest(blob, EVP_sha1()));
}

bool isCertificateRevoked(const Krl& krl, const Certificate& cert) {
  if (isKeyRevoked(krl, cert.key) || isKeyRevoked(krl, cert.signatureKey)) return true;
  return std::any_of(krl.certificates.begin(), krl.certificates.end(), [&](const KrlCertificates& c) {
    return (!c.caKey || *c.caKey == cert.signatureKey) && revokedIn(c, cert);
  });
}

}  // namespace sshca::ssh
