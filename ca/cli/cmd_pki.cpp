// sshca pki init | csr | sign-intermediate | import | sign-csr | revoke | crl:
// the X.509 side of the CA. Every signature is made by a key on the token
// through the Signer interface (x509/x509_signing.h); issued certificates
// are recorded in the CA database before they are written out.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "ca/cli/commands.h"
#include "ca/cli/key_password.h"
#include "ca/cli/key_source.h"
#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/x509/ca_certificates.h"
#include "ca/core/x509/ca_hierarchy.h"
#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/crl.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/leaf_certificate.h"
#include "ca/core/x509/private_key_file.h"
#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/core/x509/x509_signing.h"
#include "ca/core/x509/x509_time.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "ca/service/store/x509_record.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKmsHelp = "the token: pkcs11:module-path=PATH;token=LABEL?pin-source=file:PATH";
constexpr const char* kRootKeyDefault = "pkcs11:object=root-ca";
constexpr const char* kIntermediateKeyDefault = "pkcs11:object=intermediate-ca";
constexpr const char* kDbName = "sshca.db";

// ---- files ---------------------------------------------------------------

std::string readOrFail(const std::string& path) { return orFail(readFile(path)); }

// Certificates are public: 0644, replaced atomically (common/file_io.h).
void writeOrFail(const std::string& path, std::string_view data) { orFail(writeFileAtomic(path, data, 0644)); }

// --out FILE, or stdout without one.
void emit(const std::string& out, const std::string& pem) {
  if (out.empty() || out == "-") {
    std::cout << pem;
    return;
  }
  writeOrFail(out, pem);
  std::cerr << "sshca: wrote " << out << "\n";
}

void refuseExisting(const std::string& path) {
  if (fs::exists(path))
    fail(makeError(ErrorCode::AlreadyExists, path + " exists; refusing to overwrite a CA file (move it away first)"));
}

std::string dbPathFor(const std::string& db, const std::string& caCert) {
  if (!db.empty()) return db;
  if (caCert.empty()) fail(makeError(ErrorCode::InvalidArgument, "give --db PATH or --ca-cert FILE"));
  return (fs::absolute(caCert).parent_path() / kDbName).string();
}

// ---- shared pieces ---------------------------------------------------------

std::optional<HashAlg> digestOption(const std::string& digest) {
  if (digest.empty()) return std::nullopt;
  return orFail(x509::parseDigestName(digest));
}

ossl::X509Ptr readCertificate(const std::string& path) {
  auto cert = x509::certificateFromPemOrDer(readOrFail(path));
  if (!cert.ok()) fail(std::move(cert).error().context(path));
  return std::move(cert).value();
}

ossl::X509Req readRequest(const std::string& path) {
  auto req = x509::requestFromPemOrDer(readOrFail(path));
  if (!req.ok()) fail(std::move(req).error().context(path));
  return std::move(req).value();
}

x509::RequestContents verifiedRequest(const std::string& path) {
  ossl::X509Req req = readRequest(path);
  auto contents = x509::readCertificateRequest(*req);
  if (!contents.ok()) fail(std::move(contents).error().context(path));
  return std::move(contents).value();
}

x509::IssuingCa issuingCa(const std::string& kms, const std::string& key, const std::string& certPath,
                          std::optional<HashAlg> digest) {
  ossl::X509Ptr cert = readCertificate(certPath);
  SignerPtr signer = openSigner(kms, key);
  return orFail(x509::IssuingCa::create(std::move(cert), std::move(signer), std::time(nullptr), digest));
}

std::unique_ptr<store::CertificateStore> openStore(const std::string& path) {
  return orFail(store::openSqliteCertificateStore(path));
}

store::CertificateRecord recordOf(const X509& cert, std::string profile) {
  return orFail(store::certificateRecordOf(cert, std::move(profile)));
}

void printIssued(const X509& cert) {
  x509::CertificateInfo info = orFail(x509::describeCertificate(cert));
  std::cerr << "sshca: issued serial " << info.serialHex << " for " << info.subject << ", valid until "
            << formatUtc(info.notAfter) << "\n";
}

// ---- pki init ---------------------------------------------------------------

