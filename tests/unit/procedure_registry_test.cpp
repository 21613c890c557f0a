#include <catch2/catch.hpp>

#include <actortx/procedure_registry.hpp>

using namespace actortx;

namespace {

procedure_def transfer_def() {
  return {"transfer",
          {{"from", value_kind::integer},
           {"to", value_kind::integer},
           {"amount", value_kind::integer},
           {"memo", value_kind::text, true}},
          [](tx&, const proc_args&) {}};
}

}  // namespace

TEST_CASE("a call with the declared argument kinds is valid", "[unit]") {
  auto def = transfer_def();
  CHECK_FALSE(check_call(def, procedure_call::make("transfer", 1, 2, 50, "rent")));
  CHECK_FALSE(check_call(def, procedure_call::make("transfer", 1, 2, -50, proc_value::null())));
}

TEST_CASE("a wrong-typed argument is refused naming its position, name and kinds", "[unit]") {
  auto bad = check_call(transfer_def(), procedure_call::make("transfer", 1, "two", 50, "x"));
  REQUIRE(bad);
  CHECK(*bad == "procedure 'transfer' argument 2 'to': expected integer, got text \"two\"");
}

TEST_CASE("an argument whose text does not parse as its kind is refused", "[unit]") {
  auto call = procedure_call::make("transfer", 1, 2, 50, "x");
  call.args[2].text = "50; DROP TABLE account";
  auto bad = check_call(transfer_def(), call);
  REQUIRE(bad);
  CHECK(bad->find("argument 3 'amount'") != std::string::npos);
  CHECK(bad->find("is not a valid integer") != std::string::npos);
  call.args[2].text = "99999999999999999999";  // out of int64 range
  CHECK(check_call(transfer_def(), call));
}

TEST_CASE("a wrong argument count or a NULL for a non-nullable parameter is refused", "[unit]") {
  auto def = transfer_def();
  auto few = check_call(def, procedure_call::make("transfer", 1, 2));
  REQUIRE(few);
  CHECK(*few == "procedure 'transfer' takes 4 argument(s), got 2");
  auto null = check_call(def, procedure_call::make("transfer", proc_value::null(), 2, 3, "m"));
  REQUIRE(null);
  CHECK(*null == "procedure 'transfer' argument 1 'from' must not be NULL");
}

TEST_CASE("proc_args reads arguments by parameter name", "[unit]") {
  auto def = transfer_def();
  auto call = procedure_call::make("transfer", 1, 2, 50, proc_value::null());
  proc_args a{def.params, call.args};
  CHECK(a.get_int("amount") == 50);
  CHECK(a.is_null("memo"));
  CHECK(a.sql("memo").is_null);
  CHECK(a.sql("to").text == "2");
  CHECK_THROWS_WITH(a.get_int("nope"), "procedure has no parameter 'nope'");
  CHECK_THROWS_WITH(a.get_text("memo"), "argument 'memo' is NULL");
}

TEST_CASE("procedure definitions are checked when registered", "[unit]") {
  procedure_registry reg;
  auto body = [](tx&, const proc_args&) {};
  reg.define("p", {{"a", value_kind::integer}}, body);
  CHECK(reg.find("p") != nullptr);
  CHECK(reg.find("q") == nullptr);
  CHECK_THROWS_WITH(reg.define("p", {}, body), "procedure 'p' is defined twice");
  CHECK_THROWS_WITH(reg.define("", {}, body), "a procedure needs a name");
  CHECK_THROWS_WITH(reg.define("r", {}, nullptr), "procedure 'r' has no body");
  CHECK_THROWS_WITH(reg.define("s", {{"a", value_kind::text}, {"a", value_kind::text}}, body),
                    "procedure 's' has two parameters named 'a'");
  CHECK(reg.names() == std::vector<std::string>{"p"});
}
