// Issuing an OpenSSH certificate (draft-miller-ssh-cert): build the fields from
// a validated template, sign them through a Signer, check the result.
#include "ca/core/ssh/cert_options.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr size_t kNonceLen = 32;  // what ssh-keygen uses

OptionList toList(const std::map<std::string, std::string>& m) { return OptionList(m.begin(), m.end()); }

}  // namespace

Result<Certificate> signCertificate(const CertTemplate& t, const Signer& ca, RandomSource& rng) {
  SSHCA_RETURN_IF_ERROR(validateTemplate(t));
  if (auto st = checkCaKey(ca.publicKey()); !st.ok()) return std::move(st).error().context(ca.description());
  SSHCA_ASSIGN_OR_RETURN(Bytes nonce, rng.bytes(kNonceLen));
  uint64_t serial = 0;
  if (t.serial) {
    serial = *t.serial;
  } else {
    SSHCA_ASSIGN_OR_RETURN(serial, rng.nonZeroU64());
  }
  // std::map iterates sorted by name, the order draft-miller-ssh-cert requires.
  Certificate cert{t.key,
                   std::move(nonce),
                   serial,
                   t.type,
                   t.keyId,
                   t.principals,
                   t.validAfter,
                   t.validBefore,
                   toList(t.criticalOptions),
                   toList(t.extensions),
                   {},
                   ca.publicKey(),
                   {},
                   {}};
  Bytes tbs = encodeCertificateToBeSigned(cert);
  SSHCA_ASSIGN_OR_RETURN(cert.signature, makeSignatureBlob(ca, tbs));
  // No re-parse or second verification here: the Signer has verified the
  // signature over exactly these bytes (ca/core/keys/signer.h), the encoder is the
  // parser's inverse (tested byte for byte against ssh-keygen), and a second
  // ECDSA verify would cost more than all the certificate code together.
  wire::Writer w;
  w.raw(tbs);
  w.string(cert.signature);
  cert.wire = std::move(w).take();
  return cert;
}

}  // namespace sshca::ssh
