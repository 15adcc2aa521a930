// How commands fail: print "sshca: <message>" on stderr and exit non-zero.
#pragma once

#include <iostream>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::cli {

// Thrown only inside a command callback and caught by runMain
// (cli_support/run_main.h): the one place where an Error becomes an exit
// status (cli_support/exit_status.h).
struct CliExit {
  Error error;
};

[[noreturn]] inline void fail(Error e) { throw CliExit{std::move(e)}; }

// Arguments that do not fit together, found after parsing: `fail(usage(...))`.
inline Error usage(std::string message) { return makeError(ErrorCode::InvalidArgument, std::move(message)); }

// Unwraps a Result or fails the command with its error.
template <class T>
T orFail(Result<T> r) {
  if (!r.ok()) fail(std::move(r).error());
  return std::move(r).value();
}
inline void orFail(Status s) {
  if (!s.ok()) fail(std::move(s).error());
}

}  // namespace sshca::cli
