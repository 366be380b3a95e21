// bench/report/json.cpp — results to and from JSON (schema in bench/report/json.hpp).
#include "bench/report/json.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace threadlab {

using json = nlohmann::ordered_json;

namespace {

// counts_from_json<T>(v, what) / numbers_from_json(v, what) — an array of count_from_json<T> /
// number_from_json.
template <class T>
std::vector<T> counts_from_json(const json& v, std::string_view what) {
  if (!v.is_array()) throw std::runtime_error(std::string(what) + " is not an array");
  std::vector<T> out;
  for (const json& x : v) out.push_back(count_from_json<T>(x, what));
  return out;
}

std::vector<double> numbers_from_json(const json& v, std::string_view what) {
  if (!v.is_array()) throw std::runtime_error(std::string(what) + " is not an array");
  std::vector<double> out;
  for (const json& x : v) out.push_back(number_from_json(x, what));
  return out;
}

json parameters_to_json(const parameters& p) {
  return {{"warmup", p.warmup},
          {"repetitions", p.repetitions},
          {"timeout_s", p.timeout_s},
          {"workers", p.workers},
          {"stack_size", p.stack_size},
          {"size", p.size ? json(*p.size) : json(nullptr)},
          {"workers_sweep", p.workers_sweep},
          {"size_sweep", p.size_sweep}};
}

parameters parameters_from_json(const json& j) {
  parameters p;
  p.warmup = count_from_json<unsigned>(j.at("warmup"), "warmup");
  p.repetitions = count_from_json<unsigned>(j.at("repetitions"), "repetitions");
  p.timeout_s = number_from_json(j.at("timeout_s"), "timeout_s");
  p.workers = count_from_json<unsigned>(j.at("workers"), "workers");
  p.stack_size = count_from_json<std::uint64_t>(j.at("stack_size"), "stack_size");
  if (!j.at("size").is_null()) p.size = count_from_json<std::uint64_t>(j.at("size"), "size");
  // Files written before sweeps existed have neither list: no sweep.
  if (j.contains("workers_sweep"))
    p.workers_sweep = counts_from_json<unsigned>(j.at("workers_sweep"), "workers_sweep");
  if (j.contains("size_sweep"))
    p.size_sweep = counts_from_json<std::uint64_t>(j.at("size_sweep"), "size_sweep");
  return p;
}

json metric_to_json(const metric_summary& m) {
  return {{"name", m.name},
          {"unit", m.unit},
          {"lower_is_better", m.lower_is_better},
          {"median", m.stats.median},
          {"min", m.stats.min},
          {"max", m.stats.max},
          {"mad", m.stats.mad},
          {"count", m.stats.count},
          {"unstable", m.stats.unstable},
          {"ci_low", m.stats.ci_low},
          {"ci_high", m.stats.ci_high},
          {"ci_level", m.stats.ci_level},
          {"samples", m.samples}};
}

metric_summary metric_from_json(const json& j) {
  metric_summary m;
  m.name = j.at("name").get<std::string>();
  m.unit = j.at("unit").get<std::string>();
  m.lower_is_better = j.at("lower_is_better").get<bool>();
  m.stats.median = number_from_json(j.at("median"), "median");
  m.stats.min = number_from_json(j.at("min"), "min");
  m.stats.max = number_from_json(j.at("max"), "max");
  m.stats.mad = number_from_json(j.at("mad"), "mad");
  m.stats.count = count_from_json<std::size_t>(j.at("count"), "count");
  m.stats.unstable = j.at("unstable").get<bool>();
  m.samples = numbers_from_json(j.at("samples"), "samples");
  if (j.contains("ci_low")) {
    m.stats.ci_low = number_from_json(j.at("ci_low"), "ci_low");
    m.stats.ci_high = number_from_json(j.at("ci_high"), "ci_high");
    m.stats.ci_level = number_from_json(j.at("ci_level"), "ci_level");
  } else {
    // Written before the interval existed: it is a function of the samples, so recompute it.
    const median_interval ci = median_confidence_interval(m.samples);
    m.stats.ci_low = ci.low;
    m.stats.ci_high = ci.high;
    m.stats.ci_level = ci.level;
  }
  return m;
}

json record_to_json(const record& r) {
  json metrics = json::array();
  for (const metric_summary& m : r.metrics) metrics.push_back(metric_to_json(m));
  json out = {{"workload", r.workload},
              {"model", r.model},
              {"status", to_string(r.status)},
              {"reason", r.reason},
              {"workers", r.workers},
              {"requested_size", r.requested_size ? json(*r.requested_size) : json(nullptr)},
              {"size", r.size},
              {"scaled", r.scaled},
              {"note", r.note},
              {"check", r.check},
              {"configuration", r.configuration},
              {"metrics", metrics},
              {"rusage",
               {{"peak_rss_bytes", r.rusage.peak_rss_bytes},
                {"voluntary_ctx_switches", r.rusage.voluntary_ctx_switches},
                {"involuntary_ctx_switches", r.rusage.involuntary_ctx_switches}}}};
  if (!r.dump.empty()) out["dump"] = r.dump;  // a hung pair's threads
  return out;
}

// record_from_json(j, params) — params: the file's parameters, the point of a record written
// before records named theirs.
record record_from_json(const json& j, const parameters& params) {
  record r;
  r.workers = j.contains("workers") ? count_from_json<unsigned>(j.at("workers"), "workers")
                                    : params.workers;
  if (!j.contains("requested_size")) {
    r.requested_size = params.size;
  } else if (!j.at("requested_size").is_null()) {
    r.requested_size = count_from_json<std::uint64_t>(j.at("requested_size"), "requested_size");
  }
  r.workload = j.at("workload").get<std::string>();
  r.model = j.at("model").get<std::string>();
  const auto status = parse_record_status(j.at("status").get<std::string>());
  if (!status) throw std::runtime_error("unknown record status " + j.at("status").dump());
  r.status = *status;
  r.reason = j.at("reason").get<std::string>();
  r.size = count_from_json<std::uint64_t>(j.at("size"), "size");
  r.scaled = j.at("scaled").get<bool>();
  r.note = j.at("note").get<std::string>();
  r.check = j.at("check").get<std::string>();
  r.configuration = j.at("configuration").get<std::string>();
  for (const json& m : j.at("metrics")) r.metrics.push_back(metric_from_json(m));
  const json& u = j.at("rusage");
  r.rusage.peak_rss_bytes =
      count_from_json<std::uint64_t>(u.at("peak_rss_bytes"), "peak_rss_bytes");
  r.rusage.voluntary_ctx_switches =
      count_from_json<std::uint64_t>(u.at("voluntary_ctx_switches"), "voluntary_ctx_switches");
  r.rusage.involuntary_ctx_switches =
      count_from_json<std::uint64_t>(u.at("involuntary_ctx_switches"), "involuntary_ctx_switches");
  r.dump = j.value("dump", std::string());
  return r;
}

}  // namespace

