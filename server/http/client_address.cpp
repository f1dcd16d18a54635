#include "server/http/client_address.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <optional>

#include "common/text.h"

namespace wreg::http {

namespace {

namespace ip = boost::asio::ip;

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// `address` as 16 bytes, IPv4 mapped into IPv6; nullopt when it is not an address.
std::optional<std::array<std::uint8_t, 16>> address_bytes(std::string_view text) {
  auto address = parse_address(text);
  if (!address) return std::nullopt;
  if (address->is_v4()) return ip::make_address_v6(ip::v4_mapped, address->to_v4()).to_bytes();
  return address->to_v6().to_bytes();
}

// One hop as a proxy writes it: `"[2001:db8::1]:4711"`, `192.0.2.1:80`, `192.0.2.1`, `::1`;
// the address without quotes, brackets or port.
std::string_view hop_address(std::string_view hop) {
  hop = trim(hop);
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') {
    hop = hop.substr(1, hop.size() - 2);
  }
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    return close == std::string_view::npos ? std::string_view() : hop.substr(1, close - 1);
  }
  const auto colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos) {
    hop = hop.substr(0, colon);  // IPv4 with a port
  }
  return hop;
}

// The hops a trusted proxy reports, first (the original client) to last.
std::vector<std::string_view> forwarded_hops(const Request& request) {
  std::vector<std::string_view> hops;
  if (const std::string* forwarded = request.header("forwarded")) {
    for (std::string_view element : split(*forwarded, ',')) {
      for (std::string_view pair : split(element, ';')) {
        pair = trim(pair);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && iequals(pair.substr(0, equals), "for")) {
          hops.push_back(pair.substr(equals + 1));
        }
      }
    }
    if (!hops.empty()) return hops;
  }
  if (const std::string* forwarded_for = request.header("x-forwarded-for")) {
    hops = split(*forwarded_for, ',');
  }
  return hops;
}

bool trusted_address(std::string_view address, const std::vector<AddressRange>& trusted) {
  for (const auto& range : trusted) {
    if (range.contains(address)) return true;
  }
  return false;
}

}  // namespace

Result<AddressRange> AddressRange::parse(std::string_view text) {
  auto bad = [text] {
    return fail(ErrorCode::kInvalidArgument,
                "trusted proxy " + wreg::quoted(text) +
                    " is not an address or a range; write e.g. 127.0.0.1, 10.0.0.0/8, ::1 or "
                    "fd00::/8");
  };
  const std::string_view trimmed = trim(text);
  const auto slash = trimmed.find('/');
  auto bytes = address_bytes(trimmed.substr(0, slash));
  if (!bytes) return bad();
  const bool v4 = trimmed.substr(0, slash).find(':') == std::string_view::npos;
  const unsigned width = v4 ? 32 : 128;
  unsigned prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view digits = trimmed.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        prefix > width) {
      return bad();
    }
  }
  AddressRange range;
  range.bytes_ = *bytes;
  range.prefix_ = prefix + (128 - width);
  return range;
}

bool AddressRange::contains(std::string_view address) const {
  auto bytes = address_bytes(address);
  if (!bytes) return false;
  for (unsigned bit = 0; bit < prefix_; bit += 8) {
    const unsigned bits = std::min(8u, prefix_ - bit);
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
    if (((*bytes)[bit / 8] & mask) != (bytes_[bit / 8] & mask)) return false;
  }
  return true;
}

Result<std::vector<AddressRange>> parse_address_ranges(std::string_view list) {
  std::vector<AddressRange> ranges;
  if (trim(list).empty()) return ranges;
  for (std::string_view entry : split(list, ',')) {
    auto range = AddressRange::parse(entry);
    if (!range) return std::move(range).error();
    ranges.push_back(*range);
  }
  return ranges;
}

std::string client_address(std::string_view peer, const Request& request,
                           const std::vector<AddressRange>& trusted) {
  if (trusted.empty() || !trusted_address(peer, trusted)) return std::string(peer);
  const auto hops = forwarded_hops(request);
  std::string client(peer);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = parse_address(hop_address(*hop));
    if (!address) break;
    client = address->to_string();
    if (!trusted_address(client, trusted)) break;
  }
  return client;
}

}  // namespace wreg::http
