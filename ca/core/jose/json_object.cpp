#include "ca/core/jose/json_object.h"

#include <set>
#include <vector>

namespace sshca::jose {

namespace {

using Json = nlohmann::json;

// Watches the parser's events and remembers whether any object repeats a
// member name. Arrays push an unused set so that pops stay balanced.
class DuplicateKeyWatcher {
 public:
  bool onEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        open_.emplace_back();
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!open_.empty()) open_.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_.empty() && parsed.is_string() && !open_.back().insert(parsed.get<std::string>()).second)
          duplicate_ = true;
        break;
      case Json::parse_event_t::value:
        break;
    }
    return true;  // keep every value; the verdict comes after the parse
  }
  bool sawDuplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> open_;
  bool duplicate_ = false;
};

}  // namespace

Result<Json> parseJsonObject(std::string_view text, std::string_view what) {
  DuplicateKeyWatcher watcher;
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(),
                        [&watcher](int, Json::parse_event_t e, Json& parsed) { return watcher.onEvent(e, parsed); });
  } catch (const Json::exception&) {
    // The library's message quotes input bytes; a token must not reach logs.
    return makeError(ErrorCode::InvalidFormat, std::string(what) + " is not valid JSON");
  }
  if (!value.is_object()) return makeError(ErrorCode::InvalidFormat, std::string(what) + " is not a JSON object");
  if (watcher.sawDuplicate()) return makeError(ErrorCode::InvalidFormat, std::string(what) + " repeats a member name");
  return value;
}

Result<std::string> dumpJson(const Json& value, std::string_view what) {
  try {
    return value.dump();
  } catch (const Json::exception&) {
    return makeError(ErrorCode::InvalidArgument, std::string(what) + " holds a string that is not valid UTF-8");
  }
}

}  // namespace sshca::jose
