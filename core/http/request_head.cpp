#include "core/http/request_head.hpp"

namespace sportello::http {

Scan scanHeaderBlock(std::string_view data, std::size_t& scanned, std::size_t& end, Refusal& why) {
  for (std::size_t i = scanned; i < data.size(); ++i) {
    char c = data[i];
    if (c == '\n') {
      if (i == 0 || data[i - 1] != '\r') {
        why = {400, "bare_lf", "line ending without CR"};
        return Scan::bad;
      }
      if (i >= 3 && data[i - 2] == '\n' && data[i - 3] == '\r') {
        end = i + 1;
        return Scan::complete;
      }
      if (i + 1 == data.size()) {  // cannot tell yet whether a fold follows
        scanned = i;
        return Scan::need_more;
      }
      if (data[i + 1] == ' ' || data[i + 1] == '\t') {
        why = {400, "obs_fold", "header line folding (obs-fold) is not accepted"};
        return Scan::bad;
      }
    } else if (c == '\r') {
      if (i + 1 == data.size()) {  // cannot tell yet whether LF follows: look at this CR again next time
        scanned = i;
        return Scan::need_more;
      }
      if (data[i + 1] != '\n') {
        why = {400, "bare_cr", "CR without LF"};
        return Scan::bad;
      }
    } else if (c == '\0') {
      why = {400, "nul_byte", "NUL byte in the header block"};
      return Scan::bad;
    }
  }
  scanned = data.size();
  return Scan::need_more;
}

}  // namespace sportello::http
