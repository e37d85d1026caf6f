# syntax=docker/dockerfile:1
# Multi-stage image of the nerve executable. Build: docker build -t nerve .
# Run:  docker run -p 8080:8080 nerve [serve|doctor] [--targets=...]

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The Maven cache survives between builds; install because the modules depend on each other.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests install

FROM eclipse-temurin:17-jre
# Embedded PostgreSQL refuses to run as root, and nothing here needs root anyway.
RUN groupadd --system --gid 10001 nerve \
    && useradd --system --uid 10001 --gid nerve --home-dir /var/lib/nerve --no-create-home nerve \
    && mkdir -p /var/lib/nerve \
    && chown nerve:nerve /var/lib/nerve
WORKDIR /app
COPY --from=build /src/server/target/nerve-exec.jar /app/nerve.jar
ENV NERVE_DATA_DIR=/var/lib/nerve
# gRPC binds to loopback by default; in a container it has to accept connections from outside.
ENV NERVE_GRPC_ADDRESS=0.0.0.0
VOLUME /var/lib/nerve
USER nerve:nerve
# 8080: HTTP (gateway surfaces, actuator); 9090: gRPC between targets (internal: publish it only to Nerve's own processes).
EXPOSE 8080 9090
# The temurin JRE image ships wget; Kubernetes uses its own probes on the same endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD wget -q -O /dev/null "http://127.0.0.1:${NERVE_HTTP_PORT:-8080}/actuator/health/liveness" || exit 1
# The JVM's temporary files live under the data directory, so a restart after a crash clears them.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/var/lib/nerve/tmp", "-jar", "/app/nerve.jar"]
CMD ["serve"]
