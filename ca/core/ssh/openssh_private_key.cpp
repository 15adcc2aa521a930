// "openssh-key-v1" private keys, PROTOCOL.key §1, §3, §5 (cipher and KDF
// "none"); private key fields as in draft-miller-ssh-agent §4.2.3-4.2.5:
//   ssh-ed25519:  string ENC(A), string k || ENC(A)
//   ecdsa-sha2-*: string curve, string Q, mpint d
//   ssh-rsa:      mpint n, mpint e, mpint d, mpint iqmp, mpint p, mpint q
#include "ca/core/ssh/openssh_private_key.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/core_names.h>

#include "ca/core/common/bytes.h"
#include "ca/core/common/secret.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kAuthMagic{"openssh-key-v1\0", 15};  // AUTH_MAGIC with its NUL
constexpr size_t kNoneBlockSize = 8;                            // padding block for cipher "none"

Error badFormat(const std::string& why) { return makeError(ErrorCode::InvalidFormat, "OpenSSH private key: " + why); }

// A BIGNUM in the secure heap, so that OSSL_PARAM copies of it are cleansed.
Result<ossl::Bignum> secretBn(std::span<const uint8_t> be) {
  ossl::Bignum bn(BN_secure_new());
  if (!bn || !BN_bin2bn(be.data(), static_cast<int>(be.size()), bn.get())) return ossl::error("BN_bin2bn");
  return bn;
}

Result<ossl::EvpPkey> fromParams(const char* keyType, OSSL_PARAM_BLD* bld) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, keyType, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
    return ossl::error(std::string("building the ") + keyType + " private key");
  return ossl::EvpPkey(raw);
}

// The private half must belong to the public half.
Status pairwiseCheck(EVP_PKEY* pkey) {
  ossl::EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1)
    return makeError(ErrorCode::InvalidFormat, "OpenSSH private key: private and public parts do not match");
  return okStatus();
}

Result<ossl::EvpPkey> readEd25519(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto pk, r.string());
  SSHCA_ASSIGN_OR_RETURN(auto sk, r.string());
  if (pk.size() != 32 || sk.size() != 64) return badFormat("Ed25519 key fields have the wrong sizes");
  if (!std::equal(pk.begin(), pk.end(), sk.begin() + 32)) return badFormat("Ed25519 public key copies differ");
  ossl::EvpPkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, sk.data(), 32));
  if (!pkey) return ossl::error("building the Ed25519 private key");
  return pkey;
}

const char* groupOf(std::string_view curve) {
  if (curve == "nistp256") return "prime256v1";
  if (curve == "nistp384") return "secp384r1";
  if (curve == "nistp521") return "secp521r1";
  return nullptr;
}

Result<ossl::EvpPkey> readEcdsa(wire::Reader& r, std::string_view type) {
  SSHCA_ASSIGN_OR_RETURN(std::string curve, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(auto q, r.string());
  SSHCA_ASSIGN_OR_RETURN(auto d, r.mpint());
  const char* group = groupOf(curve);
  if (!group || type != "ecdsa-sha2-" + curve)
    return badFormat("curve '" + curve + "' does not match " + std::string(type));
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum bd, secretBn(d));
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, q.data(), q.size()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, bd.get()) != 1)
    return ossl::error("building EC parameters");
  return fromParams("EC", bld.get());
}

// OpenSSH stores no CRT exponents: d mod (p-1) and d mod (q-1).
Result<ossl::Bignum> crtExponent(const BIGNUM* d, const BIGNUM* prime, BN_CTX* ctx) {
  ossl::Bignum pm1(BN_secure_new()), out(BN_secure_new());
  if (!pm1 || !out || !BN_sub(pm1.get(), prime, BN_value_one()) || !BN_mod(out.get(), d, pm1.get(), ctx))
    return ossl::error("computing an RSA CRT exponent");
  return out;
}

Result<ossl::EvpPkey> readRsa(wire::Reader& r) {
  std::span<const uint8_t> f[6];  // n, e, d, iqmp, p, q
  for (auto& field : f) { SSHCA_ASSIGN_OR_RETURN(field, r.mpint()); }
  ossl::Bignum bn[6];
  for (int i = 0; i < 6; ++i) { SSHCA_ASSIGN_OR_RETURN(bn[i], secretBn(f[i])); }
  ossl::BnCtx ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::error("BN_CTX_new");
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum dmp1, crtExponent(bn[2].get(), bn[4].get(), ctx.get()));
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum dmq1, crtExponent(bn[2].get(), bn[5].get(), ctx.get()));
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  const std::pair<const char*, const BIGNUM*> params[] = {
      {OSSL_PKEY_PARAM_RSA_N, bn[0].get()},        {OSSL_PKEY_PARAM_RSA_E, bn[1].get()},
      {OSSL_PKEY_PARAM_RSA_D, bn[2].get()},        {OSSL_PKEY_PARAM_RSA_FACTOR1, bn[4].get()},
      {OSSL_PKEY_PARAM_RSA_FACTOR2, bn[5].get()},  {OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()},
      {OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()}, {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bn[3].get()}};
  if (!bld) return ossl::error("OSSL_PARAM_BLD_new");
  for (const auto& [name, value] : params)
    if (OSSL_PARAM_BLD_push_BN(bld.get(), name, value) != 1) return ossl::error("building RSA parameters");
  return fromParams("RSA", bld.get());
}

