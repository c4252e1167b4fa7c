// strata inspect: print the live database as a schema document.
#include <iostream>

#include "cli/command.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/emit/document_writer.hpp"

namespace strata::cli {

namespace {

struct InspectOptions {
  std::string format = "yaml";
  std::string output;
};

int run_inspect(const GlobalOptions& global, const InspectOptions& options) {
  const Target target = resolve_target(global);
  const config::Settings& settings = target.settings;
  const config::DatabaseUrl& url = target.url;
  const dialect::Dialect& dialect = *target.dialect;
  auto database = dialect.open(url, dialect::OpenMode::ReadOnly);
  if (!database->exists()) {
    throw Error(ExitCode::Connection, "database " + url.redacted() + " does not exist; check the URL (from " +
                                          settings.url_origin + ")");
  }
  if (auto missing = database->missing_schemas(); !missing.empty()) {
    throw Error(ExitCode::InvalidInput, "schema \"" + missing.front() + "\" does not exist in database " + url.redacted() +
                                            "; check [database] schemas in strata.toml or STRATA_SCHEMAS");
  }
  const model::Schema schema = database->introspect();
  const std::string text =
      emit::write_document(schema, options.format == "toml" ? load::Format::Toml : load::Format::Yaml);
  if (options.output.empty() || options.output == "-") {
    std::cout << text;
  } else {
    write_file_atomically(options.output, text);
    std::cerr << "wrote " << options.output << " (" << schema.tables.size() << " tables, " << schema.views.size()
              << " views, " << schema.triggers.size() << " triggers)\n";
  }
  return 0;
}

}  // namespace

void setup_inspect(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "print the live database as a schema document");
  cmd->add_option("--format", options->format, "yaml (default) or toml")->check(CLI::IsMember({"yaml", "toml"}));
  cmd->add_option("-o,--output", options->output, "write to this file instead of stdout");
  cmd->callback([&global, &runner, options] { runner = [&global, options] { return run_inspect(global, *options); }; });
}

}  // namespace strata::cli
