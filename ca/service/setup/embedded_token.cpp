#include "ca/service/setup/embedded_token.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

#include "ca/core/common/file_io.h"
#include "ca/core/common/percent_encoding.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/token_admin.h"
#include "ca/service/setup/secret_files.h"

namespace sshca::setup {
namespace {

// 8 random bytes -> 16 hex characters: within every token's PIN length
// limits (SoftHSM2: 4-255) and 64 bits of guessing.
constexpr size_t kPinBytes = 8;

// RFC 7512 values are percent-encoded: a DIR with a space, ';' or '?' in
// its name must not change what the URI means.
std::string uriPath(std::string_view path) { return percentEncode(path, "/"); }

// A freshly made token has no history to protect: the SO PIN is ours.
bool freshTokenCheck(const std::string&, bool finalTry) { return !finalTry; }

}  // namespace

Status writeSoftHsmConf(const CaLayout& l) {
  SSHCA_RETURN_IF_ERROR(makeDirectory(l.tokensDir, 0700));
  std::string conf =
      "# SoftHSM2 configuration of the embedded token (written by sshca init)\n"
      "directories.tokendir = " +
      l.tokensDir +
      "\n"
      "objectstore.backend = file\n"
      "log.level = ERROR\n";
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(l.softhsm2Conf, conf, 0644));
  if (::setenv("SOFTHSM2_CONF", l.softhsm2Conf.c_str(), 1) != 0)
    return makeError(ErrorCode::IoError, "cannot set SOFTHSM2_CONF");
  return okStatus();
}

Result<EmbeddedToken> createEmbeddedToken(const CaLayout& l, RandomSource& rng) {
  SSHCA_RETURN_IF_ERROR(writeSoftHsmConf(l));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pin, randomHexSecret(rng, kPinBytes));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes soPin, randomHexSecret(rng, kPinBytes));
  // The PIN files first: a token whose PINs were lost would be useless.
  SSHCA_RETURN_IF_ERROR(writeSecretFile(l.soPinFile, soPin));
  SSHCA_RETURN_IF_ERROR(writeSecretFile(l.pinFile, pin));
  auto inited = initToken(kDefaultPkcs11Module, std::nullopt, soPin, kEmbeddedTokenLabel, false, freshTokenCheck);
  if (!inited.ok()) return std::move(inited).error().context("initializing the SoftHSM2 token");
  KmsUri uri;
  uri.modulePath = kDefaultPkcs11Module;
  uri.tokenLabel = kEmbeddedTokenLabel;
  auto pinSet = initUserPin(uri, soPin, pin, freshTokenCheck);
  if (!pinSet.ok()) return std::move(pinSet).error().context("setting the token's user PIN");
  return EmbeddedToken{std::string("pkcs11:module-path=") + kDefaultPkcs11Module + ";token=" + kEmbeddedTokenLabel +
                           "?pin-source=file:" + uriPath(l.pinFile),
                       l.softhsm2Conf};
}

}  // namespace sshca::setup
