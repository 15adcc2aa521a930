#include "pam/agent_socket.h"

#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sshca::pam {
namespace {

std::string errnoText(int e) { return std::strerror(e); }

Status checkSocketFile(const std::string& path, const UserAccount& user) {
  if (path.empty() || path.front() != '/')
    return makeError(ErrorCode::InvalidArgument, "SSH_AUTH_SOCK '" + path + "' is not an absolute path");
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    return makeError(ErrorCode::InvalidArgument, "SSH_AUTH_SOCK '" + path + "' is too long for a Unix socket");
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0)
    return makeError(ErrorCode::NotFound, "agent socket '" + path + "': " + errnoText(errno));
  if (!S_ISSOCK(st.st_mode)) return makeError(ErrorCode::PermissionDenied, "agent socket '" + path + "' is not a socket");
  if (st.st_uid != user.uid)
    return makeError(ErrorCode::PermissionDenied, "agent socket '" + path + "' is owned by uid " + std::to_string(st.st_uid) +
                                                      ", not by " + user.name + " (uid " + std::to_string(user.uid) + ")");
  return okStatus();
}

// Child side: async-signal-safe calls only (the host may be threaded).
[[noreturn]] void childConnect(int chan, const char* path, const UserAccount& user) {
  int err = 0;
  if (::setgroups(user.groups.size(), user.groups.data()) != 0 || ::setresgid(user.gid, user.gid, user.gid) != 0 ||
      ::setresuid(user.uid, user.uid, user.uid) != 0) {
    err = errno ? errno : EPERM;
  }
  int fd = -1;
  if (err == 0) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path, std::strlen(path));
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) err = errno;
  }
  // One byte: 0 with the fd attached, or the errno without.
  unsigned char code = static_cast<unsigned char>(err > 255 ? 255 : err);
  iovec iov{&code, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (err == 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  (void)::sendmsg(chan, &msg, MSG_NOSIGNAL);
  ::_exit(0);
}

// Whether the child answered (or exited) within the timeout.
bool waitForChild(int chan, unsigned timeoutSeconds) {
  pollfd p{chan, POLLIN, 0};
  int ready;
  while ((ready = ::poll(&p, 1, static_cast<int>(timeoutSeconds) * 1000)) < 0 && errno == EINTR) {}
  return ready > 0;
}

Result<UniqueFd> receiveFd(int chan, const std::string& path) {
  unsigned char code = 0;
  iovec iov{&code, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = ::recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
  if (n != 1) return makeError(ErrorCode::Internal, "the connecting child exited without an answer");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (code != 0 || c == nullptr || c->cmsg_type != SCM_RIGHTS)
    return makeError(ErrorCode::Unavailable,
                     "connecting to agent socket '" + path + "' as its owner: " + errnoText(code ? code : EPROTO));
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return UniqueFd(fd);
}

// Reaps the child, killing it first if it never answered (stuck in
// connect). ECHILD (the host reaps children itself) is fine: only a child
// that waitpid still reports as ours is ever signalled.
void reap(pid_t pid, bool answered) {
  int status = 0;
  if (!answered && ::waitpid(pid, &status, WNOHANG) == 0) ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}

Result<UniqueFd> connectAsUser(const std::string& path, const UserAccount& user, unsigned timeoutSeconds) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return makeError(ErrorCode::IoError, "socketpair: " + errnoText(errno));
  UniqueFd parentEnd(pair[0]), childEnd(pair[1]);
  const pid_t pid = ::fork();
  if (pid < 0) return makeError(ErrorCode::IoError, "fork: " + errnoText(errno));
  if (pid == 0) childConnect(childEnd.get(), path.c_str(), user);
  childEnd.reset();
  const bool answered = waitForChild(parentEnd.get(), timeoutSeconds);
  reap(pid, answered);
  if (!answered) return makeError(ErrorCode::Unavailable, "connecting to agent socket '" + path + "' timed out");
  return receiveFd(parentEnd.get(), path);
}

Result<UniqueFd> connectDirect(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::IoError, "socket: " + errnoText(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return makeError(ErrorCode::Unavailable, "connecting to agent socket '" + path + "': " + errnoText(errno));
  return fd;
}

Status checkPeer(int fd, const std::string& path, const UserAccount& user) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return makeError(ErrorCode::IoError, "SO_PEERCRED on '" + path + "': " + errnoText(errno));
  if (cred.uid != user.uid && cred.uid != 0)
    return makeError(ErrorCode::PermissionDenied, "the agent behind '" + path + "' runs as uid " + std::to_string(cred.uid) +
                                                      ", not as " + user.name);
  return okStatus();
}

void setTimeouts(int fd, unsigned seconds) {
  timeval tv{static_cast<time_t>(seconds), 0};
  (void)::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  (void)::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

Status checkCallerMayUseAgent(uid_t realUid, const UserAccount& user) {
  if (realUid == 0 || realUid == user.uid) return okStatus();
  return makeError(ErrorCode::PermissionDenied, "the caller (uid " + std::to_string(realUid) + ") is neither root nor " +
                                                    user.name + ": refusing to use " + user.name + "'s agent for it");
}

Result<UniqueFd> connectUserAgent(const std::string& path, const UserAccount& user, unsigned timeoutSeconds) {
  SSHCA_RETURN_IF_ERROR(checkCallerMayUseAgent(::getuid(), user));
  SSHCA_RETURN_IF_ERROR(checkSocketFile(path, user));
  Result<UniqueFd> fd = makeError(ErrorCode::Internal, "unset");
  if (::geteuid() == user.uid) fd = connectDirect(path);
  else if (::geteuid() == 0) fd = connectAsUser(path, user, timeoutSeconds);
  else
    return makeError(ErrorCode::PermissionDenied, "cannot take " + user.name + "'s identity to connect to the agent (not root)");
  if (!fd.ok()) return std::move(fd).error();
  SSHCA_RETURN_IF_ERROR(checkPeer(fd->get(), path, user));
  setTimeouts(fd->get(), timeoutSeconds);
  return fd;
}

}  // namespace sshca::pam
