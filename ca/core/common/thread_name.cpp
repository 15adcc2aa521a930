#include "ca/core/common/thread_name.h"

#include <pthread.h>

namespace sshca {

void nameThisThread(const std::string& name) {
  // Linux refuses names over 15 bytes outright: cut rather than lose it.
  std::string cut = name.substr(0, 15);
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace sshca