Result<ossl::EvpPkey> readPrivateKey(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(std::string type, r.cstring());
  if (type == "ssh-ed25519") return readEd25519(r);
  if (type == "ssh-rsa") return readRsa(r);
  if (type.starts_with("ecdsa-sha2-")) return readEcdsa(r, type);
  if (type == "ssh-dss") return makeError(ErrorCode::Unsupported, "DSA keys are not supported");
  return makeError(ErrorCode::Unsupported, "OpenSSH private key of type '" + type + "' is not supported");
}

// PROTOCOL.key §3: padding bytes 1, 2, 3, ... up to the block size.
Status checkPadding(wire::Reader& r, size_t sectionLen) {
  if (sectionLen % kNoneBlockSize != 0) return badFormat("private section is not a multiple of the block size");
  size_t n = r.remaining();
  SSHCA_ASSIGN_OR_RETURN(auto pad, r.raw(n));
  for (size_t i = 0; i < n; ++i)
    if (pad[i] != static_cast<uint8_t>(i + 1)) return badFormat("bad padding after the private key");
  if (n >= kNoneBlockSize) return badFormat("padding is longer than one block");
  return okStatus();
}

Result<ossl::EvpPkey> readPrivateSection(std::span<const uint8_t> section) {
  wire::Reader r(section);
  SSHCA_ASSIGN_OR_RETURN(uint32_t check1, r.u32());
  SSHCA_ASSIGN_OR_RETURN(uint32_t check2, r.u32());
  if (check1 != check2) return badFormat("check integers differ (corrupt file)");
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey pkey, readPrivateKey(r));
  SSHCA_ASSIGN_OR_RETURN(auto comment, r.string());
  (void)comment;
  SSHCA_RETURN_IF_ERROR(checkPadding(r, section.size()));
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_ED25519) SSHCA_RETURN_IF_ERROR(pairwiseCheck(pkey.get()));
  return pkey;
}

Status checkHeader(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto magic, r.raw(kAuthMagic.size()));
  if (asString(magic) != kAuthMagic) return badFormat("missing the openssh-key-v1 magic");
  SSHCA_ASSIGN_OR_RETURN(std::string cipher, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(std::string kdf, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(auto kdfOptions, r.string());
  if (cipher != "none" || kdf != "none")
    return makeError(ErrorCode::Unsupported,
                     "encrypted OpenSSH private keys are not supported; decrypt with ssh-keygen -p or use PEM");
  if (!kdfOptions.empty()) return badFormat("KDF options given for KDF 'none'");
  SSHCA_ASSIGN_OR_RETURN(uint32_t count, r.u32());
  if (count != 1) return badFormat("file holds " + std::to_string(count) + " keys; exactly one is supported");
  return okStatus();
}

}  // namespace

bool isOpenSshPrivateKey(std::string_view text) { return text.find(kBegin) != std::string_view::npos; }

Result<ossl::EvpPkey> parseOpenSshPrivateKeyBlob(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  SSHCA_RETURN_IF_ERROR(checkHeader(r));
  SSHCA_ASSIGN_OR_RETURN(auto pubBlob, r.string());
  SSHCA_ASSIGN_OR_RETURN(auto section, r.string());
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey pkey, readPrivateSection(section));
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(pkey.get()));
  Bytes derived = encodePublicKeyWire(pub);
  if (!std::equal(derived.begin(), derived.end(), pubBlob.begin(), pubBlob.end()))
    return badFormat("the public key does not match the private key");
  return pkey;
}

Result<ossl::EvpPkey> parseOpenSshPrivateKey(std::string_view text) {
  size_t begin = text.find(kBegin);
  size_t end = text.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
    return badFormat("no BEGIN/END OPENSSH PRIVATE KEY block");
  std::string_view body = text.substr(begin + kBegin.size(), end - begin - kBegin.size());
  SecretBytes b64;
  b64.resize(static_cast<size_t>(
      std::count_if(body.begin(), body.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); })));
  size_t i = 0;
  for (char c : body)
    if (!std::isspace(static_cast<unsigned char>(c))) b64.data()[i++] = static_cast<uint8_t>(c);
  auto decoded = base64Decode(b64.view());
  if (!decoded.ok()) return badFormat("armor is not valid base64");
  SecretBytes blob{std::span<const uint8_t>(*decoded)};
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return parseOpenSshPrivateKeyBlob(blob.span());
}

}  // namespace sshca::ssh
