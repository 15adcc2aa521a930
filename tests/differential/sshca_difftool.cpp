// What our parsers and the KRL writer make of OpenSSH files, printed for
// tests/e2e/differential_ssh_keygen.sh to compare with ssh-keygen's own
// answers (ssh-keygen -L for certificates, -Q for KRLs, -k for writing).
//
//   sshca-difftool cert FILE              the certificate's fields, one a line
//   sshca-difftool krl-query KRL FILE...  "FILE: REVOKED" or "FILE: ok" for each
//                                         certificate or plain public key file
//   sshca-difftool krl-write OUT CA.pub SPEC
//                                         a KRL from an ssh-keygen -k SPEC
//                                         (serial: N, serial: A-B, id: X, key: LINE)
//
// A test tool, not shipped: it exists only to put our code next to
// ssh-keygen's on the same bytes.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace {

using namespace sshca;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "sshca-difftool: " << what << "\n";
  std::exit(2);
}

template <typename T>
T orDie(Result<T> r, const std::string& what) {
  if (!r.ok()) die(what + ": " + r.error().message);
  return std::move(*r);
}

std::string firstLine(const std::string& path) {
  std::string text = orDie(readFile(path), path);
  return text.substr(0, text.find('\n'));
}

std::string joined(const std::vector<std::pair<std::string, std::string>>& options, bool values) {
  std::string out;
  for (const auto& [name, value] : options) {
    if (!out.empty()) out += ";";
    out += name;
    if (values && !value.empty()) out += "=" + value;
  }
  return out;
}

int printCertificate(const std::string& path) {
  ssh::Certificate c = orDie(ssh::parseCertificateLine(firstLine(path)), path);
  std::string principals;
  for (const auto& p : c.principals) principals += (principals.empty() ? "" : ",") + p;
  std::cout << "certtype: " << c.certTypeName() << "\n"
            << "type: " << (c.type == ssh::CertType::User ? "user" : "host") << "\n"
            << "key: " << ssh::fingerprintSha256(c.key) << "\n"
            << "ca: " << ssh::fingerprintSha256(c.signatureKey) << "\n"
            << "keyid: " << c.keyId << "\n"
            << "serial: " << c.serial << "\n"
            << "valid_after: " << c.validAfter << "\n"
            << "valid_before: " << c.validBefore << "\n"
            << "principals: " << principals << "\n"
            << "critical: " << joined(c.criticalOptions, true) << "\n"
            << "extensions: " << joined(c.extensions, false) << "\n"
            << "signature: " << (ssh::verifyCertificateSignature(c).ok() ? "good" : "bad") << "\n";
  return 0;
}

int queryKrl(const std::string& krlPath, const std::vector<std::string>& files) {
  std::string bytes = orDie(readFile(krlPath), krlPath);
  ssh::Krl krl = orDie(ssh::parseKrl({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}), krlPath);
  for (const auto& f : files) {
    std::string line = firstLine(f);
    bool revoked;
    if (auto cert = ssh::parseCertificateLine(line); cert.ok())
      revoked = ssh::isCertificateRevoked(krl, *cert);
    else
      revoked = ssh::isKeyRevoked(krl, orDie(ssh::parsePublicKeyLine(line), f).key);
    std::cout << f << ": " << (revoked ? "REVOKED" : "ok") << "\n";
  }
  return 0;
}

uint64_t number(const std::string& s) {
  try {
    size_t used = 0;
    uint64_t n = std::stoull(s, &used, 0);
    if (used != s.size()) die("not a number: " + s);
    return n;
  } catch (const std::exception&) { die("not a number: " + s); }
}

int writeKrl(const std::string& out, const std::string& caPath, const std::string& specPath) {
  ssh::Krl krl;
  krl.version = 1;
  ssh::KrlCertificates certs;
  certs.caKey = orDie(ssh::parsePublicKeyLine(firstLine(caPath)), caPath).key;
  std::istringstream spec(orDie(readFile(specPath), specPath));
  for (std::string line; std::getline(spec, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) die("spec line without a colon: " + line);
    std::string kind = line.substr(0, colon), value = line.substr(line.find_first_not_of(' ', colon + 1));
    if (kind == "serial") {
      auto dash = value.find('-');
      if (dash == std::string::npos)
        certs.serials.push_back(number(value));
      else
        certs.ranges.push_back({number(value.substr(0, dash)), number(value.substr(dash + 1))});
    } else if (kind == "id") {
      certs.keyIds.push_back(value);
    } else if (kind == "key") {
      krl.explicitKeys.push_back(orDie(ssh::parsePublicKeyLine(value), "key: line").key);
    } else {
      die("spec line not understood: " + line);
    }
  }
  krl.certificates.push_back(std::move(certs));
  Bytes bytes = ssh::encodeKrl(krl);
  auto s = writeFileAtomic(out, std::string(bytes.begin(), bytes.end()));
  if (!s.ok()) die(out + ": " + s.error().message);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "cert") return printCertificate(args[1]);
  if (args.size() >= 2 && args[0] == "krl-query") return queryKrl(args[1], {args.begin() + 2, args.end()});
  if (args.size() == 4 && args[0] == "krl-write") return writeKrl(args[1], args[2], args[3]);
  die("usage: cert FILE | krl-query KRL FILE... | krl-write OUT CA.pub SPEC");
}
