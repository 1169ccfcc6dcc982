// Small text helpers shared by the units of vsem_trace (not installed, not API).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vsem::trace::detail {

// Decodes one UTF-8 sequence at s[pos]; returns its length, or 0 if the bytes
// there are not a valid (shortest-form, non-surrogate) sequence. cp receives
// the code point when valid.
std::size_t utf8_sequence(std::string_view s, std::size_t pos, char32_t& cp) noexcept;

// Appends c as UTF-8.
void append_utf8(std::string& out, char32_t c);

// s with every invalid UTF-8 byte replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// Appends s as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view s);

// Appends s escaped for HTML text and attribute values (& < > " ').
void append_html(std::string& out, std::string_view s);

// s with bytes outside printable ASCII replaced by '?', for terminals and error
// messages; at most max_len bytes (then "...").
std::string printable_ascii(std::string_view s, std::size_t max_len = 80);

// "0x55a88584f500"
std::string hex_address(std::uint64_t a);

// Last path component.
std::string_view basename_of(std::string_view path) noexcept;

}  // namespace vsem::trace::detail
