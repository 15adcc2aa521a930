#pragma once

#include <string>

namespace sshca {

// Names the calling thread (at most 15 characters are kept), so that
// `top -H`, `ps -L` and a profiler tell the I/O threads, the authority's
// pool and the database writer apart. A failure to name changes nothing.
void nameThisThread(const std::string& name);

}  // namespace sshca
