#include "ca/service/setup/ca_init.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <system_error>

#include <openssl/evp.h>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/x509/ca_hierarchy.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/core/x509/x509_signing.h"
#include "ca/service/setup/admin_provisioner.h"
#include "ca/service/setup/ca_token_keys.h"
#include "ca/service/setup/embedded_token.h"
#include "ca/service/setup/init_config.h"
#include "ca/service/setup/secret_files.h"
#include "ca/service/setup/server_certificate.h"
#include "ca/service/setup/software_key.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "ca/service/store/x509_record.h"

namespace sshca::setup {
namespace {

namespace fs = std::filesystem;

// As `sshca pki init` makes them: 10 and 5 years.
constexpr int kRootDays = 3650;
constexpr int kIntermediateDays = 1825;

// Everything that can be refused is refused before DIR is touched.
struct Plan {
  CaLayout layout;
  KeySpec sshSpec;
  std::string url;
  ossl::X509Name rootName, intermediateName;
};

struct Token {
  std::string kms, softhsm2Conf;
  bool embedded = false;
};

struct X509Set {
  ossl::X509Ptr root, intermediate, server;
};

struct SoftKey {
  PublicKey publicKey;
  SecretBytes pem;
};

void say(const InitOptions& o, std::string_view what) {
  if (o.progress) o.progress(what);
}

Result<Plan> planFor(const InitOptions& o) {
  SSHCA_ASSIGN_OR_RETURN(CaLayout layout, caLayoutFor(o.dir));
  SSHCA_RETURN_IF_ERROR(refuseExistingCa(layout));
  if (o.name.empty()) return makeError(ErrorCode::InvalidArgument, "--name must not be empty");
  SSHCA_ASSIGN_OR_RETURN(KeySpec spec, parseKeySpec(o.sshKeyType));
  SSHCA_RETURN_IF_ERROR(subjectAltNamesFor(o.dnsNames));
  SSHCA_RETURN_IF_ERROR(checkProvisionerName(o.provisioner));
  if (o.provisioner == kSshpopProvisionerName)
    return makeError(ErrorCode::InvalidArgument, std::string("--provisioner ") + kSshpopProvisionerName +
                                                     ": the name is taken by the SSHPOP provisioner init adds");
  if (!o.kms.empty()) SSHCA_RETURN_IF_ERROR(parseKmsUri(o.kms));
  std::string url = o.url;
  if (url.empty()) { SSHCA_ASSIGN_OR_RETURN(url, defaultCaUrl(o.dnsNames, o.address)); }
  if (!url.starts_with("https://")) return makeError(ErrorCode::InvalidArgument, "--url must start with https://");
  while (url.ends_with('/')) url.pop_back();
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Name root, x509::caSubjectName(o.name, "", "Root CA"));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Name inter, x509::caSubjectName(o.name, "", "Intermediate CA"));
  return Plan{std::move(layout), spec, std::move(url), std::move(root), std::move(inter)};
}

// DIR itself stays readable (certs/ holds what clients may fetch); what
// holds secrets, the token, the database or the config is the owner's only.
Status makeDirectories(const CaLayout& l) {
  std::error_code ec;
  fs::create_directories(fs::path(l.dir).parent_path(), ec);
  if (ec) return makeError(ErrorCode::IoError, "cannot create the parents of " + l.dir + ": " + ec.message());
  if (!fs::exists(l.dir, ec)) SSHCA_RETURN_IF_ERROR(makeDirectory(l.dir, 0755));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.secretsDir, 0700));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.configDir, 0700));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.dbDir, 0700));
  return makeDirectory(l.certsDir, 0755);
}

// With --kms the token is used as it is. A SoftHSM2 token found through
// SOFTHSM2_CONF needs that same file when `sshca serve` runs: record it.
Result<Token> prepareToken(const InitOptions& o, const CaLayout& l) {
  if (o.kms.empty()) {
    SSHCA_ASSIGN_OR_RETURN(EmbeddedToken t, createEmbeddedToken(l, systemRandom()));
    return Token{t.kmsUri, t.softhsm2Conf, true};
  }
  SSHCA_ASSIGN_OR_RETURN(KmsUri uri, parseKmsUri(o.kms));
  const char* conf = std::getenv("SOFTHSM2_CONF");
  bool softhsm = uri.modulePath.empty() || uri.modulePath.find("softhsm") != std::string::npos;
  std::error_code ec;
  std::string confPath = softhsm && conf && *conf ? fs::absolute(conf, ec).string() : std::string();
  return Token{o.kms, confPath, false};
}

Result<SoftKey> newSoftKey() {
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey key, generateP256Key());
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key.get()));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pem, privateKeyPem(key.get()));
  return SoftKey{std::move(pub), std::move(pem)};
}

Result<X509Set> issueCertificates(const InitOptions& o, const Plan& p, const CaTokenKeys& keys, const PublicKey& tls) {
  const auto now = static_cast<std::time_t>(o.now);
  SSHCA_ASSIGN_OR_RETURN(HashAlg hash, x509::signatureHashFor(kX509CaKeySpec.algorithm));
  SSHCA_ASSIGN_OR_RETURN(x509::CaHierarchy ca,
                         x509::createCaHierarchy({p.rootName.get(), p.intermediateName.get(), keys.root,
                                                  keys.intermediate, hash, kRootDays, kIntermediateDays},
                                                 now, systemRandom()));
  X509_up_ref(ca.intermediate.get());  // one reference for the IssuingCa, one for the caller
  SSHCA_ASSIGN_OR_RETURN(x509::IssuingCa issuer,
                         x509::IssuingCa::create(ossl::X509Ptr(ca.intermediate.get()), keys.intermediate, now));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr server,
                         issueServerCertificate(issuer, o.dnsNames, tls, kServerCertificateDays, now, systemRandom()));
  return X509Set{std::move(ca.root), std::move(ca.intermediate), std::move(server)};
}

