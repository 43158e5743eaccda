// A certificate credential: a PEM certificate and the RSA private key that
// belongs to it, as Microsoft Entra takes them for a client assertion. Read
// at config load (to refuse a key that does not match) and again at each
// token fetch (so a renewed certificate applies). Nothing here ever puts key
// material into a message: errors name the configuration key and the file.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ue {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using PrivateKey = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

struct X509Credential {
  PrivateKey key;                 // RSA, and it matches the certificate
  std::string thumbprint_sha256;  // x5t#S256: base64url (unpadded) SHA-256 of the certificate's DER
};

// Reads both files. A file may hold other PEM blocks too (a chain after the
// certificate, or the certificate and the key in one file): the first
// certificate and the first private key are taken. Throws SourceError
// (connect), one line naming the key and the file, for a file that cannot be
// read or is empty, that holds no PEM certificate (client_certificate_file)
// or no unencrypted PEM private key (client_key_file), a key that is not RSA,
// and a key that does not match the certificate (naming both files).
X509Credential load_x509_credential(const std::string& certificate_file, const std::string& key_file);

// What load_x509_credential would refuse, as its one line; nullopt when the
// pair is usable. For config load, which reports it as a ConfigError.
std::optional<std::string> x509_credential_problem(const std::string& certificate_file,
                                                   const std::string& key_file);

// RFC 4648 section 5 base64url, without padding (as JWTs and x5t#S256 want).
std::string base64url(std::string_view bytes);

}  // namespace ue
