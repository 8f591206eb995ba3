// StoreCode names (store_status.h).
#include "ktrdr/common/store_status.h"

namespace ktrdr {

std::string_view to_string(StoreCode code) {
  switch (code) {
    case StoreCode::kOk:
      return "ok";
    case StoreCode::kNotFound:
      return "not_found";
    case StoreCode::kIoError:
      return "io_error";
    case StoreCode::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

}  // namespace ktrdr