// The database exists with its schema before serve starts, and the
// certificates init issued are on record like every other one.
Status createDatabase(const CaLayout& l, const X509Set& certs) {
  {
    SSHCA_ASSIGN_OR_RETURN(auto ssh, store::SqliteSshStore::open(l.dbFile));
    ssh->close();
  }
  SSHCA_ASSIGN_OR_RETURN(auto db, store::openSqliteCertificateStore(l.dbFile));
  SSHCA_ASSIGN_OR_RETURN(store::CertificateRecord inter,
                         store::certificateRecordOf(*certs.intermediate, "intermediate"));
  SSHCA_RETURN_IF_ERROR(db->addCertificate(inter));
  SSHCA_ASSIGN_OR_RETURN(store::CertificateRecord server, store::certificateRecordOf(*certs.server, "server"));
  return db->addCertificate(server);
}

Status writeCertificates(const CaLayout& l, const X509Set& certs) {
  SSHCA_ASSIGN_OR_RETURN(std::string root, x509::toPem(*certs.root));
  SSHCA_ASSIGN_OR_RETURN(std::string inter, x509::toPem(*certs.intermediate));
  SSHCA_ASSIGN_OR_RETURN(std::string server, x509::toPem(*certs.server));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(l.rootCert, root));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(l.intermediateCert, inter));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(l.chain, inter + root));
  return writeFileAtomic(l.serverChain, server + inter);
}

Result<std::string> sha256Fingerprint(const X509& cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  ossl::ErrorQueueGuard guard;
  if (X509_digest(&cert, EVP_sha256(), md, &n) != 1) return ossl::error("hashing the root certificate");
  return toHex({md, n});
}

// The steps after the token exists, sharing what each one made.
struct Steps {
  const InitOptions& o;
  Plan plan;
  Token token;

  Result<InitResult> run() {
    say(o, "creating the keys on the token");
    SSHCA_ASSIGN_OR_RETURN(KmsUri uri, parseKmsUri(token.kms));
    SSHCA_ASSIGN_OR_RETURN(auto km, openPkcs11KeyManager(uri));
    SSHCA_ASSIGN_OR_RETURN(CaTokenKeys keys, createCaTokenKeys(*km, plan.sshSpec));
    say(o, "issuing the root, intermediate and TLS server certificates");
    SSHCA_ASSIGN_OR_RETURN(SoftKey tls, newSoftKey());
    SSHCA_ASSIGN_OR_RETURN(SoftKey provisioner, newSoftKey());
    SSHCA_ASSIGN_OR_RETURN(X509Set certs, issueCertificates(o, plan, keys, tls.publicKey));
    say(o, "writing the database, certificates, keys and ca.json");
    SSHCA_ASSIGN_OR_RETURN(config::CaConfig cfg, writeFiles(certs, tls, provisioner));
    SSHCA_ASSIGN_OR_RETURN(std::string fingerprint, sha256Fingerprint(*certs.root));
    return InitResult{plan.layout,
                      std::move(cfg),
                      token.embedded,
                      std::move(fingerprint),
                      ssh::formatPublicKeyLine(keys.sshUser, o.name + " user CA"),
                      ssh::formatPublicKeyLine(keys.sshHost, o.name + " host CA")};
  }

  // ca.json goes last: until it exists, DIR is not a CA.
  Result<config::CaConfig> writeFiles(const X509Set& certs, const SoftKey& tls, const SoftKey& provisioner) {
    const CaLayout& l = plan.layout;
    SSHCA_RETURN_IF_ERROR(createDatabase(l, certs));
    SSHCA_RETURN_IF_ERROR(writeCertificates(l, certs));
    SSHCA_RETURN_IF_ERROR(writeSecretFile(l.tlsKey, tls.pem));
    std::string keyFile = l.provisionerKey(o.provisioner);
    SSHCA_RETURN_IF_ERROR(writeSecretFile(keyFile, provisioner.pem));
    SSHCA_ASSIGN_OR_RETURN(config::ProvisionerConfig pc,
                           jwkProvisionerConfig(o.provisioner, provisioner.publicKey, keyFile));
    config::CaConfig cfg =
        caConfigFor({o.name, plan.url, o.address, o.dnsNames, token.kms, token.softhsm2Conf, std::move(pc)}, l);
    SSHCA_RETURN_IF_ERROR(config::saveCaConfig(l.configFile, cfg));
    return cfg;
  }
};

}  // namespace

Result<InitResult> initCa(const InitOptions& o) {
  SSHCA_ASSIGN_OR_RETURN(Plan plan, planFor(o));
  std::string unfinished = "creating the CA in " + plan.layout.dir + " (unfinished: remove " + plan.layout.dir +
                           " before running init again)";
  if (auto s = makeDirectories(plan.layout); !s.ok()) return std::move(s).error().context(unfinished);
  say(o, o.kms.empty() ? "creating a SoftHSM2 token in " + plan.layout.tokensDir : "using the token of --kms");
  auto token = prepareToken(o, plan.layout);
  if (!token.ok()) return std::move(token).error().context(unfinished);
  auto result = Steps{o, std::move(plan), std::move(token).value()}.run();
  if (!result.ok()) return std::move(result).error().context(unfinished);
  return result;
}

}  // namespace sshca::setup
