// absl::Time <-> datetime.datetime, timezone-aware: times come out in UTC,
// and a naive datetime going in is refused (TypeError), since it could be
// in any zone. absl::Duration <-> datetime.timedelta. Microsecond precision,
// as datetime has.

#ifndef BOTCORE_BINDINGS_PYTHON_TIME_CASTER_H_
#define BOTCORE_BINDINGS_PYTHON_TIME_CASTER_H_

#include <pybind11/pybind11.h>

#include <cstdint>

#include "absl/time/time.h"

namespace pybind11::detail {

template <>
struct type_caster<absl::Time> {
 public:
  PYBIND11_TYPE_CASTER(absl::Time, const_name("datetime.datetime"));

  bool load(handle src, bool) {
    module_ datetime = module_::import("datetime");
    if (!isinstance(src, datetime.attr("datetime"))) return false;
    object utc = datetime.attr("timezone").attr("utc");
    object dt = reinterpret_borrow<object>(src);
    if (dt.attr("utcoffset")().is_none()) {
      throw type_error(
          "a naive datetime has no time zone; pass an aware one, e.g. "
          "datetime(..., tzinfo=datetime.timezone.utc)");
    }
    object epoch = datetime.attr("datetime")(1970, 1, 1, arg("tzinfo") = utc);
    object micro = datetime.attr("timedelta")(arg("microseconds") = 1);
    object delta = dt.attr("__sub__")(epoch);
    value =
        absl::FromUnixMicros(delta.attr("__floordiv__")(micro).cast<int64_t>());
    return true;
  }

  static handle cast(absl::Time t, return_value_policy, handle) {
    module_ datetime = module_::import("datetime");
    object utc = datetime.attr("timezone").attr("utc");
    object epoch = datetime.attr("datetime")(1970, 1, 1, arg("tzinfo") = utc);
    object delta =
        datetime.attr("timedelta")(arg("microseconds") = absl::ToUnixMicros(t));
    return epoch.attr("__add__")(delta).release();
  }
};

template <>
struct type_caster<absl::Duration> {
 public:
  PYBIND11_TYPE_CASTER(absl::Duration, const_name("datetime.timedelta"));

  bool load(handle src, bool) {
    module_ datetime = module_::import("datetime");
    if (!isinstance(src, datetime.attr("timedelta"))) return false;
    object micro = datetime.attr("timedelta")(arg("microseconds") = 1);
    value = absl::Microseconds(src.attr("__floordiv__")(micro).cast<int64_t>());
    return true;
  }

  static handle cast(absl::Duration d, return_value_policy, handle) {
    module_ datetime = module_::import("datetime");
    return datetime
        .attr("timedelta")(arg("microseconds") = absl::ToInt64Microseconds(d))
        .release();
  }
};

}  // namespace pybind11::detail

#endif  // BOTCORE_BINDINGS_PYTHON_TIME_CASTER_H_
