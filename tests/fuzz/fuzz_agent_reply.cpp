// libFuzzer target: the ssh-agent reply parsers (draft-miller-ssh-agent):
// identities answer, sign response, success/failure. The agent is a peer
// we do not trust (pam_sshca reads a forwarded one), so every length is
// capped and nothing is allocated from an unchecked count. Blobs in an
// answer are then parsed the way pam_sshca does: as certificates or keys.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/common/random.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/signature.cpp
// fuzz-sources: ca/core/ssh/ssh_agent_protocol.cpp ca/core/ssh/ssh_cert.cpp ca/core/ssh/cert_options.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp ca/core/ssh/ssh_signature.cpp
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ca/core/ssh/ssh_agent_protocol.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"

namespace {

void parseIdentities(std::span<const uint8_t> in) {
  auto ids = sshca::ssh::parseIdentitiesAnswer(in);
  if (!ids.ok()) return;
  if (ids->size() > sshca::ssh::agent::kMaxIdentities) std::abort();
  for (const auto& id : *ids) {
    auto type = sshca::ssh::keyBlobType(id.keyBlob);
    if (!type.ok()) continue;
    (void)sshca::ssh::signFlagsFor(id.keyBlob);
    (void)sshca::ssh::expectedSignatureAlgorithm(*type);
    if (auto cert = sshca::ssh::parseCertificate(id.keyBlob); cert.ok() && cert->wire != id.keyBlob) std::abort();
    (void)sshca::ssh::parsePublicKeyWire(id.keyBlob);
  }
}

void parseSignature(std::span<const uint8_t> in) {
  auto sig = sshca::ssh::parseSignResponse(in);
  if (!sig.ok()) return;
  if (sig->size() >= in.size()) std::abort();  // the blob is inside the message
  (void)sshca::ssh::signatureBlobAlgorithm(*sig);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  parseIdentities(in);
  parseSignature(in);
  (void)sshca::ssh::parseSuccess(in, "fuzz", sshca::ErrorCode::Unsupported);
  return 0;
}
