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
#include <cstdint>
#include <cstring>

namespace sshca::pam {
namespace {

std::string errnoText(int e) { return std::strerror(e); }

// The path's shape only: what it names is looked at as the user (below).
Status checkSocketPath(const std::string& path) {
  if (path.empty() || path.front() != '/')
    return makeError(ErrorCode::InvalidArgument, "SSH_AUTH_SOCK '" + path + "' is not an absolute path");
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    return makeError(ErrorCode::InvalidArgument, "SSH_AUTH_SOCK '" + path + "' is too long for a Unix socket");
  return okStatus();
}

// What the connecting child (or the module, already running as the user)
// found; sent to the parent as it is.
struct ChildAnswer {
  enum Stage : int32_t { kConnected = 0, kDrop, kLstat, kNotSocket, kWrongOwner, kConnect };
  int32_t stage = kConnected;
  int32_t err = 0;     // errno of the failed call
  uint32_t owner = 0;  // the socket's owner, for kWrongOwner
};

// lstat and connect, as whoever runs it: async-signal-safe calls only.
ChildAnswer lstatAndConnect(const char* path, uid_t uid, int& fd) {
  struct stat st {};
  if (::lstat(path, &st) != 0) return {ChildAnswer::kLstat, errno, 0};
  if (!S_ISSOCK(st.st_mode)) return {ChildAnswer::kNotSocket, 0, 0};
  if (st.st_uid != uid) return {ChildAnswer::kWrongOwner, 0, static_cast<uint32_t>(st.st_uid)};
  fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {ChildAnswer::kConnect, errno, 0};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path, std::strlen(path));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return {ChildAnswer::kConnect, errno, 0};
  return {};
}

Status answerStatus(const ChildAnswer& a, const std::string& path, const UserAccount& user) {
  const std::string what = "agent socket '" + path + "'";
  switch (a.stage) {
    case ChildAnswer::kConnected:
      return okStatus();
    case ChildAnswer::kDrop:
      return makeError(ErrorCode::Internal, "cannot take " + user.name + "'s identity: " + errnoText(a.err));
    case ChildAnswer::kLstat:
      return makeError(ErrorCode::NotFound, what + " (looked up as " + user.name + "): " + errnoText(a.err));
    case ChildAnswer::kNotSocket:
      return makeError(ErrorCode::PermissionDenied, what + " is not a socket");
    case ChildAnswer::kWrongOwner:
      return makeError(ErrorCode::PermissionDenied, what + " is owned by uid " + std::to_string(a.owner) + ", not by " +
                                                        user.name + " (uid " + std::to_string(user.uid) + ")");
    default:
      return makeError(ErrorCode::Unavailable, "connecting to " + what + " as its owner: " + errnoText(a.err));
  }
}

// Child side: async-signal-safe calls only (the host may be threaded).
[[noreturn]] void childConnect(int chan, const char* path, const UserAccount& user) {
  ChildAnswer answer;
  int fd = -1;
  if (::setgroups(user.groups.size(), user.groups.data()) != 0 || ::setresgid(user.gid, user.gid, user.gid) != 0 ||
      ::setresuid(user.uid, user.uid, user.uid) != 0) {
    answer = {ChildAnswer::kDrop, errno ? errno : EPERM, 0};
  } else {
    answer = lstatAndConnect(path, user.uid, fd);
  }
  iovec iov{&answer, sizeof(answer)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (answer.stage == ChildAnswer::kConnected) {
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

Result<UniqueFd> receiveFd(int chan, const std::string& path, const UserAccount& user) {
  ChildAnswer answer;
  iovec iov{&answer, sizeof(answer)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  const ssize_t n = ::recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
  if (n != static_cast<ssize_t>(sizeof(answer)))
    return makeError(ErrorCode::Internal, "the connecting child exited without an answer");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  SSHCA_RETURN_IF_ERROR(answerStatus(answer, path, user));
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS)
    return makeError(ErrorCode::Unavailable,
                     "connecting to agent socket '" + path + "' as its owner: no descriptor came back");
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
  return receiveFd(parentEnd.get(), path, user);
}

// Already running as the user (e.g. `su` of the user themself): the same
// checks in this process.
Result<UniqueFd> connectDirect(const std::string& path, const UserAccount& user) {
  int raw = -1;
  const ChildAnswer answer = lstatAndConnect(path.c_str(), user.uid, raw);
  UniqueFd fd(raw);
  SSHCA_RETURN_IF_ERROR(answerStatus(answer, path, user));
  return fd;
}

Status checkPeer(int fd, const std::string& path, const UserAccount& user) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return makeError(ErrorCode::IoError, "SO_PEERCRED on '" + path + "': " + errnoText(errno));
  if (cred.uid != user.uid && cred.uid != 0)
    return makeError(ErrorCode::PermissionDenied, "the agent behind '" + path + "' runs as uid " +
                                                      std::to_string(cred.uid) + ", not as " + user.name);
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
  return makeError(ErrorCode::PermissionDenied, "the caller (uid " + std::to_string(realUid) +
                                                    ") is neither root nor " + user.name + ": refusing to use " +
                                                    user.name + "'s agent for it");
}

Result<UniqueFd> connectUserAgent(const std::string& path, const UserAccount& user, unsigned timeoutSeconds) {
  SSHCA_RETURN_IF_ERROR(checkCallerMayUseAgent(::getuid(), user));
  SSHCA_RETURN_IF_ERROR(checkSocketPath(path));
  Result<UniqueFd> fd = makeError(ErrorCode::Internal, "unset");
  if (::geteuid() == user.uid)
    fd = connectDirect(path, user);
  else if (::geteuid() == 0)
    fd = connectAsUser(path, user, timeoutSeconds);
  else
    return makeError(ErrorCode::PermissionDenied,
                     "cannot take " + user.name + "'s identity to connect to the agent (not root)");
  if (!fd.ok()) return std::move(fd).error();
  SSHCA_RETURN_IF_ERROR(checkPeer(fd->get(), path, user));
  setTimeouts(fd->get(), timeoutSeconds);
  return fd;
}

}  // namespace sshca::pam