double number_from_json(const json& v, std::string_view what) {
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    throw std::runtime_error(std::string(what) + " is not a finite number");
  }
  return v.get<double>();
}

json environment_to_json(const environment& e) {
  return {{"cpu_model", e.cpu_model},
          {"cpu_governor", e.cpu_governor},
          {"logical_cores", e.logical_cores},
          {"cores_used", e.cores_used},
          {"kernel", e.kernel},
          {"compiler", e.compiler},
          {"cxx_flags", e.cxx_flags},
          {"build_type", e.build_type},
          {"boost_version", e.boost_version},
          {"git_revision", e.git_revision},
          {"git_dirty", e.git_dirty ? json(*e.git_dirty) : json(nullptr)},
          {"date_utc", e.date_utc},
          {"hostname", e.hostname}};
}

environment environment_from_json(const json& j) {
  environment e;
  e.cpu_model = j.at("cpu_model").get<std::string>();
  e.cpu_governor = j.value("cpu_governor", std::string(unavailable));
  e.logical_cores = count_from_json<unsigned>(j.at("logical_cores"), "logical_cores");
  e.cores_used = count_from_json<unsigned>(j.at("cores_used"), "cores_used");
  e.kernel = j.at("kernel").get<std::string>();
  e.compiler = j.at("compiler").get<std::string>();
  e.cxx_flags = j.at("cxx_flags").get<std::string>();
  e.build_type = j.at("build_type").get<std::string>();
  e.boost_version = j.at("boost_version").get<std::string>();
  e.git_revision = j.at("git_revision").get<std::string>();
  if (!j.at("git_dirty").is_null()) e.git_dirty = j.at("git_dirty").get<bool>();
  e.date_utc = j.at("date_utc").get<std::string>();
  e.hostname = j.at("hostname").get<std::string>();
  return e;
}

json results_to_json(const results& res) {
  json records = json::array();
  for (const record& r : res.records) records.push_back(record_to_json(r));
  json out = {{"schema", results_schema},
              {"environment", environment_to_json(res.env)},
              {"parameters", parameters_to_json(res.params)},
              {"records", records}};
  if (!res.interrupted.empty()) {
    out["interrupted"] = {{"signal", res.interrupted}, {"not_run", res.not_run}};
  }
  return out;
}

std::string render_json(const results& res) { return results_to_json(res).dump(2) + "\n"; }

results results_from_json(const json& j) {
  if (!j.is_object() || !j.contains("schema")) {
    throw std::runtime_error("not a threadlab results file (no \"schema\" field)");
  }
  if (j.at("schema") != results_schema) {
    throw std::runtime_error("unsupported schema " + j.at("schema").dump() + "; expected \"" +
                             std::string(results_schema) + "\"");
  }
  try {
    results res;
    res.env = environment_from_json(j.at("environment"));
    res.params = parameters_from_json(j.at("parameters"));
    for (const json& r : j.at("records")) res.records.push_back(record_from_json(r, res.params));
    if (j.contains("interrupted")) {
      res.interrupted = j.at("interrupted").at("signal").get<std::string>();
      res.not_run = j.at("interrupted").at("not_run").get<std::size_t>();
    }
    return res;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("malformed threadlab results file: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("malformed threadlab results file: ") + e.what());
  }
}

results parse_results_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("not valid JSON: ") + e.what());
  }
  return results_from_json(j);
}

}  // namespace threadlab
