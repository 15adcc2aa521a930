#include "ca/service/setup/ca_layout.h"

#include <filesystem>
#include <system_error>

namespace sshca::setup {
namespace {

namespace fs = std::filesystem;

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec) || fs::is_symlink(path, ec);
}

}  // namespace

std::string CaLayout::provisionerKey(const std::string& provisionerName) const {
  return secretsDir + "/provisioner-" + provisionerName + ".key";
}

Result<CaLayout> caLayoutFor(const std::string& dir) {
  if (dir.empty()) return makeError(ErrorCode::InvalidArgument, "--dir is required");
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (ec) return makeError(ErrorCode::IoError, "cannot resolve " + dir + ": " + ec.message());
  std::string d = abs.lexically_normal().string();
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  CaLayout l;
  l.dir = d;
  l.configDir = d + "/config";
  l.configFile = l.configDir + "/ca.json";
  l.softhsm2Conf = d + "/softhsm2.conf";
  l.tokensDir = d + "/tokens";
  l.secretsDir = d + "/secrets";
  l.pinFile = l.secretsDir + "/pin";
  l.soPinFile = l.secretsDir + "/so-pin";
  l.tlsKey = l.secretsDir + "/tls.key";
  l.certsDir = d + "/certs";
  l.rootCert = l.certsDir + "/root_ca.crt";
  l.intermediateCert = l.certsDir + "/intermediate_ca.crt";
  l.chain = l.certsDir + "/chain.pem";
  l.serverChain = l.certsDir + "/server_chain.pem";
  l.dbDir = d + "/db";
  l.dbFile = l.dbDir + "/sshca.db";
  return l;
}

Status refuseExistingCa(const CaLayout& l) {
  if (exists(l.configFile))
    return makeError(ErrorCode::AlreadyExists, l.dir + " already holds a CA (" + l.configFile +
                                                   " exists); refusing to touch it: use it with --config " +
                                                   l.configFile + ", or choose another --dir");
  for (const std::string* p : {&l.softhsm2Conf, &l.tokensDir, &l.secretsDir, &l.certsDir, &l.dbDir, &l.configDir})
    if (exists(*p))
      return makeError(ErrorCode::AlreadyExists, *p + " exists but " + l.configFile +
                                                     " does not (an unfinished init?); refusing to touch it: "
                                                     "move " +
                                                     l.dir + " away, or choose another --dir");
  return okStatus();
}

Status refuseNonEmptyDir(const CaLayout& l, const std::string& doing) {
  std::error_code ec;
  if (!exists(l.dir)) return okStatus();
  if (!fs::is_directory(l.dir, ec))
    return makeError(ErrorCode::AlreadyExists, l.dir + " exists and is not a directory; choose another --dir");
  if (!fs::is_empty(l.dir, ec) || ec)
    return makeError(ErrorCode::AlreadyExists,
                     l.dir + " is not empty; refusing to " + doing + " into it: choose a new or empty --dir");
  return okStatus();
}

}  // namespace sshca::setup
