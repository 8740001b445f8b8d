// Private helpers for propagating absl::Status. Debian's Abseil (20220623) has
// no status macros of its own; these are the only ones in the tree.
//
//   BOTCORE_RETURN_IF_ERROR(db.Transact(...));
//   BOTCORE_ASSIGN_OR_RETURN(Amount fee, cost.MultiplyByRate(rate, mode));

#ifndef BOTCORE_INTERNAL_STATUS_MACROS_H_
#define BOTCORE_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define BOTCORE_RETURN_IF_ERROR(expr)                           \
  do {                                                          \
    if (::absl::Status botcore_status_ = (expr);                \
        !botcore_status_.ok()) {                                \
      return botcore_status_;                                   \
    }                                                           \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status from the
// enclosing function when not OK, otherwise moves the value into `lhs`, which
// may be a declaration ("Amount fee") or an existing variable.
#define BOTCORE_ASSIGN_OR_RETURN(lhs, rexpr)                              \
  BOTCORE_ASSIGN_OR_RETURN_IMPL_(                                         \
      BOTCORE_STATUS_MACROS_CONCAT_(botcore_statusor_, __LINE__), lhs, rexpr)

#define BOTCORE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = *std::move(statusor)

#define BOTCORE_STATUS_MACROS_CONCAT_(x, y) BOTCORE_STATUS_MACROS_CONCAT_IMPL_(x, y)
#define BOTCORE_STATUS_MACROS_CONCAT_IMPL_(x, y) x##y

#endif  // BOTCORE_INTERNAL_STATUS_MACROS_H_
