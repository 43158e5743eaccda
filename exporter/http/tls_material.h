// The exporter's own TLS: certificate, key and client CAs loaded from the web
// config's files, applied to each new connection so a reload (or a rotated
// certificate picked up by one) needs no restart.
#pragma once

#include <functional>
#include <memory>

#include "http/web_config.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace ue {

class TlsMaterial {
 public:
  // Reads the files named by `config`. Throws ConfigError naming the file.
  static std::shared_ptr<const TlsMaterial> load(const WebTlsConfig& config);
  ~TlsMaterial();
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;

  struct Handles;
  const Handles& handles() const { return *handles_; }
  const WebTlsConfig& config() const { return config_; }

 private:
  TlsMaterial() = default;
  WebTlsConfig config_;
  std::unique_ptr<Handles> handles_;
};

using TlsMaterialSource = std::function<std::shared_ptr<const TlsMaterial>()>;

// Makes every connection accepted on `ctx` take its versions, certificate,
// client-auth mode and client CAs from `source()` at ClientHello time.
// `source` must outlive `ctx`.
void install_tls_material(SSL_CTX& ctx, const TlsMaterialSource* source);

}  // namespace ue
