// Indicator registry: names and aliases (docs/reference.md §1.3), parameter schemas (§3), validation and
// dispatch.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "indicator_defs.h"
#include "ktrdr/common/error.h"

namespace ktrdr::indicators {
namespace detail {
namespace {

using Kind = ParamValue::Kind;

ParamDef int_param(std::string name, long long def, long long lo, long long hi) {
  ParamDef d;
  d.name = std::move(name);
  d.kind = Kind::kInt;
  d.def = ParamValue::of_int(def);
  d.has_bounds = true;
  d.lo = static_cast<double>(lo);
  d.hi = static_cast<double>(hi);
  return d;
}
ParamDef float_param(std::string name, double def, double lo, double hi, bool lo_open = false,
                     bool hi_open = false) {
  ParamDef d;
  d.name = std::move(name);
  d.kind = Kind::kFloat;
  d.def = ParamValue::of_float(def);
  d.has_bounds = true;
  d.lo = lo;
  d.hi = hi;
  d.lo_open = lo_open;
  d.hi_open = hi_open;
  return d;
}
ParamDef bool_param(std::string name, bool def) {
  ParamDef d;
  d.name = std::move(name);
  d.kind = Kind::kBool;
  d.def = ParamValue::of_bool(def);
  return d;
}
ParamDef string_param(std::string name, std::string def, std::vector<std::string> choices) {
  ParamDef d;
  d.name = std::move(name);
  d.kind = Kind::kString;
  d.def = ParamValue::of_string(std::move(def));
  d.choices = std::move(choices);
  return d;
}
ParamDef source_param() {
  return string_param("source", "close", {"open", "high", "low", "close", "volume"});
}

int pi(const Params& p, const char* n) {
  return p.i(n);
}

std::vector<IndicatorDef> build_registry() {
  std::vector<IndicatorDef> r;
  auto add = [&r](std::string canonical, std::vector<std::string> aliases, std::vector<ParamDef> params,
                  std::vector<std::string> outputs, MinRowsFn min_rows, ComputeFn fn) {
    r.push_back(
        {std::move(canonical), std::move(aliases), std::move(params), std::move(outputs), min_rows, fn});
  };
  add(
      "rsi", {"rsiindicator"}, {int_param("period", 14, 2, 100), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_rsi);
  add(
      "sma", {"simplemovingaverage"}, {int_param("period", 20, 2, 500), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_sma);
  add(
      "ema", {"exponentialmovingaverage"},
      {int_param("period", 20, 1, 500), source_param(), bool_param("adjust", true)}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_ema);
  add(
      "wma", {"weightedmovingaverage"}, {int_param("period", 20, 2, 500), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_wma);
  add(
      "macd", {"macdindicator"},
      {int_param("fast_period", 12, 1, 100), int_param("slow_period", 26, 1, 200),
       int_param("signal_period", 9, 1, 50), source_param()},
      {"line", "signal", "histogram"},
      [](const Params& p) -> size_t {
        return std::max(pi(p, "fast_period"), pi(p, "slow_period")) + pi(p, "signal_period");
      },
      compute_macd);
  add(
      "atr", {"atrindicator"}, {int_param("period", 14, 1, 100)}, {},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_atr);
  add(
      "adx", {"adxindicator"}, {int_param("period", 14, 2, 200)}, {"adx", "plus_di", "minus_di"},
      [](const Params& p) -> size_t { return 2 * pi(p, "period") + 1; }, compute_adx);
  add(
      "stochastic", {"stochasticindicator"},
      {int_param("k_period", 14, 1, 100), int_param("d_period", 3, 1, 20), int_param("smooth_k", 3, 1, 20)},
      {"k", "d"},
      [](const Params& p) -> size_t {
        return std::max(pi(p, "k_period"), pi(p, "smooth_k")) + pi(p, "d_period");
      },
      compute_stochastic);
  add(
      "bollingerbands", {"bbands", "bollingerbandsindicator"},
      {int_param("period", 20, 2, 200), float_param("multiplier", 2.0, 0, 10, true), source_param()},
      {"upper", "middle", "lower"}, [](const Params& p) -> size_t { return pi(p, "period"); },
      compute_bollingerbands);
  add(
      "bollingerbandwidth", {"bollingerbandwidthindicator"},
      {int_param("period", 20, 2, 200), float_param("multiplier", 2.0, 0, 10, true), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_bollingerbandwidth);
  add(
      "cci", {"cciindicator"}, {int_param("period", 20, 2, 100)}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_cci);
  add(
      "williamsr", {"williamsrindicator"}, {int_param("period", 14, 1, 100)}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_williamsr);
  add(
      "momentum", {"momentumindicator"}, {int_param("period", 10, 1, 100), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_momentum);
  add(
      "roc", {"rocindicator"}, {int_param("period", 10, 1, 100), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_roc);
  add(
      "rvi", {"rviindicator"}, {int_param("period", 10, 4, 100), int_param("signal_period", 4, 1, 50)},
      {"rvi", "signal"}, [](const Params& p) -> size_t { return pi(p, "period") + 3; }, compute_rvi);
  add(
      "aroon", {"aroonindicator"}, {int_param("period", 14, 1, 200), bool_param("include_oscillator", false)},
      {"up", "down", "oscillator"}, [](const Params& p) -> size_t { return pi(p, "period"); }, compute_aroon);
  add(
      "keltnerchannels", {"keltnerchannelsindicator"},
      {int_param("period", 20, 2, 500), int_param("atr_period", 10, 2, 200),
       float_param("multiplier", 2.0, 0, 10, true)},
      {"upper", "middle", "lower"},
      [](const Params& p) -> size_t { return std::max(pi(p, "period"), pi(p, "atr_period")) + 1; },
      compute_keltnerchannels);
  add(
      "donchianchannels", {"donchianchannelsindicator"},
      {int_param("period", 20, 2, 500), bool_param("include_middle", true)}, {"upper", "middle", "lower"},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_donchianchannels);
  add(
      "supertrend", {"supertrendindicator"},
      {int_param("period", 10, 2, 200), float_param("multiplier", 3.0, 0, 10, true)}, {"trend", "direction"},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_supertrend);
  add(
      "parabolicsar", {"parabolicsarindicator"},
      {float_param("initial_af", 0.02, 0.001, 0.1), float_param("step_af", 0.02, 0.001, 0.1),
       float_param("max_af", 0.2, 0.01, 1.0)},
      {}, [](const Params&) -> size_t { return 2; }, compute_parabolicsar);
  add(
      "ichimoku", {"ichimokuindicator"},
      {int_param("tenkan_period", 9, 1, 50), int_param("kijun_period", 26, 1, 100),
       int_param("senkou_b_period", 52, 1, 200), int_param("displacement", 26, 1, 100)},
      {"tenkan", "kijun", "senkou_a", "senkou_b", "chikou"},
      [](const Params& p) -> size_t {
        return std::max({pi(p, "tenkan_period"), pi(p, "kijun_period"), pi(p, "senkou_b_period")});
      },
      compute_ichimoku);
  add(
      "obv", {"obvindicator"}, {}, {}, [](const Params&) -> size_t { return 2; }, compute_obv);
  add(
      "vwap", {"vwapindicator"}, {int_param("period", 20, 0, 200), bool_param("use_typical_price", true)}, {},
      [](const Params& p) -> size_t { return std::max(1, pi(p, "period")); }, compute_vwap);
  add(
      "mfi", {"mfiindicator"}, {int_param("period", 14, 1, 100)}, {},
      [](const Params& p) -> size_t { return pi(p, "period") + 1; }, compute_mfi);
  add(
      "cmf", {"cmfindicator"}, {int_param("period", 21, 2, 500)},
      {"cmf", "mf_multiplier", "mf_volume", "momentum", "signal", "histogram", "above_zero", "below_zero"},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_cmf);
  add(
      "adline", {"adlineindicator"},
      {bool_param("use_sma_smoothing", false), int_param("smoothing_period", 21, 2, 200)},
      {"line", "mf_multiplier", "mf_volume", "roc_10", "momentum_21", "relative_strength"},
      [](const Params&) -> size_t { return 1; }, compute_adline);
  add(
      "volumeratio", {"volumeratioindicator"}, {int_param("period", 20, 2, 100)}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_volumeratio);
  add(
      "distancefromma", {"distancefrommaindicator"},
      {int_param("period", 20, 1, 200), string_param("ma_type", "SMA", {"SMA", "EMA"}), source_param()}, {},
      [](const Params& p) -> size_t { return pi(p, "period"); }, compute_distancefromma);
  add(
      "squeezeintensity", {"squeezeintensityindicator"},
      {int_param("bb_period", 20, 2, 200), float_param("bb_multiplier", 2.0, 0, 10, true),
       int_param("kc_period", 20, 2, 500), float_param("kc_multiplier", 2.0, 0, 10, true), source_param()},
      {}, [](const Params& p) -> size_t { return std::max(pi(p, "bb_period"), pi(p, "kc_period")); },
      compute_squeezeintensity);
  add(
      "fishertransform", {"fishertransformindicator"},
      {int_param("period", 10, 2, 100), int_param("smoothing", 3, 1, 20)}, {"fisher", "signal"},
      [](const Params& p) -> size_t { return pi(p, "period") + pi(p, "smoothing"); },
      compute_fishertransform);
  add(
      "zigzag", {"zigzagindicator"}, {float_param("threshold", 0.05, 0, 1, true, true), source_param()}, {},
      [](const Params&) -> size_t { return 3; }, compute_zigzag);
  return r;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string describe(const ParamValue& v) {
  switch (v.kind) {
    case Kind::kInt:
      return fmt::format("{}", static_cast<long long>(v.number));
    case Kind::kFloat: {
      std::string s = fmt::format("{}", v.number);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::kBool:
      return v.boolean ? "true" : "false";
    case Kind::kString:
      return fmt::format("'{}'", v.text);
  }
  return "?";
}

std::string num(double d, Kind k) {
  return k == Kind::kInt ? fmt::format("{}", static_cast<long long>(d)) : fmt::format("{}", d);
}

std::string allowed_range(const ParamDef& d) {
  if (!d.lo_open && !d.hi_open) return fmt::format("in {}..{}", num(d.lo, d.kind), num(d.hi, d.kind));
  return fmt::format("{} {} and {} {}", d.lo_open ? ">" : ">=", num(d.lo, d.kind),
                     d.hi_open ? "<" : "<=", num(d.hi, d.kind));
}

const IndicatorDef& find_def(const IndicatorSpec& spec) {
  const std::string canon = canonical_type(spec.type);
  if (canon.empty()) {
    std::string known;
    for (const auto& k : known_types()) known += (known.empty() ? "" : ", ") + k;
    KTRDR_FAIL("indicator {}: unknown type '{}'; known types: {}", spec.id, spec.type, known);
  }
  for (const auto& d : registry()) {
    if (d.canonical == canon) return d;
  }
  KTRDR_FAIL("indicator {}: type '{}' has no definition", spec.id, spec.type);
}

// Validates and resolves parameters (defaults filled in, declaration order).
std::vector<ParamValue> resolve(const IndicatorSpec& spec, const IndicatorDef& def,
                                std::vector<std::string>* warnings, bool strict) {
  std::vector<ParamValue> values;
  values.reserve(def.params.size());
  for (const auto& d : def.params) values.push_back(d.def);
  std::vector<std::string> unknown;
  for (const auto& [name, value] : spec.params) {
    size_t k = 0;
    while (k < def.params.size() && def.params[k].name != name) ++k;
    if (k == def.params.size()) {
      unknown.push_back(name);
      continue;
    }
    const ParamDef& d = def.params[k];
    ParamValue v = value;
    switch (d.kind) {
      case Kind::kInt:
        KTRDR_REQUIRE(v.kind == Kind::kInt, "indicator {}: {} must be an integer {} (got {})", spec.id,
                      d.name, allowed_range(d), describe(v));
        break;
      case Kind::kFloat:
        KTRDR_REQUIRE(v.kind == Kind::kInt || v.kind == Kind::kFloat,
                      "indicator {}: {} must be a number {} (got {})", spec.id, d.name, allowed_range(d),
                      describe(v));
        v.kind = Kind::kFloat;
        break;
      case Kind::kBool:
        KTRDR_REQUIRE(v.kind == Kind::kBool, "indicator {}: {} must be true or false (got {})", spec.id,
                      d.name, describe(v));
        break;
      case Kind::kString: {
        KTRDR_REQUIRE(v.kind == Kind::kString, "indicator {}: {} must be a string (got {})", spec.id, d.name,
                      describe(v));
        if (!d.choices.empty()) {
          auto it = std::find_if(d.choices.begin(), d.choices.end(),
                                 [&](const std::string& c) { return lower(c) == lower(v.text); });
          if (it == d.choices.end()) {
            std::string list;
            for (const auto& c : d.choices) list += (list.empty() ? "" : ", ") + c;
            KTRDR_FAIL("indicator {}: {} must be one of {} (got {})", spec.id, d.name, list, describe(v));
          }
          v.text = *it;
        }
        break;
      }
    }
    if (d.has_bounds && (d.kind == Kind::kInt || d.kind == Kind::kFloat)) {
      const double x = v.number;
      const bool ok =
          !std::isnan(x) && (d.lo_open ? x > d.lo : x >= d.lo) && (d.hi_open ? x < d.hi : x <= d.hi);
      KTRDR_REQUIRE(ok, "indicator {}: {} must be {} (got {})", spec.id, d.name, allowed_range(d),
                    describe(value));
    }
    values[k] = v;
  }
  if (!unknown.empty()) {
    std::string names, known;
    for (const auto& u : unknown) names += (names.empty() ? "'" : ", '") + u + "'";
    for (const auto& d : def.params) known += (known.empty() ? "" : ", ") + d.name;
    const std::string text =
        fmt::format("indicator {} ({}): unknown parameter{} {} ignored; known parameters: {}", spec.id,
                    def.canonical, unknown.size() > 1 ? "s" : "", names, known.empty() ? "none" : known);
    if (strict) KTRDR_FAIL("{} (strict mode: remove {})", text, unknown.size() > 1 ? "them" : "it");
    if (warnings) warnings->push_back(text);
  }
  return values;
}

}  // namespace

const std::vector<IndicatorDef>& registry() {
  static const std::vector<IndicatorDef> kRegistry = build_registry();
  return kRegistry;
}

const ParamValue& Params::get(const std::string& name) const {
  for (size_t k = 0; k < defs_->size(); ++k) {
    if ((*defs_)[k].name == name) return values_[k];
  }
  KTRDR_FAIL("internal: indicator parameter '{}' is not declared", name);
}
int Params::i(const std::string& name) const {
  return static_cast<int>(get(name).number);
}
double Params::f(const std::string& name) const {
  return get(name).number;
}
bool Params::b(const std::string& name) const {
  return get(name).boolean;
}
const std::string& Params::s(const std::string& name) const {
  return get(name).text;
}

std::span<const double> ComputeContext::source() const {
  const std::string& s = p.s("source");
  if (s == "open") return bars.open;
  if (s == "high") return bars.high;
  if (s == "low") return bars.low;
  if (s == "volume") return bars.volume;
  return bars.close;
}

}  // namespace detail

std::string canonical_type(const std::string& type) {
  const std::string t = detail::lower(type);
  for (const auto& d : detail::registry()) {
    if (d.canonical == t) return d.canonical;
    if (std::find(d.aliases.begin(), d.aliases.end(), t) != d.aliases.end()) return d.canonical;
  }
  return {};
}

std::vector<std::string> output_names(const std::string& canonical) {
  for (const auto& d : detail::registry()) {
    if (d.canonical == canonical) return d.outputs;
  }
  return {};
}

std::vector<std::string> known_types() {
  std::vector<std::string> out;
  for (const auto& d : detail::registry()) out.push_back(d.canonical);
  return out;
}

void validate_indicator(const IndicatorSpec& spec, std::vector<std::string>* warnings, bool strict) {
  const auto& def = detail::find_def(spec);
  detail::resolve(spec, def, warnings, strict);
}

size_t min_rows(const IndicatorSpec& spec) {
  const auto& def = detail::find_def(spec);
  detail::Params p(&def.params, detail::resolve(spec, def, nullptr, false));
  return def.min_rows(p);
}

IndicatorResult compute_indicator(const IndicatorSpec& spec, const BarSeries& bars,
                                  const ComputeOptions& options, std::vector<std::string>* warnings) {
  const auto& def = detail::find_def(spec);
  detail::Params p(&def.params, detail::resolve(spec, def, warnings, options.strict));
  const size_t need = def.min_rows(p);
  KTRDR_REQUIRE(bars.size() >= need,
                "indicator {} ({}): needs at least {} bars, got {}; widen the date range", spec.id,
                def.canonical, need, bars.size());
  detail::ComputeContext ctx{bars, p, options.ktrdr_compat};
  std::vector<Column> cols = def.compute(ctx);
  IndicatorResult result;
  result.multi_output = !def.outputs.empty();
  const size_t expected = result.multi_output ? def.outputs.size() : 1;
  KTRDR_REQUIRE(cols.size() == expected, "internal: indicator {} produced {} outputs, expected {}",
                def.canonical, cols.size(), expected);
  for (size_t k = 0; k < cols.size(); ++k) {
    KTRDR_REQUIRE(cols[k].size() == bars.size(), "internal: indicator {} output {} has {} values for {} bars",
                  def.canonical, k, cols[k].size(), bars.size());
    result.outputs.push_back({result.multi_output ? def.outputs[k] : std::string(), std::move(cols[k])});
  }
  return result;
}

IndicatorResult compute_indicator(const IndicatorSpec& spec, const BarSeries& bars,
                                  std::vector<std::string>* warnings, bool strict) {
  return compute_indicator(spec, bars, ComputeOptions{strict, false}, warnings);
}

}  // namespace ktrdr::indicators
