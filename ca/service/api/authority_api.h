// What the HTTP handlers need from the CA, declared on the consumer side
// (docs/architecture.md): request and response structs only, no HTTP types.
// The authority (written elsewhere) implements it; tests use a hand-made
// fake. Every method returns Result so that the API layer alone turns an
// ErrorCode into a status (error_mapping.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::api {

struct HealthReport {
  bool hsmOk = false;
  bool dbOk = false;
  std::string hsmReason;  // why not ok; "busy: ..." may come with hsmOk
  std::string dbReason;
};

// One X.509 root as GET /roots, /roots.pem, /federation and
// /root/{sha256} serve it.
struct RootCertificateInfo {
  std::string pem;
  std::string sha256Hex;  // lower-case hex of the DER: what clients pin
};

// The CA public keys as step-ca's GET /ssh/roots serves them: SSH wire form.
struct SshRoots {
  std::vector<Bytes> userKeys;
  std::vector<Bytes> hostKeys;
};

// POST /ssh/sign, as step clients send it (docs/protocol/tokens.md). The validity strings
// are RFC 3339 times or Go durations ("5m", "-1h"); the authority interprets
// them. Empty / absent fields stay empty: the token decides.
struct SignSshRequest {
  Bytes publicKey;                        // decoded from base64 of the wire form
  std::string ott;                        // the one-time token; never logged
  std::optional<ssh::CertType> certType;  // absent: the token's type
  std::string keyId;
  std::vector<std::string> principals;
  std::string validAfter;
  std::string validBefore;
  std::string clientAddress;  // for the authority's audit log
};

// What a signing returns: the certificate plus the facts for the log line.
struct SshCertificateResponse {
  Bytes certificate;  // wire form
  uint64_t serial = 0;
  std::string keyId;
  std::string provisioner;
  std::string subject;
};
using SignSshResponse = SshCertificateResponse;

// POST /ssh/renew: an SSHPOP token over the current host certificate.
struct RenewSshRequest {
  std::string ott;
  std::string clientAddress;
};

// POST /ssh/rekey: SSHPOP token plus the new public key.
struct RekeySshRequest {
  std::string ott;
  Bytes publicKey;
  std::string clientAddress;
};

// POST /ssh/revoke (step-ca's body).
struct RevokeSshRequest {
  std::string serial;  // decimal, as step sends it
  std::string ott;
  int reasonCode = 0;
  std::string reason;
  bool passive = true;
  std::string clientAddress;
};

struct RevokeSshResponse {
  std::string provisioner;
  std::string subject;
};

// One entry of GET /provisioners. `detailsJson` is an optional JSON object
// whose members are added to the entry (e.g. a JWK provisioner's "key"),
// so the authority can publish what step clients expect without the API
// knowing every provisioner type.
struct ProvisionerInfo {
  std::string type;  // "JWK", "OIDC", "SSHPOP"
  std::string name;
  std::string detailsJson;
};

// POST /ssh/config: the templates step's `step ssh config` writes, for a
// user's machine or a host, filled with the client's variables.
struct SshConfigRequest {
  ssh::CertType type = ssh::CertType::User;
  std::map<std::string, std::string> data;
};

// One rendered template (step-ca's templates.Output).
struct SshConfigTemplate {
  std::string name;     // "known_hosts.tpl"
  std::string type;     // "snippet", "file", "prepend-line"
  std::string path;     // where the client writes it
  std::string comment;  // the file's comment character
  std::string content;
};

// POST /x509/sign (step-ca's /sign body): a PKCS#10 request in PEM and an
// SSHPOP token over the host certificate whose principals name the host.
// notBefore/notAfter as step sends them (RFC 3339 or a Go duration), empty
// for the policy's default.
struct X509SignRequest {
  std::string csrPem;
  std::string ott;  // never logged
  std::string notBefore;
  std::string notAfter;
  std::string clientAddress;
};

// An issued TLS certificate: PEM, with the CA certificates that chain it
// to the root (nearest first, the root itself not included).
struct X509Certificate {
  std::string certificatePem;
  std::vector<std::string> chainPem;
  std::string serialHex;
  std::string provisioner;
  std::string subject;  // the host certificate's key ID, for the log line
};

class AuthorityApi {
 public:
  virtual ~AuthorityApi() = default;

  virtual HealthReport health() = 0;
  // The X.509 root certificate(s), each with its fingerprint.
  virtual Result<std::vector<RootCertificateInfo>> rootCertificates() = 0;
  virtual Result<SshRoots> sshRoots() = 0;
  virtual Result<SignSshResponse> signSsh(const SignSshRequest& request) = 0;
  virtual Result<SshCertificateResponse> renewSsh(const RenewSshRequest& request) = 0;
  virtual Result<SshCertificateResponse> rekeySsh(const RekeySshRequest& request) = 0;
  // The three above answering through `done`, exactly once and from any
  // thread: an authority may finish on its database's thread once the
  // record is durable, leaving the caller's thread free meanwhile. By
  // default they call the synchronous ones, on the calling thread.
  using CertificateDone = std::function<void(Result<SshCertificateResponse>)>;
  virtual void signSshThen(const SignSshRequest& request, CertificateDone done) { done(signSsh(request)); }
  virtual void renewSshThen(const RenewSshRequest& request, CertificateDone done) { done(renewSsh(request)); }
  virtual void rekeySshThen(const RekeySshRequest& request, CertificateDone done) { done(rekeySsh(request)); }
  virtual Result<RevokeSshResponse> revokeSsh(const RevokeSshRequest& request) = 0;
  // The current KRL, OpenSSH binary format (PROTOCOL.krl).
  virtual Result<Bytes> krl() = 0;
  // The armoured SSHSIG signature (namespace "sshca-krl", user CA key) of
  // the KRL that krl() returns at the same KRL version. Not pure so that
  // test fakes without a KRL need not implement it.
  virtual Result<std::string> krlSignature() {
    return makeError(ErrorCode::NotFound, "this CA publishes no KRL signature");
  }
  virtual Result<std::vector<ProvisionerInfo>> provisioners() = 0;
  // The ssh_config / known_hosts / sshd_config templates for a client.
  // Not pure, like krlSignature: fakes need not implement what they do not test.
  virtual Result<std::vector<SshConfigTemplate>> sshConfig(const SshConfigRequest& /*request*/) {
    return makeError(ErrorCode::NotFound, "this CA serves no SSH configuration templates");
  }
  // Whether an unexpired, unrevoked host certificate names `principal`.
  // Unauthenticated, so the address limit applies as to every other call
  // that reads the database.
  virtual Result<bool> sshHostExists(const std::string& /*principal*/, const std::string& /*clientAddress*/) {
    return makeError(ErrorCode::Unsupported, "this CA does not answer host checks");
  }
  // POST /x509/sign. Not pure, like krlSignature.
  virtual Result<X509Certificate> signX509(const X509SignRequest& /*request*/) {
    return makeError(ErrorCode::Unsupported, "this CA issues no TLS certificates");
  }
  // A JWK provisioner's encrypted private key (step's encryptedKey, a JWE),
  // by the key's kid; NotFound when none is configured.
  virtual Result<std::string> provisionerEncryptedKey(const std::string& /*kid*/) {
    return makeError(ErrorCode::NotFound, "no provisioner has an encrypted key with this kid");
  }
};

}  // namespace sshca::api
