#include "client/project_init.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "client/file_io.h"
#include "common/text.h"
#include "common/toml_text.h"
#include "common/version.h"
#include "common/wit/parser.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDefaultVersion = "0.1.0";

// The .wit files directly in `folder`, by name.
std::vector<fs::path> wit_files(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".wit" && it->is_regular_file(type_ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct WitPackage {
  PackageName name;
  std::optional<Version> version;
  std::string file;  // `wit/x.wit`, for the note
};

// The package the first file of `files` that declares one names; notes say what was skipped.
std::optional<WitPackage> declared_package(const std::vector<fs::path>& files,
                                           std::vector<std::string>& notes) {
  for (const auto& path : files) {
    const std::string shown = "wit/" + escaped(path.filename().string());
    auto text = read_file(path);
    if (!text) continue;
    auto file = wit::parse_file(path.string(), std::move(*text));
    if (!file) {
      notes.push_back(shown + " does not parse (`wreg build` says where); not read for the name");
      continue;
    }
    if (!file->package) continue;
    auto name = PackageName::parse(file->package->space + ":" + file->package->name);
    if (!name) {
      notes.push_back(shown +
                      " declares a package name wreg does not take: " + name.error().message);
      continue;
    }
    std::optional<Version> version;
    if (!file->package->version.empty()) {
      if (auto parsed = Version::parse(file->package->version)) version = std::move(*parsed);
    }
    return WitPackage{std::move(*name), std::move(version), shown};
  }
  return std::nullopt;
}

// Writes `bytes` to `path` only if nothing is there: a temp file beside it, linked into place
// (link() never replaces), then removed.
Result<void> write_new_file(const fs::path& path, std::string_view bytes) {
  const fs::path temp =
      path.parent_path() / ("." + path.filename().string() + ".init-" + std::to_string(::getpid()));
  if (auto written = write_file_atomically(temp, bytes); !written) return written;
  int err = ::link(temp.c_str(), path.c_str()) == 0 ? 0 : errno;
  (void)remove_file(temp);
  if (err == EEXIST) {
    return fail(ErrorCode::kAlreadyExists,
                path.string() + " appeared while wreg init ran; nothing was written");
  }
  if (err != 0) {
    return fail(ErrorCode::kIo, "cannot write " + path.string() + ": " + std::strerror(err));
  }
  return {};
}

}  // namespace

std::optional<std::string> package_label_from(std::string_view folder) {
  std::vector<std::string> words;
  std::string word;
  auto end_word = [&] {
    if (word.empty()) return;
    if (word[0] >= '0' && word[0] <= '9' && !words.empty()) {
      words.back() += word;
    } else {
      words.push_back(word);
    }
    word.clear();
  };
  for (char c : folder) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
    } else {
      end_word();
    }
  }
  end_word();
  if (words.empty() || (words[0][0] >= '0' && words[0][0] <= '9')) return std::nullopt;
  std::string label = words[0];
  for (std::size_t i = 1; i < words.size(); ++i) label += "-" + words[i];
  if (!check_label(label, "name")) return std::nullopt;
  return label;
}

Result<InitReport> plan_init(const fs::path& root, const std::optional<PackageName>& name) {
  InitReport report;
  const auto files = wit_files(root / "wit");
  auto wit = declared_package(files, report.notes);
  if (name) {
    report.package.name = *name;
  } else if (wit) {
    report.package.name = wit->name;
    report.notes.push_back("[package] name is the one " + wit->file + " declares");
  }
  report.package.version = wit && wit->version ? *wit->version : *Version::parse(kDefaultVersion);
  if (!files.empty()) report.package.file = "wit";

  std::string text = "[package]\n";
  if (report.package.name) {
    text += "name = " + toml_quote(report.package.name->to_string()) + "\n";
  } else {
    const std::string folder = root.filename().string();
    auto label = package_label_from(folder);
    if (!label) {
      return fail(ErrorCode::kInvalidArgument,
                  "cannot make a package name of the folder name " + wreg::quoted(folder) +
                      " (a name is lowercase words of letters and digits joined by '-', each "
                      "starting with a letter); run `wreg init --name ns:name`");
    }
    if (*label != folder) {
      report.notes.push_back("the folder name " + wreg::quoted(folder) +
                             " is not a package name; using " + *label);
    }
    text += "# name = \"NAMESPACE:" + *label +
            "\"  # the namespace you publish into; `wreg init --name ns:" + *label + "` sets it\n";
    report.notes.push_back(
        "no wit/*.wit declares a package, so the namespace is unknown: set "
        "[package] name in wreg.toml, or run `wreg init --name ns:" +
        *label + "` instead");
  }
  text += "version = " + toml_quote(report.package.version->to_string()) + "\n";
  if (report.package.file) text += "file = " + toml_quote(*report.package.file) + "\n";
  text += "\n[dependencies]\n";
  // Whatever init writes, the other commands read.
  if (auto parsed = parse_manifest(text); !parsed) {
    return fail(ErrorCode::kInternal, "wreg init made a wreg.toml that does not read (" +
                                          parsed.error().message + "); this is a bug in wreg");
  }
  report.manifest_text = std::move(text);
  return report;
}

Result<InitReport> init_project(const fs::path& root, const std::optional<PackageName>& name) {
  const fs::path path = root / "wreg.toml";
  std::error_code ec;
  const auto type = fs::symlink_status(path, ec).type();
  if (type != fs::file_type::not_found && type != fs::file_type::none) {
    return fail(ErrorCode::kAlreadyExists,
                path.string() +
                    " already exists; wreg init writes a new one only (add "
                    "dependencies with `wreg add ns:name`)");
  }
  auto report = plan_init(root, name);
  if (!report) return report;
  if (auto written = write_new_file(path, report->manifest_text); !written) {
    return std::move(written).error();
  }
  return report;
}

}  // namespace wreg::client
