#include "agent/host/host_tls.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "agent/ca_client/ca_x509_api.h"
#include "agent/host/sshpop_prover.h"
#include "ca/core/common/file_io.h"
#include "ca/core/keys/key_generation.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/private_key_pem.h"
#include "ca/core/x509/subject_alt_name.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/core/x509/x509_signing.h"

namespace sshca::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kTlsDir = "tls";

// A new key is 0600; a replaced one keeps the group bits an admin gave it
// (Debian's ssl-cert group reads /etc/ssl/private: 0640), never others'.
mode_t keyFileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0600;
  return (st.st_mode & 0770) | 0600;
}

Result<std::vector<x509::SubjectAltName>> sansOf(const std::vector<std::string>& names) {
  if (names.empty()) return makeError(ErrorCode::InvalidArgument, "give at least one --name");
  std::vector<x509::SubjectAltName> out;
  for (const std::string& n : names) {
    auto ip = x509::parseSubjectAltName("IP:" + n);
    if (ip.ok()) {
      out.push_back(*ip);
      continue;
    }
    auto dns = x509::parseSubjectAltName("DNS:" + n);
    if (!dns.ok()) return std::move(dns).error().context("--name " + n);
    out.push_back(*dns);
  }
  return out;
}

std::vector<std::string> sortedStrings(const std::vector<x509::SubjectAltName>& sans) {
  std::vector<std::string> out;
  for (const auto& s : sans) out.push_back(s.toString());
  std::sort(out.begin(), out.end());
  return out;
}

// Not due only when both files are there and the certificate names exactly
// what is asked and has more than a third of its life left.
bool issueNeeded(const TlsRequest& r, const std::vector<x509::SubjectAltName>& sans, std::time_t now) {
  std::error_code ec;
  if (!fs::exists(r.outKey, ec) || !fs::exists(r.outCert, ec)) return true;
  auto pem = readFile(r.outCert);
  if (!pem.ok()) return true;
  auto cert = x509::certificateFromPemOrDer(*pem);
  if (!cert.ok()) return true;
  auto info = x509::describeCertificate(**cert);
  if (!info.ok()) return true;
  std::vector<std::string> have = info->subjectAltNames;
  std::sort(have.begin(), have.end());
  return have != sortedStrings(sans) || tlsRenewalDue(*info, now);
}

Result<std::string> requestPem(const Signer& key, const std::vector<x509::SubjectAltName>& sans) {
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Name subject, x509::parseDistinguishedName("CN=" + sans.front().value));
  SSHCA_ASSIGN_OR_RETURN(HashAlg hash, x509::signatureHashFor(key.publicKey().algorithm()));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Req req, x509::createCertificateRequest(*subject, key, hash, sans));
  return x509::toPem(*req);
}

// What came back certifies the key made here, for exactly the names asked.
Status checkIssued(const std::string& pem, const PublicKey& key, const std::vector<x509::SubjectAltName>& sans) {
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, x509::certificateFromPemOrDer(pem));
  SSHCA_RETURN_IF_ERROR(x509::checkCertificateMatchesKey(*cert, key));
  SSHCA_ASSIGN_OR_RETURN(x509::CertificateInfo info, x509::describeCertificate(*cert));
  std::sort(info.subjectAltNames.begin(), info.subjectAltNames.end());
  if (info.subjectAltNames != sortedStrings(sans))
    return makeError(ErrorCode::InvalidFormat, "the CA's certificate names other names than asked");
  return okStatus();
}

Status issue(CaConnection& ca, const TlsRequest& r, const std::vector<x509::SubjectAltName>& sans) {
  SSHCA_ASSIGN_OR_RETURN(HostKeyFiles host, hostKeyFiles(r.hostKey));
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate hostCert, readCertificateFile(host.certificate));
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey evp, generatePrivateKey(KeySpec{KeyAlgorithm::EcdsaP256, 0}));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes keyPem, x509::privateKeyPem(*evp));
  SSHCA_ASSIGN_OR_RETURN(SignerPtr key, softSignerFromEvp(std::move(evp)));
  SSHCA_ASSIGN_OR_RETURN(std::string csr, requestPem(*key, sans));
  SshpopProver prover(ca.client, ca.state.caUrl);
  SSHCA_ASSIGN_OR_RETURN(std::string sshpop, prover.token("x509/sign", hostCert, host.privateKey));
  SSHCA_ASSIGN_OR_RETURN(TlsCertificateAnswer answer, signTlsCertificate(ca.client, csr, sshpop));
  SSHCA_RETURN_IF_ERROR(checkIssued(answer.certificatePem, key->publicKey(), sans));
  // Key first, then the certificate: a server reads both only when reloaded, after both.
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(r.outKey, keyPem.view(), keyFileMode(r.outKey)));
  return writeFileAtomic(r.outCert, answer.chainPem, 0644);
}

std::string stringField(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string rememberedName(const std::string& outCert) {
  std::string name;
  for (char c : fs::absolute(outCert).string()) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name + ".json";
}

}  // namespace

bool tlsRenewalDue(const x509::CertificateInfo& cert, std::time_t now) {
  if (cert.notAfter <= cert.notBefore || now >= cert.notAfter) return true;
  return cert.notAfter - now < (cert.notAfter - cert.notBefore) / 3;
}

Result<TlsOutcome> ensureTlsCertificate(CaConnection& ca, const TlsRequest& request, bool force, std::time_t now) {
  SSHCA_ASSIGN_OR_RETURN(std::vector<x509::SubjectAltName> sans, sansOf(request.names));
  if (!force && !issueNeeded(request, sans, now)) return TlsOutcome::NotDue;
  SSHCA_RETURN_IF_ERROR(issue(ca, request, sans));
  return TlsOutcome::Issued;
}

Status rememberTlsRequest(const std::string& configDir, const TlsRequest& r) {
  std::error_code ec;
  fs::create_directories(fs::path(configDir) / kTlsDir, ec);
  if (ec) return makeError(ErrorCode::IoError, "creating " + configDir + "/tls: " + ec.message());
  json j = {{"names", r.names},
            {"outKey", fs::absolute(r.outKey).string()},
            {"outCert", fs::absolute(r.outCert).string()},
            {"hostKey", fs::absolute(r.hostKey).string()},
            {"reloadCommand", r.reloadCommand}};
  return writeFileAtomic((fs::path(configDir) / kTlsDir / rememberedName(r.outCert)).string(), j.dump(2) + "\n", 0644);
}

Result<std::vector<TlsRequest>> rememberedTlsRequests(const std::string& configDir) {
  std::vector<TlsRequest> out;
  std::error_code ec;
  const fs::path dir = fs::path(configDir) / kTlsDir;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    SSHCA_ASSIGN_OR_RETURN(std::string text, readFile(f.string()));
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    TlsRequest r;
    if (j.is_discarded() || !j.is_object() || !j.contains("names") || !j["names"].is_array())
      return makeError(ErrorCode::InvalidFormat, f.string() + " is not a TLS request `host tls` wrote");
    for (const auto& n : j["names"])
      if (n.is_string()) r.names.push_back(n.get<std::string>());
    r.outKey = stringField(j, "outKey");
    r.outCert = stringField(j, "outCert");
    r.hostKey = stringField(j, "hostKey");
    r.reloadCommand = stringField(j, "reloadCommand");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sshca::agent
