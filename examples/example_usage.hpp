// The command line every example shares: -h/--help prints its usage and exits 0; an unknown
// option (named) or a surplus argument is an error (exit 2), before any database is touched.
#pragma once

#include <iostream>
#include <optional>
#include <string>

namespace example {

/// How every example finds its PostgreSQL: actortx::dsn_or_embedded().
inline constexpr const char* dsn_rule =
    "DSN: a libpq connection string (\"host=/var/run/postgresql dbname=bank\") or a\n"
    "postgresql:// URI. Without one: $ACTORTX_DSN, else the first line of the file named by\n"
    "$ACTORTX_DSN_FILE, else libpq's environment if PGHOST, PGHOSTADDR, PGPORT, PGDATABASE,\n"
    "PGUSER or PGSERVICE is set (with PGPASSWORD, ~/.pgpass, as psql), else a throwaway\n"
    "PostgreSQL started for this run and removed after it (needs initdb and pg_ctl: PATH or\n"
    "/usr/lib/postgresql/*/bin).\n";

struct usage {
  const char* synopsis;   ///< one or more "usage:" lines
  const char* purpose;    ///< what the example does and shows
  const char* arguments;  ///< "  NAME   what it is" lines
};

inline void print_usage(std::ostream& out, const usage& u) {
  out << "usage: " << u.synopsis << "\n\n"
      << u.purpose << "\n\narguments:\n"
      << u.arguments << "  -h, --help   print this help and exit\n\n"
      << dsn_rule;
}

/// Looks at the arguments before the example runs. std::nullopt: go on (no option was given,
/// at most `max_args` arguments); otherwise the exit code to return: 0 after printing the
/// usage for -h or --help, 2 after naming an unknown option or counting surplus arguments.
inline std::optional<int> check_arguments(int argc, char** argv, const usage& u, int max_args) {
  const std::string name = argc > 0 ? argv[0] : "example";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      print_usage(std::cout, u);
      return 0;
    }
    // A DSN never starts with '-': this is an option, and none but --help exists.
    if (arg.size() > 1 && arg[0] == '-') {
      // Named up to any '=': "--dsn=host=x password=y" must not print the password.
      std::cerr << name << ": unknown option " << arg.substr(0, arg.find('='))
                << "\nRun with --help for usage.\n";
      return 2;
    }
  }
  if (argc - 1 > max_args) {
    // Counted, not shown: a surplus argument may be a second DSN with a password in it.
    std::cerr << name << ": too many arguments (" << argc - 1 << " given, at most " << max_args
              << ")\nRun with --help for usage.\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace example
