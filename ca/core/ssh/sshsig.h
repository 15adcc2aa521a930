// SSH signatures of arbitrary data (PROTOCOL.sshsig), as `ssh-keygen -Y
// sign/verify` make and check them. The CA signs its KRL with it (namespace
// "sshca-krl"); pam_sshca checks an agent's proof of possession with it
// (namespace "sshca-pam").
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"

namespace sshca::ssh {

inline constexpr std::string_view kKrlSignatureNamespace = "sshca-krl";
inline constexpr std::string_view kPamSignatureNamespace = "sshca-pam";

struct Sshsig {
  PublicKey key;        // the signer's public key (a plain key)
  std::string ns;       // namespace
  std::string hashAlg;  // "sha256" or "sha512"
  Bytes signatureBlob;  // SSH signature blob over sshsigSignedData(...)
  Bytes reserved;       // kept as read, so a blob re-encodes to itself; not signed, and ignored
};

// The bytes the key actually signs: MAGIC_PREAMBLE, namespace, reserved,
// hash_algorithm, H(message). Exposed so that an ssh-agent can be asked to
// sign them (pam_sshca).
Result<Bytes> sshsigSignedData(std::string_view ns, std::string_view hashAlg, std::span<const uint8_t> message);

// Signs `message` with `signer` (hash sha512) and returns the binary blob.
Result<Bytes> sshsigSign(const Signer& signer, std::string_view ns, std::span<const uint8_t> message);
// Wraps a signature made elsewhere (e.g. by an ssh-agent over
// sshsigSignedData) into the binary blob.
Bytes encodeSshsig(const Sshsig& sig);
Result<Sshsig> parseSshsig(std::span<const uint8_t> blob);

// "-----BEGIN SSH SIGNATURE-----" armour, 70 columns, as ssh-keygen writes.
std::string armorSshsig(std::span<const uint8_t> blob);
Result<Bytes> dearmorSshsig(std::string_view text);

// Verifies a binary blob over `message` for namespace `ns`; Unauthenticated
// on any mismatch (namespace, hash, signature). Returns the signer's key so
// that the caller checks it is the one it trusts.
Result<PublicKey> sshsigVerify(std::span<const uint8_t> blob, std::string_view ns, std::span<const uint8_t> message);

}  // namespace sshca::ssh
