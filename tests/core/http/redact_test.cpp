#include "core/http/redact.hpp"

#include <gtest/gtest.h>

using namespace sportello::http;

TEST(Redact, SamlPayloadsAndCredentialsInTargets) {
  EXPECT_EQ(redactTarget("/sso?SAMLRequest=fZFb&RelayState=abc&SigAlg=rsa&Signature=QmFk"),
            "/sso?SAMLRequest=[redacted:4]&RelayState=abc&SigAlg=rsa&Signature=[redacted:4]");
  EXPECT_EQ(redactTarget("/login?user=mario&password=segreta"), "/login?user=mario&password=[redacted:7]");
  EXPECT_EQ(redactTarget("/x?%53AMLResponse=abc"), "/x?%53AMLResponse=[redacted:3]");  // encoded names too
  EXPECT_EQ(redactTarget("/plain"), "/plain");
}

TEST(Redact, FormBodies) {
  EXPECT_EQ(redactForm("username=mario&password=x%20y"), "username=mario&password=[redacted:5]");
}

TEST(Redact, CookiesAndAuthorization) {
  EXPECT_EQ(redactHeader("Cookie", "sid=abc; lang=it"), "sid=[redacted]; lang=[redacted]");
  EXPECT_EQ(redactHeader("set-cookie", "sid=abc; Path=/; Secure; HttpOnly"),
            "sid=[redacted]; Path=/; Secure; HttpOnly");
  EXPECT_EQ(redactHeader("Authorization", "Bearer s3cr3t"), "Bearer [redacted]");
  EXPECT_EQ(redactHeader("User-Agent", "curl/7.88"), "curl/7.88");
}
