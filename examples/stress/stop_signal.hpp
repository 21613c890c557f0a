// SIGINT/SIGTERM as a polite stop request: no new transfers, in-flight ones finish, the checks
// run. Bounded: a run that has not ended stop_grace after the signal (a transaction blocked
// at its deadline, a setup step such as initdb, a slow teardown) exits at once with 128 + the
// signal's number; the embedded server's reaper and the workers' lifelines still clean up.
#pragma once

#include <chrono>

namespace stress {

/// How long after SIGINT/SIGTERM the program may take to wind down by itself.
constexpr std::chrono::milliseconds stop_grace{1500};

/// Installs handlers for SIGINT and SIGTERM that only set a flag and wake the stop watchdog
/// (a thread that ends the process stop_grace later). A second signal takes the default
/// action.
void install_stop_handlers();

/// True once SIGINT or SIGTERM arrived, or request_stop() was called.
bool stop_requested() noexcept;

void request_stop() noexcept;

/// The signal that asked to stop, 0 if none.
int stop_signal() noexcept;

/// Sleeps up to `d`, less if a stop is requested meanwhile; false when it was.
bool sleep_unless_stopped(std::chrono::milliseconds d);

}  // namespace stress
