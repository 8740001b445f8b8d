// doctest helpers for absl::Status: check the specific code, never just
// "not OK" (STYLE.md).
//
//   CHECK_STATUS_IS(Amount::Parse("1e5", 2), kInvalidArgument);
//   CHECK_OK(db->Transact(...));
//   ASSIGN_OR_REQUIRE(Amount a, Amount::Parse("1.50", 2));

#ifndef BOTCORE_TESTS_SUPPORT_STATUS_TESTING_H_
#define BOTCORE_TESTS_SUPPORT_STATUS_TESTING_H_

#include <doctest/doctest.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace botcore::testing {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace botcore::testing

// Checks that `expr` (a Status or StatusOr) has code
// absl::StatusCode::`expected`.
#define CHECK_STATUS_IS(expr, expected)                                      \
  do {                                                                   \
    const ::absl::Status botcore_s_ = ::botcore::testing::StatusOf(expr); \
    CHECK_MESSAGE(botcore_s_.code() == ::absl::StatusCode::expected,         \
                  "expected " #expected ", got " << botcore_s_.ToString());  \
  } while (0)

#define CHECK_OK(expr) CHECK_STATUS_IS(expr, kOk)

#define REQUIRE_OK(expr)                                                 \
  do {                                                                   \
    const ::absl::Status botcore_s_ = ::botcore::testing::StatusOf(expr); \
    REQUIRE_MESSAGE(botcore_s_.ok(), botcore_s_.ToString());             \
  } while (0)

// Requires `rexpr` (a StatusOr) to be OK and moves its value into `lhs`.
#define ASSIGN_OR_REQUIRE(lhs, rexpr)                                   \
  ASSIGN_OR_REQUIRE_IMPL_(DOCTEST_ANONYMOUS(botcore_statusor_), lhs, rexpr)
#define ASSIGN_OR_REQUIRE_IMPL_(statusor, lhs, rexpr)          \
  auto statusor = (rexpr);                                     \
  REQUIRE_MESSAGE(statusor.ok(), statusor.status().ToString()); \
  lhs = *std::move(statusor)

#endif  // BOTCORE_TESTS_SUPPORT_STATUS_TESTING_H_
