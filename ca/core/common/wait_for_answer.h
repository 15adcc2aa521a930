// The synchronous face of an operation that answers through a callback
// (maybe on another thread, such as the database's writer): the store's
// blocking writes and the authority's blocking sign, renew and rekey.
#pragma once

#include <functional>
#include <future>
#include <memory>

#include "ca/core/common/result.h"

namespace sshca {

// Runs `start`, which answers through the callback it is given, exactly
// once, and waits for that answer. The callback owns the promise, so the
// promise lives until set_value has returned on the answering thread.
template <class T>
Result<T> waitForAnswer(const std::function<void(std::function<void(Result<T>)>)>& start) {
  auto answer = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> got = answer->get_future();
  start([answer](Result<T> r) { answer->set_value(std::move(r)); });
  return got.get();
}

}  // namespace sshca
