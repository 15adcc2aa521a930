#include "ca/service/setup/ca_init.h"

#include <ctime>

#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/x509/ca_hierarchy.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/x509_signing.h"
#include "ca/service/setup/admin_provisioner.h"
#include "ca/service/setup/ca_files.h"
#include "ca/service/setup/ca_token_keys.h"
#include "ca/service/setup/init_config.h"
#include "ca/service/setup/secret_files.h"
#include "ca/service/setup/server_certificate.h"

namespace sshca::setup {
namespace {

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

Result<CaCertificates> issueCertificates(const InitOptions& o, const Plan& p, const CaTokenKeys& keys,
                                         const PublicKey& tls) {
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
  return CaCertificates{std::move(ca.root), std::move(ca.intermediate), std::move(server)};
}

// The steps after the token exists, sharing what each one made.
struct Steps {
  const InitOptions& o;
  Plan plan;
  CaToken token;

  Result<InitResult> run() {
    say(o, "creating the keys on the token");
    SSHCA_ASSIGN_OR_RETURN(KmsUri uri, parseKmsUri(token.kms));
    SSHCA_ASSIGN_OR_RETURN(auto km, openPkcs11KeyManager(uri));
    SSHCA_ASSIGN_OR_RETURN(CaTokenKeys keys, createCaTokenKeys(*km, plan.sshSpec));
    say(o, "issuing the root, intermediate and TLS server certificates");
    SSHCA_ASSIGN_OR_RETURN(SoftKey tls, newSoftKey());
    SSHCA_ASSIGN_OR_RETURN(SoftKey provisioner, newSoftKey());
    SSHCA_ASSIGN_OR_RETURN(CaCertificates certs, issueCertificates(o, plan, keys, tls.publicKey));
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
  Result<config::CaConfig> writeFiles(const CaCertificates& certs, const SoftKey& tls, const SoftKey& provisioner) {
    const CaLayout& l = plan.layout;
    SSHCA_RETURN_IF_ERROR(createCaDatabase(l, certs));
    SSHCA_RETURN_IF_ERROR(writeCaCertificates(l, certs));
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
  if (auto s = makeCaDirectories(plan.layout); !s.ok()) return std::move(s).error().context(unfinished);
  say(o, o.kms.empty() ? "creating a SoftHSM2 token in " + plan.layout.tokensDir : "using the token of --kms");
  auto token = prepareCaToken(o.kms, plan.layout);
  if (!token.ok()) return std::move(token).error().context(unfinished);
  auto result = Steps{o, std::move(plan), std::move(token).value()}.run();
  if (!result.ok()) return std::move(result).error().context(unfinished);
  return result;
}

}  // namespace sshca::setup
