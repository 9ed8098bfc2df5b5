// util::EscapeForTerminal: untrusted names must not drive the terminal.
#include <gtest/gtest.h>

#include "util/util.h"

namespace sanad::util {
namespace {

TEST(EscapeForTerminalTest, PlainTextIsUnchanged) {
  EXPECT_EQ(EscapeForTerminal("Alpha CERT (MY) \\ 100%"), "Alpha CERT (MY) \\ 100%");
  EXPECT_EQ(EscapeForTerminal(""), "");
  // Non-ASCII letters stay readable: Arabic, accented Latin, CJK, emoji.
  EXPECT_EQ(EscapeForTerminal("سند CERT-Ré 日本 🛡"), "سند CERT-Ré 日本 🛡");
}

TEST(EscapeForTerminalTest, C0ControlsAndDelAreEscaped) {
  // The spoof from issue 15: erase the line, return, print a trusted name.
  EXPECT_EQ(EscapeForTerminal("Evil\x1b[2K\rAlpha"), "Evil\\x1b[2K\\x0dAlpha");
  EXPECT_EQ(EscapeForTerminal(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeForTerminal("a\tb\nc\x7f"), "a\\x09b\\x0ac\\x7f");
  EXPECT_EQ(EscapeForTerminal("\x07\x08"), "\\x07\\x08");
}

TEST(EscapeForTerminalTest, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(EscapeForTerminal("a\xc2\x9b"
                              "2Kb"),
            "a\\u009b2Kb");                                 // U+009B CSI
  EXPECT_EQ(EscapeForTerminal("x\xc2\x85y"), "x\\u0085y");  // NEL
  EXPECT_EQ(EscapeForTerminal("\xe2\x80\xae"
                              "gpj.exe"),
            "\\u202egpj.exe");  // RLO
  EXPECT_EQ(EscapeForTerminal("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
            "\\u202a\\u202b\\u202c\\u202d");
  EXPECT_EQ(EscapeForTerminal("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
            "\\u2066\\u2067\\u2068\\u2069");
  EXPECT_EQ(EscapeForTerminal("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8\xe2\x80\xa9"),
            "\\u200e\\u200f\\u061c\\u2028\\u2029");
  // Neighbours of the ranges are ordinary characters.
  EXPECT_EQ(EscapeForTerminal("\xc2\xa0\xe2\x80\xaf\xe2\x81\xaa"),
            "\xc2\xa0\xe2\x80\xaf\xe2\x81\xaa");
}

TEST(EscapeForTerminalTest, InvalidUtf8BytesAreEscaped) {
  EXPECT_EQ(EscapeForTerminal("a\x9b"
                              "b"),
            "a\\x9bb");                                             // lone 8-bit CSI
  EXPECT_EQ(EscapeForTerminal("\xc0\x9b"), "\\xc0\\x9b");           // overlong ESC-like form
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(EscapeForTerminal("\xe2\x80"), "\\xe2\\x80");           // truncated sequence
  EXPECT_EQ(EscapeForTerminal("\xff"), "\\xff");
}

}  // namespace
}  // namespace sanad::util
