// A small XML reader for the chart tests: enough of XML to check that an SVG is well formed (one root,
// balanced tags, quoted attributes, known entities) and to find elements by id/class.
#pragma once

#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ktrdr::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<XmlElement>> children;
  std::string text;  // concatenated direct text

  std::string attr(const std::string& key) const {
    const auto it = attrs.find(key);
    return it == attrs.end() ? std::string() : it->second;
  }
  bool has_class(const std::string& cls) const {
    const std::string all = attr("class");
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find(' ', start);
      if (end == std::string::npos) end = all.size();
      if (all.compare(start, end - start, cls) == 0) return true;
      start = end + 1;
    }
    return false;
  }
  // Depth-first, this element included.
  template <typename F>
  void visit(F&& f) const {
    f(*this);
    for (const auto& c : children) c->visit(f);
  }
};

// Throws std::runtime_error naming the offset of the first problem.
inline std::unique_ptr<XmlElement> parse_xml(const std::string& s) {
  size_t i = 0;
  auto fail = [&](const std::string& what) -> void {
    throw std::runtime_error("XML: " + what + " at offset " + std::to_string(i));
  };
  auto check_entities = [&](const std::string& t) {
    for (size_t k = 0; k < t.size(); ++k) {
      if (t[k] != '&') continue;
      const size_t semi = t.find(';', k);
      const std::string ent = semi == std::string::npos ? "" : t.substr(k + 1, semi - k - 1);
      if (ent != "amp" && ent != "lt" && ent != "gt" && ent != "quot" && ent != "apos") fail("bad entity");
    }
  };
  std::unique_ptr<XmlElement> root;
  std::vector<XmlElement*> stack;
  while (i < s.size()) {
    if (s[i] != '<') {
      const size_t next = s.find('<', i);
      const std::string text = s.substr(i, next == std::string::npos ? std::string::npos : next - i);
      if (text.find('>') != std::string::npos) fail("stray '>'");
      check_entities(text);
      if (stack.empty()) {
        if (text.find_first_not_of(" \t\r\n") != std::string::npos) fail("text outside the root");
      } else {
        stack.back()->text += text;
      }
      i = next == std::string::npos ? s.size() : next;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const size_t end = s.find("-->", i);
      if (end == std::string::npos) fail("unclosed comment");
      i = end + 3;
      continue;
    }
    if (s.compare(i, 2, "<?") == 0) {
      if (root || !stack.empty()) fail("processing instruction after the root");
      const size_t end = s.find("?>", i);
      if (end == std::string::npos) fail("unclosed <?");
      i = end + 2;
      continue;
    }
    if (s.compare(i, 2, "</") == 0) {
      const size_t end = s.find('>', i);
      if (end == std::string::npos) fail("unclosed end tag");
      const std::string name = s.substr(i + 2, end - i - 2);
      if (stack.empty() || stack.back()->name != name) fail("unbalanced </" + name + ">");
      stack.pop_back();
      i = end + 1;
      continue;
    }
    // start tag
    ++i;
    auto el = std::make_unique<XmlElement>();
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == ':')) {
      el->name += s[i++];
    }
    if (el->name.empty()) fail("empty tag name");
    bool self_closing = false;
    for (;;) {
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      if (i >= s.size()) fail("unclosed tag <" + el->name);
      if (s[i] == '>') {
        ++i;
        break;
      }
      if (s.compare(i, 2, "/>") == 0) {
        i += 2;
        self_closing = true;
        break;
      }
      std::string key;
      while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '>') {
        key += s[i++];
      }
      if (key.empty() || i >= s.size() || s[i] != '=') fail("attribute without value in <" + el->name);
      ++i;
      if (i >= s.size() || (s[i] != '"' && s[i] != '\'')) fail("unquoted attribute " + key);
      const char q = s[i++];
      const size_t end = s.find(q, i);
      if (end == std::string::npos) fail("unterminated attribute " + key);
      const std::string value = s.substr(i, end - i);
      if (value.find('<') != std::string::npos) fail("'<' in attribute " + key);
      check_entities(value);
      if (!el->attrs.emplace(key, value).second) fail("duplicate attribute " + key);
      i = end + 1;
    }
    XmlElement* raw = el.get();
    if (stack.empty()) {
      if (root) fail("second root element <" + el->name + ">");
      root = std::move(el);
    } else {
      stack.back()->children.push_back(std::move(el));
    }
    if (!self_closing) stack.push_back(raw);
  }
  if (!stack.empty()) throw std::runtime_error("XML: <" + stack.back()->name + "> never closed");
  if (!root) throw std::runtime_error("XML: no root element");
  return root;
}

}  // namespace ktrdr::test
