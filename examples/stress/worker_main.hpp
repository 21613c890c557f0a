// The worker node (--nodes): the same binary, started by the coordinator with the hidden
// first argument --worker. It runs a runtime on one database, offers the bank procedures and
// publishes its supervisor on 127.0.0.1; the coordinator sends it transfers and saga steps.
#pragma once

namespace stress {

/// True when argv asks for a worker (argv[1] == "--worker").
bool is_worker_invocation(int argc, char** argv);

/// Runs the worker until SIGTERM/SIGINT or until its lifeline (a pipe the coordinator holds
/// open) reaches EOF, i.e. the coordinator is gone, however it ended. Writes
/// "ready <port>\n" to --ready-fd once it serves. Returns the exit code.
int worker_main(int argc, char** argv);

}  // namespace stress
