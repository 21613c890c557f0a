// A runtime whose connections go through a fault proxy (TCP to the suite's cluster), on a
// schema of its own with a table paid(id): the setting of the outcome-contract tests, for
// bodies and for pipelined scripts alike. Tests derive from it and add how they pay.
#pragma once

#include <cstdint>
#include <string>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "support/pg_test_env.hpp"

namespace actortx::test {

struct proxied_runtime {
  test_schema db;
  fault_proxy proxy{"127.0.0.1",
                    static_cast<uint16_t>(std::stoi(parse_dsn(db.base_dsn()).at("port")))};
  runtime rt{[&] {
    db.exec("CREATE TABLE paid(id int PRIMARY KEY)");
    auto cfg = test_config(db);
    cfg.dsn = proxy.dsn_through(db.dsn());
    return cfg;
  }()};
};

}  // namespace actortx::test
