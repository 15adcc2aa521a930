// ssh-agent messages, draft-miller-ssh-agent §4 (requests and replies) and
// §4.2.3-4.2.6 (private keys in add requests):
//   ssh-ed25519:        string ENC(A), string k || ENC(A)
//   ecdsa-sha2-nistp*:  string curve, string Q, mpint d
//   ssh-rsa:            mpint n, mpint e, mpint d, mpint iqmp, mpint p, mpint q
// and the certificate forms, where `string certificate` replaces the public
// fields that the certificate carries:
//   ssh-ed25519-cert-v01@openssh.com:  string cert, string ENC(A), string k || ENC(A)
//   ecdsa-sha2-nistp*-cert-v01@...:    string cert, mpint d
//   ssh-rsa-cert-v01@openssh.com:      string cert, mpint d, mpint iqmp, mpint p, mpint q
#include "ca/core/ssh/ssh_agent_protocol.h"

#include <algorithm>

#include <openssl/core_names.h>

#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";
constexpr size_t kEd25519Len = 32;
// Smallest identity on the wire: two empty strings.
constexpr size_t kMinIdentityLen = 8;

Error badReply(const std::string& why) { return makeError(ErrorCode::InvalidFormat, "ssh-agent reply: " + why); }

// Writes private key material into one buffer sized up front, so that no
// reallocation leaves an uncleansed copy of the key behind in the heap.
class SecretWriter {
 public:
  explicit SecretWriter(size_t capacity) { buf_.resize(capacity); }

  void u8(uint8_t v) {
    if (room(1)) buf_.data()[len_++] = v;
  }
  void u32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) u8(static_cast<uint8_t>(v >> shift));
  }
  void string(std::span<const uint8_t> s) {
    u32(static_cast<uint32_t>(s.size()));
    if (room(s.size())) {
      std::copy(s.begin(), s.end(), buf_.data() + len_);
      len_ += s.size();
    }
  }
  void cstring(std::string_view s) { string(asBytes(s)); }
  // RFC 4251 mpint of a non-negative BIGNUM: minimal, a 0x00 first when
  // the top bit is set.
  void mpint(const BIGNUM* bn) {
    size_t n = static_cast<size_t>(BN_num_bytes(bn));
    bool pad = n > 0 && BN_num_bits(bn) % 8 == 0;
    u32(static_cast<uint32_t>(n + (pad ? 1 : 0)));
    if (pad) u8(0);
    if (room(n)) {
      BN_bn2bin(bn, buf_.data() + len_);
      len_ += n;
    }
  }

  Result<SecretBytes> finish() && {
    if (overflow_) return makeError(ErrorCode::Internal, "agent key encoding overflowed its buffer");
    return SecretBytes(buf_.span().first(len_));
  }

 private:
  bool room(size_t n) {
    if (overflow_ || buf_.size() - len_ < n) overflow_ = true;
    return !overflow_;
  }
  SecretBytes buf_;
  size_t len_ = 0;
  bool overflow_ = false;
};

Result<ossl::Bignum> bnParam(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1 || !bn)
    return ossl::error(std::string("reading the private key's '") + name + "'");
  return ossl::Bignum(bn);
}

Status writeEd25519(SecretWriter& w, const EVP_PKEY* key, const PublicKey& pub) {
  SSHCA_ASSIGN_OR_RETURN(Bytes a, ed25519RawOf(pub));
  SecretBytes ka;  // k || ENC(A)
  ka.resize(2 * kEd25519Len);
  size_t len = kEd25519Len;
  if (EVP_PKEY_get_raw_private_key(key, ka.data(), &len) != 1 || len != kEd25519Len)
    return ossl::error("reading the Ed25519 private key");
  std::copy(a.begin(), a.end(), ka.data() + kEd25519Len);
  w.string(a);
  w.string(ka.span());
  return okStatus();
}

Status writeEcdsa(SecretWriter& w, const EVP_PKEY* key, const PublicKey& pub, bool isCert) {
  if (!isCert) {
    SSHCA_ASSIGN_OR_RETURN(Bytes q, ecPointOf(pub));
    w.cstring(keyTypeName(pub).substr(std::string_view("ecdsa-sha2-").size()));
    w.string(q);
  }
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum d, bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY));
  w.mpint(d.get());
  return okStatus();
}

