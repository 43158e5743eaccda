#include "base/x509_credential.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "base/error.h"

namespace ue {
namespace {

constexpr std::string_view kCertificateKey = "client_certificate_file";
constexpr std::string_view kKeyKey = "client_key_file";

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

// OpenSSL's error queue is per thread and read by the TLS code of later
// requests: a failure here must not leave its entries behind.
[[noreturn]] void fail(std::string message) {
  ERR_clear_error();
  throw SourceError{Reason::connect, std::move(message)};
}

std::string named(std::string_view key, const std::string& path) { return std::string(key) + " " + path; }

std::string read_pem_file(std::string_view key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + named(key, path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = std::move(text).str();
  if (pem.find_first_not_of(" \t\r\n") == std::string::npos) fail(named(key, path) + " is empty");
  return pem;
}

std::unique_ptr<BIO, BioFree> memory_bio(const std::string& text) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) fail("out of memory reading a PEM file");
  return bio;
}

// Never asked for a passphrase (OpenSSL's default would prompt on the terminal).
int no_passphrase(char*, int, int, void*) { return 0; }

std::unique_ptr<X509, X509Free> read_certificate(const std::string& path) {
  const std::string pem = read_pem_file(kCertificateKey, path);
  auto bio = memory_bio(pem);
  std::unique_ptr<X509, X509Free> certificate(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (!certificate) fail(named(kCertificateKey, path) + " holds no PEM certificate");
  return certificate;
}

std::string key_type_name(const EVP_PKEY* key) {
  const char* name = EVP_PKEY_get0_type_name(key);
  if (!name) name = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
  return name ? name : "unknown";
}

PrivateKey read_rsa_key(const std::string& path) {
  std::string pem = read_pem_file(kKeyKey, path);
  PrivateKey key(PEM_read_bio_PrivateKey(memory_bio(pem).get(), nullptr, no_passphrase, nullptr));
  const bool encrypted = pem.find("ENCRYPTED") != std::string::npos;
  OPENSSL_cleanse(pem.data(), pem.size());  // the key lives on only in `key`
  if (!key) {
    fail(named(kKeyKey, path) +
         (encrypted ? " holds an encrypted private key; the exporter needs it unencrypted"
                    : " holds no PEM private key"));
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    fail(named(kKeyKey, path) + " holds a key of type " + key_type_name(key.get()) +
         "; Entra certificate credentials are RSA");
  }
  return key;
}

std::string sha256_thumbprint(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) fail("cannot hash the certificate");
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

void EvpPkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

X509Credential load_x509_credential(const std::string& certificate_file, const std::string& key_file) {
  auto certificate = read_certificate(certificate_file);
  PrivateKey key = read_rsa_key(key_file);
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    fail(named(kKeyKey, key_file) + " does not match " + named(kCertificateKey, certificate_file));
  }
  return X509Credential{std::move(key), sha256_thumbprint(certificate.get())};
}

std::optional<std::string> x509_credential_problem(const std::string& certificate_file,
                                                   const std::string& key_file) {
  try {
    load_x509_credential(certificate_file, key_file);
  } catch (const SourceError& e) {
    return e.message;
  }
  return std::nullopt;
}

std::string base64url(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL too
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

}  // namespace ue
