#include "ca/service/setup/backup_config.h"

#include <algorithm>
#include <cctype>

#include "ca/core/common/percent_encoding.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::setup {

namespace {

constexpr const char* kPkcs11Scheme = "pkcs11:";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// Drops (value nullopt) or replaces the attribute `name` in one part of
// the URI (';'-separated path or '&'-separated query).
std::string editAttributes(const std::string& part, char sep, const std::string& name,
                           const std::optional<std::string>& value) {
  std::vector<std::string> items = split(part, sep);
  for (auto& item : items) {
    if (item.substr(0, item.find('=')) != name) continue;
    item = value ? name + "=" + *value : "";
  }
  return join(items, sep);
}

std::string editUri(const std::string& uri, const std::string& name, const std::optional<std::string>& value) {
  if (uri.rfind(kPkcs11Scheme, 0) != 0) return uri;
  std::string rest = uri.substr(std::string(kPkcs11Scheme).size());
  size_t q = rest.find('?');
  std::string path = editAttributes(rest.substr(0, q), ';', name, value);
  std::string query = q == std::string::npos ? "" : editAttributes(rest.substr(q + 1), '&', name, value);
  return kPkcs11Scheme + path + (query.empty() ? "" : "?" + query);
}

// "clientSecret" -> {client, secret}; "so-pin" -> {so, pin}.
std::vector<std::string> wordsOf(const std::string& key) {
  std::vector<std::string> words(1);
  for (char c : key) {
    if (c == '-' || c == '_' || c == '.') {
      words.emplace_back();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && !words.back().empty()) words.emplace_back();
    words.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return words;
}

// A field that names where a secret is kept ("pinFile", "pinSource") holds
// a path, not the secret.
bool secretName(const std::string& key) {
  std::vector<std::string> words = wordsOf(key);
  if (words.empty()) return false;
  const std::string& last = words.back();
  if (last == "file" || last == "path" || last == "source") return false;
  return std::any_of(words.begin(), words.end(), [](const std::string& w) {
    return w == "pin" || w == "password" || w == "passwd" || w == "passphrase" || w == "secret";
  });
}

bool secretValue(const std::string& value) {
  return value.find("pin-value=") != std::string::npos || value.find("password=") != std::string::npos;
}

void findSecrets(const nlohmann::json& j, const std::string& at, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      std::string path = at + "/" + key;
      if (secretName(key)) out.push_back(path);
      findSecrets(value, path, out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) findSecrets(j[i], at + "/" + std::to_string(i), out);
  } else if (j.is_string() && secretValue(j.get<std::string>())) {
    out.push_back(at);
  }
}

std::string pinSourceOf(const std::string& kms) {
  auto uri = parseKmsUri(kms);
  if (!uri.ok()) return "";
  std::string source = uri->pinSource;
  if (source.rfind("file:", 0) == 0) source = source.substr(5);
  return source;
}

}  // namespace

std::string withoutUriAttribute(const std::string& uri, const std::string& name) {
  return editUri(uri, name, std::nullopt);
}

std::string withUriAttribute(const std::string& uri, const std::string& name, const std::string& value) {
  return editUri(uri, name, value);
}

std::vector<std::string> secretLookingFields(const nlohmann::json& j) {
  std::vector<std::string> out;
  findSecrets(j, "", out);
  return out;
}

Result<BackupConfig> configForBackup(const config::CaConfig& config) {
  config::CaConfig c = config;
  BackupConfig out;
  auto kms = parseKmsUri(c.kms);
  if (kms.ok() && kms->pinValue) {
    c.kms = withoutUriAttribute(c.kms, "pin-value");
    out.dropped.push_back("the PIN written into the kms URI (pin-value=)");
  }
  if (c.db.type == "postgresql" && !c.db.dsn.empty()) {
    SSHCA_ASSIGN_OR_RETURN(store::DsnPassword split, store::splitDsnPassword(c.db.dsn));
    if (!split.password.empty()) {
      c.db.dsn = split.dsn;
      out.dropped.push_back("the database password (password= in db.dsn)");
    }
  }
  out.json = config::serializeCaConfig(c);
  std::vector<std::string> left = secretLookingFields(nlohmann::json::parse(out.json));
  if (!left.empty())
    return makeError(ErrorCode::InvalidArgument, "ca.json has a field that looks like a secret (" + left.front() +
                                                     "): a backup holds no secret, move it to a file");
  return out;
}

RestoredConfig configForRestore(const config::CaConfig& backedUp, const CaLayout& l) {
  RestoredConfig out{backedUp, {}};
  config::CaConfig& c = out.config;
  c.x509.rootCert = l.rootCert;
  c.x509.intermediateCert = l.intermediateCert;
  c.tls.certChain = l.serverChain;
  if (c.db.type == "sqlite") c.db.path = l.dbFile;
  if (!c.tls.key.empty()) {
    out.toProvide.push_back({"the TLS key of the CA's server certificate", l.tlsKey, c.tls.key});
    c.tls.key = l.tlsKey;
  }
  if (std::string pin = pinSourceOf(c.kms); !pin.empty()) {
    out.toProvide.push_back({"the token's user PIN", l.pinFile, pin});
    c.kms = withUriAttribute(c.kms, "pin-source", "file:" + percentEncode(l.pinFile, "/"));
  }
  if (!c.softhsm2Conf.empty()) {
    out.toProvide.push_back({"the SoftHSM2 token (its token directory, with the CA keys)", l.tokensDir, ""});
    c.softhsm2Conf = l.softhsm2Conf;
  }
  for (auto& p : c.provisioners) {
    if (p.privateKeyFile.empty()) continue;
    std::string key = l.provisionerKey(p.name);
    out.toProvide.push_back({"provisioner " + p.name + "'s key (for sshca token)", key, p.privateKeyFile});
    p.privateKeyFile = key;
  }
  if (c.db.type == "postgresql")
    out.toProvide.push_back({"the database: pg_restore the dump into it (db.dsn)", l.dbDir + "/sshca.pgdump", ""});
  return out;
}

}  // namespace sshca::setup
