// The files of a --nodes run, in a temp directory of their own: the workers' logs and, for
// TLS, a throwaway CA and one node certificate signed by it (every process of the run
// presents it; peers accept only certificates of this CA), made with the openssl tool. The
// CA's key is deleted once it has signed; the node key lives as long as the run: a watcher
// process removes the directory even when the coordinator is killed with SIGKILL, and each
// run first sweeps the directories of dead runs (dir_watcher.hpp).
#pragma once

#include <memory>
#include <string>

#include <actortx/node_config.hpp>

#include "dir_watcher.hpp"

namespace stress {

class node_files {
 public:
  /// Creates the directory and, with `tls`, the certificates; std::runtime_error naming the
  /// openssl command and its output if that fails.
  explicit node_files(bool tls);
  /// Removes the directory unless keep() was called.
  ~node_files();

  node_files(const node_files&) = delete;
  node_files& operator=(const node_files&) = delete;

  const std::string& dir() const noexcept { return dir_; }
  bool tls() const noexcept { return tls_; }
  /// Leave the directory (the workers' logs) for a look after the run; its key goes at once.
  void keep() noexcept;

  /// This run's node settings for a process that calls the workers: TLS with the run's
  /// certificates, or plain TCP on loopback.
  actortx::node_config client_node(std::map<std::string, std::string> peers) const;

 private:
  std::string dir_;
  bool tls_ = false;
  bool keep_ = false;
  std::unique_ptr<dir_watcher> watcher_;
};

/// Prefix of the directories' names in the temp dir: actortx-stress-nodes-<pid>-XXXXXX.
inline constexpr const char* node_dir_prefix = "actortx-stress-nodes-";

}  // namespace stress
