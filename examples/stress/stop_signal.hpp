// SIGINT/SIGTERM as a polite stop request: no new transfers, in-flight ones finish.
#pragma once

namespace stress {

/// Installs handlers for SIGINT and SIGTERM that only set a flag. A second signal takes the
/// default action (the embedded cluster's reaper still removes the server then).
void install_stop_handlers();

/// True once SIGINT or SIGTERM arrived, or request_stop() was called.
bool stop_requested() noexcept;

void request_stop() noexcept;

/// The signal that asked to stop, 0 if none.
int stop_signal() noexcept;

}  // namespace stress