struct InitOptions {
  std::string kms, rootKms, name, out, keyType = "ecdsa-p384", digest, subject, rootKey, intermediateKey;
  int rootDays = 3650, intermediateDays = 1825;
};

// --subject is the base DN both CA names share; the CN says which is which.
ossl::X509Name caName(const InitOptions& o, const std::string& role) {
  return orFail(x509::caSubjectName(o.name, o.subject, role));
}

// An existing key (--root-key / --intermediate-key) or a new one on the token.
SignerPtr caSigner(KeyManager& km, const std::string& existing, const char* label, const KeySpec& spec) {
  KeyRef ref = existing.empty() ? KeyRef{label, {}} : orFail(parseKeyUri(existing));
  if (existing.empty()) {
    auto created = km.createKey(ref, spec);
    if (!created.ok()) fail(std::move(created).error().context(std::string("creating ") + label));
    std::cerr << "sshca: created " << keySpecName(spec) << " key '" << label << "' on the token\n";
  }
  return orFail(km.createSigner(ref));
}

void checkInitOptions(const InitOptions& o) {
  if (o.name.empty()) fail(makeError(ErrorCode::InvalidArgument, "--name is required"));
  if (o.intermediateDays > o.rootDays)
    fail(makeError(ErrorCode::InvalidArgument, "--intermediate-days must not exceed --root-days"));
  for (const char* f : {"root_ca.crt", "intermediate_ca.crt", "chain.pem"})
    refuseExisting((fs::path(o.out) / f).string());
}

void runInit(const InitOptions& o) {
  checkInitOptions(o);
  KeySpec spec = orFail(parseKeySpec(o.keyType));
  HashAlg hash = orFail(x509::signatureHashFor(spec.algorithm, digestOption(o.digest)));
  ossl::X509Name rootName = caName(o, "Root CA"), interName = caName(o, "Intermediate CA");
  std::unique_ptr<KeyManager> km = openKeyManager(o.kms);
  std::unique_ptr<KeyManager> rootKm = o.rootKms.empty() ? nullptr : openKeyManager(o.rootKms);
  SignerPtr rootSigner = caSigner(rootKm ? *rootKm : *km, o.rootKey, "root-ca", spec);
  SignerPtr interSigner = caSigner(*km, o.intermediateKey, "intermediate-ca", spec);
  x509::CaHierarchy ca = orFail(x509::createCaHierarchy(
      {rootName.get(), interName.get(), rootSigner, interSigner, hash, o.rootDays, o.intermediateDays},
      std::time(nullptr), systemRandom()));
  ossl::X509Ptr& inter = ca.intermediate;
  std::string rootPem = orFail(x509::toPem(*ca.root));
  std::string interPem = orFail(x509::toPem(*inter));
  fs::create_directories(o.out);
  orFail(openStore((fs::path(o.out) / kDbName).string())->addCertificate(recordOf(*inter, "intermediate")));
  writeOrFail((fs::path(o.out) / "root_ca.crt").string(), rootPem);
  writeOrFail((fs::path(o.out) / "intermediate_ca.crt").string(), interPem);
  writeOrFail((fs::path(o.out) / "chain.pem").string(), interPem + rootPem);
  std::cout << "root:         " << (fs::path(o.out) / "root_ca.crt").string() << "\n"
            << "intermediate: " << (fs::path(o.out) / "intermediate_ca.crt").string() << "\n"
            << "chain:        " << (fs::path(o.out) / "chain.pem").string() << "\n";
}

void registerInit(CLI::App& pki) {
  auto o = std::make_shared<InitOptions>();
  auto* c = pki.add_subcommand("init", "Create the root and intermediate CA keys on the token and their certificates");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--root-kms", o->rootKms, "a separate token for the root key (default: --kms)");
  c->add_option("--name", o->name, "CA name: subject O=NAME, CN=NAME Root CA / NAME Intermediate CA")->required();
  c->add_option("--out", o->out, "directory for root_ca.crt, intermediate_ca.crt, chain.pem and sshca.db")->required();
  c->add_option("--key-type", o->keyType, "ecdsa-p256, ecdsa-p384, rsa-2048/3072/4096 or ed25519")
      ->capture_default_str();
  c->add_option("--digest", o->digest, "sha256, sha384 or sha512 (default: by key type)");
  c->add_option("--root-days", o->rootDays, "root validity in days")->capture_default_str();
  c->add_option("--intermediate-days", o->intermediateDays, "intermediate validity in days")->capture_default_str();
  c->add_option("--root-key", o->rootKey, "use this existing root key (pkcs11:object=...) instead of creating root-ca");
  c->add_option("--intermediate-key", o->intermediateKey, "use this existing key instead of creating intermediate-ca");
  c->add_option("--subject", o->subject, "base DN for both CAs instead of O=NAME, e.g. \"C=US, O=Example\"");
  c->callback([o] { runInit(*o); });
}