Status writeRsa(SecretWriter& w, const EVP_PKEY* key, bool isCert) {
  if (!isCert) {
    SSHCA_ASSIGN_OR_RETURN(ossl::Bignum n, bnParam(key, OSSL_PKEY_PARAM_RSA_N));
    SSHCA_ASSIGN_OR_RETURN(ossl::Bignum e, bnParam(key, OSSL_PKEY_PARAM_RSA_E));
    w.mpint(n.get());
    w.mpint(e.get());
  }
  for (const char* name : {OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
                           OSSL_PKEY_PARAM_RSA_FACTOR2}) {
    SSHCA_ASSIGN_OR_RETURN(ossl::Bignum bn, bnParam(key, name));
    w.mpint(bn.get());
  }
  return okStatus();
}

// Room for every field: six mpints no longer than the modulus (RSA) or a
// signature (EC, Ed25519), the certificate, the comment and some headers.
size_t capacityFor(const EVP_PKEY* key, const Certificate* cert, size_t commentLen) {
  size_t fieldMax = static_cast<size_t>(std::max(EVP_PKEY_get_size(key), 0)) + 8;
  return 1024 + 6 * fieldMax + (cert ? cert->wire.size() : 0) + commentLen;
}

Status writePrivateKey(SecretWriter& w, const EVP_PKEY* key, const Certificate* cert) {
  ossl::ErrorQueueGuard guard;
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key));
  if (cert) {
    if (!(cert->key == pub))
      return makeError(ErrorCode::InvalidArgument,
                       "the certificate is for another key than the private key being added");
    if (cert->wire.empty()) return makeError(ErrorCode::InvalidArgument, "the certificate has no wire encoding");
    w.cstring(cert->certTypeName());
    w.string(cert->wire);
  } else {
    w.cstring(keyTypeName(pub));
  }
  switch (pub.algorithm()) {
    case KeyAlgorithm::Ed25519:
      return writeEd25519(w, key, pub);
    case KeyAlgorithm::Rsa:
      return writeRsa(w, key, cert != nullptr);
    default:
      return writeEcdsa(w, key, pub, cert != nullptr);
  }
}

// Checks the type byte of a reply; an agent's refusal gets `refusal`.
Status expectType(wire::Reader& r, uint8_t want, std::string_view request, ErrorCode refusal) {
  SSHCA_ASSIGN_OR_RETURN(uint8_t type, r.u8());
  if (type == want) return okStatus();
  if (type == agent::kFailure || type == agent::kExtensionFailure)
    return makeError(refusal, "ssh-agent refused the " + std::string(request) + " request");
  return badReply("message type " + std::to_string(type) + " in answer to " + std::string(request) + " (expected " +
                  std::to_string(want) + ")");
}

Bytes messageWithBlob(uint8_t type, std::span<const uint8_t> blob) {
  wire::Writer w;
  w.u8(type);
  w.string(blob);
  return std::move(w).take();
}

}  // namespace

// ---- requests ----

Bytes encodeRequestIdentities() { return Bytes{agent::kRequestIdentities}; }

Bytes encodeSignRequest(std::span<const uint8_t> keyBlob, std::span<const uint8_t> data, uint32_t flags) {
  wire::Writer w;
  w.u8(agent::kSignRequest);
  w.string(keyBlob);
  w.string(data);
  w.u32(flags);
  return std::move(w).take();
}

Bytes encodeRemoveIdentity(std::span<const uint8_t> keyBlob) {
  return messageWithBlob(agent::kRemoveIdentity, keyBlob);
}

Result<SecretBytes> encodeAgentPrivateKey(const EVP_PKEY* privateKey, const Certificate* certificate) {
  if (!privateKey) return makeError(ErrorCode::InvalidArgument, "no private key to add to the ssh-agent");
  SecretWriter w(capacityFor(privateKey, certificate, 0));
  SSHCA_RETURN_IF_ERROR(writePrivateKey(w, privateKey, certificate));
  return std::move(w).finish();
}

