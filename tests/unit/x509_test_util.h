// Throwaway keys and self-signed certificates for the certificate credential's
// tests, made with OpenSSL in the test (nothing checked in holds a key), and a
// scratch directory to write them to.
#pragma once

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace ue::test {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using TestKey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using TestCertificate = std::unique_ptr<X509, X509Deleter>;

inline TestKey make_rsa_key() {
  TestKey key(EVP_RSA_gen(2048));
  if (!key) throw std::runtime_error("EVP_RSA_gen failed");
  return key;
}

inline TestKey make_ec_key() {
  TestKey key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

inline TestCertificate make_self_signed(EVP_PKEY* key, const std::string& common_name = "exporter") {
  TestCertificate certificate(X509_new());
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 2 * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  X509_set_pubkey(certificate.get(), key);
  if (X509_sign(certificate.get(), key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
  return certificate;
}

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

inline std::string certificate_pem(X509* certificate) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), certificate);
  return bio_text(bio.get());
}

// PKCS#8, unencrypted unless a passphrase is given.
inline std::string key_pem(EVP_PKEY* key, const std::string& passphrase = "") {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  PEM_write_bio_PrivateKey(bio.get(), key, cipher, nullptr, 0, nullptr,
                           passphrase.empty() ? nullptr : const_cast<char*>(passphrase.c_str()));
  return bio_text(bio.get());
}

// The certificate's DER, as the thumbprint hashes it.
inline std::string certificate_der(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char scratch[] = "/tmp/ue_x509_test_XXXXXX";
    ASSERT_NE(mkdtemp(scratch), nullptr);
    dir_ = scratch;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& content) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return path;
  }

  std::filesystem::path dir_;
};

// Two RSA keys with their certificates and one EC pair, made once per test
// binary: RSA key generation takes a while.
struct TestPki {
  TestKey rsa_a = make_rsa_key();
  TestCertificate cert_a = make_self_signed(rsa_a.get(), "exporter-a");
  TestKey rsa_b = make_rsa_key();
  TestCertificate cert_b = make_self_signed(rsa_b.get(), "exporter-b");
  TestKey ec = make_ec_key();
  TestCertificate cert_ec = make_self_signed(ec.get(), "exporter-ec");

  static const TestPki& get() {
    static const TestPki pki;
    return pki;
  }
};

}  // namespace ue::test
