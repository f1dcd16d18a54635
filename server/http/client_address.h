// The client's address for the access log: the TCP peer's, or, when the peer is a proxy the
// operator trusts (`trusted-proxies`), the one the proxy names in `Forwarded` (RFC 7239) or
// `X-Forwarded-For`. A header from any other peer is ignored, since anyone can send one.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/http/message.h"

namespace wreg::http {

// An IPv4 or IPv6 address range: `10.0.0.0/8`, `2001:db8::/32`, or one address (`127.0.0.1`,
// `::1`). IPv4 addresses are held as IPv4-mapped IPv6 ones, so `127.0.0.1/8` also holds the peer
// `::ffff:127.0.0.1` of a dual-stack listener.
class AddressRange {
 public:
  // kInvalidArgument naming `text` and the forms to use.
  static Result<AddressRange> parse(std::string_view text);
  // Whether `address` (as Asio prints it, or as a proxy writes it) is in the range; false for
  // text that is not an address.
  bool contains(std::string_view address) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  unsigned prefix_ = 128;  // leading bits that must match, out of the 128 of bytes_
};

// A comma-separated list of ranges (a flag's value) or one entry of a config list. An empty
// list is valid. kInvalidArgument naming the first bad entry.
Result<std::vector<AddressRange>> parse_address_ranges(std::string_view list);

// What the log names as the request's client. `peer` when it is not in `trusted` or the request
// has no `Forwarded` `for=` / `X-Forwarded-For` (Forwarded wins when both are sent). Otherwise
// the hops the header lists are walked from the last one back, past every trusted proxy: the
// first address not in `trusted` is the client. A hop that is not an address (`unknown`, an
// obfuscated name) ends the walk at the address before it. The result is an address or `peer`,
// never the header's other text.
std::string client_address(std::string_view peer, const Request& request,
                           const std::vector<AddressRange>& trusted);

}  // namespace wreg::http
