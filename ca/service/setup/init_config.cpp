#include "ca/service/setup/init_config.h"

#include "ca/service/api/listen_address.h"
#include "ca/service/setup/ca_token_keys.h"

namespace sshca::setup {

Result<std::string> defaultCaUrl(const std::vector<std::string>& dnsNames, const std::string& address) {
  if (dnsNames.empty()) return makeError(ErrorCode::InvalidArgument, "--dns needs at least one name");
  SSHCA_ASSIGN_OR_RETURN(api::ListenAddress listen, api::parseListenAddress(address));
  if (listen.port == 0)
    return makeError(ErrorCode::InvalidArgument, "--address " + address + " has port 0: give --url too");
  const std::string& host = dnsNames.front();
  bool ipv6 = host.find(':') != std::string::npos;
  return "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(listen.port);
}

config::CaConfig caConfigIn(const CaConfigInputs& in, const CaLayout& l) {
  config::CaConfig c;
  c.name = in.name;
  c.url = in.url;
  c.address = in.address;
  c.dnsNames = in.dnsNames;
  c.kms = in.kms;
  c.softhsm2Conf = in.softhsm2Conf;
  c.ssh.userKey = in.sshUserKey;
  c.ssh.hostKey = in.sshHostKey;
  c.x509.rootCert = l.rootCert;
  c.x509.intermediateCert = l.intermediateCert;
  c.x509.intermediateKey = in.intermediateKey;
  c.tls.certChain = l.serverChain;
  c.tls.key = l.tlsKey;
  c.db.type = "sqlite";
  c.db.path = l.dbFile;
  c.provisioners = in.provisioners;
  return c;
}

config::CaConfig caConfigFor(const InitConfigInputs& in, const CaLayout& l) {
  config::ProvisionerConfig sshpop;
  sshpop.type = "sshpop";
  sshpop.name = kSshpopProvisionerName;
  return caConfigIn({in.name,
                     in.url,
                     in.address,
                     in.dnsNames,
                     in.kms,
                     in.softhsm2Conf,
                     KeyRef{kSshUserCaLabel, {}}.toUri(),
                     KeyRef{kSshHostCaLabel, {}}.toUri(),
                     KeyRef{kIntermediateCaLabel, {}}.toUri(),
                     {in.provisioner, std::move(sshpop)}},
                    l);
}

}  // namespace sshca::setup
