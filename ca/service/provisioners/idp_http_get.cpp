#include "ca/service/provisioners/idp_http_get.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace sshca::provisioners {
namespace {

struct CurlEasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyFree>;

// curl_global_init is not thread-safe in every libcurl build: once, before
// the first handle (liboauth2 may have done it already; a second call only
// counts).
void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string body;
  size_t maxBytes;
  bool tooLarge = false;
};

// Returning less than given makes libcurl stop the transfer
// (CURLE_WRITE_ERROR): nothing past the cap is ever kept.
size_t append(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (n > sink->maxBytes - sink->body.size()) {
    sink->tooLarge = true;
    return 0;
  }
  sink->body.append(data, n);
  return n;
}

Status configure(CURL* c, const std::string& url, const IdpFetchLimits& limits, Sink& sink) {
  bool ok = curl_easy_setopt(c, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&  // threads: no SIGALRM
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.deadline.count())) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect.count())) == CURLE_OK &&
            // Refused before the body when Content-Length says so; the write
            // callback holds the cap when it does not.
            curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.maxBytes)) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink) == CURLE_OK &&
            curl_easy_setopt(c, CURLOPT_USERAGENT, "sshca") == CURLE_OK;
  if (!ok) return makeError(ErrorCode::Internal, "libcurl refused an option for GET " + url);
  return okStatus();
}

}  // namespace

Result<std::string> idpHttpGet(const std::string& url, const IdpFetchLimits& limits) {
  initCurlOnce();
  CurlEasy c(curl_easy_init());
  if (!c) return makeError(ErrorCode::Internal, "libcurl: cannot create a handle");
  Sink sink{{}, limits.maxBytes};
  SSHCA_RETURN_IF_ERROR(configure(c.get(), url, limits, sink));
  CURLcode rc = curl_easy_perform(c.get());
  const std::string what = "GET " + url;
  if (sink.tooLarge || rc == CURLE_FILESIZE_EXCEEDED)
    return makeError(ErrorCode::Unavailable, what + ": the answer is larger than " + std::to_string(limits.maxBytes) +
                                                 " bytes; refused, not read further");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return makeError(ErrorCode::Unavailable,
                     what + ": no complete answer within " + std::to_string(limits.deadline.count()) + " ms");
  if (rc != CURLE_OK) return makeError(ErrorCode::Unavailable, what + " failed: " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return makeError(ErrorCode::Unavailable, what + " answered HTTP " + std::to_string(status));
  return std::move(sink.body);
}

}  // namespace sshca::provisioners
