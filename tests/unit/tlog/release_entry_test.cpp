#include "common/tlog/release_entry.h"

#include <gtest/gtest.h>

#include "common/text.h"
#include "tests/unit/tlog/refusals.h"

namespace wreg::tlog {
namespace {

const std::string kDigest =
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

ReleaseEntry entry(ReleaseEvent event, const char* release, std::uint64_t size,
                   api::ReleaseKind kind, const char* time) {
  return ReleaseEntry{event, *PackageVersion::parse(release), *Digest::parse(kDigest), size, kind,
                      time};
}

TEST(ReleaseEntryTest, WritesOneLine) {
  EXPECT_EQ(entry(ReleaseEvent::kPublish, "toolsku:analytics@0.1.0", 1234,
                  api::ReleaseKind::kComponent, "2026-12-06T16:31:31Z")
                .text(),
            "wreg/v1 publish toolsku:analytics@0.1.0 " + kDigest +
                " 1234 component 2026-12-06T16:31:31Z\n");
  EXPECT_EQ(
      entry(ReleaseEvent::kYank, "wasi:http@0.2.0-rc.1+build.5", 0, api::ReleaseKind::kWit,
            "2024-02-29T00:00:00Z")
          .text(),
      "wreg/v1 yank wasi:http@0.2.0-rc.1+build.5 " + kDigest + " 0 wit 2024-02-29T00:00:00Z\n");
  EXPECT_STREQ(to_string(ReleaseEvent::kUnyank), "unyank");
}

TEST(ReleaseEntryTest, ReadsExactlyWhatItWrites) {
  const std::vector<ReleaseEntry> entries = {
      entry(ReleaseEvent::kPublish, "toolsku:analytics@0.1.0", 1234, api::ReleaseKind::kComponent,
            "2026-12-06T16:31:31Z"),
      entry(ReleaseEvent::kYank, "wasi:http@0.2.0-rc.1+build.5", 0, api::ReleaseKind::kWit,
            "2024-02-29T23:59:60Z"),
      entry(ReleaseEvent::kUnyank, "a:b@18446744073709551615.0.0", ~std::uint64_t{0},
            api::ReleaseKind::kWit, "1970-01-01T00:00:00Z"),
  };
  for (const ReleaseEntry& written : entries) {
    auto read = parse_release_entry(written.text());
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(*read, written);
    EXPECT_EQ(read->text(), written.text());
  }
}

TEST(ReleaseEntryTest, HostileEntriesAreRefusedInOneLine) {
  const std::string good =
      "wreg/v1 publish toolsku:analytics@0.1.0 " + kDigest + " 1234 component 2026-12-06T16:31:31Z";
  ASSERT_TRUE(parse_release_entry(good + "\n").has_value());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string out = good;
    out.replace(out.find(from), from.size(), to);
    return out + "\n";
  };
  const std::string upper_digest =
      "sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
  const Refusals cases = {
      {"", "does not end in a newline"},
      {good, "does not end in a newline"},
      {good + "\r\n", "the time"},
      {good + "\n\n", "more than one line"},
      {good + "\nwreg/v1\n", "more than one line"},
      {with(" publish ", "  publish "), "two spaces in a row"},
      {with(" 1234 ", " 1234  "), "two spaces in a row"},
      {" " + good + "\n", "two spaces in a row"},
      {good + " \n", "two spaces in a row"},
      {with(" 1234 ", "\t1234 "), "6 space-separated fields"},
      {good + " extra\n", "8 space-separated fields"},
      {with("wreg/v1", "wreg/v2"), "the tag \"wreg/v2\""},
      {with("wreg/v1", "WREG/v1"), "the tag"},
      {with("publish", "delete"), "the event \"delete\""},
      {with("publish", "Publish"), "the event \"Publish\""},
      {with("publish", "yanked"), "the event"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics"), "the release"},
      {with("toolsku:analytics@0.1.0", "Toolsku:analytics@0.1.0"), "the release"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics@0.1"), "the release"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics@00.1.0"), "the release"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics@v0.1.0"), "the release"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics@=0.1.0"), "the release"},
      {with("toolsku:analytics@0.1.0", "toolsku:analytics@0.1.0@1"), "the release"},
      {with(kDigest, upper_digest), "the digest"},
      {with(kDigest, kDigest.substr(0, kDigest.size() - 1)), "the digest"},
      {with(kDigest, "sha512:" + kDigest.substr(7)), "the digest"},
      {with(" 1234 ", " 01234 "), "the size \"01234\""},
      {with(" 1234 ", " 00 "), "the size \"00\""},
      {with(" 1234 ", " +1234 "), "the size \"+1234\""},
      {with(" 1234 ", " -1 "), "the size \"-1\""},
      {with(" 1234 ", " 18446744073709551616 "), "the size"},
      {with(" 1234 ", " 1e3 "), "the size"},
      {with("component", "Component"), "the kind \"Component\""},
      {with("component", "core"), "the kind"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:31:31"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06t16:31:31z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:31:31.5Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:31:31+00:00"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-13-06T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-00-06T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-02-29T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2100-02-29T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-04-31T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-00T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T24:00:00Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:60:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:31:61Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "26-12-06T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "+2026-12-06T16:31:31Z"), "the time"},
      {with("2026-12-06T16:31:31Z", "2026-12-06T16:31:3\xd9\xa1Z"), "the time"},
      {std::string("wreg/v1 publish toolsku:analytics@0.1.0\0", 40) + kDigest +
           " 1234 component 2026-12-06T16:31:31Z\n",
       "fields"},
  };
  expect_refused(parse_release_entry, cases);
  EXPECT_TRUE(parse_release_entry(with("2026-12-06T16:31:31Z", "2000-02-29T16:31:31Z")));
}

}  // namespace
}  // namespace wreg::tlog
