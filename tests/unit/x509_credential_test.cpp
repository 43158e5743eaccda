// The certificate credential's files: a usable pair gives the key and the
// x5t#S256 thumbprint; every unusable one is one line naming the key and the
// file (both files for a mismatch), and never any key material.
#include "base/x509_credential.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

#include "base/error.h"
#include "unit/x509_test_util.h"

namespace ue {
namespace {

using test::TestPki;

// base64url of SHA-256 over `der`, computed here without the code under test's helper.
std::string expected_thumbprint(const std::string& der) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(der.data(), der.size(), digest, &length, EVP_sha256(), nullptr);
  std::string text(64, '\0');
  text.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), digest,
                                                       static_cast<int>(length))));
  std::string url;
  for (char c : text) {
    if (c == '=') continue;
    url += c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return url;
}

class X509CredentialTest : public test::ScratchDirTest {
 protected:
  std::string cert_a() const { return file("a.pem", test::certificate_pem(TestPki::get().cert_a.get())); }
  std::string key_a() const { return file("a.key", test::key_pem(TestPki::get().rsa_a.get())); }
  std::string key_b() const { return file("b.key", test::key_pem(TestPki::get().rsa_b.get())); }
};

TEST_F(X509CredentialTest, AMatchingPairGivesTheKeyAndTheSha256Thumbprint) {
  const X509Credential credential = load_x509_credential(cert_a(), key_a());
  ASSERT_NE(credential.key, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(credential.key.get(), TestPki::get().rsa_a.get()), 1);
  EXPECT_EQ(credential.thumbprint_sha256, expected_thumbprint(test::certificate_der(TestPki::get().cert_a.get())));
  EXPECT_EQ(credential.thumbprint_sha256.size(), 43u) << "32 bytes, unpadded base64url";
  EXPECT_EQ(x509_credential_problem(cert_a(), key_a()), std::nullopt);
}

TEST_F(X509CredentialTest, OneFileHoldingTheCertificateAndTheKeyServesAsBoth) {
  const std::string both = file("both.pem", test::certificate_pem(TestPki::get().cert_a.get()) +
                                                test::key_pem(TestPki::get().rsa_a.get()));
  EXPECT_EQ(x509_credential_problem(both, both), std::nullopt);
  const std::string key_first = file("key-first.pem", test::key_pem(TestPki::get().rsa_a.get()) +
                                                          test::certificate_pem(TestPki::get().cert_a.get()));
  EXPECT_EQ(x509_credential_problem(key_first, key_first), std::nullopt);
}

TEST_F(X509CredentialTest, APkcs1RsaKeyIsReadToo) {
  std::unique_ptr<BIO, test::BioDeleter> bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), TestPki::get().rsa_a.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr),
            1);
  const std::string pkcs1 = test::bio_text(bio.get());
  ASSERT_NE(pkcs1.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(x509_credential_problem(cert_a(), file("pkcs1.key", pkcs1)), std::nullopt);
}

TEST_F(X509CredentialTest, AKeyThatDoesNotMatchTheCertificateNamesBothFiles) {
  const std::string cert = cert_a();
  const std::string key = key_b();
  EXPECT_EQ(x509_credential_problem(cert, key),
            "client_key_file " + key + " does not match client_certificate_file " + cert);
  try {
    load_x509_credential(cert, key);
    ADD_FAILURE() << "a mismatched pair loaded";
  } catch (const SourceError& e) {
    EXPECT_EQ(e.reason, Reason::connect);
  }
}

TEST_F(X509CredentialTest, UnreadableEmptyAndNonPemFilesAreNamed) {
  const std::string missing = (dir_ / "missing.pem").string();
  EXPECT_EQ(x509_credential_problem(missing, key_a()), "cannot read client_certificate_file " + missing);
  EXPECT_EQ(x509_credential_problem(cert_a(), missing), "cannot read client_key_file " + missing);
  const std::string empty = file("empty.pem", " \n");
  EXPECT_EQ(x509_credential_problem(empty, key_a()), "client_certificate_file " + empty + " is empty");
  EXPECT_EQ(x509_credential_problem(cert_a(), empty), "client_key_file " + empty + " is empty");
  const std::string text = file("text.pem", "not a certificate\n");
  EXPECT_EQ(x509_credential_problem(text, key_a()), "client_certificate_file " + text + " holds no PEM certificate");
  EXPECT_EQ(x509_credential_problem(cert_a(), text), "client_key_file " + text + " holds no PEM private key");
  // A key where the certificate belongs, and the other way round.
  EXPECT_EQ(x509_credential_problem(key_a(), key_a()),
            "client_certificate_file " + key_a() + " holds no PEM certificate");
  EXPECT_EQ(x509_credential_problem(cert_a(), cert_a()), "client_key_file " + cert_a() + " holds no PEM private key");
  EXPECT_EQ(ERR_peek_error(), 0u) << "no OpenSSL errors left behind for the thread's next TLS handshake";
}

TEST_F(X509CredentialTest, AnEcKeyIsRefusedAsEntraWantsRsa) {
  const std::string cert = file("ec.pem", test::certificate_pem(TestPki::get().cert_ec.get()));
  const std::string key = file("ec.key", test::key_pem(TestPki::get().ec.get()));
  EXPECT_EQ(x509_credential_problem(cert, key),
            "client_key_file " + key + " holds a key of type EC; Entra certificate credentials are RSA");
}

TEST_F(X509CredentialTest, AnEncryptedKeyIsRefusedWithoutAPrompt) {
  const std::string key = file("enc.key", test::key_pem(TestPki::get().rsa_a.get(), "passphrase"));
  EXPECT_EQ(x509_credential_problem(cert_a(), key),
            "client_key_file " + key + " holds an encrypted private key; the exporter needs it unencrypted");
}

TEST_F(X509CredentialTest, NoMessageQuotesTheKeyFile) {
  const std::string key_text = test::key_pem(TestPki::get().rsa_a.get());
  const std::string body = key_text.substr(key_text.find('\n') + 1, 40);  // a line of the key's base64
  const std::string broken = file("broken.key", key_text.substr(0, key_text.size() / 2));
  for (const auto& problem : {x509_credential_problem(cert_a(), broken), x509_credential_problem(broken, broken)}) {
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->find(body.substr(0, 20)), std::string::npos) << *problem;
    EXPECT_EQ(problem->find('\n'), std::string::npos) << "one line";
  }
}

TEST(Base64Url, IsUnpaddedWithTheUrlAlphabet) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("\xfb\xff\xfe"), "-__-");  // "+//+" in standard base64
}

}  // namespace
}  // namespace ue
