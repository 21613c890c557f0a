// Turns the README's checked C++ snippets into one source file, so that the build compiles every
// one of them (readme_snippets_test.cpp counts them). A snippet is a ```cpp block right after a
// line `<!-- checked: KIND -->`:
//   file   pasted at namespace scope as it is (includes, functions, structs);
//   body   pasted into a function that has `actortx::runtime& rt` and the names of prelude.hpp;
//   block  pasted into a function without parameters (a snippet that makes its own runtime).
// Usage: readme_extract_snippets README.md OUT.cpp
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>

namespace {

int fail(const std::string& readme, int line, const std::string& why) {
  std::cerr << readme << ':' << line << ": " << why << '\n';
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: readme_extract_snippets README.md OUT.cpp\n";
    return 2;
  }
  const std::string readme = argv[1];
  std::ifstream in{readme};
  if (!in) return fail(readme, 0, "cannot be read");
  const std::regex marker{R"(^<!-- checked: (file|body|block) -->\s*$)"};
  std::ostringstream out;
  out << "// Generated from README.md by tests/readme/extract_snippets.cpp: do not edit.\n"
      << "#include \"readme/prelude.hpp\"\n\n";
  std::string line, kind;
  bool inside = false;
  int count = 0, number = 0, opened = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    ++number;
    if (inside) {
      if (line.rfind("```", 0) == 0) {
        out << (kind != "file" ? "}\n" : "") << "// --- end of snippet " << count << "\n\n";
        inside = false;
        kind.clear();
      } else {
        out << line << '\n';
      }
    } else if (std::regex_match(line, m, marker)) {
      kind = m[1];
    } else if (!kind.empty() && line.rfind("```cpp", 0) == 0) {
      ++count;
      inside = true;
      opened = number;
      out << "// --- snippet " << count << " (" << kind << ")\n";
      if (kind != "file")
        out << "[[maybe_unused]] void readme_snippet_" << count << '('
            << (kind == "body" ? "actortx::runtime& rt" : "") << ") {\n"
            << "  using namespace readme_prelude;\n";
      out << "#line " << number + 1 << " \"README.md\"\n";
    } else if (!kind.empty() && !line.empty()) {
      return fail(readme, number, "a checked marker must be followed by a ```cpp block");
    }
  }
  if (inside) return fail(readme, opened, "this snippet is not closed");
  out << "int readme_snippet_count() { return " << count << "; }\n";
  const std::string text = out.str();
  std::ofstream{argv[2], std::ios::binary} << text;
  return 0;
}
