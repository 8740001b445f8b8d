#include "indicators/validation.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace botcore::ta::internal {
namespace {

// These scans run on every batch call, so they are written to vectorize:
// kLanes independent accumulators (enough to hide the add latency), no early
// exit, and raw pointers (Debian's hardened absl::Span::operator[] checks
// its bound, which blocks vectorization).
constexpr int kLanes = 16;

// True when some value is NaN or infinite, and (rarely) when finite values
// sum to infinity: the caller then looks for the bad value and finds none.
// One addition per value.
bool HasNonFinite(absl::Span<const double> span) {
  const double* d = span.data();
  const size_t n = span.size();
  double a[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) a[k] += d[i + k];
  }
  for (; i < n; ++i) a[0] += d[i];
  bool finite = true;
  for (double v : a) finite &= std::isfinite(v);
  return !finite;
}

// True when some a[i] < b[i] (all values finite).
bool HasBelow(absl::Span<const double> a_span,
              absl::Span<const double> b_span) {
  const double* a = a_span.data();
  const double* b = b_span.data();
  const size_t n = a_span.size();
  double m[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const double d = b[i + k] - a[i + k];
      m[k] = d > m[k] ? d : m[k];
    }
  }
  for (; i < n; ++i) {
    const double d = b[i] - a[i];
    m[0] = d > m[0] ? d : m[0];
  }
  for (double v : m) {
    if (v > 0) return true;
  }
  return false;
}

// True when some value is negative.
bool HasNegative(absl::Span<const double> span) {
  const double* d = span.data();
  const size_t n = span.size();
  double m[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) m[k] = d[i + k] < m[k] ? d[i + k] : m[k];
  }
  for (; i < n; ++i) m[0] = d[i] < m[0] ? d[i] : m[0];
  for (double v : m) {
    if (v < 0) return true;
  }
  return false;
}

}  // namespace

Validation& Validation::Period(const char* name, int value, int min, int max) {
  if (parameter_error_.ok() && (value < min || value > max)) {
    parameter_error_ = absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": ", name, " must be in ", min, "..", max,
                     ", got ", value));
  }
  periods_[period_count_++] = {name, value, min, max};
  return *this;
}

Validation& Validation::MaType(const char* name, ta::MAType value) {
  if (parameter_error_.ok() && value != ta::MAType::kSma &&
      value != ta::MAType::kEma) {
    parameter_error_ = absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": ", name, " ", static_cast<int>(value), " (",
                     std::string(MATypeName(value)),
                     ") is not supported; use 0 (SMA) or 1 (EMA)"));
  }
  return *this;
}

Validation& Validation::Settings(const TaSettings& settings) {
  if (parameter_error_.ok() && settings.unstable_period < 0) {
    parameter_error_ = absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": unstable_period must be >= 0, got ",
                     settings.unstable_period));
  }
  if (parameter_error_.ok() &&
      settings.compatibility != Compatibility::kDefault &&
      settings.compatibility != Compatibility::kMetastock) {
    parameter_error_ = absl::InvalidArgumentError(absl::StrCat(
        indicator_,
        ": compatibility must be 0 (default) or 1 (metastock), got ",
        static_cast<int>(settings.compatibility)));
  }
  return *this;
}

Validation& Validation::AtLeast(const char* name, double value, double min) {
  if (parameter_error_.ok() && !(std::isfinite(value) && value >= min)) {
    parameter_error_ = absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": ", name, " must be finite and >= ", min,
                     ", got ", value));
  }
  return *this;
}

Validation& Validation::Finite(const char* name, double value) {
  if (parameter_error_.ok() && !std::isfinite(value)) {
    parameter_error_ = absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": ", name, " must be finite, got ", value));
  }
  return *this;
}

Validation& Validation::Input(const char* name, absl::Span<const double> data) {
  inputs_[input_count_++] = {name, data};
  return *this;
}

Validation& Validation::Sessions(absl::Span<const int64_t> session) {
  session_ = session;
  has_session_ = true;
  return *this;
}

Validation& Validation::HighLow(absl::Span<const double> high,
                                absl::Span<const double> low) {
  high_ = high;
  low_ = low;
  return *this;
}

Validation& Validation::Volume(absl::Span<const double> volume) {
  volume_ = volume;
  return Input("volume", volume);
}

Validation& Validation::Output(const char* name, absl::Span<double> data) {
  outputs_[output_count_++] = {name, data.size()};
  return *this;
}

absl::Status Validation::status() const {
  if (!parameter_error_.ok()) return parameter_error_;
  if (input_count_ == 0) return absl::OkStatus();  // a streaming Create()
  const absl::Span<const InputCheck> inputs(inputs_.data(), input_count_);
  const size_t n = inputs_.front().data.size();
  for (const InputCheck& in : inputs) {
    if (in.data.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(indicator_, ": ", in.name, " is empty"));
    }
    if (in.data.size() != n) {
      return absl::InvalidArgumentError(
          absl::StrCat(indicator_, ": ", in.name, " has ", in.data.size(),
                       " values but ", inputs_.front().name, " has ", n));
    }
  }
  if (has_session_ && session_.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(indicator_, ": session has ", session_.size(),
                     " values but ", inputs_.front().name, " has ", n));
  }
  for (const PeriodCheck& p :
       absl::MakeConstSpan(periods_.data(), period_count_)) {
    if (static_cast<size_t>(p.value) > n) {
      return absl::InvalidArgumentError(
          absl::StrCat(indicator_, ": ", p.name, " ", p.value,
                       " is longer than the input (", n, " bars)"));
    }
  }
  for (const OutputCheck& out :
       absl::MakeConstSpan(outputs_.data(), output_count_)) {
    if (out.size != n) {
      return absl::InvalidArgumentError(
          absl::StrCat(indicator_, ": output ", out.name, " has ", out.size,
                       " values but the input has ", n));
    }
  }
  return absl::OkStatus();
}

absl::Status Validation::CheckValues(int64_t begin, int64_t end) const {
  const absl::Span<const InputCheck> inputs(inputs_.data(), input_count_);
  for (const InputCheck& in : inputs) {
    if (!HasNonFinite(in.data.subspan(begin, end - begin))) continue;
    for (int64_t i = begin; i < end; ++i) {
      if (!std::isfinite(in.data[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat(indicator_, ": ", in.name, "[", i, "] is ", in.data[i],
                         "; inputs must be finite"));
      }
    }
  }
  if (!high_.empty() && HasBelow(high_.subspan(begin, end - begin),
                                 low_.subspan(begin, end - begin))) {
    for (int64_t i = begin; i < end; ++i) {
      if (high_[i] < low_[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat(indicator_, ": high[", i, "] = ", high_[i],
                         " is below low[", i, "] = ", low_[i]));
      }
    }
  }
  if (!volume_.empty() && HasNegative(volume_.subspan(begin, end - begin))) {
    for (int64_t i = begin; i < end; ++i) {
      if (volume_[i] < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            indicator_, ": volume[", i, "] = ", volume_[i], " is negative"));
      }
    }
  }
  return absl::OkStatus();
}

void FillNaN(absl::Span<double> out, int64_t count) {
  if (count > static_cast<int64_t>(out.size())) {
    count = static_cast<int64_t>(out.size());
  }
  std::fill(out.data(), out.data() + std::max<int64_t>(count, 0),
            std::numeric_limits<double>::quiet_NaN());
}

}  // namespace botcore::ta::internal
