// How the ACME code refuses: an ACME problem kind (api/acme_api.h) with the
// Error that says why. Outcome<T> is Result<T> with that kind attached, so a
// refusal deep in a check reaches the client as the right problem type.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "ca/core/common/result.h"
#include "ca/service/api/acme_api.h"

namespace sshca::acme {

struct Refusal {
  api::AcmeProblem problem;
  Error error;
};

template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : value_(std::move(value)) {}              // NOLINT(google-explicit-constructor)
  Outcome(Refusal refusal) : refusal_(std::move(refusal)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return value_.has_value(); }
  T& value() { return *value_; }
  const Refusal& refusal() const { return *refusal_; }

 private:
  std::optional<T> value_;
  std::optional<Refusal> refusal_;
};

inline Refusal refuse(api::AcmeProblem problem, std::string message) {
  ErrorCode code = ErrorCode::InvalidArgument;
  if (problem == api::AcmeProblem::Unauthorized) code = ErrorCode::PermissionDenied;
  if (problem == api::AcmeProblem::BadNonce) code = ErrorCode::Replayed;
  if (problem == api::AcmeProblem::NotFound || problem == api::AcmeProblem::AccountDoesNotExist)
    code = ErrorCode::NotFound;
  if (problem == api::AcmeProblem::ServerInternal) code = ErrorCode::Internal;
  return {problem, makeError(code, std::move(message))};
}

// An error from below (store, issuer): NotFound is a 404, a lost
// compare-and-set a malformed request, the rest the CA's own failure.
inline Refusal fromError(Error error) {
  switch (error.code) {
    case ErrorCode::NotFound:
      return {api::AcmeProblem::NotFound, std::move(error)};
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidFormat:
    case ErrorCode::AlreadyExists:
      return {api::AcmeProblem::Malformed, std::move(error)};
    default:
      return {api::AcmeProblem::ServerInternal, std::move(error)};
  }
}

template <class T>
Outcome<T> fromResult(Result<T> r) {
  if (!r.ok()) return fromError(std::move(r).error());
  return std::move(r).value();
}

}  // namespace sshca::acme

#define SSHCA_ACME_CONCAT_INNER(a, b) a##b
#define SSHCA_ACME_CONCAT(a, b) SSHCA_ACME_CONCAT_INNER(a, b)
// ACME_TRY(T x, expr): x = the value of an Outcome, or return its refusal.
#define ACME_TRY(decl, expr) ACME_TRY_IMPL(decl, expr, SSHCA_ACME_CONCAT(acme_outcome_, __LINE__))
#define ACME_TRY_IMPL(decl, expr, tmp) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.refusal(); \
  decl = std::move(tmp.value())
