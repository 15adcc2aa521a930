#include "cli_support/run_main.h"

#include <exception>
#include <iostream>

#include "cli_support/cli_error.h"
#include "cli_support/exit_status.h"

namespace sshca::cli {

std::string exitStatusHelp(bool notDue) {
  std::string s = "Exit status: 0 done, 1 failed";
  if (notDue) s += ", 2 nothing was due";
  return s + ", 64 bad arguments.";
}

void addExitStatusFooters(CLI::App& app, std::string_view docs) {
  std::string footer = app.get_footer();
  if (footer.find("Exit status:") == std::string::npos) {
    std::string statuses = exitStatusHelp(false) + (docs.empty() ? "" : " " + std::string(docs));
    app.footer(footer.empty() ? statuses : footer + "\n" + statuses);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) addExitStatusFooters(*sub, docs);
}

int runMain(CLI::App& app, int argc, char** argv, std::string_view program) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are ParseErrors too, with status 0.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CliExit& e) {
    std::cerr << program << ": " << e.error.message << "\n";
    return e.error.code == ErrorCode::InvalidArgument ? kExitUsage : kExitFailed;
  } catch (const ExitWith& e) { return e.status; } catch (const std::exception& e) {
    std::cerr << program << ": unexpected error: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace sshca::cli
