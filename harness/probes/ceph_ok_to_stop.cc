// Parser for `ceph osd ok-to-stop ID -f json`: the JSON on stdout when there is one (it is
// printed for both answers, with exit 16 / EBUSY when not ok), else the text answers.
#include "harness/probes/ceph_status.h"
#include "harness/probes/probe_text.h"

namespace healbench {

CephOkToStop ParseCephOkToStop(std::string_view text) {
  CephOkToStop out;
  if (auto reject = probe_text::RejectInput(text)) {
    out.detail = *reject;
    return out;
  }
  std::string why;
  if (const auto j = probe_text::ExtractJson(text, &why); j && j->is_object()) {
    out.ok_to_stop = probe_text::JsonBool(*j, "ok_to_stop");
    if (const auto it = j->find("osds"); it != j->end() && it->is_array()) {
      for (const auto& id : *it) {
        if (id.is_number_integer()) out.osds.push_back(id.get<int>());
      }
    }
    if (!out.ok_to_stop) {
      out.detail = "ok-to-stop JSON without a boolean ok_to_stop";
      return out;
    }
    const auto bad = probe_text::JsonU64(*j, "num_not_ok_pgs").value_or(0);
    out.detail = *out.ok_to_stop ? "ok to stop"
                                 : "not ok to stop: " + std::to_string(bad) +
                                       " PGs would be "
                                       "or are unavailable";
    return out;
  }
  // No JSON (older releases, or -f json not honoured): the text answers.
  if (const auto e = text.find("Error EBUSY"); e != std::string_view::npos) {
    out.ok_to_stop = false;
    const auto nl = text.find('\n', e);
    out.detail = probe_text::Clip(
        probe_text::Trim(text.substr(e, nl == std::string_view::npos ? nl : nl - e)),
        kMaxDetailBytes);
    return out;
  }
  if (text.find("are ok to stop") != std::string_view::npos) {
    out.ok_to_stop = true;
    out.detail = "ok to stop";
    return out;
  }
  out.detail = "ok-to-stop: no answer in output (" + why + ")";
  return out;
}

}  // namespace healbench
