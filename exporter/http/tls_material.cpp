#include "http/tls_material.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>

namespace ue {

struct TlsMaterial::Handles {
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  EVP_PKEY* key = nullptr;
  X509_STORE* client_cas = nullptr;  // null when client certificates are not verified
};

namespace {

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

FILE* open_or_throw(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (!file) throw ConfigError(path + ": cannot read");
  return file;
}

// Accepts whatever certificate a client sends: RequestClientCert and
// RequireAnyClientCert ask for one without verifying it.
int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

int on_client_hello(SSL* ssl, int* alert, void* arg) {
  const auto* source = static_cast<const TlsMaterialSource*>(arg);
  std::shared_ptr<const TlsMaterial> material = (*source)();
  const auto& h = material->handles();
  const WebTlsConfig& c = material->config();
  if (!SSL_set_min_proto_version(ssl, c.min_version) || !SSL_set_max_proto_version(ssl, c.max_version) ||
      !SSL_use_cert_and_key(ssl, h.cert, h.key, h.chain, 1)) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  int mode = SSL_VERIFY_NONE;
  if (c.client_auth != ClientAuth::no_client_cert) mode = SSL_VERIFY_PEER;
  if (requires_client_cert(c.client_auth)) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_set_verify(ssl, mode, verifies_client_cert(c.client_auth) ? nullptr : accept_any_certificate);
  if (h.client_cas) SSL_set1_verify_cert_store(ssl, h.client_cas);
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace

std::shared_ptr<const TlsMaterial> TlsMaterial::load(const WebTlsConfig& config) {
  std::shared_ptr<TlsMaterial> m(new TlsMaterial);
  m->config_ = config;
  m->handles_ = std::make_unique<Handles>();
  Handles& h = *m->handles_;

  FILE* certs = open_or_throw(config.cert_file);
  h.cert = PEM_read_X509(certs, nullptr, nullptr, nullptr);
  h.chain = sk_X509_new_null();
  while (X509* intermediate = PEM_read_X509(certs, nullptr, nullptr, nullptr)) sk_X509_push(h.chain, intermediate);
  std::fclose(certs);
  ERR_clear_error();  // the loop ends on an expected "no start line"
  if (!h.cert) throw ConfigError(config.cert_file + ": no PEM certificate");

  FILE* key = open_or_throw(config.key_file);
  h.key = PEM_read_PrivateKey(key, nullptr, nullptr, nullptr);
  std::fclose(key);
  if (!h.key) throw ConfigError(config.key_file + ": no PEM private key: " + openssl_error());
  if (X509_check_private_key(h.cert, h.key) != 1)
    throw ConfigError(config.key_file + ": private key does not match " + config.cert_file);

  if (verifies_client_cert(config.client_auth)) {
    h.client_cas = X509_STORE_new();
    if (X509_STORE_load_file(h.client_cas, config.client_ca_file.c_str()) != 1)
      throw ConfigError(config.client_ca_file + ": no PEM CA certificate: " + openssl_error());
  }
  return m;
}

TlsMaterial::~TlsMaterial() {
  if (!handles_) return;
  X509_free(handles_->cert);
  sk_X509_pop_free(handles_->chain, X509_free);
  EVP_PKEY_free(handles_->key);
  X509_STORE_free(handles_->client_cas);
}

void install_tls_material(SSL_CTX& ctx, const TlsMaterialSource* source) {
  SSL_CTX_set_client_hello_cb(&ctx, on_client_hello, const_cast<TlsMaterialSource*>(source));
}

}  // namespace ue
