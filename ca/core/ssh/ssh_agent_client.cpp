// The socket side of the ssh-agent client: connect, frame (uint32 length +
// message, draft-miller-ssh-agent §3), one request at a time. The framing
// caps the reply length before allocating; after any I/O or framing error
// the stream position is unknown, so the connection is closed for good.
#include "ca/core/ssh/ssh_agent_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ca/core/ssh/ssh_signature.h"

namespace sshca::ssh {
namespace {

constexpr std::chrono::seconds kDefaultTimeout{60};

std::string errnoText(int err) { return std::strerror(err); }

Error ioError(const std::string& what, int err) {
  if (err == EAGAIN || err == EWOULDBLOCK)
    return makeError(ErrorCode::Unavailable, "ssh-agent did not answer in time while " + what);
  return makeError(ErrorCode::Unavailable, "ssh-agent connection failed while " + what + ": " + errnoText(err));
}

Status sendAll(int fd, std::span<const uint8_t> data) {
  while (!data.empty()) {
    // MSG_NOSIGNAL: an agent that went away must not SIGPIPE sshd or sudo.
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("sending a request", errno);
    data = data.subspan(static_cast<size_t>(n));
  }
  return okStatus();
}

Status recvAll(int fd, std::span<uint8_t> out) {
  while (!out.empty()) {
    ssize_t n = ::recv(fd, out.data(), out.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("reading its reply", errno);
    if (n == 0) return makeError(ErrorCode::Unavailable, "ssh-agent closed the connection before replying");
    out = out.subspan(static_cast<size_t>(n));
  }
  return okStatus();
}

uint32_t loadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

Status setSocketTimeout(int fd, std::chrono::seconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
    return makeError(ErrorCode::IoError, "setting the ssh-agent socket timeout: " + errnoText(errno));
  return okStatus();
}

}  // namespace

Result<AgentClient> AgentClient::connect(const std::string& socketPath) {
  sockaddr_un addr{};
  if (socketPath.empty())
    return makeError(ErrorCode::InvalidArgument, "no ssh-agent socket given (is SSH_AUTH_SOCK set?)");
  if (socketPath.size() >= sizeof addr.sun_path)
    return makeError(
        ErrorCode::InvalidArgument,
        "ssh-agent socket path is longer than " + std::to_string(sizeof addr.sun_path - 1) + " bytes: " + socketPath);
  AgentClient client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (client.fd_ < 0) return makeError(ErrorCode::IoError, "creating a Unix socket: " + errnoText(errno));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socketPath.data(), socketPath.size());
  int rc;
  do {
    rc = ::connect(client.fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0)
    return makeError(ErrorCode::Unavailable,
                     "cannot connect to the ssh-agent at " + socketPath + ": " + errnoText(errno));
  SSHCA_RETURN_IF_ERROR(client.setTimeout(kDefaultTimeout));
  return client;
}

AgentClient AgentClient::fromFd(int fd) {
  AgentClient client(fd);
  // A failure here means fd is not a socket: the first request reports it.
  (void)client.setTimeout(kDefaultTimeout);
  return client;
}

AgentClient::AgentClient(AgentClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

AgentClient& AgentClient::operator=(AgentClient&& other) noexcept {
  if (this != &other) {
    closeFd();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

AgentClient::~AgentClient() { closeFd(); }

void AgentClient::closeFd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status AgentClient::setTimeout(std::chrono::seconds timeout) {
  if (timeout.count() <= 0) return makeError(ErrorCode::InvalidArgument, "the ssh-agent timeout must be positive");
  if (fd_ < 0) return makeError(ErrorCode::Unavailable, "not connected to an ssh-agent");
  return setSocketTimeout(fd_, timeout);
}

Result<Bytes> AgentClient::exchange(std::span<const uint8_t> request) {
  uint8_t header[4];
  for (int i = 0; i < 4; ++i) header[i] = static_cast<uint8_t>(request.size() >> (24 - 8 * i));
  SSHCA_RETURN_IF_ERROR(sendAll(fd_, header));
  SSHCA_RETURN_IF_ERROR(sendAll(fd_, request));
  SSHCA_RETURN_IF_ERROR(recvAll(fd_, header));
  size_t len = loadU32(header);
  if (len == 0) return makeError(ErrorCode::InvalidFormat, "ssh-agent sent an empty reply");
  if (len > agent::kMaxMessageLen)
    return makeError(ErrorCode::InvalidFormat, "ssh-agent reply of " + std::to_string(len) +
                                                   " bytes exceeds the cap of " +
                                                   std::to_string(agent::kMaxMessageLen) + " bytes");
  Bytes reply(len);
  SSHCA_RETURN_IF_ERROR(recvAll(fd_, reply));
  return reply;
}

Result<Bytes> AgentClient::roundTrip(std::span<const uint8_t> request) {
  if (fd_ < 0)
    return makeError(ErrorCode::Unavailable, "not connected to an ssh-agent (closed after an earlier error)");
  if (request.empty() || request.size() > agent::kMaxMessageLen)
    return makeError(ErrorCode::InvalidArgument, "ssh-agent request of " + std::to_string(request.size()) +
                                                     " bytes is outside 1-" + std::to_string(agent::kMaxMessageLen));
  auto reply = exchange(request);
  if (!reply.ok()) closeFd();  // the stream position is unknown now
  return reply;
}

Result<std::vector<AgentIdentity>> AgentClient::listIdentities() {
  SSHCA_ASSIGN_OR_RETURN(Bytes reply, roundTrip(encodeRequestIdentities()));
  return parseIdentitiesAnswer(reply);
}

Result<Bytes> AgentClient::sign(std::span<const uint8_t> keyBlob, std::span<const uint8_t> data) {
  SSHCA_ASSIGN_OR_RETURN(std::string keyType, keyBlobType(keyBlob));
  SSHCA_ASSIGN_OR_RETURN(Bytes reply, roundTrip(encodeSignRequest(keyBlob, data, signFlagsFor(keyBlob))));
  SSHCA_ASSIGN_OR_RETURN(Bytes sig, parseSignResponse(reply));
  auto alg = signatureBlobAlgorithm(sig);
  if (!alg.ok()) return std::move(alg).error().context("ssh-agent signature");
  // An agent that ignores the rsa-sha2-512 flag answers with SHA-1 ssh-rsa.
  if (auto want = expectedSignatureAlgorithm(keyType); want && *alg != *want)
    return makeError(ErrorCode::Unsupported,
                     "ssh-agent signed with '" + *alg + "' for a " + keyType + " key (expected " + *want + ")");
  return sig;
}

Status AgentClient::add(const AgentKeyToAdd& key) {
  SSHCA_ASSIGN_OR_RETURN(SecretBytes request, encodeAddIdentity(key));
  SSHCA_ASSIGN_OR_RETURN(Bytes reply, roundTrip(request.span()));
  return parseSuccess(reply, "add identity", ErrorCode::Unsupported);
}

Status AgentClient::remove(std::span<const uint8_t> keyBlob) {
  SSHCA_ASSIGN_OR_RETURN(Bytes reply, roundTrip(encodeRemoveIdentity(keyBlob)));
  return parseSuccess(reply, "remove identity", ErrorCode::NotFound);
}

}  // namespace sshca::ssh
