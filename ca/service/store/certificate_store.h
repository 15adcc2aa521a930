// The record of every X.509 certificate the CA issued, and of revocations
// and CRL numbers. The authority writes a certificate here before handing it
// out; `sshca pki crl` reads the revoked ones back.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/x509/revocation_reason.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::store {

struct CertificateRecord {
  std::string serialHex;  // canonical (x509::serialToHex); UNIQUE
  std::string issuer;     // the issuing CA's subject DN
  std::string subject;
  std::vector<std::string> subjectAltNames;  // "DNS:x", "IP:y"
  std::time_t notBefore = 0;
  std::time_t notAfter = 0;
  std::string profile;  // "server", "client", "intermediate"
  std::string pem;
  std::optional<std::time_t> revokedAt;
  std::optional<x509::RevocationReason> reason;
  // Who it was issued through: the provisioner ("" for `sshca pki`) and,
  // for POST /x509/sign, the serial of the SSH host certificate proven.
  std::string provisioner;
  std::optional<uint64_t> sshSerial;
};

class CertificateStore {
 public:
  virtual ~CertificateStore() = default;

  // AlreadyExists if the serial is recorded already.
  virtual Status addCertificate(const CertificateRecord& record) = 0;

  // addCertificate and the one-time token's use (TokenReplayStore, same
  // database) in one transaction, both or neither: Replayed if the token
  // was used before, AlreadyExists if the serial is recorded already; then
  // neither the certificate is recorded nor the token spent.
  virtual Status addCertificateSpending(const CertificateRecord& record, const TokenUse& use) = 0;

  // NotFound if no certificate has this serial.
  virtual Result<CertificateRecord> findBySerial(const std::string& serialHex) = 0;

  // Marks a certificate revoked. NotFound for an unknown serial,
  // AlreadyExists if it is revoked already (the first date stands).
  virtual Status revoke(const std::string& serialHex, std::time_t at, x509::RevocationReason reason) = 0;

  // Revoked certificates of one issuer that have not yet expired at `now`
  // (RFC 5280 5.1.2.6 lets expired ones drop off the CRL).
  virtual Result<std::vector<CertificateRecord>> revokedBy(const std::string& issuer, std::time_t now) = 0;

  // How many certificates are recorded (for tests and `sshca db` style
  // checks that nothing was issued).
  virtual Result<uint64_t> count() { return makeError(ErrorCode::Unsupported, "this store does not count"); }

  // Reserves the next CRL number for `issuer`: 1, 2, 3, ... strictly
  // increasing, never handed out twice even across processes.
  virtual Result<uint64_t> nextCrlNumber(const std::string& issuer, std::time_t at) = 0;
};

}  // namespace sshca::store
