// The response head as it goes on the wire (server/http/response_head.h): status lines, the
// handler's fields, Connection, Content-Length, and the framing of HEAD, 204 and 304.
#include "server/http/response_head.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace wreg::http {
namespace {

const std::string kServer = "Server: wreg/" WREG_VERSION "\r\n";

std::string head_of(const Response& response, unsigned version = 11, bool keep_alive = true,
                    std::optional<std::uint64_t> content_length = std::nullopt) {
  std::string out;
  auto written = write_response_head(response, version, keep_alive, content_length, out);
  EXPECT_TRUE(written.has_value()) << written.error().message;
  return out;
}

Response with_status(int status) {
  Response response;
  response.status = status;
  return response;
}

// Every status a handler or the session sends, with the reason phrase Beast's serializer wrote
// for it before the head was written by hand.
TEST(ResponseHeadTest, StatusLinesOfEveryStatusWregSends) {
  const std::vector<std::pair<int, std::string>> cases = {
      {200, "200 OK"},
      {201, "201 Created"},
      {204, "204 No Content"},
      {206, "206 Partial Content"},
      {304, "304 Not Modified"},
      {400, "400 Bad Request"},
      {401, "401 Unauthorized"},
      {403, "403 Forbidden"},
      {404, "404 Not Found"},
      {405, "405 Method Not Allowed"},
      {409, "409 Conflict"},
      {413, "413 Payload Too Large"},
      {416, "416 Range Not Satisfiable"},
      {422, "422 Unprocessable Entity"},
      {431, "431 Request Header Fields Too Large"},
      {500, "500 Internal Server Error"},
      {503, "503 Service Unavailable"},
  };
  for (const auto& [status, line] : cases) {
    EXPECT_EQ(head_of(with_status(status)), "HTTP/1.1 " + line + "\r\n" + kServer + "\r\n")
        << status;
  }
}

TEST(ResponseHeadTest, TheStatusLineCarriesTheRequestsVersion) {
  EXPECT_EQ(head_of(with_status(404), 10, false), "HTTP/1.0 404 Not Found\r\n" + kServer + "\r\n");
  EXPECT_EQ(head_of(with_status(404), 11, true), "HTTP/1.1 404 Not Found\r\n" + kServer + "\r\n");
}

TEST(ResponseHeadTest, HandlerFieldsFollowServerInTheirOrderThenContentLength) {
  Response response;
  response.set("ETag", "\"sha256:ab\"");
  response.set("Content-Type", "application/wasm");
  response.set("Cache-Control", "public, max-age=31536000, immutable");
  EXPECT_EQ(head_of(response, 11, true, 1234),
            "HTTP/1.1 200 OK\r\n" + kServer +
                "ETag: \"sha256:ab\"\r\n"
                "Content-Type: application/wasm\r\n"
                "Cache-Control: public, max-age=31536000, immutable\r\n"
                "Content-Length: 1234\r\n"
                "\r\n");
}

TEST(ResponseHeadTest, ConnectionFieldIsSentOnlyWhereTheVersionsDefaultDiffers) {
  struct Case {
    unsigned version;
    bool keep_alive;
    std::string field;
  };
  for (const Case& c : {Case{11, true, ""}, Case{11, false, "Connection: close\r\n"},
                        Case{10, true, "Connection: keep-alive\r\n"}, Case{10, false, ""}}) {
    const std::string status_line = c.version == 11 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.0 200 OK\r\n";
    EXPECT_EQ(head_of(with_status(200), c.version, c.keep_alive, 0),
              status_line + kServer + c.field + "Content-Length: 0\r\n\r\n")
        << c.version << (c.keep_alive ? " keep-alive" : " close");
  }
}

TEST(ResponseHeadTest, ContentLengthIsWrittenInDecimalUpToTheLargestSize) {
  EXPECT_EQ(head_of(with_status(200), 11, true, 0),
            "HTTP/1.1 200 OK\r\n" + kServer + "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(head_of(with_status(200), 11, true, 20971520),
            "HTTP/1.1 200 OK\r\n" + kServer + "Content-Length: 20971520\r\n\r\n");
  EXPECT_EQ(head_of(with_status(200), 11, true, UINT64_MAX),
            "HTTP/1.1 200 OK\r\n" + kServer + "Content-Length: 18446744073709551615\r\n\r\n");
}

TEST(ResponseHeadTest, AFieldThatWouldBreakTheHeadIsRefused) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"X-Bad\r\nInjected", "v"},
      {"X-Bad\n", "v"},
      {"X-Bad\r", "v"},
      {"X-Bad:Name", "v"},
      {"X-Ok", "a\r\nb"},
      {"X-Ok", "a\nSet-Cookie: x"},
      {"X-Ok", "a\r"},
  };
  for (const auto& [name, value] : fields) {
    Response response;
    response.headers.emplace_back(name, value);
    std::string out = "left over";
    auto written = write_response_head(response, 11, true, 0, out);
    ASSERT_FALSE(written.has_value()) << name;
    EXPECT_EQ(written.error().code, ErrorCode::kInternal);
    EXPECT_NE(written.error().message.find("has a line break or colon in it"), std::string::npos)
        << written.error().message;
  }
}

