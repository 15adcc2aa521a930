// Counts open connections, in total and per source address, so that no
// one source (or everyone together) can hold more sockets than configured.
// A slot is taken at accept and given back when the connection closes.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sshca::api {

class ConnectionLimits {
 public:
  ConnectionLimits(size_t total, size_t perSource) : total_(total), perSource_(perSource) {}

  // RAII: the slot of one accepted connection.
  class Slot {
   public:
    Slot() = default;
    Slot(ConnectionLimits* owner, std::string source) : owner_(owner), source_(std::move(source)) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_), source_(std::move(o.source_)) { o.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (owner_) owner_->release(source_);
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    ConnectionLimits* owner_ = nullptr;
    std::string source_;
  };

  // An empty Slot when either limit is reached.
  Slot acquire(const std::string& source);
  size_t open() const;

 private:
  void release(const std::string& source);

  const size_t total_;
  const size_t perSource_;
  mutable std::mutex mu_;
  size_t open_ = 0;
  std::unordered_map<std::string, size_t> bySource_;
};

}  // namespace sshca::api
