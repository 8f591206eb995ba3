// Column primitives of series_ops.h one row at a time, for indicators that fuse several steps into one pass
// (ADX: true range, three Wilder smoothings, DI and DX, a fourth smoothing; Williams %R: rolling max and min;
// Stochastic: rolling max and min, then two rolling means) instead of materialising a column per step.
// series_ops.cpp builds ewm_mean, rolling_max/min, true_range and (through KahanRun and kahan_mean)
// rolling_mean on these, so the fused and the column forms perform the same operations in the same order and
// give the same bits.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace ktrdr::indicators {

// pandas' ewm(com, adjust, ignore_na=False).mean() with min_periods 1, one value per call: next(x_i) returns
// ewm_mean's row i (leading NaN stay NaN, later NaN repeat the last value).
class EwmMean {
 public:
  EwmMean(double com, bool adjust)
      : old_wt_factor_(1. - 1. / (1. + com)), new_wt_(adjust ? 1. : 1. / (1. + com)), adjust_(adjust) {}

  double next(double cur) {
    if (!started_) {
      started_ = true;
      weighted_ = cur;
      nobs_ = cur == cur ? 1 : 0;
      return nobs_ >= 1 ? weighted_ : std::numeric_limits<double>::quiet_NaN();
    }
    const bool is_observation = cur == cur;
    nobs_ += is_observation ? 1 : 0;
    if (weighted_ == weighted_) {
      // ignore_na=False: the weight decays over NaN as well.
      old_wt_ *= old_wt_factor_;
      if (is_observation) {
        if (weighted_ != cur) {
          weighted_ = old_wt_ * weighted_ + new_wt_ * cur;
          // x / 1.0 == x exactly; with adjust=False the denominator is usually exactly 1.0, and the
          // division is the long pole of this serial recurrence.
          const double denom = old_wt_ + new_wt_;
          if (denom != 1.0) weighted_ /= denom;
        }
        if (adjust_) {
          old_wt_ += new_wt_;
        } else {
          old_wt_ = 1.;
        }
      }
    } else if (is_observation) {
      weighted_ = cur;
    }
    return nobs_ >= 1 ? weighted_ : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double old_wt_factor_;
  double new_wt_;
  bool adjust_;
  bool started_ = false;
  double weighted_ = 0.0;
  long long nobs_ = 0;
  double old_wt_ = 1.;
};

// pandas' rolling(window, min_periods).max() (kIsMax) or .min() over `x`, one row per call: the i-th call of
// next() returns row i. NaN are skipped; min_periods counts non-NaN values (0 acts as 1). `x` must outlive
// this.
template <bool kIsMax>
class RollingExtreme {
 public:
  RollingExtreme(std::span<const double> x, size_t window, size_t min_periods)
      : x_(x),
        window_(window),
        cap_(window + 1),
        ring_(window + 1),
        minp_(min_periods == 0 ? 1 : min_periods) {}

  double next() {
    // pandas' monotonic deque of indices of non-NaN values, kept in a ring of window + 1 slots (an index
    // leaves once it is `window` bars old, so no more are ever held).
    const size_t i = i_++;
    const double v = x_[i];
    if (v == v) {
      ++nobs_;
      while (size_ != 0) {
        const size_t back = tail_ == 0 ? cap_ - 1 : tail_ - 1;
        if (!(kIsMax ? x_[ring_[back]] <= v : x_[ring_[back]] >= v)) break;
        tail_ = back;
        --size_;
      }
      ring_[tail_] = i;
      tail_ = tail_ + 1 == cap_ ? 0 : tail_ + 1;
      ++size_;
    }
    if (i >= window_) {
      const size_t gone = i - window_;
      if (x_[gone] == x_[gone]) --nobs_;
      while (size_ != 0 && ring_[head_] <= gone) {
        head_ = head_ + 1 == cap_ ? 0 : head_ + 1;
        --size_;
      }
    }
    return (nobs_ >= minp_ && size_ != 0) ? x_[ring_[head_]] : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  std::span<const double> x_;
  size_t window_;
  size_t cap_;
  std::vector<size_t> ring_;
  size_t minp_;
  size_t i_ = 0;
  size_t head_ = 0, tail_ = 0, size_ = 0;  // front ring_[head_]; the back is just before ring_[tail_]
  size_t nobs_ = 0;
};

// pandas' Kahan-compensated running sum of a rolling window (roll_sum / roll_mean in aggregations.pyx):
// values enter with add() and leave with remove(); NaN are skipped; same_run counts the run of identical
// values that ends at the newest one (it makes a constant window's mean exact).
struct KahanRun {
  double sum = 0.0;
  double comp_add = 0.0;
  double comp_remove = 0.0;
  long long nobs = 0;
  long long neg_ct = 0;
  long long same_run = 0;
  double prev_value = 0.0;