// ---- pki csr / sign-intermediate ------------------------------------------------

struct CsrOptions {
  std::string kms, key, subject, digest, out;
};

void runCsr(const CsrOptions& o) {
  ossl::X509Name subject = orFail(x509::parseDistinguishedName(o.subject));
  SignerPtr signer = openSigner(o.kms, o.key);
  HashAlg hash = orFail(x509::signatureHashFor(signer->publicKey().algorithm(), digestOption(o.digest)));
  ossl::X509Req req = orFail(x509::createCertificateRequest(*subject, *signer, hash));
  emit(o.out, orFail(x509::toPem(*req)));
}

void registerCsr(CLI::App& pki) {
  auto o = std::make_shared<CsrOptions>();
  auto* c = pki.add_subcommand("csr", "Write a certificate request (PKCS#10) for a key that stays on the token");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--key", o->key, "the key: pkcs11:object=LABEL")->required();
  c->add_option("--subject", o->subject, "subject DN, e.g. \"O=Example, CN=Example Intermediate CA\"")->required();
  c->add_option("--digest", o->digest, "sha256, sha384 or sha512 (default: by key type)");
  c->add_option("--out", o->out, "output file (default: stdout)");
  c->callback([o] { runCsr(*o); });
}

struct SignIntermediateOptions {
  std::string rootKms, rootKey = kRootKeyDefault, rootCert, digest, out, csr;
  int days = 1825;
};

void runSignIntermediate(const SignIntermediateOptions& o) {
  x509::RequestContents csr = verifiedRequest(o.csr);
  x509::IssuingCa root = issuingCa(o.rootKms, o.rootKey, o.rootCert, digestOption(o.digest));
  ossl::X509Ptr cert = orFail(
      x509::createIntermediateCertificate(*csr.subject, csr.key, root, o.days, std::time(nullptr), systemRandom()));
  printIssued(*cert);
  emit(o.out, orFail(x509::toPem(*cert)));
}

void registerSignIntermediate(CLI::App& pki) {
  auto o = std::make_shared<SignIntermediateOptions>();
  auto* c = pki.add_subcommand("sign-intermediate",
                               "Sign an intermediate CA request with the (offline) root key: CA:TRUE, pathlen:0");
  c->add_option("--root-kms", o->rootKms, "the token holding the root key")->required();
  c->add_option("--root-key", o->rootKey, "the root key")->capture_default_str();
  c->add_option("--root-cert", o->rootCert, "root_ca.crt")->required();
  c->add_option("--days", o->days, "validity in days (within the root's)")->capture_default_str();
  c->add_option("--digest", o->digest, "sha256, sha384 or sha512 (default: by root key type)");
  c->add_option("--out", o->out, "output file (default: stdout)");
  c->add_option("CSR", o->csr, "the intermediate's request (from sshca pki csr)")->required();
  c->callback([o] { runSignIntermediate(*o); });
}

// ---- pki import ----------------------------------------------------------------

struct ImportOptions {
  std::string kms, key, cert, passwordFile, keyFile;
};

void checkImportCertificate(const ImportOptions& o, const x509::PrivateKeyFile& file, const PublicKey& key) {
  if (!o.cert.empty()) {
    ossl::X509Ptr cert = readCertificate(o.cert);
    if (!x509::checkCertificateMatchesKey(*cert, key).ok())
      fail(makeError(ErrorCode::InvalidArgument,
                     o.cert + " does not belong to the key in " + o.keyFile + "; nothing imported"));
  }
  if (file.certificate) orFail(x509::checkCertificateMatchesKey(*file.certificate, key));
}