TEST(ResponseHeadTest, ColonsAndSpacesInAValueAreKept) {
  Response response;
  response.set("Location", "http://host:8080/a b");
  EXPECT_EQ(head_of(response),
            "HTTP/1.1 200 OK\r\n" + kServer + "Location: http://host:8080/a b\r\n\r\n");
}

TEST(ResponseHeadTest, TheStringIsReplacedNotAppendedTo) {
  std::string out = "HTTP/1.1 500 the previous response\r\n\r\n";
  ASSERT_TRUE(write_response_head(with_status(204), 11, true, std::nullopt, out).has_value());
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\n" + kServer + "\r\n");
}

TEST(ResponseFramingTest, ABodyIsSentWithItsLength) {
  Response owned = json_response(200, "{\"a\":1}");
  EXPECT_EQ(framing_of(owned, false).content_length, 7u);
  EXPECT_TRUE(framing_of(owned, false).sends_body);

  Response shared;
  shared.body = "ignored";
  shared.shared_body = std::make_shared<const std::string>(std::string(5000, 'd'));
  EXPECT_EQ(framing_of(shared, false).content_length, 5000u);

  Response file;
  file.status = 206;
  file.body = "ignored";
  file.file = Response::File{"/nonexistent", 100, 4096};
  EXPECT_EQ(framing_of(file, false).content_length, 4096u);
  EXPECT_TRUE(framing_of(file, false).sends_body);
}

TEST(ResponseFramingTest, HeadDeclaresTheLengthOfTheBodyItWouldHaveSent) {
  Response file;
  file.file = Response::File{"/nonexistent", 0, 9437184};
  EXPECT_EQ(framing_of(file, true).content_length, 9437184u);
  EXPECT_FALSE(framing_of(file, true).sends_body);

  Response owned = json_response(200, "{}");
  EXPECT_EQ(framing_of(owned, true).content_length, 2u);
  EXPECT_FALSE(framing_of(owned, true).sends_body);
  EXPECT_EQ(head_of(owned, 11, true, framing_of(owned, true).content_length),
            "HTTP/1.1 200 OK\r\n" + kServer +
                "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseFramingTest, NoContentAndNotModifiedHaveNeitherLengthNorBody) {
  for (int status : {204, 304}) {
    Response response = json_response(status, "a body a handler left in");
    response.set("ETag", "\"e\"");
    for (bool head_request : {false, true}) {
      const ResponseFraming framing = framing_of(response, head_request);
      EXPECT_FALSE(framing.content_length.has_value()) << status;
      EXPECT_FALSE(framing.sends_body) << status;
    }
    EXPECT_EQ(head_of(response, 11, true, framing_of(response, false).content_length)
                  .find("Content-Length"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace wreg::http