  void reset(double first) {
    sum = comp_add = comp_remove = 0.0;
    nobs = neg_ct = 0;
    same_run = 0;
    prev_value = first;
  }
  void add(double v) {
    if (v != v) return;
    ++nobs;
    const double y = v - comp_add;
    const double t = sum + y;
    comp_add = t - sum - y;
    sum = t;
    if (std::signbit(v)) ++neg_ct;
    if (v == prev_value) {
      ++same_run;
    } else {
      same_run = 1;
    }
    prev_value = v;
  }
  void remove(double v) {
    if (v != v) return;
    --nobs;
    const double y = -v - comp_remove;
    const double t = sum + y;
    comp_remove = t - sum - y;
    sum = t;
    if (std::signbit(v)) --neg_ct;
  }
};

// roll_mean's result for the window in `r` (NaN below min_periods).
inline double kahan_mean(const KahanRun& r, long long min_periods) {
  if (r.nobs >= min_periods && r.nobs > 0) {
    double result = r.sum / static_cast<double>(r.nobs);
    if (r.same_run >= r.nobs) {
      result = r.prev_value;
    } else if (r.neg_ct == 0 && result < 0) {
      result = 0;
    } else if (r.neg_ct == r.nobs && result > 0) {
      result = 0;
    }
    return result;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// pandas' rolling(window, min_periods).mean(), one value per call: next(x_i) returns row i of
// rolling_mean(x). Keeps the last `window` values (window >= 1). As roll_mean, a window that does not overlap
// the previous one (window 1) restarts the running sum.
class RollingMean {
 public:
  RollingMean(size_t window, size_t min_periods)
      : window_(window == 0 ? 1 : window), ring_(window_), minp_(static_cast<long long>(min_periods)) {}

  double next(double v) {
    if (i_ == 0 || window_ == 1) {
      run_.reset(v);
    } else if (i_ >= window_) {
      run_.remove(ring_[slot_]);  // the value that was `window` rows ago
    }
    run_.add(v);
    ring_[slot_] = v;
    slot_ = slot_ + 1 == window_ ? 0 : slot_ + 1;
    ++i_;
    return kahan_mean(run_, minp_);
  }

 private:
  size_t window_;
  std::vector<double> ring_;
  long long minp_;
  KahanRun run_;
  size_t i_ = 0;
  size_t slot_ = 0;
};

// True range of bar i > 0: max(H-L, |H-C_prev|, |L-C_prev|) skipping NaN (DataFrame.max(axis=1, skipna=True):
// NaN only when all three are NaN). Bar 0's true range is H_0 - L_0.
inline double true_range_value(double high, double low, double prev_close) {
  const double a = high - low;
  const double b = std::fabs(high - prev_close);
  const double c = std::fabs(low - prev_close);
  double m = std::numeric_limits<double>::quiet_NaN();
  for (double v : {a, b, c}) {
    if (v == v && (m != m || v > m)) m = v;
  }
  return m;
}

}  // namespace ktrdr::indicators
