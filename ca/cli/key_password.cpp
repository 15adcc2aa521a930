#include "ca/cli/key_password.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "ca/cli/pin_prompt.h"

namespace sshca::cli {

x509::PasswordSource keyPasswordSource(const std::string& file) {
  return [file]() -> Result<SecretBytes> {
    if (const char* env = std::getenv("SSHCA_KEY_PASSWORD"); env && *env) return SecretBytes(std::string_view(env));
    if (!file.empty()) {
      // Called from inside OpenSSL's PEM reader: report, never throw.
      std::ifstream in(file, std::ios::binary);
      if (!in) return makeError(ErrorCode::NotFound, "cannot read " + file);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      SecretBytes pw{std::string_view(text)};
      OPENSSL_cleanse(text.data(), text.size());
      return pw;
    }
    if (!haveTerminal())
      return makeError(ErrorCode::NotFound,
                       "the key file is encrypted: set SSHCA_KEY_PASSWORD or give --password-file");
    return promptSecret("Password for the key file: ");
  };
}

}  // namespace sshca::cli
