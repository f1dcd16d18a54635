// The browse pages (server/web/pages.h) rendered from documents: every template renders, and
// text from a package (its description, metadata, imports, WIT) stays text whatever it holds.
#include "server/web/pages.h"

#include <gtest/gtest.h>

#include <string>

namespace wreg::web {
namespace {

const std::string kHostile =
    "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;{{{x}}}";

api::ReleaseSummary summary(const std::string& version, bool yanked = false) {
  api::ReleaseSummary release;
  release.version = *Version::parse(version);
  release.digest = Digest::of(version);
  release.size = 2100;
  release.kind = api::ReleaseKind::kComponent;
  release.yanked = yanked;
  release.published = "2026-12-07T04:40:40Z";
  return release;
}

api::ReleaseDocument release_of(const std::string& version) {
  api::ReleaseDocument release{
      *PackageName::parse("demo:analytics"), kHostile, summary(version), {}, {}, {}, std::nullopt};
  release.summary.dependencies.push_back(
      {*PackageName::parse("wasi:io"), *VersionReq::parse("^0.2.0")});
  release.details.metadata.authors = kHostile;
  release.details.metadata.homepage = "javascript:alert(3)";
  release.details.metadata.source = "https://example.com/src?a=1&b=2";
  release.details.metadata.revision = "https://example.com/\"onmouseover=\"alert(4)";
  release.details.exports.push_back(
      {"toolsku:analytics/data-processor@0.1.0", wasm::ExternKind::kInstance, ""});
  release.details.imports.push_back({"log", wasm::ExternKind::kFunc, "func(msg: string)"});
  return release;
}

// No markup from a package's text reached the page: none of it opened a tag or an attribute.
void expect_only_own_markup(const std::string& page) {
  const std::string own_script = "<script src=\"/static/wreg.js\" defer></script>";
  const auto first_script = page.find("<script");
  EXPECT_EQ(first_script, page.find(own_script)) << "the layout's own script comes first";
  EXPECT_EQ(page.find("<script", first_script + 1), std::string::npos) << page;
  EXPECT_EQ(page.find("<img"), std::string::npos) << page;
  EXPECT_EQ(page.find("onerror=alert(2)>"), std::string::npos) << page;
  EXPECT_NE(page.find("&amp;amp;{{{x}}}"), std::string::npos)
      << "the text's entity and braces are shown as written, not read as a template";
  EXPECT_EQ(page.find("href=\"javascript:"), std::string::npos) << page;
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&apos;&gt;&lt;img"),
            std::string::npos)
      << "the hostile text is shown, as text";
}

TEST(PagesTest, APackagePageShowsItsVersionsAndItsNewestRelease) {
  api::PackageDocument package{
      *PackageName::parse("demo:analytics"), kHostile, {summary("0.2.0"), summary("0.1.0", true)}};
  const auto wit = std::make_shared<const std::string>("package demo:analytics;\n<b>x</b>\n");
  const std::string page =
      package_page({package, release_of("0.2.0"), WitView{wit, ""}, {}, false, {}});
  EXPECT_TRUE(page.starts_with("<!doctype html>")) << page.substr(0, 40);
  EXPECT_NE(page.find("<title>demo:analytics · wreg</title>"), std::string::npos);
  EXPECT_NE(page.find("wreg add demo:analytics@0.2.0"), std::string::npos);
  EXPECT_NE(page.find("href=\"/packages/demo/analytics/0.1.0\""), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"yanked\">"), std::string::npos) << "0.1.0 is marked";
  EXPECT_NE(page.find("href=\"/packages/wasi/io\""), std::string::npos) << "the dependency";
  EXPECT_NE(page.find("toolsku:analytics/data-processor@0.1.0"), std::string::npos);
  EXPECT_NE(page.find("func(msg: string)"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos) << "the WIT, as text";
  EXPECT_NE(page.find("href=\"https://example.com/src?a=1&amp;b=2\""), std::string::npos)
      << "an https source is a link";
  EXPECT_EQ(page.find("onmouseover=\""), std::string::npos) << "a quote never ends an attribute";
  EXPECT_NE(page.find("javascript:alert(3)"), std::string::npos) << "shown as text";
  EXPECT_NE(page.find("href=\"/namespaces/demo\""), std::string::npos) << "its namespace";
  EXPECT_EQ(page.find("Used by"), std::string::npos) << "nothing depends on it";
  expect_only_own_markup(page);
}

TEST(PagesTest, APackagePageDescribesTheReleaseItLeadsWith) {
  // The package's description is the newest release's, yanked or not (the store's rule); the
  // page leads with what `wreg add` would choose, and shows that one's.
  api::PackageDocument package{
      *PackageName::parse("demo:analytics"), "from a yanked 0.3.0", {summary("0.2.0")}};
  api::ReleaseDocument lead = release_of("0.2.0");
  lead.description = "from 0.2.0";
  const std::string page = package_page({package, lead, WitView{}, {}, false, {}});
  EXPECT_NE(page.find("<p class=\"description\">from 0.2.0</p>"), std::string::npos);
  EXPECT_EQ(page.find("from a yanked 0.3.0"), std::string::npos);
  lead.description.clear();
  EXPECT_NE(package_page({package, lead, WitView{}, {}, false, {}}).find("from a yanked 0.3.0"),
            std::string::npos)
      << "without one of its own, the package's";
}

TEST(PagesTest, APackagePageNamesWhatDependsOnIt) {
  api::PackageDocument package{*PackageName::parse("wasi:io"), "", {summary("0.2.0")}};
  const std::string page = package_page(
      {package, std::nullopt, WitView{}, {*PackageName::parse("demo:proxy")}, true, {}});
  EXPECT_NE(page.find("<h2 id=\"used-by\">Used by</h2>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"/packages/demo/proxy\">demo:proxy</a>"), std::string::npos);
  EXPECT_NE(page.find("And more"), std::string::npos) << "a list cut short says so";
}

TEST(PagesTest, CharactersThatReorderOrHideTextAreShownVisibly) {
  // U+202E RIGHT-TO-LEFT OVERRIDE and U+200B ZERO WIDTH SPACE, in a description and a homepage.
  api::ReleaseDocument release = release_of("0.1.0");
  release.description = "safe \xE2\x80\xAEgnp.exe\nsecond line";
  release.details.metadata.homepage = "https://exa\xE2\x80\x8Bmple.com/";
  const std::string page = release_page(release, WitView{}, std::nullopt, {});
  EXPECT_EQ(page.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_EQ(page.find("\xE2\x80\x8B"), std::string::npos);
  EXPECT_NE(page.find("safe \\u{202E}gnp.exe\nsecond line"), std::string::npos);
  EXPECT_NE(page.find("<dt>Homepage</dt><dd>https://exa\\u{200B}mple.com/</dd>"), std::string::npos)
      << "shown, and not a link: no link hides a character";
}

TEST(PagesTest, AReleasePageShowsItsWitChangesSinceThePreviousReleaseOfItsTrack) {
  const auto since = *Version::parse("0.1.0");
  const std::string changed = release_page(release_of("0.1.1"), WitView{},
                                           WitChanges{since, "<span class=\"add\">+x</span>"}, {});
  EXPECT_NE(changed.find("WIT changes since <a href=\"/packages/demo/analytics/0.1.0\">0.1.0</a>"),
            std::string::npos);
  EXPECT_NE(
      changed.find(
          "<pre class=\"diff\" tabindex=\"0\"><code><span class=\"add\">+x</span></code></pre>"),
      std::string::npos);
  const std::string same = release_page(release_of("0.1.1"), WitView{}, WitChanges{since, ""}, {});
  EXPECT_NE(same.find("The WIT is the same as in 0.1.0."), std::string::npos);
  EXPECT_EQ(same.find("<pre class=\"diff\""), std::string::npos);
  const std::string long_ones =
      release_page(release_of("0.1.1"), WitView{}, WitChanges{since, std::nullopt}, {});
  EXPECT_NE(long_ones.find("too long to compare"), std::string::npos);
  EXPECT_EQ(release_page(release_of("0.1.1"), WitView{}, std::nullopt, {}).find("WIT changes"),
            std::string::npos);
}

TEST(PagesTest, AReleasePageLinksItsBytesAndSaysWhenItIsYanked) {
  api::ReleaseDocument release = release_of("0.1.0");
  release.summary.yanked = true;
  const std::string page =
      release_page(release, WitView{nullptr, "cannot be shown as WIT"}, std::nullopt, {});
  EXPECT_NE(page.find("href=\"/api/v1/blobs/" + release.summary.digest.to_string() + "\""),
            std::string::npos);
  EXPECT_NE(page.find("<strong>Yanked.</strong>"), std::string::npos);
  EXPECT_NE(page.find("cannot be shown as WIT"), std::string::npos);
  EXPECT_NE(page.find("2.1 KiB (2100 bytes)"), std::string::npos);
  expect_only_own_markup(page);
}

TEST(PagesTest, TheHomePageListsWhatWasFoundAndKeepsTheSearchAsText) {
  HomeView view;
  view.packages = 1;
  view.releases = 2;
  view.namespaces = 1;
  view.query = kHostile;
  view.searched = true;
  view.found.push_back({*PackageName::parse("demo:analytics"), *Version::parse("0.2.0"),
                        api::ReleaseKind::kWit, kHostile});
  view.next_href = "/?q=a&cursor=b";
  const std::string page = home_page(view);
  EXPECT_NE(page.find("1 package, 2 releases in 1 namespace"), std::string::npos);
  EXPECT_NE(page.find("href=\"/packages/demo/analytics\""), std::string::npos);
  EXPECT_NE(page.find("href=\"/?q=a&amp;cursor=b\""), std::string::npos);
  expect_only_own_markup(page);

  EXPECT_EQ(page.find("Newest releases"), std::string::npos) << "a search shows its results only";

  HomeView empty;
  EXPECT_NE(home_page(empty).find("No package matches."), std::string::npos);
  EXPECT_EQ(home_page(empty).find("Newest releases"), std::string::npos);
}

TEST(PagesTest, TheHomePageListsTheNewestReleasesWhenNothingIsSearched) {
  HomeView view;
  view.recent.push_back({{*PackageName::parse("demo:analytics"), *Version::parse("0.2.0")},
                         api::ReleaseKind::kComponent,
                         "2026-12-07T04:40:40Z",
                         kHostile});
  const std::string page = home_page(view);
  EXPECT_NE(page.find("<h2 id=\"recent\">Newest releases</h2>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"/packages/demo/analytics/0.2.0\">demo:analytics 0.2.0</a>"),
            std::string::npos);
  EXPECT_NE(page.find("<time datetime=\"2026-12-07T04:40:40Z\">2026-12-07</time>"),
            std::string::npos);
}

TEST(PagesTest, ANamespacePageListsItsPackages) {
  NamespaceView view;
  view.name = "demo";
  view.found.push_back({*PackageName::parse("demo:analytics"), *Version::parse("0.2.0"),
                        api::ReleaseKind::kComponent, kHostile});
  view.next_href = "/namespaces/demo?cursor=c1";
  const std::string page = namespace_page(view);
  EXPECT_NE(page.find("<title>demo · wreg</title>"), std::string::npos);
  EXPECT_NE(page.find("href=\"/packages/demo/analytics\""), std::string::npos);
  EXPECT_NE(page.find("href=\"/namespaces/demo?cursor=c1\""), std::string::npos);
  expect_only_own_markup(page);
}

TEST(PagesTest, AnErrorPageShowsItsMessageAsText) {
  const std::string page = error_page("Not found", kHostile);
  EXPECT_NE(page.find("<h1>Not found</h1>"), std::string::npos);
  expect_only_own_markup(page);
}

TEST(PagesTest, TheStylesheetAndTheScriptAreServedFromTheBinary) {
  EXPECT_NE(stylesheet().find("prefers-color-scheme: dark"), std::string::npos);
  EXPECT_NE(script().find("addCopyButtons"), std::string::npos);
  EXPECT_TRUE(favicon().starts_with("<svg"));
  EXPECT_EQ(script().find("innerHTML"), std::string::npos) << "registry text stays text";
}

TEST(PagesTest, APageSaysHowWkgAndOciClientsFetchIt) {
  api::PackageDocument package{*PackageName::parse("demo:analytics"), "", {summary("0.2.0")}};
  const std::string named = package_page(
      {package, release_of("0.2.0"), WitView{}, {}, false, {"registry.example.com", "wasm/"}});
  EXPECT_NE(named.find("wkg get --registry registry.example.com demo:analytics@0.2.0"),
            std::string::npos);
  EXPECT_NE(named.find("registry.example.com/wasm/demo/analytics:0.2.0"), std::string::npos);
  // Without --public-url the script writes the address the browser used.
  const std::string unnamed = release_page(release_of("0.2.0"), WitView{}, std::nullopt, {"", ""});
  EXPECT_NE(unnamed.find("wkg get --registry <span class=\"this-host\">REGISTRY</span> "
                         "demo:analytics@0.2.0"),
            std::string::npos);
  EXPECT_NE(unnamed.find("<span class=\"this-host\">REGISTRY</span>/demo/analytics:0.2.0"),
            std::string::npos);
  // An OCI tag cannot hold build metadata.
  const std::string built = release_page(release_of("0.2.0+build.7"), WitView{}, std::nullopt, {});
  EXPECT_NE(built.find("demo:analytics@0.2.0+build.7"), std::string::npos);
  EXPECT_EQ(built.find("/demo/analytics:"), std::string::npos);
}

TEST(PagesTest, WhatAReaderCopiesIsMarkedForTheCopyButtons) {
  api::PackageDocument package{*PackageName::parse("demo:analytics"), "", {summary("0.2.0")}};
  const std::string page = package_page({package, release_of("0.2.0"), WitView{}, {}, false, {}});
  EXPECT_NE(page.find("data-copy=\"wreg add demo:analytics@0.2.0\""), std::string::npos);
  EXPECT_NE(page.find("data-copy=\"" + Digest::of("0.2.0").to_string() + "\""), std::string::npos);
  EXPECT_NE(page.find("<script src=\"/static/wreg.js\" defer></script>"), std::string::npos);
}

}  // namespace
}  // namespace wreg::web