void runImport(const ImportOptions& o) {
  SecretBytes text = orFail(readSecretFile(o.keyFile, kMaxPrivateKeyFileBytes, "key file"));
  x509::PrivateKeyFile file = orFail(x509::readPrivateKeyFile(text.span(), keyPasswordSource(o.passwordFile)));
  PublicKey pub = orFail(PublicKey::fromEvp(file.key.get()));
  checkImportCertificate(o, file, pub);
  KeyRef ref = orFail(parseKeyUri(o.key));
  std::unique_ptr<KeyManager> km = openKeyManager(o.kms);
  if (km->publicKey(ref).ok())
    fail(makeError(ErrorCode::AlreadyExists, "the token already holds " + o.key + "; refusing to overwrite it"));
  PublicKey imported = orFail(km->importKey(ref, file.key.get()));
  if (!(imported == pub)) fail(makeError(ErrorCode::Internal, "the token reports a different public key after import"));
  std::cerr << "sshca: imported " << keySpecName(pub.spec()) << " key as " << o.key
            << " (sensitive, not extractable); delete " << o.keyFile << " once you have a backup policy for it\n";
}

void registerImport(CLI::App& pki) {
  auto o = std::make_shared<ImportOptions>();
  auto* c = pki.add_subcommand("import", "Put an existing CA private key (PEM or PKCS#12) onto the token");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--key", o->key, "the new object: pkcs11:object=LABEL (refused if it exists)")->required();
  c->add_option("--cert", o->cert, "the CA certificate: checked to match the key before anything is imported");
  c->add_option("--password-file", o->passwordFile,
                "file holding the key file's password (else $SSHCA_KEY_PASSWORD, else asked)");
  c->add_option("KEYFILE", o->keyFile, "PEM or PKCS#12 private key")->required();
  c->callback([o] { runImport(*o); });
}

// ---- pki sign-csr ----------------------------------------------------------------

struct SignCsrOptions {
  std::string kms, caCert, caKey = kIntermediateKeyDefault, profile, san, db, out, csr;
  int days = 90;
};

x509::LeafRequest leafRequest(const SignCsrOptions& o) {
  x509::LeafProfile profile = orFail(x509::parseLeafProfile(o.profile));
  std::optional<std::vector<x509::SubjectAltName>> sans;
  if (!o.san.empty()) sans = orFail(x509::parseSubjectAltNames(o.san));
  x509::RequestContents csr = verifiedRequest(o.csr);
  return orFail(x509::leafRequestFrom(csr, profile, o.days, sans));
}

void runSignCsr(const SignCsrOptions& o) {
  x509::LeafRequest request = leafRequest(o);  // refusals before the token is touched
  x509::IssuingCa ca = issuingCa(o.kms, o.caKey, o.caCert, std::nullopt);
  auto db = openStore(dbPathFor(o.db, o.caCert));
  ossl::X509Ptr cert = orFail(x509::issueLeafCertificate(request, ca, std::time(nullptr), systemRandom()));
  orFail(db->addCertificate(recordOf(*cert, std::string(x509::leafProfileName(request.profile)))));
  printIssued(*cert);
  emit(o.out, orFail(x509::toPem(*cert)));
}

void registerSignCsr(CLI::App& pki) {
  auto o = std::make_shared<SignCsrOptions>();
  auto* c = pki.add_subcommand("sign-csr",
                               "Issue a TLS server or client certificate from a request, signed by the intermediate");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--ca-cert", o->caCert, "intermediate_ca.crt")->required();
  c->add_option("--ca-key", o->caKey, "the intermediate's key")->capture_default_str();
  c->add_option("--profile", o->profile, "server (EKU serverAuth, needs a DNS/IP SAN) or client (clientAuth)")
      ->required();
  c->add_option("--days", o->days, "validity in days (never past the intermediate's)")->capture_default_str();
  c->add_option("--san", o->san, "replace the request's SANs: DNS:name,IP:address,...");
  c->add_option("--db", o->db, "CA database (default: sshca.db beside --ca-cert)");
  c->add_option("--out", o->out, "output file (default: stdout)");
  c->add_option("CSR", o->csr, "the request (PEM or DER)")->required();
  c->callback([o] { runSignCsr(*o); });
}

