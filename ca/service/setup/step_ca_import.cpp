#include "ca/service/setup/step_ca_import.h"

#include <ctime>
#include <optional>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/setup/ca_files.h"
#include "ca/service/setup/ca_token_keys.h"
#include "ca/service/setup/init_config.h"
#include "ca/service/setup/secret_files.h"
#include "ca/service/setup/server_certificate.h"

namespace sshca::setup {
namespace {

// A step key read before anything is made: a file's private key (in
// OpenSSL's memory only), or the URI of a key on step's token.
struct LoadedKey {
  const StepKey* step;
  std::string label;  // the object it becomes on the token (file keys)
  std::string uri;    // the key on the token: pkcs11:object=<label>, or step's URI
  ossl::EvpPkey key;  // null for a key on the token, and once the key is there
};

struct Loaded {
  ossl::X509Ptr root, intermediate;
  LoadedKey user, host, intermediateKey;
};

void say(const StepImportOptions& o, std::string_view what) {
  if (o.progress) o.progress(what);
}

Result<ossl::X509Ptr> readCertificateFile(const std::string& path, const std::string& field) {
  auto text = readFile(path);
  if (!text.ok()) return std::move(text).error().context("step's " + field);
  auto certs = x509::certificatesFromPem(*text);
  if (!certs.ok() || certs->empty())
    return makeError(ErrorCode::InvalidArgument, "step's " + field + " " + path + " holds no PEM certificate");
  return std::move(certs->front());
}

// step's own "password" first (as step-ca reads it), else the caller's.
x509::PasswordSource passwordFor(const StepCaConfig& step, const StepImportOptions& o) {
  return [&step, &o]() -> Result<SecretBytes> {
    if (!step.password.empty()) return SecretBytes(step.password.span());
    if (o.password) return o.password();
    return makeError(ErrorCode::NotFound, "the key file is encrypted and no password was given");
  };
}

Result<LoadedKey> loadKey(const StepKey& k, const char* label, const x509::PasswordSource& password) {
  if (k.onToken()) return LoadedKey{&k, label, k.uri, ossl::EvpPkey()};
  auto text = readSecretFile(k.file, kMaxPrivateKeyFileBytes, "key file");
  if (!text.ok()) return std::move(text).error().context("step's " + k.field);
  auto file = x509::readPrivateKeyFile(text->span(), password);
  if (!file.ok()) return std::move(file).error().context("step's " + k.field + " " + k.file);
  return LoadedKey{&k, label, KeyRef{label, {}}.toUri(), std::move(file->key)};
}

Result<Loaded> loadStepFiles(const StepCaConfig& step, const StepImportOptions& o) {
  Loaded l;
  SSHCA_ASSIGN_OR_RETURN(l.root, readCertificateFile(step.rootCert, "root"));
  SSHCA_ASSIGN_OR_RETURN(l.intermediate, readCertificateFile(step.intermediateCert, "crt"));
  x509::PasswordSource password = passwordFor(step, o);
  SSHCA_ASSIGN_OR_RETURN(l.user, loadKey(step.userKey, kSshUserCaLabel, password));
  SSHCA_ASSIGN_OR_RETURN(l.host, loadKey(step.hostKey, kSshHostCaLabel, password));
  SSHCA_ASSIGN_OR_RETURN(l.intermediateKey, loadKey(step.intermediateKey, kIntermediateCaLabel, password));
  if (l.intermediateKey.key) {
    SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(l.intermediateKey.key.get()));
    if (auto s = x509::checkCertificateMatchesKey(*l.intermediate, pub); !s.ok())
      return makeError(ErrorCode::InvalidArgument, "step's key " + step.intermediateKey.file +
                                                       " does not belong to its crt " + step.intermediateCert);
  }
  return l;
}

bool anyOnToken(const StepCaConfig& s) {
  return s.userKey.onToken() || s.hostKey.onToken() || s.intermediateKey.onToken();
}

// The kms URI of the new CA: --kms, step's PKCS#11 token (its PIN, when
// ca.json held one, moved to DIR/secrets/pin), or "" for a new token.
Result<std::string> kmsFor(const StepCaConfig& step, const StepImportOptions& o, const CaLayout& l) {
  if (!o.kms.empty()) {
    if (anyOnToken(step))
      return makeError(ErrorCode::InvalidArgument,
                       "step's keys are on its PKCS#11 token (kms.uri), which the import keeps: leave out --kms");
    return o.kms;
  }
  if (step.kms.empty() || step.kmsPin.empty()) return step.kms;
  SSHCA_RETURN_IF_ERROR(writeSecretFile(l.pinFile, SecretBytes(step.kmsPin.span())));
  return step.kms + (step.kms.find('?') == std::string::npos ? "?" : "&") + "pin-source=file:" + l.pinFile;
}

Status checkPlan(const StepCaConfig& step, const StepImportOptions& o) {
  if (o.name.empty()) return makeError(ErrorCode::InvalidArgument, "--name must not be empty");
  if (!o.kms.empty()) SSHCA_RETURN_IF_ERROR(parseKmsUri(o.kms));
  SSHCA_RETURN_IF_ERROR(subjectAltNamesFor(step.dnsNames));
  return okStatus();
}

// Puts a file key onto the token, or finds a kept one; its public half.
Result<PublicKey> placeKey(KeyManager& km, const LoadedKey& k) {
  if (!k.key) {
    SSHCA_ASSIGN_OR_RETURN(KeyRef ref, parseKeyUri(k.step->uri));
    auto pub = km.publicKey(ref);
    if (!pub.ok()) return std::move(pub).error().context("step's " + k.step->field + " " + k.step->uri);
    return pub;
  }
  SSHCA_ASSIGN_OR_RETURN(PublicKey want, PublicKey::fromEvp(k.key.get()));
  auto got = km.importKey(KeyRef{k.label, {}}, k.key.get());
  if (!got.ok()) return std::move(got).error().context("importing step's " + k.step->field + " onto the token");
  if (!(*got == want))
    return makeError(ErrorCode::Internal, "the token reports another public key after importing " + k.step->field);
  return want;
}

config::CaConfig caConfigOf(const StepCaConfig& step, const StepImportOptions& o, const CaLayout& l,
                            const CaToken& token, const Loaded& loaded) {
  return caConfigIn({o.name, step.url, step.address, step.dnsNames, token.kms, token.softhsm2Conf, loaded.user.uri,
                     loaded.host.uri, loaded.intermediateKey.uri, step.provisioners},
                    l);
}

// The steps after DIR and the token exist.
struct Steps {
  const StepCaConfig& step;
  const StepImportOptions& o;
  CaLayout layout;
  Loaded loaded;
  CaToken token;

