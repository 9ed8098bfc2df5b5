// util::AppendJsonString / JsonQuote and util::JsonWriter.
#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace sanad::util {
namespace {

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("plain text/100%"), "\"plain text/100%\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(JsonQuoteTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonQuote("R\xc3\xa9 \xd8\xb3\xd9\x86\xd8\xaf \xf0\x9f\x9b\xa1"),
            "\"R\xc3\xa9 \xd8\xb3\xd9\x86\xd8\xaf \xf0\x9f\x9b\xa1\"");
  const std::string kBad = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonQuote("a\xff"), "\"a" + kBad + "\"");                      // not a lead byte
  EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"" + kBad + kBad + "\"");             // overlong
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"" + kBad + kBad + kBad + "\"");  // surrogate
  EXPECT_EQ(JsonQuote("\xf4\x90\x80\x80"), "\"" + kBad + kBad + kBad + kBad + "\"");  // > U+10FFFF
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"" + kBad + kBad + "\"");                        // truncated
  std::string appended = "x=";
  AppendJsonString(&appended, "y");
  EXPECT_EQ(appended, "x=\"y\"");
}

void WriteSample(JsonWriter* w) {
  w->BeginObject();
  w->Field("name", "a\"b");
  w->Key("n");
  w->Int(-42);
  w->FieldBool("ok", true);
  w->Key("list");
  w->BeginArray();
  w->String("x");
  w->Raw("null");
  w->BeginObject();
  w->EndObject();
  w->EndArray();
  w->Key("empty");
  w->BeginArray();
  w->EndArray();
  w->EndObject();
}

TEST(JsonWriterTest, Compact) {
  JsonWriter w;
  WriteSample(&w);
  EXPECT_EQ(w.Take(), R"({"name":"a\"b","n":-42,"ok":true,"list":["x",null,{}],"empty":[]})");
}

TEST(JsonWriterTest, PrettyIndentsTwoSpacesPerLevel) {
  JsonWriter w(/*pretty=*/true);
  WriteSample(&w);
  EXPECT_EQ(w.Take(),
            "{\n"
            "  \"name\": \"a\\\"b\",\n"
            "  \"n\": -42,\n"
            "  \"ok\": true,\n"
            "  \"list\": [\n"
            "    \"x\",\n"
            "    null,\n"
            "    {}\n"
            "  ],\n"
            "  \"empty\": []\n"
            "}");
}

TEST(JsonWriterTest, TopLevelScalar) {
  JsonWriter w;
  w.Bool(false);
  EXPECT_EQ(w.Take(), "false");
}

}  // namespace
}  // namespace sanad::util
