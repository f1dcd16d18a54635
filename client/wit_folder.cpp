#include "client/wit_folder.h"

#include <algorithm>
#include <system_error>

#include "client/file_io.h"
#include "common/text.h"
#include "common/wit/parser.h"
#include "common/wit/wit_text.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

// The most files a WIT folder and its deps may hold: far past any real package.
constexpr std::size_t kMaxWitFiles = 10'000;

// The entries of `folder` whose names end with `suffix` (any, when empty), sorted by name.
Result<std::vector<fs::path>> entries_of(const fs::path& folder, std::string_view suffix,
                                         bool folders_too) {
  std::vector<fs::path> entries;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    const bool is_folder = it->is_directory(error);
    if ((folders_too && is_folder) || (!is_folder && path.string().ends_with(suffix))) {
      entries.push_back(path);
    }
    if (entries.size() > kMaxWitFiles) {
      return fail(ErrorCode::kInvalidArgument, escaped(folder.string()) + " holds more than " +
                                                   std::to_string(kMaxWitFiles) +
                                                   " entries; is it really a WIT folder?");
    }
  }
  if (error) {
    return fail(
        error == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound : ErrorCode::kIo,
        "cannot read the folder " + escaped(folder.string()) + ": " + error.message());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

Result<void> parse_into(WitSources& sources, wit::SourceGroup& group, std::string path,
                        std::string text) {
  auto parsed = wit::parse_file(std::move(path), std::move(text));
  if (!parsed) return std::move(parsed).error();
  sources.files.push_back(std::make_unique<wit::ast::File>(std::move(*parsed)));
  group.push_back(sources.files.back().get());
  return {};
}

Result<void> read_wit_file(WitSources& sources, wit::SourceGroup& group, const fs::path& file) {
  auto text = read_file(file);
  if (!text) return std::move(text).error();
  return parse_into(sources, group, file.string(), std::move(*text));
}

// A binary dependency: its own package, printed, then parsed like the text beside it.
Result<void> read_wasm_dependency(WitSources& sources, wit::SourceGroup& group,
                                  const fs::path& file) {
  auto bytes = read_file(file);
  if (!bytes) return std::move(bytes).error();
  auto text =
      wit::wit_text(std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
  if (!text) return fail(text.error().code, escaped(file.string()) + ": " + text.error().message);
  if (!text->is_package) {
    return fail(ErrorCode::kInvalidArgument,
                escaped(file.string()) +
                    " is a component, not a WIT package; only WIT packages can be dependencies");
  }
  return parse_into(sources, group, file.string() + " (as WIT)",
                    std::move(text->files.front().text));
}

wit::PackageName name_of(const wit::ast::PackageName& name) {
  return wit::PackageName{name.space, name.name, name.version};
}

// The packages a group's files define: each file's `package`, and its nested blocks.
void add_defined(const wit::SourceGroup& group, std::vector<wit::PackageName>& defined) {
  for (const wit::ast::File* file : group) {
    if (file->package) defined.push_back(name_of(*file->package));
    for (const auto& nested : file->nested) defined.push_back(name_of(nested.name));
  }
}

void add_named(const wit::ast::UsePath& path, std::vector<wit::PackageName>& named) {
  if (path.package) named.push_back(name_of(*path.package));
}

void add_named(const std::vector<wit::ast::InterfaceItem>& items,
               std::vector<wit::PackageName>& named) {
  for (const auto& item : items) {
    if (item.kind == wit::ast::InterfaceItem::Kind::kUse) add_named(item.use.from, named);
  }
}

void add_named(const std::vector<wit::ast::Decl>& decls, std::vector<wit::PackageName>& named) {
  for (const auto& decl : decls) {
    switch (decl.kind) {
      case wit::ast::Decl::Kind::kInterface:
        add_named(decl.interface.items, named);
        break;
      case wit::ast::Decl::Kind::kUse:
        add_named(decl.use.item, named);
        break;
      case wit::ast::Decl::Kind::kWorld:
        for (const auto& item : decl.world.items) {
          using Kind = wit::ast::WorldItem::Kind;
          if (item.kind == Kind::kUse) add_named(item.use.from, named);
          if (item.kind == Kind::kInclude) add_named(item.include.from, named);
          if (item.kind == Kind::kImport || item.kind == Kind::kExport) {
            add_named(item.extern_item.path, named);
            add_named(item.extern_item.items, named);
          }
        }
        break;
    }
  }
}

}  // namespace

std::vector<WitDependency> wit_dependencies(const WitSources& sources) {
  if (sources.groups.empty()) return {};
  std::vector<wit::PackageName> own;
  add_defined(sources.groups.front(), own);
  std::vector<wit::PackageName> at_hand;
  for (std::size_t i = 1; i < sources.groups.size(); ++i) add_defined(sources.groups[i], at_hand);
  std::vector<wit::PackageName> named;
  for (const wit::ast::File* file : sources.groups.front()) {
    add_named(file->decls, named);
    for (const auto& nested : file->nested) add_named(nested.decls, named);
  }
  std::vector<WitDependency> dependencies;
  for (auto& name : named) {
    const auto is_name = [&](const auto& other) { return other == name; };
    if (std::any_of(own.begin(), own.end(), is_name)) continue;
    if (std::any_of(dependencies.begin(), dependencies.end(),
                    [&](const WitDependency& known) { return known.name == name; })) {
      continue;
    }
    const bool found = std::any_of(at_hand.begin(), at_hand.end(), is_name);
    dependencies.push_back({std::move(name), found});
  }
  return dependencies;
}

Result<WitSources> read_wit_folder(const fs::path& folder) {
  WitSources sources;
  auto files = entries_of(folder, ".wit", false);
  if (!files) {
    if (files.error().code == ErrorCode::kNotFound) {
      return fail(ErrorCode::kNotFound, "there is no WIT folder " + escaped(folder.string()) +
                                            "; name the folder that holds the package's .wit "
                                            "files (wreg build DIR)");
    }
    return std::move(files).error();
  }
  if (files->empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "no .wit files in " + escaped(folder.string()) + "; a package's WIT goes there");
  }
  sources.groups.emplace_back();
  for (const fs::path& file : *files) {
    if (auto read = read_wit_file(sources, sources.groups.front(), file); !read) {
      return std::move(read).error();
    }
  }
  auto deps = entries_of(folder / "deps", "", true);
  if (!deps) {
    if (deps.error().code == ErrorCode::kNotFound) return sources;
    return std::move(deps).error();
  }
  for (const fs::path& entry : *deps) {
    wit::SourceGroup group;
    Result<void> read;
    std::error_code error;
    if (fs::is_directory(entry, error)) {
      auto inner = entries_of(entry, ".wit", false);
      if (!inner) return std::move(inner).error();
      for (const fs::path& file : *inner) {
        read = read_wit_file(sources, group, file);
        if (!read) break;
      }
    } else if (entry.extension() == ".wit") {
      read = read_wit_file(sources, group, entry);
    } else if (entry.extension() == ".wasm") {
      read = read_wasm_dependency(sources, group, entry);
    } else {
      continue;  // a README, a lock file: not WIT
    }
    if (!read) return std::move(read).error();
    if (!group.empty()) sources.groups.push_back(std::move(group));
  }
  return sources;
}

}  // namespace wreg::client
