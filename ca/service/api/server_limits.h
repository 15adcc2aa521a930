// The front door's deadlines and limits (docs/configuration.md, "Exposing
// the service"). Every one bounds what a client that is slow, idle,
// half-open or hostile can hold: a connection costs memory, never a thread,
// and only for as long as these allow.
#pragma once

#include <cstddef>

namespace sshca::api {

struct ServerLimits {
  int tlsHandshakeMs = 10'000;             // from accept to a finished handshake
  int requestHeadMs = 10'000;              // from a request's first byte to its last header line
  int requestBodyMs = 10'000;              // from the end of the head to the last body byte
  int writeMs = 10'000;                    // to write one response
  int idleSeconds = 120;                   // a kept-alive connection waiting for its next request
  size_t maxHeaderBytes = 16 * 1024;       // request line plus headers; beyond: 431
  size_t maxHeaderCount = 100;             // header fields; beyond: 431
  size_t maxConnections = 16'384;          // open at once (clamped to the open-file limit)
  size_t maxConnectionsPerSource = 1'024;  // open at once from one IP address
  size_t queueLength = 1'024;              // requests waiting for an authority thread; beyond: 503
  int queueWaitMs = 5'000;                 // a request that cannot start within this: 503, never started
  int drainSeconds = 10;                   // SIGTERM: how long in-flight requests may take to finish
  int retryAfterSeconds = 1;               // Retry-After of a shed request's 503
};

}  // namespace sshca::api
