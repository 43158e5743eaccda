# syntax=docker/dockerfile:1
# upgrade_exporter: a two-stage build on Debian bookworm.
#
#   docker build -t upgrade_exporter .     (or scripts/build-image [--check], which
#                                           also builds with podman; see the README)
#   docker run --rm -p 9731:9731 \
#     -v "$PWD/upgrade_exporter.yml:/etc/upgrade_exporter/upgrade_exporter.yml:ro" \
#     upgrade_exporter [--log.level=debug] [--web.config.file=/etc/upgrade_exporter/web.yml]
#
# The image ships no configuration: mount one at the path above (a ConfigMap
# on Kubernetes, see deploy/kubernetes/). Certificates, keys and bearer-token
# files named in it must be mounted too, readable by uid 65534.

# ---- build: from Debian's packages, only what building the binary needs
FROM debian:bookworm AS build
WORKDIR /src
# Dependencies first, so that source changes reuse this layer.
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps --build-only && rm -rf /var/lib/apt/lists/*
# The whole tree, .git included: CMake bakes `git rev-parse` into
# upgrade_exporter_build_info{revision} (see .dockerignore).
COPY . .
# A git worktree's .git is only a pointer that cannot be followed in here:
# scripts/build-image then passes the revision instead.
ARG UE_REVISION=
RUN cmake -S . -B build -DUE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release ${UE_REVISION:+-DUE_REVISION=$UE_REVISION} \
 && cmake --build build --target upgrade_exporter -j"$(nproc)" \
 && strip build/upgrade_exporter \
 && build/upgrade_exporter --version

# ---- runtime: the binary and its shared libraries, nothing else
FROM debian:bookworm-slim
# scripts/install-deps --runtime installs exactly the runtime libraries
# (libprometheus-cpp-core1.0 libcpp-httplib0.11 libyaml-cpp0.7 libre2-9 libssl3
# zlib1g libbrotli1 libcrypt1 ca-certificates); the script itself is removed.
COPY --from=build /src/scripts/install-deps /tmp/install-deps
RUN /tmp/install-deps --runtime \
 && rm -rf /var/lib/apt/lists/* /tmp/install-deps
COPY --from=build /src/build/upgrade_exporter /usr/local/bin/upgrade_exporter
# Prove every shared library resolves, in the image that ships.
RUN ! ldd /usr/local/bin/upgrade_exporter | grep -q 'not found' \
 && mkdir -p /etc/upgrade_exporter

LABEL org.opencontainers.image.title="upgrade_exporter" \
      org.opencontainers.image.description="Prometheus exporter for Azure Service Fabric and Qumulo upgrade progress" \
      org.opencontainers.image.source="https://github.com/upgrade-exporter/upgrade_exporter" \
      org.opencontainers.image.base.name="debian:bookworm-slim"

# nobody:nogroup. The exporter writes nothing to disk: run it with a
# read-only root filesystem.
USER 65534:65534
EXPOSE 9731
ENTRYPOINT ["/usr/local/bin/upgrade_exporter", "--config.file=/etc/upgrade_exporter/upgrade_exporter.yml"]
