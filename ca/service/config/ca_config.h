// ca.json: everything `sshca serve`, `sshca token` and `sshca revoke` need
// to act on an existing CA. Written by `sshca init`, edited by
// `sshca provisioner ...`, re-read by `serve` on SIGHUP. Paths are absolute.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/config/acme_config.h"
#include "ca/service/config/oidc_config.h"
#include "ca/service/policy/ssh_policy.h"
#include "ca/service/policy/tls_policy.h"

namespace sshca::config {

struct SshKeysConfig {
  std::string userKey;  // key URI, e.g. pkcs11:object=ssh-user-ca
  std::string hostKey;  // key URI, e.g. pkcs11:object=ssh-host-ca
};

struct X509Config {
  std::string rootCert;          // PEM file
  std::string intermediateCert;  // PEM file
  std::string intermediateKey;   // key URI on the token
};

struct TlsConfig {
  std::string certChain;  // PEM: server certificate then intermediate
  std::string key;        // PEM private key file (0600); see docs/configuration.md
};

struct DbConfig {
  std::string type = "sqlite";  // "sqlite" or "postgresql"
  std::string path;             // sqlite file
  std::string dsn;              // postgresql: libpq connection string (may hold a password: never logged)
};

// The token's capacity (docs/configuration.md "hsm").
struct HsmConfig {
  size_t maxConcurrentSignatures = 0;  // 0: the token's session limit, or 16
  int64_t signWaitMs = 2000;           // then 503 with Retry-After
};

// Token buckets (docs/configuration.md "limits"): perSecond 0 turns one off.
struct RateLimitConfig {
  double perSecond = 0;
  double burst = 0;
};
struct LimitsConfig {
  RateLimitConfig perAddress{50, 500};
  RateLimitConfig perProvisioner{500, 5000};
  bool exemptLoopback = true;  // requests from this machine pass both
};

// "server" in ca.json: the front door (docs/configuration.md, "Exposing
// the service"). Absent fields keep these defaults.
struct ServerConfig {
  int threads = 0;    // the authority's pool; 0 = authorityThreads()'s choice
  int ioThreads = 0;  // threads owning the connections; 0 = one per core
  size_t maxBodyBytes = 64 * 1024;
  int tlsHandshakeMs = 10'000;
  int requestHeadMs = 10'000;
  int requestBodyMs = 10'000;
  int writeMs = 10'000;
  int idleSeconds = 120;
  size_t maxHeaderBytes = 16 * 1024;
  size_t maxHeaderCount = 100;
  size_t maxConnections = 16'384;
  size_t maxConnectionsPerSource = 1'024;
  size_t queueLength = 1'024;
  int queueWaitMs = 5'000;
  int drainSeconds = 10;
};

// One provisioner. `type` says which fields apply:
//   jwk: publicKeyJwk (the verifying key, a JSON object as text) and, on the
//        CA machine, privateKeyFile (PEM, 0600) for `sshca token`;
//        encryptedKey (step's JWE of the private key, optional) is served
//        to `step ca token`, which decrypts it with the admin's password.
//   sshpop: no key (the presented certificate's key verifies the token);
//        renewalGracePeriod lets an expired host certificate renew for that
//        long after it expired (at most its own validity length);
//        allowRenewalAfterExpiry alone means that cap.
inline constexpr uint64_t kGraceOfValidity = UINT64_MAX;

struct ProvisionerConfig {
  std::string type;  // "jwk"
  std::string name;
  std::string publicKeyJwk;
  std::string privateKeyFile;
  std::string encryptedKey;  // jwk: a compact JWE, kept and served as it is
  uint64_t tokenMaxLifetimeSeconds = 3600;
  bool allowRenewalAfterExpiry = false;  // sshpop (as written in ca.json)
  // sshpop: how long after its expiry a certificate still renews. 0: never;
  // kGraceOfValidity: the certificate's own validity length (the cap of any
  // grace). Resolved from renewalGracePeriod and allowRenewalAfterExpiry.
  uint64_t renewalGraceSeconds = 0;
  bool renewalGraceWritten = false;  // renewalGracePeriod was in ca.json
  OidcConfig oidc;                   // oidc: issuer, client, principal rules (oidc_config.h)
  AcmeConfig acme;                   // acme: names, validity, EAB, validator ports (acme_config.h)
  policy::SshPolicy policy;
  // sshpop: the TLS certificates its hosts may get (POST /x509/sign),
  // "policy": {"tls": {...}} in ca.json.
  policy::TlsPolicy tlsPolicy;
};

struct CaConfig {
  std::string name;
  std::string url;      // the CA's own URL, e.g. https://ca.example.com:8443 (token audiences)
  std::string address;  // listen address host:port
  // GET /metrics (Prometheus), plain HTTP: host:port, "" for none. Keep it on
  // loopback or a management network (docs/operations.md).
  std::string metricsAddress;
  std::vector<std::string> dnsNames;
  std::string kms;           // kms URI (module, token, pin-source)
  std::string softhsm2Conf;  // exported as SOFTHSM2_CONF when set (embedded SoftHSM2 token)
  SshKeysConfig ssh;
  X509Config x509;
  TlsConfig tls;
  DbConfig db;
  ServerConfig server;
  HsmConfig hsm;
  LimitsConfig limits;
  std::vector<ProvisionerConfig> provisioners;

  const ProvisionerConfig* findProvisioner(std::string_view name) const;
};

// Parse and validate (required fields, known types, unique provisioner
// names, durations like "16h"). InvalidArgument names the offending field.
Result<CaConfig> parseCaConfig(std::string_view json);
// The authority's pool size: server.threads, or when that is 0, two per
// core with SQLite (sign, renew and rekey answer from the writer's thread,
// so for them the pool only signs, and more threads than that only contend
// for the token) and 32 with PostgreSQL (each thread waits for its own
// commit).
size_t authorityThreads(const CaConfig& config);
Result<CaConfig> loadCaConfig(const std::string& path);
std::string serializeCaConfig(const CaConfig& config);
// Validates, then writes atomically (0600: the file names PIN and key files).
Status saveCaConfig(const std::string& path, const CaConfig& config);

// "90s", "5m", "16h", "30d", "1h30m" -> seconds.
Result<uint64_t> parseDuration(std::string_view text);
std::string formatDuration(uint64_t seconds);

}  // namespace sshca::config
