#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/service/api/error_mapping.h"

using namespace sshca;

TEST_CASE("MapsEveryErrorCodeToTheDocumentedStatus", "[api]") {
  struct Row {
    ErrorCode code;
    int status;
  };
  const Row table[] = {
      {ErrorCode::InvalidArgument, 400},  {ErrorCode::InvalidFormat, 400}, {ErrorCode::Unsupported, 400},
      {ErrorCode::NotFound, 404},         {ErrorCode::AlreadyExists, 409}, {ErrorCode::Unauthenticated, 401},
      {ErrorCode::PermissionDenied, 403}, {ErrorCode::PinIncorrect, 503},  {ErrorCode::PinLocked, 503},
      {ErrorCode::Replayed, 409},         {ErrorCode::Unavailable, 503},   {ErrorCode::CryptoFailure, 500},
      {ErrorCode::IoError, 500},          {ErrorCode::Internal, 500},      {ErrorCode::RateLimited, 429},
  };
  for (const Row& row : table) {
    INFO(errorCodeName(row.code));
    CHECK(api::httpStatusFor(row.code) == row.status);
  }
}

// Ours ("error", "code") and what step clients read ("status", "message").
TEST_CASE("ErrorBodyCarriesMessageCodeNameAndStatus", "[api]") {
  auto body = nlohmann::json::parse(api::errorBody(409, makeError(ErrorCode::Replayed, "token already used")));
  CHECK(body["error"] == "token already used");
  CHECK(body["code"] == "replayed");
  CHECK(body["status"] == 409);
  CHECK(body["message"] == "token already used");
  CHECK(body.size() == 4);
}

TEST_CASE("ErrorBodySurvivesInvalidUtf8InMessage", "[api]") {
  std::string text = api::errorBody(400, makeError(ErrorCode::InvalidArgument, std::string("bad \xff\xfe name")));
  auto body = nlohmann::json::parse(text);
  CHECK(body["code"] == "invalid_argument");
}
