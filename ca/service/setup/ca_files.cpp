#include "ca/service/setup/ca_files.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <openssl/evp.h>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/x509/private_key_pem.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/setup/embedded_token.h"
#include "ca/service/setup/secret_files.h"
#include "ca/service/setup/software_key.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "ca/service/store/x509_record.h"

namespace sshca::setup {

namespace fs = std::filesystem;

Status makeCaDirectories(const CaLayout& l) {
  std::error_code ec;
  fs::create_directories(fs::path(l.dir).parent_path(), ec);
  if (ec) return makeError(ErrorCode::IoError, "cannot create the parents of " + l.dir + ": " + ec.message());
  if (!fs::exists(l.dir, ec)) SSHCA_RETURN_IF_ERROR(makeDirectory(l.dir, 0755));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.secretsDir, 0700));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.configDir, 0700));
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.dbDir, 0700));
  return makeDirectory(l.certsDir, 0755);
}

Result<CaToken> prepareCaToken(const std::string& kms, const CaLayout& l) {
  if (kms.empty()) {
    SSHCA_ASSIGN_OR_RETURN(EmbeddedToken t, createEmbeddedToken(l, systemRandom()));
    return CaToken{t.kmsUri, t.softhsm2Conf, true};
  }
  SSHCA_ASSIGN_OR_RETURN(KmsUri uri, parseKmsUri(kms));
  const char* conf = std::getenv("SOFTHSM2_CONF");
  bool softhsm = uri.modulePath.empty() || uri.modulePath.find("softhsm") != std::string::npos;
  std::error_code ec;
  std::string confPath = softhsm && conf && *conf ? fs::absolute(conf, ec).string() : std::string();
  return CaToken{kms, confPath, false};
}

Result<SoftKey> newSoftKey() {
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey key, generateP256Key());
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key.get()));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pem, x509::privateKeyPem(*key));
  return SoftKey{std::move(pub), std::move(pem)};
}

Status createCaDatabase(const CaLayout& l, const CaCertificates& certs) {
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

Status writeCaCertificates(const CaLayout& l, const CaCertificates& certs) {
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
  if (X509_digest(&cert, EVP_sha256(), md, &n) != 1) return ossl::error("hashing the certificate");
  return toHex({md, n});
}

}  // namespace sshca::setup
