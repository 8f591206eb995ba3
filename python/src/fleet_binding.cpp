// _core.FleetClient / _core.ProgressSubscription: the broker's client protocol for the ktrdr_backtest.Fleet
// wrapper. Protocol values become plain dicts keyed by their field names (msgpack_dict.h), states by their
// protocol names ("pending", "idle", ...); a
// Reply whose code is not ok raises FleetError("<code>: <message>"). Socket waits release the GIL.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "fleet_client.h"
#include "msgpack_dict.h"

namespace py = pybind11;

namespace ktrdr::python {
namespace {

// Protocol messages as dicts (msgpack_dict.h), with their enums by name.
py::dict to_dict(const proto::OperationInfo& o) {
  py::dict d = message_dict(o);
  d["state"] = std::string(proto::to_string(o.state));
  return d;
}

py::dict to_dict(const proto::OpEvent& e) {
  py::dict d = message_dict(e);
  d["state"] = std::string(proto::to_string(e.state));
  return d;
}

py::dict to_dict(const proto::FleetStatus& f) {
  py::dict d = message_dict(f);
  py::list workers = d["workers"];
  for (size_t i = 0; i < f.workers.size(); ++i)
    workers[i]["state"] = std::string(proto::to_string(f.workers[i].state));
  return d;
}

py::list to_list(const std::vector<proto::OperationInfo>& ops) {
  py::list out;
  for (const auto& o : ops) out.append(to_dict(o));
  return out;
}

// FleetError for a Reply that is not ok.
class FleetError : public ktrdr::Error {
 public:
  using ktrdr::Error::Error;
};

template <typename Request>
proto::Reply call_ok(FleetClient& client, proto::Command command, const Request& body) {
  proto::Reply reply;
  {
    py::gil_scoped_release release;
    reply = client.call(command, body);
  }
  if (reply.code != proto::ErrorCode::kOk)
    throw FleetError(fmt::format("{}: {}", proto::to_string(reply.code), reply.message));
  return reply;
}

std::vector<proto::OpState> parse_states(const std::vector<std::string>& names) {
  std::vector<proto::OpState> states;
  for (const auto& n : names) {
    const std::optional<proto::OpState> s = proto::parse_op_state(n);
    KTRDR_REQUIRE(s.has_value(),
                  "state '{}' is unknown: use pending, running, completed, failed, "
                  "cancelled or resuming",
                  n);
    states.push_back(*s);
  }
  return states;
}

}  // namespace

void register_fleet(py::module_& m) {
  auto fleet_error = py::register_exception<FleetError>(m, "FleetError", PyExc_RuntimeError);
  py::register_exception<BrokerUnreachable>(m, "BrokerUnreachable", fleet_error.ptr());

  py::class_<ProgressSubscription>(m, "ProgressSubscription")
      .def(
          "next",
          [](ProgressSubscription& s, int timeout_ms) -> py::object {
            std::optional<std::variant<proto::Progress, proto::OpEvent>> ev;
            {
              py::gil_scoped_release release;
              ev = s.next(timeout_ms);
            }
            if (!ev) return py::none();
            if (const auto* p = std::get_if<proto::Progress>(&*ev))
              return py::make_tuple("progress", message_dict(*p));
            return py::make_tuple("event", to_dict(std::get<proto::OpEvent>(*ev)));
          },
          py::arg("timeout_ms"), "(\"progress\", dict) or (\"event\", dict) within timeout_ms, else None");

  py::class_<FleetClient>(m, "FleetClient")
      .def(py::init<std::string, int, int>(), py::arg("endpoint"), py::arg("timeout_ms"), py::arg("attempts"))
      .def_property_readonly("endpoint", &FleetClient::endpoint)
      .def(
          "subscribe",
          [](FleetClient& c, const std::string& endpoint, const std::string& topic) {
            return std::make_unique<ProgressSubscription>(c.context(), endpoint, topic);
          },
          py::arg("endpoint"), py::arg("topic"), py::keep_alive<0, 1>())
      .def(
          "start",
          [](FleetClient& c, std::string strategy, std::string model, uint32_t model_version,
             std::string symbol, std::string timeframe, std::string start, std::string end, double capital,
             double commission, double slippage, double position_fraction, std::string mode,
             std::string job_type, std::string key) {
            proto::StartRequest req;
            req.job.job_type = std::move(job_type);
            req.job.strategy = std::move(strategy);
            req.job.model = std::move(model);
            req.job.model_version = model_version;
            req.job.symbol = std::move(symbol);
            req.job.timeframe = std::move(timeframe);
            req.job.start_date = std::move(start);
            req.job.end_date = std::move(end);
            req.job.costs.initial_capital = capital;
            req.job.costs.commission = commission;
            req.job.costs.slippage = slippage;
            req.job.costs.position_fraction = position_fraction;
            req.job.mode = parse_mode_arg(mode);
            req.client_key = std::move(key);
            return call_ok(c, proto::Command::kStart, req).op_id;
          },
          py::arg("strategy"), py::arg("model"), py::arg("model_version"), py::arg("symbol"),
          py::arg("timeframe"), py::arg("start"), py::arg("end"), py::arg("capital"), py::arg("commission"),
          py::arg("slippage"), py::arg("position_fraction"), py::arg("mode"), py::arg("job_type"),
          py::arg("key"))
      .def(
          "status",
          [](FleetClient& c, const std::string& op_id) {
            const proto::Reply r = call_ok(c, proto::Command::kStatus, proto::StatusRequest{op_id});
            return py::make_tuple(to_list(r.operations), to_dict(r.fleet));
          },
          py::arg("op_id"))
      .def(
          "list",
          [](FleetClient& c, const std::vector<std::string>& states, uint32_t limit, uint32_t offset) {
            proto::ListRequest req{parse_states(states), limit, offset};
            return to_list(call_ok(c, proto::Command::kList, req).operations);
          },
          py::arg("states"), py::arg("limit"), py::arg("offset"))
      .def(
          "cancel",
          [](FleetClient& c, const std::string& op_id, const std::string& reason) {
            return to_list(
                call_ok(c, proto::Command::kCancel, proto::CancelRequest{op_id, reason}).operations);
          },
          py::arg("op_id"), py::arg("reason"))
      .def(
          "resume",
          [](FleetClient& c, const std::string& op_id) {
            return call_ok(c, proto::Command::kResume, proto::ResumeRequest{op_id}).op_id;
          },
          py::arg("op_id"))
      .def(
          "results",
          [](FleetClient& c, const std::string& op_id) {
            const proto::Reply r = call_ok(c, proto::Command::kResults, proto::ResultsRequest{op_id});
            return py::make_tuple(to_list(r.operations), py::bytes(r.result_json));
          },
          py::arg("op_id"));
  m.def("is_terminal", [](const std::string& state) {
    const std::optional<proto::OpState> s = proto::parse_op_state(state);
    KTRDR_REQUIRE(s.has_value(), "state '{}' is unknown", state);
    return proto::is_terminal(*s);
  });
}

}  // namespace ktrdr::python