  Result<StepImportResult> run() {
    say(o, "putting step's keys on the token");
    SSHCA_ASSIGN_OR_RETURN(KmsUri uri, parseKmsUri(token.kms));
    SSHCA_ASSIGN_OR_RETURN(auto km, openPkcs11KeyManager(uri));
    SSHCA_ASSIGN_OR_RETURN(PublicKey user, placeKey(*km, loaded.user));
    SSHCA_ASSIGN_OR_RETURN(PublicKey host, placeKey(*km, loaded.host));
    SSHCA_ASSIGN_OR_RETURN(PublicKey inter, placeKey(*km, loaded.intermediateKey));
    SSHCA_RETURN_IF_ERROR(x509::checkCertificateMatchesKey(*loaded.intermediate, inter));
    loaded.user.key.reset();  // the private keys live on the token only from here
    loaded.host.key.reset();
    loaded.intermediateKey.key.reset();
    say(o, "issuing the service's TLS certificate from step's intermediate");
    SSHCA_ASSIGN_OR_RETURN(KeyRef interRef, parseKeyUri(loaded.intermediateKey.uri));
    SSHCA_ASSIGN_OR_RETURN(SignerPtr signer, km->createSigner(interRef));
    SSHCA_ASSIGN_OR_RETURN(SoftKey tls, newSoftKey());
    SSHCA_ASSIGN_OR_RETURN(CaCertificates certs, issueServer(std::move(signer), tls.publicKey));
    say(o, "writing the database, certificates and ca.json");
    SSHCA_RETURN_IF_ERROR(createCaDatabase(layout, certs));
    SSHCA_RETURN_IF_ERROR(writeCaCertificates(layout, certs));
    SSHCA_RETURN_IF_ERROR(writeSecretFile(layout.tlsKey, tls.pem));
    config::CaConfig cfg = caConfigOf(step, o, layout, token, loaded);
    SSHCA_RETURN_IF_ERROR(config::saveCaConfig(layout.configFile, cfg));  // last: until then DIR is no CA
    SSHCA_ASSIGN_OR_RETURN(std::string fingerprint, sha256Fingerprint(*certs.root));
    return StepImportResult{layout,
                            std::move(cfg),
                            token.embedded,
                            std::move(fingerprint),
                            ssh::formatPublicKeyLine(user, o.name + " user CA"),
                            ssh::formatPublicKeyLine(host, o.name + " host CA")};
  }

  Result<CaCertificates> issueServer(SignerPtr signer, const PublicKey& tlsKey) {
    const auto now = static_cast<std::time_t>(o.now);
    X509_up_ref(loaded.intermediate.get());  // one reference for the IssuingCa, one kept here
    SSHCA_ASSIGN_OR_RETURN(x509::IssuingCa issuer,
                           x509::IssuingCa::create(ossl::X509Ptr(loaded.intermediate.get()), std::move(signer), now));
    SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr server, issueServerCertificate(issuer, step.dnsNames, tlsKey,
                                                                        kServerCertificateDays, now, systemRandom()));
    X509_up_ref(loaded.root.get());
    X509_up_ref(loaded.intermediate.get());
    return CaCertificates{ossl::X509Ptr(loaded.root.get()), ossl::X509Ptr(loaded.intermediate.get()),
                          std::move(server)};
  }
};

}  // namespace

Result<StepImportResult> importStepCa(const StepCaConfig& step, const StepImportOptions& o) {
  SSHCA_ASSIGN_OR_RETURN(CaLayout layout, caLayoutFor(o.dir));
  SSHCA_RETURN_IF_ERROR(refuseNonEmptyDir(layout, "import"));
  SSHCA_RETURN_IF_ERROR(checkPlan(step, o));
  say(o, "reading step's certificates and keys");
  SSHCA_ASSIGN_OR_RETURN(Loaded loaded, loadStepFiles(step, o));
  std::string unfinished =
      "importing into " + layout.dir + " (unfinished: remove " + layout.dir + " before running the import again)";
  if (auto s = makeCaDirectories(layout); !s.ok()) return std::move(s).error().context(unfinished);
  auto kms = kmsFor(step, o, layout);
  if (!kms.ok()) return std::move(kms).error().context(unfinished);
  say(o, kms->empty() ? "creating a SoftHSM2 token in " + layout.tokensDir : std::string("using the kms token"));
  auto token = prepareCaToken(*kms, layout);
  if (!token.ok()) return std::move(token).error().context(unfinished);
  auto result = Steps{step, o, layout, std::move(loaded), std::move(token).value()}.run();
  if (!result.ok()) return std::move(result).error().context(unfinished);
  return result;
}

}  // namespace sshca::setup
