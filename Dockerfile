# wagate container image: a release build on Debian 12 with the Swift toolchain, copied into a slim
# Debian 12 runtime with only the shared libraries it links.
#   docker build -t wagate .
FROM swift:6.2-bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      pkg-config libpq-dev libsodium-dev libssl-dev libsignal-protocol-c-dev libqrencode-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY sql ./sql
RUN swift build -c release --product wagate \
 && mkdir -p /out \
 && cp "$(swift build -c release --show-bin-path)/wagate" /out/

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libpq5 libsodium23 libssl3 libsignal-protocol-c2.3.2 libqrencode4 ca-certificates tzdata \
      postgresql \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/wagate --shell /usr/sbin/nologin wagate
# The Swift runtime libraries the binary needs (Foundation, Dispatch, the standard library).
COPY --from=build /usr/lib/swift/linux/*.so* /usr/lib/swift/linux/
RUN echo /usr/lib/swift/linux > /etc/ld.so.conf.d/swift.conf && ldconfig
COPY --from=build /out/ /opt/wagate/
COPY examples /opt/wagate/examples
USER wagate
WORKDIR /var/lib/wagate
VOLUME ["/var/lib/wagate"]
ENTRYPOINT ["/opt/wagate/wagate"]
CMD ["start", "--state-dir", "/var/lib/wagate/state", "--characters", "/etc/wagate/characters"]
