// From an ID token to a certificate in the ssh-agent: a fresh key made in
// memory, a user certificate for it from the CA (POST /ssh/sign with the ID
// token as the one-time token), then key and certificate into the agent
// with a lifetime equal to the certificate's remaining validity, so the key
// never touches the disk unless --write asks for files.
#pragma once

#include <cstdint>
#include <string>

#include "agent/ca_client/ca_client.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

struct UserCertificate {
  ossl::EvpPkey key;
  ssh::Certificate certificate;
};

Result<UserCertificate> requestUserCertificate(const CaClient& ca, const std::string& idToken, const KeySpec& spec);

// Unavailable, naming the socket, when no agent answers there.
Status checkAgentReachable(const std::string& socketPath);
Status addToAgent(const std::string& socketPath, const UserCertificate& user, int64_t now);

// PATH (private key, 0600), PATH.pub and PATH-cert.pub, each atomically.
Status writeUserKeyFiles(const std::string& path, const UserCertificate& user);

// --write PATH may replace only what an earlier login wrote there (PATH.pub
// with an "sshca:" comment), never someone's own key (~/.ssh/id_ed25519).
// Checked before the sign-in.
Status checkKeyPathFree(const std::string& path);

}  // namespace sshca::agent