Result<SecretBytes> encodeAddIdentity(const AgentKeyToAdd& key) {
  if (!key.privateKey) return makeError(ErrorCode::InvalidArgument, "no private key to add to the ssh-agent");
  if (key.lifetimeSeconds && *key.lifetimeSeconds == 0)
    return makeError(ErrorCode::InvalidArgument, "a key lifetime of 0 seconds would expire at once");
  SecretWriter w(capacityFor(key.privateKey, key.certificate, key.comment.size()));
  w.u8(key.lifetimeSeconds ? agent::kAddIdConstrained : agent::kAddIdentity);
  SSHCA_RETURN_IF_ERROR(writePrivateKey(w, key.privateKey, key.certificate));
  w.cstring(key.comment);
  if (key.lifetimeSeconds) {
    w.u8(agent::kConstrainLifetime);
    w.u32(*key.lifetimeSeconds);
  }
  return std::move(w).finish();
}

// ---- replies ----

Result<std::vector<AgentIdentity>> parseIdentitiesAnswer(std::span<const uint8_t> message) {
  wire::Reader r(message);
  SSHCA_RETURN_IF_ERROR(expectType(r, agent::kIdentitiesAnswer, "list identities", ErrorCode::Unavailable));
  SSHCA_ASSIGN_OR_RETURN(uint32_t count, r.u32());
  // Checked before reserving: the count must fit in the bytes that follow.
  if (count > agent::kMaxIdentities)
    return badReply(std::to_string(count) + " identities exceed the cap of " + std::to_string(agent::kMaxIdentities));
  if (count > r.remaining() / kMinIdentityLen)
    return badReply(std::to_string(count) + " identities announced in " + std::to_string(r.remaining()) + " bytes");
  std::vector<AgentIdentity> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto blob = r.string();
    if (!blob.ok()) return std::move(blob).error().context("ssh-agent reply: identity " + std::to_string(i));
    auto comment = r.string();
    if (!comment.ok()) return std::move(comment).error().context("ssh-agent reply: identity " + std::to_string(i));
    // Comments are free text (usually a file name or user@host); kept as sent.
    out.push_back({Bytes(blob->begin(), blob->end()), std::string(asString(*comment))});
  }
  if (auto end = r.expectEnd(); !end.ok()) return std::move(end).error().context("ssh-agent reply");
  return out;
}

Result<Bytes> parseSignResponse(std::span<const uint8_t> message) {
  wire::Reader r(message);
  SSHCA_RETURN_IF_ERROR(expectType(r, agent::kSignResponse, "sign", ErrorCode::PermissionDenied));
  auto sig = r.string();
  if (!sig.ok()) return std::move(sig).error().context("ssh-agent reply: signature");
  if (auto end = r.expectEnd(); !end.ok()) return std::move(end).error().context("ssh-agent reply");
  return Bytes(sig->begin(), sig->end());
}

Status parseSuccess(std::span<const uint8_t> message, std::string_view request, ErrorCode refusal) {
  wire::Reader r(message);
  SSHCA_RETURN_IF_ERROR(expectType(r, agent::kSuccess, request, refusal));
  if (auto end = r.expectEnd(); !end.ok()) return std::move(end).error().context("ssh-agent reply");
  return okStatus();
}

// ---- helpers ----

Result<std::string> keyBlobType(std::span<const uint8_t> keyBlob) {
  wire::Reader r(keyBlob);
  auto type = r.cstring();
  if (!type.ok()) return std::move(type).error().context("key blob type");
  return type;
}

uint32_t signFlagsFor(std::span<const uint8_t> keyBlob) {
  auto type = keyBlobType(keyBlob);
  if (type.ok() && (*type == "ssh-rsa" || *type == "ssh-rsa" + std::string(kCertSuffix))) return agent::kRsaSha2_512;
  return 0;
}

std::optional<std::string> expectedSignatureAlgorithm(std::string_view keyType) {
  std::string plain(keyType);
  if (plain.ends_with(kCertSuffix)) plain.resize(plain.size() - kCertSuffix.size());
  if (plain == "ssh-rsa") return "rsa-sha2-512";
  if (plain == "ssh-ed25519" || plain == "ecdsa-sha2-nistp256" || plain == "ecdsa-sha2-nistp384" ||
      plain == "ecdsa-sha2-nistp521")
    return plain;
  return std::nullopt;
}

}  // namespace sshca::ssh
