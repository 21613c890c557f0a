// The command a benchmark ran, printed with its figures so a table can be reproduced.
#pragma once

#include <string>

namespace bench {

/// `arg` as a POSIX shell word: as is if plain, else in single quotes.
std::string shell_quote(const std::string& arg);

/// argv as one shell line; the value of --dsn (either spelling) with its password redacted.
std::string command_line(int argc, char** argv);

}  // namespace bench