// ---- pki revoke / crl --------------------------------------------------------------

struct RevokeOptions {
  std::string serial, reason = "unspecified", db, caCert;
};

void runRevoke(const RevokeOptions& o) {
  std::string serial = orFail(x509::normalizeSerialHex(o.serial));
  x509::RevocationReason reason = orFail(x509::parseRevocationReason(o.reason));
  orFail(openStore(dbPathFor(o.db, o.caCert))->revoke(serial, std::time(nullptr), reason));
  std::cerr << "sshca: revoked " << serial << " (" << x509::revocationReasonName(reason)
            << "); publish a new CRL with `sshca pki crl`\n";
}

void registerRevoke(CLI::App& pki) {
  auto o = std::make_shared<RevokeOptions>();
  auto* c = pki.add_subcommand("revoke", "Mark an issued certificate revoked in the CA database");
  c->add_option("SERIAL", o->serial, "serial in hex, as `openssl x509 -serial` prints it")->required();
  c->add_option("--reason", o->reason,
                "keyCompromise, cACompromise, affiliationChanged, superseded, "
                "cessationOfOperation, certificateHold, privilegeWithdrawn, unspecified")
      ->capture_default_str();
  c->add_option("--db", o->db, "CA database");
  c->add_option("--ca-cert", o->caCert, "intermediate_ca.crt (the database is sshca.db beside it)");
  c->callback([o] { runRevoke(*o); });
}

struct CrlOptions {
  std::string kms, caCert, caKey = kIntermediateKeyDefault, db, out;
  int days = 7;
};

std::vector<x509::RevokedCertificate> revokedList(store::CertificateStore& db, const X509& caCert, std::time_t now) {
  std::string issuer = x509::formatDistinguishedName(X509_get_subject_name(&caCert));
  std::vector<x509::RevokedCertificate> out;
  for (const auto& r : orFail(db.revokedBy(issuer, now)))
    out.push_back({r.serialHex, r.revokedAt.value_or(now), r.reason.value_or(x509::RevocationReason::Unspecified)});
  return out;
}

void runCrl(const CrlOptions& o) {
  x509::IssuingCa ca = issuingCa(o.kms, o.caKey, o.caCert, std::nullopt);
  auto db = openStore(dbPathFor(o.db, o.caCert));
  std::time_t now = std::time(nullptr);
  auto revoked = revokedList(*db, ca.certificate(), now);
  std::string issuer = x509::formatDistinguishedName(X509_get_subject_name(&ca.certificate()));
  uint64_t number = orFail(db->nextCrlNumber(issuer, now));
  ossl::X509Crl crl = orFail(x509::createCrl(ca, revoked, {number, now, o.days}));
  emit(o.out, orFail(x509::toPem(*crl)));
  std::cerr << "sshca: CRL number " << number << " lists " << revoked.size() << " certificate(s), next update in "
            << o.days << " day(s)\n";
}

void registerCrl(CLI::App& pki) {
  auto o = std::make_shared<CrlOptions>();
  auto* c = pki.add_subcommand("crl", "Write a CRL of the revoked certificates, signed by the intermediate");
  c->add_option("--kms", o->kms, kKmsHelp)->required();
  c->add_option("--ca-cert", o->caCert, "intermediate_ca.crt")->required();
  c->add_option("--ca-key", o->caKey, "the intermediate's key")->capture_default_str();
  c->add_option("--db", o->db, "CA database (default: sshca.db beside --ca-cert)");
  c->add_option("--days", o->days, "nextUpdate in days")->capture_default_str();
  c->add_option("--out", o->out, "output file (default: stdout)");
  c->callback([o] { runCrl(*o); });
}

}  // namespace

void registerPkiCommands(CLI::App& app) {
  auto* pki = app.add_subcommand("pki", "X.509 CA: root and intermediate on the token, TLS certificates, CRL");
  pki->require_subcommand(1);
  registerInit(*pki);
  registerCsr(*pki);
  registerSignIntermediate(*pki);
  registerImport(*pki);
  registerSignCsr(*pki);
  registerRevoke(*pki);
  registerCrl(*pki);
}

}  // namespace sshca::cli
