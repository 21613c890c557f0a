// Table and column names that go into SQL text (COPY takes no bind parameters for them):
// checked as plain identifiers, then quoted, so a name is never spliced into SQL unchecked.
#pragma once

#include <string>
#include <vector>

namespace actortx {

/// Empty if `name` is a plain identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63 bytes); else
/// why not, naming it as `what` ("table name", "column name").
std::string plain_identifier_problem(const std::string& what, const std::string& name);

/// `name` checked as above (else std::invalid_argument naming it), folded to lower case as
/// PostgreSQL folds an unquoted name, and between double quotes, so that a keyword such as
/// `order` or `user` is a name too: "Order" -> "\"order\"", the table `CREATE TABLE Order`
/// would make if it could.
std::string quoted_identifier(const std::string& what, const std::string& name);

/// "t" or "schema.t", each part quoted as above; anything else is std::invalid_argument.
std::string quoted_table_name(const std::string& name);

/// The names quoted as above, as a list for "COPY t (a, b)".
std::vector<std::string> quoted_column_names(const std::vector<std::string>& names);

}  // namespace actortx
